//! AdamW: Adam with decoupled weight decay.
//!
//! PyTorch's `torch.optim.AdamW`: first `θ ← θ·(1 − γ·λ)` (`lr` γ,
//! `weight_decay` λ), then the Adam step of [`crate::adam`] with the raw
//! gradient (no L2 term). AMSGrad is available as in Adam.

use serde::{Deserialize, Serialize};

use crate::adam::{AdamRule, adam_buffers, adam_update, validate_betas};
use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::Result;
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{BufferSpec, DecayMode, Rule, StepCtx};
use crate::state::Hyperparameters;

/// AdamW's own hyperparameters (those of Adam; the decay is decoupled).
///
/// ```
/// assert_eq!(optim::AdamWRule::default().betas, (0.9, 0.999));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamWRule {
    /// (β₁, β₂), each in `[0, 1)` (`betas`).
    pub betas: (f64, f64),
    /// ε > 0 (`eps`).
    pub eps: f64,
    /// Use the running maximum of v (`amsgrad`).
    pub amsgrad: bool,
}

impl Default for AdamWRule {
    fn default() -> Self {
        let adam = AdamRule::default();
        AdamWRule {
            betas: adam.betas,
            eps: adam.eps,
            amsgrad: adam.amsgrad,
        }
    }
}

/// Configuration of [`AdamW`]; defaults are PyTorch's (`lr=1e-3`,
/// `betas=(0.9, 0.999)`, `eps=1e-8`, `weight_decay=1e-2`, `amsgrad=False`).
///
/// ```
/// assert_eq!(optim::AdamWConfig::default().weight_decay, 1e-2);
/// ```
pub type AdamWConfig = Config<AdamWRule>;

/// AdamW, `torch.optim.AdamW`.
///
/// ```
/// use ndarray::array;
/// use optim::{AdamW, AdamWConfig, Optimizer, ParamMut};
/// let mut opt: AdamW<f64> = AdamWConfig::default().lr(0.1).weight_decay(0.5).build()?;
/// let (mut x, g) = (array![2.0], array![0.0]);
/// opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// assert_eq!(x[0], 2.0 * (1.0 - 0.1 * 0.5)); // zero gradient: only the decay acts
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type AdamW<T> = Driver<AdamWRule, T>;

impl Default for Config<AdamWRule> {
    fn default() -> Self {
        Config::with_rule(AdamWRule::default(), 1e-3, 1e-2)
    }
}

impl Config<AdamWRule> {
    /// Sets `betas` (β₁, β₂).
    ///
    /// ```
    /// assert_eq!(optim::AdamWConfig::default().betas(0.9, 0.95).rule.betas, (0.9, 0.95));
    /// ```
    pub fn betas(mut self, beta1: f64, beta2: f64) -> Self {
        self.rule.betas = (beta1, beta2);
        self
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(optim::AdamWConfig::default().eps(1e-6).rule.eps, 1e-6);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }

    /// Turns AMSGrad on or off (`amsgrad`).
    ///
    /// ```
    /// assert!(optim::AdamWConfig::default().amsgrad(true).rule.amsgrad);
    /// ```
    pub fn amsgrad(mut self, amsgrad: bool) -> Self {
        self.rule.amsgrad = amsgrad;
        self
    }
}

impl Rule for AdamWRule {
    const KIND: OptimizerKind = OptimizerKind::AdamW;

    fn validate(&self) -> Result<()> {
        validate_betas(self.betas)?;
        check::positive("eps", self.eps)?;
        Ok(())
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        adam_buffers(self.amsgrad)
    }

    #[inline(always)]
    fn update<T: Float>(
        &self,
        ctx: StepCtx,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [Vec<T>],
        _scalars: &mut [f64],
    ) {
        let adam = AdamRule {
            betas: self.betas,
            eps: self.eps,
            amsgrad: self.amsgrad,
        };
        adam_update(adam, DecayMode::Decoupled, ctx, param, grad, buffers);
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::AdamW(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::AdamW(rule) => Some(*rule),
            _ => None,
        }
    }
}
