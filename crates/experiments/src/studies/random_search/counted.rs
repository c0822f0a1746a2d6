//! An objective wrapped so that every function evaluation and every gradient
//! call is counted and timed: random search and gradient descent are
//! compared at equal budgets.
//!
//! **Convention.** One gradient call (forward and backward pass) is counted
//! as `gradient_cost` function-evaluation equivalents; the lecture's "a
//! gradient costs a few function evaluations" (reverse mode's cheap-gradient
//! principle) gives 3. The study also measures the actual time ratio.

use std::time::Instant;

use autodiff::{Objective, Tape};
use ndarray::{Array1, ArrayView1};
use serde::Serialize;

use crate::error::{ExperimentsError, Result};

/// One point of a run: cost spent, time spent, best loss so far.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TracePoint {
    /// Function-evaluation equivalents spent so far (this call included).
    pub cost: f64,
    /// Seconds since the wrapper was created.
    pub seconds: f64,
    /// The lowest loss seen so far.
    pub best: f64,
}

/// A vector objective `f: ℝᵈ → ℝ` recorded on an autodiff tape, with counters.
///
/// ```
/// use autodiff::{Float, Objective, Tape, Var};
/// use experiments::studies::random_search::Counted;
/// struct Sphere;
/// impl Objective for Sphere {
///     fn eval<T: Float>(&self, tape: &mut Tape<T>, x: &[Var]) -> Var {
///         let sq = tape.mul(x[0], x[0]);
///         tape.sum(sq)
///     }
/// }
/// let mut f = Counted::new(&Sphere, 3.0);
/// let w = ndarray::array![1.0, 2.0];
/// assert_eq!(f.value(w.view()), 5.0);
/// let (v, g) = f.value_and_gradient(w.view()).unwrap();
/// assert_eq!((v, g), (5.0, ndarray::array![2.0, 4.0]));
/// assert_eq!((f.evaluations(), f.gradients(), f.cost()), (1, 1, 4.0));
/// ```
#[derive(Debug)]
pub struct Counted<'o, O> {
    objective: &'o O,
    tape: Tape<f64>,
    gradient_cost: f64,
    evaluations: u64,
    gradients: u64,
    start: Instant,
    trace: Vec<TracePoint>,
}

impl<'o, O: Objective> Counted<'o, O> {
    /// Wraps `objective`, counting a gradient call as `gradient_cost`
    /// evaluations.
    pub fn new(objective: &'o O, gradient_cost: f64) -> Self {
        Counted {
            objective,
            tape: Tape::new(),
            gradient_cost,
            evaluations: 0,
            gradients: 0,
            start: Instant::now(),
            trace: Vec::new(),
        }
    }

    /// `f(w)`, counted as one evaluation (a forward pass only).
    pub fn value(&mut self, w: ArrayView1<f64>) -> f64 {
        self.tape.clear();
        let x = self.tape.constant_copy(&w);
        let loss = self.objective.eval(&mut self.tape, &[x]);
        let value = self.tape.scalar(loss);
        self.evaluations += 1;
        self.record(value);
        value
    }

    /// `f(w)` and `∇f(w)`, counted as one gradient call (forward and backward).
    ///
    /// **Errors**: the backward pass failed (the objective is not a scalar).
    pub fn value_and_gradient(&mut self, w: ArrayView1<f64>) -> Result<(f64, Array1<f64>)> {
        self.tape.clear();
        let x = self.tape.leaf_copy(&w);
        let loss = self.objective.eval(&mut self.tape, &[x]);
        let value = self.tape.scalar(loss);
        let grads = self.tape.backward(loss)?;
        let grad = grads
            .wrt(x)
            .ok_or_else(|| ExperimentsError::Invalid("the objective ignores its input".into()))?
            .iter()
            .copied()
            .collect();
        self.gradients += 1;
        self.record(value);
        Ok((value, grad))
    }

    fn record(&mut self, value: f64) {
        let previous = self.trace.last().map_or(f64::INFINITY, |p| p.best);
        let best = if value < previous { value } else { previous };
        self.trace.push(TracePoint {
            cost: self.cost(),
            seconds: self.start.elapsed().as_secs_f64(),
            best,
        });
    }

    /// Function evaluations so far.
    pub fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// Gradient calls so far.
    pub fn gradients(&self) -> u64 {
        self.gradients
    }

    /// What one gradient call counts for.
    pub fn gradient_cost(&self) -> f64 {
        self.gradient_cost
    }

    /// Evaluations plus `gradient_cost` per gradient call.
    pub fn cost(&self) -> f64 {
        self.evaluations as f64 + self.gradient_cost * self.gradients as f64
    }

    /// Every call's cost, time and best loss so far, in order.
    pub fn trace(&self) -> &[TracePoint] {
        &self.trace
    }

    /// Gives up the trace.
    pub fn into_trace(self) -> Vec<TracePoint> {
        self.trace
    }
}

/// The cost at which the best loss first fell to `target` or below.
///
/// ```
/// use experiments::studies::random_search::{cost_to_target, TracePoint};
/// let t = |cost, best| TracePoint { cost, seconds: 0.0, best };
/// let trace = [t(1.0, 0.9), t(4.0, 0.5), t(7.0, 0.2)];
/// assert_eq!(cost_to_target(&trace, 0.5), Some(4.0));
/// assert_eq!(cost_to_target(&trace, 0.1), None);
/// ```
pub fn cost_to_target(trace: &[TracePoint], target: f64) -> Option<f64> {
    trace.iter().find(|p| p.best <= target).map(|p| p.cost)
}

/// At most about `points` entries of `trace`, spaced evenly in log(index),
/// always keeping the first and the last (for plots and CSV files).
///
/// ```
/// use experiments::studies::random_search::{thin, TracePoint};
/// let trace: Vec<TracePoint> = (1..=10_000)
///     .map(|i| TracePoint { cost: i as f64, seconds: 0.0, best: 1.0 / i as f64 })
///     .collect();
/// let kept = thin(&trace, 100);
/// assert!(kept.len() <= 110 && kept.len() > 50);
/// assert_eq!(kept.last().unwrap().cost, 10_000.0);
/// ```
pub fn thin(trace: &[TracePoint], points: usize) -> Vec<TracePoint> {
    if trace.len() <= points.max(2) {
        return trace.to_vec();
    }
    let last = trace.len() - 1;
    let ratio = (last as f64).powf(1.0 / points as f64);
    let mut out = vec![trace[0]];
    let mut next = 1.0_f64;
    for (i, p) in trace.iter().enumerate().skip(1) {
        if i as f64 >= next || i == last {
            out.push(*p);
            next = (next * ratio).max(i as f64 + 1.0);
        }
    }
    out
}
