//! The learning-rate schedule a trainer follows.

use std::fmt;

use optim::{ReduceLrOnPlateau, Schedule};

/// How the learning rate evolves: fixed, a function of the optimizer step,
/// or reduced when the evaluation loss plateaus (checked once per epoch).
///
/// ```
/// use experiments::train::LrSchedule;
/// let s = LrSchedule::per_step(optim::CosineAnnealingLr::new(100, 0.0).unwrap());
/// assert_eq!(s.lr_at(0.1, 0), Some(0.1));
/// assert!(s.lr_at(0.1, 50).unwrap() < 0.051);
/// assert_eq!(LrSchedule::Constant.lr_at(0.1, 50), Some(0.1));
/// ```
pub enum LrSchedule {
    /// The optimizer's learning rate, unchanged.
    Constant,
    /// `lr(base, step)` before every optimizer step.
    PerStep(Box<dyn Schedule + Send + Sync>),
    /// Reduce-on-plateau on the evaluation loss, after every epoch.
    Plateau(ReduceLrOnPlateau),
}

impl LrSchedule {
    /// A per-step schedule.
    pub fn per_step(schedule: impl Schedule + Send + Sync + 'static) -> Self {
        LrSchedule::PerStep(Box::new(schedule))
    }

    /// The learning rate at `step` for a group whose initial rate is
    /// `base`; `None` for reduce-on-plateau (which depends on the metrics).
    pub fn lr_at(&self, base: f64, step: u64) -> Option<f64> {
        match self {
            LrSchedule::Constant => Some(base),
            LrSchedule::PerStep(s) => Some(s.lr(base, step)),
            LrSchedule::Plateau(_) => None,
        }
    }
}

impl fmt::Debug for LrSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LrSchedule::Constant => f.write_str("Constant"),
            LrSchedule::PerStep(_) => f.write_str("PerStep(..)"),
            LrSchedule::Plateau(p) => f.debug_tuple("Plateau").field(p).finish(),
        }
    }
}
