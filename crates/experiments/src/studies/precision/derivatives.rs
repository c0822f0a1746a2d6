//! Finite-difference gradients in `f32` and `f64` against the tape's exact
//! gradient, over the step `h`: the V-shaped error curve.

use autodiff::{Float, GradCheck, Objective, Tape};
use data::TwoClassConfig;
use ndarray::{ArrayD, Axis};
use rand::{SeedableRng, rngs::StdRng};
use serde::Serialize;

use super::{Config, DifferenceCurve, Dtype};
use crate::error::Result;
use crate::studies::logistic_loss::LogisticLoss;

/// Which difference quotient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scheme {
    /// `(f(x + h) − f(x)) / h`: error `O(h) + O(ε/h)`, best `h ≈ √ε`.
    Forward,
    /// `(f(x + h) − f(x − h)) / 2h`: error `O(h²) + O(ε/h)`, best `h ≈ ε^(1/3)`.
    Central,
}

impl Scheme {
    /// The step that balances truncation and rounding, up to a constant.
    ///
    /// ```
    /// use experiments::studies::precision::Scheme;
    /// assert!((Scheme::Central.best_step(1e-15) - 1e-5).abs() < 1e-12);
    /// ```
    pub fn best_step(self, epsilon: f64) -> f64 {
        match self {
            Scheme::Forward => epsilon.sqrt(),
            Scheme::Central => epsilon.cbrt(),
        }
    }
}

/// `f(w)` on a tape of precision `T`.
fn value<T: Float>(f: &LogisticLoss, tape: &mut Tape<T>, w: &ArrayD<T>) -> f64 {
    tape.clear();
    let var = tape.leaf_copy(w);
    let out = f.eval(tape, &[var]);
    tape.scalar(out)
}

/// `‖g_fd − g‖∞ / ‖g‖∞` of the difference quotient in precision `T` at `w`
/// (rounded to `T`) with step `h`, against the exact gradient (the `f64`
/// tape at the same point).
///
/// ```
/// use experiments::studies::logistic_loss::LogisticLoss;
/// use experiments::studies::precision::{Scheme, difference_error};
/// let f = LogisticLoss::new(ndarray::array![[1.0, 0.5], [-1.0, 2.0]], &[1, 0]);
/// let w = ndarray::array![[0.3], [-0.2]].into_dyn();
/// assert!(difference_error::<f64>(&f, &w, 1e-5, Scheme::Central) < 1e-9);
/// assert!(difference_error::<f32>(&f, &w, 1e-5, Scheme::Central) > 1e-4);
/// ```
pub fn difference_error<T: Float>(
    f: &LogisticLoss,
    w: &ArrayD<f64>,
    h: f64,
    scheme: Scheme,
) -> f64 {
    let w_t = w.mapv(T::of);
    let exact = {
        let mut tape = Tape::<f64>::new();
        let var = tape.leaf(w_t.mapv(T::as_f64));
        let out = f.eval(&mut tape, &[var]);
        match tape.backward(out).ok().and_then(|g| g.wrt(var).cloned()) {
            Some(g) => g,
            None => return f64::NAN,
        }
    };
    let mut tape = Tape::<T>::new();
    let f0 = value(f, &mut tape, &w_t);
    let mut worst = 0.0_f64;
    for j in 0..w_t.len() {
        let mut up = w_t.clone();
        let mut down = w_t.clone();
        if let (Some(u), Some(d)) = (up.iter_mut().nth(j), down.iter_mut().nth(j)) {
            *u += T::of(h);
            *d -= T::of(h);
        }
        let f_up = value(f, &mut tape, &up);
        let estimate = match scheme {
            Scheme::Forward => (f_up - f0) / h,
            Scheme::Central => (f_up - value(f, &mut tape, &down)) / (2.0 * h),
        };
        let g = exact.iter().nth(j).copied().unwrap_or(f64::NAN);
        worst = worst.max((estimate - g).abs());
    }
    let scale = exact.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
    worst / scale
}

/// `autodiff::GradCheck`'s worst relative error at step `h` for a tape of
/// precision `T` (its differences are always taken in `f64`).
pub fn gradcheck_error<T: Float>(f: &LogisticLoss, w: &ArrayD<f64>, h: f64) -> f64 {
    let check = GradCheck {
        step: h,
        ..GradCheck::default()
    };
    check.run::<T, _>(f, &[w.mapv(T::of)]).worst_rel()
}

/// The error curves of both schemes and of `GradCheck`, in both precisions.
pub(super) fn differences(config: &Config) -> Result<Vec<DifferenceCurve>> {
    let problem = TwoClassConfig {
        examples: config.examples,
        features: 3,
        ..TwoClassConfig::default()
    }
    .generate(&mut StdRng::seed_from_u64(config.seed))?;
    let f = LogisticLoss::new(problem.x, &problem.labels);
    let w: ArrayD<f64> = (&problem.optimal_weights * 0.5)
        .insert_axis(Axis(1))
        .into_dyn();
    let steps: Vec<f64> = (0..=13 * config.steps_per_decade)
        .map(|i| 10f64.powf(-(i as f64) / config.steps_per_decade as f64))
        .collect();
    let curve = |dtype: Dtype, scheme: Option<Scheme>, error: &dyn Fn(f64) -> f64| {
        let points: Vec<(f64, f64)> = steps.iter().map(|&h| (h, error(h))).collect();
        let (best_step, best_error) = points
            .iter()
            .copied()
            .filter(|p| p.1.is_finite())
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((f64::NAN, f64::NAN));
        DifferenceCurve {
            dtype,
            scheme,
            points,
            best_step,
            best_error,
        }
    };
    let mut curves = Vec::new();
    for scheme in [Scheme::Central, Scheme::Forward] {
        curves.push(curve(Dtype::F32, Some(scheme), &|h| {
            difference_error::<f32>(&f, &w, h, scheme)
        }));
        curves.push(curve(Dtype::F64, Some(scheme), &|h| {
            difference_error::<f64>(&f, &w, h, scheme)
        }));
    }
    curves.push(curve(Dtype::F32, None, &|h| {
        gradcheck_error::<f32>(&f, &w, h)
    }));
    curves.push(curve(Dtype::F64, None, &|h| {
        gradcheck_error::<f64>(&f, &w, h)
    }));
    Ok(curves)
}
