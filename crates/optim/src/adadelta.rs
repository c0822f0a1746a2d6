//! Adadelta: steps scaled by the ratio of running RMS of updates and gradients.
//!
//! PyTorch's `torch.optim.Adadelta` (single-tensor path), per parameter θ with
//! gradient g, `lr` γ, `rho` ρ, `eps` ε, `weight_decay` λ:
//!
//! ```text
//! g  ← g + λ·θ                          if λ ≠ 0
//! v  ← ρ·v + (1 − ρ)·g²
//! Δ  = √(u + ε) / √(v + ε) · g
//! u  ← ρ·u + (1 − ρ)·Δ²
//! θ  ← θ − γ·Δ
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

/// Adadelta's own hyperparameters.
///
/// ```
/// let r = optim::AdadeltaRule::default();
/// assert_eq!((r.rho, r.eps), (0.9, 1e-6));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdadeltaRule {
    /// ρ in `[0, 1]` (`rho`).
    pub rho: f64,
    /// ε > 0 (`eps`).
    pub eps: f64,
}

impl Default for AdadeltaRule {
    fn default() -> Self {
        AdadeltaRule {
            rho: 0.9,
            eps: 1e-6,
        }
    }
}

/// Configuration of [`Adadelta`]; defaults are PyTorch's (`lr=1.0`,
/// `rho=0.9`, `eps=1e-6`, `weight_decay=0`).
///
/// ```
/// assert_eq!(optim::AdadeltaConfig::default().lr, 1.0);
/// ```
pub type AdadeltaConfig = Config<AdadeltaRule>;

/// Adadelta, `torch.optim.Adadelta`.
///
/// ```
/// use ndarray::array;
/// use optim::{Adadelta, AdadeltaConfig, Optimizer, ParamMut};
/// let mut opt: Adadelta<f64> = AdadeltaConfig::default().build()?;
/// let (mut x, g) = (array![1.0], array![1.0]);
/// opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// // v = 0.1, Δ = √(1e-6)/√(0.1 + 1e-6)·1
/// let delta = (0.0_f64 + 1e-6).sqrt() / (0.1_f64 + 1e-6).sqrt();
/// assert!((x[0] - (1.0 - delta)).abs() < 1e-15);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type Adadelta<T> = Driver<AdadeltaRule, T>;

impl Default for Config<AdadeltaRule> {
    fn default() -> Self {
        Config::with_rule(AdadeltaRule::default(), 1.0, 0.0)
    }
}

impl Config<AdadeltaRule> {
    /// Sets `rho`.
    ///
    /// ```
    /// assert_eq!(optim::AdadeltaConfig::default().rho(0.95).rule.rho, 0.95);
    /// ```
    pub fn rho(mut self, rho: f64) -> Self {
        self.rule.rho = rho;
        self
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(optim::AdadeltaConfig::default().eps(1e-8).rule.eps, 1e-8);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }
}

impl Rule for AdadeltaRule {
    const KIND: OptimizerKind = OptimizerKind::Adadelta;

    fn validate(&self) -> Result<()> {
        check::unit_closed("rho", self.rho)?;
        check::positive("eps", self.eps)?;
        Ok(())
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        vec![
            BufferSpec {
                name: "square_avg",
                init: 0.0,
            },
            BufferSpec {
                name: "acc_delta",
                init: 0.0,
            },
        ]
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
        let k = Scalars {
            rho: T::of(self.rho),
            one_minus_rho: T::of(1.0 - self.rho),
            eps: T::of(self.eps),
            neg_lr: T::of(-ctx.lr),
        };
        let [square_avg, acc_delta] = buffers else {
            unreachable!("Adadelta has two buffers")
        };
        with_decay!(T, ctx, DecayMode::Coupled, |d| kernel(
            k, d, param, grad, square_avg, acc_delta
        ))
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::Adadelta(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::Adadelta(rule) => Some(*rule),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
struct Scalars<T> {
    rho: T,
    one_minus_rho: T,
    eps: T,
    neg_lr: T,
}

#[inline(always)]
fn kernel<T: Float, D: Decay<T>>(
    k: Scalars<T>,
    d: D,
    param: &mut [T],
    grad: &[T],
    square_avg: &mut [T],
    acc_delta: &mut [T],
) {
    let bufs = square_avg.iter_mut().zip(acc_delta.iter_mut());
    for ((p, &g), (v, u)) in param.iter_mut().zip(grad).zip(bufs) {
        let g = d.grad(*p, g);
        *v = *v * k.rho + k.one_minus_rho * g * g;
        let std = (*v + k.eps).sqrt();
        let delta = (*u + k.eps).sqrt() / std * g;
        *u = *u * k.rho + k.one_minus_rho * delta * delta;
        *p += k.neg_lr * delta;
    }
}
