//! PyTorch's `MultiStepLR`: decay by `gamma` at each milestone.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;
use crate::schedule::Schedule;

/// `lr = base_lr · gamma^(number of milestones ≤ step)` (PyTorch's
/// `MultiStepLR` closed form; a repeated milestone counts twice).
///
/// ```
/// use optim::{MultiStepLr, Schedule};
/// let s = MultiStepLr::new(vec![3, 1], 0.5)?;
/// assert_eq!(s.lrs(1.0, 5), vec![1.0, 0.5, 0.5, 0.25, 0.25]);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MultiStepLr {
    milestones: Vec<u64>,
    gamma: f64,
}

impl MultiStepLr {
    /// Decays by `gamma` (PyTorch's default 0.1) at every milestone (any order).
    ///
    /// ```
    /// assert!(optim::MultiStepLr::new(vec![10], f64::NAN).is_err());
    /// ```
    ///
    /// **Errors**: `gamma` negative or not finite.
    pub fn new(mut milestones: Vec<u64>, gamma: f64) -> Result<Self> {
        milestones.sort_unstable();
        Ok(MultiStepLr {
            milestones,
            gamma: check::non_negative("gamma", gamma)?,
        })
    }
}

impl Schedule for MultiStepLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        let passed = self.milestones.partition_point(|&m| m <= step);
        base_lr * self.gamma.powf(passed as f64)
    }
}
