//! The study's figures. One colour per batch size in every figure; the
//! scaled-rate runs are the dashed lines of their batch size's colour.

use std::path::Path;

use super::runs::{BatchRun, Group, Outcome};
use crate::error::Result;
use crate::plot::{Dash, LineChart, Scale, Series, SeriesStyle};
use crate::report::Report;
use crate::studies::format::short;
use crate::studies::spread::Spread;

/// The colour key of a batch size: "b=64", or "full batch".
fn key(outcome: &Outcome, batch: usize) -> String {
    if batch == outcome.train_examples {
        format!("full batch ({batch})")
    } else {
        format!("b={batch}")
    }
}

/// The legend of a group: its batch, and the scaled rate for dashed runs.
fn label(outcome: &Outcome, g: &Group<'_>) -> String {
    if g.scaled {
        format!(
            "{}, scaled lr {}{}",
            key(outcome, g.batch),
            short(g.lr()),
            if g.capped() { " (capped)" } else { "" }
        )
    } else {
        key(outcome, g.batch)
    }
}

/// Mean line with a min–max band over `(x, spread)`, finite means only.
fn banded(label: String, rows: Vec<(f64, Spread)>) -> Series {
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|(x, m)| x.is_finite() && m.mean.is_finite())
        .collect();
    Series::line(label, rows.iter().map(|&(x, m)| (x, m.mean)).collect())
        .band(rows.iter().map(|&(x, m)| (x, m.min, m.max)).collect())
}

/// The training loss of every group against `x(run, epoch)`; with a log x
/// axis the start (epoch 0) is left out.
fn loss_chart(
    outcome: &Outcome,
    title: &str,
    x_label: &str,
    x: &dyn Fn(&BatchRun, usize) -> f64,
    log_x: bool,
) -> LineChart {
    let mut c =
        LineChart::new(title, x_label, "training loss (all training images)").y_scale(Scale::Log);
    if log_x {
        c = c.x_scale(Scale::Log);
    }
    for scaled in [false, true] {
        for g in outcome.groups(scaled) {
            let rows = (usize::from(log_x)..=outcome.config.epochs)
                .map(|e| {
                    let xs = Spread::of(g.runs.iter().map(|r| x(r, e)));
                    (
                        xs.mean,
                        g.of(|r| r.loss.get(e).copied().unwrap_or(f64::NAN)),
                    )
                })
                .collect();
            let mut s = banded(label(outcome, &g), rows)
                .key(key(outcome, g.batch))
                .dash(if scaled { Dash::Dashed } else { Dash::Solid });
            if let Some(step) = g.first_divergence() {
                s = s.diverged_at(step as f64);
            }
            c = c.with(s);
        }
    }
    c
}

/// A quantity of every group of one rule against the batch size.
fn per_batch(outcome: &Outcome, scaled: bool, f: &dyn Fn(&BatchRun) -> f64) -> Series {
    banded(
        if scaled { "scaled lr" } else { "fixed lr" }.to_string(),
        outcome
            .groups(scaled)
            .iter()
            .map(|g| {
                let v = g.of(|r| {
                    if r.diverged_at.is_some() {
                        f64::NAN
                    } else {
                        f(r)
                    }
                });
                (g.batch as f64, v)
            })
            .collect(),
    )
    .key(if scaled { "scaled lr" } else { "fixed lr" })
    .dash(if scaled { Dash::Dashed } else { Dash::Solid })
    .style(SeriesStyle::LinePoints)
}

