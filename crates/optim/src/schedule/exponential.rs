//! PyTorch's `ExponentialLR`: decay by `gamma` every step.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;
use crate::schedule::Schedule;

/// `lr = base_lr · gamma^step` (PyTorch's `ExponentialLR` closed form).
///
/// ```
/// use optim::{ExponentialLr, Schedule};
/// let s = ExponentialLr::new(0.5)?;
/// assert_eq!(s.lrs(1.0, 3), vec![1.0, 0.5, 0.25]);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExponentialLr {
    gamma: f64,
}

impl ExponentialLr {
    /// Decays by `gamma` every step.
    ///
    /// ```
    /// assert!(optim::ExponentialLr::new(-0.5).is_err());
    /// ```
    ///
    /// **Errors**: `gamma` negative or not finite.
    pub fn new(gamma: f64) -> Result<Self> {
        Ok(ExponentialLr {
            gamma: check::non_negative("gamma", gamma)?,
        })
    }
}

impl Schedule for ExponentialLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        base_lr * self.gamma.powf(step as f64)
    }
}
