//! The lecture's small non-convex functions: `x·cos(πx)` (a local and a
//! global minimum) and the saddles `x³` and `x² − y²`, with gradients from
//! the tape and Hessians from Hessian-vector products.

use autodiff::{Float, Objective, Tape, Var, hessian_vector_product};
use ndarray::{Array1, Array2, ArrayD};
use optim::{Newton, Optimizer, ParamMut, SgdConfig};
use serde::Serialize;

use crate::error::Result;

/// `Σ xᵢ cos(π xᵢ)`: evaluated on a vector of starts, its gradient is the
/// derivative of `x cos(πx)` at every start at once.
#[derive(Debug, Clone, Copy)]
pub struct XCosPiX;

impl Objective for XCosPiX {
    fn eval<T: Float>(&self, tape: &mut Tape<T>, x: &[Var]) -> Var {
        let pix = tape.mul_scalar(x[0], T::of(std::f64::consts::PI));
        let c = tape.cos(pix);
        let y = tape.mul(x[0], c);
        tape.sum(y)
    }
}

/// `x³`: a saddle in one dimension (`f′(0) = f″(0) = 0`).
#[derive(Debug, Clone, Copy)]
pub struct Cube;

impl Objective for Cube {
    fn eval<T: Float>(&self, tape: &mut Tape<T>, x: &[Var]) -> Var {
        let c = tape.powi(x[0], 3);
        tape.sum(c)
    }
}

/// `x² − y²`: the saddle at the origin.
#[derive(Debug, Clone, Copy)]
pub struct Saddle;

impl Objective for Saddle {
    fn eval<T: Float>(&self, tape: &mut Tape<T>, p: &[Var]) -> Var {
        let signs = tape.constant(ndarray::arr1(&[T::one(), -T::one()]));
        let sq = tape.mul(p[0], p[0]);
        let s = tape.mul(sq, signs);
        tape.sum(s)
    }
}

/// `∇f(x)` from the tape (zeros if no gradient reaches `x`).
pub fn gradient<F: Objective>(f: &F, x: &Array1<f64>) -> Array1<f64> {
    let mut tape = Tape::<f64>::new();
    let v = tape.leaf(x.clone());
    let out = f.eval(&mut tape, &[v]);
    match tape.backward(out).ok().and_then(|g| g.wrt(v).cloned()) {
        Some(g) => Array1::from_iter(g.iter().copied()),
        None => Array1::zeros(x.len()),
    }
}

/// The Hessian, one Hessian-vector product per column (exact to rounding
/// for polynomials up to degree 3).
pub fn hessian<F: Objective>(f: &F, x: &Array1<f64>) -> Array2<f64> {
    let n = x.len();
    let input: ArrayD<f64> = x.clone().into_dyn();
    let mut h = Array2::zeros((n, n));
    for j in 0..n {
        let mut e = Array1::<f64>::zeros(n);
        e[j] = 1.0;
        let col = hessian_vector_product(f, std::slice::from_ref(&input), &[e.into_dyn()], 1e-4);
        for (i, v) in col[0].iter().enumerate() {
            h[[i, j]] = *v;
        }
    }
    h
}

/// Gradient descent with step `lr` from `x0` (with `optim`'s SGD), keeping
/// every iterate; stops after `max_iterations`, when `‖∇f‖ ≤ 1e-12` or when
/// `stop(x)` says so.
pub fn descend<F: Objective>(
    f: &F,
    x0: Array1<f64>,
    lr: f64,
    max_iterations: usize,
    stop: impl Fn(&Array1<f64>) -> bool,
) -> Result<Vec<Array1<f64>>> {
    let mut opt = SgdConfig::default().lr(lr).build::<f64>()?;
    let mut x = x0;
    let mut path = vec![x.clone()];
    for _ in 0..max_iterations {
        let g = gradient(f, &x);
        if g.iter().all(|v| v.abs() <= 1e-12) || stop(&x) {
            break;
        }
        opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
        path.push(x.clone());
    }
    Ok(path)
}

/// Newton's method (`optim::Newton`) from `x0`; returns every iterate.
pub fn newton<F: Objective>(f: &F, x0: Array1<f64>) -> Result<Vec<Array1<f64>>> {
    let report = Newton::default().minimize(
        |x| gradient(f, &x.to_owned()),
        |x| hessian(f, &x.to_owned()),
        x0,
    )?;
    Ok(report.path)
}

/// One basin: a minimum that some starts reached.
#[derive(Debug, Clone, Serialize)]
pub struct Basin {
    /// Where gradient descent ended (mean over the starts that got there).
    pub x: f64,
    /// `x cos(πx)` there.
    pub value: f64,
    /// How many starts ended there.
    pub starts: usize,
    /// The smallest and largest start that ended there.
    pub from: (f64, f64),
    /// Whether this is the global minimum on the interval.
    pub global: bool,
}

/// Gradient descent on `x cos(πx)` from many starts.
#[derive(Debug, Clone, Serialize)]
pub struct Multistart {
    /// The interval of the starts (and of the lecture's plot).
    pub interval: (f64, f64),
    /// The step size.
    pub lr: f64,
    /// `(start, end)` of every run.
    pub runs: Vec<(f64, f64)>,
    /// The distinct minima reached, left to right.
    pub basins: Vec<Basin>,
    /// The global minimum on the interval, from a dense grid.
    pub global: (f64, f64),
}

