//! NAdam: Adam with Nesterov momentum and a momentum schedule.
//!
//! PyTorch's `torch.optim.NAdam` (single-tensor path), per parameter θ with
//! gradient g at step t, `lr` γ, `betas` (β₁, β₂), `eps` ε, `weight_decay` λ,
//! `momentum_decay` ψ:
//!
//! ```text
//! θ  ← θ·(1 − γλ)   (decoupled)   or   g ← g + λ·θ   (coupled), if λ ≠ 0
//! μ_t   = β₁·(1 − ½·0.96^(t·ψ)),   μ_{t+1} = β₁·(1 − ½·0.96^((t+1)·ψ))
//! Π_t   = Π_{t−1}·μ_t               (mu_product, starts at 1)
//! m  ← m + (1 − β₁)·(g − m)
//! v  ← β₂·v + (1 − β₂)·g²
//! d  = √(v / (1 − β₂ᵗ)) + ε
//! θ  ← θ − γ(1 − μ_t)/(1 − Π_t) · g/d − γ·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/d
//! ```
//!
//! `mu_product` is kept in `f64` whatever the parameters' type: PyTorch keeps
//! it in a tensor of its scalar dtype, which is `float64` when the default
//! dtype is `float64` (the setting the golden values are generated with). Under
//! PyTorch's stock `float32` default it would be rounded to `float32` each
//! step; the difference is far below `f32` parameter resolution.

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

/// NAdam's own hyperparameters.
///
/// ```
/// use optim::{DecayMode, NAdamRule};
/// let r = NAdamRule::default();
/// assert_eq!((r.momentum_decay, r.decay_mode), (4e-3, DecayMode::Coupled));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NAdamRule {
    /// (β₁, β₂), each in `[0, 1)` (`betas`).
    pub betas: (f64, f64),
    /// ε > 0 (`eps`).
    pub eps: f64,
    /// ψ ≥ 0 (`momentum_decay`).
    pub momentum_decay: f64,
    /// Coupled (default) or decoupled weight decay (`decoupled_weight_decay`).
    pub decay_mode: DecayMode,
}

impl Default for NAdamRule {
    fn default() -> Self {
        NAdamRule {
            betas: (0.9, 0.999),
            eps: 1e-8,
            momentum_decay: 4e-3,
            decay_mode: DecayMode::Coupled,
        }
    }
}

/// Configuration of [`NAdam`]; defaults are PyTorch's (`lr=2e-3`,
/// `betas=(0.9, 0.999)`, `eps=1e-8`, `weight_decay=0`, `momentum_decay=4e-3`,
/// `decoupled_weight_decay=False`).
///
/// ```
/// assert_eq!(optim::NAdamConfig::default().lr, 2e-3);
/// ```
pub type NAdamConfig = Config<NAdamRule>;

/// NAdam, `torch.optim.NAdam`.
///
/// ```
/// use ndarray::array;
/// use optim::{NAdam, NAdamConfig, Optimizer, ParamMut};
/// let mut opt: NAdam<f64> = NAdamConfig::default().build()?;
/// let (mut x, g) = (array![1.0], array![1.0]);
/// opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// assert!(x[0] < 1.0 && x[0] > 1.0 - 3e-3);
/// assert_eq!(opt.state().params["x"].scalars.len(), 1); // mu_product
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type NAdam<T> = Driver<NAdamRule, T>;

impl Default for Config<NAdamRule> {
    fn default() -> Self {
        Config::with_rule(NAdamRule::default(), 2e-3, 0.0)
    }
}

impl Config<NAdamRule> {
    /// Sets `betas` (β₁, β₂).
    ///
    /// ```
    /// assert_eq!(optim::NAdamConfig::default().betas(0.8, 0.99).rule.betas, (0.8, 0.99));
    /// ```
    pub fn betas(mut self, beta1: f64, beta2: f64) -> Self {
        self.rule.betas = (beta1, beta2);
        self
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(optim::NAdamConfig::default().eps(1e-6).rule.eps, 1e-6);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }

