//! Gradient checking: the lecture's "verify the result numerically" as a
//! function. Central finite differences in `f64` against the tape's gradients.

use ndarray::ArrayD;

use crate::{Float, Tape, Var};

/// A scalar function of several array inputs, written once for any precision
/// so it can be evaluated on an `f64` tape (for finite differences) and on the
/// tape under test.
///
/// ```
/// use autodiff::{Float, Objective, Tape, Var};
/// struct SumOfSquares;
/// impl Objective for SumOfSquares {
///     fn eval<T: Float>(&self, tape: &mut Tape<T>, x: &[Var]) -> Var {
///         let sq = tape.mul(x[0], x[0]);
///         tape.sum(sq)
///     }
/// }
/// ```
pub trait Objective {
    /// Records the function on `tape` given the inputs as leaves; returns the
    /// scalar output.
    fn eval<T: Float>(&self, tape: &mut Tape<T>, inputs: &[Var]) -> Var;
}

/// Worst disagreement between analytic and numerical gradient for one input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputError {
    /// `max |analytic - numeric|` over the input's elements (NaN if any
    /// element's error is NaN).
    pub max_abs: f64,
    /// `max |analytic - numeric| / max(|analytic|, |numeric|, floor)` with the
    /// floor from [`GradCheck::rel_floor`], so tiny gradients do not blow it up.
    pub max_rel: f64,
}

/// The outcome of [`check_gradients`]: one [`InputError`] per input.
#[derive(Debug, Clone, PartialEq)]
pub struct GradCheckReport {
    /// Errors per input, in the order the inputs were given.
    pub inputs: Vec<InputError>,
}

impl GradCheckReport {
    /// Largest relative error over all inputs (NaN if any error is NaN, so
    /// that `report.worst_rel() < tol` fails on a NaN gradient).
    ///
    /// ```
    /// let report = autodiff::GradCheckReport { inputs: vec![] };
    /// assert_eq!(report.worst_rel(), 0.0);
    /// ```
    pub fn worst_rel(&self) -> f64 {
        self.inputs.iter().map(|e| e.max_rel).fold(0.0, worse)
    }

    /// Largest absolute error over all inputs (NaN if any error is NaN).
    ///
    /// ```
    /// let report = autodiff::GradCheckReport { inputs: vec![] };
    /// assert_eq!(report.worst_abs(), 0.0);
    /// ```
    pub fn worst_abs(&self) -> f64 {
        self.inputs.iter().map(|e| e.max_abs).fold(0.0, worse)
    }
}

/// Settings of a gradient check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradCheck {
    /// Finite-difference step (default `1e-5`, applied in `f64`: it balances
    /// truncation error, O(h²), against rounding error, O(u/h)).
    pub step: f64,
    /// Floor of the denominator of the relative error (default `1e-8`).
    pub rel_floor: f64,
}

impl Default for GradCheck {
    fn default() -> Self {
        GradCheck {
            step: 1e-5,
            rel_floor: 1e-8,
        }
    }
}

/// Checks the tape's gradients of `f` at `inputs` (computed in `T`) against
/// central finite differences `(f(x+h) - f(x-h)) / 2h` evaluated in `f64`,
/// with the default [`GradCheck`] settings.
///
/// **Panics** if `f` does not return a scalar (a programming error).
///
/// ```
/// use autodiff::{check_gradients, Float, Objective, Tape, Var};
/// use ndarray::array;
/// struct XCosPiX;
/// impl Objective for XCosPiX {
///     fn eval<T: Float>(&self, tape: &mut Tape<T>, x: &[Var]) -> Var {
///         let pix = tape.mul_scalar(x[0], T::of(std::f64::consts::PI));
///         let c = tape.cos(pix);
///         let y = tape.mul(x[0], c);
///         tape.sum(y)
///     }
/// }
/// let report = check_gradients::<f64, _>(&XCosPiX, &[array![-1.0, 0.3, 1.7].into_dyn()]);
/// assert!(report.worst_rel() < 1e-7);
/// ```
pub fn check_gradients<T: Float, F: Objective>(f: &F, inputs: &[ArrayD<T>]) -> GradCheckReport {
    GradCheck::default().run(f, inputs)
}

impl GradCheck {
    /// Runs the check with these settings; see [`check_gradients`].
    ///
    /// ```
    /// use autodiff::{GradCheck, Float, Objective, Tape, Var};
    /// struct Cube;
    /// impl Objective for Cube {
    ///     fn eval<T: Float>(&self, tape: &mut Tape<T>, x: &[Var]) -> Var {
    ///         let c = tape.powi(x[0], 3);
    ///         tape.sum(c)
    ///     }
    /// }
    /// let check = GradCheck { step: 1e-3, ..GradCheck::default() };
    /// let report = check.run::<f32, _>(&Cube, &[ndarray::arr1(&[0.5_f32, -1.0]).into_dyn()]);
    /// assert!(report.worst_rel() < 1e-3);
    /// ```
    pub fn run<T: Float, F: Objective>(&self, f: &F, inputs: &[ArrayD<T>]) -> GradCheckReport {
        let analytic = gradients_of(f, inputs);
        let mut wide: Vec<ArrayD<f64>> = inputs.iter().map(widen).collect();
        let mut tape = Tape::<f64>::new();
        let mut errors = Vec::with_capacity(inputs.len());
        for (k, exact) in analytic.iter().enumerate() {
            let mut err = InputError {
                max_abs: 0.0,
                max_rel: 0.0,
            };
            for (j, &exact) in exact.iter().enumerate() {
                let x0 = flat(&mut wide[k])[j];
                flat(&mut wide[k])[j] = x0 + self.step;
                let up = value_of(f, &mut tape, &wide);
                flat(&mut wide[k])[j] = x0 - self.step;
                let down = value_of(f, &mut tape, &wide);
                flat(&mut wide[k])[j] = x0;
                let numeric = (up - down) / (2.0 * self.step);
                let abs = (exact - numeric).abs();
                let rel = abs / exact.abs().max(numeric.abs()).max(self.rel_floor);
                err.max_abs = worse(err.max_abs, abs);
                err.max_rel = worse(err.max_rel, rel);
            }
            errors.push(err);
        }
        GradCheckReport { inputs: errors }
    }
}

