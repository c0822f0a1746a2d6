//! PyTorch's `LinearLR`: a linear ramp of the factor (warmup).

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::{OptimError, Result};
use crate::schedule::Schedule;

/// `lr = base_lr·(s + (e − s)·min(T, step)/T)` with `start_factor` s,
/// `end_factor` e and `total_iters` T (PyTorch's `LinearLR` closed form):
/// linear warmup when s < e.
///
/// ```
/// use optim::{LinearLr, Schedule};
/// let warmup = LinearLr::new(0.25, 1.0, 3)?;
/// assert_eq!(warmup.lrs(0.4, 5), vec![0.1, 0.2, 0.30000000000000004, 0.4, 0.4]);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearLr {
    start_factor: f64,
    end_factor: f64,
    total_iters: u64,
}

impl LinearLr {
    /// PyTorch's defaults are `start_factor=1/3`, `end_factor=1`, `total_iters=5`.
    ///
    /// ```
    /// assert!(optim::LinearLr::new(0.0, 1.0, 5).is_err());
    /// ```
    ///
    /// **Errors**: `start_factor` outside `(0, 1]`, `end_factor` outside
    /// `[0, 1]`, or `total_iters` 0.
    pub fn new(start_factor: f64, end_factor: f64, total_iters: u64) -> Result<Self> {
        if !(start_factor > 0.0 && start_factor <= 1.0) {
            return Err(OptimError::InvalidHyperparameter {
                name: "start_factor",
                value: start_factor,
                expected: "a number in (0, 1]",
            });
        }
        Ok(LinearLr {
            start_factor,
            end_factor: check::unit_closed("end_factor", end_factor)?,
            total_iters: check::at_least_one("total_iters", total_iters)?,
        })
    }
}

impl Default for LinearLr {
    fn default() -> Self {
        LinearLr {
            start_factor: 1.0 / 3.0,
            end_factor: 1.0,
            total_iters: 5,
        }
    }
}

impl Schedule for LinearLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        let done = step.min(self.total_iters) as f64;
        base_lr
            * (self.start_factor
                + (self.end_factor - self.start_factor) * done / self.total_iters as f64)
    }
}
