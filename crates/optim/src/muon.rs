//! Muon: momentum orthogonalized by Newton–Schulz iterations, for matrices.
//!
//! PyTorch's `torch.optim.Muon` (single-tensor path), per 2-D parameter θ
//! (A×B) with gradient g, `lr` γ, `weight_decay` λ, `momentum` μ,
//! `nesterov`, `ns_coefficients` (a, b, c), `eps` ε, `ns_steps` k:
//!
//! ```text
//! m  ← m + (1 − μ)·(g − m)                 (buf.lerp_(g, 1 − μ))
//! u  = g + μ·(m − g)  (Nesterov)  or  m     (g.lerp(buf, μ))
//! X  = bf16(u), transposed if A > B;   X ← X / max(‖X‖, ε)
//! k times:  G = X·Xᵀ;  H = b·G + c·G·G;  X ← a·X + H·X
//! θ  ← θ·(1 − γλ)
//! θ  ← θ − γ'·X         γ' = adjust_lr_fn(γ, A, B)
//! ```
//!
//! As in PyTorch, the Newton–Schulz iterations run in bfloat16 whatever the
//! parameters' type: every product and sum is computed in `f32` and rounded
//! to bfloat16 (round to nearest even) where PyTorch's bfloat16 tensor ops
//! round. PyTorch's CPU matrix products accumulate in `f32` in an order of
//! their own, so the last bfloat16 bit may differ from PyTorch's.
//! Parameters that are not matrices are a typed error.

use serde::{Deserialize, Serialize};

use crate::check;
use crate::config::Config;
use crate::driver::Driver;
use crate::error::{OptimError, Result};
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::rule::{BufferSpec, Lerp, Rule, StepCtx};
use crate::state::Hyperparameters;

/// How Muon scales the learning rate by the matrix shape A×B (`adjust_lr_fn`).
///
/// ```
/// use optim::AdjustLr;
/// assert_eq!(AdjustLr::default(), AdjustLr::Original);
/// assert_eq!(AdjustLr::Original.apply(0.1, 4, 1), 0.1 * 2.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdjustLr {
    /// `γ·√max(1, A/B)` (Keller Jordan's; `"original"` or `None`).
    #[default]
    Original,
    /// `γ·0.2·√max(A, B)` (Moonshot's; `"match_rms_adamw"`).
    MatchRmsAdamW,
    /// `γ·√(A/B)` (Bernstein's; `"spectral_unclamped"`).
    SpectralUnclamped,
}

impl AdjustLr {
    /// The adjusted learning rate for a matrix of `rows`×`cols` (A×B).
    ///
    /// ```
    /// use optim::AdjustLr;
    /// assert_eq!(AdjustLr::SpectralUnclamped.apply(1.0, 1, 4), 0.5);
    /// ```
    pub fn apply(self, lr: f64, rows: usize, cols: usize) -> f64 {
        let (a, b) = (rows as f64, cols as f64);
        let ratio = match self {
            AdjustLr::Original => 1.0_f64.max(a / b).sqrt(),
            AdjustLr::MatchRmsAdamW => 0.2 * a.max(b).sqrt(),
            AdjustLr::SpectralUnclamped => (a / b).sqrt(),
        };
        lr * ratio
    }
}

/// Muon's own hyperparameters.
///
/// ```
/// let r = optim::MuonRule::default();
/// assert_eq!((r.momentum, r.nesterov, r.ns_steps), (0.95, true, 5));
/// assert_eq!(r.ns_coefficients, (3.4445, -4.7750, 2.0315));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MuonRule {
    /// μ in `[0, 1)` (`momentum`; PyTorch only asks ≥ 0).
    pub momentum: f64,
    /// Nesterov momentum (`nesterov`).
    pub nesterov: bool,
    /// (a, b, c) of the quintic iteration (`ns_coefficients`), finite.
    pub ns_coefficients: (f64, f64, f64),
    /// ε ≥ 0 floor of the normalizing norm (`eps`).
    pub eps: f64,
    /// Iterations k < 100 (`ns_steps`).
    pub ns_steps: u32,
    /// Learning-rate scaling by shape (`adjust_lr_fn`).
    pub adjust_lr_fn: AdjustLr,
}

impl Default for MuonRule {
    fn default() -> Self {
        MuonRule {
            momentum: 0.95,
            nesterov: true,
            ns_coefficients: (3.4445, -4.7750, 2.0315),
            eps: 1e-7,
            ns_steps: 5,
            adjust_lr_fn: AdjustLr::Original,
        }
    }
}

