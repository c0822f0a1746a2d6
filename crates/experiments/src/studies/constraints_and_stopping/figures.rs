//! The constraints-and-stopping study's figures.

use std::path::Path;

use optim::{Barrier, ExpBarrier, LogBarrier, Side};

use super::{ConstraintRun, Enforcement, Firing, NAME, Outcome, Recording, Rule};
use crate::error::Result;
use crate::plot::{ContourPlot, LineChart, Scale, Series, SeriesStyle};
use crate::report::Report;
use crate::study::Study as _;

/// Writes the figures and data of `outcome` into `dir` and states the finding.
///
/// **Errors**: a figure or file could not be written.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let study = super::ConstraintsAndStopping;
    let mut report = Report::new(NAME, study.title(), study.section());
    report.figure(
        dir,
        "constraint_paths",
        "Trajectories from (−0.5, −0.5): projection stops exactly on the corner, a shallow exponential barrier overshoots the bound, steeper barriers stop just inside",
        paths_plot(outcome),
    )?;
    report.figure(
        dir,
        "barrier_approach",
        "Distance of each barrier's solution to the constrained minimizer, and its violation of the bound, versus barrier strength (log-log; projection's distance and violation are exactly 0)",
        approach_chart(outcome),
    )?;
    report.figure(
        dir,
        "barrier_shapes",
        "The penalties added to the objective near the upper bound: exp(m(β − k)) for several m, and −μ ln(k − β)",
        &shapes_chart(outcome)?,
    )?;
    report.figure(
        dir,
        "stopping_points",
        "The recorded training run with a vertical line where each criterion would stop it",
        stopping_chart(outcome),
    )?;
    report.figure(
        dir,
        "validation_error",
        "Validation error, measured every few iterations, and where the metric threshold fires",
        error_chart(outcome),
    )?;
    report.figure(
        dir,
        "divergence",
        "Too large a learning rate: the divergence criterion stops the run (non-finite losses are not drawn)",
        divergence_chart(outcome),
    )?;
    super::files::write(outcome, dir, &mut report)?;
    report.finding = super::finding::finding(outcome);
    Ok(report)
}

/// At most about `points` iterates, denser at the start (log-spaced), the
/// last always kept.
fn thin_path(path: &[[f64; 2]], points: usize) -> Vec<(f64, f64)> {
    let last = path.len().saturating_sub(1);
    let ratio = (last.max(1) as f64).powf(1.0 / points as f64);
    let mut out = Vec::new();
    let mut next = 0.0_f64;
    for (i, p) in path.iter().enumerate() {
        if i as f64 >= next || i == last {
            out.push((p[0], p[1]));
            next = (next * ratio).max(i as f64 + 1.0);
        }
    }
    out
}

fn exponential(outcome: &Outcome) -> Vec<&ConstraintRun> {
    outcome.runs_where(|e| matches!(e, Enforcement::Exponential { .. }))
}

fn logarithmic(outcome: &Outcome) -> Vec<&ConstraintRun> {
    outcome.runs_where(|e| matches!(e, Enforcement::Logarithmic { .. }))
}

/// The objective's contours, the box, and the paths of projection, the
/// shallowest and a middle exponential barrier, and a middle log barrier.
fn paths_plot(outcome: &Outcome) -> ContourPlot {
    let (lo, hi) = outcome.bounds;
    let f = outcome.quadratic;
    let mut plot = ContourPlot::from_fn(
        "f(β) = ½(β − c)ᵀQ(β − c) on the box [−1, 1]²",
        (lo - 0.4, f.center[0] + 0.4),
        (lo - 0.4, f.center[1] + 0.4),
        120,
        |x, y| f.value([x, y]),
    )
    .labels("β₁", "β₂")
    .with(Series::line(
        format!("box [{lo}, {hi}]²"),
        vec![(lo, lo), (hi, lo), (hi, hi), (lo, hi), (lo, lo)],
    ))
    .with(Series::line(
        format!("unconstrained minimum ({}, {})", f.center[0], f.center[1]),
        vec![(f.center[0], f.center[1])],
    ));
    let (exps, logs) = (exponential(outcome), logarithmic(outcome));
    let shown = outcome
        .runs_where(|e| *e == Enforcement::Projection)
        .into_iter()
        .chain(exps.first().copied())
        .chain(exps.get(exps.len() / 2).copied())
        .chain(logs.get(logs.len() / 2).copied());
    for run in shown {
        let path = thin_path(&run.path, 150);
        plot = plot.with(Series::line(run.enforcement.label(), path));
    }
    plot
}

