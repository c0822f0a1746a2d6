//! Least squares `L(w) = ½·mean((X w − y)²)` three ways: the normal
//! equations `XᵀX w = Xᵀy` (solved by Cholesky), full-batch gradient descent
//! and minibatch SGD, each with its floating-point operations counted
//! (a multiply-add is 2 flops) and its wall-clock time measured.

use std::time::Instant;

use data::{EpochSampler, LinearRegression};
use ndarray::{Array1, Array2, Axis, concatenate};
use optim::{CosineAnnealingLr, Optimizer, ParamMut, SgdConfig};
use rand::{SeedableRng, rngs::StdRng};
use serde::Serialize;

use super::cholesky::solve_spd;
use crate::error::Result;

/// How a least-squares problem is solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LinearMethod {
    /// `(XᵀX) w = Xᵀy` by Cholesky: one pass, about `2np² + p³/3` flops.
    NormalEquations,
    /// Full-batch gradient descent with step `1/L` (`L` by 10 steps of power
    /// iteration), `4np` flops per iteration.
    GradientDescent,
    /// Minibatch SGD with a cosine-annealed step, `4Bp` flops per step.
    Sgd,
}

impl LinearMethod {
    /// A short label.
    ///
    /// ```
    /// use experiments::studies::analytic_vs_numeric::LinearMethod;
    /// assert_eq!(LinearMethod::NormalEquations.label(), "normal equations");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            LinearMethod::NormalEquations => "normal equations",
            LinearMethod::GradientDescent => "gradient descent",
            LinearMethod::Sgd => "SGD",
        }
    }
}

/// A solution with its costs.
#[derive(Debug, Clone, Serialize)]
pub struct Solution {
    /// The method.
    pub method: LinearMethod,
    /// The weights (the last one is the intercept).
    pub w: Vec<f64>,
    /// Best wall-clock time over the repeats, in seconds.
    pub seconds: f64,
    /// Floating-point operations.
    pub flops: f64,
    /// Iterations (GD), steps (SGD) or 1 (normal equations).
    pub iterations: usize,
    /// `(flops so far, ‖∇L(w)‖)`: per iteration for GD, per epoch for SGD.
    pub curve: Vec<(f64, f64)>,
}

/// `[X, 1]`: the inputs with a column of ones for the intercept.
pub fn design(data: &LinearRegression) -> Array2<f64> {
    let ones = Array2::<f64>::ones((data.x.nrows(), 1));
    concatenate(Axis(1), &[data.x.view(), ones.view()]).expect("same number of rows")
}

/// `∇L(w) = Xᵀ(Xw − y)/n`.
pub fn gradient(x: &Array2<f64>, y: &Array1<f64>, w: &Array1<f64>) -> Array1<f64> {
    x.t().dot(&(x.dot(w) - y)) / x.nrows() as f64
}

fn norm(v: &Array1<f64>) -> f64 {
    v.dot(v).sqrt()
}

/// Runs `solve` `repeats` times and keeps the fastest run's time.
fn timed(repeats: usize, mut solve: impl FnMut() -> Result<Solution>) -> Result<Solution> {
    let mut best: Option<Solution> = None;
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        let mut s = solve()?;
        s.seconds = start.elapsed().as_secs_f64();
        if best.as_ref().is_none_or(|b| s.seconds < b.seconds) {
            best = Some(s);
        }
    }
    Ok(best.expect("at least one repeat"))
}

/// The normal equations, solved by Cholesky.
///
/// **Errors**: `XᵀX` is not positive definite (fewer examples than features
/// or collinear features).
pub fn normal_equations(x: &Array2<f64>, y: &Array1<f64>, repeats: usize) -> Result<Solution> {
    let (n, p) = (x.nrows() as f64, x.ncols() as f64);
    timed(repeats, || {
        let a = x.t().dot(x);
        let b = x.t().dot(y);
        let w = solve_spd(&a, &b)?;
        let flops = 2.0 * n * p * p + 2.0 * n * p + p * p * p / 3.0 + 2.0 * p * p;
        Ok(Solution {
            method: LinearMethod::NormalEquations,
            curve: vec![(flops, norm(&gradient(x, y, &w)))],
            w: w.to_vec(),
            seconds: 0.0,
            flops,
            iterations: 1,
        })
    })
}

