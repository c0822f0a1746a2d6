//! The random-search study's figures.

use std::path::Path;

use super::{Dimension, Method, NAME, Outcome, TracePoint, short};
use crate::error::Result;
use crate::plot::{Annotation, Dash, LineChart, Scale, Series, SeriesStyle};
use crate::report::Report;
use crate::study::Study as _;

/// Writes the figures and data of `outcome` into `dir` and states the finding.
///
/// **Errors**: a figure or file could not be written.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(
        NAME,
        super::RandomSearchStudy.title(),
        super::RandomSearchStudy.section(),
    );
    one_weight_figures(outcome, dir, &mut report)?;
    sweep_figures(outcome, dir, &mut report)?;
    super::files::write(outcome, dir, &mut report)?;
    report.frame = Some(super::finding::checks(outcome));
    report.finding = super::finding::finding(outcome);
    Ok(report)
}

/// The series key of a method: one colour per method in every figure.
fn key(method: &Method) -> &'static str {
    match method {
        Method::GradientDescent { .. } => "gd",
        Method::RandomSearch { .. } => "rs",
        Method::DecayingRandomSearch { .. } => "rs-decay",
    }
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
        gap = gap.with(Series::line(run.method.label(), points).key(key(&run.method)));
    }
    report.figure(
        dir,
        "one_weight_gap",
        "One weight: gap to the minimum loss versus function evaluations (log scale)",
        gap,
    )?;

    let start_loss = ow
        .curve
        .iter()
        .min_by(|a, b| (a.0 - ow.start).abs().total_cmp(&(b.0 - ow.start).abs()))
        .map_or(f64::NAN, |p| p.1);
    let mut path = LineChart::new(
        "One weight: the loss and the iterates",
        "weight w",
        "loss L(w)",
    )
    .with(
        Series::line("L(w)", ow.curve.clone())
            .key("loss")
            .dash(Dash::Dotted),
    )
    .annotate(Annotation::point(
        ow.minimizer,
        ow.min_loss,
        format!("minimizer w* = {:.2}", ow.minimizer),
    ))
    .annotate(Annotation::point(
        ow.start,
        start_loss,
        format!("start w₀ = {:.2}", ow.start),
    ));
    for run in &ow.runs {
        let points = run.path.iter().map(|(w, l)| (w[0], *l)).collect();
        path = path.with(
            Series::line(run.method.label(), points)
                .key(key(&run.method))
                .style(SeriesStyle::LinePoints),
        );
    }
    report.figure(
        dir,
        "one_weight_path",
        "One weight: the loss curve (dotted) with the points each method moved to",
        path,
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
    let mut by_cost = LineChart::new(
        "Loss versus evaluations at two problem sizes d",
        x_cost,
        "best loss",
    )
    .x_scale(Scale::Log);
    let mut by_time = LineChart::new(
        "Loss versus time at two problem sizes d",
        "wall-clock time",
        "best loss",
    )
    .units("s", "")
    .x_scale(Scale::Log);
    for (i, d) in shown(outcome).into_iter().enumerate() {
        let dash = if i == 0 { Dash::Solid } else { Dash::Dashed };
        for (run, name) in [(&d.gd, "gradient descent"), (&d.rs, "random search")] {
            let step = match run.method {
                Method::GradientDescent { lr } => format!("lr {}", short(lr)),
                _ => format!("σ {}", short(run.method.step())),
            };
            let label = format!("{name}, d = {}, {step}", d.dim);
            by_cost = by_cost.with(
                trace_series(label.clone(), &run.trace, |p| p.cost)
                    .key(key(&run.method))
                    .dash(dash),
            );
            by_time = by_time.with(
                trace_series(label, &run.trace, |p| p.seconds)
                    .key(key(&run.method))
                    .dash(dash),
            );
        }
        let target = format!("target, d = {}: {:.3}", d.dim, d.target);
        by_cost = by_cost
            .annotate(Annotation::hline(d.target, target.clone()))
            .annotate(Annotation::vline(
                d.budget,
                format!("budget, d = {}", d.dim),
            ));
        by_time = by_time.annotate(Annotation::hline(d.target, target));
    }
    report.figure(
        dir,
        "loss_vs_evaluations",
        "Best loss versus function-evaluation equivalents at the smallest (solid) and largest (dashed) number of weights d, each with its target loss and evaluation budget",
        by_cost,
    )?;
    report.figure(
        dir,
        "loss_vs_time",
        "Best loss versus wall-clock seconds at the smallest (solid) and largest (dashed) number of weights d",
        by_time,
    )?;
    report.figure(
        dir,
        "cost_vs_dimension",
        "Evaluations needed to reach the target loss versus the number of weights d (log-log), with each d's budget",
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
    let repeats = outcome.dims.first().map_or(0, |d| d.rs_costs.len());
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
    .with(
        Series::line("gradient descent", gd)
            .key("gd")
            .style(SeriesStyle::LinePoints),
    )
    .with(
        Series::line(
            format!("random search (median of {repeats} seeds, min–max band)"),
            rs,
        )
        .key("rs")
        .band(band)
        .style(SeriesStyle::LinePoints),
    )
    .with(
        Series::line("evaluation budget at d", budget)
            .key("budget")
            .dash(Dash::Dashed),
    );
    for d in outcome.dims.iter().filter(|d| d.rs_median().is_none()) {
        chart = chart.annotate(Annotation::point(
            d.dim as f64,
            d.budget,
            "random search: target not reached",
        ));
    }
    if let Some(first) = outcome.dims.iter().find(|d| d.rs_median().is_some()) {
        let (d0, c0) = (first.dim as f64, first.rs_median().unwrap_or(1.0));
        let reference = outcome
            .dims
            .iter()
            .map(|d| (d.dim as f64, c0 * d.dim as f64 / d0))
            .collect();
        chart = chart.with(
            Series::line(
                "∝ d (reference through random search's first point)",
                reference,
            )
            .key("reference")
            .dash(Dash::Dotted),
        );
    }
    chart
}
