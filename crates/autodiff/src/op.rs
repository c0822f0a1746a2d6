//! The operations recorded on the tape. Each variant holds its parents and
//! whatever its vector-Jacobian product needs; the forward code and the
//! backward rule of each op live together in `ops/`.

use ndarray::ArrayD;

use crate::Var;

/// One recorded operation.
#[derive(Debug)]
pub(crate) enum Op<T> {
    /// An input: a parameter (needs a gradient) or a constant (does not).
    Leaf,
    Add(Var, Var),
    Sub(Var, Var),
    Mul(Var, Var),
    Div(Var, Var),
    Neg(Var),
    AddScalar(Var),
    MulScalar(Var, T),
    /// `c^x` for a scalar base `c`.
    ScalarPow(Var, T),
    Powi(Var, i32),
    Powf(Var, T),
    Exp(Var),
    Ln(Var),
    Sqrt(Var),
    Abs(Var),
    Sin(Var),
    Cos(Var),
    Relu(Var),
    LeakyRelu(Var, T),
    Sigmoid(Var),
    Tanh(Var),
    Softplus(Var),
    MatMul(Var, Var),
    /// `x · wᵀ + b`, PyTorch's `F.linear`.
    Linear(Var, Var, Option<Var>),
    Transpose(Var),
    Reshape(Var),
    Sum(Var),
    SumAxis {
        x: Var,
        axis: usize,
        keepdim: bool,
    },
    Softmax(Var, usize),
    LogSoftmax(Var, usize),
    /// Mean softmax cross-entropy; keeps the softmax probabilities and labels.
    CrossEntropy {
        logits: Var,
        probs: ArrayD<T>,
        /// Where this op's labels sit in the tape's label arena.
        labels: std::ops::Range<usize>,
    },
}

impl<T> Op<T> {
    /// The parents of this op, in order (at most three).
    pub(crate) fn parents(&self) -> [Option<Var>; 3] {
        use Op::*;
        match *self {
            Leaf => [None, None, None],
            Add(a, b) | Sub(a, b) | Mul(a, b) | Div(a, b) | MatMul(a, b) => {
                [Some(a), Some(b), None]
            }
            Linear(x, w, b) => [Some(x), Some(w), b],
            Neg(x)
            | AddScalar(x)
            | MulScalar(x, _)
            | ScalarPow(x, _)
            | Powi(x, _)
            | Powf(x, _)
            | Exp(x)
            | Ln(x)
            | Sqrt(x)
            | Abs(x)
            | Sin(x)
            | Cos(x)
            | Relu(x)
            | LeakyRelu(x, _)
            | Sigmoid(x)
            | Tanh(x)
            | Softplus(x)
            | Transpose(x)
            | Reshape(x)
            | Sum(x)
            | Softmax(x, _)
            | LogSoftmax(x, _) => [Some(x), None, None],
            SumAxis { x, .. } => [Some(x), None, None],
            CrossEntropy { logits, .. } => [Some(logits), None, None],
        }
    }
}
