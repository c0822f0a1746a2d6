//! The study's figures: per activation, the activation std and gradient
//! norm per layer at initialization, and the short training runs (mean over
//! seeds with a min-max band). One colour per scheme in every figure.

use std::f64::consts::LN_10;
use std::path::Path;

use super::{Config, Outcome, Run, Scheme};
use crate::error::Result;
use crate::plot::{Annotation, Dash, LineChart, Scale, Series, SeriesStyle};
use crate::report::Report;
use crate::studies::format::short;

/// A scheme's series: its colour key, and a line pattern that keeps it
/// visible where it overlaps another (Xavier on Kaiming; zero, drawn last
/// with a marker on every point, on too small).
fn styled(series: Series, scheme: Scheme) -> Series {
    let series = series.key(scheme.key());
    match scheme {
        Scheme::Xavier => series.dash(Dash::Dashed),
        Scheme::Zero => series.dash(Dash::Dotted).style(SeriesStyle::LinePoints),
        _ => series,
    }
}

fn positive(values: &[f64]) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0 && v.is_finite())
        .map(|(i, &v)| ((i + 1) as f64, v))
        .collect()
}

/// What cannot be drawn of `values` on a log axis, in words, if anything.
fn undrawable(name: &str, quantity: &str, values: &[f64]) -> Option<String> {
    let zero: Vec<usize> = (0..values.len()).filter(|&i| values[i] <= 0.0).collect();
    let drawn = positive(values);
    if zero.is_empty() {
        return None;
    }
    Some(if drawn.len() < 2 {
        let rest: Vec<String> = drawn
            .iter()
            .map(|(l, v)| format!("{} in layer {l}", short(*v)))
            .collect();
        format!(
            "{name}: {quantity} exactly 0 in {} of {} layers{}: not drawable on a log axis",
            zero.len(),
            values.len(),
            if rest.is_empty() {
                String::new()
            } else {
                format!(" ({})", rest.join(", "))
            }
        )
    } else {
        format!(
            "{name}: {quantity} exactly 0 in {} of {} layers (not drawn)",
            zero.len(),
            values.len()
        )
    })
}

/// Reserves room below the data of a log chart for `notes` and writes them there.
fn with_notes(chart: LineChart, lo: f64, hi: f64, first_x: f64, notes: &[String]) -> LineChart {
    if notes.is_empty() || !(lo > 0.0 && hi >= lo) {
        return chart;
    }
    let (l, h) = (lo.log10(), hi.log10());
    let span = (h - l).max(1.0);
    let room = 0.08 * span;
    let mut chart = chart.y_range(
        10f64.powf(l - (notes.len() as f64 + 0.4) * room),
        10f64.powf(h + 0.05 * span),
    );
    for (i, note) in notes.iter().enumerate() {
        let y = 10f64.powf(l - (i as f64 + 0.3) * room);
        chart = chart.annotate(Annotation::text(first_x, y, note.clone()));
    }
    chart
}

/// One quantity per layer for every scheme of one activation.
fn layer_chart(
    title: String,
    x_label: &str,
    y_label: &str,
    runs: &[&Run],
    values: impl Fn(&Run) -> &[f64],
) -> LineChart {
    let mut chart = LineChart::new(title, x_label, y_label).y_scale(Scale::Log);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut notes = Vec::new();
    for scheme in Scheme::DRAW_ORDER {
        let Some(r) = runs.iter().find(|r| r.scheme == scheme) else {
            continue;
        };
        let pts = positive(values(r));
        if let Some(note) = undrawable(scheme.name(), y_label, values(r)) {
            notes.push(note);
        }
        if pts.len() >= 2 {
            for &(_, v) in &pts {
                lo = lo.min(v);
                hi = hi.max(v);
            }
            chart = chart.with(styled(Series::line(scheme.name(), pts), scheme));
        }
    }
    with_notes(chart, lo, hi, 1.15, &notes)
}

/// `(centre step, mean, min, max)` of a window of steps over seeds.
type Window = (f64, f64, f64, f64);

/// A scheme's run and its windows.
type Curve<'a> = (Scheme, &'a Run, Vec<Window>);

/// Mean, min and max over seeds of the step losses in windows of `w`
/// steps, up to the shortest seed's run.
fn windows(run: &Run, w: usize) -> Vec<Window> {
    let n = run
        .seeds
        .iter()
        .map(|s| s.step_losses.len())
        .min()
        .unwrap_or(0);
    (0..n)
        .step_by(w.max(1))
        .map(|start| {
            let end = (start + w.max(1)).min(n);
            let means: Vec<f64> = run
                .seeds
                .iter()
                .map(|s| s.step_losses[start..end].iter().sum::<f64>() / (end - start) as f64)
                .collect();
            let mean = means.iter().sum::<f64>() / means.len() as f64;
            let min = means.iter().copied().fold(f64::INFINITY, f64::min);
            let max = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            ((start + 1 + end) as f64 / 2.0, mean, min, max)
        })
        .collect()
}

