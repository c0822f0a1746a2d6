//! The builder shared by every optimizer: a rule's hyperparameters plus the
//! learning rate, weight decay and parameter groups.

use crate::driver::Driver;
use crate::error::Result;
use crate::float::Float;
use crate::group::{Group, ParamGroup};
use crate::rule::Rule;

/// Configuration of an optimizer: `rule` holds the algorithm's own
/// hyperparameters, `lr` and `weight_decay` those of the default group, and
/// `groups` any further parameter groups. Each `XConfig::default()` carries
/// PyTorch's defaults; [`Config::build`] validates everything.
///
/// ```
/// use optim::{Momentum, Optimizer, SgdConfig};
/// let opt = SgdConfig::default()
///     .lr(0.1)
///     .momentum(Momentum::Nesterov { momentum: 0.9 })
///     .weight_decay(5e-4)
///     .build::<f32>()?;
/// assert_eq!(opt.lr(), 0.1);
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Config<R> {
    /// The algorithm's hyperparameters (betas, eps, momentum, ...).
    pub rule: R,
    /// Learning rate of the default group (`lr`).
    pub lr: f64,
    /// Weight decay of the default group (`weight_decay`).
    pub weight_decay: f64,
    /// Whether the default group maximizes (`maximize`, default `false`).
    pub maximize: bool,
    /// Further parameter groups, tried in order.
    pub groups: Vec<ParamGroup>,
}

impl<R: Rule> Config<R> {
    pub(crate) fn with_rule(rule: R, lr: f64, weight_decay: f64) -> Self {
        Config {
            rule,
            lr,
            weight_decay,
            maximize: false,
            groups: Vec::new(),
        }
    }

    /// Sets the learning rate (`lr`).
    ///
    /// ```
    /// assert_eq!(optim::AdamConfig::default().lr(3e-4).lr, 3e-4);
    /// ```
    pub fn lr(mut self, lr: f64) -> Self {
        self.lr = lr;
        self
    }

    /// Sets the weight decay (`weight_decay`).
    ///
    /// ```
    /// assert_eq!(optim::SgdConfig::default().weight_decay(1e-4).weight_decay, 1e-4);
    /// ```
    pub fn weight_decay(mut self, weight_decay: f64) -> Self {
        self.weight_decay = weight_decay;
        self
    }

    /// Maximizes the objective instead of minimizing it (`maximize`): every
    /// gradient is negated before weight decay is added, as in PyTorch.
    ///
    /// ```
    /// use ndarray::array;
    /// use optim::{Optimizer, ParamMut, SgdConfig};
    /// let mut opt = SgdConfig::default().lr(0.5).maximize(true).build::<f64>()?;
    /// let (mut x, g) = (array![1.0], array![2.0]);
    /// opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
    /// assert_eq!(x[0], 2.0); // gradient ascent: θ + lr·g
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    pub fn maximize(mut self, maximize: bool) -> Self {
        self.maximize = maximize;
        self
    }

    /// Adds a parameter group with its own learning rate or weight decay.
    ///
    /// ```
    /// use optim::{ParamGroup, SgdConfig};
    /// let c = SgdConfig::default().group(ParamGroup::names(["head.weight"]).lr(1.0));
    /// assert_eq!(c.groups.len(), 1);
    /// ```
    pub fn group(mut self, group: ParamGroup) -> Self {
        self.groups.push(group);
        self
    }

    /// Validates the configuration and builds the optimizer.
    ///
    /// ```
    /// use optim::{AdamConfig, OptimError};
    /// assert!(AdamConfig::default().build::<f64>().is_ok());
    /// let bad = AdamConfig::default().betas(0.9, 1.0).build::<f64>();
    /// assert!(matches!(bad, Err(OptimError::InvalidHyperparameter { name: "betas[1]", .. })));
    /// ```
    ///
    /// **Errors**: [`OptimError::InvalidHyperparameter`](crate::OptimError::InvalidHyperparameter)
    /// for any value out of range (negative or NaN lr or weight decay, betas
    /// outside `[0, 1)`, eps `<= 0`, ...), in the config or in a group.
    pub fn build<T: Float>(self) -> Result<Driver<R, T>> {
        self.rule.validate()?;
        let mut groups = Vec::with_capacity(self.groups.len() + 1);
        groups.push(Group::new(self.lr, self.weight_decay, self.maximize)?);
        for g in &self.groups {
            groups.push(Group::new(
                g.lr.unwrap_or(self.lr),
                g.weight_decay.unwrap_or(self.weight_decay),
                g.maximize.unwrap_or(self.maximize),
            )?);
        }
        for group in &groups {
            check_weight_decay::<R>(group.weight_decay)?;
        }
        Ok(Driver::new(self.rule, groups, self.groups))
    }
}

/// Rules without weight decay (Rprop) refuse a nonzero one rather than
/// silently ignore it, as PyTorch's constructors have no such argument.
pub(crate) fn check_weight_decay<R: Rule>(weight_decay: f64) -> Result<()> {
    if R::WEIGHT_DECAY || weight_decay == 0.0 {
        Ok(())
    } else {
        Err(crate::OptimError::InvalidHyperparameter {
            name: "weight_decay",
            value: weight_decay,
            expected: "0 (this optimizer has no weight decay)",
        })
    }
}
