//! Helpers shared by the integration tests: objectives written once for both
//! precisions, the tolerances of a gradient check in each, and a small seeded
//! generator for test inputs (no hidden global RNG).
//!
//! # Tolerances
//!
//! [`check_both`] runs [`autodiff::GradCheck`] twice: on an `f64` tape and on
//! an `f32` tape (inputs rounded to `f32`). In both cases the numerical
//! gradient is the central finite difference of the *`f64`* objective at the
//! same points, so only the tape under test changes. An element passes when
//! `|analytic - numeric| <= rtol · max(|analytic|, |numeric|, floor)`.
//!
//! - `f64`: step `1e-5`, `rtol = 1e-6`, `floor = 1e-3`. The finite difference
//!   has truncation error `h²·f'''/6 ≈ 2e-11·|f'''|` and rounding error
//!   `≈ u·|f|/h ≈ 1e-11·|f|` (u = 2⁻⁵³): the step balances the two. The worst
//!   case in these tests is about `1e-7` (`x·cos(πx)` on its grid), a tenfold
//!   margin, while a wrong backward formula is off by O(1).
//! - `f32`: the same `f64` finite differences, `rtol = 1e-3`, `floor = 1e-1`.
//!   The tape's gradient now carries `f32` rounding: about `u₃₂ = 6e-8` per
//!   op, amplified by the magnitudes of the values it combines (cancellation
//!   in `g - Σ g·s` of softmax, in `a - b` of broadcasting reductions, ...). For
//!   the shallow objectives here (≲ 10 ops, values ≲ 100) that stays below
//!   `~1e-5` relative (the worst case seen is `5e-6`); `1e-3` (about 2⁻¹⁰)
//!   leaves margin and still fails any wrong formula. The floor `1e-1` makes gradients near 0 compare absolutely
//!   (error ≤ 1e-4), since their relative error in `f32` is unbounded.

#![allow(dead_code)] // each test binary uses a different subset

use autodiff::{Float, GradCheck, GradCheckReport, Objective, Tape, Var};
use ndarray::{ArrayD, IxDyn};

