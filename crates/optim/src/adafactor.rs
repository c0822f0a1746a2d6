//! Adafactor: factored second moments and a relative step size.
//!
//! PyTorch's `torch.optim.Adafactor` (single-tensor path), per parameter θ
//! with n elements and gradient g at step t, `lr` γ, `beta2_decay` c,
//! `eps` (ε₁, ε₂), `d`, `weight_decay` λ:
//!
//! ```text
//! β̄  = t^c                                  (one minus β₂ at step t)
//! ρ  = min(γ, 1/√t)
//! α  = max(ε₂, ‖θ‖₂/√n)·ρ                   (θ before weight decay)
//! θ  ← θ·(1 − γλ)                           if λ ≠ 0
//! ≥ 2-D, per matrix of the trailing (rows, cols):
//!     r ← r + β̄·(‖g_row‖²/cols − r)        (row_var)
//!     c ← c + β̄·(‖g_col‖²/rows − c)        (col_var)
//!     v̂ = r·cᵀ / max(mean(r), ε₁)
//! 0-D and 1-D:
//!     v ← v + β̄·(g² − v),   v̂ = v           (variance)
//! u  = g / √max(v̂, ε₁²)
//! θ  ← θ − α / max(1, ‖u‖₂/(√n·d)) · u
//! ```
//!
//! ε₁ defaults to the machine epsilon of the parameters' type (PyTorch's
//! `eps=(None, 1e-3)`). Every parameter keeps all three buffers; the two a
//! shape does not use are empty (PyTorch leaves them out of the state). Norms
//! are summed in order in the parameters' type, so `f64` results equal
//! PyTorch's up to the order of its vectorized reductions.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::{OptimError, Result};
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{BufferSpec, Lerp, Rule, StepCtx};
use crate::state::Hyperparameters;

/// Adafactor's own hyperparameters.
///
/// ```
/// let r = optim::AdafactorRule::default();
/// assert_eq!((r.beta2_decay, r.eps, r.d), (-0.8, (None, 1e-3), 1.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdafactorRule {
    /// c ≤ 0, the decay of one minus β₂ (`beta2_decay`).
    pub beta2_decay: f64,
    /// (ε₁, ε₂) ≥ 0; ε₁ `None` is the machine epsilon of the type (`eps`).
    pub eps: (Option<f64>, f64),
    /// Clipping threshold d ≥ 1 of the update's RMS (`d`).
    pub d: f64,
}

impl Default for AdafactorRule {
    fn default() -> Self {
        AdafactorRule {
            beta2_decay: -0.8,
            eps: (None, 1e-3),
            d: 1.0,
        }
    }
}

/// Configuration of [`Adafactor`]; defaults are PyTorch's (`lr=1e-2`,
/// `beta2_decay=-0.8`, `eps=(None, 1e-3)`, `d=1.0`, `weight_decay=0`,
/// `maximize=False`). Weight decay is decoupled: `θ ← θ·(1 − lr·λ)`.
///
/// ```
/// assert_eq!(optim::AdafactorConfig::default().lr, 1e-2);
/// ```
pub type AdafactorConfig = Config<AdafactorRule>;

/// Adafactor, `torch.optim.Adafactor`.
///
/// ```
/// use ndarray::array;
/// use optim::{Adafactor, AdafactorConfig, Optimizer, ParamMut};
/// let mut opt: Adafactor<f64> = AdafactorConfig::default().build()?;
/// let (mut w, g) = (array![[1.0, 2.0], [3.0, 4.0]], array![[0.1, 0.2], [0.3, 0.4]]);
/// opt.step(&mut [ParamMut::new("w", w.view_mut(), g.view())])?;
/// assert!(w.iter().zip([1.0, 2.0, 3.0, 4.0]).all(|(a, b)| *a < b));
/// assert_eq!(opt.buffer("w", "row_var").unwrap().len(), 2); // one per row
/// assert!(opt.buffer("w", "variance").unwrap().is_empty()); // factored
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type Adafactor<T> = Driver<AdafactorRule, T>;

impl Default for Config<AdafactorRule> {
    fn default() -> Self {
        Config::with_rule(AdafactorRule::default(), 1e-2, 0.0)
    }
}

