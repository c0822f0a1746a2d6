//! The learning-rate schedule names of the command line.

use optim::{
    CosineAnnealingLr, ExponentialLr, OneCycleConfig, PlateauConfig, ReduceLrOnPlateau, StepLr,
};

use super::choice::choice;
use super::error::ConfigError;
use crate::train::LrSchedule;

choice! {
    /// How the learning rate changes during training. Per-step schedules
    /// advance once per optimizer step, over `epochs × steps per epoch`.
    ScheduleChoice, "schedule" {
        /// The learning rate stays as given.
        Constant => "constant",
        /// Multiplied by `gamma` (0.1) every `step-size` epochs (epochs / 3).
        Step => "step",
        /// Cosine annealing from lr to 0 over the whole run.
        Cosine => "cosine",
        /// Multiplied by `gamma` (0.9) per epoch, smoothly per step.
        Exponential => "exponential",
        /// One cycle: warm up to lr, then anneal (Smith & Topin).
        OneCycle => "one-cycle",
        /// Multiplied by `gamma` (0.1) when the evaluation loss has not
        /// improved for `patience` (2) epochs.
        Plateau => "plateau",
    }
}

/// The numbers a schedule needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ScheduleParams {
    pub lr: f64,
    pub epochs: usize,
    pub steps_per_epoch: usize,
    pub step_size: Option<usize>,
    pub gamma: Option<f64>,
    pub patience: Option<usize>,
}

impl ScheduleChoice {
    /// Builds the schedule.
    pub(crate) fn build(self, p: ScheduleParams) -> Result<LrSchedule, ConfigError> {
        let spe = p.steps_per_epoch.max(1) as u64;
        let total = (p.epochs as u64).saturating_mul(spe).max(1);
        let optim_err = ConfigError::Optimizer;
        Ok(match self {
            ScheduleChoice::Constant => LrSchedule::Constant,
            ScheduleChoice::Step => {
                let epochs = p.step_size.unwrap_or((p.epochs / 3).max(1)) as u64;
                let s = StepLr::new(epochs.saturating_mul(spe), p.gamma.unwrap_or(0.1))
                    .map_err(optim_err)?;
                LrSchedule::per_step(s)
            }
            ScheduleChoice::Cosine => {
                LrSchedule::per_step(CosineAnnealingLr::new(total, 0.0).map_err(optim_err)?)
            }
            ScheduleChoice::Exponential => {
                let per_step = p.gamma.unwrap_or(0.9).powf(1.0 / spe as f64);
                LrSchedule::per_step(ExponentialLr::new(per_step).map_err(optim_err)?)
            }
            ScheduleChoice::OneCycle => LrSchedule::per_step(
                OneCycleConfig::new(p.lr, total)
                    .build()
                    .map_err(optim_err)?,
            ),
            ScheduleChoice::Plateau => LrSchedule::Plateau(plateau(p)?),
        })
    }
}

/// Reduce-on-plateau on the evaluation loss.
fn plateau(p: ScheduleParams) -> Result<ReduceLrOnPlateau, ConfigError> {
    PlateauConfig::default()
        .factor(p.gamma.unwrap_or(0.1))
        .patience(p.patience.unwrap_or(2) as u64)
        .build()
        .map_err(ConfigError::Optimizer)
}
