//! Stopping criteria, combinable with OR, each reporting why it fired.

mod clock;
mod criteria;

use std::fmt;
use std::time::Duration;

pub use clock::{Clock, ManualClock, SystemClock};
pub use criteria::{
    Convergence, CostBelow, Divergence, Goal, MaxIterations, MetricThreshold, TimeBudget,
};

/// What a criterion sees after each iteration or epoch.
///
/// ```
/// use optim::Observation;
/// let obs = Observation::new(3, 0.25).with_metric(0.9);
/// assert_eq!((obs.iteration, obs.loss, obs.metric), (3, 0.25, Some(0.9)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    /// Iterations (or epochs) completed so far, counting this one.
    pub iteration: u64,
    /// The loss (cost) after this iteration.
    pub loss: f64,
    /// An evaluation metric, if one was computed.
    pub metric: Option<f64>,
}

impl Observation {
    /// An observation without a metric.
    ///
    /// ```
    /// assert_eq!(optim::Observation::new(1, 2.0).metric, None);
    /// ```
    pub fn new(iteration: u64, loss: f64) -> Self {
        Observation {
            iteration,
            loss,
            metric: None,
        }
    }

    /// Adds an evaluation metric.
    ///
    /// ```
    /// assert_eq!(optim::Observation::new(1, 2.0).with_metric(0.5).metric, Some(0.5));
    /// ```
    pub fn with_metric(mut self, metric: f64) -> Self {
        self.metric = Some(metric);
        self
    }
}

/// Why training stopped.
///
/// ```
/// use optim::StopReason;
/// let r = StopReason::MaxIterations { iterations: 100 };
/// assert_eq!(r.to_string(), "reached the maximum of 100 iterations");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum StopReason {
    /// The loss fell to the cost threshold.
    CostReached {
        /// The loss.
        loss: f64,
        /// The threshold.
        threshold: f64,
    },
    /// The loss (or its moving average) changed by less than the threshold.
    Converged {
        /// The absolute change.
        change: f64,
        /// The threshold.
        threshold: f64,
    },
    /// The evaluation metric reached its target.
    MetricReached {
        /// The metric.
        metric: f64,
        /// The target.
        threshold: f64,
    },
    /// The iteration (or epoch) budget is spent.
    MaxIterations {
        /// Iterations completed.
        iterations: u64,
    },
    /// The wall-clock budget is spent.
    TimeBudget {
        /// Time since the criterion was created.
        elapsed: Duration,
        /// The budget.
        budget: Duration,
    },
    /// The loss became NaN or infinite.
    NonFiniteLoss {
        /// The loss.
        loss: f64,
    },
    /// The loss rose far above the best seen.
    Diverged {
        /// The loss.
        loss: f64,
        /// The best loss so far.
        best: f64,
    },
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::CostReached { loss, threshold } => {
                write!(f, "loss {loss} reached the cost threshold {threshold}")
            }
            StopReason::Converged { change, threshold } => {
                write!(f, "loss changed by {change} < {threshold}: converged")
            }
            StopReason::MetricReached { metric, threshold } => {
                write!(f, "metric {metric} reached its target {threshold}")
            }
            StopReason::MaxIterations { iterations } => {
                write!(f, "reached the maximum of {iterations} iterations")
            }
            StopReason::TimeBudget { elapsed, budget } => {
                write!(f, "spent {elapsed:?} of a {budget:?} time budget")
            }
            StopReason::NonFiniteLoss { loss } => write!(f, "the loss is {loss}"),
            StopReason::Diverged { loss, best } => {
                write!(f, "diverged: loss {loss} is far above the best {best}")
            }
        }
    }
}

/// A stopping criterion: looks at each observation in turn and says whether
/// (and why) to stop. Stateful ones (convergence, divergence) update their
/// state on every call.
///
/// ```
/// use optim::{CostBelow, Criterion, MaxIterations, Observation, StopReason};
/// let mut stop = CostBelow::new(0.01).or(MaxIterations::new(3));
/// assert_eq!(stop.check(&Observation::new(1, 0.5)), None);
/// assert_eq!(
///     stop.check(&Observation::new(2, 0.005)),
///     Some(StopReason::CostReached { loss: 0.005, threshold: 0.01 })
/// );
/// assert!(matches!(stop.check(&Observation::new(3, 0.5)), Some(StopReason::MaxIterations { .. })));
/// ```
pub trait Criterion {
    /// Whether to stop after this observation, and why.
    ///
    /// ```
    /// use optim::{Criterion, MaxIterations, Observation};
    /// assert!(MaxIterations::new(2).check(&Observation::new(1, 0.0)).is_none());
    /// ```
    fn check(&mut self, observation: &Observation) -> Option<StopReason>;

    /// This criterion OR `other`.
    ///
    /// ```
    /// use optim::{CostBelow, Criterion, MaxIterations, Observation};
    /// let mut stop = MaxIterations::new(5).or(CostBelow::new(0.0));
    /// assert!(stop.check(&Observation::new(1, -1.0)).is_some());
    /// ```
    fn or<C: Criterion + Send + 'static>(self, other: C) -> AnyOf
    where
        Self: Sized + Send + 'static,
    {
        AnyOf::new().or(self).or(other)
    }
}

/// Several criteria combined with OR: stops when any fires, reporting the
/// first (in the order added). Every criterion sees every observation.
///
/// ```
/// use optim::{AnyOf, Convergence, Criterion, Divergence, MaxIterations, Observation, StopReason};
/// let mut stop = AnyOf::new()
///     .or(MaxIterations::new(1000))
///     .or(Convergence::new(1e-6, 1)?)
///     .or(Divergence::new(10.0)?);
/// assert_eq!(stop.check(&Observation::new(1, 1.0)), None);
/// assert!(matches!(stop.check(&Observation::new(2, f64::NAN)), Some(StopReason::NonFiniteLoss { .. })));
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Default)]
pub struct AnyOf {
    criteria: Vec<Box<dyn Criterion + Send>>,
}

impl AnyOf {
    /// No criterion yet (never stops).
    ///
    /// ```
    /// use optim::{AnyOf, Criterion, Observation};
    /// assert_eq!(AnyOf::new().check(&Observation::new(1, 0.0)), None);
    /// ```
    pub fn new() -> Self {
        AnyOf::default()
    }

    /// Adds a criterion.
    ///
    /// ```
    /// use optim::{AnyOf, MaxIterations};
    /// let _stop = AnyOf::new().or(MaxIterations::new(10));
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn or<C: Criterion + Send + 'static>(mut self, criterion: C) -> Self {
        self.criteria.push(Box::new(criterion));
        self
    }
}

impl Criterion for AnyOf {
    fn check(&mut self, observation: &Observation) -> Option<StopReason> {
        let mut first = None;
        for criterion in &mut self.criteria {
            let reason = criterion.check(observation);
            first = first.or(reason);
        }
        first
    }

    fn or<C: Criterion + Send + 'static>(self, other: C) -> AnyOf {
        AnyOf::or(self, other)
    }
}

impl fmt::Debug for AnyOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnyOf")
            .field("criteria", &self.criteria.len())
            .finish()
    }
}
