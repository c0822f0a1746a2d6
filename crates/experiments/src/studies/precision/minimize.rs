//! Smooth 1-D functions and three minimizers, all in the precision `T`.

use autodiff::Float;
use serde::Serialize;

use super::{Dtype, FlatBottom};

/// A smooth 1-D function with a known minimizer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Function {
    /// `(x − a)² + c`: `x* = a`, `f* = c`, `f″ = 2`.
    Quadratic {
        /// The minimizer.
        a: f64,
        /// The minimum.
        c: f64,
    },
    /// `eˣ − 2x`: `x* = ln 2`, `f* = 2 − 2 ln 2`, `f″(x*) = 2`.
    ExpLinear,
}

impl Function {
    /// A short label.
    ///
    /// ```
    /// use experiments::studies::precision::Function;
    /// assert_eq!(Function::ExpLinear.label(), "eˣ − 2x");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Function::Quadratic { .. } => "(x − a)² + c",
            Function::ExpLinear => "eˣ − 2x",
        }
    }

    /// `f(x)` evaluated in `T`.
    pub fn value<T: Float>(self, x: T) -> T {
        match self {
            Function::Quadratic { a, c } => (x - T::of(a)).powi(2) + T::of(c),
            Function::ExpLinear => x.exp() - T::of(2.0) * x,
        }
    }

    /// `f′(x)` evaluated in `T`.
    pub fn derivative<T: Float>(self, x: T) -> T {
        match self {
            Function::Quadratic { a, .. } => T::of(2.0) * (x - T::of(a)),
            Function::ExpLinear => x.exp() - T::of(2.0),
        }
    }

    /// `f″(x)` evaluated in `T`.
    pub fn second_derivative<T: Float>(self, x: T) -> T {
        match self {
            Function::Quadratic { .. } => T::of(2.0),
            Function::ExpLinear => x.exp(),
        }
    }

    /// The minimizer of the function as evaluated in `T` (for the quadratic,
    /// `a` rounded to `T`), in `f64`.
    ///
    /// ```
    /// use experiments::studies::precision::Function;
    /// let f = Function::Quadratic { a: 0.1, c: 1.0 };
    /// assert_eq!(f.minimizer::<f32>(), 0.1f32 as f64);
    /// ```
    pub fn minimizer<T: Float>(self) -> f64 {
        match self {
            Function::Quadratic { a, .. } => T::of(a).as_f64(),
            Function::ExpLinear => std::f64::consts::LN_2,
        }
    }

    /// The exact `f(x)` (in `f64`) minus the exact minimum: the error in
    /// value of an estimate `x`.
    pub fn excess(self, x: f64) -> f64 {
        match self {
            Function::Quadratic { .. } => (x - self.minimizer::<f64>()).powi(2),
            // e^x − 2x − (2 − 2 ln 2) = 2(e^δ − 1 − δ) with δ = x − ln 2
            Function::ExpLinear => {
                let d = x - std::f64::consts::LN_2;
                2.0 * (d.exp_m1() - d)
            }
        }
    }

    /// A bracket `[lo, hi]` around the minimizer.
    pub fn bracket(self) -> (f64, f64) {
        let x = self.minimizer::<f64>();
        (x - 1.0, x + 1.5)
    }
}

/// How a minimizer is located.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Minimizer {
    /// Golden-section search: compares function values only.
    GoldenSection,
    /// Gradient descent (η = 0.1) stopped when f no longer decreases.
    GdUntilNoDecrease,
    /// Newton's method on the derivative, stopped when the step vanishes.
    NewtonOnDerivative,
}

impl Minimizer {
    /// Every minimizer, in table order.
    pub const ALL: [Minimizer; 3] = [
        Minimizer::GoldenSection,
        Minimizer::GdUntilNoDecrease,
        Minimizer::NewtonOnDerivative,
    ];

    /// A short label.
    ///
    /// ```
    /// use experiments::studies::precision::Minimizer;
    /// assert_eq!(Minimizer::GoldenSection.label(), "golden section");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Minimizer::GoldenSection => "golden section",
            Minimizer::GdUntilNoDecrease => "GD until f stops decreasing",
            Minimizer::NewtonOnDerivative => "Newton on f′",
        }
    }

    /// Minimizes `f` in precision `T`; returns the estimate in `f64`.
    pub fn run<T: Float>(self, f: Function) -> f64 {
        match self {
            Minimizer::GoldenSection => {
                let (lo, hi) = f.bracket();
                golden_section(|x: T| f.value(x), T::of(lo), T::of(hi)).as_f64()
            }
            Minimizer::GdUntilNoDecrease => gd_until_no_decrease::<T>(f).as_f64(),
            Minimizer::NewtonOnDerivative => newton_on_derivative::<T>(f).as_f64(),
        }
    }
}