/// Draws every figure into `dir` and records it in `report`.
///
/// **Errors**: a figure that cannot be written.
pub(super) fn draw(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let c = &outcome.config;
    let seeds = format!("mean over {} seeds, band: min to max", c.seeds.len());
    let rules = format!(
        "solid: fixed lr {}; dashed: the rule lr·b/32 capped at {}",
        c.lr, c.lr_max
    );
    report.figure(
        dir,
        "loss-epochs",
        &format!(
            "Training loss after each epoch (every run has seen the same examples); {rules}; {seeds}"
        ),
        loss_chart(outcome, "Training loss vs epochs", "epoch", &|_, e| e as f64, false),
    )?;
    report.figure(
        dir,
        "loss-updates",
        &format!("Training loss against the number of updates made; {rules}; {seeds}"),
        loss_chart(
            outcome,
            "Training loss vs updates",
            "updates",
            &|r, e| (e * r.updates_per_epoch) as f64,
            true,
        ),
    )?;
    report.figure(
        dir,
        "loss-time",
        &format!(
            "Training loss against wall-clock training time (evaluation excluded; time is the \
             mean over seeds); {rules}; {seeds}"
        ),
        loss_chart(
            outcome,
            "Training loss vs wall-clock time",
            "training time",
            &|r, e| r.seconds.get(e).copied().unwrap_or(f64::NAN),
            true,
        )
        .units("s", ""),
    )?;

    let fixed = outcome.groups(false);
    let time = |label: &str, f: &dyn Fn(&BatchRun) -> f64| {
        banded(
            label.to_string(),
            fixed
                .iter()
                .map(|g| (g.batch as f64, g.of(|r| f(r))))
                .collect(),
        )
        .key(label)
        .style(SeriesStyle::LinePoints)
    };
    report.figure(
        dir,
        "time",
        &format!(
            "Wall-clock seconds per training epoch and per update against the batch size (fixed \
             lr runs, evaluation excluded; {seeds})"
        ),
        LineChart::new(
            "Time per epoch and per update vs batch size",
            "batch size",
            "time",
        )
        .units("examples", "s")
        .x_scale(Scale::Log)
        .y_scale(Scale::Log)
        .with(time("per epoch", &|r| r.seconds_per_epoch))
        .with(time("per update", &BatchRun::seconds_per_update)),
    )?;

    let mib = |b: usize| b as f64 / f64::from(1 << 20);
    report.figure(
        dir,
        "memory",
        &format!(
            "Memory of one training step against the batch size. Measured: the bytes held by the \
             autodiff tape (the batch, the parameters as recorded, every activation, the softmax \
             probabilities) and by the gradient buffers at the end of one step of b examples on \
             a fresh trainer, read from the buffers themselves (optimizer state and temporaries \
             inside an operation not included). Dashed: the estimate 8·b·(784 + 2·{} + 10) \
             bytes (batch, activations and their gradients in f32).",
            c.hidden
        ),
        LineChart::new(
            "Memory of one training step vs batch size",
            "batch size",
            "memory",
        )
        .units("examples", "MiB")
        .x_scale(Scale::Log)
        .y_scale(Scale::Log)
        .with(
            Series::line(
                "measured (tape + gradients)",
                outcome
                    .memory
                    .iter()
                    .map(|m| (m.batch as f64, mib(m.measured_bytes)))
                    .collect(),
            )
            .key("measured")
            .style(SeriesStyle::LinePoints),
        )
        .with(
            Series::line(
                "estimate: batch + activations + their gradients",
                outcome
                    .memory
                    .iter()
                    .map(|m| (m.batch as f64, mib(m.estimate_bytes)))
                    .collect(),
            )
            .key("estimate")
            .dash(Dash::Dashed),
        ),
    )?;

    report.figure(
        dir,
        "gap",
        &format!(
            "Generalization gap (training − test accuracy, percentage points) after the last \
             epoch against the batch size; {rules}; {seeds}; diverged runs left out"
        ),
        LineChart::new(
            "Generalization gap vs batch size",
            "batch size",
            "train − test accuracy",
        )
        .units("examples", "pp")
        .x_scale(Scale::Log)
        .with(per_batch(outcome, false, &|r| 100.0 * r.gap()))
        .with(per_batch(outcome, true, &|r| 100.0 * r.gap())),
    )?;
    report.figure(
        dir,
        "test-accuracy",
        &format!(
            "Test accuracy ({} images) after the last epoch against the batch size; {rules}; \
             {seeds}; diverged runs left out",
            c.test
        ),
        LineChart::new("Test accuracy vs batch size", "batch size", "test accuracy")
            .units("examples", "%")
            .x_scale(Scale::Log)
            .with(per_batch(outcome, false, &|r| 100.0 * r.test_accuracy))
            .with(per_batch(outcome, true, &|r| 100.0 * r.test_accuracy)),
    )
}
