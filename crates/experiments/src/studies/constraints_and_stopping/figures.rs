//! The constraints-and-stopping study's figures, data files and finding.

use std::fmt::Write as _;
use std::path::Path;

use optim::StopReason;
use serde_json::json;

use super::{ConstraintRun, Enforcement, Firing, NAME, Outcome, Recording, Rule, Step};
use crate::error::Result;
use crate::plot::{ContourPlot, LineChart, Scale, Series};
use crate::report::{Report, write_csv, write_json};
use crate::study::Study as _;

/// Writes the figures and data of `outcome` into `dir` and states the finding.
///
/// **Errors**: a figure or file could not be written.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let study = super::ConstraintsAndStopping;
    let mut report = Report::new(NAME, study.title(), study.section());
    constraint_figures(outcome, dir, &mut report)?;
    stopping_figures(outcome, dir, &mut report)?;
    write_data(outcome, dir, &mut report)?;
    report.finding = format!(
        "{}\n{}",
        constraint_finding(outcome),
        stopping_finding(outcome)
    );
    Ok(report)
}

/// The projection's final iterate: the constrained minimizer.
fn optimum(outcome: &Outcome) -> [f64; 2] {
    outcome
        .constraint_runs
        .iter()
        .find(|r| r.enforcement == Enforcement::Projection)
        .map_or([f64::NAN; 2], ConstraintRun::last)
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
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

fn constraint_figures(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
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
    let exps = outcome.runs_where(|e| matches!(e, Enforcement::Exponential { .. }));
    let logs = outcome.runs_where(|e| matches!(e, Enforcement::Logarithmic { .. }));
    let shown = outcome
        .runs_where(|e| *e == Enforcement::Projection)
        .into_iter()
        .chain(exps.first().copied())
        .chain(exps.get(exps.len() / 2).copied())
        .chain(logs.get(logs.len() / 2).copied());
    for run in shown {
        plot = plot.with(Series::line(
            run.enforcement.label(),
            thin_path(&run.path, 150),
        ));
    }
    report.figure(
        dir,
        "constraint_paths",
        "Trajectories from (−0.5, −0.5): projection stops exactly on the corner, a shallow exponential barrier overshoots the bound, steeper barriers stop just inside",
        &plot,
    )?;

    let opt = optimum(outcome);
    let strength = |e: &Enforcement| match *e {
        Enforcement::Exponential { steepness } => steepness,
        Enforcement::Logarithmic { weight } => 1.0 / weight,
        Enforcement::Projection => f64::NAN,
    };
    let series =
        |runs: &[&ConstraintRun], value: &dyn Fn(&ConstraintRun) -> f64| -> Vec<(f64, f64)> {
            runs.iter()
                .map(|r| (strength(&r.enforcement), value(r)))
                .collect()
        };
    let approach = LineChart::new(
        "Barrier solutions approach the bound as the barrier steepens",
        "barrier strength: steepness m (exponential) or 1/μ (log)",
        "distance of the solution to the constrained minimizer",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .with(
        Series::line(
            "exp barrier: distance",
            series(&exps, &|r| distance(r.last(), opt)),
        )
        .style(crate::plot::SeriesStyle::LinePoints),
    )
    .with(Series::points(
        "exp barrier: violation of the bound",
        series(&exps, &|r| r.violation(lo, hi)),
    ))
    .with(
        Series::line(
            "log barrier: distance",
            series(&logs, &|r| distance(r.last(), opt)),
        )
        .style(crate::plot::SeriesStyle::LinePoints),
    );
    report.figure(
        dir,
        "barrier_approach",
        "Distance of each barrier's solution to the constrained minimizer, and its violation of the bound, versus barrier strength (log-log; projection's distance and violation are exactly 0)",
        &approach,
    )?;

    let mut shapes = LineChart::new(
        format!("Barrier penalties for the upper bound k = {hi}"),
        "β",
        "penalty b(β) (values above 3 cut off)",
    );
    let grid: Vec<f64> = (0..=500).map(|i| hi - 0.6 + f64::from(i) / 500.0).collect();
    for e in exps
        .iter()
        .map(|r| r.enforcement)
        .chain(logs.iter().map(|r| r.enforcement))
    {
        let b = |x: f64| match e {
            Enforcement::Exponential { steepness } => (steepness * (x - hi)).exp(),
            Enforcement::Logarithmic { weight } if x < hi => -weight * (hi - x).ln(),
            _ => f64::NAN,
        };
        let points = grid
            .iter()
            .map(|&x| (x, b(x)))
            .filter(|p| p.1 <= 3.0)
            .collect();
        shapes = shapes.with(Series::line(e.label(), points));
    }
    report.figure(
        dir,
        "barrier_shapes",
        "The penalties added to the objective near the upper bound: exp(m(β − k)) for several m, and −μ ln(k − β)",
        &shapes,
    )
}

/// The first `iterations` minibatch losses of `run`.
fn loss_series(label: &str, run: &Recording, iterations: usize) -> Series {
    let points = run
        .losses
        .iter()
        .take(iterations)
        .enumerate()
        .map(|(i, &l)| (i as f64 + 1.0, l))
        .collect();
    Series::line(label, points)
}

fn observed_series(label: &str, steps: &[Step]) -> Series {
    Series::line(
        label,
        steps.iter().map(|s| (s.iteration as f64, s.loss)).collect(),
    )
}

/// A vertical line at a firing, spanning the values `ys`.
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

/// Iterations shown in the divergence figure.
const DIVERGENCE_ITERATIONS: usize = 200;

fn stopping_figures(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let mut chart = LineChart::new(
        "Where each stopping criterion fires on the same run",
        "SGD iteration",
        "smoothed minibatch loss (what the criteria see)",
    )
    .y_scale(Scale::Log)
    .with(observed_series(
        &format!("loss, moving average factor {}", outcome.training.smoothing),
        &outcome.normal.observations,
    ));
    let observed: Vec<f64> = outcome.normal.observations.iter().map(|s| s.loss).collect();
    for firing in outcome.firings.iter().filter_map(|(_, f)| f.as_ref()) {
        chart = chart.with(marker(firing, &observed));
    }
    report.figure(
        dir,
        "stopping_points",
        "The recorded training run with a vertical line where each criterion would stop it",
        &chart,
    )?;

    let errors: Vec<(f64, f64)> = outcome
        .normal
        .observations
        .iter()
        .filter_map(|s| Some((s.iteration as f64, 1.0 - s.metric?)))
        .collect();
    let target = 1.0 - outcome.stopping.accuracy_target;
    let last = outcome.normal.losses.len() as f64;
    let mut acc = LineChart::new(
        "Validation error of the same run",
        "SGD iteration",
        "validation error (1 − accuracy)",
    )
    .y_scale(Scale::Log)
    .with(Series::line("validation error", errors.clone()))
    .with(Series::line(
        format!(
            "target error {target:.2} (accuracy {})",
            outcome.stopping.accuracy_target
        ),
        vec![(0.0, target), (last, target)],
    ));
    if let Some(f) = outcome.firing(Rule::MetricThreshold) {
        let ys: Vec<f64> = errors.iter().map(|p| p.1).collect();
        acc = acc.with(marker(f, &ys));
    }
    report.figure(
        dir,
        "validation_error",
        "Validation error, measured every few iterations, and where the metric threshold fires",
        &acc,
    )?;

    let shown = DIVERGENCE_ITERATIONS;
    let mut div = LineChart::new(
        format!(
            "The first {shown} iterations at lr {} and at lr {}",
            outcome.training.diverging_lr, outcome.training.lr
        ),
        "SGD iteration",
        "minibatch training loss",
    )
    .y_scale(Scale::Log)
    .with(loss_series(
        &format!("lr {}", outcome.training.diverging_lr),
        &outcome.diverging,
        shown,
    ))
    .with(loss_series(
        &format!("lr {}", outcome.training.lr),
        &outcome.normal,
        shown,
    ));
    if let Some((_, Some(f))) = outcome
        .diverging_firings
        .iter()
        .find(|(r, _)| *r == Rule::Divergence)
    {
        let ys: Vec<f64> = outcome
            .diverging
            .losses
            .iter()
            .take(shown)
            .copied()
            .collect();
        div = div.with(marker(f, &ys));
    }
    report.figure(
        dir,
        "divergence",
        "Too large a learning rate: the divergence criterion stops the run (non-finite losses are not drawn)",
        &div,
    )
}

fn write_data(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let (lo, hi) = outcome.bounds;
    let opt = optimum(outcome);
    let constraint_rows: Vec<Vec<f64>> = outcome
        .constraint_runs
        .iter()
        .map(|r| {
            let (kind, setting) = match r.enforcement {
                Enforcement::Projection => (0.0, f64::NAN),
                Enforcement::Exponential { steepness } => (1.0, steepness),
                Enforcement::Logarithmic { weight } => (2.0, weight),
            };
            let b = r.last();
            vec![
                kind,
                setting,
                b[0],
                b[1],
                outcome.quadratic.value(b),
                r.violation(lo, hi),
                distance(b, opt),
                r.iterations.map_or(f64::NAN, |i| i as f64),
            ]
        })
        .collect();
    write_csv(
        &dir.join("constraints.csv"),
        &[
            "kind_0proj_1exp_2log",
            "m_or_mu",
            "beta1",
            "beta2",
            "objective",
            "violation",
            "distance_to_minimizer",
            "iterations",
        ],
        &constraint_rows,
    )?;
    report.data("constraints.csv");

    let mut losses = Vec::new();
    let mut observations = Vec::new();
    for run in [&outcome.normal, &outcome.diverging] {
        for (i, &l) in run.losses.iter().enumerate() {
            losses.push(vec![run.lr, i as f64 + 1.0, l]);
        }
        for s in &run.observations {
            let metric = s.metric.unwrap_or(f64::NAN);
            observations.push(vec![run.lr, s.iteration as f64, s.loss, metric, s.seconds]);
        }
    }
    write_csv(
        &dir.join("losses.csv"),
        &["lr", "iteration", "minibatch_loss"],
        &losses,
    )?;
    report.data("losses.csv");
    write_csv(
        &dir.join("observations.csv"),
        &[
            "lr",
            "iteration",
            "smoothed_loss",
            "validation_accuracy",
            "seconds",
        ],
        &observations,
    )?;
    report.data("observations.csv");

    let firings = |list: &[(Rule, Option<Firing>)]| {
        list.iter()
            .map(|(rule, f)| {
                json!({
                    "rule": rule,
                    "iteration": f.map(|f| f.step.iteration),
                    "seconds": f.map(|f| f.step.seconds),
                    "loss": f.map(|f| f.step.loss),
                    "reason": f.map(|f| f.reason.to_string()),
                })
            })
            .collect::<Vec<_>>()
    };
    let summary = json!({
        "stopping": outcome.stopping,
        "normal_lr": outcome.training.lr,
        "diverging_lr": outcome.training.diverging_lr,
        "firings": firings(&outcome.firings),
        "combined": outcome.combined.map(|(s, r)| json!({"iteration": s.iteration, "reason": r.to_string()})),
        "diverging_firings": firings(&outcome.diverging_firings),
    });
    write_json(&dir.join("stopping.json"), &summary)?;
    report.data("stopping.json");
    Ok(())
}

fn constraint_finding(outcome: &Outcome) -> String {
    let (lo, hi) = outcome.bounds;
    let opt = optimum(outcome);
    let f = outcome.quadratic;
    let mut md = format!(
        "**Constraints.** Minimize f(β) = ½(β − c)ᵀQ(β − c), c = ({}, {}), subject to β ∈ [{lo}, {hi}]²; the constrained minimizer is the corner ({:.3}, {:.3}) with f = **{:.4}**.\n\n",
        f.center[0],
        f.center[1],
        opt[0],
        opt[1],
        f.value(opt)
    );
    md.push_str("| enforcement | final β | f(β) | violation | distance to minimizer | iterations |\n|---|---|---|---|---|---|\n");
    for r in &outcome.constraint_runs {
        let b = r.last();
        let _ = writeln!(
            md,
            "| {} | ({:.4}, {:.4}) | {:.4} | {:.1e} | {:.1e} | {} |",
            r.enforcement.label(),
            b[0],
            b[1],
            f.value(b),
            r.violation(lo, hi),
            distance(b, opt),
            r.iterations
                .map_or("budget spent".to_string(), |i| i.to_string())
        );
    }
    let exps = outcome.runs_where(|e| matches!(e, Enforcement::Exponential { .. }));
    if let (Some(first), Some(last)) = (exps.first(), exps.last()) {
        let _ = writeln!(
            md,
            "\nProjection keeps every iterate exactly inside (violation **{:.0}**) and lands on the corner. The exponential barrier is soft: at m = {} its solution **violates** the bound by **{:.3}**; as m grows to {} the solution moves to within **{:.1e}** of the minimizer, from inside, while the iterations needed grow from **{}** to **{}** (the barrier's curvature near the bound, about m times the pushing force, makes the problem stiff).",
            outcome
                .runs_where(|e| *e == Enforcement::Projection)
                .first()
                .map_or(f64::NAN, |r| r
                    .path
                    .iter()
                    .map(|b| (b[0] - hi)
                        .max(lo - b[0])
                        .max(b[1] - hi)
                        .max(lo - b[1])
                        .max(0.0))
                    .fold(0.0, f64::max)),
            first
                .enforcement
                .label()
                .trim_start_matches("exp barrier, m = "),
            first.violation(lo, hi),
            last.enforcement
                .label()
                .trim_start_matches("exp barrier, m = "),
            distance(last.last(), opt),
            first.iterations.map_or("–".into(), |i| i.to_string()),
            last.iterations.map_or("–".into(), |i| i.to_string()),
        );
    }
    md
}

/// The mean of the last `n` values.
fn tail_mean(values: &[f64], n: usize) -> f64 {
    let tail = &values[values.len().saturating_sub(n)..];
    tail.iter().sum::<f64>() / tail.len().max(1) as f64
}

/// A stop reason with rounded numbers.
fn reason(r: &StopReason) -> String {
    match *r {
        StopReason::CostReached { loss, threshold } => format!("loss {loss:.4} ≤ {threshold}"),
        StopReason::Converged { change, threshold } => format!("change {change:.1e} < {threshold}"),
        StopReason::MetricReached { metric, threshold } => {
            format!("accuracy {metric:.3} ≥ {threshold}")
        }
        StopReason::MaxIterations { iterations } => format!("{iterations} iterations done"),
        StopReason::TimeBudget { elapsed, budget } => format!(
            "{:.3} s of a {:.3} s budget spent",
            elapsed.as_secs_f64(),
            budget.as_secs_f64()
        ),
        StopReason::NonFiniteLoss { loss } => format!("the loss is {loss}"),
        StopReason::Diverged { loss, best } => {
            format!("loss {loss:.1} far above the best {best:.3}")
        }
        _ => r.to_string(),
    }
}

fn setting(outcome: &Outcome, rule: Rule) -> String {
    let s = &outcome.stopping;
    match rule {
        Rule::CostThreshold => format!("loss ≤ {}", s.cost_threshold),
        Rule::LossChange => format!("abs(L_t − L_t−1) < {}", s.change_threshold),
        Rule::MovingAverage => format!(
            "moving average of {} changes < {}/iteration",
            s.window, s.average_threshold
        ),
        Rule::MetricThreshold => format!("validation accuracy ≥ {}", s.accuracy_target),
        Rule::MaxIterations => format!("{} iterations", s.max_iterations),
        Rule::TimeBudget => format!("{:.2} s", s.time_budget.as_secs_f64()),
        Rule::Divergence => format!("non-finite, or loss > best + {}·best", s.divergence_factor),
    }
}

fn stopping_finding(outcome: &Outcome) -> String {
    let t = &outcome.training;
    let mut md = format!(
        "**Stopping.** An MLP {} trained by SGD (batch {}, lr {}) on {} MNIST images for {} iterations, recorded once and replayed through each criterion separately. The criteria observe every iteration's smoothed loss (exponential moving average, factor {}) and, every {} iterations, the accuracy on {} validation images.\n\n",
        t.architecture,
        t.batch,
        t.lr,
        t.train_examples,
        outcome.normal.losses.len(),
        t.smoothing,
        t.eval_every,
        t.validation_examples
    );
    md.push_str("| criterion | setting | fires at iteration | after | smoothed loss there | reason |\n|---|---|---|---|---|---|\n");
    for (rule, firing) in &outcome.firings {
        match firing {
            Some(f) => {
                let _ = writeln!(
                    md,
                    "| {} | {} | **{}** | {:.2} s | {:.3} | {} |",
                    rule.label(),
                    setting(outcome, *rule),
                    f.step.iteration,
                    f.step.seconds,
                    f.step.loss,
                    reason(&f.reason)
                );
            }
            None => {
                let _ = writeln!(
                    md,
                    "| {} | {} | did not fire | | | |",
                    rule.label(),
                    setting(outcome, *rule)
                );
            }
        }
    }
    if let Some((step, why)) = &outcome.combined {
        let _ = writeln!(
            md,
            "\nAll criteria combined (stop at the first) would stop at iteration **{}**: {}.",
            step.iteration,
            reason(why)
        );
    }
    if let (Some(change), Some(average)) = (
        outcome.firing(Rule::LossChange),
        outcome.firing(Rule::MovingAverage),
    ) {
        let (first, second) = if change.step.iteration <= average.step.iteration {
            (change, average)
        } else {
            (average, change)
        };
        let _ = writeln!(
            md,
            "\nThe {} test fired first (iteration **{}**, smoothed loss {:.3}), the {} test at iteration **{}** (smoothed loss {:.3}): a single noisy change can look flat while the trend still falls, which is why the moving average over {} iterations exists.",
            first.rule.label(),
            first.step.iteration,
            first.step.loss,
            second.rule.label(),
            second.step.iteration,
            second.step.loss,
            outcome.stopping.window
        );
    }
    let diverged = outcome
        .diverging_firings
        .iter()
        .find(|(r, _)| *r == Rule::Divergence)
        .and_then(|(_, f)| *f);
    match diverged {
        Some(f) => {
            let _ = writeln!(
                md,
                "\nAt lr **{}** the divergence criterion stopped the run at iteration **{}**: {}. Left running, the loss spikes to **{:.0}** and the ReLU network then dies: its loss over the last 100 iterations averages **{:.2}** ≈ ln 10, chance level.",
                t.diverging_lr,
                f.step.iteration,
                reason(&f.reason),
                outcome.diverging.losses.iter().copied().fold(0.0, f64::max),
                tail_mean(&outcome.diverging.losses, 100)
            );
        }
        None => {
            let _ = writeln!(
                md,
                "\nAt lr {} the divergence criterion did not fire.",
                t.diverging_lr
            );
        }
    }
    md
}
