//! PyTorch's `CosineAnnealingLR`, in closed form.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;
use crate::schedule::Schedule;

/// `lr = η_min + (base_lr − η_min)·(1 + cos(π·step/T_max))/2`, PyTorch's
/// closed form for `CosineAnnealingLR(T_max, eta_min)`. Beyond `T_max` the
/// cosine keeps going (back up to `base_lr` at `2·T_max`), as PyTorch's
/// schedule does.
///
/// ```
/// use optim::{CosineAnnealingLr, Schedule};
/// let s = CosineAnnealingLr::new(2, 0.0)?;
/// let lrs = s.lrs(1.0, 5);
/// assert_eq!(lrs[0], 1.0);
/// assert!((lrs[1] - 0.5).abs() < 1e-15 && lrs[2] < 1e-16);
/// assert!((lrs[4] - 1.0).abs() < 1e-15); // periodic beyond T_max
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CosineAnnealingLr {
    t_max: u64,
    eta_min: f64,
}

impl CosineAnnealingLr {
    /// Anneals over `t_max` steps (`T_max`) down to `eta_min` (default 0).
    ///
    /// ```
    /// assert!(optim::CosineAnnealingLr::new(0, 0.0).is_err());
    /// ```
    ///
    /// **Errors**: `t_max` 0, or `eta_min` negative or not finite.
    pub fn new(t_max: u64, eta_min: f64) -> Result<Self> {
        Ok(CosineAnnealingLr {
            t_max: check::at_least_one("T_max", t_max)?,
            eta_min: check::non_negative("eta_min", eta_min)?,
        })
    }
}

impl Schedule for CosineAnnealingLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        let angle = std::f64::consts::PI * step as f64 / self.t_max as f64;
        self.eta_min + (base_lr - self.eta_min) * (1.0 + angle.cos()) / 2.0
    }
}
