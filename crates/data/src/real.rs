//! The float types arrays are converted to: `f32` and `f64`.

use std::fmt::{Debug, Display};

/// A floating-point element type (`f32` or `f64`) that pixels and statistics
/// convert to.
///
/// ```
/// use data::Real;
/// fn scale<F: Real>(p: u8) -> F { F::from_u8(p) * F::of(1.0 / 255.0) }
/// assert_eq!(scale::<f64>(255), 1.0);
/// assert_eq!(scale::<f32>(0).as_f64(), 0.0);
/// ```
pub trait Real: num_traits::Float + Default + Debug + Display + Send + Sync + 'static {
    /// Converts an `f64` (rounding to nearest for `f32`).
    fn of(x: f64) -> Self;
    /// Converts a byte exactly.
    fn from_u8(x: u8) -> Self;
    /// Widens (or keeps) the value as `f64`.
    fn as_f64(self) -> f64;
}

impl Real for f32 {
    fn of(x: f64) -> Self {
        x as f32
    }
    fn from_u8(x: u8) -> Self {
        f32::from(x)
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Real for f64 {
    fn of(x: f64) -> Self {
        x
    }
    fn from_u8(x: u8) -> Self {
        f64::from(x)
    }
    fn as_f64(self) -> f64 {
        self
    }
}
