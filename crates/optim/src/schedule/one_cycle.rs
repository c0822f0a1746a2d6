//! PyTorch's `OneCycleLR`: warm up to `max_lr`, then anneal far below the start.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::{OptimError, Result};
use crate::schedule::Schedule;

/// How a phase of the one-cycle schedule moves between its end points
/// (`anneal_strategy`).
///
/// ```
/// use optim::Anneal;
/// assert_eq!(Anneal::default(), Anneal::Cos);
/// assert_eq!(Anneal::Linear.apply(1.0, 0.0, 0.25), 0.75);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Anneal {
    /// `end + (start − end)/2·(1 + cos(π·pct))` (`"cos"`).
    #[default]
    Cos,
    /// `(end − start)·pct + start` (`"linear"`).
    Linear,
}

impl Anneal {
    /// The value a fraction `pct` of the way from `start` to `end`.
    ///
    /// ```
    /// assert_eq!(optim::Anneal::Cos.apply(1.0, 0.0, 0.0), 1.0);
    /// ```
    pub fn apply(self, start: f64, end: f64, pct: f64) -> f64 {
        match self {
            Anneal::Cos => {
                let cos_out = (std::f64::consts::PI * pct).cos() + 1.0;
                end + (start - end) / 2.0 * cos_out
            }
            Anneal::Linear => (end - start) * pct + start,
        }
    }
}

/// Settings of [`OneCycleLr`], with PyTorch's names and defaults
/// (`pct_start=0.3`, `anneal_strategy="cos"`, `div_factor=25`,
/// `final_div_factor=1e4`, `three_phase=False`, `base_momentum=0.85`,
/// `max_momentum=0.95`).
///
/// ```
/// use optim::{OneCycleConfig, Schedule};
/// let s = OneCycleConfig::new(0.1, 100).build()?;
/// assert!((s.lr(0.0, 0) - 0.1 / 25.0).abs() < 1e-15); // initial_lr = max_lr / div_factor
/// assert_eq!(s.lr(0.0, 29), 0.1); // the peak ends phase one
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneCycleConfig {
    /// Peak learning rate (`max_lr`).
    pub max_lr: f64,
    /// Length of the cycle (`total_steps`, or `epochs·steps_per_epoch`).
    pub total_steps: u64,
    /// Fraction of the cycle spent increasing the rate (`pct_start`).
    pub pct_start: f64,
    /// Annealing shape (`anneal_strategy`).
    pub anneal: Anneal,
    /// `initial_lr = max_lr / div_factor` (`div_factor`).
    pub div_factor: f64,
    /// `min_lr = initial_lr / final_div_factor` (`final_div_factor`).
    pub final_div_factor: f64,
    /// Go back down to `initial_lr` before annealing to `min_lr` (`three_phase`).
    pub three_phase: bool,
    /// Momentum at the peak (`base_momentum`).
    pub base_momentum: f64,
    /// Momentum at the ends (`max_momentum`).
    pub max_momentum: f64,
}

impl OneCycleConfig {
    /// PyTorch's defaults for the given peak and cycle length.
    ///
    /// ```
    /// assert_eq!(optim::OneCycleConfig::new(1.0, 10).pct_start, 0.3);
    /// ```
    pub fn new(max_lr: f64, total_steps: u64) -> Self {
        OneCycleConfig {
            max_lr,
            total_steps,
            pct_start: 0.3,
            anneal: Anneal::Cos,
            div_factor: 25.0,
            final_div_factor: 1e4,
            three_phase: false,
            base_momentum: 0.85,
            max_momentum: 0.95,
        }
    }

