//! The standardization study's figures.

use std::path::Path;

use super::{InputScaling, NAME, Outcome};
use crate::error::Result;
use crate::plot::{Annotation, Dash, LineChart, Scale, Series, SeriesStyle};
use crate::report::Report;
use crate::studies::format::short;
use crate::study::Study as _;

/// Writes the figures and data of `outcome` into `dir` and states the finding.
///
/// **Errors**: a figure or file could not be written.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let study = super::Standardization;
    let mut report = Report::new(NAME, study.title(), study.section());
    let n = outcome.examples;
    report.figure(
        dir,
        "loss_curves",
        &format!(
            "Training loss per full-batch iteration on n = {n} images, each input scaling at the best rate of its scan (log scale); the horizontal line is the target loss {}",
            outcome.target_loss
        ),
        curves_chart(outcome),
    )?;
    report.figure(
        dir,
        "lr_scan",
        &format!(
            "Training loss after {} iterations against the learning rate, per input scaling (n = {n}); the markers in the band at the top are runs that diverged (stopped once the loss exceeded twice its best), drawn there rather than at their exploded loss",
            outcome.iterations
        ),
        scan_chart(outcome),
    )?;
    super::files::write(outcome, dir, &mut report)?;
    report.finding = super::finding::finding(outcome);
    report.frame = Some(super::verdict::frame(outcome));
    Ok(report)
}

/// The series key of a scaling: one colour per scaling in every figure.
fn key(scaling: InputScaling) -> &'static str {
    scaling.label()
}

fn curves_chart(outcome: &Outcome) -> LineChart {
    let mut curves = LineChart::new(
        "Training loss at each scaling's best learning rate",
        "full-batch gradient-descent iteration",
        "training loss (cross-entropy)",
    )
    .y_scale(Scale::Log);
    for s in &outcome.scalings {
        let run = s.best_run();
        let points = run
            .losses
            .iter()
            .enumerate()
            .map(|(t, &l)| (t as f64, l))
            .collect();
        curves = curves.with(
            Series::line(
                format!("{}, lr {}", s.scaling.label(), short(run.lr)),
                points,
            )
            .key(key(s.scaling)),
        );
    }
    let target = outcome.target_loss;
    curves.annotate(Annotation::hline(target, format!("target loss {target}")))
}

fn scan_chart(outcome: &Outcome) -> LineChart {
    let stable_losses = outcome
        .scalings
        .iter()
        .flat_map(|s| s.runs.iter().filter(|r| r.diverged.is_none()))
        .map(|r| r.final_loss())
        .filter(|l| l.is_finite() && *l > 0.0);
    let (lo, hi) = stable_losses.fold((f64::INFINITY, 0.0_f64), |(lo, hi), l| {
        (lo.min(l), hi.max(l))
    });
    // The band for diverged runs: a decade above the highest stable loss,
    // one row per scaling so that their markers do not hide each other.
    let band = hi * 10.0;
    let row = |i: usize| band * 1.4_f64.powi(i as i32);
    let top = row(outcome.scalings.len());
    let mut scan = LineChart::new(
        format!(
            "Loss after {} iterations versus learning rate",
            outcome.iterations
        ),
        "learning rate",
        "final training loss",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .y_range(lo / 1.5, top);
    for (i, s) in outcome.scalings.iter().enumerate() {
        let mut points: Vec<(f64, f64)> = s
            .runs
            .iter()
            .filter(|r| r.diverged.is_none())
            .map(|r| (r.lr, r.final_loss()))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        scan = scan.with(
            Series::line(s.scaling.label(), points)
                .key(key(s.scaling))
                .style(SeriesStyle::LinePoints),
        );
        let diverged: Vec<(f64, f64)> = s
            .runs
            .iter()
            .filter(|r| r.diverged.is_some())
            .map(|r| (r.lr, row(i)))
            .collect();
        if !diverged.is_empty() {
            scan = scan.with(
                Series::points(format!("{}: diverged", s.scaling.label()), diverged)
                    .key(key(s.scaling))
                    .dash(Dash::Dotted),
            );
        }
    }
    scan.annotate(Annotation::hline(band / 1.2, "above: runs that diverged"))
}
