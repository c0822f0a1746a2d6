//! PyTorch's `CyclicLR`: cyclical learning rates between two bounds.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;
use crate::schedule::Schedule;

/// How the amplitude of [`CyclicLr`] changes over time (`mode`).
///
/// ```
/// use optim::CyclicMode;
/// assert_eq!(CyclicMode::default(), CyclicMode::Triangular);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum CyclicMode {
    /// Constant amplitude (`"triangular"`).
    #[default]
    Triangular,
    /// Amplitude halved every cycle (`"triangular2"`).
    Triangular2,
    /// Amplitude scaled by `gamma^step` (`"exp_range"`).
    ExpRange {
        /// γ ≥ 0 (`gamma`).
        gamma: f64,
    },
}

/// Settings of [`CyclicLr`], with PyTorch's names and defaults
/// (`step_size_up=2000`, `step_size_down=None`, `mode="triangular"`,
/// `base_momentum=0.8`, `max_momentum=0.9`).
///
/// ```
/// use optim::{CyclicConfig, Schedule};
/// let mut c = CyclicConfig::new(0.1, 1.0);
/// c.step_size_up = 2;
/// let s = c.build()?;
/// assert_eq!(s.lrs(0.0, 5), vec![0.1, 0.55, 1.0, 0.55, 0.1]);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CyclicConfig {
    /// Lower bound (`base_lr`).
    pub base_lr: f64,
    /// Upper bound (`max_lr`).
    pub max_lr: f64,
    /// Steps in the increasing half of a cycle (`step_size_up`).
    pub step_size_up: u64,
    /// Steps in the decreasing half (`step_size_down`; `None` means `step_size_up`).
    pub step_size_down: Option<u64>,
    /// Amplitude policy (`mode`, `gamma`).
    pub mode: CyclicMode,
    /// Momentum at the peak of the rate (`base_momentum`).
    pub base_momentum: f64,
    /// Momentum at the bottom of the rate (`max_momentum`).
    pub max_momentum: f64,
}

impl CyclicConfig {
    /// PyTorch's defaults for the given bounds.
    ///
    /// ```
    /// assert_eq!(optim::CyclicConfig::new(0.01, 0.1).step_size_up, 2000);
    /// ```
    pub fn new(base_lr: f64, max_lr: f64) -> Self {
        CyclicConfig {
            base_lr,
            max_lr,
            step_size_up: 2000,
            step_size_down: None,
            mode: CyclicMode::Triangular,
            base_momentum: 0.8,
            max_momentum: 0.9,
        }
    }

    /// Validates the settings.
    ///
    /// ```
    /// let mut c = optim::CyclicConfig::new(0.01, 0.1);
    /// c.step_size_up = 0;
    /// assert!(c.build().is_err());
    /// ```
    ///
    /// **Errors**: negative or non-finite rates, momenta or `gamma`, or
    /// `step_size_up` 0.
    pub fn build(self) -> Result<CyclicLr> {
        check::non_negative("base_lr", self.base_lr)?;
        check::non_negative("max_lr", self.max_lr)?;
        check::at_least_one("step_size_up", self.step_size_up)?;
        check::non_negative("base_momentum", self.base_momentum)?;
        check::non_negative("max_momentum", self.max_momentum)?;
        if let CyclicMode::ExpRange { gamma } = self.mode {
            check::non_negative("gamma", gamma)?;
        }
        let up = self.step_size_up as f64;
        let down = self.step_size_down.map_or(up, |d| d as f64);
        let total_size = up + down;
        Ok(CyclicLr {
            config: self,
            total_size,
            step_ratio: up / total_size,
        })
    }
}

/// Cyclical learning rates, PyTorch's `CyclicLR` (the rate is absolute, so
/// `base_lr` of [`Schedule::lr`] is ignored, as PyTorch overrides the groups'
/// rates with its own `base_lr`).
///
/// ```
/// use optim::{CyclicConfig, CyclicMode, Schedule};
/// let mut c = CyclicConfig::new(0.0, 1.0);
/// (c.step_size_up, c.mode) = (1, CyclicMode::Triangular2);
/// let s = c.build()?;
/// assert_eq!(s.lrs(0.0, 5), vec![0.0, 1.0, 0.0, 0.5, 0.0]);
/// assert_eq!(s.momentum(1), 0.8);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CyclicLr {
    config: CyclicConfig,
    total_size: f64,
    step_ratio: f64,
}

impl CyclicLr {
    /// The settings this schedule was built from.
    ///
    /// ```
    /// let s = optim::CyclicConfig::new(0.01, 0.1).build()?;
    /// assert_eq!(s.config().max_lr, 0.1);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn config(&self) -> &CyclicConfig {
        &self.config
    }

    /// The momentum PyTorch's `cycle_momentum=True` sets at `step`, cycled
    /// inversely to the rate.
    ///
    /// ```
    /// let s = optim::CyclicConfig::new(0.01, 0.1).build()?;
    /// assert_eq!(s.momentum(0), 0.9);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn momentum(&self, step: u64) -> f64 {
        let (scale_factor, scale) = self.position(step);
        let c = &self.config;
        let base_height = (c.max_momentum - c.base_momentum) * scale_factor;
        c.max_momentum - base_height * scale
    }

    /// `(scale_factor, scale_fn(...))` at `step`.
    fn position(&self, step: u64) -> (f64, f64) {
        let epoch = step as f64;
        let cycle = (1.0 + epoch / self.total_size).floor();
        let x = 1.0 + epoch / self.total_size - cycle;
        let scale_factor = if x <= self.step_ratio {
            x / self.step_ratio
        } else {
            (x - 1.0) / (self.step_ratio - 1.0)
        };
        let scale = match self.config.mode {
            CyclicMode::Triangular => 1.0,
            CyclicMode::Triangular2 => 1.0 / 2.0_f64.powf(cycle - 1.0),
            CyclicMode::ExpRange { gamma } => gamma.powf(epoch),
        };
        (scale_factor, scale)
    }
}

impl Schedule for CyclicLr {
    fn lr(&self, _base_lr: f64, step: u64) -> f64 {
        let (scale_factor, scale) = self.position(step);
        let c = &self.config;
        let base_height = (c.max_lr - c.base_lr) * scale_factor;
        c.base_lr + base_height * scale
    }
}