/// Power-iteration steps that estimate `L` for gradient descent's step.
const POWER_STEPS: usize = 10;

/// The largest eigenvalue of `XᵀX/n` by power iteration.
fn smoothness(x: &Array2<f64>) -> f64 {
    let n = x.nrows() as f64;
    let mut v = Array1::<f64>::ones(x.ncols());
    let mut lambda = 0.0;
    for _ in 0..POWER_STEPS {
        let av = x.t().dot(&x.dot(&v)) / n;
        lambda = norm(&av);
        v = av / lambda;
    }
    lambda
}

/// Gradient descent from 0 with step `1/L`, until `‖∇L‖ ≤ tolerance`.
///
/// **Errors**: the optimizer rejects its step size.
pub fn gradient_descent(
    x: &Array2<f64>,
    y: &Array1<f64>,
    tolerance: f64,
    max_iterations: usize,
    repeats: usize,
) -> Result<Solution> {
    let (n, p) = (x.nrows() as f64, x.ncols() as f64);
    let per_iteration = 4.0 * n * p;
    timed(repeats, || {
        let lr = 1.0 / smoothness(x);
        let mut flops = POWER_STEPS as f64 * per_iteration;
        let mut opt = SgdConfig::default().lr(lr).build::<f64>()?;
        let mut w = Array1::<f64>::zeros(x.ncols());
        let mut curve = Vec::new();
        let mut iterations = 0;
        loop {
            let g = gradient(x, y, &w);
            flops += per_iteration;
            curve.push((flops, norm(&g)));
            if norm(&g) <= tolerance || iterations == max_iterations {
                break;
            }
            opt.step(&mut [ParamMut::new("w", w.view_mut(), g.view())])?;
            iterations += 1;
        }
        Ok(Solution {
            method: LinearMethod::GradientDescent,
            w: w.to_vec(),
            seconds: 0.0,
            flops,
            iterations,
            curve,
        })
    })
}

/// Settings of [`sgd`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SgdSettings {
    /// Minibatch size.
    pub batch_size: usize,
    /// Passes over the data.
    pub epochs: usize,
    /// Initial step, annealed to 0 by a cosine over all steps.
    pub lr: f64,
    /// Seed of the batch order.
    pub seed: u64,
}

/// Minibatch SGD from 0.
///
/// **Errors**: a batch size of 0 or an invalid step size.
pub fn sgd(x: &Array2<f64>, y: &Array1<f64>, settings: SgdSettings) -> Result<Solution> {
    let (n, p) = (x.nrows(), x.ncols() as f64);
    let mut sampler = EpochSampler::new(n, settings.batch_size)?;
    let steps = (settings.epochs * sampler.batches_per_epoch()) as u64;
    let schedule = CosineAnnealingLr::new(steps.max(1), 0.0)?;
    let mut opt = SgdConfig::default().lr(settings.lr).build::<f64>()?;
    let mut rng = StdRng::seed_from_u64(settings.seed);
    let mut w = Array1::<f64>::zeros(x.ncols());
    let (mut flops, mut step, mut seconds) = (0.0, 0_u64, 0.0);
    let mut curve = vec![(0.0, norm(&gradient(x, y, &w)))];
    for _ in 0..settings.epochs {
        // Only the updates are timed, not the full gradient of the curve.
        let start = Instant::now();
        for batch in sampler.epoch(&mut rng) {
            let xb = x.select(Axis(0), batch);
            let yb = y.select(Axis(0), batch);
            let g = gradient(&xb, &yb, &w);
            flops += 4.0 * batch.len() as f64 * p;
            opt.apply_schedule(&schedule, step)?;
            opt.step(&mut [ParamMut::new("w", w.view_mut(), g.view())])?;
            step += 1;
        }
        seconds += start.elapsed().as_secs_f64();
        curve.push((flops, norm(&gradient(x, y, &w))));
    }
    Ok(Solution {
        method: LinearMethod::Sgd,
        w: w.to_vec(),
        seconds,
        flops,
        iterations: step as usize,
        curve,
    })
}