    /// Validates the settings and precomputes the phases.
    ///
    /// ```
    /// use optim::OneCycleConfig;
    /// let mut c = OneCycleConfig::new(0.1, 10);
    /// c.pct_start = 0.1; // phase one would have no steps (PyTorch divides by zero)
    /// assert!(c.build().is_err());
    /// ```
    ///
    /// **Errors**: a negative or non-finite `max_lr` or momentum, `total_steps`
    /// 0, `pct_start` outside `[0, 1]`, a factor `<= 0`, or a phase of zero
    /// length.
    pub fn build(self) -> Result<OneCycleLr> {
        check::non_negative("max_lr", self.max_lr)?;
        check::at_least_one("total_steps", self.total_steps)?;
        check::unit_closed("pct_start", self.pct_start)?;
        check::positive("div_factor", self.div_factor)?;
        check::positive("final_div_factor", self.final_div_factor)?;
        check::non_negative("base_momentum", self.base_momentum)?;
        check::non_negative("max_momentum", self.max_momentum)?;
        let total = self.total_steps as f64;
        let initial = self.max_lr / self.div_factor;
        let min = initial / self.final_div_factor;
        let (peak, end_mom, top) = (self.max_lr, self.base_momentum, self.max_momentum);
        let one = self.pct_start * total - 1.0;
        let phases = if self.three_phase {
            vec![
                Phase::new(one, initial, peak, top, end_mom),
                Phase::new(
                    2.0 * self.pct_start * total - 2.0,
                    peak,
                    initial,
                    end_mom,
                    top,
                ),
                Phase::new(total - 1.0, initial, min, top, top),
            ]
        } else {
            vec![
                Phase::new(one, initial, peak, top, end_mom),
                Phase::new(total - 1.0, peak, min, end_mom, top),
            ]
        };
        let mut start = 0.0;
        for phase in &phases {
            if phase.end_step == start {
                return Err(OptimError::InvalidHyperparameter {
                    name: "pct_start",
                    value: self.pct_start,
                    expected: "a value that gives every phase at least one step",
                });
            }
            start = phase.end_step;
        }
        Ok(OneCycleLr {
            config: self,
            phases,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct Phase {
    end_step: f64,
    start_lr: f64,
    end_lr: f64,
    start_momentum: f64,
    end_momentum: f64,
}

impl Phase {
    fn new(end_step: f64, start_lr: f64, end_lr: f64, start_mom: f64, end_mom: f64) -> Self {
        Phase {
            end_step,
            start_lr,
            end_lr,
            start_momentum: start_mom,
            end_momentum: end_mom,
        }
    }
}

/// The one-cycle policy, PyTorch's `OneCycleLR`: the learning rate is
/// absolute (from `max_lr`), so `base_lr` is ignored, as PyTorch overrides the
/// groups' `initial_lr`. Steps past `total_steps` continue the last phase's
/// formula (PyTorch raises there).
///
/// ```
/// use optim::{Anneal, OneCycleConfig, Schedule};
/// let mut c = OneCycleConfig::new(1.0, 10);
/// c.anneal = Anneal::Linear;
/// let s = c.build()?;
/// assert_eq!(s.lr(123.0, 2), 1.0); // end of phase one: 0.3·10 − 1
/// assert_eq!(s.momentum(2), 0.85);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OneCycleLr {
    config: OneCycleConfig,
    phases: Vec<Phase>,
}

impl OneCycleLr {
    /// The settings this schedule was built from.
    ///
    /// ```
    /// let s = optim::OneCycleConfig::new(0.5, 20).build()?;
    /// assert_eq!(s.config().max_lr, 0.5);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn config(&self) -> &OneCycleConfig {
        &self.config
    }

    /// The momentum (or Adam's β₁) PyTorch's `cycle_momentum=True` sets at
    /// `step`: inverse to the learning rate, from `max_momentum` to
    /// `base_momentum` at the peak and back.
    ///
    /// ```
    /// let s = optim::OneCycleConfig::new(0.5, 20).build()?;
    /// assert_eq!(s.momentum(0), 0.95);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn momentum(&self, step: u64) -> f64 {
        let (phase, pct) = self.locate(step);
        self.config
            .anneal
            .apply(phase.start_momentum, phase.end_momentum, pct)
    }

    fn locate(&self, step: u64) -> (&Phase, f64) {
        let step = step as f64;
        let mut start = 0.0;
        let last = self.phases.len() - 1;
        for (i, phase) in self.phases.iter().enumerate() {
            if step <= phase.end_step || i == last {
                return (phase, (step - start) / (phase.end_step - start));
            }
            start = phase.end_step;
        }
        unreachable!("the last phase always matches")
    }
}

impl Schedule for OneCycleLr {
    fn lr(&self, _base_lr: f64, step: u64) -> f64 {
        let (phase, pct) = self.locate(step);
        self.config.anneal.apply(phase.start_lr, phase.end_lr, pct)
    }
}
