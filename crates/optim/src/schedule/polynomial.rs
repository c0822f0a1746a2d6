//! PyTorch's `PolynomialLR`: polynomial decay to zero.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;
use crate::schedule::Schedule;

/// `lr = base_lr·(1 − min(T, step)/T)^power` with `total_iters` T (PyTorch's
/// `PolynomialLR` closed form); 0 from step T on.
///
/// ```
/// use optim::{PolynomialLr, Schedule};
/// let s = PolynomialLr::new(4, 2.0)?;
/// assert_eq!(s.lrs(1.0, 6), vec![1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolynomialLr {
    total_iters: u64,
    power: f64,
}

impl PolynomialLr {
    /// PyTorch's defaults are `total_iters=5`, `power=1`.
    ///
    /// ```
    /// assert!(optim::PolynomialLr::new(5, -1.0).is_err());
    /// ```
    ///
    /// **Errors**: `total_iters` 0, or `power` negative or not finite.
    pub fn new(total_iters: u64, power: f64) -> Result<Self> {
        Ok(PolynomialLr {
            total_iters: check::at_least_one("total_iters", total_iters)?,
            power: check::non_negative("power", power)?,
        })
    }
}

impl Default for PolynomialLr {
    fn default() -> Self {
        PolynomialLr {
            total_iters: 5,
            power: 1.0,
        }
    }
}

impl Schedule for PolynomialLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        let done = step.min(self.total_iters) as f64;
        base_lr * (1.0 - done / self.total_iters as f64).powf(self.power)
    }
}
