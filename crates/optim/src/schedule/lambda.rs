//! PyTorch's `LambdaLR` and `MultiplicativeLR`: schedules given by a closure
//! of the epoch.

use std::fmt;
use std::sync::Arc;

use crate::schedule::Schedule;

type Lambda = Arc<dyn Fn(u64) -> f64 + Send + Sync>;

/// `lr = base_lr · lr_lambda(step)` (PyTorch's `LambdaLR` with one
/// `lr_lambda` for every group).
///
/// ```
/// use optim::{LambdaLr, Schedule};
/// let warmup = LambdaLr::new(|epoch| ((epoch + 1) as f64 / 4.0).min(1.0));
/// assert_eq!(warmup.lrs(1.0, 5), vec![0.25, 0.5, 0.75, 1.0, 1.0]);
/// ```
#[derive(Clone)]
pub struct LambdaLr {
    lr_lambda: Lambda,
}

impl LambdaLr {
    /// The schedule `base_lr · lr_lambda(step)`.
    ///
    /// ```
    /// use optim::{LambdaLr, Schedule};
    /// assert_eq!(LambdaLr::new(|e| 0.5_f64.powi(e as i32)).lr(1.0, 2), 0.25);
    /// ```
    pub fn new(lr_lambda: impl Fn(u64) -> f64 + Send + Sync + 'static) -> Self {
        LambdaLr {
            lr_lambda: Arc::new(lr_lambda),
        }
    }
}

impl Schedule for LambdaLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        base_lr * (self.lr_lambda)(step)
    }
}

impl fmt::Debug for LambdaLr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LambdaLr { lr_lambda: <closure> }")
    }
}

/// `lr_0 = base_lr`, `lr_t = lr_{t−1} · lr_lambda(t)` (PyTorch's
/// `MultiplicativeLR`): the product of the factors of epochs `1..=step`,
/// multiplied in PyTorch's order. Evaluating step t calls the closure t
/// times.
///
/// ```
/// use optim::{MultiplicativeLr, Schedule};
/// let s = MultiplicativeLr::new(|epoch| if epoch % 2 == 0 { 0.5 } else { 1.0 });
/// assert_eq!(s.lrs(1.0, 5), vec![1.0, 1.0, 0.5, 0.5, 0.25]);
/// ```
#[derive(Clone)]
pub struct MultiplicativeLr {
    lr_lambda: Lambda,
}

impl MultiplicativeLr {
    /// The schedule that multiplies by `lr_lambda(epoch)` at every epoch ≥ 1.
    ///
    /// ```
    /// use optim::{MultiplicativeLr, Schedule};
    /// assert_eq!(MultiplicativeLr::new(|_| 0.9).lr(1.0, 0), 1.0);
    /// ```
    pub fn new(lr_lambda: impl Fn(u64) -> f64 + Send + Sync + 'static) -> Self {
        MultiplicativeLr {
            lr_lambda: Arc::new(lr_lambda),
        }
    }
}

impl Schedule for MultiplicativeLr {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        (1..=step).fold(base_lr, |lr, epoch| lr * (self.lr_lambda)(epoch))
    }
}

impl fmt::Debug for MultiplicativeLr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MultiplicativeLr { lr_lambda: <closure> }")
    }
}
