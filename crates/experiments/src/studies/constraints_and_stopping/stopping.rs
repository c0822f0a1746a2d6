//! Every stopping criterion replayed on one recorded training run: where
//! each would have stopped, and why.

use std::time::Duration;

use optim::{
    AnyOf, Convergence, CostBelow, Criterion, Divergence, Goal, ManualClock, MaxIterations,
    MetricThreshold, Observation, StopReason, TimeBudget,
};
use serde::Serialize;

use crate::error::Result;

/// The criteria compared, in the order a combined rule checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Rule {
    /// The loss fell to a threshold.
    CostThreshold,
    /// The loss changed by less than a threshold from one iteration to the next.
    LossChange,
    /// The moving average of the loss over a window changed by less than a threshold.
    MovingAverage,
    /// The validation accuracy reached a target.
    MetricThreshold,
    /// An iteration budget.
    MaxIterations,
    /// A wall-clock budget.
    TimeBudget,
    /// The loss became non-finite or rose far above the best so far.
    Divergence,
}

impl Rule {
    /// Every rule, in checking order.
    pub const ALL: [Rule; 7] = [
        Rule::CostThreshold,
        Rule::LossChange,
        Rule::MovingAverage,
        Rule::MetricThreshold,
        Rule::MaxIterations,
        Rule::TimeBudget,
        Rule::Divergence,
    ];

    /// Human name.
    ///
    /// ```
    /// use experiments::studies::constraints_and_stopping::Rule;
    /// assert_eq!(Rule::MovingAverage.label(), "moving-average convergence");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Rule::CostThreshold => "cost threshold",
            Rule::LossChange => "loss-change convergence",
            Rule::MovingAverage => "moving-average convergence",
            Rule::MetricThreshold => "metric threshold",
            Rule::MaxIterations => "maximum iterations",
            Rule::TimeBudget => "wall-clock budget",
            Rule::Divergence => "divergence",
        }
    }
}

/// The thresholds of every criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoppingConfig {
    /// Stop at `loss ≤ cost_threshold`.
    pub cost_threshold: f64,
    /// Stop at `|L_t − L_{t−1}| < change_threshold`.
    pub change_threshold: f64,
    /// Stop when the moving average over `window` iterations changes by less
    /// than `average_threshold` per iteration.
    pub average_threshold: f64,
    /// Window of the moving average.
    pub window: usize,
    /// Stop at validation accuracy `≥ accuracy_target`.
    pub accuracy_target: f64,
    /// Stop after this many iterations.
    pub max_iterations: u64,
    /// Stop once this much wall-clock time is spent.
    pub time_budget: Duration,
    /// Stop at a non-finite loss or `loss − best > factor·best`.
    pub divergence_factor: f64,
}

impl StoppingConfig {
    /// The criterion of `rule`, its wall clock being `clock`.
    ///
    /// **Errors**: a threshold out of range.
    pub fn criterion(&self, rule: Rule, clock: &ManualClock) -> Result<Box<dyn Criterion + Send>> {
        Ok(match rule {
            Rule::CostThreshold => Box::new(CostBelow::new(self.cost_threshold)),
            Rule::LossChange => Box::new(Convergence::new(self.change_threshold, 1)?),
            Rule::MovingAverage => Box::new(Convergence::new(self.average_threshold, self.window)?),
            Rule::MetricThreshold => {
                Box::new(MetricThreshold::new(self.accuracy_target, Goal::AtLeast))
            }
            Rule::MaxIterations => Box::new(MaxIterations::new(self.max_iterations)),
            Rule::TimeBudget => Box::new(TimeBudget::new(self.time_budget, clock.clone())),
            Rule::Divergence => Box::new(Divergence::new(self.divergence_factor)?),
        })
    }
}

