//! The lecture's batch-size scaling rule of thumb.

use crate::check;
use crate::error::{OptimError, Result};

/// The linear scaling rule from a base batch of 32: `lr' = lr·(b / 32)`.
///
/// ```
/// assert_eq!(optim::batch_scaled_lr(0.1, 256)?, 0.8);
/// # Ok::<(), optim::OptimError>(())
/// ```
///
/// **Errors**: as [`batch_scaled_lr_from`].
pub fn batch_scaled_lr(lr: f64, batch_size: usize) -> Result<f64> {
    batch_scaled_lr_from(lr, batch_size, 32)
}

/// The linear scaling rule from any base batch: `lr' = lr·(b / base_batch)`
/// (the rate tuned for `base_batch` examples, moved to batches of `b`).
///
/// ```
/// assert_eq!(optim::batch_scaled_lr_from(0.1, 64, 128)?, 0.05);
/// assert!(optim::batch_scaled_lr_from(0.1, 64, 0).is_err());
/// # Ok::<(), optim::OptimError>(())
/// ```
///
/// **Errors**: a negative or non-finite `lr`, or a batch size of 0.
pub fn batch_scaled_lr_from(lr: f64, batch_size: usize, base_batch: usize) -> Result<f64> {
    check::non_negative("lr", lr)?;
    for (name, value) in [("batch_size", batch_size), ("base_batch", base_batch)] {
        if value == 0 {
            return Err(OptimError::InvalidHyperparameter {
                name,
                value: 0.0,
                expected: "a batch size >= 1",
            });
        }
    }
    Ok(lr * (batch_size as f64 / base_batch as f64))
}
