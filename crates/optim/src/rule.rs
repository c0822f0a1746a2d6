//! An update rule: the per-parameter step of one algorithm, plus the
//! element-wise building blocks PyTorch's kernels use.

use std::fmt::Debug;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::float::Float;
use crate::optimizer::OptimizerKind;
use crate::state::Hyperparameters;

/// One per-parameter buffer (or scalar) of a rule: its PyTorch state name and
/// the value it starts from.
///
/// ```
/// use optim::{AdagradConfig, Rule};
/// let rule = AdagradConfig::default().initial_accumulator_value(0.1).rule;
/// assert_eq!(rule.buffers()[0].name, "sum");
/// assert_eq!(rule.buffers()[0].init, 0.1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BufferSpec {
    /// Name, as in PyTorch's `optimizer.state[p]` (`exp_avg`, `sum`, ...).
    pub name: &'static str,
    /// Initial value of every element.
    pub init: f64,
}

/// What one step of one parameter needs besides its arrays.
///
/// ```
/// use optim::StepCtx;
/// let ctx = StepCtx { lr: 0.1, weight_decay: 0.0, step: 1 };
/// assert_eq!(ctx.step, 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepCtx {
    /// The group's learning rate.
    pub lr: f64,
    /// The group's weight decay.
    pub weight_decay: f64,
    /// This parameter's step count, already incremented (1 on its first step).
    pub step: u64,
}

