//! Local random search, the lecture's first (gradient-free) method.
//!
//! ```text
//! x ← x₀, f* ← f(x₀)
//! for t = 0, 1, …:   σ_t = schedule(σ₀, t)
//!     c = x + σ_t·z,  z ~ N(0, I)
//!     if f(c) < f*:  x ← c,  f* ← f(c)
//! ```

use std::fmt;

use ndarray::{Array1, ArrayView1};
use rand::Rng;
use rand_distr::StandardNormal;

use crate::check;
use crate::error::Result;
use crate::schedule::Schedule;

/// Local random search: perturb the current point with Gaussian noise of
/// scale σ_t and keep the candidate if the objective improves. Only needs the
/// objective; every evaluation is counted, and the budget is a number of
/// evaluations, so it compares with gradient descent at equal cost.
///
/// ```
/// use ndarray::array;
/// use optim::{ExponentialLr, RandomSearch};
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(7);
/// let search = RandomSearch::new(0.5, 2000)?.schedule(ExponentialLr::new(0.999)?);
/// let sphere = |x: &ndarray::ArrayView1<f64>| x.dot(x);
/// let report = search.minimize(sphere, array![1.0, -2.0, 0.5], &mut rng);
/// assert_eq!(report.evaluations, 2000);
/// assert!(report.value < 1e-2 * 5.25);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub struct RandomSearch {
    step_size: f64,
    max_evaluations: u64,
    schedule: Option<Box<dyn Schedule + Send + Sync>>,
}

/// What a random search found.
///
/// ```
/// use ndarray::array;
/// use optim::RandomSearch;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let r = RandomSearch::new(0.1, 10)?.minimize(|x| x[0].abs(), array![1.0], &mut rng);
/// assert_eq!(r.history.len(), 10);
/// assert_eq!(r.history[9], r.value);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RandomSearchReport {
    /// The best point found.
    pub x: Array1<f64>,
    /// The objective there.
    pub value: f64,
    /// Objective evaluations spent (the start point included).
    pub evaluations: u64,
    /// Candidates accepted.
    pub accepted: u64,
    /// The best value after each evaluation.
    pub history: Vec<f64>,
}

impl RandomSearch {
    /// Step size σ₀ (the noise scale) and the evaluation budget (at least 1,
    /// the start point).
    ///
    /// ```
    /// assert!(optim::RandomSearch::new(0.0, 10).is_err());
    /// assert!(optim::RandomSearch::new(0.1, 0).is_err());
    /// ```
    ///
    /// **Errors**: a step size that is not `> 0`, or a budget of 0.
    pub fn new(step_size: f64, max_evaluations: u64) -> Result<Self> {
        Ok(RandomSearch {
            step_size: check::positive("step_size", step_size)?,
            max_evaluations: check::at_least_one("max_evaluations", max_evaluations)?,
            schedule: None,
        })
    }

    /// Shrinks (or otherwise varies) the step size over iterations:
    /// σ_t = `schedule.lr(σ₀, t)`. Any learning-rate schedule works.
    ///
    /// ```
    /// let s = optim::RandomSearch::new(1.0, 100)?.schedule(optim::StepLr::new(10, 0.5)?);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn schedule(mut self, schedule: impl Schedule + Send + Sync + 'static) -> Self {
        self.schedule = Some(Box::new(schedule));
        self
    }

    /// Searches from `x0`, drawing the perturbations from `rng`. A NaN
    /// objective value never counts as an improvement.
    ///
    /// ```
    /// use ndarray::array;
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    /// let search = optim::RandomSearch::new(0.2, 200)?;
    /// let r = search.minimize(|x| (x[0] - 1.0).powi(2), array![0.0], &mut rng);
    /// assert!(r.value < 1.0 && r.evaluations == 200);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn minimize<F, R>(
        &self,
        mut objective: F,
        x0: Array1<f64>,
        rng: &mut R,
    ) -> RandomSearchReport
    where
        F: FnMut(&ArrayView1<f64>) -> f64,
        R: Rng + ?Sized,
    {
        let mut x = x0;
        let mut value = objective(&x.view());
        // The budget may be huge; grow the history as it fills instead.
        let capacity = self.max_evaluations.min(1 << 16) as usize;
        let mut history = Vec::with_capacity(capacity);
        history.push(value);
        let (mut evaluations, mut accepted) = (1, 0);
        let mut candidate = x.clone();
        let mut t = 0;
        while evaluations < self.max_evaluations {
            let sigma = match &self.schedule {
                Some(schedule) => schedule.lr(self.step_size, t),
                None => self.step_size,
            };
            for (c, &xi) in candidate.iter_mut().zip(x.iter()) {
                let z: f64 = rng.sample(StandardNormal);
                *c = xi + sigma * z;
            }
            let f = objective(&candidate.view());
            evaluations += 1;
            t += 1;
            if f < value || (value.is_nan() && !f.is_nan()) {
                std::mem::swap(&mut x, &mut candidate);
                value = f;
                accepted += 1;
            }
            history.push(value);
        }
        RandomSearchReport {
            x,
            value,
            evaluations,
            accepted,
            history,
        }
    }
}

impl fmt::Debug for RandomSearch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RandomSearch")
            .field("step_size", &self.step_size)
            .field("max_evaluations", &self.max_evaluations)
            .field("scheduled", &self.schedule.is_some())
            .finish()
    }
}
