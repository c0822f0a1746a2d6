//! PyTorch's `ConstantLR`: a constant factor until a milestone.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;
use crate::schedule::Schedule;

/// `lr = base_lr · factor` for `step < total_iters`, then `base_lr`
/// (PyTorch's `ConstantLR(factor, total_iters)` closed form:
/// `base_lr · (factor + (step ≥ total_iters)·(1 − factor))`).
///
/// A truly constant schedule is `ConstantLr::new(1.0, 0)`.
///
/// ```
/// use optim::{ConstantLr, Schedule};
/// let s = ConstantLr::new(0.5, 2)?;
/// assert_eq!(s.lrs(0.1, 4), vec![0.05, 0.05, 0.1, 0.1]);
/// assert_eq!(ConstantLr::default().lr(0.3, 0), 0.3 * (1.0 / 3.0));
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConstantLr {
    factor: f64,
    total_iters: u64,
}

impl ConstantLr {
    /// `factor` in `[0, 1]`, applied for the first `total_iters` steps.
    ///
    /// ```
    /// assert!(optim::ConstantLr::new(1.5, 5).is_err());
    /// ```
    ///
    /// **Errors**: a factor outside `[0, 1]`.
    pub fn new(factor: f64, total_iters: u64) -> Result<Self> {
        Ok(ConstantLr {
            factor: check::unit_closed("factor", factor)?,
            total_iters,
        })
    }
}

impl Default for ConstantLr {
    /// PyTorch's defaults: `factor=1/3`, `total_iters=5`.
    fn default() -> Self {
        ConstantLr {
            factor: 1.0 / 3.0,
            total_iters: 5,
        }
    }
}

impl Schedule for ConstantLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        let reached = if step >= self.total_iters { 1.0 } else { 0.0 };
        base_lr * (self.factor + reached * (1.0 - self.factor))
    }
}