/// The update rule of an optimization algorithm, applied by a
/// [`Driver`](crate::Driver) to one parameter at a time over contiguous
/// slices. Implemented by this crate's `*Rule` types; the hyperparameters
/// shared by every rule (lr, weight decay) live in the groups instead.
///
/// ```
/// use optim::{Momentum, Rule, SgdRule, StepCtx};
/// let rule = SgdRule { momentum: Momentum::heavy(0.9) };
/// let (mut p, g, mut bufs) = ([1.0_f64], [0.5], vec![vec![0.0]]);
/// rule.update(StepCtx { lr: 0.1, weight_decay: 0.0, step: 1 }, &mut p, &g, &mut bufs, &mut []);
/// assert_eq!(p[0], 1.0 - 0.1 * 0.5);
/// assert_eq!(bufs[0][0], 0.5); // first step: buf = g
/// ```
pub trait Rule: Clone + Debug + PartialEq + Send + Sync + 'static {
    /// The algorithm.
    const KIND: OptimizerKind;

    /// Whether the algorithm takes a `weight_decay` (Rprop does not; a
    /// nonzero one is then an error when building or loading).
    const WEIGHT_DECAY: bool = true;

    /// Checks every hyperparameter's range.
    ///
    /// **Errors**: [`OptimError::InvalidHyperparameter`](crate::OptimError::InvalidHyperparameter).
    ///
    /// ```
    /// use optim::{AdamRule, Rule};
    /// assert!(AdamRule { eps: 0.0, ..AdamRule::default() }.validate().is_err());
    /// ```
    fn validate(&self) -> Result<()>;

    /// The per-parameter buffers this configuration needs, in the order
    /// [`Rule::update`] receives them (e.g. AMSGrad adds `max_exp_avg_sq`).
    ///
    /// ```
    /// use optim::{AdamRule, Rule};
    /// let names: Vec<_> = AdamRule::default().buffers().iter().map(|b| b.name).collect();
    /// assert_eq!(names, ["exp_avg", "exp_avg_sq"]);
    /// ```
    fn buffers(&self) -> Vec<BufferSpec>;

    /// Per-parameter scalars (NAdam's `mu_product`), kept in `f64` whatever
    /// the parameters' type; none by default.
    ///
    /// ```
    /// use optim::{NAdamRule, Rule, SgdRule};
    /// assert_eq!(NAdamRule::default().scalars()[0].name, "mu_product");
    /// assert!(SgdRule::default().scalars().is_empty());
    /// ```
    fn scalars(&self) -> Vec<BufferSpec> {
        Vec::new()
    }

    /// `None` if the rule can step a parameter of `shape`, else the shapes
    /// it takes, in words (Muon: matrices only). Checked before any update.
    ///
    /// ```
    /// use optim::{AdamRule, MuonRule, Rule};
    /// assert_eq!(AdamRule::default().unsupported_shape(&[3]), None);
    /// assert!(MuonRule::default().unsupported_shape(&[3]).is_some());
    /// ```
    fn unsupported_shape(&self, shape: &[usize]) -> Option<&'static str> {
        let _ = shape;
        None
    }

    /// How many elements buffer number `buffer` (in [`Rule::buffers`] order)
    /// holds for a parameter of `shape`: all of them by default; Adafactor's
    /// factored moments hold one per row or column.
    ///
    /// ```
    /// use optim::{AdafactorRule, AdamRule, Rule};
    /// assert_eq!(AdamRule::default().buffer_len(0, &[3, 4]), 12);
    /// assert_eq!(AdafactorRule::default().buffer_len(0, &[3, 4]), 3); // row_var
    /// ```
    fn buffer_len(&self, buffer: usize, shape: &[usize]) -> usize {
        let _ = buffer;
        shape.iter().product()
    }

    /// [`Rule::update`] for a rule that needs the parameter's shape (the
    /// driver always calls this one); by default the shape is ignored.
    ///
    /// ```
    /// use optim::{Rule, SgdRule, StepCtx};
    /// let (mut p, ctx) = ([1.0_f64, 2.0], StepCtx { lr: 0.5, weight_decay: 0.0, step: 1 });
    /// SgdRule::default().update_shaped(ctx, &[1, 2], &mut p, &[1.0, 1.0], &mut [], &mut []);
    /// assert_eq!(p, [0.5, 1.5]);
    /// ```
    fn update_shaped<T: Float>(
        &self,
        ctx: StepCtx,
        shape: &[usize],
        param: &mut [T],
        grad: &[T],
        buffers: &mut [Vec<T>],
        scalars: &mut [f64],
    ) {
        let _ = shape;
        self.update(ctx, param, grad, buffers, scalars);
    }

    /// Updates one parameter in place. `param`, `grad` and every buffer have
    /// the same length; `buffers` and `scalars` follow [`Rule::buffers`] and
    /// [`Rule::scalars`].
    ///
    /// ```
    /// use optim::{AdagradRule, Rule, StepCtx};
    /// let (mut p, mut sum) = ([1.0_f32], vec![vec![0.0_f32]]);
    /// let ctx = StepCtx { lr: 1.0, weight_decay: 0.0, step: 1 };
    /// AdagradRule::default().update(ctx, &mut p, &[2.0], &mut sum, &mut []);
    /// assert_eq!(sum[0][0], 4.0);
    /// ```
    fn update<T: Float>(
        &self,
        ctx: StepCtx,
        param: &mut [T],
        grad: &[T],
        buffers: &mut [Vec<T>],
        scalars: &mut [f64],
    );

    /// The hyperparameters as a serializable value that names the algorithm.
    ///
    /// ```
    /// use optim::{Hyperparameters, RAdamRule, Rule};
    /// assert!(matches!(RAdamRule::default().to_hyperparameters(), Hyperparameters::RAdam(_)));
    /// ```
    fn to_hyperparameters(&self) -> Hyperparameters;

    /// Reads hyperparameters saved by the same algorithm; `None` for another.
    ///
    /// ```
    /// use optim::{AdamRule, Rule, SgdRule};
    /// let h = AdamRule::default().to_hyperparameters();
    /// assert_eq!(AdamRule::from_hyperparameters(&h), Some(AdamRule::default()));
    /// assert_eq!(SgdRule::from_hyperparameters(&h), None);
    /// ```
    fn from_hyperparameters(hyperparameters: &Hyperparameters) -> Option<Self>;
}

/// How weight decay enters an adaptive update.
///
/// ```
/// use optim::DecayMode;
/// assert_eq!(DecayMode::default(), DecayMode::Coupled);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DecayMode {
    /// L2 regularization: `g ← g + weight_decay·θ` before the update.
    #[default]
    Coupled,
    /// Decoupled (AdamW-style): `θ ← θ·(1 − lr·weight_decay)` before the
    /// update. PyTorch's `decoupled_weight_decay=True`.
    Decoupled,
}

