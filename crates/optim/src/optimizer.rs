//! The one trait every gradient-based optimizer implements.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::check;
use crate::error::Result;
use crate::float::Float;
use crate::group::Group;
use crate::param::ParamMut;
use crate::schedule::{ReduceLrOnPlateau, Schedule};
use crate::state::OptimizerState;

/// A gradient-based optimizer: steps named parameters with their gradients,
/// keeps per-parameter state keyed by name, exposes its parameter groups'
/// learning rates and saves or restores its full state.
///
/// It is dyn-compatible, so a trainer can hold a `Box<dyn Optimizer<f32>>`.
///
/// ```
/// use ndarray::array;
/// use optim::{AdamConfig, Optimizer, ParamMut, SgdConfig};
/// let mut opts: Vec<Box<dyn Optimizer<f64>>> = vec![
///     Box::new(SgdConfig::default().lr(0.1).build()?),
///     Box::new(AdamConfig::default().build()?),
/// ];
/// for opt in &mut opts {
///     let (mut x, g) = (array![1.0, -1.0], array![0.5, 0.5]);
///     opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
///     assert!(x[0] < 1.0 && x[1] < -1.0);
/// }
/// # Ok::<(), optim::OptimError>(())
/// ```
pub trait Optimizer<T: Float> {
    /// Which algorithm this is.
    ///
    /// ```
    /// use optim::{NAdamConfig, Optimizer, OptimizerKind};
    /// assert_eq!(NAdamConfig::default().build::<f32>()?.kind(), OptimizerKind::NAdam);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn kind(&self) -> OptimizerKind;

