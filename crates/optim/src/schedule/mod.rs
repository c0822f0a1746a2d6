//! Learning-rate schedules: pure functions of the step (PyTorch's closed
//! forms), a state machine for reduce-on-plateau, and the lecture's rules of
//! thumb.
//!
//! A schedule maps a group's initial learning rate and a step count to a
//! learning rate: `lr(base_lr, step)` equals PyTorch's `get_last_lr()` after
//! `step` calls to `scheduler.step()` for a group whose `initial_lr` is
//! `base_lr`. Apply one to every group of an optimizer with
//! [`Optimizer::apply_schedule`](crate::Optimizer::apply_schedule).

mod batch_scaling;
mod bold_driver;
mod chained;
mod constant;
mod cosine;
mod cyclic;
mod exponential;
mod lambda;
mod linear;
mod multi_step;
mod one_cycle;
mod plateau;
mod polynomial;
mod sequential;
mod step;
mod warm_restarts;

pub use batch_scaling::{batch_scaled_lr, batch_scaled_lr_from};
pub use bold_driver::{BoldDriver, BoldDriverAction};
pub use chained::ChainedScheduler;
pub use constant::ConstantLr;
pub use cosine::CosineAnnealingLr;
pub use cyclic::{CyclicConfig, CyclicLr, CyclicMode};
pub use exponential::ExponentialLr;
pub use lambda::{LambdaLr, MultiplicativeLr};
pub use linear::LinearLr;
pub use multi_step::MultiStepLr;
pub use one_cycle::{Anneal, OneCycleConfig, OneCycleLr};
pub use plateau::{PlateauConfig, PlateauMode, ReduceLrOnPlateau, ThresholdMode};
pub use polynomial::PolynomialLr;
pub use sequential::SequentialLr;
pub use step::StepLr;
pub use warm_restarts::CosineAnnealingWarmRestarts;

/// A learning-rate schedule: the learning rate after `step` scheduler steps
/// for a group whose initial learning rate is `base_lr`.
///
/// Any `Fn(f64, u64) -> f64` is a schedule too (PyTorch's `LambdaLR` is
/// `|base, step| base * lambda(step)`).
///
/// ```
/// use optim::{CosineAnnealingLr, Schedule};
/// let cosine = CosineAnnealingLr::new(10, 0.0)?;
/// assert_eq!(cosine.lr(0.1, 0), 0.1);
/// assert!(cosine.lr(0.1, 10).abs() < 1e-17);
/// let warmup = |base: f64, step: u64| base * (step as f64 / 5.0).min(1.0);
/// assert_eq!(warmup.lr(1.0, 10), 1.0);
/// assert_eq!(cosine.lrs(0.1, 3).len(), 3);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub trait Schedule {
    /// The learning rate at `step` (0 before the first `scheduler.step()`).
    ///
    /// ```
    /// use optim::{ExponentialLr, Schedule};
    /// assert_eq!(ExponentialLr::new(0.5)?.lr(2.0, 3), 0.25);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn lr(&self, base_lr: f64, step: u64) -> f64;

    /// The first `steps` learning rates, for plotting.
    ///
    /// ```
    /// use optim::{Schedule, StepLr};
    /// assert_eq!(StepLr::new(1, 0.5)?.lrs(1.0, 3), vec![1.0, 0.5, 0.25]);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn lrs(&self, base_lr: f64, steps: u64) -> Vec<f64> {
        (0..steps).map(|step| self.lr(base_lr, step)).collect()
    }
}

impl<F: Fn(f64, u64) -> f64> Schedule for F {
    fn lr(&self, base_lr: f64, step: u64) -> f64 {
        self(base_lr, step)
    }
}