/// `x cos(πx)` in `f64`.
pub fn x_cos_pi_x(x: f64) -> f64 {
    x * (std::f64::consts::PI * x).cos()
}

/// Runs gradient descent from `starts` evenly spaced points of `interval`
/// (all at once: the objective sums over them) and groups the end points.
pub fn multistart(
    interval: (f64, f64),
    starts: usize,
    lr: f64,
    iterations: usize,
) -> Result<Multistart> {
    let (lo, hi) = interval;
    let n = starts.max(2);
    let x0 = Array1::from_iter((0..n).map(|i| lo + (hi - lo) * (i as f64 + 0.5) / n as f64));
    let path = descend(&XCosPiX, x0.clone(), lr, iterations, |_| false)?;
    let end = path.last().unwrap_or(&x0);
    let runs: Vec<(f64, f64)> = x0.iter().copied().zip(end.iter().copied()).collect();
    let global = (0..=30_000)
        .map(|i| lo + (hi - lo) * i as f64 / 30_000.0)
        .map(|x| (x, x_cos_pi_x(x)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((f64::NAN, f64::NAN));
    let mut sorted = runs.clone();
    sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut basins: Vec<Basin> = Vec::new();
    let mut members: Vec<(f64, f64)> = Vec::new();
    let flush = |members: &mut Vec<(f64, f64)>, basins: &mut Vec<Basin>| {
        if members.is_empty() {
            return;
        }
        let x = members.iter().map(|m| m.1).sum::<f64>() / members.len() as f64;
        let starts = members.iter().map(|m| m.0);
        basins.push(Basin {
            x,
            value: x_cos_pi_x(x),
            starts: members.len(),
            from: (
                starts.clone().fold(f64::INFINITY, f64::min),
                starts.fold(f64::NEG_INFINITY, f64::max),
            ),
            global: (x - global.0).abs() < 1e-2,
        });
        members.clear();
    };
    for run in sorted {
        if members.last().is_some_and(|m| (run.1 - m.1).abs() > 1e-3) {
            flush(&mut members, &mut basins);
        }
        members.push(run);
    }
    flush(&mut members, &mut basins);
    Ok(Multistart {
        interval,
        lr,
        runs,
        basins,
        global,
    })
}

/// Gradient descent versus Newton's method at the saddles.
#[derive(Debug, Clone, Serialize)]
pub struct Saddles {
    /// Gradient descent's step size.
    pub lr: f64,
    /// `x³`: `(label, start, iterates)` for GD from the right, GD from the
    /// left and Newton from the right.
    pub cube: Vec<(String, f64, Vec<f64>)>,
    /// `x² − y²` from `start`: gradient descent's iterates.
    pub gd: Vec<(f64, f64)>,
    /// Newton's iterates.
    pub newton: Vec<(f64, f64)>,
    /// The start on `x² − y²`.
    pub start: (f64, f64),
}

/// Runs both methods at both saddles.
pub fn saddles(lr: f64, start: (f64, f64), cube_starts: (f64, f64)) -> Result<Saddles> {
    let escaped = |x: &Array1<f64>| x.iter().any(|v| v.abs() > 100.0);
    let first = |path: Vec<Array1<f64>>| path.iter().map(|x| x[0]).collect::<Vec<_>>();
    let (right, left) = cube_starts;
    let cube = vec![
        (
            format!("GD from x = {right}"),
            right,
            first(descend(&Cube, ndarray::arr1(&[right]), lr, 300, escaped)?),
        ),
        (
            format!("GD from x = {left}"),
            left,
            first(descend(&Cube, ndarray::arr1(&[left]), lr, 300, escaped)?),
        ),
        (
            format!("Newton from x = {right}"),
            right,
            first(newton(&Cube, ndarray::arr1(&[right]))?),
        ),
    ];
    let pairs = |path: Vec<Array1<f64>>| path.iter().map(|x| (x[0], x[1])).collect::<Vec<_>>();
    let x0 = ndarray::arr1(&[start.0, start.1]);
    let far = |x: &Array1<f64>| x[1].abs() > 3.0;
    Ok(Saddles {
        lr,
        cube,
        gd: pairs(descend(&Saddle, x0.clone(), lr, 100, far)?),
        newton: pairs(newton(&Saddle, x0)?),
        start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tape_derivatives_match_closed_forms() {
        let x = ndarray::arr1(&[0.3, -0.7]);
        let g = gradient(&XCosPiX, &x);
        let pi = std::f64::consts::PI;
        for (gi, xi) in g.iter().zip(&x) {
            // d/dx x cos(πx) = cos(πx) − πx sin(πx)
            let expected = (pi * xi).cos() - pi * xi * (pi * xi).sin();
            assert!((gi - expected).abs() < 1e-12);
        }
        let h = hessian(&Saddle, &ndarray::arr1(&[0.5, 0.2]));
        assert!((h[[0, 0]] - 2.0).abs() < 1e-8 && (h[[1, 1]] + 2.0).abs() < 1e-8);
        assert!(h[[0, 1]].abs() < 1e-8);
        assert!((hessian(&Cube, &ndarray::arr1(&[0.5]))[[0, 0]] - 3.0).abs() < 1e-8);
    }
}
