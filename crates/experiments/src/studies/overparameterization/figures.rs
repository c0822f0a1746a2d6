//! The study's figures: final training loss per width, the training curves,
//! the loss along the line between two solutions, its barrier per width,
//! and test accuracy.

use std::path::Path;

use super::runs::{Outcome, WidthResult};
use crate::error::Result;
use crate::plot::{Annotation, Dash, LineChart, Scale, Series, SeriesStyle};
use crate::report::Report;
use crate::studies::spread::Spread;

/// The legend and colour key of a width.
fn key(w: &WidthResult) -> String {
    format!("width {}", w.width)
}

/// Mean line with a min–max band over `(x, spread)`.
fn banded(label: &str, rows: Vec<(f64, Spread)>) -> Series {
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|(_, m)| m.mean.is_finite())
        .collect();
    Series::line(label, rows.iter().map(|&(x, m)| (x, m.mean)).collect())
        .band(rows.iter().map(|&(x, m)| (x, m.min, m.max)).collect())
        .style(SeriesStyle::LinePoints)
}

/// Draws every figure into `dir` and records it in `report`.
///
/// **Errors**: a figure that cannot be written.
pub(super) fn draw(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let c = &outcome.config;
    let n = c.seeds.len();
    let w = |r: &WidthResult| r.width as f64;
    let mut loss = LineChart::new(
        "Final training loss vs hidden width",
        "hidden units",
        "final training loss",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .with(
        banded(
            &format!("mean over {n} seeds (band: min to max)"),
            outcome.widths.iter().map(|r| (w(r), r.loss())).collect(),
        )
        .key("mean"),
    )
    .with(
        Series::points(
            "each seed",
            outcome
                .widths
                .iter()
                .flat_map(|r| r.runs.iter().map(move |s| (w(r), s.final_loss)))
                .filter(|p| p.1.is_finite() && p.1 > 0.0)
                .collect(),
        )
        .key("each seed"),
    )
    .annotate(Annotation::hline(
        c.interpolation_loss,
        format!("interpolation threshold {}", c.interpolation_loss),
    ));
    if let Some(lo) = outcome
        .widths
        .iter()
        .flat_map(|r| r.runs.iter().map(|s| s.final_loss))
        .filter(|l| l.is_finite() && *l > 0.0)
        .reduce(f64::min)
    {
        // the axis from the shown data, with the threshold line in view
        let hi = outcome
            .widths
            .iter()
            .flat_map(|r| r.runs.iter().map(|s| s.final_loss))
            .filter(|l| l.is_finite())
            .fold(c.interpolation_loss, f64::max);
        loss = loss.y_range(lo.min(c.interpolation_loss) / 2.0, hi * 2.0);
    }
    report.figure(
        dir,
        "train-loss",
        &format!(
            "Final training loss (cross-entropy on all {} training images) per hidden width after {} \
             epochs: mean over {n} seeds with a min–max band, each seed a point; below the \
             threshold line a network interpolates its training set",
            c.train, c.epochs
        ),
        loss,
    )?;

    let mut curves = LineChart::new(
        "Training loss during training, per width",
        "epoch",
        "mean minibatch loss of the epoch",
    )
    .y_scale(Scale::Log)
    .annotate(Annotation::hline(
        c.interpolation_loss,
        format!("interpolation threshold {}", c.interpolation_loss),
    ));
    for r in &outcome.widths {
        let rows = (0..c.epochs)
            .map(|e| {
                let m = Spread::of(r.runs.iter().filter_map(|s| s.epoch_loss.get(e).copied()));
                ((e + 1) as f64, m)
            })
            .collect();
        let mut s = banded(&key(r), rows).key(key(r)).style(SeriesStyle::Line);
        if let Some(step) = r.runs.iter().filter_map(|s| s.diverged_at).min() {
            s = s.diverged_at(step as f64);
        }
        curves = curves.with(s);
    }
    report.figure(
        dir,
        "train-curves",
        &format!(
            "Mean minibatch training loss per epoch and width (mean over {n} seeds, band: min to max)"
        ),
        curves,
    )?;

    let pairs = outcome.widths.first().map_or(0, |r| r.paths.len());
    let mut line = LineChart::new(
        "Training loss on the straight line between two seeds' solutions",
        "α in θ(α) = (1 − α)·θ_a + α·θ_b",
        "training loss",
    )
    .y_scale(Scale::Log)
    .annotate(Annotation::vline(0.0, "θ_a: seed a's solution"))
    .annotate(Annotation::vline(1.0, "θ_b: seed b's solution"));
    for r in &outcome.widths {
        let alphas: Vec<f64> = r
            .paths
            .first()
            .map(|p| p.points.iter().map(|q| q.0).collect())
            .unwrap_or_default();
        let rows = alphas
            .iter()
            .enumerate()
            .map(|(i, &a)| (a, Spread::of(r.paths.iter().map(|p| p.points[i].1))))
            .collect();
        line = line.with(banded(&key(r), rows).key(key(r)));
    }
    report.figure(
        dir,
        "line",
        &format!(
            "Training loss at θ(α) = (1 − α)·θ_a + α·θ_b, the straight line through two seeds' \
             solutions (α = 0 and 1, vertical lines), a little beyond both; per width, {}",
            if pairs > 1 {
                format!("mean over the {pairs} seed pairs with a min–max band")
            } else {
                "one pair of seeds".to_string()
            }
        ),
        line,
    )?;

    let top = outcome
        .widths
        .iter()
        .map(|r| r.barrier().max)
        .filter(|b| b.is_finite())
        .fold(0.0, f64::max);
    let bottom = outcome
        .widths
        .iter()
        .map(|r| r.barrier().min)
        .filter(|b| b.is_finite())
        .fold(0.0, f64::min);
    let barrier = LineChart::new(
        "Loss barrier between two solutions vs hidden width",
        "hidden units",
        "barrier: max over α in [0, 1] of L(θ(α)) − max(L(θ_a), L(θ_b))",
    )
    .x_scale(Scale::Log)
    .with(
        banded(
            if pairs > 1 {
                "mean over seed pairs (band: min to max)"
            } else {
                "one seed pair"
            },
            outcome.widths.iter().map(|r| (w(r), r.barrier())).collect(),
        )
        .key("barrier"),
    )
    // from 0 (no barrier, the reference line) to the highest barrier
    .y_range(bottom, 1.08 * top.max(1e-6))
    .annotate(Annotation::hline(0.0, "no barrier"));
    report.figure(
        dir,
        "barrier",
        "Height of the loss barrier on the line between two seeds' solutions, per width: how far \
         the training loss rises above the worse of the two ends (0: no barrier)",
        barrier,
    )?;

    let acc = LineChart::new(
        "Training and test accuracy vs hidden width",
        "hidden units",
        "accuracy",
    )
    .units("", "%")
    .x_scale(Scale::Log)
    .with(
        banded(
            "training accuracy",
            outcome
                .widths
                .iter()
                .map(|r| (w(r), r.train_accuracy().times(100.0)))
                .collect(),
        )
        .key("training accuracy")
        .dash(Dash::Dashed),
    )
    .with(
        banded(
            "test accuracy",
            outcome
                .widths
                .iter()
                .map(|r| (w(r), r.test_accuracy().times(100.0)))
                .collect(),
        )
        .key("test accuracy"),
    );
    report.figure(
        dir,
        "accuracy",
        &format!(
            "Training accuracy ({} images) and test accuracy ({} images) per width, mean over {n} \
             seeds with a min–max band",
            c.train, c.test
        ),
        acc,
    )
}
