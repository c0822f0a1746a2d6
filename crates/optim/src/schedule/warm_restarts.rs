//! PyTorch's `CosineAnnealingWarmRestarts` (SGDR).

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;
use crate::schedule::Schedule;

/// `lr = η_min + (base_lr − η_min)·(1 + cos(π·T_cur/T_i))/2`, where the
/// period starts at `T_0` and is multiplied by `T_mult` at every restart, and
/// `T_cur` counts steps since the last restart (PyTorch's
/// `CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)` stepped once per step).
///
/// ```
/// use optim::{CosineAnnealingWarmRestarts, Schedule};
/// let s = CosineAnnealingWarmRestarts::new(2, 2, 0.0)?;
/// // periods of 2, then 4: restarts at steps 2 and 6
/// let lrs = s.lrs(1.0, 7);
/// assert_eq!((lrs[0], lrs[2], lrs[6]), (1.0, 1.0, 1.0));
/// assert!((lrs[1] - 0.5).abs() < 1e-15 && (lrs[4] - 0.5).abs() < 1e-15);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CosineAnnealingWarmRestarts {
    t_0: u64,
    t_mult: u64,
    eta_min: f64,
}

impl CosineAnnealingWarmRestarts {
    /// First period `t_0` (`T_0`), period growth `t_mult` (`T_mult`, default
    /// 1) and floor `eta_min` (default 0).
    ///
    /// ```
    /// assert!(optim::CosineAnnealingWarmRestarts::new(10, 0, 0.0).is_err());
    /// ```
    ///
    /// **Errors**: `t_0` or `t_mult` 0, or `eta_min` negative or not finite.
    pub fn new(t_0: u64, t_mult: u64, eta_min: f64) -> Result<Self> {
        Ok(CosineAnnealingWarmRestarts {
            t_0: check::at_least_one("T_0", t_0)?,
            t_mult: check::at_least_one("T_mult", t_mult)?,
            eta_min: check::non_negative("eta_min", eta_min)?,
        })
    }

    /// `(T_cur, T_i)` after `step` steps.
    fn position(&self, step: u64) -> (u64, u64) {
        if self.t_mult == 1 {
            return (step % self.t_0, self.t_0);
        }
        let (mut t_cur, mut t_i) = (step, self.t_0);
        while t_cur >= t_i {
            t_cur -= t_i;
            // Saturating: a period beyond u64 means no further restart.
            t_i = t_i.saturating_mul(self.t_mult);
        }
        (t_cur, t_i)
    }
}

impl Schedule for CosineAnnealingWarmRestarts {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        let (t_cur, t_i) = self.position(step);
        let angle = std::f64::consts::PI * t_cur as f64 / t_i as f64;
        self.eta_min + (base_lr - self.eta_min) * (1.0 + angle.cos()) / 2.0
    }
}
