//! RAdam: Adam with a rectified (variance-corrected) adaptive step.
//!
//! PyTorch's `torch.optim.RAdam` (single-tensor path), per parameter θ with
//! gradient g at step t, `lr` γ, `betas` (β₁, β₂), `eps` ε, `weight_decay` λ:
//!
//! ```text
//! θ  ← θ·(1 − γλ)   (decoupled)   or   g ← g + λ·θ   (coupled), if λ ≠ 0
//! m  ← m + (1 − β₁)·(g − m);   v ← β₂·v + (1 − β₂)·g²
//! m̂  = m / (1 − β₁ᵗ)
//! ρ∞ = 2/(1 − β₂) − 1;   ρ_t = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)
//! if ρ_t > 5:  r = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))
//!              θ ← θ − m̂·γ·(√(1 − β₂ᵗ) / (√v + ε))·r
//! else:        θ ← θ − m̂·γ
//! ```

use serde::{Deserialize, Serialize};

use crate::adam::validate_betas;
use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::Result;
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{BufferSpec, Decay, DecayMode, Lerp, Rule, StepCtx, pow_step, with_decay};
use crate::state::Hyperparameters;

/// RAdam's own hyperparameters.
///
/// ```
/// let r = optim::RAdamRule::default();
/// assert_eq!((r.betas, r.eps), ((0.9, 0.999), 1e-8));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RAdamRule {
    /// (β₁, β₂), each in `[0, 1)` (`betas`).
    pub betas: (f64, f64),
    /// ε > 0 (`eps`).
    pub eps: f64,
    /// Coupled (default) or decoupled weight decay (`decoupled_weight_decay`).
    pub decay_mode: DecayMode,
}

impl Default for RAdamRule {
    fn default() -> Self {
        RAdamRule {
            betas: (0.9, 0.999),
            eps: 1e-8,
            decay_mode: DecayMode::Coupled,
        }
    }
}

/// Configuration of [`RAdam`]; defaults are PyTorch's (`lr=1e-3`,
/// `betas=(0.9, 0.999)`, `eps=1e-8`, `weight_decay=0`,
/// `decoupled_weight_decay=False`).
///
/// ```
/// assert_eq!(optim::RAdamConfig::default().lr, 1e-3);
/// ```
pub type RAdamConfig = Config<RAdamRule>;

/// RAdam, `torch.optim.RAdam`.
///
/// ```
/// use ndarray::array;
/// use optim::{Optimizer, ParamMut, RAdam, RAdamConfig};
/// let mut opt: RAdam<f64> = RAdamConfig::default().build()?;
/// let (mut x, g) = (array![1.0], array![3.0]);
/// opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// // ρ₁ = 1 ≤ 5: an unrectified momentum step, θ − lr·m̂ = 1 − 1e-3·3.
/// assert!((x[0] - 0.997).abs() < 1e-15);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type RAdam<T> = Driver<RAdamRule, T>;

impl Default for Config<RAdamRule> {
    fn default() -> Self {
        Config::with_rule(RAdamRule::default(), 1e-3, 0.0)
    }
}

impl Config<RAdamRule> {
    /// Sets `betas` (β₁, β₂).
    ///
    /// ```
    /// assert_eq!(optim::RAdamConfig::default().betas(0.8, 0.99).rule.betas, (0.8, 0.99));
    /// ```
    pub fn betas(mut self, beta1: f64, beta2: f64) -> Self {
        self.rule.betas = (beta1, beta2);
        self
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(optim::RAdamConfig::default().eps(1e-6).rule.eps, 1e-6);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }

    /// Chooses coupled or decoupled weight decay (`decoupled_weight_decay`).
    ///
    /// ```
    /// use optim::{DecayMode, RAdamConfig};
    /// let c = RAdamConfig::default().decay_mode(DecayMode::Decoupled);
    /// assert_eq!(c.rule.decay_mode, DecayMode::Decoupled);
    /// ```
    pub fn decay_mode(mut self, decay_mode: DecayMode) -> Self {
        self.rule.decay_mode = decay_mode;
        self
    }
}

impl Rule for RAdamRule {
    const KIND: OptimizerKind = OptimizerKind::RAdam;

    fn validate(&self) -> Result<()> {
        validate_betas(self.betas)?;
        check::positive("eps", self.eps)?;
        Ok(())
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        vec![
            BufferSpec {
                name: "exp_avg",
                init: 0.0,
            },
            BufferSpec {
                name: "exp_avg_sq",
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
        let (beta1, beta2) = self.betas;
        let step = ctx.step as f64;
        let bias_correction1 = 1.0 - pow_step(beta1, ctx.step);
        let bias_correction2 = 1.0 - pow_step(beta2, ctx.step);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * step * pow_step(beta2, ctx.step) / bias_correction2;
        let rect = (rho_t > 5.0).then(|| {
            ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                .powf(0.5)
        });
        let k = Scalars {
            lerp: Lerp::new(1.0 - beta1),
            beta2: T::of(beta2),
            one_minus_beta2: T::of(1.0 - beta2),
            bias_correction1: T::of(bias_correction1),
            bias_correction2_sqrt: T::of(bias_correction2.powf(0.5)),
            lr: T::of(ctx.lr),
            eps: T::of(self.eps),
            rect: rect.map(T::of),
        };
        let [exp_avg, exp_avg_sq] = buffers else {
            unreachable!("RAdam has two buffers")
        };
        with_decay!(T, ctx, self.decay_mode, |d| kernel(
            k, d, param, grad, exp_avg, exp_avg_sq
        ))
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::RAdam(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::RAdam(rule) => Some(*rule),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
struct Scalars<T> {
    lerp: Lerp<T>,
    beta2: T,
    one_minus_beta2: T,
    bias_correction1: T,
    bias_correction2_sqrt: T,
    lr: T,
    eps: T,
    /// The rectification term when ρ_t > 5, else `None` (no adaptive step).
    rect: Option<T>,
}

#[inline(always)]
fn kernel<T: Float, D: Decay<T>>(
    k: Scalars<T>,
    d: D,
    param: &mut [T],
    grad: &[T],
    exp_avg: &mut [T],
    exp_avg_sq: &mut [T],
) {
    let moments = |p: &mut T, g: T, m: &mut T, v: &mut T| {
        let pd = d.param(*p);
        let g = d.grad(pd, g);
        *m = k.lerp.apply(*m, g);
        *v = *v * k.beta2 + k.one_minus_beta2 * g * g;
        pd
    };
    let it = param
        .iter_mut()
        .zip(grad)
        .zip(exp_avg.iter_mut().zip(exp_avg_sq.iter_mut()));
    match k.rect {
        Some(rect) => {
            for ((p, &g), (m, v)) in it {
                let pd = moments(p, g, m, v);
                let adaptive_lr = k.bias_correction2_sqrt / (v.sqrt() + k.eps);
                *p = pd - *m / k.bias_correction1 * k.lr * adaptive_lr * rect;
            }
        }
        None => {
            for ((p, &g), (m, v)) in it {
                let pd = moments(p, g, m, v);
                *p = pd - *m / k.bias_correction1 * k.lr;
            }
        }
    }
}