/// Configuration of [`Muon`]; defaults are PyTorch's (`lr=1e-3`,
/// `weight_decay=0.1`, `momentum=0.95`, `nesterov=True`,
/// `ns_coefficients=(3.4445, -4.7750, 2.0315)`, `eps=1e-7`, `ns_steps=5`,
/// `adjust_lr_fn=None`). Weight decay is decoupled. Set fields of `rule`
/// for the rest.
///
/// ```
/// let c = optim::MuonConfig::default().momentum(0.9);
/// assert_eq!((c.lr, c.weight_decay, c.rule.momentum), (1e-3, 0.1, 0.9));
/// ```
pub type MuonConfig = Config<MuonRule>;

/// Muon, `torch.optim.Muon`, for 2-D parameters only.
///
/// ```
/// use ndarray::array;
/// use optim::{Muon, MuonConfig, OptimError, Optimizer, ParamMut};
/// let mut opt: Muon<f32> = MuonConfig::default().lr(0.02).build()?;
/// let (mut w, g) = (array![[1.0_f32, 0.0], [0.0, 1.0]], array![[1.0, 0.0], [0.0, 1.0]]);
/// opt.step(&mut [ParamMut::new("w", w.view_mut(), g.view())])?;
/// assert!(w[[0, 0]] < 1.0 && w[[0, 1]] == 0.0);
/// let (mut b, gb) = (array![1.0_f32], array![1.0_f32]);
/// let err = opt.step(&mut [ParamMut::new("b", b.view_mut(), gb.view())]).unwrap_err();
/// assert!(matches!(err, OptimError::UnsupportedShape { .. }));
/// # Ok::<(), optim::OptimError>(())
/// ```
pub type Muon<T> = Driver<MuonRule, T>;

impl Default for Config<MuonRule> {
    fn default() -> Self {
        Config::with_rule(MuonRule::default(), 1e-3, 0.1)
    }
}

impl Config<MuonRule> {
    /// Sets `momentum`.
    ///
    /// ```
    /// assert_eq!(optim::MuonConfig::default().momentum(0.9).rule.momentum, 0.9);
    /// ```
    pub fn momentum(mut self, momentum: f64) -> Self {
        self.rule.momentum = momentum;
        self
    }

    /// Sets `nesterov`.
    ///
    /// ```
    /// assert!(!optim::MuonConfig::default().nesterov(false).rule.nesterov);
    /// ```
    pub fn nesterov(mut self, nesterov: bool) -> Self {
        self.rule.nesterov = nesterov;
        self
    }
}

impl Rule for MuonRule {
    const KIND: OptimizerKind = OptimizerKind::Muon;

    fn validate(&self) -> Result<()> {
        check::unit_half_open("momentum", self.momentum)?;
        let (a, b, c) = self.ns_coefficients;
        check::finite("ns_coefficients[0]", a)?;
        check::finite("ns_coefficients[1]", b)?;
        check::finite("ns_coefficients[2]", c)?;
        check::non_negative("eps", self.eps)?;
        if self.ns_steps >= 100 {
            return Err(OptimError::InvalidHyperparameter {
                name: "ns_steps",
                value: f64::from(self.ns_steps),
                expected: "an integer < 100",
            });
        }
        Ok(())
    }

    fn unsupported_shape(&self, shape: &[usize]) -> Option<&'static str> {
        (shape.len() != 2).then_some("2-D parameters (matrices) only")
    }

    fn buffers(&self) -> Vec<BufferSpec> {
        vec![BufferSpec {
            name: "momentum_buffer",
            init: 0.0,
        }]
    }

    /// Only reached for a matrix through [`Rule::update_shaped`]; a bare
    /// slice is taken as one row.
    fn update<T: Float>(
        &self,
        ctx: StepCtx,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [Vec<T>],
        scalars: &mut [f64],
    ) {
        self.update_shaped(ctx, &[1, param.len()], param, grad, buffers, scalars);
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
        let [buf] = buffers else {
            unreachable!("Muon has one buffer")
        };
        let &[rows, cols] = shape else {
            unreachable!("the driver steps matrices only")
        };
        let (to_buf, to_update) = (Lerp::new(1.0 - self.momentum), Lerp::new(self.momentum));
        let update: Vec<f32> = buf
            .iter_mut()
            .zip(grad)
            .map(|(m, &g)| {
                *m = to_buf.apply(*m, g);
                let u = if self.nesterov {
                    to_update.apply(g, *m)
                } else {
                    *m
                };
                bf16(u.as_f64() as f32)
            })
            .collect();
        let ortho = newton_schulz(self, update, rows, cols);
        let lr = self.adjust_lr_fn.apply(ctx.lr, rows, cols);
        let decay = T::of(1.0 - ctx.lr * ctx.weight_decay);
        let neg_lr = T::of(-lr);
        for (p, &o) in param.iter_mut().zip(&ortho) {
            *p *= decay;
            *p += neg_lr * T::of(f64::from(o));
        }
    }

    fn to_hyperparameters(&self) -> Hyperparameters {
        Hyperparameters::Muon(*self)
    }

    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self> {
        match hyperparameters {
            Hyperparameters::Muon(rule) => Some(*rule),
            _ => None,
        }
    }
}

