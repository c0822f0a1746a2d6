//! Elementwise functions and activations.

use ndarray::ArrayD;

use crate::gradients::GradSlots;
use crate::op::Op;
use crate::ops::acc_map;
use crate::{Float, Tape, Var};

/// PyTorch's `softplus` threshold (with `beta = 1`): above it, softplus(x) = x.
const SOFTPLUS_THRESHOLD: f64 = 20.0;

/// PyTorch's default `negative_slope` of `leaky_relu` (`F.leaky_relu(x)` and
/// `nn.LeakyReLU()`), for callers of [`Tape::leaky_relu`] who want it.
///
/// ```
/// use autodiff::{Float, Tape, LEAKY_RELU_DEFAULT_SLOPE};
/// let mut tape = Tape::<f32>::new();
/// let x = tape.constant(ndarray::arr1(&[-2.0_f32]));
/// let y = tape.leaky_relu(x, f32::of(LEAKY_RELU_DEFAULT_SLOPE));
/// assert_eq!(tape.value(y)[[0]], -0.02);
/// ```
pub const LEAKY_RELU_DEFAULT_SLOPE: f64 = 0.01;

fn sigmoid<T: Float>(x: T) -> T {
    T::one() / (T::one() + (-x).exp())
}

impl<T: Float> Tape<T> {
    /// `eˣ`. Backward: `∂x = g·eˣ`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(0.0));
    /// let y = tape.exp(x);
    /// assert_eq!(tape.value(y)[[]], 1.0);
    /// ```
    pub fn exp(&mut self, x: Var) -> Var {
        self.unary_op(x, T::exp, Op::Exp(x))
    }

    /// Natural logarithm. Backward: `∂x = g/x`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(1.0));
    /// let y = tape.ln(x);
    /// assert_eq!(tape.value(y)[[]], 0.0);
    /// ```
    pub fn ln(&mut self, x: Var) -> Var {
        self.unary_op(x, T::ln, Op::Ln(x))
    }

    /// Square root. Backward: `∂x = g/(2√x)`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(9.0));
    /// let y = tape.sqrt(x);
    /// assert_eq!(tape.value(y)[[]], 3.0);
    /// ```
    pub fn sqrt(&mut self, x: Var) -> Var {
        self.unary_op(x, T::sqrt, Op::Sqrt(x))
    }

    /// `|x|`. Backward: `∂x = g·sign(x)` with `sign(0) = sign(NaN) = 0`
    /// (as PyTorch's `sgn`; `g` is still multiplied, so a NaN `g` stays NaN).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(-2.0));
    /// let y = tape.abs(x);
    /// assert_eq!(tape.value(y)[[]], 2.0);
    /// ```
    pub fn abs(&mut self, x: Var) -> Var {
        self.unary_op(x, T::abs, Op::Abs(x))
    }

    /// `sin x`. Backward: `∂x = g·cos x`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(0.0));
    /// let y = tape.sin(x);
    /// assert_eq!(tape.value(y)[[]], 0.0);
    /// ```
    pub fn sin(&mut self, x: Var) -> Var {
        self.unary_op(x, T::sin, Op::Sin(x))
    }

    /// `cos x`. Backward: `∂x = -g·sin x`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(0.0));
    /// let y = tape.cos(x);
    /// assert_eq!(tape.value(y)[[]], 1.0);
    /// ```
    pub fn cos(&mut self, x: Var) -> Var {
        self.unary_op(x, T::cos, Op::Cos(x))
    }

    /// `max(x, 0)`, propagating NaN. Backward, as PyTorch's
    /// `threshold_backward` on the result: `∂x = 0` where `relu(x) <= 0`, else
    /// `g` (so 0 at x = 0, and NaN inputs pass `g` through).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![-1.0, 2.0]);
    /// let y = tape.relu(x);
    /// assert_eq!(tape.value(y), &ndarray::array![0.0, 2.0].into_dyn());
    /// ```
    pub fn relu(&mut self, x: Var) -> Var {
        self.unary_op(
            x,
            |v| if v <= T::zero() { T::zero() } else { v },
            Op::Relu(x),
        )
    }

