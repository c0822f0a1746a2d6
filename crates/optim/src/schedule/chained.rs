//! PyTorch's `ChainedScheduler`: several schedules stepped together, each
//! scaling what the previous ones set.

use std::fmt;

use crate::error::{OptimError, Result};
use crate::schedule::Schedule;

/// Every schedule applied at once (PyTorch's `ChainedScheduler`):
/// `lr = base_lr · Πᵢ scheduleᵢ.lr(1, step)`.
///
/// PyTorch steps each scheduler's chainable (recursive) form on the same
/// `lr` in turn; for the multiplicative schedules (`StepLR`, `MultiStepLR`,
/// `ConstantLR`, `LinearLR`, `ExponentialLR`, `MultiplicativeLR`, and
/// `CosineAnnealingLR` with `eta_min = 0`) that is this product of their
/// closed forms. Schedules whose recursion is not a ratio (cosine with an
/// `eta_min`, cyclic, one-cycle, `LambdaLR`, which overwrites the rate) do
/// not compose this way in PyTorch either: PyTorch's result then depends on
/// the order, this one does not.
///
/// ```
/// use optim::{ChainedScheduler, ConstantLr, ExponentialLr, Schedule};
/// let s = ChainedScheduler::new(vec![
///     Box::new(ConstantLr::new(0.1, 2)?),
///     Box::new(ExponentialLr::new(0.9)?),
/// ])?;
/// let lrs = s.lrs(1.0, 3);
/// assert!((lrs[0] - 0.1).abs() < 1e-15 && (lrs[1] - 0.09).abs() < 1e-15);
/// assert!((lrs[2] - 0.81).abs() < 1e-15);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub struct ChainedScheduler {
    schedules: Vec<Box<dyn Schedule + Send + Sync>>,
}

impl ChainedScheduler {
    /// Chains `schedules` (at least one).
    ///
    /// ```
    /// assert!(optim::ChainedScheduler::new(vec![]).is_err());
    /// ```
    ///
    /// **Errors**: [`OptimError::LengthMismatch`] for an empty list.
    pub fn new(schedules: Vec<Box<dyn Schedule + Send + Sync>>) -> Result<Self> {
        if schedules.is_empty() {
            return Err(OptimError::LengthMismatch {
                what: "schedules of a ChainedScheduler (at least one)",
                expected: 1,
                found: 0,
            });
        }
        Ok(ChainedScheduler { schedules })
    }
}

impl Schedule for ChainedScheduler {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        self.schedules
            .iter()
            .fold(base_lr, |lr, s| lr * s.lr(1.0, step))
    }
}

impl fmt::Debug for ChainedScheduler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ChainedScheduler {{ {} schedules }}",
            self.schedules.len()
        )
    }
}