/// Rounds an `f32` to the nearest bfloat16 (ties to even), kept as `f32`.
fn bf16(x: f32) -> f32 {
    if x.is_nan() {
        return x;
    }
    let bits = x.to_bits();
    let rounding = 0x7FFF + ((bits >> 16) & 1);
    f32::from_bits(bits.wrapping_add(rounding) & 0xFFFF_0000)
}

/// `α·(X·Y) + β·C` for row-major X (n×k), Y (k×m), C (n×m) or none,
/// accumulated in `f32` and rounded to bfloat16 (`torch.addmm`, `@`).
fn addmm(c: Option<(&[f32], f32)>, x: &[f32], y: &[f32], alpha: f32, dims: [usize; 3]) -> Vec<f32> {
    let [n, k, m] = dims;
    let mut out = vec![0.0; n * m];
    for i in 0..n {
        for j in 0..m {
            let dot = (0..k).fold(0.0_f32, |s, l| s + x[i * k + l] * y[l * m + j]);
            let beta_c = c.map_or(0.0, |(c, beta)| beta * c[i * m + j]);
            out[i * m + j] = bf16(alpha * dot + beta_c);
        }
    }
    out
}

fn transpose(x: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    (0..cols * rows)
        .map(|i| x[(i % rows) * cols + i / rows])
        .collect()
}

/// PyTorch's `_zeropower_via_newtonschulz` in bfloat16; returns A×B values.
fn newton_schulz(rule: &MuonRule, update: Vec<f32>, rows: usize, cols: usize) -> Vec<f32> {
    let tall = rows > cols;
    let (mut x, n, k) = if tall {
        (transpose(&update, rows, cols), cols, rows)
    } else {
        (update, rows, cols)
    };
    let norm = bf16(x.iter().fold(0.0_f32, |s, &v| s + v * v).sqrt());
    let norm = norm.max(bf16(rule.eps as f32));
    x.iter_mut().for_each(|v| *v = bf16(*v / norm));
    let (a, b, c) = rule.ns_coefficients;
    let (a, b, c) = (a as f32, b as f32, c as f32);
    for _ in 0..rule.ns_steps {
        let xt = transpose(&x, n, k);
        let gram = addmm(None, &x, &xt, 1.0, [n, k, n]);
        let gram_update = addmm(Some((&gram, b)), &gram, &gram, c, [n, n, n]);
        x = addmm(Some((&x, a)), &gram_update, &x, 1.0, [n, n, k]);
    }
    if tall { transpose(&x, n, k) } else { x }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bf16_rounds_to_nearest_even() {
        assert_eq!(bf16(1.0), 1.0);
        // 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷: ties to even (1).
        assert_eq!(bf16(1.0 + 1.0 / 256.0), 1.0);
        assert_eq!(bf16(1.0 + 3.0 / 256.0), 1.0 + 4.0 / 256.0);
        assert!(bf16(f32::NAN).is_nan());
    }

    #[test]
    fn newton_schulz_roughly_orthogonalizes() {
        // diag(3, 1) → singular values pushed towards 1 (within NS's ~[0.7, 1.2]).
        let x = newton_schulz(&MuonRule::default(), vec![3.0, 0.0, 0.0, 1.0], 2, 2);
        assert!(x[1] == 0.0 && x[2] == 0.0);
        assert!(
            (0.6..1.3).contains(&x[0]) && (0.6..1.3).contains(&x[3]),
            "{x:?}"
        );
    }

    #[test]
    fn bad_hyperparameters_are_rejected() {
        let d = MuonRule::default();
        for bad in [
            MuonRule { momentum: 1.0, ..d },
            MuonRule { ns_steps: 100, ..d },
            MuonRule { eps: -1.0, ..d },
            MuonRule {
                ns_coefficients: (f64::NAN, 0.0, 0.0),
                ..d
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }
}
