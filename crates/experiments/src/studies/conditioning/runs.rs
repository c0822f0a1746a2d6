//! The methods compared and one descent run on a quadratic, with `optim`'s SGD.

use data::QuadraticBowl;
use ndarray::Array1;
use optim::{Momentum, Optimizer, ParamMut, SgdConfig};
use serde::Serialize;

use crate::error::Result;

/// A method with its step size and momentum chosen from `L` and `μ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    /// Gradient descent at its best step `2/(L + μ)`: rate `(κ − 1)/(κ + 1)`.
    GdOptimal,
    /// Gradient descent at the textbook step `1/L`: rate `1 − 1/κ`.
    GdInverseL,
    /// Heavy-ball momentum at `η = 4/(√L + √μ)²`, `β = ((√κ − 1)/(√κ + 1))²`:
    /// rate `(√κ − 1)/(√κ + 1)`.
    HeavyBall,
}

impl Method {
    /// Every method, in the order of tables and figures.
    pub const ALL: [Method; 3] = [Method::GdOptimal, Method::GdInverseL, Method::HeavyBall];

    /// A short label for tables and legends.
    ///
    /// ```
    /// assert_eq!(experiments::studies::conditioning::Method::HeavyBall.label(), "heavy ball");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Method::GdOptimal => "GD η=2/(L+μ)",
            Method::GdInverseL => "GD η=1/L",
            Method::HeavyBall => "heavy ball",
        }
    }

    /// The theoretical contraction of the distance per iteration at `κ`.
    ///
    /// ```
    /// use experiments::studies::conditioning::Method;
    /// assert!((Method::GdOptimal.rate(100.0) - 99.0 / 101.0).abs() < 1e-15);
    /// assert!((Method::HeavyBall.rate(100.0) - 9.0 / 11.0).abs() < 1e-15);
    /// ```
    pub fn rate(self, kappa: f64) -> f64 {
        match self {
            Method::GdOptimal => (kappa - 1.0) / (kappa + 1.0),
            Method::GdInverseL => 1.0 - 1.0 / kappa,
            Method::HeavyBall => (kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0),
        }
    }

    /// Its step size and momentum for eigenvalues in `[mu, l]`.
    ///
    /// ```
    /// use experiments::studies::conditioning::Method;
    /// let d = Method::HeavyBall.descent(100.0, 1.0);
    /// assert!((d.lr - 4.0 / 121.0).abs() < 1e-15 && (d.beta - (9.0f64 / 11.0).powi(2)).abs() < 1e-15);
    /// ```
    pub fn descent(self, l: f64, mu: f64) -> Descent {
        match self {
            Method::GdOptimal => Descent::gradient(2.0 / (l + mu)),
            Method::GdInverseL => Descent::gradient(1.0 / l),
            Method::HeavyBall => {
                let (sl, smu) = (l.sqrt(), mu.sqrt());
                Descent {
                    lr: 4.0 / (sl + smu).powi(2),
                    beta: ((sl - smu) / (sl + smu)).powi(2),
                }
            }
        }
    }
}

/// Gradient descent with step `lr` and heavy-ball momentum `beta` (0: none),
/// run with [`optim::Sgd`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Descent {
    /// Step size η.
    pub lr: f64,
    /// Momentum β.
    pub beta: f64,
}

/// What one run recorded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    /// `‖x_k − x*‖ / ‖x₀ − x*‖` for k = 0, 1, ...
    pub distances: Vec<f64>,
    /// The first two coordinates of the first iterates (start included).
    pub path: Vec<(f64, f64)>,
    /// The first k with distance ≤ tolerance.
    pub reached: Option<usize>,
}

/// Iterates kept for drawing.
const PATH_POINTS: usize = 400;

/// A distance past which a run has clearly diverged.
const DIVERGED: f64 = 1e30;

impl Descent {
    /// Plain gradient descent.
    pub fn gradient(lr: f64) -> Self {
        Descent { lr, beta: 0.0 }
    }

    /// Runs from `x0` for at most `max_iterations`, stopping early once the
    /// relative distance reaches `tolerance` or exceeds 1e30 (pass a
    /// tolerance of 0 to run every iteration).
    pub(crate) fn run(
        &self,
        bowl: &QuadraticBowl,
        x0: &Array1<f64>,
        max_iterations: usize,
        tolerance: f64,
    ) -> Result<Run> {
        let mut opt = SgdConfig::default()
            .lr(self.lr)
            .momentum(Momentum::heavy(self.beta))
            .build::<f64>()?;
        let mut x = x0.clone();
        let d0 = distance(&x, bowl);
        let mut distances = vec![1.0];
        let mut path = vec![(x[0], x[1])];
        let mut reached = None;
        for k in 1..=max_iterations {
            let g = bowl.gradient(x.view())?;
            opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])?;
            let d = distance(&x, bowl) / d0;
            distances.push(d);
            if path.len() < PATH_POINTS {
                path.push((x[0], x[1]));
            }
            if d <= tolerance {
                reached = Some(k);
                break;
            }
            if tolerance > 0.0 && (d >= DIVERGED || d.is_nan()) {
                break;
            }
        }
        Ok(Run {
            distances,
            path,
            reached,
        })
    }
}

fn distance(x: &Array1<f64>, bowl: &QuadraticBowl) -> f64 {
    let e = x - &bowl.minimizer;
    e.dot(&e).sqrt()
}

/// At most about `max_points` points `(k, values[k])`, evenly spaced in k,
/// the last one always included.
pub(crate) fn thin(values: &[f64], max_points: usize) -> Vec<(f64, f64)> {
    let stride = values.len().div_ceil(max_points.max(1)).max(1);
    let mut points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .step_by(stride)
        .map(|(k, &v)| (k as f64, v))
        .collect();
    let last = values.len().saturating_sub(1);
    if !last.is_multiple_of(stride) {
        points.push((last as f64, values[last]));
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_the_ends() {
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        let t = thin(&v, 100);
        assert!(t.len() <= 101);
        assert_eq!(t.first(), Some(&(0.0, 0.0)));
        assert_eq!(t.last(), Some(&(999.0, 999.0)));
        assert_eq!(thin(&v[..3], 100).len(), 3);
    }
}
