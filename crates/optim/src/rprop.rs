//! Rprop: resilient backpropagation, per-coordinate step sizes driven by the
//! sign of successive gradients.
//!
//! PyTorch's `torch.optim.Rprop` (single-tensor path), per parameter θ with
//! gradient g, `etas` (η⁻, η⁺), `step_sizes` (Δmin, Δmax), previous gradient
//! `prev` (starts at 0) and step size Δ (`step_size`, starts at `lr`):
//!
//! ```text
//! s  = sign(g·prev)
//! f  = η⁺ if s > 0,   η⁻ if s < 0,   1 if s = 0
//! Δ  ← clamp(Δ·f, Δmin, Δmax)
//! g  ← 0 where f = η⁻                 (the sign flipped: skip this element)
//! θ  ← θ − sign(g)·Δ
//! prev ← g
//! ```
//!
//! Rprop has no weight decay in PyTorch; a nonzero `weight_decay` is an error.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::{OptimError, Result};
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{BufferSpec, Rule, StepCtx};
use crate::state::Hyperparameters;

/// Rprop's own hyperparameters.
///
/// ```
/// let r = optim::RpropRule::default();
/// assert_eq!((r.etas, r.step_sizes), ((0.5, 1.2), (1e-6, 50.0)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RpropRule {
    /// (η⁻, η⁺) with `0 < η⁻ < 1 < η⁺` (`etas`).
    pub etas: (f64, f64),
    /// (Δmin, Δmax) with `0 ≤ Δmin ≤ Δmax` (`step_sizes`).
    pub step_sizes: (f64, f64),
}

impl Default for RpropRule {
    fn default() -> Self {
        RpropRule {
            etas: (0.5, 1.2),
            step_sizes: (1e-6, 50.0),
        }
    }
}

/// Configuration of [`Rprop`]; defaults are PyTorch's (`lr=1e-2`,
/// `etas=(0.5, 1.2)`, `step_sizes=(1e-6, 50)`, `maximize=False`).
///
/// ```
/// assert_eq!(optim::RpropConfig::default().lr, 1e-2);
/// ```
pub type RpropConfig = Config<RpropRule>;

/// Rprop, `torch.optim.Rprop`.
///
/// ```
/// use ndarray::array;
/// use optim::{Optimizer, ParamMut, Rprop, RpropConfig};
/// let mut opt: Rprop<f64> = RpropConfig::default().lr(0.1).build()?;
/// let mut x = array![1.0, -1.0];
/// for _ in 0..2 {
///     let g = array![5.0, -0.001]; // only the sign matters
///     opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
/// }
/// // Step 1 moves by lr = 0.1; step 2 (same sign) by 0.1·1.2.
/// assert!((x[0] - (1.0 - 0.1 - 0.12)).abs() < 1e-15);
/// assert!((x[1] - (-1.0 + 0.1 + 0.12)).abs() < 1e-15);
/// assert!(RpropConfig::default().weight_decay(0.1).build::<f64>().is_err());
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type Rprop<T> = Driver<RpropRule, T>;

impl Default for Config<RpropRule> {
    fn default() -> Self {
        Config::with_rule(RpropRule::default(), 1e-2, 0.0)
    }
}

impl Config<RpropRule> {
    /// Sets `etas` (η⁻, η⁺).
    ///
    /// ```
    /// assert_eq!(optim::RpropConfig::default().etas(0.4, 1.5).rule.etas, (0.4, 1.5));
    /// ```
    pub fn etas(mut self, etaminus: f64, etaplus: f64) -> Self {
        self.rule.etas = (etaminus, etaplus);
        self
    }

    /// Sets `step_sizes` (Δmin, Δmax).
    ///
    /// ```
    /// let c = optim::RpropConfig::default().step_sizes(1e-5, 1.0);
    /// assert_eq!(c.rule.step_sizes, (1e-5, 1.0));
    /// ```
    pub fn step_sizes(mut self, min: f64, max: f64) -> Self {
        self.rule.step_sizes = (min, max);
        self
    }
}

impl Rule for RpropRule {
    const KIND: OptimizerKind = OptimizerKind::Rprop;
    const WEIGHT_DECAY: bool = false;

