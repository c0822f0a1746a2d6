//! The constraints-and-stopping study's figures.

use std::path::Path;

use optim::{Barrier, ExpBarrier, LogBarrier, Side};

use super::{ConstraintRun, Enforcement, Firing, NAME, Outcome, Recording, Rule};
use crate::error::Result;
use crate::plot::{Annotation, ContourPlot, Dash, LineChart, Scale, Series, SeriesStyle};
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
        &format!(
            "Contours of f (colour bar: f(β), equal scales on both axes) with the trajectories of projected gradient descent and of three barriers, all from the ring at ({}, {}); the star is the unconstrained minimizer c, outside the box, whose outline starts at the constrained minimizer, its corner ({:.0}, {:.0})",
            outcome.start[0], outcome.start[1], outcome.optimum()[0], outcome.optimum()[1]
        ),
        paths_plot(outcome),
    )?;
    report.figure(
        dir,
        "barrier_approach",
        "Distance of each barrier's solution to the constrained minimizer against the barrier's strength (log-log); solutions outside the box are labelled with their violation. Projection's distance is exactly 0 and has no place on a log axis",
        approach_chart(outcome),
    )?;
    report.figure(
        dir,
        "barrier_shapes",
        "The penalties added to the objective near the upper bound k: exp(m(β − k)) for each m (solid) and −μ ln(k − β) for each μ (dashed), on a log scale cut to [0.001, 3]: far from the bound the exponential penalty underflows towards 0",
        &shapes_chart(outcome)?,
    )?;
    report.figure(
        dir,
        "stopping_points",
        "The smoothed minibatch loss of the recorded run (what the criteria see), with a vertical line where each criterion, replayed alone, would stop it",
        stopping_chart(outcome),
    )?;
    report.figure(
        dir,
        "validation_error",
        "Validation error of the same run, measured every few iterations, the target, and where the metric threshold fires",
        error_chart(outcome),
    )?;
    report.figure(
        dir,
        "divergence",
        "Minibatch loss over the first iterations at a far too large learning rate and at the normal one, with the iteration where the divergence criterion fires on the former; the horizontal line is the loss of a uniform guess",
        divergence_chart(outcome),
    )?;
    super::files::write(outcome, dir, &mut report)?;
    report.finding = super::finding::finding(outcome);
    report.frame = Some(super::verdict::frame(outcome));
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

/// A run's series: one key per enforcement, log barriers dashed.
fn run_series(enforcement: Enforcement, points: Vec<(f64, f64)>) -> Series {
    let series = Series::line(enforcement.label(), points).key(enforcement.label());
    match enforcement {
        Enforcement::Logarithmic { .. } => series.dash(Dash::Dashed),
        _ => series,
    }
}

/// The objective's contours, the box, and the paths of projection, the
/// shallowest and a middle exponential barrier, and a middle log barrier.
fn paths_plot(outcome: &Outcome) -> ContourPlot {
    let (lo, hi) = outcome.bounds;
    let f = outcome.quadratic;
    // equal spans on both axes, so that the renderer's equal aspect shows
    // the ellipses undistorted
    let span = (f.center[0].max(f.center[1]) + 0.4) - (lo - 0.4);
    let range = (lo - 0.4, lo - 0.4 + span);
    let opt = outcome.optimum();
    let mut plot = ContourPlot::from_fn(
        "f(β) = ½(β − c)ᵀQ(β − c) on the box [−1, 1]²",
        range,
        range,
        120,
        |x, y| f.value([x, y]),
    )
    .labels("β₁", "β₂")
    .colorbar("f(β)")
    .minimizer(f.center[0], f.center[1])
    // the outline starts (and ends) at the constrained minimizer
    .with(
        Series::line(
            format!(
                "box [{lo}, {hi}]², from its corner ({:.0}, {:.0})",
                opt[0], opt[1]
            ),
            vec![(hi, hi), (lo, hi), (lo, lo), (hi, lo), (hi, hi)],
        )
        .key("box"),
    );
    let (exps, logs) = (exponential(outcome), logarithmic(outcome));
    let shown = outcome
        .runs_where(|e| *e == Enforcement::Projection)
        .into_iter()
        .chain(exps.first().copied())
        .chain(exps.get(exps.len() / 2).copied())
        .chain(logs.get(logs.len() / 2).copied());
    for run in shown {
        plot = plot.with(run_series(run.enforcement, thin_path(&run.path, 150)));
    }
    plot
}

