//! Logistic regression has no closed form: `∇L(w) = Xᵀ(σ(Xw) − y)/n = 0`
//! is nonlinear in `w`. Gradient descent and Newton's method both iterate;
//! the gradient comes from the tape, Newton's Hessian is
//! `Xᵀ diag(σ(1 − σ)) X / n`.

use std::time::Instant;

use autodiff::{Objective, Tape};
use ndarray::{Array1, Array2, ArrayView1, Axis};
use optim::{Newton, Optimizer, ParamMut, SgdConfig};
use serde::Serialize;

use crate::error::Result;
use crate::studies::logistic_loss::LogisticLoss;

/// How the logistic regression is fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LogisticMethod {
    /// Gradient descent with step `1/L`, `L = λmax(XᵀX)/(4n)`.
    GradientDescent,
    /// Newton's method with a backtracking line search (`optim::Newton`).
    Newton,
}

impl LogisticMethod {
    /// A short label.
    ///
    /// ```
    /// use experiments::studies::analytic_vs_numeric::LogisticMethod;
    /// assert_eq!(LogisticMethod::Newton.label(), "Newton");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            LogisticMethod::GradientDescent => "gradient descent",
            LogisticMethod::Newton => "Newton",
        }
    }
}

/// One fit.
#[derive(Debug, Clone, Serialize)]
pub struct LogisticFit {
    /// The method.
    pub method: LogisticMethod,
    /// The weights (the last one is the intercept).
    pub w: Vec<f64>,
    /// Iterations until `‖∇L‖` reached the tolerance (or the budget).
    pub iterations: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// `(iteration, L(w), ‖∇L(w)‖)` for every iterate.
    pub curve: Vec<(f64, f64, f64)>,
}

/// The loss `mean(softplus(−s·Xw))` and its gradient, from the tape.
fn loss_and_gradient(f: &LogisticLoss, w: ArrayView1<f64>) -> (f64, Array1<f64>) {
    let mut tape = Tape::<f64>::new();
    let var = tape.leaf(w.to_owned().insert_axis(Axis(1)));
    let out = f.eval(&mut tape, &[var]);
    let loss = tape.scalar(out);
    let grad = match tape.backward(out).ok().and_then(|g| g.wrt(var).cloned()) {
        Some(g) => Array1::from_iter(g.iter().copied()),
        None => Array1::zeros(w.len()),
    };
    (loss, grad)
}

/// `Xᵀ diag(σ(1 − σ)) X / n` at `w`.
fn hessian(x: &Array2<f64>, w: ArrayView1<f64>) -> Array2<f64> {
    let p = x.dot(&w).mapv(|z| 1.0 / (1.0 + (-z).exp()));
    let weights = p.mapv(|p| p * (1.0 - p)).insert_axis(Axis(1));
    x.t().dot(&(x * &weights)) / x.nrows() as f64
}

fn norm(v: &Array1<f64>) -> f64 {
    v.dot(v).sqrt()
}

/// Gradient descent from 0 until `‖∇L‖ ≤ tolerance`.
///
/// **Errors**: the optimizer rejects its step size.
pub fn gradient_descent(
    f: &LogisticLoss,
    tolerance: f64,
    max_iterations: usize,
) -> Result<LogisticFit> {
    let start = Instant::now();
    let gram = f.x.t().dot(&f.x) / f.x.nrows() as f64;
    let mut v = Array1::<f64>::ones(gram.nrows());
    let mut lambda = 1.0;
    for _ in 0..50 {
        let gv = gram.dot(&v);
        lambda = norm(&gv);
        v = gv / lambda;
    }
    let mut opt = SgdConfig::default().lr(4.0 / lambda).build::<f64>()?;
    let mut w = Array1::<f64>::zeros(f.x.ncols());
    let mut curve = Vec::new();
    loop {
        let (loss, g) = loss_and_gradient(f, w.view());
        curve.push((curve.len() as f64, loss, norm(&g)));
        if norm(&g) <= tolerance || curve.len() > max_iterations {
            break;
        }
        opt.step(&mut [ParamMut::new("w", w.view_mut(), g.view())])?;
    }
    Ok(LogisticFit {
        method: LogisticMethod::GradientDescent,
        w: w.to_vec(),
        iterations: curve.len() - 1,
        seconds: start.elapsed().as_secs_f64(),
        curve,
    })
}

/// Newton's method from 0 until `‖∇L‖ ≤ tolerance`.
///
/// **Errors**: a singular Hessian (e.g. separable classes).
pub fn newton(f: &LogisticLoss, tolerance: f64) -> Result<LogisticFit> {
    let start = Instant::now();
    let newton = Newton {
        tolerance,
        ..Newton::default()
    };
    let report = newton.minimize(
        |w| loss_and_gradient(f, w.view()).1,
        |w| hessian(&f.x, w.view()),
        Array1::zeros(f.x.ncols()),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let curve = report
        .path
        .iter()
        .enumerate()
        .map(|(k, w)| {
            let (loss, g) = loss_and_gradient(f, w.view());
            (k as f64, loss, norm(&g))
        })
        .collect();
    Ok(LogisticFit {
        method: LogisticMethod::Newton,
        w: report.x.to_vec(),
        iterations: report.iterations,
        seconds,
        curve,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hessian_matches_finite_differences_of_the_tape_gradient() {
        let x = ndarray::array![[1.0, 0.5, 1.0], [-1.0, 2.0, 1.0], [0.3, -0.7, 1.0]];
        let f = LogisticLoss::new(x.clone(), &[1, 0, 1]);
        let w = ndarray::array![0.2, -0.1, 0.05];
        let h = hessian(&x, w.view());
        for j in 0..3 {
            let mut e = Array1::zeros(3);
            e[j] = 1e-5;
            let up = loss_and_gradient(&f, (&w + &e).view()).1;
            let down = loss_and_gradient(&f, (&w - &e).view()).1;
            let column = (up - down) / 2e-5;
            for i in 0..3 {
                assert!((column[i] - h[[i, j]]).abs() < 1e-8, "H[{i},{j}]");
            }
        }
    }
}
