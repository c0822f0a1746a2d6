//! Newton's method with a backtracking line search, for small problems.
//!
//! ```text
//! d = −H(x)⁻¹ ∇f(x)                          (the Newton step)
//! t = 1, halved while ½‖∇f(x + t d)‖² > (1 − 2ct)·½‖∇f(x)‖²   (Armijo on the merit)
//! x ← x + t d
//! ```
//!
//! The merit function is ½‖∇f‖², for which the Newton step is always a
//! descent direction (its slope along d is −‖∇f‖²). Newton's method is thus a
//! root finder for ∇f = 0: it is drawn to any stationary point, saddles
//! included, which is the lecture's point against it in deep learning,
//! where gradient descent escapes saddles. Far from a stationary point of a
//! curved valley (Rosenbrock) this merit keeps the steps short; close to one
//! the full step is taken and convergence is quadratic.

use ndarray::{Array1, Array2, ArrayView1};

use crate::check;
use crate::error::{OptimError, Result};

/// Newton's method with a backtracking (Armijo) line search on ½‖∇f‖².
///
/// On f(x, y) = x² − y² started near the saddle, it lands on the saddle:
///
/// ```
/// use ndarray::{Array1, array};
/// use optim::{Newton, NewtonStop};
/// let grad = |p: &ndarray::ArrayView1<f64>| array![2.0 * p[0], -2.0 * p[1]];
/// let hess = |_: &ndarray::ArrayView1<f64>| array![[2.0, 0.0], [0.0, -2.0]];
/// let report = Newton::default().minimize(grad, hess, array![1.0, 1e-3])?;
/// assert_eq!(report.stop, NewtonStop::Converged);
/// assert_eq!(report.x, Array1::<f64>::zeros(2)); // the saddle point
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Newton {
    /// Iteration budget.
    pub max_iterations: usize,
    /// Stop when ‖∇f‖ ≤ this.
    pub tolerance: f64,
    /// Armijo constant c in `(0, 1/2)`.
    pub armijo: f64,
    /// Step shrink factor of the line search, in `(0, 1)`.
    pub shrink: f64,
    /// Most shrinks per line search before giving up.
    pub max_shrinks: usize,
}

impl Default for Newton {
    /// 100 iterations, tolerance 1e-10, c = 1e-4, halving up to 60 times.
    fn default() -> Self {
        Newton {
            max_iterations: 100,
            tolerance: 1e-10,
            armijo: 1e-4,
            shrink: 0.5,
            max_shrinks: 60,
        }
    }
}

/// Why Newton's method stopped.
///
/// ```
/// use optim::NewtonStop;
/// assert_ne!(NewtonStop::Converged, NewtonStop::MaxIterations);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewtonStop {
    /// ‖∇f‖ fell to the tolerance: a stationary point (minimum, maximum or saddle).
    Converged,
    /// The iteration budget is spent.
    MaxIterations,
    /// No step length satisfied the Armijo condition.
    LineSearchFailed,
}

/// The result of [`Newton::minimize`].
///
/// ```
/// use ndarray::array;
/// let r = optim::Newton::default().minimize(
///     |p: &ndarray::ArrayView1<f64>| array![2.0 * (p[0] - 3.0)],
///     |_: &ndarray::ArrayView1<f64>| array![[2.0]],
///     array![0.0],
/// )?;
/// assert_eq!((r.x[0], r.iterations, r.path.len()), (3.0, 1, 2));
/// # Ok::<(), optim::OptimError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NewtonReport {
    /// The last point.
    pub x: Array1<f64>,
    /// Newton steps taken.
    pub iterations: usize,
    /// ‖∇f‖ at the last point.
    pub grad_norm: f64,
    /// Why it stopped.
    pub stop: NewtonStop,
    /// Every iterate, the start included.
    pub path: Vec<Array1<f64>>,
}