impl Config<AdafactorRule> {
    /// Sets `beta2_decay`.
    ///
    /// ```
    /// assert_eq!(optim::AdafactorConfig::default().beta2_decay(-0.5).rule.beta2_decay, -0.5);
    /// ```
    pub fn beta2_decay(mut self, beta2_decay: f64) -> Self {
        self.rule.beta2_decay = beta2_decay;
        self
    }

    /// Sets `eps` (ε₁, ε₂); ε₁ `None` means the type's machine epsilon.
    ///
    /// ```
    /// let c = optim::AdafactorConfig::default().eps(Some(1e-30), 1e-3);
    /// assert_eq!(c.rule.eps, (Some(1e-30), 1e-3));
    /// ```
    pub fn eps(mut self, eps1: Option<f64>, eps2: f64) -> Self {
        self.rule.eps = (eps1, eps2);
        self
    }

    /// Sets `d`.
    ///
    /// ```
    /// assert_eq!(optim::AdafactorConfig::default().d(2.0).rule.d, 2.0);
    /// ```
    pub fn d(mut self, d: f64) -> Self {
        self.rule.d = d;
        self
    }
}

/// (batches, rows, cols) of a factored shape, `None` for 0-D and 1-D.
fn factored(shape: &[usize]) -> Option<(usize, usize, usize)> {
    match shape {
        [batch @ .., rows, cols] => {
            let batches = batch.iter().fold(1usize, |n, &d| n.saturating_mul(d));
            Some((batches, *rows, *cols))
        }
        _ => None,
    }
}

impl Rule for AdafactorRule {
    const KIND: OptimizerKind = OptimizerKind::Adafactor;

    fn validate(&self) -> Result<()> {
        if !(self.beta2_decay <= 0.0 && self.beta2_decay.is_finite()) {
            let (name, value) = ("beta2_decay", self.beta2_decay);
            let expected = "a finite number <= 0";
            return Err(OptimError::InvalidHyperparameter {
                name,
                value,
                expected,
            });
        }
        if let Some(eps1) = self.eps.0 {
            check::non_negative("eps[0]", eps1)?;
        }
        check::non_negative("eps[1]", self.eps.1)?;
        if !(self.d >= 1.0 && self.d.is_finite()) {
            let (name, value, expected) = ("d", self.d, "a finite number >= 1");
            return Err(OptimError::InvalidHyperparameter {
                name,
                value,
                expected,
            });
        }
        Ok(())
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        ["row_var", "col_var", "variance"]
            .into_iter()
            .map(|name| BufferSpec { name, init: 0.0 })
            .collect()
    }

    fn buffer_len(&self, buffer: usize, shape: &[usize]) -> usize {
        match (factored(shape), buffer) {
            (Some((b, rows, _)), 0) => b.saturating_mul(rows),
            (Some((b, _, cols)), 1) => b.saturating_mul(cols),
            (None, 2) => shape.iter().product(),
            _ => 0,
        }
    }

    /// Without a shape the parameter is treated as a vector.
    fn update<T: Float>(
        &self,
        ctx: StepCtx,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [Vec<T>],
        scalars: &mut [f64],
    ) {
        self.update_shaped(ctx, &[param.len()], param, grad, buffers, scalars);
    }

