//! A box constraint enforced by projection or by barrier functions, on a 2-D
//! quadratic whose unconstrained minimum lies outside the box.

use optim::{Barrier, BoxBounds, ExpBarrier, LogBarrier, Side};
use serde::Serialize;

use crate::error::Result;

/// `f(β) = ½ (β − c)ᵀ Q (β − c)` with a symmetric positive definite 2×2 `Q`.
///
/// ```
/// use experiments::studies::constraints_and_stopping::Quadratic;
/// let f = Quadratic::lecture();
/// assert_eq!(f.value([2.0, 1.6]), 0.0);
/// assert_eq!(f.gradient([2.0, 1.6]), [0.0, 0.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quadratic {
    /// `Q`, row-major.
    pub q: [[f64; 2]; 2],
    /// The unconstrained minimizer `c`.
    pub center: [f64; 2],
}

impl Quadratic {
    /// The study's problem: `Q = [[2, 0.6], [0.6, 1]]`, `c = (2, 1.6)`, so
    /// that both coordinates want to leave the box `[−1, 1]²` and the
    /// constrained minimizer is its corner `(1, 1)`.
    pub fn lecture() -> Self {
        Quadratic {
            q: [[2.0, 0.6], [0.6, 1.0]],
            center: [2.0, 1.6],
        }
    }

    /// `f(β)`.
    pub fn value(&self, b: [f64; 2]) -> f64 {
        let d = [b[0] - self.center[0], b[1] - self.center[1]];
        let qd = self.apply(d);
        0.5 * (d[0] * qd[0] + d[1] * qd[1])
    }

    /// `∇f(β) = Q (β − c)`.
    pub fn gradient(&self, b: [f64; 2]) -> [f64; 2] {
        self.apply([b[0] - self.center[0], b[1] - self.center[1]])
    }

    fn apply(&self, d: [f64; 2]) -> [f64; 2] {
        [
            self.q[0][0] * d[0] + self.q[0][1] * d[1],
            self.q[1][0] * d[0] + self.q[1][1] * d[1],
        ]
    }

    /// The largest eigenvalue of `Q` (the gradient's Lipschitz constant).
    pub fn lambda_max(&self) -> f64 {
        let (a, b, d) = (self.q[0][0], self.q[0][1], self.q[1][1]);
        0.5 * (a + d) + (0.25 * (a - d).powi(2) + b * b).sqrt()
    }
}

/// How the bound is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Enforcement {
    /// Projected gradient descent: step, then clamp into the box.
    Projection,
    /// The lecture's exponential barrier `exp(m(β − k))` above and
    /// `exp(−m(β − k))` below, added to the objective.
    Exponential {
        /// Steepness m.
        steepness: f64,
    },
    /// The log barrier `−μ ln(k − β)` above and `−μ ln(β − k)` below.
    Logarithmic {
        /// Weight μ.
        weight: f64,
    },
}

impl Enforcement {
    /// Legend text.
    ///
    /// ```
    /// use experiments::studies::constraints_and_stopping::Enforcement;
    /// assert_eq!(Enforcement::Exponential { steepness: 10.0 }.label(), "exp barrier, m = 10");
    /// ```
    pub fn label(&self) -> String {
        match *self {
            Enforcement::Projection => "projection".into(),
            Enforcement::Exponential { steepness } => format!("exp barrier, m = {steepness}"),
            Enforcement::Logarithmic { weight } => format!("log barrier, μ = {weight}"),
        }
    }

    /// How hard the barrier pushes: m, or 1/μ (NaN for projection).
    ///
    /// ```
    /// use experiments::studies::constraints_and_stopping::Enforcement;
    /// assert_eq!(Enforcement::Logarithmic { weight: 0.01 }.strength(), 100.0);
    /// ```
    pub fn strength(&self) -> f64 {
        match *self {
            Enforcement::Exponential { steepness } => steepness,
            Enforcement::Logarithmic { weight } => 1.0 / weight,
            Enforcement::Projection => f64::NAN,
        }
    }
}

/// Settings of the constraint comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintConfig {
    /// The box is `[lower, upper]²`.
    pub lower: f64,
    /// See [`ConstraintConfig::lower`].
    pub upper: f64,
    /// The start, strictly inside the box.
    pub start: [f64; 2],
    /// Steepnesses m of the exponential barrier.
    pub steepnesses: Vec<f64>,
    /// Weights μ of the log barrier.
    pub log_weights: Vec<f64>,
    /// Stop when the (projected) gradient's norm falls below this.
    pub tolerance: f64,
    /// Iteration budget of each run.
    pub max_iterations: usize,
}

impl Default for ConstraintConfig {
    fn default() -> Self {
        ConstraintConfig {
            lower: -1.0,
            upper: 1.0,
            start: [-0.5, -0.5],
            steepnesses: vec![1.0, 3.0, 10.0, 30.0, 100.0],
            log_weights: vec![0.1, 0.01, 0.001],
            tolerance: 1e-6,
            max_iterations: 200_000,
        }
    }
}

