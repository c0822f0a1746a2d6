//! The element types optimizers work on: `f32` and `f64`.

use std::fmt::{self, Debug, Display};
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use ndarray::ScalarOperand;
use serde::{Deserialize, Serialize};

/// A floating-point element type (`f32` or `f64`) of parameters and gradients.
///
/// Hyperparameters and scalar bookkeeping (bias corrections, step sizes) are
/// computed in `f64`, as PyTorch does in Python, then rounded once to `T`; the
/// element-wise arithmetic runs in `T`, as PyTorch's kernels do.
///
/// ```
/// use optim::{Dtype, Float};
/// fn half<T: Float>(x: T) -> T { x * T::of(0.5) }
/// assert_eq!(half(3.0_f32), 1.5);
/// assert_eq!(half(3.0_f64).as_f64(), 1.5);
/// assert_eq!(<f32 as Float>::DTYPE, Dtype::F32);
/// ```
pub trait Float:
    num_traits::Float
    + ScalarOperand
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + 'static
{
    /// Which of the two types this is (recorded in saved states).
    const DTYPE: Dtype;
    /// Converts an `f64` (rounding to nearest for `f32`).
    fn of(x: f64) -> Self;
    /// Widens (or keeps) the value as `f64`; exact for both types.
    fn as_f64(self) -> f64;
}

impl Float for f32 {
    const DTYPE: Dtype = Dtype::F32;
    fn of(x: f64) -> Self {
        x as f32
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Float for f64 {
    const DTYPE: Dtype = Dtype::F64;
    fn of(x: f64) -> Self {
        x
    }
    fn as_f64(self) -> f64 {
        self
    }
}

/// The element type of an optimizer's parameters and buffers.
///
/// ```
/// use optim::Dtype;
/// assert_eq!(Dtype::F32.to_string(), "f32");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Dtype {
    /// `f32` (PyTorch's `torch.float32`).
    F32,
    /// `f64` (PyTorch's `torch.float64`).
    F64,
}

impl Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dtype::F32 => "f32",
            Dtype::F64 => "f64",
        })
    }
}
