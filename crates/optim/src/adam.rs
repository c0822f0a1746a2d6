//! Adam, with AMSGrad and coupled (L2) weight decay.
//!
//! PyTorch's `torch.optim.Adam` (single-tensor path), per parameter θ with
//! gradient g at step t, `lr` γ, `betas` (β₁, β₂), `eps` ε, `weight_decay` λ:
//!
//! ```text
//! g  ← g + λ·θ                          if λ ≠ 0
//! m  ← m + (1 − β₁)·(g − m)             (m.lerp_(g, 1 − β₁))
//! v  ← β₂·v + (1 − β₂)·g²
//! v̂ ← max(v̂, v)                        (AMSGrad only; v̂ replaces v below)
//! denom = √v / √(1 − β₂ᵗ) + ε
//! θ  ← θ − (γ / (1 − β₁ᵗ))·m / denom
//! ```
//!
//! The bias corrections and step size are computed in `f64` as in Python,
//! the rest element-wise in the parameter's type, in PyTorch's order.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::Result;
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{
    BufferSpec, Decay, DecayMode, Lerp, Rule, StepCtx, maximum, pow_step, with_decay,
};
use crate::state::Hyperparameters;

/// Adam's own hyperparameters.
///
/// ```
/// use optim::AdamRule;
/// let r = AdamRule::default();
/// assert_eq!((r.betas, r.eps, r.amsgrad), ((0.9, 0.999), 1e-8, false));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamRule {
    /// (β₁, β₂), each in `[0, 1)` (`betas`).
    pub betas: (f64, f64),
    /// ε > 0 (`eps`).
    pub eps: f64,
    /// Use the running maximum of v (`amsgrad`).
    pub amsgrad: bool,
}

impl Default for AdamRule {
    fn default() -> Self {
        AdamRule {
            betas: (0.9, 0.999),
            eps: 1e-8,
            amsgrad: false,
        }
    }
}

/// Configuration of [`Adam`]; defaults are PyTorch's (`lr=1e-3`,
/// `betas=(0.9, 0.999)`, `eps=1e-8`, `weight_decay=0`, `amsgrad=False`).
///
/// ```
/// assert_eq!(optim::AdamConfig::default().lr, 1e-3);
/// ```
pub type AdamConfig = Config<AdamRule>;

/// Adam, `torch.optim.Adam`.
///
/// ```
/// use ndarray::array;
/// use optim::{Adam, AdamConfig, Optimizer, ParamMut};
/// let mut opt: Adam<f64> = AdamConfig::default().lr(0.1).build()?;
/// let (mut x, g) = (array![1.0], array![3.0]);
/// opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// // First step: m/(1−β₁) = g, √(v/(1−β₂)) = |g|, so θ moves by lr·g/(|g| + ε') ≈ lr.
/// assert!((x[0] - 0.9).abs() < 1e-8);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type Adam<T> = Driver<AdamRule, T>;

impl Default for Config<AdamRule> {
    fn default() -> Self {
        Config::with_rule(AdamRule::default(), 1e-3, 0.0)
    }
}

impl Config<AdamRule> {
    /// Sets `betas` (β₁, β₂).
    ///
    /// ```
    /// assert_eq!(optim::AdamConfig::default().betas(0.8, 0.99).rule.betas, (0.8, 0.99));
    /// ```
    pub fn betas(mut self, beta1: f64, beta2: f64) -> Self {
        self.rule.betas = (beta1, beta2);
        self
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(optim::AdamConfig::default().eps(1e-6).rule.eps, 1e-6);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }

    /// Turns AMSGrad on or off (`amsgrad`).
    ///
    /// ```
    /// assert!(optim::AdamConfig::default().amsgrad(true).rule.amsgrad);
    /// ```
    pub fn amsgrad(mut self, amsgrad: bool) -> Self {
        self.rule.amsgrad = amsgrad;
        self
    }
}

pub(crate) fn validate_betas(betas: (f64, f64)) -> Result<()> {
    check::unit_half_open("betas[0]", betas.0)?;
    check::unit_half_open("betas[1]", betas.1)?;
    Ok(())
}

pub(crate) fn adam_buffers(amsgrad: bool) -> Vec<BufferSpec> {
    let mut specs = vec![
        BufferSpec {
            name: "exp_avg",
            init: 0.0,
        },
        BufferSpec {
            name: "exp_avg_sq",
            init: 0.0,
        },
    ];
    if amsgrad {
        specs.push(BufferSpec {
            name: "max_exp_avg_sq",
            init: 0.0,
        });
    }
    specs
}