    /// Sets `momentum_decay`.
    ///
    /// ```
    /// assert_eq!(optim::NAdamConfig::default().momentum_decay(0.01).rule.momentum_decay, 0.01);
    /// ```
    pub fn momentum_decay(mut self, momentum_decay: f64) -> Self {
        self.rule.momentum_decay = momentum_decay;
        self
    }

    /// Chooses coupled or decoupled weight decay (`decoupled_weight_decay`).
    ///
    /// ```
    /// use optim::{DecayMode, NAdamConfig};
    /// let c = NAdamConfig::default().decay_mode(DecayMode::Decoupled);
    /// assert_eq!(c.rule.decay_mode, DecayMode::Decoupled);
    /// ```
    pub fn decay_mode(mut self, decay_mode: DecayMode) -> Self {
        self.rule.decay_mode = decay_mode;
        self
    }
}

impl Rule for NAdamRule {
    const KIND: OptimizerKind = OptimizerKind::NAdam;

    fn validate(&self) -> Result<()> {
        validate_betas(self.betas)?;
        check::positive("eps", self.eps)?;
        check::non_negative("momentum_decay", self.momentum_decay)?;
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

    fn scalars(&self) -> Vec<BufferSpec> {
        vec![BufferSpec {
            name: "mu_product",
            init: 1.0,
        }]
    }

    #[inline(always)]
    fn update<T: Float>(
        &self,
        ctx: StepCtx,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [Vec<T>],
        scalars: &mut [f64],
    ) {
        let (beta1, beta2) = self.betas;
        let (step, lr) = (ctx.step as f64, ctx.lr);
        let bias_correction2 = 1.0 - pow_step(beta2, ctx.step);
        let mu = beta1 * (1.0 - 0.5 * 0.96_f64.powf(step * self.momentum_decay));
        let mu_next = beta1 * (1.0 - 0.5 * 0.96_f64.powf((step + 1.0) * self.momentum_decay));
        let [mu_product] = scalars else {
            unreachable!("NAdam has one scalar")
        };
        *mu_product *= mu;
        let mu_product = *mu_product;
        let mu_product_next = mu_product * mu_next;
        let k = Scalars {
            lerp: Lerp::new(1.0 - beta1),
            beta2: T::of(beta2),
            one_minus_beta2: T::of(1.0 - beta2),
            bias_correction2: T::of(bias_correction2),
            eps: T::of(self.eps),
            grad_coef: T::of(-lr * (1.0 - mu) / (1.0 - mu_product)),
            avg_coef: T::of((-lr * mu_next) / (1.0 - mu_product_next)),
        };
        let [exp_avg, exp_avg_sq] = buffers else {
            unreachable!("NAdam has two buffers")
        };
        with_decay!(T, ctx, self.decay_mode, |d| kernel(
            k, d, param, grad, exp_avg, exp_avg_sq
        ))
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::NAdam(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::NAdam(rule) => Some(*rule),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
struct Scalars<T> {
    lerp: Lerp<T>,
    beta2: T,
    one_minus_beta2: T,
    bias_correction2: T,
    eps: T,
    grad_coef: T,
    avg_coef: T,
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
    let bufs = exp_avg.iter_mut().zip(exp_avg_sq.iter_mut());
    for ((p, &g), (m, v)) in param.iter_mut().zip(grad).zip(bufs) {
        let pd = d.param(*p);
        let g = d.grad(pd, g);
        *m = k.lerp.apply(*m, g);
        *v = *v * k.beta2 + k.one_minus_beta2 * g * g;
        let denom = (*v / k.bias_correction2).sqrt() + k.eps;
        let p1 = pd + k.grad_coef * g / denom;
        *p = p1 + k.avg_coef * *m / denom;
    }
}
