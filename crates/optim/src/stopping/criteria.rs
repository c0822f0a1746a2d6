//! The individual stopping criteria.

use std::collections::VecDeque;
use std::time::Duration;

use crate::check;
use crate::error::Result;
use crate::stopping::{Clock, Criterion, Observation, StopReason};

/// Stops when the loss falls to `threshold` or below (cost threshold).
///
/// ```
/// use optim::{CostBelow, Criterion, Observation};
/// assert!(CostBelow::new(0.1).check(&Observation::new(1, 0.1)).is_some());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostBelow {
    threshold: f64,
}

impl CostBelow {
    /// Stops at `loss <= threshold`.
    ///
    /// ```
    /// let _ = optim::CostBelow::new(1e-3);
    /// ```
    pub fn new(threshold: f64) -> Self {
        CostBelow { threshold }
    }
}

impl Criterion for CostBelow {
    fn check(&mut self, obs: &Observation) -> Option<StopReason> {
        (obs.loss <= self.threshold).then_some(StopReason::CostReached {
            loss: obs.loss,
            threshold: self.threshold,
        })
    }
}

/// Stops when the loss stops changing: `|L_t − L_{t−1}| < threshold`, or with
/// a window of k epochs, when the moving average of the last k losses changes
/// by less than `threshold` (`|L_t − L_{t−k}| / k`).
///
/// ```
/// use optim::{Convergence, Criterion, Observation};
/// let mut c = Convergence::new(0.01, 2)?;
/// let losses = [1.0, 0.5, 0.49, 0.485];
/// let fired: Vec<bool> = losses
///     .iter()
///     .enumerate()
///     .map(|(i, &l)| c.check(&Observation::new(i as u64 + 1, l)).is_some())
///     .collect();
/// // moving averages of 2: 0.75, 0.495, 0.4875 → changes 0.255, then 0.0075 < 0.01
/// assert_eq!(fired, [false, false, false, true]);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Convergence {
    threshold: f64,
    window: usize,
    recent: VecDeque<f64>,
}

impl Convergence {
    /// Fires when the (moving-average) loss changes by less than `threshold`;
    /// `window` 1 compares consecutive losses.
    ///
    /// ```
    /// assert!(optim::Convergence::new(1e-6, 0).is_err());
    /// ```
    ///
    /// **Errors**: a negative or non-finite threshold, or a window of 0.
    pub fn new(threshold: f64, window: usize) -> Result<Self> {
        check::non_negative("threshold", threshold)?;
        check::at_least_one("window", window as u64)?;
        Ok(Convergence {
            threshold,
            window,
            recent: VecDeque::with_capacity(window + 1),
        })
    }
}

impl Criterion for Convergence {
    fn check(&mut self, obs: &Observation) -> Option<StopReason> {
        if self.recent.len() == self.window + 1 {
            self.recent.pop_front();
        }
        self.recent.push_back(obs.loss);
        if self.recent.len() < self.window + 1 {
            return None;
        }
        let (newest, oldest) = (*self.recent.back()?, *self.recent.front()?);
        let change = ((newest - oldest) / self.window as f64).abs();
        (change < self.threshold).then_some(StopReason::Converged {
            change,
            threshold: self.threshold,
        })
    }
}

/// Whether a metric must rise to or fall to its target.
///
/// ```
/// use optim::Goal;
/// assert_ne!(Goal::AtLeast, Goal::AtMost);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Stop at `metric >= threshold` (accuracy).
    AtLeast,
    /// Stop at `metric <= threshold` (error rate).
    AtMost,
}

/// Stops when the evaluation metric reaches its target; observations
/// without a metric never fire it.
///
/// ```
/// use optim::{Criterion, Goal, MetricThreshold, Observation};
/// let mut c = MetricThreshold::new(0.97, Goal::AtLeast);
/// assert!(c.check(&Observation::new(1, 0.3)).is_none());
/// assert!(c.check(&Observation::new(2, 0.3).with_metric(0.98)).is_some());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricThreshold {
    threshold: f64,
    goal: Goal,
}

impl MetricThreshold {
    /// Fires when the metric reaches `threshold` in the direction of `goal`.
    ///
    /// ```
    /// let _ = optim::MetricThreshold::new(0.05, optim::Goal::AtMost);
    /// ```
    pub fn new(threshold: f64, goal: Goal) -> Self {
        MetricThreshold { threshold, goal }
    }
}

