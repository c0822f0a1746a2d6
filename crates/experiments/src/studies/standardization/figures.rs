//! The standardization study's figures.

use std::path::Path;

use super::{NAME, Outcome};
use crate::error::Result;
use crate::plot::{LineChart, Scale, Series, SeriesStyle};
use crate::report::Report;
use crate::studies::format::short;
use crate::study::Study as _;

/// Writes the figures and data of `outcome` into `dir` and states the finding.
///
/// **Errors**: a figure or file could not be written.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let study = super::Standardization;
    let mut report = Report::new(NAME, study.title(), study.section());

    report.figure(
        dir,
        "loss_curves",
        "Training loss per iteration, each input scaling at its best learning rate (log scale)",
        curves_chart(outcome),
    )?;
    report.figure(
        dir,
        "lr_scan",
        "Final training loss versus learning rate per input scaling (log-log); each curve ends at its largest stable rate",
        scan_chart(outcome),
    )?;
    super::files::write(outcome, dir, &mut report)?;
    report.finding = super::finding::finding(outcome);
    Ok(report)
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
        curves = curves.with(Series::line(
            format!("{}, lr {}", s.scaling.label(), short(run.lr)),
            points,
        ));
    }
    let target = outcome.target_loss;
    curves = curves.with(Series::line(
        format!("target {target}"),
        vec![(0.0, target), (outcome.iterations as f64, target)],
    ));
    curves
}

fn scan_chart(outcome: &Outcome) -> LineChart {
    let mut scan = LineChart::new(
        format!(
            "Loss after {} iterations versus learning rate (diverged runs left out)",
            outcome.iterations
        ),
        "learning rate",
        "final training loss",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log);
    for s in &outcome.scalings {
        let mut points: Vec<(f64, f64)> = s
            .runs
            .iter()
            .filter(|r| r.diverged.is_none())
            .map(|r| (r.lr, r.final_loss()))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        scan = scan.with(Series::line(s.scaling.label(), points).style(SeriesStyle::LinePoints));
    }
    scan
}
