//! Reverse-mode automatic differentiation over `ndarray` tensors.
//!
//! A [`Tape`] records operations (a Wengert list) on `f32` or `f64` arrays;
//! [`Tape::backward`] from a scalar loss returns [`Gradients`] for every leaf
//! that needs one. Definitions follow PyTorch (mean cross-entropy from logits,
//! softmax along the last axis, `leaky_relu` slope 0.01 as
//! [`LEAKY_RELU_DEFAULT_SLOPE`], `softplus` threshold 20, gradient 0 for `relu`
//! and `abs` at 0 and for `x⁰`).
//!
//! ```
//! use autodiff::Tape;
//! use ndarray::array;
//!
//! // A one-layer classifier: loss = cross_entropy(x·wᵀ + b, y)
//! let mut tape = Tape::<f64>::new();
//! let x = tape.constant(array![[1.0, 2.0], [0.5, -1.0]]);
//! let w = tape.leaf(array![[0.1, 0.2], [0.3, -0.1], [0.0, 0.5]]);
//! let b = tape.leaf(array![0.0, 0.1, -0.1]);
//! let logits = tape.linear(x, w, Some(b));
//! let loss = tape.cross_entropy(logits, &[2, 0]);
//! let grads = tape.backward(loss).unwrap();
//! assert_eq!(grads.wrt(w).unwrap().shape(), &[3, 2]);
//! // ∂loss/∂b sums softmax - onehot over the batch, so its entries sum to 0
//! assert!(grads.wrt(b).unwrap().sum().abs() < 1e-12);
//! ```

mod backward;
mod broadcast;
mod error;
mod float;
mod gradcheck;
mod gradients;
mod op;
mod ops;
mod pool;
mod skinny;
mod tape;

pub use error::{AutodiffError, Result};
pub use float::Float;
pub use gradcheck::{
    GradCheck, GradCheckReport, InputError, Objective, check_gradients, hessian_vector_product,
};
pub use gradients::Gradients;
pub use ops::unary::LEAKY_RELU_DEFAULT_SLOPE;
pub use tape::{Tape, Var};