/// Weight decay as two element-wise maps, so kernels are monomorphized per
/// mode instead of branching per element.
pub(crate) trait Decay<T>: Copy {
    /// The parameter the update starts from.
    fn param(self, p: T) -> T;
    /// The gradient the update uses, given the (possibly decayed) parameter.
    fn grad(self, p: T, g: T) -> T;
}

/// No weight decay (PyTorch skips the term when `weight_decay == 0`).
#[derive(Clone, Copy)]
pub(crate) struct NoDecay;

impl<T: Float> Decay<T> for NoDecay {
    #[inline(always)]
    fn param(self, p: T) -> T {
        p
    }
    #[inline(always)]
    fn grad(self, _p: T, g: T) -> T {
        g
    }
}

/// `grad.add(param, alpha=weight_decay)`.
#[derive(Clone, Copy)]
pub(crate) struct Coupled<T>(pub T);

impl<T: Float> Decay<T> for Coupled<T> {
    #[inline(always)]
    fn param(self, p: T) -> T {
        p
    }
    #[inline(always)]
    fn grad(self, p: T, g: T) -> T {
        g + self.0 * p
    }
}

/// `param.mul_(1 - lr * weight_decay)`.
#[derive(Clone, Copy)]
pub(crate) struct Decoupled<T>(pub T);

impl<T: Float> Decay<T> for Decoupled<T> {
    #[inline(always)]
    fn param(self, p: T) -> T {
        p * self.0
    }
    #[inline(always)]
    fn grad(self, _p: T, g: T) -> T {
        g
    }
}

/// Calls `$body` with `$d` bound to the decay of `$mode` for this step.
macro_rules! with_decay {
    ($T:ty, $ctx:expr, $mode:expr, |$d:ident| $body:expr) => {{
        let ctx: $crate::rule::StepCtx = $ctx;
        if ctx.weight_decay == 0.0 {
            let $d = $crate::rule::NoDecay;
            $body
        } else if $mode == $crate::rule::DecayMode::Decoupled {
            let $d = $crate::rule::Decoupled(<$T as $crate::float::Float>::of(
                1.0 - ctx.lr * ctx.weight_decay,
            ));
            $body
        } else {
            let $d = $crate::rule::Coupled(<$T as $crate::float::Float>::of(ctx.weight_decay));
            $body
        }
    }};
}
pub(crate) use with_decay;

/// `start.lerp_(end, weight)` as PyTorch's CPU kernel computes it: two
/// formulas depending on whether `|weight| < 0.5`.
#[derive(Clone, Copy)]
pub(crate) struct Lerp<T> {
    weight: T,
    one_minus_weight: T,
    small: bool,
}

impl<T: Float> Lerp<T> {
    /// `weight` is computed in `f64` (like `1 - beta1` in Python) and rounded once.
    pub(crate) fn new(weight: f64) -> Self {
        let w = T::of(weight);
        Lerp {
            weight: w,
            one_minus_weight: T::one() - w,
            small: weight.abs() < 0.5,
        }
    }

    #[inline(always)]
    pub(crate) fn apply(self, start: T, end: T) -> T {
        if self.small {
            start + self.weight * (end - start)
        } else {
            end - (end - start) * self.one_minus_weight
        }
    }
}

/// `torch.maximum`: NaN if either side is NaN.
#[inline(always)]
pub(crate) fn maximum<T: Float>(a: T, b: T) -> T {
    if a > b {
        a
    } else if a <= b {
        b
    } else {
        a + b
    }
}

/// Python's `base ** exponent` for the bias corrections (`beta ** step`).
pub(crate) fn pow_step(base: f64, step: u64) -> f64 {
    base.powf(step as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lerp_uses_both_formulas() {
        let small = Lerp::<f64>::new(0.1);
        assert_eq!(small.apply(1.0, 2.0), 1.0 + 0.1 * (2.0 - 1.0));
        let large = Lerp::<f64>::new(0.9);
        assert_eq!(large.apply(1.0, 2.0), 2.0 - (2.0 - 1.0) * (1.0 - 0.9));
    }

    #[test]
    fn maximum_propagates_nan() {
        assert!(maximum(f64::NAN, 1.0).is_nan());
        assert!(maximum(1.0, f64::NAN).is_nan());
        assert_eq!(maximum(1.0, 2.0), 2.0);
        assert_eq!(maximum(3.0_f32, 2.0), 3.0);
    }
}