/// The larger error, NaN if either is NaN (`f64::max` would drop the NaN and
/// let a NaN gradient pass a check).
fn worse(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// `a` in `f64`, in standard (row-major) layout so that [`flat`] indexes it in
/// the same order as `a.iter()`.
fn widen<T: Float>(a: &ArrayD<T>) -> ArrayD<f64> {
    let data = a.iter().map(|v| v.as_f64()).collect();
    ArrayD::from_shape_vec(a.raw_dim(), data).expect("element count matches shape")
}

fn flat(a: &mut ArrayD<f64>) -> &mut [f64] {
    a.as_slice_mut()
        .expect("widened arrays are in standard layout")
}

/// `f(inputs)` evaluated on `tape` (cleared first, so its buffers are reused).
fn value_of<F: Objective>(f: &F, tape: &mut Tape<f64>, inputs: &[ArrayD<f64>]) -> f64 {
    tape.clear();
    let vars: Vec<Var> = inputs.iter().map(|a| tape.leaf_copy(a)).collect();
    let out = f.eval(tape, &vars);
    tape.scalar(out)
}

/// The tape's gradients of `f` at `inputs`, widened to `f64` (zeros where no
/// gradient reached an input).
fn gradients_of<T: Float, F: Objective>(f: &F, inputs: &[ArrayD<T>]) -> Vec<ArrayD<f64>> {
    let mut tape = Tape::<T>::new();
    let vars: Vec<Var> = inputs.iter().map(|a| tape.leaf_copy(a)).collect();
    let out = f.eval(&mut tape, &vars);
    let grads = tape.backward(out);
    vars.iter()
        .zip(inputs)
        .map(|(v, a)| match grads.as_ref().ok().and_then(|g| g.wrt(*v)) {
            Some(g) => g.mapv(T::as_f64),
            None => ArrayD::zeros(a.raw_dim()),
        })
        .collect()
}

/// Hessian-vector product `H(x)·v` of `f` at `inputs` along `direction`, by
/// central differences of gradients: `(∇f(x + εv) - ∇f(x - εv)) / 2ε`, in `f64`.
///
/// Accuracy: the truncation error is `O(ε²·‖∇³f‖·‖v‖³)` and the rounding error
/// about `u·‖∇f‖/ε` (u = 2⁻⁵³), so the default-style `eps = 1e-4` gives about
/// 8 correct digits on smooth functions; exact (to rounding) for quadratics.
///
/// **Panics** if `direction` does not match `inputs` in count and shapes.
///
/// ```
/// use autodiff::{hessian_vector_product, Float, Objective, Tape, Var};
/// use ndarray::array;
/// // f(x, y) = x² - y² has H = diag(2, -2)
/// struct Saddle;
/// impl Objective for Saddle {
///     fn eval<T: Float>(&self, tape: &mut Tape<T>, p: &[Var]) -> Var {
///         let w = tape.constant(ndarray::array![1.0, -1.0].mapv(T::of));
///         let sq = tape.mul(p[0], p[0]);
///         let s = tape.mul(sq, w);
///         tape.sum(s)
///     }
/// }
/// let hv = hessian_vector_product(&Saddle, &[array![0.3, 0.2].into_dyn()], &[array![1.0, 1.0].into_dyn()], 1e-4);
/// assert!((hv[0][[0]] - 2.0).abs() < 1e-8 && (hv[0][[1]] + 2.0).abs() < 1e-8);
/// ```
pub fn hessian_vector_product<F: Objective>(
    f: &F,
    inputs: &[ArrayD<f64>],
    direction: &[ArrayD<f64>],
    eps: f64,
) -> Vec<ArrayD<f64>> {
    assert_eq!(
        inputs.len(),
        direction.len(),
        "hessian_vector_product: {} inputs but {} direction arrays",
        inputs.len(),
        direction.len()
    );
    let shifted = |sign: f64| -> Vec<ArrayD<f64>> {
        let moved: Vec<ArrayD<f64>> = inputs
            .iter()
            .zip(direction)
            .map(|(x, v)| {
                assert_eq!(
                    x.shape(),
                    v.shape(),
                    "hessian_vector_product: input of shape {:?} but direction of shape {:?}",
                    x.shape(),
                    v.shape()
                );
                x + &(v * (sign * eps))
            })
            .collect();
        gradients_of(f, &moved)
    };
    let (up, down) = (shifted(1.0), shifted(-1.0));
    up.into_iter()
        .zip(down)
        .map(|(u, d)| (u - d) / (2.0 * eps))
        .collect()
}
