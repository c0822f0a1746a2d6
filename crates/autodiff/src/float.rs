//! The element types a tape can hold: `f32` and `f64`.

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use ndarray::{ArrayView2, ArrayViewMut2, LinalgScalar, ScalarOperand};

/// A floating-point element type the tape works on (`f32` or `f64`).
///
/// The lecture contrasts single and double precision, so every op is generic
/// over this trait.
///
/// ```
/// use autodiff::Float;
/// fn half<T: Float>(x: T) -> T { x * T::of(0.5) }
/// assert_eq!(half(3.0_f32), 1.5);
/// assert_eq!(half(3.0_f64).as_f64(), 1.5);
/// ```
pub trait Float:
    num_traits::Float
    + LinalgScalar
    + ScalarOperand
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + 'static
{
    /// `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// Converts an `f64` literal (rounding to nearest for `f32`).
    fn of(x: f64) -> Self;
    /// Widens (or keeps) the value as `f64`.
    fn as_f64(self) -> f64;
    /// `c = a·b` (`fresh`) or `c += a·b` on hand-written kernels for products
    /// with a side of at most 16, if this type and CPU have them; `false`
    /// (nothing written) otherwise. Shapes are checked by the caller.
    #[doc(hidden)]
    fn narrow_gemm(
        _a: &ArrayView2<'_, Self>,
        _b: &ArrayView2<'_, Self>,
        _c: &mut ArrayViewMut2<'_, Self>,
        _fresh: bool,
    ) -> bool {
        false
    }
}

impl Float for f32 {
    const NAME: &'static str = "f32";
    fn of(x: f64) -> Self {
        x as f32
    }
    fn as_f64(self) -> f64 {
        self as f64
    }
    fn narrow_gemm(
        a: &ArrayView2<'_, Self>,
        b: &ArrayView2<'_, Self>,
        c: &mut ArrayViewMut2<'_, Self>,
        fresh: bool,
    ) -> bool {
        crate::skinny::gemm(a, b, c, fresh)
    }
}

impl Float for f64 {
    const NAME: &'static str = "f64";
    fn of(x: f64) -> Self {
        x
    }
    fn as_f64(self) -> f64 {
        self
    }
}