/// The short training runs of one activation: mean over seeds with a
/// min-max band; runs that stopped early end in a cross, and values of a
/// diverged run above the other runs' range are drawn at the top edge.
fn training_chart(config: &Config, act: &str, runs: &[&Run]) -> LineChart {
    let longest = runs
        .iter()
        .flat_map(|r| r.seeds.iter().map(|s| s.step_losses.len()))
        .max()
        .unwrap_or(0);
    let w = (longest / 50).max(1);
    let curves: Vec<Curve> = Scheme::DRAW_ORDER
        .iter()
        .filter_map(|&s| {
            runs.iter()
                .find(|r| r.scheme == s)
                .map(|r| (s, *r, windows(r, w)))
        })
        .collect();
    let values = |c: &Curve| {
        c.2.iter()
            .flat_map(|p| [p.1, p.2, p.3])
            .filter(|v| v.is_finite() && *v > 0.0)
            .collect::<Vec<f64>>()
    };
    let lo = curves.iter().flat_map(values).fold(f64::INFINITY, f64::min);
    // the range of the runs that did not stop early
    let hi = curves
        .iter()
        .filter(|c| c.1.stopped() == 0)
        .flat_map(values)
        .fold(LN_10, f64::max);
    let seeds = config.seeds;
    let mut chart = LineChart::new(
        format!(
            "{act}: training loss, SGD + momentum at lr {} (mean of {seeds} seeds, band min-max)",
            config.train.lr
        ),
        "step",
        "training loss (window mean)",
    )
    .y_scale(Scale::Log)
    .y_range(lo / 1.15, hi * 1.3)
    .annotate(Annotation::hline(LN_10, "ln 10: uniform guess"));
    for (scheme, run, pts) in curves {
        let peak = pts.iter().map(|p| p.3).fold(f64::NEG_INFINITY, f64::max);
        let top = hi * 1.25;
        let clip = |v: f64| if v > top { top } else { v };
        let mut label = scheme.name().to_string();
        if run.stopped() > 0 && run.stopped() < run.seeds.len() {
            label.push_str(&format!(", {} of {} seeds", run.stopped(), run.seeds.len()));
        }
        if peak > top {
            label.push_str(&format!(", loss up to {:.1e} drawn at the top edge", peak));
        }
        let mut series = Series::line(label, pts.iter().map(|p| (p.0, clip(p.1))).collect());
        if seeds > 1 {
            series = series.band(pts.iter().map(|p| (p.0, clip(p.2), clip(p.3))).collect());
        }
        series = match run.first_end() {
            Some(super::End::Diverged(k)) => series.diverged_at(k as f64),
            Some(super::End::NonFinite(k)) => series.non_finite_at(k as f64),
            None => series,
        };
        if pts.is_empty() {
            if let Some(end) = run.first_end() {
                chart = chart.annotate(Annotation::text(
                    1.0,
                    top,
                    format!(
                        "{}: stopped at step {} before any finite loss",
                        scheme.name(),
                        end.step()
                    ),
                ));
            }
            continue;
        }
        chart = chart.with(styled(series, scheme));
    }
    chart
}

/// Writes every figure of the study into `dir` and records it in `report`.
///
/// **Errors**: a figure could not be written.
pub(super) fn write(report: &mut Report, dir: &Path, config: &Config, out: &Outcome) -> Result<()> {
    for act in out.activations() {
        let runs: Vec<&Run> = out.runs.iter().filter(|r| r.activation == act).collect();
        let a = layer_chart(
            format!("{act}: activation std per hidden layer at initialization"),
            "hidden layer",
            "activation std",
            &runs,
            |r| r.activation_std.as_slice(),
        );
        report.figure(
            dir,
            &format!("activation_std_{act}"),
            &format!(
                "{act}: std of each hidden layer's activations at initialization on one batch \
                 (flat: right; falling: vanishing; rising: exploding). Values that are exactly 0 \
                 cannot be drawn on a log axis and are stated in the figure."
            ),
            a,
        )?;
        let g = layer_chart(
            format!("{act}: weight-gradient norm per layer at initialization"),
            "linear layer",
            "‖∂L/∂W‖",
            &runs,
            |r| r.grad_norm.as_slice(),
        );
        report.figure(
            dir,
            &format!("grad_norm_{act}"),
            &format!(
                "{act}: norm of the loss gradient with respect to each Linear layer's weights at \
                 initialization, same batch"
            ),
            g,
        )?;
        report.figure(
            dir,
            &format!("training_{act}"),
            &format!(
                "{act}: short training runs from each initialization, {} seeds each (line: mean, \
                 band: min-max); a cross marks where a run diverged",
                config.seeds
            ),
            training_chart(config, act, &runs),
        )?;
    }
    Ok(())
}