/// Defines a unit struct implementing [`Objective`] for every precision. The
/// body sees the tape as `$tape`, the input `Var`s as `$x` and the element
/// type as `T` (so constants are written `T::of(0.5)`).
///
/// ```ignore
/// objective!(Square, |t, x| { let y = t.mul(x[0], x[0]); t.sum(y) });
/// ```
#[allow(unused_macros)]
macro_rules! objective {
    ($(#[$meta:meta])* $name:ident, |$tape:ident, $x:ident| $body:expr) => {
        $(#[$meta])*
        struct $name;
        impl autodiff::Objective for $name {
            fn eval<T: autodiff::Float>(
                &self,
                $tape: &mut autodiff::Tape<T>,
                $x: &[autodiff::Var],
            ) -> autodiff::Var {
                $body
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use objective;

/// Settings of one gradient check; see the module docs for the values.
#[derive(Debug, Clone, Copy)]
pub struct Tol {
    pub step: f64,
    pub rtol: f64,
    pub floor: f64,
}

/// Tolerance of an `f64` tape against `f64` finite differences.
pub const F64: Tol = Tol {
    step: 1e-5,
    rtol: 1e-6,
    floor: 1e-3,
};

/// Tolerance of an `f32` tape against `f64` finite differences.
pub const F32: Tol = Tol {
    step: 1e-5,
    rtol: 1e-3,
    floor: 1e-1,
};

/// The tolerance for element type `T`.
pub fn tol_for<T: Float>() -> Tol {
    if T::NAME == "f32" { F32 } else { F64 }
}

/// Runs the gradient check of `f` on a `T` tape at `inputs` (rounded to `T`).
pub fn report_in<T: Float, F: Objective>(
    f: &F,
    inputs: &[ArrayD<f64>],
    tol: Tol,
) -> GradCheckReport {
    let cast: Vec<ArrayD<T>> = inputs.iter().map(|a| a.mapv(T::of)).collect();
    let check = GradCheck {
        step: tol.step,
        rel_floor: tol.floor,
    };
    check.run(f, &cast)
}

/// Asserts that the `T` tape's gradients of `f` agree with finite differences.
pub fn check_in<T: Float, F: Objective>(name: &str, f: &F, inputs: &[ArrayD<f64>]) {
    let tol = tol_for::<T>();
    let report = report_in::<T, F>(f, inputs, tol);
    // `<=` is false for NaN, so a NaN gradient fails
    assert!(
        report.worst_rel() <= tol.rtol,
        "{name} in {}: gradient check failed (rtol {}): {report:?}",
        T::NAME,
        tol.rtol
    );
}

/// Asserts the gradient check of `f` in both `f64` and `f32`.
pub fn check_both<F: Objective>(name: &str, f: &F, inputs: &[ArrayD<f64>]) {
    check_in::<f64, F>(name, f, inputs);
    check_in::<f32, F>(name, f, inputs);
}

/// The value of `f` and its gradients on a `T` tape, widened to `f64`
/// (`None` where no gradient reached an input).
pub fn value_and_grads<T: Float, F: Objective>(
    f: &F,
    inputs: &[ArrayD<f64>],
) -> (f64, Vec<Option<ArrayD<f64>>>) {
    let mut tape = Tape::<T>::new();
    let vars: Vec<Var> = inputs.iter().map(|a| tape.leaf(a.mapv(T::of))).collect();
    let out = f.eval(&mut tape, &vars);
    let grads = tape.backward(out).expect("objective has a gradient path");
    let g = vars
        .iter()
        .map(|v| grads.wrt(*v).map(|g| g.mapv(T::as_f64)))
        .collect();
    (tape.scalar(out), g)
}

/// The gradient of `f` with respect to each input on a `T` tape.
pub fn grads<T: Float, F: Objective>(f: &F, inputs: &[ArrayD<f64>]) -> Vec<ArrayD<f64>> {
    value_and_grads::<T, F>(f, inputs)
        .1
        .into_iter()
        .map(|g| g.expect("every input gets a gradient"))
        .collect()
}

/// Asserts `|got - want| <= rtol·max(|want|, 1)` elementwise (and equal
/// non-finite values: `inf == inf`, NaN matches NaN).
pub fn assert_close(what: &str, got: &ArrayD<f64>, want: &ArrayD<f64>, rtol: f64) {
    assert_eq!(got.shape(), want.shape(), "{what}: shapes differ");
    for (i, (&g, &w)) in got.iter().zip(want.iter()).enumerate() {
        let ok = if w.is_finite() {
            (g - w).abs() <= rtol * w.abs().max(1.0)
        } else {
            g == w || (g.is_nan() && w.is_nan())
        };
        assert!(
            ok,
            "{what}: element {i} is {g}, expected {w}\n got {got}\nwant {want}"
        );
    }
}

/// Closed-form agreement required of a tape in `T`: a few ulps of `T`.
pub fn exact_for<T: Float>() -> f64 {
    if T::NAME == "f32" { 1e-6 } else { 1e-14 }
}

/// `Σᵢ wᵢ·vᵢ` with fixed, distinct, nonzero weights in `[-1.5, 1.9]`, so that
/// every element of `v` gets its own gradient (a plain sum would hide a
/// transposed or permuted backward).
pub fn weighted_sum<T: Float>(tape: &mut Tape<T>, v: Var) -> Var {
    let shape = tape.value(v).shape().to_vec();
    let n: usize = shape.iter().product();
    let w: Vec<T> = (0..n).map(|i| T::of(weight(i))).collect();
    let w = ArrayD::from_shape_vec(IxDyn(&shape), w).expect("weights fit the shape");
    let c = tape.constant(w);
    let m = tape.mul(v, c);
    tape.sum(m)
}

/// The `i`-th weight of [`weighted_sum`].
pub fn weight(i: usize) -> f64 {
    (((i * 7 + 3) % 11) as f64 - 4.5) / 3.0
}

/// SplitMix64: a tiny seeded generator for test inputs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// An index in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform values in `[lo, hi)` of `shape`.
    pub fn array(&mut self, shape: &[usize], lo: f64, hi: f64) -> ArrayD<f64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || self.uniform(lo, hi))
    }

    /// Values with `lo <= |v| < hi` and random signs (away from 0, for
    /// denominators and for the kinks of relu and abs).
    pub fn away_from_zero(&mut self, shape: &[usize], lo: f64, hi: f64) -> ArrayD<f64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || {
            let v = self.uniform(lo, hi);
            if self.unit() < 0.5 { -v } else { v }
        })
    }

    /// Standard normal values of `shape`, times `scale`.
    pub fn normal_array(&mut self, shape: &[usize], scale: f64) -> ArrayD<f64> {
        ArrayD::from_shape_simple_fn(IxDyn(shape), || scale * self.normal())
    }
}
