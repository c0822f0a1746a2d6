//! ASGD: averaged stochastic gradient descent (Polyak–Ruppert averaging with
//! a decaying step size).
//!
//! PyTorch's `torch.optim.ASGD` (single-tensor path), per parameter θ with
//! gradient g at step t, `lr` γ, `lambd` λ, `alpha` α, `t0` t₀,
//! `weight_decay` w, the step size η (`eta`, starts at γ), the averaging
//! weight μ (`mu`, starts at 1) and the average `ax` (starts at 0):
//!
//! ```text
//! g  ← g + w·θ                         if w ≠ 0
//! θ  ← θ·(1 − λη)                      η and μ are the previous step's
//! θ  ← θ − η·g
//! ax ← ax + (θ − ax)·μ                 (ax ← θ when μ = 1)
//! η  ← γ / (1 + λγt)^α
//! μ  ← 1 / max(1, t − t₀)
//! ```
//!
//! η and μ are per-parameter scalars kept in `f64` (PyTorch keeps them in
//! tensors of its scalar dtype, `float64` under a `float64` default dtype).
//! The averaged parameters are read with [`Driver::buffer`]`(name, "ax")`.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::Result;
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{BufferSpec, Rule, StepCtx};
use crate::state::Hyperparameters;

/// ASGD's own hyperparameters.
///
/// ```
/// let r = optim::AsgdRule::default();
/// assert_eq!((r.lambd, r.alpha, r.t0), (1e-4, 0.75, 1e6));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AsgdRule {
    /// Decay term λ ≥ 0 (`lambd`).
    pub lambd: f64,
    /// Power α ≥ 0 of the step-size decay (`alpha`).
    pub alpha: f64,
    /// Step t₀ ≥ 0 at which averaging starts (`t0`).
    pub t0: f64,
}

impl Default for AsgdRule {
    fn default() -> Self {
        AsgdRule {
            lambd: 1e-4,
            alpha: 0.75,
            t0: 1e6,
        }
    }
}

/// Configuration of [`Asgd`]; defaults are PyTorch's (`lr=1e-2`,
/// `lambd=1e-4`, `alpha=0.75`, `t0=1e6`, `weight_decay=0`, `maximize=False`).
///
/// ```
/// assert_eq!(optim::AsgdConfig::default().lr, 1e-2);
/// ```
pub type AsgdConfig = Config<AsgdRule>;

/// ASGD, `torch.optim.ASGD`.
///
/// ```
/// use ndarray::array;
/// use optim::{Asgd, AsgdConfig, Optimizer, ParamMut};
/// let mut opt: Asgd<f64> = AsgdConfig::default().lr(0.1).lambd(0.0).t0(0.0).build()?;
/// let mut x = array![1.0];
/// for _ in 0..2 {
///     let g = x.clone(); // gradient of ½x²
///     opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// }
/// // x₁ = 0.9, x₂ = 0.81; ax = x₁ after step 1 (μ = 1), then μ = 1/max(1, 1 − 0) = 1 again.
/// assert!((x[0] - 0.81).abs() < 1e-15);
/// assert_eq!(opt.buffer("x", "ax").unwrap()[0], x[0]);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type Asgd<T> = Driver<AsgdRule, T>;

impl Default for Config<AsgdRule> {
    fn default() -> Self {
        Config::with_rule(AsgdRule::default(), 1e-2, 0.0)
    }
}

impl Config<AsgdRule> {
    /// Sets `lambd`.
    ///
    /// ```
    /// assert_eq!(optim::AsgdConfig::default().lambd(1e-3).rule.lambd, 1e-3);
    /// ```
    pub fn lambd(mut self, lambd: f64) -> Self {
        self.rule.lambd = lambd;
        self
    }

    /// Sets `alpha`.
    ///
    /// ```
    /// assert_eq!(optim::AsgdConfig::default().alpha(0.5).rule.alpha, 0.5);
    /// ```
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.rule.alpha = alpha;
        self
    }

    /// Sets `t0`.
    ///
    /// ```
    /// assert_eq!(optim::AsgdConfig::default().t0(10.0).rule.t0, 10.0);
    /// ```
    pub fn t0(mut self, t0: f64) -> Self {
        self.rule.t0 = t0;
        self
    }
}

impl Rule for AsgdRule {
    const KIND: OptimizerKind = OptimizerKind::Asgd;

    fn validate(&self) -> Result<()> {
        check::non_negative("lambd", self.lambd)?;
        check::non_negative("alpha", self.alpha)?;
        check::non_negative("t0", self.t0)?;
        Ok(())
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        vec![BufferSpec {
            name: "ax",
            init: 0.0,
        }]
    }

    fn scalars(&self) -> Vec<BufferSpec> {
        // `eta` is set to the group's lr on the first step, as PyTorch
        // initializes it from `group["lr"]`.
        vec![
            BufferSpec {
                name: "eta",
                init: 0.0,
            },
            BufferSpec {
                name: "mu",
                init: 1.0,
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
        scalars: &mut [f64],
    ) {
        let [ax] = buffers else {
            unreachable!("ASGD has one buffer")
        };
        let [eta, mu] = scalars else {
            unreachable!("ASGD has two scalars")
        };
        if ctx.step == 1 {
            *eta = ctx.lr;
        }
        let decay = T::of(1.0 - self.lambd * *eta);
        let neg_eta = T::of(-*eta);
        let wd = T::of(ctx.weight_decay);
        let average = *mu != 1.0;
        let weight = T::of(*mu);
        for ((p, &g), a) in param.iter_mut().zip(grad).zip(ax.iter_mut()) {
            let g = if ctx.weight_decay != 0.0 {
                g + wd * *p
            } else {
                g
            };
            *p *= decay;
            *p += neg_eta * g;
            *a = if average { *a + (*p - *a) * weight } else { *p };
        }
        let (lr, step) = (ctx.lr, ctx.step as f64);
        *eta = lr / (1.0 + self.lambd * lr * step).powf(self.alpha);
        *mu = 1.0 / (step - self.t0).max(1.0);
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::Asgd(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::Asgd(rule) => Some(*rule),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averaging_starts_after_t0_and_uses_the_previous_mu() {
        let rule = AsgdRule {
            lambd: 0.0,
            alpha: 0.75,
            t0: 1.0,
        };
        let (mut p, mut ax, mut sc) = ([1.0_f64], vec![vec![0.0]], [0.0, 1.0]);
        let ctx = |step| StepCtx {
            lr: 0.5,
            weight_decay: 0.0,
            step,
        };
        for step in 1..=3 {
            rule.update(ctx(step), &mut p, &[1.0], &mut ax, &mut sc);
        }
        // θ: 0.5, 0, −0.5. μ after steps 1, 2: 1/max(1, 0) = 1, 1/max(1, 1) = 1;
        // so ax copies θ through step 3; μ after step 3 = 1/2.
        assert_eq!((p[0], ax[0][0], sc[1]), (-0.5, -0.5, 0.5));
        rule.update(ctx(4), &mut p, &[1.0], &mut ax, &mut sc);
        // θ = −1, ax = −0.5 + (−1 + 0.5)·0.5
        assert_eq!((p[0], ax[0][0]), (-1.0, -0.75));
    }

    #[test]
    fn bad_hyperparameters_are_rejected() {
        let d = AsgdRule::default();
        for bad in [
            AsgdRule { lambd: -1.0, ..d },
            AsgdRule {
                alpha: f64::NAN,
                ..d
            },
            AsgdRule { t0: -1.0, ..d },
        ] {
            assert!(bad.validate().is_err());
        }
    }
}