fn approach_chart(outcome: &Outcome) -> LineChart {
    let (lo, hi) = outcome.bounds;
    let opt = outcome.optimum();
    let series = |runs: &[&ConstraintRun], value: &dyn Fn(&ConstraintRun) -> f64| {
        runs.iter()
            .map(|r| (r.enforcement.strength(), value(r)))
            .collect::<Vec<_>>()
    };
    let (exps, logs) = (exponential(outcome), logarithmic(outcome));
    LineChart::new(
        "Barrier solutions approach the bound as the barrier steepens",
        "barrier strength: steepness m (exponential) or 1/μ (log)",
        "distance of the solution to the constrained minimizer",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .with(
        Series::line(
            "exp barrier: distance",
            series(&exps, &|r| r.distance_to(opt)),
        )
        .style(SeriesStyle::LinePoints),
    )
    .with(Series::points(
        "exp barrier: violation of the bound",
        series(&exps, &|r| r.violation(lo, hi)),
    ))
    .with(
        Series::line(
            "log barrier: distance",
            series(&logs, &|r| r.distance_to(opt)),
        )
        .style(SeriesStyle::LinePoints),
    )
}

/// The upper-bound penalties of every barrier of the study, from `optim`.
fn shapes_chart(outcome: &Outcome) -> Result<LineChart> {
    let (_, hi) = outcome.bounds;
    let mut chart = LineChart::new(
        format!("Barrier penalties for the upper bound k = {hi}"),
        "β",
        "penalty b(β) (values above 3 cut off)",
    );
    let grid: Vec<f64> = (0..=500).map(|i| hi - 0.6 + f64::from(i) / 500.0).collect();
    let runs = exponential(outcome).into_iter().chain(logarithmic(outcome));
    for e in runs.map(|r| r.enforcement) {
        let barrier: Box<dyn Fn(f64) -> f64> = match e {
            Enforcement::Exponential { steepness } => {
                let b = ExpBarrier::new(hi, steepness, Side::Upper)?;
                Box::new(move |x| b.value(x))
            }
            Enforcement::Logarithmic { weight } => {
                let b = LogBarrier::new(hi, weight, Side::Upper)?;
                Box::new(move |x| b.value(x))
            }
            Enforcement::Projection => continue,
        };
        let points = grid
            .iter()
            .map(|&x| (x, barrier(x)))
            .filter(|p| p.1 <= 3.0)
            .collect();
        chart = chart.with(Series::line(e.label(), points));
    }
    Ok(chart)
}

/// A vertical line at a firing, spanning the positive finite values `ys`.
fn marker(firing: &Firing, ys: &[f64]) -> Series {
    let finite = ys.iter().copied().filter(|l| l.is_finite() && *l > 0.0);
    let lo = finite.clone().fold(f64::INFINITY, f64::min);
    let hi = finite.fold(0.0, f64::max);
    let x = firing.step.iteration as f64;
    Series::line(
        format!(
            "{} (iteration {})",
            firing.rule.label(),
            firing.step.iteration
        ),
        vec![(x, lo), (x, hi)],
    )
}

fn stopping_chart(outcome: &Outcome) -> LineChart {
    let observed = &outcome.normal.observations;
    let mut chart = LineChart::new(
        "Where each stopping criterion fires on the same run",
        "SGD iteration",
        "smoothed minibatch loss (what the criteria see)",
    )
    .y_scale(Scale::Log)
    .with(Series::line(
        format!("loss, moving average factor {}", outcome.training.smoothing),
        observed
            .iter()
            .map(|s| (s.iteration as f64, s.loss))
            .collect(),
    ));
    let losses: Vec<f64> = observed.iter().map(|s| s.loss).collect();
    for firing in outcome.firings.iter().filter_map(|(_, f)| f.as_ref()) {
        chart = chart.with(marker(firing, &losses));
    }
    chart
}

fn error_chart(outcome: &Outcome) -> LineChart {
    let errors: Vec<(f64, f64)> = outcome
        .normal
        .observations
        .iter()
        .filter_map(|s| Some((s.iteration as f64, 1.0 - s.metric?)))
        .collect();
    let accuracy = outcome.stopping.accuracy_target;
    let target = 1.0 - accuracy;
    let last = outcome.normal.losses.len() as f64;
    let mut chart = LineChart::new(
        "Validation error of the same run",
        "SGD iteration",
        "validation error (1 − accuracy)",
    )
    .y_scale(Scale::Log)
    .with(Series::line("validation error", errors.clone()))
    .with(Series::line(
        format!("target error {target:.2} (accuracy {accuracy})"),
        vec![(0.0, target), (last, target)],
    ));
    if let Some(f) = outcome.firing(Rule::MetricThreshold) {
        let ys: Vec<f64> = errors.iter().map(|p| p.1).collect();
        chart = chart.with(marker(f, &ys));
    }
    chart
}

/// Iterations shown in the divergence figure.
const DIVERGENCE_ITERATIONS: usize = 200;

/// The first `iterations` minibatch losses of `run`.
fn loss_series(run: &Recording, iterations: usize) -> Series {
    let points = run
        .losses
        .iter()
        .take(iterations)
        .enumerate()
        .map(|(i, &l)| (i as f64 + 1.0, l))
        .collect();
    Series::line(format!("lr {}", run.lr), points)
}

fn divergence_chart(outcome: &Outcome) -> LineChart {
    let shown = DIVERGENCE_ITERATIONS;
    let mut chart = LineChart::new(
        format!(
            "The first {shown} iterations at lr {} and at lr {}",
            outcome.diverging.lr, outcome.normal.lr
        ),
        "SGD iteration",
        "minibatch training loss",
    )
    .y_scale(Scale::Log)
    .with(loss_series(&outcome.diverging, shown))
    .with(loss_series(&outcome.normal, shown));
    if let Some(f) = outcome.diverging_firing(Rule::Divergence) {
        let ys: Vec<f64> = outcome
            .diverging
            .losses
            .iter()
            .take(shown)
            .copied()
            .collect();
        chart = chart.with(marker(f, &ys));
    }
    chart
}
