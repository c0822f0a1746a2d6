//! PyTorch's `StepLR`: decay by `gamma` every `step_size` steps.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;
use crate::schedule::Schedule;

/// `lr = base_lr · gamma^⌊step / step_size⌋` (PyTorch's `StepLR` closed form).
///
/// ```
/// use optim::{Schedule, StepLr};
/// let s = StepLr::new(2, 0.1)?;
/// assert_eq!(s.lrs(1.0, 5), vec![1.0, 1.0, 0.1, 0.1, 1.0 * 0.1_f64.powf(2.0)]);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepLr {
    step_size: u64,
    gamma: f64,
}

impl StepLr {
    /// Decays by `gamma` (PyTorch's default 0.1) every `step_size` steps.
    ///
    /// ```
    /// assert!(optim::StepLr::new(0, 0.1).is_err());
    /// ```
    ///
    /// **Errors**: `step_size` 0, or `gamma` negative or not finite.
    pub fn new(step_size: u64, gamma: f64) -> Result<Self> {
        Ok(StepLr {
            step_size: check::at_least_one("step_size", step_size)?,
            gamma: check::non_negative("gamma", gamma)?,
        })
    }
}

impl Schedule for StepLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        base_lr * self.gamma.powf((step / self.step_size) as f64)
    }
}
