//! PyTorch's `SequentialLR`: one schedule after another at milestones.

use std::fmt;

use crate::error::{OptimError, Result};
use crate::schedule::Schedule;

/// Runs `schedules[i]` between `milestones[i-1]` and `milestones[i]`, each
/// restarted at its milestone (PyTorch's `SequentialLR`: at a milestone the
/// next scheduler is stepped to its epoch 0). Typical use: linear warmup
/// then cosine annealing.
///
/// ```
/// use optim::{CosineAnnealingLr, LinearLr, Schedule, SequentialLr};
/// let s = SequentialLr::new(
///     vec![Box::new(LinearLr::new(0.1, 1.0, 2)?), Box::new(CosineAnnealingLr::new(4, 0.0)?)],
///     vec![2],
/// )?;
/// let lrs = s.lrs(1.0, 5);
/// assert_eq!(&lrs[..3], &[0.1, 0.55, 1.0]); // warmup, then cosine from its start
/// assert!((lrs[4] - 0.5).abs() < 1e-15);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub struct SequentialLr {
    schedules: Vec<Box<dyn Schedule + Send + Sync>>,
    milestones: Vec<u64>,
}

impl SequentialLr {
    /// One more schedule than milestones; milestones must not decrease.
    ///
    /// ```
    /// use optim::{ExponentialLr, SequentialLr};
    /// let one = || Box::new(ExponentialLr::new(0.9).unwrap()) as Box<_>;
    /// assert!(SequentialLr::new(vec![one(), one()], vec![]).is_err());
    /// assert!(SequentialLr::new(vec![one(), one(), one()], vec![5, 3]).is_err());
    /// ```
    ///
    /// **Errors**: no schedule, a milestone count that is not one less than
    /// the schedule count, or decreasing milestones.
    pub fn new(
        schedules: Vec<Box<dyn Schedule + Send + Sync>>,
        milestones: Vec<u64>,
    ) -> Result<Self> {
        if schedules.is_empty() || milestones.len() != schedules.len() - 1 {
            return Err(OptimError::LengthMismatch {
                what: "milestones (one fewer than schedules)",
                expected: schedules
                    .len()
                    .saturating_sub(1)
                    .max(usize::from(schedules.is_empty())),
                found: milestones.len(),
            });
        }
        for (index, pair) in milestones.windows(2).enumerate() {
            if pair[1] < pair[0] {
                return Err(OptimError::UnsortedMilestones {
                    index: index + 1,
                    value: pair[1],
                    previous: pair[0],
                });
            }
        }
        Ok(SequentialLr {
            schedules,
            milestones,
        })
    }
}

impl Schedule for SequentialLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        let index = self.milestones.partition_point(|&m| m <= step);
        let local = if index == 0 {
            step
        } else {
            step - self.milestones[index - 1]
        };
        self.schedules[index].lr(base_lr, local)
    }
}

impl fmt::Debug for SequentialLr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SequentialLr")
            .field("schedules", &self.schedules.len())
            .field("milestones", &self.milestones)
            .finish()
    }
}