/// One recorded iteration of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Step {
    /// Iterations completed (1 for the first).
    pub iteration: u64,
    /// The (minibatch) loss of this iteration.
    pub loss: f64,
    /// Validation accuracy, on the iterations where it was measured.
    pub metric: Option<f64>,
    /// Seconds since the run started, after this iteration.
    pub seconds: f64,
}

/// Where a criterion fired.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Firing {
    /// The criterion.
    pub rule: Rule,
    /// The step it fired on.
    pub step: Step,
    /// Its reason.
    pub reason: StopReason,
}

/// Replays `steps` through each criterion separately (a fresh criterion per
/// rule, the wall clock a [`ManualClock`] advanced to each step's recorded
/// time) and returns each rule's first firing, in [`Rule::ALL`] order.
///
/// **Errors**: a threshold out of range.
///
/// ```
/// use std::time::Duration;
/// use experiments::studies::constraints_and_stopping::{replay, Rule, Step, StoppingConfig};
/// let config = StoppingConfig {
///     cost_threshold: 0.1, change_threshold: 1e-3, average_threshold: 1e-3, window: 2,
///     accuracy_target: 0.9, max_iterations: 3, time_budget: Duration::from_secs(1),
///     divergence_factor: 1.0,
/// };
/// let steps: Vec<Step> = [1.0, 0.5, 0.05].iter().enumerate()
///     .map(|(i, &loss)| Step { iteration: i as u64 + 1, loss, metric: None, seconds: 0.0 })
///     .collect();
/// let fired = replay(&steps, &config).unwrap();
/// assert_eq!(fired[0].0, Rule::CostThreshold);
/// assert_eq!(fired[0].1.unwrap().step.iteration, 3);
/// ```
pub fn replay(steps: &[Step], config: &StoppingConfig) -> Result<Vec<(Rule, Option<Firing>)>> {
    Rule::ALL
        .iter()
        .map(|&rule| {
            let clock = ManualClock::new();
            let mut criterion = config.criterion(rule, &clock)?;
            Ok((rule, first_firing(steps, &clock, criterion.as_mut(), rule)))
        })
        .collect()
}

/// All criteria combined with OR ([`AnyOf`]), as a trainer would use them:
/// the first firing, reported by the first rule (in [`Rule::ALL`] order)
/// that fired on that step.
///
/// **Errors**: a threshold out of range.
pub fn combined(steps: &[Step], config: &StoppingConfig) -> Result<Option<(Step, StopReason)>> {
    let clock = ManualClock::new();
    let mut any = AnyOf::new();
    for rule in Rule::ALL {
        any = any.or(Boxed(config.criterion(rule, &clock)?));
    }
    let mut elapsed = 0.0;
    for step in steps {
        advance(&clock, &mut elapsed, step.seconds);
        if let Some(reason) = any.check(&observation(step)) {
            return Ok(Some((*step, reason)));
        }
    }
    Ok(None)
}

/// A boxed criterion as a criterion (for [`AnyOf::or`]).
struct Boxed(Box<dyn Criterion + Send>);

impl Criterion for Boxed {
    fn check(&mut self, observation: &Observation) -> Option<StopReason> {
        self.0.check(observation)
    }
}

fn observation(step: &Step) -> Observation {
    let obs = Observation::new(step.iteration, step.loss);
    match step.metric {
        Some(m) => obs.with_metric(m),
        None => obs,
    }
}

fn advance(clock: &ManualClock, elapsed: &mut f64, to: f64) {
    if to > *elapsed {
        clock.advance(Duration::from_secs_f64(to - *elapsed));
        *elapsed = to;
    }
}

fn first_firing(
    steps: &[Step],
    clock: &ManualClock,
    criterion: &mut (dyn Criterion + Send),
    rule: Rule,
) -> Option<Firing> {
    let mut elapsed = 0.0;
    steps.iter().find_map(|step| {
        advance(clock, &mut elapsed, step.seconds);
        criterion.check(&observation(step)).map(|reason| Firing {
            rule,
            step: *step,
            reason,
        })
    })
}