/// One run of one enforcement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConstraintRun {
    /// How the bound was enforced.
    pub enforcement: Enforcement,
    /// Every iterate, the start first.
    pub path: Vec<[f64; 2]>,
    /// Iterations until the gradient norm fell below the tolerance
    /// (`None`: the budget ran out).
    pub iterations: Option<usize>,
}

impl ConstraintRun {
    /// The last iterate.
    pub fn last(&self) -> [f64; 2] {
        self.path.last().copied().unwrap_or([f64::NAN; 2])
    }

    /// Euclidean distance of the last iterate to `point`.
    pub fn distance_to(&self, point: [f64; 2]) -> f64 {
        let b = self.last();
        (b[0] - point[0]).hypot(b[1] - point[1])
    }

    /// How far the last iterate lies outside `[lower, upper]²` (0 inside).
    pub fn violation(&self, lower: f64, upper: f64) -> f64 {
        self.last()
            .iter()
            .map(|&b| (b - upper).max(lower - b).max(0.0))
            .fold(0.0, f64::max)
    }
}

/// Runs `enforcement` on `f` from the configured start.
///
/// **Errors**: an invalid box or barrier setting.
pub fn enforce(
    f: &Quadratic,
    config: &ConstraintConfig,
    enforcement: Enforcement,
) -> Result<ConstraintRun> {
    let (lo, hi) = (config.lower, config.upper);
    match enforcement {
        Enforcement::Projection => projected(f, config, &BoxBounds::uniform(lo, hi)?),
        Enforcement::Exponential { steepness: m } => barrier_descent(
            f,
            config,
            enforcement,
            &ExpBarrier::new(hi, m, Side::Upper)?,
            &ExpBarrier::new(lo, m, Side::Lower)?,
        ),
        Enforcement::Logarithmic { weight: mu } => barrier_descent(
            f,
            config,
            enforcement,
            &LogBarrier::new(hi, mu, Side::Upper)?,
            &LogBarrier::new(lo, mu, Side::Lower)?,
        ),
    }
}

fn norm(g: [f64; 2]) -> f64 {
    g[0].hypot(g[1])
}

/// Projected gradient descent with step `1/λ_max(Q)`; converged when the
/// gradient mapping `(β − P(β − η∇f))/η` is below the tolerance.
fn projected(
    f: &Quadratic,
    config: &ConstraintConfig,
    bounds: &BoxBounds,
) -> Result<ConstraintRun> {
    let lr = 1.0 / f.lambda_max();
    let mut beta = ndarray::arr1(&config.start);
    let mut path = vec![config.start];
    let mut iterations = None;
    for it in 0..config.max_iterations {
        let before = [beta[0], beta[1]];
        let g = f.gradient(before);
        beta[0] -= lr * g[0];
        beta[1] -= lr * g[1];
        bounds.project(&mut beta)?;
        path.push([beta[0], beta[1]]);
        if norm([before[0] - beta[0], before[1] - beta[1]]) / lr < config.tolerance {
            iterations = Some(it + 1);
            break;
        }
    }
    Ok(ConstraintRun {
        enforcement: Enforcement::Projection,
        path,
        iterations,
    })
}

/// Gradient descent on `f + Σ barriers` with a backtracking (Armijo) line
/// search: the barriers' curvature grows without bound near the box, so no
/// fixed step suits every point; a step that leaves a log barrier's domain
/// has an infinite value and is halved like any other rejected step.
fn barrier_descent<B: Barrier>(
    f: &Quadratic,
    config: &ConstraintConfig,
    enforcement: Enforcement,
    upper: &B,
    lower: &B,
) -> Result<ConstraintRun> {
    let penalized = |b: [f64; 2]| -> (f64, [f64; 2]) {
        let g = f.gradient(b);
        let mut value = f.value(b);
        let mut grad = g;
        for (i, &bi) in b.iter().enumerate() {
            value += upper.value(bi) + lower.value(bi);
            grad[i] += upper.derivative(bi) + lower.derivative(bi);
        }
        (value, grad)
    };
    let mut beta = config.start;
    let mut path = vec![beta];
    let mut iterations = None;
    let mut step: f64 = 1.0;
    for it in 0..config.max_iterations {
        let (value, g) = penalized(beta);
        let gg = g[0] * g[0] + g[1] * g[1];
        if gg.sqrt() < config.tolerance {
            iterations = Some(it);
            break;
        }
        step = (2.0 * step).min(1.0);
        loop {
            let trial = [beta[0] - step * g[0], beta[1] - step * g[1]];
            let (v, _) = penalized(trial);
            if v <= value - 0.5 * step * gg || step < 1e-300 {
                beta = trial;
                break;
            }
            step *= 0.5;
        }
        path.push(beta);
    }
    Ok(ConstraintRun {
        enforcement,
        path,
        iterations,
    })
}