fn approach_chart(outcome: &Outcome) -> LineChart {
    let (lo, hi) = outcome.bounds;
    let opt = outcome.optimum();
    let series = |runs: &[&ConstraintRun]| {
        runs.iter()
            .map(|r| (r.enforcement.strength(), r.distance_to(opt)))
            .collect::<Vec<_>>()
    };
    let (exps, logs) = (exponential(outcome), logarithmic(outcome));
    let mut chart = LineChart::new(
        "Barrier solutions approach the constrained minimizer as the barrier steepens",
        "barrier strength: steepness m (exponential) or 1/μ (log)",
        "distance of the solution to the constrained minimizer",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .with(
        Series::line("exp barrier ±exp(m(β − k))", series(&exps))
            .key("exp barrier")
            .style(SeriesStyle::LinePoints),
    )
    .with(
        Series::line("log barrier −μ ln(±(k − β))", series(&logs))
            .key("log barrier")
            .dash(Dash::Dashed)
            .style(SeriesStyle::LinePoints),
    );
    for r in exps.iter().chain(&logs) {
        let v = r.violation(lo, hi);
        if v > 0.0 {
            chart = chart.annotate(Annotation::point(
                r.enforcement.strength(),
                r.distance_to(opt),
                format!("  outside the box by {v:.2}"),
            ));
        }
    }
    chart
}

/// The penalties shown: a log axis over the range that matters here
/// (exp(m(β − k)) underflows towards 0 far from the bound).
const SHOWN: (f64, f64) = (1e-3, 3.0);

/// The upper-bound penalties of every barrier of the study, from `optim`.
fn shapes_chart(outcome: &Outcome) -> Result<LineChart> {
    let (_, hi) = outcome.bounds;
    let mut chart = LineChart::new(
        format!("Barrier penalties for the upper bound k = {hi}"),
        "β",
        "penalty b(β) (values outside [0.001, 3] cut off)",
    )
    .y_scale(Scale::Log)
    .y_range(SHOWN.0, SHOWN.1);
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
            .filter(|p| (SHOWN.0..=SHOWN.1).contains(&p.1))
            .collect();
        chart = chart.with(run_series(e, points));
    }
    Ok(chart.annotate(Annotation::vline(hi, format!("bound k = {hi}"))))
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
    .key(firing.rule.label())
}

fn stopping_chart(outcome: &Outcome) -> LineChart {
    let observed = &outcome.normal.observations;
    let mut chart = LineChart::new(
        "Where each stopping criterion fires on the same run",
        "SGD iteration",
        "smoothed minibatch loss (what the criteria see)",
    )
    .y_scale(Scale::Log)
    .with(
        Series::line(
            format!(
                "minibatch loss, moving average (factor {})",
                outcome.training.smoothing
            ),
            observed
                .iter()
                .map(|s| (s.iteration as f64, s.loss))
                .collect(),
        )
        .key("smoothed loss"),
    );
    let cost = outcome.stopping.cost_threshold;
    chart = chart.annotate(Annotation::hline(
        cost,
        format!("cost threshold: loss {cost}"),
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
    let mut chart = LineChart::new(
        "Validation error of the same run",
        "SGD iteration",
        "validation error (1 − accuracy)",
    )
    .y_scale(Scale::Log)
    .with(
        Series::line(
            format!(
                "validation error on {} images",
                outcome.training.validation_examples
            ),
            errors.clone(),
        )
        .key("validation error"),
    )
    .annotate(Annotation::hline(
        target,
        format!("target: error {target:.2} (accuracy {accuracy})"),
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
    Series::line(format!("minibatch loss at lr {}", run.lr), points).key(format!("lr {}", run.lr))
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
    .with(loss_series(&outcome.normal, shown))
    .annotate(Annotation::hline(
        10f64.ln(),
        "ln 10: the loss of a uniform guess over 10 classes",
    ));
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