impl Criterion for MetricThreshold {
    fn check(&mut self, obs: &Observation) -> Option<StopReason> {
        let metric = obs.metric?;
        let reached = match self.goal {
            Goal::AtLeast => metric >= self.threshold,
            Goal::AtMost => metric <= self.threshold,
        };
        reached.then_some(StopReason::MetricReached {
            metric,
            threshold: self.threshold,
        })
    }
}

/// Stops once `max` iterations (or epochs) are complete.
///
/// ```
/// use optim::{Criterion, MaxIterations, Observation};
/// assert!(MaxIterations::new(5).check(&Observation::new(5, 1.0)).is_some());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxIterations {
    max: u64,
}

impl MaxIterations {
    /// Fires at `iteration >= max`.
    ///
    /// ```
    /// let _ = optim::MaxIterations::new(100);
    /// ```
    pub fn new(max: u64) -> Self {
        MaxIterations { max }
    }
}

impl Criterion for MaxIterations {
    fn check(&mut self, obs: &Observation) -> Option<StopReason> {
        (obs.iteration >= self.max).then_some(StopReason::MaxIterations {
            iterations: obs.iteration,
        })
    }
}

/// Stops when a wall-clock budget, counted from the criterion's creation,
/// is spent. The clock is injected, so tests use a [`ManualClock`](crate::ManualClock).
///
/// ```
/// use std::time::Duration;
/// use optim::{Criterion, ManualClock, Observation, TimeBudget};
/// let clock = ManualClock::new();
/// let mut budget = TimeBudget::new(Duration::from_secs(60), clock.clone());
/// assert!(budget.check(&Observation::new(1, 1.0)).is_none());
/// clock.advance(Duration::from_secs(60));
/// assert!(budget.check(&Observation::new(2, 1.0)).is_some());
/// ```
#[derive(Clone, Debug)]
pub struct TimeBudget<C> {
    budget: Duration,
    clock: C,
    start: Duration,
}

impl<C: Clock> TimeBudget<C> {
    /// Starts the budget now, on `clock`.
    ///
    /// ```
    /// let _ = optim::TimeBudget::new(std::time::Duration::from_secs(1), optim::SystemClock::new());
    /// ```
    pub fn new(budget: Duration, clock: C) -> Self {
        let start = clock.now();
        TimeBudget {
            budget,
            clock,
            start,
        }
    }
}

impl<C: Clock> Criterion for TimeBudget<C> {
    fn check(&mut self, _obs: &Observation) -> Option<StopReason> {
        let elapsed = self.clock.now().saturating_sub(self.start);
        (elapsed >= self.budget).then_some(StopReason::TimeBudget {
            elapsed,
            budget: self.budget,
        })
    }
}

/// Stops when the loss is NaN or infinite, or rises far above the best loss
/// so far: `loss − best > factor·|best|`.
///
/// ```
/// use optim::{Criterion, Divergence, Observation, StopReason};
/// let mut d = Divergence::new(1.0)?;
/// assert!(d.check(&Observation::new(1, 0.5)).is_none());
/// assert!(d.check(&Observation::new(2, 0.9)).is_none()); // 0.4 ≤ 1·0.5
/// assert_eq!(d.check(&Observation::new(3, 1.1)), Some(StopReason::Diverged { loss: 1.1, best: 0.5 }));
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Divergence {
    factor: f64,
    best: f64,
}

impl Divergence {
    /// Fires at non-finite losses or `loss − best > factor·|best|`.
    ///
    /// ```
    /// assert!(optim::Divergence::new(-1.0).is_err());
    /// ```
    ///
    /// **Errors**: a negative or non-finite factor.
    pub fn new(factor: f64) -> Result<Self> {
        Ok(Divergence {
            factor: check::non_negative("factor", factor)?,
            best: f64::INFINITY,
        })
    }
}

impl Criterion for Divergence {
    fn check(&mut self, obs: &Observation) -> Option<StopReason> {
        let loss = obs.loss;
        if !loss.is_finite() {
            return Some(StopReason::NonFiniteLoss { loss });
        }
        if self.best.is_finite() && loss - self.best > self.factor * self.best.abs() {
            return Some(StopReason::Diverged {
                loss,
                best: self.best,
            });
        }
        self.best = self.best.min(loss);
        None
    }
}