    fn update_shaped<T: Float>(
        &self,
        ctx: StepCtx,
        shape: &[usize],
        param: &mut [T],
        grad: &[T],
        buffers: &mut [Vec<T>],
        _scalars: &mut [f64],
    ) {
        let [row_var, col_var, variance] = buffers else {
            unreachable!("Adafactor has three buffers")
        };
        let (lr, step) = (ctx.lr, ctx.step as f64);
        let eps1 = self.eps.0.unwrap_or(T::epsilon().as_f64());
        let lerp = Lerp::new(step.powf(self.beta2_decay));
        let rho = lr.min(1.0 / step.powf(0.5));
        let numel_sqrt = (param.len() as f64).powf(0.5);
        let rms = norm(param.iter().copied()).as_f64() / numel_sqrt;
        let alpha = self.eps.1.max(rms) * rho;
        if ctx.weight_decay != 0.0 {
            let decay = T::of(1.0 - lr * ctx.weight_decay);
            param.iter_mut().for_each(|p| *p *= decay);
        }
        // Per matrix: max(mean(row_var), ε₁), the divisor of r·cᵀ.
        let (var, means) = match factored(shape) {
            Some((batches, rows, cols)) => {
                factor(lerp, rows, cols, grad, row_var, col_var);
                let means = (0..batches)
                    .map(|b| row_var_mean(row_var, b, rows, eps1))
                    .collect();
                (Variance::Factored { rows, cols }, means)
            }
            None => {
                for (v, &g) in variance.iter_mut().zip(grad) {
                    *v = lerp.apply(*v, g * g);
                }
                (Variance::Full, Vec::new())
            }
        };
        let floor = T::of(eps1 * eps1);
        let update = |i: usize| {
            let v = match var {
                Variance::Full => variance[i],
                Variance::Factored { rows, cols } => {
                    let (b, j) = (i / (rows * cols), i % cols);
                    // i / cols is the row over all matrices, b·rows + r.
                    row_var[i / cols] * col_var[b * cols + j] / means[b]
                }
            };
            T::one() / v.max(floor).sqrt() * grad[i]
        };
        let update_norm = norm((0..param.len()).map(update)).as_f64();
        let denom = 1.0_f64.max(update_norm / (numel_sqrt * self.d));
        let neg_step = T::of(-alpha / denom);
        for (i, p) in param.iter_mut().enumerate() {
            *p += neg_step * update(i);
        }
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::Adafactor(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::Adafactor(rule) => Some(*rule),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
enum Variance {
    Full,
    Factored { rows: usize, cols: usize },
}

/// `torch.linalg.vector_norm` summed in order.
fn norm<T: Float>(values: impl Iterator<Item = T>) -> T {
    values.fold(T::zero(), |s, v| s + v * v).sqrt()
}

/// `row_var.mean(dim=-2).clamp_(min=eps1)` of matrix `b`.
fn row_var_mean<T: Float>(row_var: &[T], b: usize, rows: usize, eps1: f64) -> T {
    let rows_of_b = &row_var[b * rows..(b + 1) * rows];
    let sum = rows_of_b.iter().fold(T::zero(), |s, &r| s + r);
    (sum / T::of(rows as f64)).max(T::of(eps1))
}

/// Moves the row and column means of g² into `row_var` and `col_var`
/// (`vector_norm(g, dim).square_().div_(size)`, then `lerp_`).
fn factor<T: Float>(
    lerp: Lerp<T>,
    rows: usize,
    cols: usize,
    grad: &[T],
    row_var: &mut [T],
    col_var: &mut [T],
) {
    let square = |x: T| x * x;
    let batches = row_var.len().checked_div(rows).unwrap_or(0);
    for b in 0..batches {
        let m = &grad[b * rows * cols..(b + 1) * rows * cols];
        for r in 0..rows {
            let row = &m[r * cols..(r + 1) * cols];
            let mean = square(norm(row.iter().copied())) / T::of(cols as f64);
            let v = &mut row_var[b * rows + r];
            *v = lerp.apply(*v, mean);
        }
        for c in 0..cols {
            let column = (0..rows).map(|r| m[r * cols + c]);
            let mean = square(norm(column)) / T::of(rows as f64);
            let v = &mut col_var[b * cols + c];
            *v = lerp.apply(*v, mean);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_follow_the_shape() {
        let rule = AdafactorRule::default();
        let lens = |shape: &[usize]| {
            (0..3)
                .map(|i| rule.buffer_len(i, shape))
                .collect::<Vec<_>>()
        };
        assert_eq!(lens(&[5]), [0, 0, 5]);
        assert_eq!(lens(&[]), [0, 0, 1]);
        assert_eq!(lens(&[3, 4]), [3, 4, 0]);
        assert_eq!(lens(&[2, 3, 4]), [6, 8, 0]);
    }

    #[test]
    fn bad_hyperparameters_are_rejected() {
        let d = AdafactorRule::default();
        for bad in [
            AdafactorRule {
                beta2_decay: 0.1,
                ..d
            },
            AdafactorRule {
                eps: (Some(-1.0), 1e-3),
                ..d
            },
            AdafactorRule {
                eps: (None, f64::NAN),
                ..d
            },
            AdafactorRule { d: 0.5, ..d },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }
}
