//! The random-search study's figures.

use std::path::Path;

use super::{Dimension, Method, NAME, Outcome, TracePoint, short};
use crate::error::Result;
use crate::plot::{LineChart, Scale, Series, SeriesStyle};
use crate::report::Report;
use crate::study::Study as _;

/// Writes the figures and data of `outcome` into `dir` and states the finding.
///
/// **Errors**: a figure or file could not be written.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, super::RandomSearchStudy.title(), "§3");
    one_weight_figures(outcome, dir, &mut report)?;
    sweep_figures(outcome, dir, &mut report)?;
    super::files::write(outcome, dir, &mut report)?;
    report.finding = super::finding::finding(outcome);
    Ok(report)
}

fn trace_series(label: String, trace: &[TracePoint], x: impl Fn(&TracePoint) -> f64) -> Series {
    Series::line(label, trace.iter().map(|p| (x(p), p.best)).collect())
}

fn one_weight_figures(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let ow = &outcome.one_weight;
    let mut gap = LineChart::new(
        "One weight: loss gap versus cost",
        format!(
            "function-evaluation equivalents (a gradient counts {})",
            outcome.gradient_cost
        ),
        "best loss − minimum loss",
    )
    .y_scale(Scale::Log);
    for run in &ow.runs {
        let points = run
            .trace
            .iter()
            .map(|p| (p.cost, p.best - ow.min_loss))
            .collect();
        gap = gap.with(Series::line(run.method.label(), points));
    }
    report.figure(
        dir,
        "one_weight_gap",
        "One weight: gap to the minimum loss versus function evaluations (log scale)",
        &gap,
    )?;

    let mut path = LineChart::new(
        "One weight: the loss and the iterates",
        "weight w",
        "loss L(w)",
    )
    .with(Series::line("L(w)", ow.curve.clone()));
    for run in &ow.runs {
        let points = run.path.iter().map(|(w, l)| (w[0], *l)).collect();
        path = path.with(Series::line(run.method.label(), points).style(SeriesStyle::LinePoints));
    }
    report.figure(
        dir,
        "one_weight_path",
        "One weight: the loss curve with the points each method moved to",
        &path,
    )
}

/// The dimensions drawn as curves: the smallest and the largest.
fn shown(outcome: &Outcome) -> Vec<&Dimension> {
    let mut dims: Vec<&Dimension> = outcome.dims.iter().take(1).collect();
    if let Some(last) = outcome.dims.last().filter(|_| outcome.dims.len() > 1) {
        dims.push(last);
    }
    dims
}

fn sweep_figures(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let x_cost = format!(
        "function-evaluation equivalents (a gradient counts {})",
        outcome.gradient_cost
    );
    let mut by_cost = LineChart::new("Loss versus evaluations", x_cost, "best loss")
        .x_scale(Scale::Log)
        .y_scale(Scale::Log);
    let mut by_time = LineChart::new("Loss versus time", "seconds", "best loss")
        .x_scale(Scale::Log)
        .y_scale(Scale::Log);
    for d in shown(outcome) {
        for (run, name) in [(&d.gd, "GD"), (&d.rs, "RS")] {
            let step = match run.method {
                Method::GradientDescent { lr } => format!("lr {}", short(lr)),
                _ => format!("σ {}", short(run.method.step())),
            };
            let label = format!("{name}, d = {}, {step}", d.dim);
            by_cost = by_cost.with(trace_series(label.clone(), &run.trace, |p| p.cost));
            by_time = by_time.with(trace_series(label, &run.trace, |p| p.seconds));
        }
    }
    let max_cost = outcome.dims.iter().map(|d| d.budget).fold(1.0, f64::max);
    let (min_time, max_time) = outcome
        .dims
        .iter()
        .flat_map(|d| [&d.gd, &d.rs])
        .flat_map(|r| r.trace.iter().map(|p| p.seconds))
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), t| {
            (lo.min(t), hi.max(t))
        });
    for d in shown(outcome) {
        let label = format!("target, d = {}: {:.3}", d.dim, d.target);
        by_cost = by_cost.with(Series::line(
            label.clone(),
            vec![(1.0, d.target), (max_cost, d.target)],
        ));
        by_time = by_time.with(Series::line(
            label,
            vec![(min_time, d.target), (max_time, d.target)],
        ));
    }
    report.figure(
        dir,
        "loss_vs_evaluations",
        "Best loss versus function-evaluation equivalents at the smallest and largest dimension (equal budgets)",
        &by_cost,
    )?;
    report.figure(
        dir,
        "loss_vs_time",
        "Best loss versus wall-clock seconds at the smallest and largest dimension",
        &by_time,
    )?;
    report.figure(
        dir,
        "cost_vs_dimension",
        "Evaluations needed to reach the target loss versus the number of weights (log-log): the curse of dimensionality",
        cost_chart(outcome),
    )
}

/// Cost to the target versus d, both methods, with random search's spread
/// over repeats, the budget and a linear reference.
fn cost_chart(outcome: &Outcome) -> LineChart {
    let gd: Vec<(f64, f64)> = outcome
        .dims
        .iter()
        .filter_map(|d| Some((d.dim as f64, d.gd_cost?)))
        .collect();
    let rs: Vec<(f64, f64)> = outcome
        .dims
        .iter()
        .filter_map(|d| Some((d.dim as f64, d.rs_median()?)))
        .collect();
    let band = outcome
        .dims
        .iter()
        .filter_map(|d| {
            let reached: Vec<f64> = d.rs_costs.iter().flatten().copied().collect();
            let lo = reached.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = if reached.len() == d.rs_costs.len() {
                reached.iter().copied().fold(0.0, f64::max)
            } else {
                d.budget
            };
            lo.is_finite().then_some((d.dim as f64, lo, hi))
        })
        .collect();
    let budget = outcome
        .dims
        .iter()
        .map(|d| (d.dim as f64, d.budget))
        .collect();
    let mut chart = LineChart::new(
        format!(
            "Cost to close {:.0}% of the loss gap versus the number of weights",
            100.0 * (1.0 - outcome.target_gap)
        ),
        "number of weights d",
        "function-evaluation equivalents to the target",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .with(Series::line("gradient descent", gd).style(SeriesStyle::LinePoints))
    .with(
        Series::line("random search (median, min–max band)", rs)
            .band(band)
            .style(SeriesStyle::LinePoints),
    )
    .with(Series::line("budget", budget));
    if let Some(first) = outcome.dims.iter().find(|d| d.rs_median().is_some()) {
        let (d0, c0) = (first.dim as f64, first.rs_median().unwrap_or(1.0));
        let reference = outcome
            .dims
            .iter()
            .map(|d| (d.dim as f64, c0 * d.dim as f64 / d0))
            .collect();
        chart = chart.with(Series::line("∝ d (reference)", reference));
    }
    chart
}
