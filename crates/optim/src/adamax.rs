//! Adamax: Adam with the infinity norm in place of the second moment.
//!
//! PyTorch's `torch.optim.Adamax` (single-tensor path), per parameter θ with
//! gradient g at step t, `lr` γ, `betas` (β₁, β₂), `eps` ε, `weight_decay` λ:
//!
//! ```text
//! g  ← g + λ·θ                        if λ ≠ 0
//! m  ← m + (1 − β₁)·(g − m)           (m.lerp_(g, 1 − β₁))
//! u  ← max(β₂·u, |g| + ε)
//! θ  ← θ − (γ / (1 − β₁ᵗ))·m / u
//! ```

use serde::{Deserialize, Serialize};

use crate::adam::validate_betas;
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

/// Adamax's own hyperparameters.
///
/// ```
/// let r = optim::AdamaxRule::default();
/// assert_eq!((r.betas, r.eps), ((0.9, 0.999), 1e-8));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamaxRule {
    /// (β₁, β₂), each in `[0, 1)` (`betas`).
    pub betas: (f64, f64),
    /// ε > 0 (`eps`).
    pub eps: f64,
}

impl Default for AdamaxRule {
    fn default() -> Self {
        AdamaxRule {
            betas: (0.9, 0.999),
            eps: 1e-8,
        }
    }
}

/// Configuration of [`Adamax`]; defaults are PyTorch's (`lr=2e-3`,
/// `betas=(0.9, 0.999)`, `eps=1e-8`, `weight_decay=0`).
///
/// ```
/// assert_eq!(optim::AdamaxConfig::default().lr, 2e-3);
/// ```
pub type AdamaxConfig = Config<AdamaxRule>;

/// Adamax, `torch.optim.Adamax`.
///
/// ```
/// use ndarray::array;
/// use optim::{Adamax, AdamaxConfig, Optimizer, ParamMut};
/// let mut opt: Adamax<f64> = AdamaxConfig::default().build()?;
/// let (mut x, g) = (array![1.0], array![-4.0]);
/// opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// // m/(1 − β₁) = g and u = |g| + ε: the first step is ≈ lr·sign(g).
/// assert!((x[0] - (1.0 + 2e-3)).abs() < 1e-10);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type Adamax<T> = Driver<AdamaxRule, T>;

impl Default for Config<AdamaxRule> {
    fn default() -> Self {
        Config::with_rule(AdamaxRule::default(), 2e-3, 0.0)
    }
}

impl Config<AdamaxRule> {
    /// Sets `betas` (β₁, β₂).
    ///
    /// ```
    /// assert_eq!(optim::AdamaxConfig::default().betas(0.8, 0.99).rule.betas, (0.8, 0.99));
    /// ```
    pub fn betas(mut self, beta1: f64, beta2: f64) -> Self {
        self.rule.betas = (beta1, beta2);
        self
    }

    /// Sets `eps`.
    ///
    /// ```
    /// assert_eq!(optim::AdamaxConfig::default().eps(1e-6).rule.eps, 1e-6);
    /// ```
    pub fn eps(mut self, eps: f64) -> Self {
        self.rule.eps = eps;
        self
    }
}

impl Rule for AdamaxRule {
    const KIND: OptimizerKind = OptimizerKind::Adamax;

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
                name: "exp_inf",
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
        let clr = ctx.lr / (1.0 - pow_step(beta1, ctx.step));
        let k = Scalars {
            lerp: Lerp::new(1.0 - beta1),
            beta2: T::of(beta2),
            eps: T::of(self.eps),
            neg_clr: T::of(-clr),
        };
        let [exp_avg, exp_inf] = buffers else {
            unreachable!("Adamax has two buffers")
        };
        with_decay!(T, ctx, DecayMode::Coupled, |d| kernel(
            k, d, param, grad, exp_avg, exp_inf
        ))
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::Adamax(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::Adamax(rule) => Some(*rule),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
struct Scalars<T> {
    lerp: Lerp<T>,
    beta2: T,
    eps: T,
    neg_clr: T,
}

#[inline(always)]
fn kernel<T: Float, D: Decay<T>>(
    k: Scalars<T>,
    d: D,
    param: &mut [T],
    grad: &[T],
    exp_avg: &mut [T],
    exp_inf: &mut [T],
) {
    let bufs = exp_avg.iter_mut().zip(exp_inf.iter_mut());
    for ((p, &g), (m, u)) in param.iter_mut().zip(grad).zip(bufs) {
        let g = d.grad(*p, g);
        *m = k.lerp.apply(*m, g);
        *u = maximum(*u * k.beta2, g.abs() + k.eps);
        *p += k.neg_clr * *m / *u;
    }
}