    /// Updates every parameter in place from its gradient.
    ///
    /// State is created on a parameter's first step and found by name
    /// afterwards, so the order and subset of parameters may change between
    /// calls (parameters left out are simply not updated, like PyTorch's
    /// parameters whose `.grad` is `None`).
    ///
    /// **Errors**: a missing gradient, a gradient whose shape differs from its
    /// parameter, a parameter whose shape changed since its state was made, or
    /// a name given twice. All parameters are checked before any is updated,
    /// so on error nothing has moved.
    ///
    /// ```
    /// use ndarray::array;
    /// use optim::{Optimizer, ParamMut, SgdConfig};
    /// let mut opt = SgdConfig::default().lr(0.5).build::<f64>()?;
    /// let (mut w, mut b) = (array![[1.0, 2.0]], array![1.0]);
    /// let (gw, gb) = (array![[1.0, 1.0]], array![2.0]);
    /// opt.step(&mut [
    ///     ParamMut::new("w", w.view_mut(), gw.view()),
    ///     ParamMut::new("b", b.view_mut(), gb.view()),
    /// ])?;
    /// assert_eq!((w, b), (array![[0.5, 1.5]], array![0.0]));
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn step(&mut self, params: &mut [ParamMut<'_, T>]) -> Result<()>;

    /// The parameter groups' current hyperparameters; group 0 is the default
    /// group (parameters matched by no other group).
    ///
    /// ```
    /// use optim::{Optimizer, ParamGroup, SgdConfig};
    /// let opt = SgdConfig::default().group(ParamGroup::names(["b"]).lr(0.5)).build::<f32>()?;
    /// assert_eq!(opt.groups().len(), 2);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn groups(&self) -> &[Group];

    /// Sets the learning rate of one group.
    ///
    /// **Errors**: no such group, or an `lr` that is negative or not finite.
    ///
    /// ```
    /// use optim::{Optimizer, ParamGroup, SgdConfig};
    /// let mut opt = SgdConfig::default().group(ParamGroup::names(["b"])).build::<f32>()?;
    /// opt.set_group_lr(1, 0.25)?;
    /// assert_eq!(opt.groups()[1].lr, 0.25);
    /// assert!(opt.set_group_lr(2, 0.25).is_err());
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn set_group_lr(&mut self, group: usize, lr: f64) -> Result<()>;

    /// Saves the full state: hyperparameters, groups, step counts and every
    /// buffer, losslessly.
    ///
    /// ```
    /// use optim::{Optimizer, OptimizerKind, SgdConfig};
    /// let state = SgdConfig::default().build::<f64>()?.state();
    /// assert_eq!(state.kind(), OptimizerKind::Sgd);
    /// assert!(state.params.is_empty());
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn state(&self) -> OptimizerState;

    /// Restores a state saved by [`Optimizer::state`], hyperparameters
    /// included, replacing the current one. After loading, stepping gives
    /// bit-for-bit what the saving optimizer would have given.
    ///
    /// **Errors**: a state of another optimizer kind or element type, another
    /// number of groups, invalid hyperparameters, or buffers that are missing,
    /// unexpected or of the wrong length. On error the optimizer is unchanged.
    ///
    /// ```
    /// use optim::{AdamConfig, Optimizer, SgdConfig};
    /// let saved = AdamConfig::default().lr(0.1).build::<f64>()?.state();
    /// let mut opt = AdamConfig::default().build::<f64>()?;
    /// opt.load_state(&saved)?;
    /// assert_eq!(opt.lr(), 0.1);
    /// assert!(SgdConfig::default().build::<f64>()?.load_state(&saved).is_err());
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn load_state(&mut self, state: &OptimizerState) -> Result<()>;

    /// The default group's learning rate.
    ///
    /// ```
    /// use optim::{AdamConfig, Optimizer};
    /// assert_eq!(AdamConfig::default().build::<f32>()?.lr(), 1e-3);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn lr(&self) -> f64 {
        self.groups().first().map_or(0.0, |g| g.lr)
    }

    /// Sets every group's learning rate to `lr` (PyTorch's
    /// `for g in opt.param_groups: g["lr"] = lr`).
    ///
    /// **Errors**: an `lr` that is negative or not finite.
    ///
    /// ```
    /// use optim::{Optimizer, SgdConfig};
    /// let mut opt = SgdConfig::default().build::<f32>()?;
    /// opt.set_lr(0.05)?;
    /// assert_eq!(opt.lr(), 0.05);
    /// assert!(opt.set_lr(-1.0).is_err());
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    fn set_lr(&mut self, lr: f64) -> Result<()> {
        check::non_negative("lr", lr)?;
        for group in 0..self.groups().len() {
            self.set_group_lr(group, lr)?;
        }
        Ok(())
    }

    /// Sets each group's learning rate to `schedule.lr(group.initial_lr, step)`,
    /// as a PyTorch scheduler does after `step` calls to `scheduler.step()`:
    /// each group keeps its own initial learning rate.
    ///
    /// ```
    /// use optim::{Optimizer, ParamGroup, SgdConfig, StepLr};
    /// let mut opt = SgdConfig::default()
    ///     .lr(0.1)
    ///     .group(ParamGroup::matching(|n| n.ends_with("bias")).lr(0.01))
    ///     .build::<f32>()?;
    /// opt.apply_schedule(&StepLr::new(10, 0.5)?, 25)?;
    /// assert_eq!(opt.groups()[0].lr, 0.1 * 0.25);
    /// assert_eq!(opt.groups()[1].lr, 0.01 * 0.25);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    ///
    /// **Errors**: a schedule value that is negative or not finite; no group is
    /// changed then.
    fn apply_schedule(&mut self, schedule: &dyn Schedule, step: u64) -> Result<()> {
        let n = self.groups().len();
        for group in 0..n {
            check::non_negative("lr", schedule.lr(self.groups()[group].initial_lr, step))?;
        }
        for group in 0..n {
            let lr = schedule.lr(self.groups()[group].initial_lr, step);
            self.set_group_lr(group, lr)?;
        }
        Ok(())
    }

    /// Feeds one metric to a reduce-on-plateau schedule and lowers the groups'
    /// learning rates if it says so (PyTorch's `scheduler.step(metric)`).
    /// Returns whether any learning rate changed.
    ///
    /// ```
    /// use optim::{Optimizer, PlateauConfig, SgdConfig};
    /// let mut opt = SgdConfig::default().lr(1.0).build::<f64>()?;
    /// let mut plateau = PlateauConfig::default().patience(0).build()?;
    /// assert!(!opt.step_plateau(&mut plateau, 5.0)?);
    /// assert!(opt.step_plateau(&mut plateau, 6.0)?); // worse: reduce at once
    /// assert_eq!(opt.lr(), 0.1);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    ///
    /// **Errors**: a schedule built with per-group minimum learning rates for
    /// another number of groups.
    fn step_plateau(&mut self, plateau: &mut ReduceLrOnPlateau, metric: f64) -> Result<bool> {
        let mut lrs: Vec<f64> = self.groups().iter().map(|g| g.lr).collect();
        let changed = plateau.step(metric, &mut lrs)?;
        if changed {
            for (group, lr) in lrs.into_iter().enumerate() {
                self.set_group_lr(group, lr)?;
            }
        }
        Ok(changed)
    }
}

/// The optimization algorithms, named as in `torch.optim`.
///
/// ```
/// use optim::OptimizerKind;
/// assert_eq!(OptimizerKind::RmsProp.to_string(), "RMSprop");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum OptimizerKind {
    /// `torch.optim.SGD` (also full-batch gradient descent).
    Sgd,
    /// `torch.optim.Adagrad`.
    Adagrad,
    /// `torch.optim.RMSprop`.
    RmsProp,
    /// `torch.optim.Adam`.
    Adam,
    /// `torch.optim.AdamW`.
    AdamW,
    /// `torch.optim.Adadelta`.
    Adadelta,
    /// `torch.optim.Adamax`.
    Adamax,
    /// `torch.optim.NAdam`.
    NAdam,
    /// `torch.optim.RAdam`.
    RAdam,
    /// `torch.optim.Rprop`.
    Rprop,
    /// `torch.optim.ASGD`.
    Asgd,
    /// `torch.optim.Adafactor`.
    Adafactor,
    /// `torch.optim.Muon`.
    Muon,
}

impl fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OptimizerKind::Sgd => "SGD",
            OptimizerKind::Adagrad => "Adagrad",
            OptimizerKind::RmsProp => "RMSprop",
            OptimizerKind::Adam => "Adam",
            OptimizerKind::AdamW => "AdamW",
            OptimizerKind::Adadelta => "Adadelta",
            OptimizerKind::Adamax => "Adamax",
            OptimizerKind::NAdam => "NAdam",
            OptimizerKind::RAdam => "RAdam",
            OptimizerKind::Rprop => "Rprop",
            OptimizerKind::Asgd => "ASGD",
            OptimizerKind::Adafactor => "Adafactor",
            OptimizerKind::Muon => "Muon",
        })
    }
}