/// Golden-section search on `[lo, hi]` using only comparisons of `f`, until
/// the bracket stops shrinking; returns the better interior point.
///
/// ```
/// use experiments::studies::precision::golden_section;
/// let x = golden_section(|x: f64| (x - 0.3) * (x - 0.3), 0.0, 1.0);
/// assert!((x - 0.3).abs() < 1e-7);
/// ```
pub fn golden_section<T: Float>(f: impl Fn(T) -> T, mut lo: T, mut hi: T) -> T {
    let shrink = T::of((5f64.sqrt() - 1.0) / 2.0);
    let (mut c, mut d) = (hi - shrink * (hi - lo), lo + shrink * (hi - lo));
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..400 {
        let width = hi - lo;
        if fc < fd {
            (hi, d, fd) = (d, c, fc);
            c = hi - shrink * (hi - lo);
            fc = f(c);
        } else {
            (lo, c, fc) = (c, d, fd);
            d = lo + shrink * (hi - lo);
            fd = f(d);
        }
        if hi - lo >= width || (hi - lo).is_nan() {
            break;
        }
    }
    if fc < fd { c } else { d }
}

/// Gradient descent with step 0.1 from the bracket's left end, stopped as
/// soon as a step does not lower the computed `f` (the usual "loss stopped
/// improving" rule); returns the last point that did.
fn gd_until_no_decrease<T: Float>(f: Function) -> T {
    let lr = T::of(0.1);
    let mut x = T::of(f.bracket().0);
    let mut fx = f.value(x);
    for _ in 0..10_000 {
        let next = x - lr * f.derivative(x);
        let f_next = f.value(next);
        if f_next >= fx || f_next.is_nan() {
            break;
        }
        (x, fx) = (next, f_next);
    }
    x
}

/// Newton's method on `f′ = 0` from the bracket's left end, stopped when the
/// step no longer changes `x` (or after 100 steps).
fn newton_on_derivative<T: Float>(f: Function) -> T {
    let mut x = T::of(f.bracket().0);
    for _ in 0..100 {
        let next = x - f.derivative(x) / f.second_derivative(x);
        if next == x || !next.is_finite() {
            break;
        }
        x = next;
    }
    x
}

/// `v` rounded to a significand of `bits` bits (round half away from zero):
/// a floating-point format with machine epsilon `2^(1 − bits)`.
///
/// ```
/// use experiments::studies::precision::round_to_bits;
/// assert_eq!(round_to_bits(1.0 + 2f64.powi(-30), 24), 1.0);
/// assert_eq!(round_to_bits(0.1, 24), 0.1f32 as f64);
/// ```
pub fn round_to_bits(v: f64, bits: u32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let exponent = v.abs().log2().floor() as i32;
    let scale = 2f64.powi(bits as i32 - 1 - exponent);
    (v * scale).round() / scale
}

/// `(x − 1.3)² + 1` computed in `T` at `x* + δ` for `|δ| ≤ 3√ε`.
pub(super) fn flat_bottom<T: Float>(dtype: Dtype) -> FlatBottom {
    let f = Function::Quadratic { a: 1.3, c: 1.0 };
    let (eps, star) = (dtype.epsilon(), f.minimizer::<T>());
    let f_star = f.value(T::of(star)).as_f64();
    let mut half_width = 0.0_f64;
    let points = (-300..=300)
        .map(|i| {
            let x = T::of(star + 3.0 * eps.sqrt() * i as f64 / 300.0);
            let (delta, fx) = (x.as_f64() - star, f.value(x).as_f64());
            if fx == f_star {
                half_width = half_width.max(delta.abs());
            }
            (delta / eps.sqrt(), (fx - f_star) / eps)
        })
        .collect();
    FlatBottom {
        dtype,
        points,
        half_width,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_minimizer_finds_both_minima_in_f64() {
        for f in [Function::Quadratic { a: 1.3, c: 1.0 }, Function::ExpLinear] {
            for m in Minimizer::ALL {
                let x = m.run::<f64>(f);
                assert!(
                    (x - f.minimizer::<f64>()).abs() < 1e-6,
                    "{m:?} on {f:?}: {x}"
                );
            }
        }
    }

    #[test]
    fn excess_is_the_exact_value_gap() {
        let f = Function::ExpLinear;
        let x = 0.8;
        let direct = f.value(x) - (2.0 - 2.0 * std::f64::consts::LN_2);
        assert!((f.excess(x) - direct).abs() < 1e-14);
    }
}
