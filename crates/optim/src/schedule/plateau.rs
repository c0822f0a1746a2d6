//! PyTorch's `ReduceLROnPlateau`: a small state machine fed with a metric.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::{OptimError, Result};

/// Whether a lower or a higher metric is better (`mode`).
///
/// ```
/// use optim::PlateauMode;
/// assert_eq!(PlateauMode::default(), PlateauMode::Min);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlateauMode {
    /// Lower is better, e.g. a loss (`"min"`).
    #[default]
    Min,
    /// Higher is better, e.g. an accuracy (`"max"`).
    Max,
}

/// How `threshold` defines a significant improvement (`threshold_mode`).
///
/// ```
/// use optim::ThresholdMode;
/// assert_eq!(ThresholdMode::default(), ThresholdMode::Rel);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThresholdMode {
    /// Better than `best·(1 ∓ threshold)` (`"rel"`).
    #[default]
    Rel,
    /// Better than `best ∓ threshold` (`"abs"`).
    Abs,
}

/// Settings of [`ReduceLrOnPlateau`], with PyTorch's names and defaults
/// (`mode="min"`, `factor=0.1`, `patience=10`, `threshold=1e-4`,
/// `threshold_mode="rel"`, `cooldown=0`, `min_lr=0`, `eps=1e-8`).
///
/// ```
/// let p = optim::PlateauConfig::default().patience(2).factor(0.5).build()?;
/// assert_eq!(p.num_bad_epochs(), 0);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlateauConfig {
    /// Min or max (`mode`).
    pub mode: PlateauMode,
    /// `new_lr = lr·factor`, in `[0, 1)` (`factor`).
    pub factor: f64,
    /// Bad epochs tolerated before reducing (`patience`).
    pub patience: u64,
    /// Significance threshold (`threshold`).
    pub threshold: f64,
    /// Relative or absolute threshold (`threshold_mode`).
    pub threshold_mode: ThresholdMode,
    /// Epochs to wait after a reduction (`cooldown`).
    pub cooldown: u64,
    /// Lower bound of every group's rate, or one per group (`min_lr`).
    pub min_lrs: Vec<f64>,
    /// Reductions smaller than this are skipped (`eps`).
    pub eps: f64,
}

impl Default for PlateauConfig {
    fn default() -> Self {
        PlateauConfig {
            mode: PlateauMode::Min,
            factor: 0.1,
            patience: 10,
            threshold: 1e-4,
            threshold_mode: ThresholdMode::Rel,
            cooldown: 0,
            min_lrs: vec![0.0],
            eps: 1e-8,
        }
    }
}

impl PlateauConfig {
    /// Sets `mode`.
    ///
    /// ```
    /// use optim::{PlateauConfig, PlateauMode};
    /// assert_eq!(PlateauConfig::default().mode(PlateauMode::Max).mode, PlateauMode::Max);
    /// ```
    pub fn mode(mut self, mode: PlateauMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets `factor`.
    ///
    /// ```
    /// assert_eq!(optim::PlateauConfig::default().factor(0.5).factor, 0.5);
    /// ```
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = factor;
        self
    }

    /// Sets `patience`.
    ///
    /// ```
    /// assert_eq!(optim::PlateauConfig::default().patience(3).patience, 3);
    /// ```
    pub fn patience(mut self, patience: u64) -> Self {
        self.patience = patience;
        self
    }

    /// Sets `threshold` and `threshold_mode`.
    ///
    /// ```
    /// use optim::{PlateauConfig, ThresholdMode};
    /// let c = PlateauConfig::default().threshold(0.01, ThresholdMode::Abs);
    /// assert_eq!((c.threshold, c.threshold_mode), (0.01, ThresholdMode::Abs));
    /// ```
    pub fn threshold(mut self, threshold: f64, mode: ThresholdMode) -> Self {
        self.threshold = threshold;
        self.threshold_mode = mode;
        self
    }

    /// Sets `cooldown`.
    ///
    /// ```
    /// assert_eq!(optim::PlateauConfig::default().cooldown(2).cooldown, 2);
    /// ```
    pub fn cooldown(mut self, cooldown: u64) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// Sets one `min_lr` for every group.
    ///
    /// ```
    /// assert_eq!(optim::PlateauConfig::default().min_lr(1e-5).min_lrs, vec![1e-5]);
    /// ```
    pub fn min_lr(mut self, min_lr: f64) -> Self {
        self.min_lrs = vec![min_lr];
        self
    }

    /// Sets one `min_lr` per group (PyTorch's list form).
    ///
    /// ```
    /// let c = optim::PlateauConfig::default().min_lrs(vec![0.0, 1e-4]);
    /// assert_eq!(c.min_lrs.len(), 2);
    /// ```
    pub fn min_lrs(mut self, min_lrs: Vec<f64>) -> Self {
        self.min_lrs = min_lrs;
        self
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(optim::PlateauConfig::default().eps(0.0).eps, 0.0);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.eps = eps;
        self
    }

