//! Stochastic (or full-batch) gradient descent with optional momentum.
//!
//! PyTorch's `torch.optim.SGD` (single-tensor path), per parameter θ with
//! gradient g, learning rate γ (`lr`), weight decay λ (`weight_decay`),
//! momentum μ (`momentum`), dampening τ (`dampening`):
//!
//! ```text
//! g ← g + λ·θ                         if λ ≠ 0
//! b ← g                               on the first step (no dampening)
//! b ← μ·b + (1 − τ)·g                 afterwards
//! g ← g + μ·b   (Nesterov)   or   g ← b   (heavy ball)
//! θ ← θ − γ·g
//! ```
//!
//! Without momentum this is plain gradient descent `θ ← θ − γ·g`
//! (full-batch GD when g is the gradient of the whole data set).

use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::Result;
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{BufferSpec, Coupled, Decay, NoDecay, Rule, StepCtx};
use crate::state::Hyperparameters;

/// SGD's momentum, typed so that only PyTorch's legal combinations exist
/// (Nesterov needs a momentum and has no dampening).
///
/// ```
/// use optim::Momentum;
/// assert_eq!(Momentum::heavy(0.9), Momentum::Heavy { momentum: 0.9, dampening: 0.0 });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Momentum {
    /// Plain gradient descent (`momentum=0`).
    #[default]
    None,
    /// Heavy-ball (Polyak) momentum (`momentum`, `dampening`, `nesterov=False`).
    /// A momentum of 0 behaves as [`Momentum::None`], as in PyTorch.
    Heavy {
        /// μ in `[0, 1)`.
        momentum: f64,
        /// τ in `[0, 1]`.
        dampening: f64,
    },
    /// Nesterov momentum (`momentum`, `dampening=0`, `nesterov=True`).
    Nesterov {
        /// μ in `(0, 1)`.
        momentum: f64,
    },
}

impl Momentum {
    /// Heavy-ball momentum without dampening.
    ///
    /// ```
    /// use optim::Momentum;
    /// assert!(matches!(Momentum::heavy(0.5), Momentum::Heavy { .. }));
    /// ```
    pub fn heavy(momentum: f64) -> Self {
        Momentum::Heavy {
            momentum,
            dampening: 0.0,
        }
    }

    fn has_buffer(self) -> bool {
        match self {
            Momentum::None => false,
            Momentum::Heavy { momentum, .. } => momentum != 0.0,
            Momentum::Nesterov { .. } => true,
        }
    }
}

/// SGD's own hyperparameters (see the module formula).
///
/// ```
/// use optim::{Momentum, SgdRule};
/// assert_eq!(SgdRule::default().momentum, Momentum::None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SgdRule {
    /// None, heavy ball or Nesterov.
    pub momentum: Momentum,
}

/// Configuration of [`Sgd`]; defaults are PyTorch's (`lr=1e-3`, no momentum,
/// no weight decay).
///
/// ```
/// let c = optim::SgdConfig::default();
/// assert_eq!((c.lr, c.weight_decay), (1e-3, 0.0));
/// ```
pub type SgdConfig = Config<SgdRule>;

/// Stochastic gradient descent, `torch.optim.SGD`.
///
/// ```
/// use ndarray::array;
/// use optim::{Momentum, Optimizer, ParamMut, Sgd, SgdConfig};
/// let mut opt: Sgd<f64> = SgdConfig::default().lr(0.1).momentum(Momentum::heavy(0.9)).build()?;
/// let mut x = array![1.0];
/// for _ in 0..2 {
///     let g = array![1.0];
///     opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// }
/// // b₁ = 1, x₁ = 0.9; b₂ = 0.9·1 + 1 = 1.9, x₂ = 0.9 − 0.19
/// assert!((x[0] - 0.71).abs() < 1e-15);
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type Sgd<T> = Driver<SgdRule, T>;

impl Default for Config<SgdRule> {
    fn default() -> Self {
        Config::with_rule(SgdRule::default(), 1e-3, 0.0)
    }
}

impl Config<SgdRule> {
    /// Sets the momentum (`momentum`, `dampening`, `nesterov`).
    ///
    /// ```
    /// use optim::{Momentum, SgdConfig};
    /// let c = SgdConfig::default().momentum(Momentum::Nesterov { momentum: 0.9 });
    /// assert_eq!(c.rule.momentum, Momentum::Nesterov { momentum: 0.9 });
    /// ```
    pub fn momentum(mut self, momentum: Momentum) -> Self {
        self.rule.momentum = momentum;
        self
    }
}

impl Rule for SgdRule {
    const KIND: OptimizerKind = OptimizerKind::Sgd;

