//! The constraints-and-stopping study's finding, in words and measured numbers.

use std::fmt::Write as _;

use optim::StopReason;

use super::{Enforcement, Outcome, Rule};

/// The finding: the constraint comparison, then the stopping criteria.
pub(super) fn finding(outcome: &Outcome) -> String {
    format!(
        "{}\n{}",
        constraint_finding(outcome),
        stopping_finding(outcome)
    )
}

fn constraint_finding(outcome: &Outcome) -> String {
    let (lo, hi) = outcome.bounds;
    let opt = outcome.optimum();
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
            r.distance_to(opt),
            r.iterations
                .map_or("budget spent".to_string(), |i| i.to_string())
        );
    }
    let exps = outcome.runs_where(|e| matches!(e, Enforcement::Exponential { .. }));
    if let Some(p) = outcome
        .runs_where(|e| *e == Enforcement::Projection)
        .first()
    {
        let worst = p
            .path
            .iter()
            .map(|b| {
                (b[0] - hi)
                    .max(lo - b[0])
                    .max(b[1] - hi)
                    .max(lo - b[1])
                    .max(0.0)
            })
            .fold(0.0, f64::max);
        let _ = write!(
            md,
            "\nProjection's iterates left the box by at most **{worst:.1e}**, and it ended **{:.1e}** from the corner. ",
            p.distance_to(opt)
        );
    }
    if let (Some(first), Some(last)) = (exps.first(), exps.last()) {
        let (m0, m1) = (first.enforcement.strength(), last.enforcement.strength());
        let v0 = first.violation(lo, hi);
        let _ = write!(
            md,
            "At m = {m0} the exponential barrier's solution {}; ",
            if v0 > 0.0 {
                format!("**violates** the bound by **{v0:.3}**: the barrier is soft")
            } else {
                "stays inside the box".to_string()
            }
        );
        let _ = write!(
            md,
            "at m = {m1} it lies **{:.1e}** from the minimizer, {} the box",
            last.distance_to(opt),
            if last.violation(lo, hi) > 0.0 {
                "outside"
            } else {
                "inside"
            }
        );
        match (first.iterations, last.iterations) {
            (Some(a), Some(b)) if b > a => {
                let _ = writeln!(
                    md,
                    ", while the iterations needed grow from **{a}** to **{b}**: the barrier's curvature near the bound grows with m and makes the problem stiff."
                );
            }
            (a, b) => {
                let it = |i: Option<usize>| i.map_or("the budget".to_string(), |i| i.to_string());
                let _ = writeln!(
                    md,
                    " (iterations: {} at m = {m0}, {} at m = {m1}).",
                    it(a),
                    it(b)
                );
            }
        }
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
    stopping_table(outcome, &mut md);
    comparisons(outcome, &mut md);
    divergence(outcome, &mut md);
    md
}

fn stopping_table(outcome: &Outcome, md: &mut String) {
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
}

/// Where all criteria together stop, and the two convergence tests side by side.
fn comparisons(outcome: &Outcome, md: &mut String) {
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
        let noisy =
            change.step.iteration < average.step.iteration && change.step.loss > average.step.loss;
        let _ = writeln!(
            md,
            "\nThe {} test fired first (iteration **{}**, smoothed loss {:.3}), the {} test at iteration **{}** (smoothed loss {:.3}){}",
            first.rule.label(),
            first.step.iteration,
            first.step.loss,
            second.rule.label(),
            second.step.iteration,
            second.step.loss,
            if noisy {
                format!(
                    ": a single change looked flat while the loss was still falling, which the moving average over {} iterations sees through.",
                    outcome.stopping.window
                )
            } else {
                ".".to_string()
            }
        );
    }
}

fn divergence(outcome: &Outcome, md: &mut String) {
    let lr = outcome.diverging.lr;
    let Some(f) = outcome.diverging_firing(Rule::Divergence) else {
        let _ = writeln!(md, "\nAt lr {lr} the divergence criterion did not fire.");
        return;
    };
    let _ = write!(
        md,
        "\nAt lr **{lr}** the divergence criterion stopped the run at iteration **{}**: {}. Left running, the loss spikes to **{:.0}**",
        f.step.iteration,
        reason(&f.reason),
        outcome.diverging.losses.iter().copied().fold(0.0, f64::max),
    );
    let tail = tail_mean(&outcome.diverging.losses, 100);
    if (tail - 10f64.ln()).abs() < 0.1 {
        let _ = writeln!(
            md,
            " and the ReLU network dies: its loss over the last 100 iterations averages **{tail:.2}** ≈ ln 10, chance level."
        );
    } else {
        let _ = writeln!(
            md,
            "; its loss over the last 100 iterations averages **{tail:.2}**."
        );
    }
}