    /// Validates the settings.
    ///
    /// ```
    /// assert!(optim::PlateauConfig::default().factor(1.0).build().is_err());
    /// ```
    ///
    /// **Errors**: `factor` outside `[0, 1)`, a negative or non-finite
    /// threshold, `eps` or minimum rate, or an empty `min_lrs`.
    pub fn build(self) -> Result<ReduceLrOnPlateau> {
        check::unit_half_open("factor", self.factor)?;
        check::non_negative("threshold", self.threshold)?;
        check::non_negative("eps", self.eps)?;
        if self.min_lrs.is_empty() {
            return Err(OptimError::LengthMismatch {
                what: "min_lrs",
                expected: 1,
                found: 0,
            });
        }
        for &min_lr in &self.min_lrs {
            check::non_negative("min_lr", min_lr)?;
        }
        let best = self.worst();
        Ok(ReduceLrOnPlateau {
            config: self,
            best,
            num_bad_epochs: 0,
            cooldown_counter: 0,
            last_epoch: 0,
        })
    }

    fn worst(&self) -> f64 {
        match self.mode {
            PlateauMode::Min => f64::INFINITY,
            PlateauMode::Max => f64::NEG_INFINITY,
        }
    }
}

/// Lowers the learning rate when a metric stops improving: PyTorch's
/// `ReduceLROnPlateau`, step for step. Feed it through
/// [`Optimizer::step_plateau`](crate::Optimizer::step_plateau) or
/// [`ReduceLrOnPlateau::step`]. Serializable, so it checkpoints with the run.
///
/// ```
/// use optim::PlateauConfig;
/// let mut p = PlateauConfig::default().patience(1).build()?;
/// let mut lrs = [1.0, 0.5];
/// for metric in [3.0, 2.0, 2.0] {
///     assert!(!p.step(metric, &mut lrs)?);
/// }
/// assert!(p.step(2.5, &mut lrs)?); // two bad epochs > patience 1
/// assert_eq!(lrs, [0.1, 0.05]);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReduceLrOnPlateau {
    config: PlateauConfig,
    best: f64,
    num_bad_epochs: u64,
    cooldown_counter: u64,
    last_epoch: u64,
}

impl ReduceLrOnPlateau {
    /// Feeds one metric and, when the patience runs out, lowers each rate
    /// in `lrs` to `max(lr·factor, min_lr)` (skipping changes `<= eps`).
    /// Returns whether any rate changed.
    ///
    /// ```
    /// let mut p = optim::PlateauConfig::default().patience(0).build()?;
    /// let mut lr = [1.0];
    /// p.step(1.0, &mut lr)?;
    /// assert!(p.step(f64::NAN, &mut lr)?); // NaN never improves
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    ///
    /// **Errors**: per-group minimum rates for another number of groups than
    /// `lrs.len()`.
    pub fn step(&mut self, metric: f64, lrs: &mut [f64]) -> Result<bool> {
        let min_lrs = &self.config.min_lrs;
        if min_lrs.len() != 1 && min_lrs.len() != lrs.len() {
            return Err(OptimError::LengthMismatch {
                what: "min_lrs per parameter group",
                expected: lrs.len(),
                found: min_lrs.len(),
            });
        }
        self.last_epoch += 1;
        if self.is_better(metric) {
            self.best = metric;
            self.num_bad_epochs = 0;
        } else {
            self.num_bad_epochs += 1;
        }
        if self.cooldown_counter > 0 {
            self.cooldown_counter -= 1;
            self.num_bad_epochs = 0;
        }
        if self.num_bad_epochs <= self.config.patience {
            return Ok(false);
        }
        let mut changed = false;
        for (i, lr) in lrs.iter_mut().enumerate() {
            let min_lr = min_lrs[if min_lrs.len() == 1 { 0 } else { i }];
            let new_lr = (*lr * self.config.factor).max(min_lr);
            if *lr - new_lr > self.config.eps {
                *lr = new_lr;
                changed = true;
            }
        }
        self.cooldown_counter = self.config.cooldown;
        self.num_bad_epochs = 0;
        Ok(changed)
    }

    fn is_better(&self, a: f64) -> bool {
        let (best, t) = (self.best, self.config.threshold);
        match (self.config.mode, self.config.threshold_mode) {
            (PlateauMode::Min, ThresholdMode::Rel) => a < best * (1.0 - t),
            (PlateauMode::Min, ThresholdMode::Abs) => a < best - t,
            (PlateauMode::Max, ThresholdMode::Rel) => a > best * (t + 1.0),
            (PlateauMode::Max, ThresholdMode::Abs) => a > best + t,
        }
    }

    /// The best metric so far (±∞ before the first).
    ///
    /// ```
    /// let p = optim::PlateauConfig::default().build()?;
    /// assert_eq!(p.best(), f64::INFINITY);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn best(&self) -> f64 {
        self.best
    }

    /// Consecutive epochs without significant improvement.
    ///
    /// ```
    /// let p = optim::PlateauConfig::default().build()?;
    /// assert_eq!(p.num_bad_epochs(), 0);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn num_bad_epochs(&self) -> u64 {
        self.num_bad_epochs
    }

    /// Epochs of cooldown left.
    ///
    /// ```
    /// let p = optim::PlateauConfig::default().build()?;
    /// assert_eq!(p.cooldown_counter(), 0);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn cooldown_counter(&self) -> u64 {
        self.cooldown_counter
    }

    /// Metrics fed so far (`last_epoch`).
    ///
    /// ```
    /// let p = optim::PlateauConfig::default().build()?;
    /// assert_eq!(p.last_epoch(), 0);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn last_epoch(&self) -> u64 {
        self.last_epoch
    }
}