    fn validate(&self) -> Result<()> {
        match self.momentum {
            Momentum::None => {}
            Momentum::Heavy {
                momentum,
                dampening,
            } => {
                check::unit_half_open("momentum", momentum)?;
                check::unit_closed("dampening", dampening)?;
            }
            Momentum::Nesterov { momentum } => {
                check::unit_half_open("momentum", momentum)?;
                check::positive("momentum", momentum)?;
            }
        }
        Ok(())
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        if self.momentum.has_buffer() {
            vec![BufferSpec {
                name: "momentum_buffer",
                init: 0.0,
            }]
        } else {
            Vec::new()
        }
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
        if ctx.weight_decay == 0.0 {
            sgd(self.momentum, NoDecay, ctx, param, grad, buffers);
        } else {
            let decay = Coupled(T::of(ctx.weight_decay));
            sgd(self.momentum, decay, ctx, param, grad, buffers);
        }
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::Sgd(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::Sgd(rule) => Some(*rule),
            _ => None,
        }
    }
}

#[inline(always)]
fn sgd<T: Float, D: Decay<T>>(
    momentum: Momentum,
    d: D,
    ctx: StepCtx,
    param: &mut [T],
    grad: &[T],
    buffers: &mut [Vec<T>],
) {
    let neg_lr = T::of(-ctx.lr);
    let first = ctx.step == 1;
    let (mu, damp, nesterov) = match momentum {
        Momentum::None => (0.0, 0.0, false),
        Momentum::Heavy {
            momentum,
            dampening,
        } => (momentum, dampening, false),
        Momentum::Nesterov { momentum } => (momentum, 0.0, true),
    };
    let (mu, one_minus_damp) = (T::of(mu), T::of(1.0 - damp));
    match buffers {
        [] => {
            for (p, &g) in param.iter_mut().zip(grad) {
                *p = *p + neg_lr * d.grad(*p, g);
            }
        }
        [buf] => {
            for ((p, &g), b) in param.iter_mut().zip(grad).zip(buf.iter_mut()) {
                let g = d.grad(*p, g);
                *b = if first {
                    g
                } else {
                    *b * mu + one_minus_damp * g
                };
                let step = if nesterov { g + mu * *b } else { *b };
                *p += neg_lr * step;
            }
        }
        _ => unreachable!("SGD has at most one buffer"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(momentum: Momentum, wd: f64, steps: usize) -> (f64, f64) {
        let rule = SgdRule { momentum };
        let mut bufs: Vec<Vec<f64>> = rule.buffers().iter().map(|_| vec![0.0]).collect();
        let mut p = [1.0];
        for step in 1..=steps as u64 {
            let g = [2.0 * p[0]]; // f = θ²
            let ctx = StepCtx {
                lr: 0.1,
                weight_decay: wd,
                step,
            };
            rule.update(ctx, &mut p, &g, &mut bufs, &mut []);
        }
        (p[0], bufs.first().map_or(0.0, |b| b[0]))
    }

    #[test]
    fn hand_computed_steps() {
        // GD on θ²: θ ← θ + (−0.1)·2θ, twice (PyTorch's add_(g, alpha=−lr)).
        let once = 1.0 + -0.1 * 2.0;
        assert_eq!(run(Momentum::None, 0.0, 2).0, once + -0.1 * (2.0 * once));
        // Weight decay 0.5: g = 2θ + 0.5θ, θ ← 0.75θ.
        assert_eq!(run(Momentum::None, 0.5, 1).0, 1.0 + -0.1 * (2.0 + 0.5));
        // Dampening is skipped on the first step: b₁ = g₁ = 2.
        let (p, b) = run(
            Momentum::Heavy {
                momentum: 0.9,
                dampening: 0.5,
            },
            0.0,
            1,
        );
        assert_eq!((p, b), (0.8, 2.0));
        // Second step: g₂ = 1.6, b₂ = 0.9·2 + 0.5·1.6 = 2.6, θ₂ = 0.8 − 0.26.
        let (p, b) = run(
            Momentum::Heavy {
                momentum: 0.9,
                dampening: 0.5,
            },
            0.0,
            2,
        );
        assert!((b - 2.6).abs() < 1e-15 && (p - 0.54).abs() < 1e-15);
        // Nesterov step 1: b = 2, step = g + 0.9·b = 3.8, θ = 1 − 0.38.
        assert!((run(Momentum::Nesterov { momentum: 0.9 }, 0.0, 1).0 - 0.62).abs() < 1e-15);
    }

    #[test]
    fn momentum_zero_is_plain_gd() {
        let heavy = Momentum::Heavy {
            momentum: 0.0,
            dampening: 0.3,
        };
        assert!(SgdRule { momentum: heavy }.buffers().is_empty());
        assert_eq!(run(heavy, 0.0, 3), run(Momentum::None, 0.0, 3));
    }

    #[test]
    fn bad_momentum_is_rejected() {
        let bad = [
            Momentum::heavy(1.0),
            Momentum::heavy(-0.1),
            Momentum::Heavy {
                momentum: 0.9,
                dampening: 1.5,
            },
            Momentum::Nesterov { momentum: 0.0 },
            Momentum::Nesterov { momentum: f64::NAN },
        ];
        for momentum in bad {
            assert!(SgdRule { momentum }.validate().is_err(), "{momentum:?}");
        }
    }
}
