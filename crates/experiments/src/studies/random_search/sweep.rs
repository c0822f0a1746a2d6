//! Part two: both methods as the number of weights grows.

use ndarray::Array1;
use serde::Serialize;

use autodiff::Objective;

use super::{Config, Logistic, Method, Run, Setup, TracePoint, cost_to_target, thin};
use crate::error::Result;

/// Points kept per trace in the outcome (log-spaced).
const TRACE_POINTS: usize = 400;

/// A step size tried at one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trial {
    /// Learning rate or σ.
    pub step: f64,
    /// Evaluation equivalents until the target (`None`: not within the budget).
    pub cost_to_target: Option<f64>,
    /// The best loss at the end of the run.
    pub best_loss: f64,
}

/// Both methods at one dimension.
#[derive(Debug, Clone, Serialize)]
pub struct Dimension {
    /// Number of weights.
    pub dim: usize,
    /// Evaluation budget.
    pub budget: f64,
    /// The minimum loss L* (long gradient-descent run).
    pub min_loss: f64,
    /// The target loss `L* + target_gap·(ln 2 − L*)`.
    pub target: f64,
    /// Gradient descent at each learning rate (run until the target).
    pub gd_trials: Vec<Trial>,
    /// The chosen learning rate's full-budget run (trace thinned).
    pub gd: Run,
    /// Evaluation equivalents gradient descent needed to reach the target.
    pub gd_cost: Option<f64>,
    /// Random search at each σ = c/√d (seed 0, full budget).
    pub rs_trials: Vec<Trial>,
    /// The chosen σ's run with seed 0 (trace thinned).
    pub rs: Run,
    /// Evaluations random search needed, one per repeat (`None`: budget spent).
    pub rs_costs: Vec<Option<f64>>,
    /// Seconds gradient descent needed to reach the target.
    pub gd_seconds: Option<f64>,
    /// Seconds random search (seed 0) needed to reach the target.
    pub rs_seconds: Option<f64>,
    /// Seconds per function evaluation (random search's runs).
    pub seconds_per_evaluation: f64,
    /// Seconds per gradient call (gradient descent's run).
    pub seconds_per_gradient: f64,
}

impl Dimension {
    /// The median over repeats of random search's cost to the target, a
    /// failed repeat counting as `∞`; `None` if the median repeat failed.
    pub fn rs_median(&self) -> Option<f64> {
        median_cost(&self.rs_costs)
    }
}

/// The median of costs where `None` (failed) counts as `∞`.
///
/// ```
/// use experiments::studies::random_search::median_cost;
/// assert_eq!(median_cost(&[Some(3.0), None, Some(1.0)]), Some(3.0));
/// assert_eq!(median_cost(&[Some(3.0), None, None]), None);
/// ```
pub fn median_cost(costs: &[Option<f64>]) -> Option<f64> {
    let mut sorted: Vec<f64> = costs.iter().map(|c| c.unwrap_or(f64::INFINITY)).collect();
    sorted.sort_by(f64::total_cmp);
    let m = *sorted.get(sorted.len() / 2)?;
    m.is_finite().then_some(m)
}

/// Both methods at `d` weights: the minimum by a long gradient-descent run,
/// then each method's step size tuned on the cost to the target.
pub(super) fn dimension(config: &Config, d: usize) -> Result<Dimension> {
    let seed = config.seed + d as u64;
    let f = Logistic::two_class(config.examples(d), d, config.separation, seed)?;
    let long = Setup {
        objective: &f,
        x0: Array1::zeros(d),
        budget: 3000.0,
        gradient_cost: 1.0,
    }
    .run(Method::GradientDescent { lr: 1.0 }, 0)?;
    let min_loss = long.best();
    let target = min_loss + config.target_gap * (2f64.ln() - min_loss);
    let setup = Setup {
        objective: &f,
        x0: Array1::zeros(d),
        budget: config.budget(d),
        gradient_cost: config.gradient_cost,
    };
    let (gd_trials, gd) = tune_gradient_descent(config, &setup, target)?;
    let (rs_trials, rs, rs_costs) = tune_random_search(config, &setup, target)?;
    Ok(Dimension {
        dim: d,
        budget: setup.budget,
        min_loss,
        target,
        gd_trials,
        gd_cost: cost_to_target(&gd.trace, target),
        gd_seconds: seconds_to_target(&gd.trace, target),
        rs_seconds: seconds_to_target(&rs.trace, target),
        seconds_per_evaluation: seconds_per_call(&rs),
        seconds_per_gradient: seconds_per_call(&gd),
        gd: thinned(gd),
        rs_trials,
        rs: thinned(rs),
        rs_costs,
    })
}

/// Each learning rate until the target; the cheapest one's full-budget run.
fn tune_gradient_descent<O: Objective>(
    config: &Config,
    setup: &Setup<'_, O>,
    target: f64,
) -> Result<(Vec<Trial>, Run)> {
    let mut trials = Vec::new();
    for &lr in &config.lrs {
        let run = setup.run_until(Method::GradientDescent { lr }, Some(target), 0)?;
        trials.push(trial(lr, &run, target));
    }
    let lr = cheapest(&trials);
    Ok((trials, setup.run(Method::GradientDescent { lr }, 0)?))
}

/// Each σ = c/√d for the whole budget (seed 0 of the study); the cheapest
/// one's run and its cost to the target over all repeats.
fn tune_random_search<O: Objective>(
    config: &Config,
    setup: &Setup<'_, O>,
    target: f64,
) -> Result<(Vec<Trial>, Run, Vec<Option<f64>>)> {
    let d = setup.x0.len() as f64;
    let mut trials = Vec::new();
    let mut runs = Vec::new();
    for &c in &config.step_lengths {
        let sigma = c / d.sqrt();
        let run = setup.run(Method::RandomSearch { sigma }, config.seed)?;
        trials.push(trial(sigma, &run, target));
        runs.push(run);
    }
    let sigma = cheapest(&trials);
    let best = trials.iter().position(|t| t.step == sigma).unwrap_or(0);
    let run = runs.swap_remove(best);
    let mut costs = vec![cost_to_target(&run.trace, target)];
    for repeat in 1..config.repeats {
        let seed = config.seed + 1000 * repeat as u64;
        let other = setup.run(Method::RandomSearch { sigma }, seed)?;
        costs.push(cost_to_target(&other.trace, target));
    }
    Ok((trials, run, costs))
}

fn trial(step: f64, run: &Run, target: f64) -> Trial {
    Trial {
        step,
        cost_to_target: cost_to_target(&run.trace, target),
        best_loss: run.best(),
    }
}

/// The step of the cheapest trial to the target; if none reached it, the
/// one with the lowest loss.
fn cheapest(trials: &[Trial]) -> f64 {
    let key = |t: &Trial| (t.cost_to_target.unwrap_or(f64::INFINITY), t.best_loss);
    trials
        .iter()
        .min_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        })
        .map_or(f64::NAN, |t| t.step)
}

fn seconds_to_target(trace: &[TracePoint], target: f64) -> Option<f64> {
    trace.iter().find(|p| p.best <= target).map(|p| p.seconds)
}

fn seconds_per_call(run: &Run) -> f64 {
    run.trace
        .last()
        .map_or(f64::NAN, |p| p.seconds / run.trace.len() as f64)
}

fn thinned(mut run: Run) -> Run {
    run.trace = thin(&run.trace, TRACE_POINTS);
    run
}
