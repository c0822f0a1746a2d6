//! Adagrad: per-coordinate step sizes from the sum of squared gradients.
//!
//! PyTorch's `torch.optim.Adagrad` (single-tensor, dense path), per parameter
//! θ with gradient g at step t, `lr` γ, `lr_decay` η, `weight_decay` λ,
//! `eps` ε, `initial_accumulator_value` s₀:
//!
//! ```text
//! g   ← g + λ·θ                  if λ ≠ 0
//! γ_t = γ / (1 + (t − 1)·η)
//! s   ← s + g²                   (s starts at s₀)
//! θ   ← θ − γ_t·g / (√s + ε)
//! ```

use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::Result;
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{BufferSpec, Decay, DecayMode, Rule, StepCtx, with_decay};
use crate::state::Hyperparameters;

/// Adagrad's own hyperparameters.
///
/// ```
/// let r = optim::AdagradRule::default();
/// assert_eq!((r.lr_decay, r.initial_accumulator_value, r.eps), (0.0, 0.0, 1e-10));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdagradRule {
    /// η ≥ 0 (`lr_decay`).
    pub lr_decay: f64,
    /// s₀ ≥ 0 (`initial_accumulator_value`).
    pub initial_accumulator_value: f64,
    /// ε > 0 (`eps`).
    pub eps: f64,
}

impl Default for AdagradRule {
    fn default() -> Self {
        AdagradRule {
            lr_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
        }
    }
}

/// Configuration of [`Adagrad`]; defaults are PyTorch's (`lr=1e-2`,
/// `lr_decay=0`, `weight_decay=0`, `initial_accumulator_value=0`, `eps=1e-10`).
///
/// ```
/// assert_eq!(optim::AdagradConfig::default().lr, 1e-2);
/// ```
pub type AdagradConfig = Config<AdagradRule>;

/// Adagrad, `torch.optim.Adagrad`.
///
/// ```
/// use ndarray::array;
/// use optim::{Adagrad, AdagradConfig, Optimizer, ParamMut};
/// let mut opt: Adagrad<f64> = AdagradConfig::default().lr(0.5).build()?;
/// let (mut x, g) = (array![1.0], array![2.0]);
/// opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// // s = 4, θ = 1 − 0.5·2/(2 + 1e-10)
/// assert_eq!(x[0], 1.0 + -0.5 * 2.0 / (2.0 + 1e-10));
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type Adagrad<T> = Driver<AdagradRule, T>;

impl Default for Config<AdagradRule> {
    fn default() -> Self {
        Config::with_rule(AdagradRule::default(), 1e-2, 0.0)
    }
}

impl Config<AdagradRule> {
    /// Sets `lr_decay`.
    ///
    /// ```
    /// assert_eq!(optim::AdagradConfig::default().lr_decay(0.1).rule.lr_decay, 0.1);
    /// ```
    pub fn lr_decay(mut self, lr_decay: f64) -> Self {
        self.rule.lr_decay = lr_decay;
        self
    }

    /// Sets `initial_accumulator_value`.
    ///
    /// ```
    /// let c = optim::AdagradConfig::default().initial_accumulator_value(0.1);
    /// assert_eq!(c.rule.initial_accumulator_value, 0.1);
    /// ```
    pub fn initial_accumulator_value(mut self, value: f64) -> Self {
        self.rule.initial_accumulator_value = value;
        self
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(optim::AdagradConfig::default().eps(1e-8).rule.eps, 1e-8);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }
}

impl Rule for AdagradRule {
    const KIND: OptimizerKind = OptimizerKind::Adagrad;

    fn validate(&self) -> Result<()> {
        check::non_negative("lr_decay", self.lr_decay)?;
        check::non_negative("initial_accumulator_value", self.initial_accumulator_value)?;
        check::positive("eps", self.eps)?;
        Ok(())
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        vec![BufferSpec {
            name: "sum",
            init: self.initial_accumulator_value,
        }]
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
        let clr = ctx.lr / (1.0 + (ctx.step - 1) as f64 * self.lr_decay);
        let (neg_clr, eps) = (T::of(-clr), T::of(self.eps));
        let [sum] = buffers else {
            unreachable!("Adagrad has one buffer")
        };
        with_decay!(T, ctx, DecayMode::Coupled, |d| kernel(
            d, neg_clr, eps, param, grad, sum
        ))
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::Adagrad(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::Adagrad(rule) => Some(*rule),
            _ => None,
        }
    }
}

#[inline(always)]
fn kernel<T: Float, D: Decay<T>>(
    d: D,
    neg_clr: T,
    eps: T,
    param: &mut [T],
    grad: &[T],
    sum: &mut [T],
) {
    for ((p, &g), s) in param.iter_mut().zip(grad).zip(sum.iter_mut()) {
        let g = d.grad(*p, g);
        *s += g * g;
        *p += neg_clr * g / (s.sqrt() + eps);
    }
}
