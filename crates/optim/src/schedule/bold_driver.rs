//! The lecture's "bold driver" rule of thumb for the learning rate.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::{OptimError, Result};

/// What [`BoldDriver::observe`] did to the learning rate.
///
/// ```
/// use optim::BoldDriverAction;
/// assert_ne!(BoldDriverAction::Grow, BoldDriverAction::Hold);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BoldDriverAction {
    /// First loss seen: nothing to compare with, rate unchanged.
    Hold,
    /// The loss fell steadily: rate multiplied by the growth factor.
    Grow,
    /// The loss rose (by more than the tolerance): rate multiplied by the
    /// shrink factor.
    ShrinkRose,
    /// The loss fell right after rising, i.e. it swings: rate shrunk.
    ShrinkSwing,
    /// The loss is NaN or infinite: rate shrunk.
    ShrinkNonFinite,
}

/// "Bold driver": after each epoch, grow the learning rate slowly while the
/// loss keeps falling, and cut it sharply when the loss rises or swings
/// (falls right after a rise) or stops being finite. Meant for full-batch or
/// per-epoch losses, where a rise is a signal rather than noise.
///
/// Defaults: grow ×1.05, shrink ×0.5, tolerance 0 (any rise counts).
///
/// ```
/// use optim::{BoldDriver, BoldDriverAction};
/// let mut driver = BoldDriver::new(0.1)?;
/// assert_eq!(driver.observe(1.0), BoldDriverAction::Hold);
/// assert_eq!(driver.observe(0.9), BoldDriverAction::Grow);
/// assert_eq!(driver.observe(1.2), BoldDriverAction::ShrinkRose);
/// assert_eq!(driver.observe(0.8), BoldDriverAction::ShrinkSwing);
/// assert!((driver.lr() - 0.1 * 1.05 * 0.5 * 0.5).abs() < 1e-15);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoldDriver {
    lr: f64,
    grow: f64,
    shrink: f64,
    tolerance: f64,
    previous: Option<f64>,
    rose_last: bool,
}

impl BoldDriver {
    /// Starts from `lr` with the default factors.
    ///
    /// ```
    /// assert!(optim::BoldDriver::new(-1.0).is_err());
    /// ```
    ///
    /// **Errors**: a negative or non-finite `lr`.
    pub fn new(lr: f64) -> Result<Self> {
        Ok(BoldDriver {
            lr: check::non_negative("lr", lr)?,
            grow: 1.05,
            shrink: 0.5,
            tolerance: 0.0,
            previous: None,
            rose_last: false,
        })
    }

    /// Sets the growth factor (≥ 1) and the shrink factor (in `(0, 1]`).
    ///
    /// ```
    /// let d = optim::BoldDriver::new(0.1)?.factors(1.1, 0.7)?;
    /// assert!(optim::BoldDriver::new(0.1)?.factors(0.9, 0.5).is_err());
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    ///
    /// **Errors**: factors out of range.
    pub fn factors(mut self, grow: f64, shrink: f64) -> Result<Self> {
        if !(grow.is_finite() && grow >= 1.0) {
            return Err(OptimError::InvalidHyperparameter {
                name: "grow",
                value: grow,
                expected: "a finite number >= 1",
            });
        }
        check::unit_closed("shrink", shrink)?;
        check::positive("shrink", shrink)?;
        (self.grow, self.shrink) = (grow, shrink);
        Ok(self)
    }

    /// Sets the relative rise that counts as "the loss rose":
    /// `loss − previous > tolerance·|previous|`.
    ///
    /// ```
    /// let d = optim::BoldDriver::new(0.1)?.tolerance(0.01)?;
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    ///
    /// **Errors**: a negative or non-finite tolerance.
    pub fn tolerance(mut self, tolerance: f64) -> Result<Self> {
        self.tolerance = check::non_negative("tolerance", tolerance)?;
        Ok(self)
    }

    /// The current learning rate.
    ///
    /// ```
    /// assert_eq!(optim::BoldDriver::new(0.3)?.lr(), 0.3);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// Feeds the loss of the epoch just finished and adapts the rate.
    ///
    /// ```
    /// use optim::{BoldDriver, BoldDriverAction};
    /// let mut d = BoldDriver::new(1.0)?;
    /// d.observe(1.0);
    /// assert_eq!(d.observe(f64::NAN), BoldDriverAction::ShrinkNonFinite);
    /// assert_eq!(d.lr(), 0.5);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn observe(&mut self, loss: f64) -> BoldDriverAction {
        let action = match self.previous {
            _ if !loss.is_finite() => BoldDriverAction::ShrinkNonFinite,
            None => BoldDriverAction::Hold,
            Some(prev) if loss - prev > self.tolerance * prev.abs() => BoldDriverAction::ShrinkRose,
            Some(_) if self.rose_last => BoldDriverAction::ShrinkSwing,
            Some(_) => BoldDriverAction::Grow,
        };
        match action {
            BoldDriverAction::Hold => {}
            BoldDriverAction::Grow => self.lr *= self.grow,
            _ => self.lr *= self.shrink,
        }
        self.rose_last = action == BoldDriverAction::ShrinkRose;
        if loss.is_finite() {
            self.previous = Some(loss);
        }
        action
    }
}