    fn validate(&self) -> Result<()> {
        let (minus, plus) = self.etas;
        if !(minus > 0.0 && minus < 1.0) {
            return Err(invalid("etas[0]", minus, "a number in (0, 1)"));
        }
        if !(plus > 1.0 && plus.is_finite()) {
            return Err(invalid("etas[1]", plus, "a finite number > 1"));
        }
        let (min, max) = self.step_sizes;
        check::non_negative("step_sizes[0]", min)?;
        check::non_negative("step_sizes[1]", max)?;
        if min > max {
            return Err(invalid("step_sizes[1]", max, "a number >= step_sizes[0]"));
        }
        Ok(())
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        vec![
            BufferSpec {
                name: "prev",
                init: 0.0,
            },
            // Filled with the group's lr on the first step (PyTorch's
            // `torch.full_like(grad, group["lr"])`).
            BufferSpec {
                name: "step_size",
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
        let [prev, step_size] = buffers else {
            unreachable!("Rprop has two buffers")
        };
        if ctx.step == 1 {
            step_size.fill(T::of(ctx.lr));
        }
        let (etaminus, etaplus) = (T::of(self.etas.0), T::of(self.etas.1));
        let (min, max) = (T::of(self.step_sizes.0), T::of(self.step_sizes.1));
        let bufs = prev.iter_mut().zip(step_size.iter_mut());
        for ((p, &g), (prev, delta)) in param.iter_mut().zip(grad).zip(bufs) {
            let s = g * *prev;
            let factor = if s > T::zero() {
                etaplus
            } else if s < T::zero() {
                etaminus
            } else if s == T::zero() {
                T::one()
            } else {
                s // NaN stays NaN, as `sign` does
            };
            *delta = clamp(*delta * factor, min, max);
            let g = if factor == etaminus { T::zero() } else { g };
            *p += -(sign(g) * *delta);
            *prev = g;
        }
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::Rprop(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::Rprop(rule) => Some(*rule),
            _ => None,
        }
    }
}

fn invalid(name: &'static str, value: f64, expected: &'static str) -> OptimError {
    OptimError::InvalidHyperparameter {
        name,
        value,
        expected,
    }
}

/// `torch.sign`: −1, 0 or 1, NaN for NaN.
#[inline(always)]
pub(crate) fn sign<T: Float>(x: T) -> T {
    if x > T::zero() {
        T::one()
    } else if x < T::zero() {
        -T::one()
    } else {
        x
    }
}

/// `tensor.clamp_(min, max)`: NaN stays NaN.
#[inline(always)]
fn clamp<T: Float>(x: T, min: T, max: T) -> T {
    if x < min {
        min
    } else if x > max {
        max
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flipped_sign_shrinks_the_step_and_skips_the_element() {
        let rule = RpropRule::default();
        let mut p = [0.0_f64];
        let mut bufs = vec![vec![0.0], vec![0.0]];
        let ctx = |step| StepCtx {
            lr: 0.1,
            weight_decay: 0.0,
            step,
        };
        rule.update(ctx(1), &mut p, &[1.0], &mut bufs, &mut []);
        assert_eq!((p[0], bufs[0][0], bufs[1][0]), (-0.1, 1.0, 0.1));
        rule.update(ctx(2), &mut p, &[-1.0], &mut bufs, &mut []);
        // Flipped: Δ = 0.05, no move, prev = 0.
        assert_eq!((p[0], bufs[0][0], bufs[1][0]), (-0.1, 0.0, 0.05));
        rule.update(ctx(3), &mut p, &[-1.0], &mut bufs, &mut []);
        // prev = 0: factor 1, move by Δ = 0.05 against the gradient.
        assert_eq!((p[0], bufs[0][0], bufs[1][0]), (-0.1 + 0.05, -1.0, 0.05));
    }

    #[test]
    fn bad_etas_and_step_sizes_are_rejected() {
        for (etas, step_sizes) in [
            ((0.0, 1.2), (1e-6, 50.0)),
            ((0.5, 1.0), (1e-6, 50.0)),
            ((0.5, f64::NAN), (1e-6, 50.0)),
            ((0.5, 1.2), (-1.0, 50.0)),
            ((0.5, 1.2), (2.0, 1.0)),
        ] {
            assert!(RpropRule { etas, step_sizes }.validate().is_err());
        }
    }
}
