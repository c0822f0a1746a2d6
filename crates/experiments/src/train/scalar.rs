//! The element types a trainer runs on: `f32` and `f64`.

/// What the tape, the optimizers and the pixel encoder each need of an
/// element type, in one bound. Implemented for `f32` and `f64`.
pub trait Scalar: autodiff::Float + optim::Float + data::Real {}

impl<T: autodiff::Float + optim::Float + data::Real> Scalar for T {}

/// `x` widened to `f64`.
pub(crate) fn to_f64<T: Scalar>(x: T) -> f64 {
    <T as autodiff::Float>::as_f64(x)
}

/// `x` rounded to `T`.
pub(crate) fn from_f64<T: Scalar>(x: f64) -> T {
    <T as autodiff::Float>::of(x)
}