    /// `x` for `x > 0`, else `slope·x` (PyTorch's `negative_slope`; pass
    /// [`LEAKY_RELU_DEFAULT_SLOPE`] for its default 0.01).
    /// Backward: `∂x = g` for `x > 0`, else `slope·g` (so `slope·g` at 0).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![-1.0, 2.0]);
    /// let y = tape.leaky_relu(x, 0.01);
    /// assert_eq!(tape.value(y), &ndarray::array![-0.01, 2.0].into_dyn());
    /// ```
    pub fn leaky_relu(&mut self, x: Var, slope: T) -> Var {
        self.unary_op(
            x,
            |v| if v > T::zero() { v } else { v * slope },
            Op::LeakyRelu(x, slope),
        )
    }

    /// `1/(1+e⁻ˣ)`. Backward: `∂x = g·σ(x)(1-σ(x))`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(0.0));
    /// let y = tape.sigmoid(x);
    /// assert_eq!(tape.value(y)[[]], 0.5);
    /// ```
    pub fn sigmoid(&mut self, x: Var) -> Var {
        self.unary_op(x, sigmoid, Op::Sigmoid(x))
    }

    /// `tanh x`. Backward: `∂x = g·(1 - tanh²x)`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(0.0));
    /// let y = tape.tanh(x);
    /// assert_eq!(tape.value(y)[[]], 0.0);
    /// ```
    pub fn tanh(&mut self, x: Var) -> Var {
        self.unary_op(x, T::tanh, Op::Tanh(x))
    }

    /// `ln(1+eˣ)`, PyTorch's `softplus` with `beta = 1, threshold = 20`
    /// (linear above the threshold). Backward: `∂x = g·σ(x)` (`g` above 20).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![0.0, 30.0]);
    /// let y = tape.softplus(x);
    /// assert_eq!(tape.value(y), &ndarray::array![2f64.ln(), 30.0].into_dyn());
    /// ```
    pub fn softplus(&mut self, x: Var) -> Var {
        let th = T::of(SOFTPLUS_THRESHOLD);
        self.unary_op(
            x,
            |v| if v > th { v } else { v.exp().ln_1p() },
            Op::Softplus(x),
        )
    }
}

/// Backward of the elementwise functions and activations.
pub(crate) fn backward<T: Float>(
    tape: &Tape<T>,
    op: &Op<T>,
    out: &ArrayD<T>,
    g: &ArrayD<T>,
    slots: &mut GradSlots<'_, T>,
) {
    let zero = T::zero();
    let one = T::one();
    match *op {
        Op::Exp(x) => acc_map(slots, x, g, out, |g, o| g * o),
        Op::Ln(x) => acc_map(slots, x, g, tape.value(x), |g, v| g / v),
        Op::Sqrt(x) => acc_map(slots, x, g, out, |g, o| g / (o + o)),
        Op::Abs(x) => acc_map(slots, x, g, tape.value(x), |g, v| {
            let sign = if v > zero {
                one
            } else if v < zero {
                -one
            } else {
                zero
            };
            g * sign
        }),
        Op::Sin(x) => acc_map(slots, x, g, tape.value(x), |g, v| g * v.cos()),
        Op::Cos(x) => acc_map(slots, x, g, tape.value(x), |g, v| -g * v.sin()),
        Op::Relu(x) => acc_map(slots, x, g, out, |g, o| if o <= zero { zero } else { g }),
        Op::LeakyRelu(x, slope) => acc_map(slots, x, g, tape.value(x), |g, v| {
            if v > zero { g } else { g * slope }
        }),
        Op::Sigmoid(x) => acc_map(slots, x, g, out, |g, o| g * (one - o) * o),
        Op::Tanh(x) => acc_map(slots, x, g, out, |g, o| g * (one - o * o)),
        Op::Softplus(x) => {
            let th = T::of(SOFTPLUS_THRESHOLD);
            acc_map(slots, x, g, tape.value(x), |g, v| {
                if v > th {
                    g
                } else {
                    let z = v.exp();
                    g * z / (z + one)
                }
            })
        }
        _ => unreachable!("unary::backward on {op:?}"),
    }
}