impl Rule for AdamRule {
    const KIND: OptimizerKind = OptimizerKind::Adam;

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
        adam_update(*self, DecayMode::Coupled, ctx, param, grad, buffers);
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::Adam(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::Adam(rule) => Some(*rule),
            _ => None,
        }
    }
}

/// The Adam step shared by Adam (coupled decay) and AdamW (decoupled decay).
#[inline(always)]
pub(crate) fn adam_update<T: Float>(
    rule: AdamRule,
    mode: DecayMode,
    ctx: StepCtx,
    param: &mut [T],
    grad: &[T],
    buffers: &mut [Vec<T>],
) {
    let (beta1, beta2) = rule.betas;
    let bias_correction1 = 1.0 - pow_step(beta1, ctx.step);
    let bias_correction2 = 1.0 - pow_step(beta2, ctx.step);
    let k = AdamScalars {
        lerp: Lerp::new(1.0 - beta1),
        beta2: T::of(beta2),
        one_minus_beta2: T::of(1.0 - beta2),
        neg_step_size: T::of(-(ctx.lr / bias_correction1)),
        bias_correction2_sqrt: T::of(bias_correction2.sqrt()),
        eps: T::of(rule.eps),
    };
    with_decay!(T, ctx, mode, |d| adam_kernel(k, d, param, grad, buffers))
}

#[derive(Clone, Copy)]
struct AdamScalars<T> {
    lerp: Lerp<T>,
    beta2: T,
    one_minus_beta2: T,
    neg_step_size: T,
    bias_correction2_sqrt: T,
    eps: T,
}

#[inline(always)]
fn adam_kernel<T: Float, D: Decay<T>>(
    k: AdamScalars<T>,
    d: D,
    param: &mut [T],
    grad: &[T],
    buffers: &mut [Vec<T>],
) {
    let moments = |p: &mut T, g: T, m: &mut T, v: &mut T| {
        let pd = d.param(*p);
        let g = d.grad(pd, g);
        *m = k.lerp.apply(*m, g);
        *v = *v * k.beta2 + k.one_minus_beta2 * g * g;
        pd
    };
    match buffers {
        [m, v] => {
            let it = param
                .iter_mut()
                .zip(grad)
                .zip(m.iter_mut().zip(v.iter_mut()));
            for ((p, &g), (m, v)) in it {
                let pd = moments(p, g, m, v);
                let denom = v.sqrt() / k.bias_correction2_sqrt + k.eps;
                *p = pd + k.neg_step_size * *m / denom;
            }
        }
        [m, v, vmax] => {
            let it = param
                .iter_mut()
                .zip(grad)
                .zip(m.iter_mut().zip(v.iter_mut()));
            for (((p, &g), (m, v)), vmax) in it.zip(vmax.iter_mut()) {
                let pd = moments(p, g, m, v);
                *vmax = maximum(*vmax, *v);
                let denom = vmax.sqrt() / k.bias_correction2_sqrt + k.eps;
                *p = pd + k.neg_step_size * *m / denom;
            }
        }
        _ => unreachable!("Adam has two or three buffers"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_step_by_hand() {
        // m₁ = 0.1·g, v₁ = 0.001·g², m̂ = g, √v̂ = |g|: θ₁ = θ − lr·g/(|g| + ε).
        let rule = AdamRule::default();
        let (mut p, g) = ([1.0_f64], [0.5]);
        let mut bufs = vec![vec![0.0], vec![0.0]];
        let ctx = StepCtx {
            lr: 0.01,
            weight_decay: 0.0,
            step: 1,
        };
        rule.update(ctx, &mut p, &g, &mut bufs, &mut []);
        assert!((bufs[0][0] - 0.05).abs() < 1e-16);
        assert!((bufs[1][0] - 0.00025).abs() < 1e-17);
        assert!((p[0] - (1.0 - 0.01 * 0.5 / (0.5 + 1e-8))).abs() < 1e-15);
    }

    #[test]
    fn amsgrad_keeps_the_maximum() {
        let rule = AdamRule {
            amsgrad: true,
            ..AdamRule::default()
        };
        let mut p = [0.0_f64];
        let mut bufs = vec![vec![0.0]; 3];
        for (step, g) in [(1, 1.0), (2, 0.0)] {
            let ctx = StepCtx {
                lr: 0.1,
                weight_decay: 0.0,
                step,
            };
            rule.update(ctx, &mut p, &[g], &mut bufs, &mut []);
        }
        // v₁ = (1 − β₂)·1·1 = v̂; v₂ = β₂·v₁ < v̂
        assert_eq!(bufs[2][0], (1.0 - 0.999) * 1.0 * 1.0);
        assert!(bufs[1][0] < bufs[2][0]);
    }
}