impl Newton {
    /// Runs Newton's method from `x0` with the gradient and Hessian of f.
    ///
    /// ```
    /// use ndarray::array;
    /// // f(x, y) = (x − 1)² + 10(y + 2)²: one Newton step is exact.
    /// let r = optim::Newton::default().minimize(
    ///     |p: &ndarray::ArrayView1<f64>| array![2.0 * (p[0] - 1.0), 20.0 * (p[1] + 2.0)],
    ///     |_: &ndarray::ArrayView1<f64>| array![[2.0, 0.0], [0.0, 20.0]],
    ///     array![5.0, 5.0],
    /// )?;
    /// assert_eq!(r.x, array![1.0, -2.0]);
    /// # Ok::<(), optim::OptimError>(())
    /// ```
    ///
    /// **Errors**: settings out of range, a gradient or Hessian of the wrong
    /// size, or a singular (or non-finite) Hessian.
    pub fn minimize<G, H>(&self, mut grad: G, mut hess: H, x0: Array1<f64>) -> Result<NewtonReport>
    where
        G: FnMut(&ArrayView1<f64>) -> Array1<f64>,
        H: FnMut(&ArrayView1<f64>) -> Array2<f64>,
    {
        check::non_negative("tolerance", self.tolerance)?;
        check::positive("armijo", self.armijo)?;
        check::unit_half_open("armijo", self.armijo * 2.0)?;
        check::unit_half_open("shrink", self.shrink)?;
        check::positive("shrink", self.shrink)?;
        let n = x0.len();
        let mut eval_grad = |x: &Array1<f64>| -> Result<Array1<f64>> {
            let g = grad(&x.view());
            if g.len() == n {
                Ok(g)
            } else {
                Err(OptimError::LengthMismatch {
                    what: "gradient",
                    expected: n,
                    found: g.len(),
                })
            }
        };
        let mut x = x0;
        let mut g = eval_grad(&x)?;
        let mut path = vec![x.clone()];
        let mut iterations = 0;
        let stop = loop {
            let merit = 0.5 * g.dot(&g);
            if g.dot(&g).sqrt() <= self.tolerance {
                break NewtonStop::Converged;
            }
            if iterations == self.max_iterations {
                break NewtonStop::MaxIterations;
            }
            let h = hess(&x.view());
            if h.shape() != [n, n] {
                return Err(OptimError::ShapeMismatch {
                    what: "Hessian",
                    expected: vec![n, n],
                    found: h.shape().to_vec(),
                });
            }
            let d = solve(h, -&g).ok_or(OptimError::SingularHessian {
                iteration: iterations,
            })?;
            let mut t = 1.0;
            let mut accepted = None;
            for _ in 0..=self.max_shrinks {
                let candidate = &x + &(t * &d);
                let gc = eval_grad(&candidate)?;
                if 0.5 * gc.dot(&gc) <= (1.0 - 2.0 * self.armijo * t) * merit {
                    accepted = Some((candidate, gc));
                    break;
                }
                t *= self.shrink;
            }
            let Some((next, next_grad)) = accepted else {
                break NewtonStop::LineSearchFailed;
            };
            (x, g) = (next, next_grad);
            iterations += 1;
            path.push(x.clone());
        };
        Ok(NewtonReport {
            grad_norm: g.dot(&g).sqrt(),
            x,
            iterations,
            stop,
            path,
        })
    }
}

/// Solves `a·x = b` by Gaussian elimination with partial pivoting; `None` if
/// `a` is singular or not finite.
fn solve(mut a: Array2<f64>, mut b: Array1<f64>) -> Option<Array1<f64>> {
    let n = b.len();
    let scale = a.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if !(scale.is_finite() && scale > 0.0) {
        return None;
    }
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[[i, col]].abs().total_cmp(&a[[j, col]].abs()))?;
        if a[[pivot, col]].abs() <= scale * 1e-14 {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                a.swap([pivot, k], [col, k]);
            }
            b.swap(pivot, col);
        }
        for row in col + 1..n {
            let factor = a[[row, col]] / a[[col, col]];
            for k in col..n {
                a[[row, k]] -= factor * a[[col, k]];
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = Array1::zeros(n);
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[[row, k]] * x[k]).sum();
        x[row] = (b[row] - tail) / a[[row, row]];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn solves_a_pivoting_system() {
        let x = solve(array![[0.0, 1.0], [2.0, 1.0]], array![1.0, 4.0]).unwrap();
        assert_eq!(x, array![1.5, 1.0]);
        assert!(solve(array![[1.0, 2.0], [2.0, 4.0]], array![1.0, 1.0]).is_none());
        assert!(solve(array![[f64::NAN]], array![1.0]).is_none());
    }

    #[test]
    fn bad_closures_are_errors() {
        let newton = Newton::default();
        let short = newton.minimize(|_| array![1.0], |_| array![[1.0]], array![0.0, 0.0]);
        assert!(matches!(short, Err(OptimError::LengthMismatch { .. })));
        let square = newton.minimize(|p| p.to_owned(), |_| array![[1.0]], array![1.0, 1.0]);
        assert!(matches!(square, Err(OptimError::ShapeMismatch { .. })));
        let singular = newton.minimize(|p| p.to_owned(), |_| array![[0.0]], array![1.0]);
        assert!(matches!(
            singular,
            Err(OptimError::SingularHessian { iteration: 0 })
        ));
        let bad = Newton {
            shrink: 1.0,
            ..Newton::default()
        };
        assert!(
            bad.minimize(|p| p.to_owned(), |_| array![[1.0]], array![1.0])
                .is_err()
        );
    }
}
