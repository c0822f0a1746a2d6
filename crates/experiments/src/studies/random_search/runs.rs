//! One run of each method on a counted objective.

use crate::studies::format::short;
use autodiff::Objective;
use ndarray::Array1;
use optim::{ExponentialLr, Optimizer, ParamMut, RandomSearch, Sgd, SgdConfig};
use rand::{SeedableRng, rngs::StdRng};
use serde::Serialize;

use super::counted::{Counted, TracePoint};
use crate::error::Result;

/// A method and its step size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Method {
    /// Full-batch gradient descent with learning rate `lr`.
    GradientDescent {
        /// Learning rate.
        lr: f64,
    },
    /// Local random search with a constant step size σ.
    RandomSearch {
        /// σ.
        sigma: f64,
    },
    /// Local random search whose σ shrinks by `decay` per evaluation
    /// (`optim::ExponentialLr`).
    DecayingRandomSearch {
        /// σ₀.
        sigma: f64,
        /// Factor per evaluation.
        decay: f64,
    },
}

impl Method {
    /// Legend text.
    ///
    /// ```
    /// use experiments::studies::random_search::Method;
    /// assert_eq!(Method::GradientDescent { lr: 0.5 }.label(), "gradient descent, lr 0.5");
    /// ```
    pub fn label(&self) -> String {
        match *self {
            Method::GradientDescent { lr } => format!("gradient descent, lr {}", short(lr)),
            Method::RandomSearch { sigma } => format!("random search, σ {}", short(sigma)),
            Method::DecayingRandomSearch { sigma, decay } => {
                format!("random search, σ {}·{decay}^t", short(sigma))
            }
        }
    }

    /// The learning rate or σ (σ₀).
    pub fn step(&self) -> f64 {
        match *self {
            Method::GradientDescent { lr } => lr,
            Method::RandomSearch { sigma } | Method::DecayingRandomSearch { sigma, .. } => sigma,
        }
    }
}

/// What a run spent and found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// The method.
    pub method: Method,
    /// Cost, time and best loss after every call.
    pub trace: Vec<TracePoint>,
    /// The final point.
    pub x: Vec<f64>,
    /// Every point the method moved to, with its loss (the start first);
    /// kept for problems of at most [`PATH_DIMS`] weights only.
    pub path: Path,
}

impl Run {
    /// The best loss found.
    pub fn best(&self) -> f64 {
        self.trace.last().map_or(f64::NAN, |p| p.best)
    }
}

/// A comparison's common ground: the objective, the start and the budget in
/// function-evaluation equivalents.
#[derive(Debug, Clone)]
pub struct Setup<'o, O> {
    /// The objective.
    pub objective: &'o O,
    /// Every method starts here.
    pub x0: Array1<f64>,
    /// Evaluation equivalents each run may spend.
    pub budget: f64,
    /// What a gradient call counts for.
    pub gradient_cost: f64,
}

impl<O: Objective> Setup<'_, O> {
    /// Runs `method` until the budget is spent; random search draws its
    /// perturbations from a generator seeded with `seed`.
    ///
    /// **Errors**: invalid step sizes or a failed backward pass.
    pub fn run(&self, method: Method, seed: u64) -> Result<Run> {
        self.run_until(method, None, seed)
    }

    /// Like [`Setup::run`], but gradient descent stops once its loss is at
    /// most `target` (random search always spends the whole budget).
    ///
    /// **Errors**: as [`Setup::run`].
    pub fn run_until(&self, method: Method, target: Option<f64>, seed: u64) -> Result<Run> {
        let mut counted = Counted::new(self.objective, self.gradient_cost);
        let x0 = self.x0.clone();
        let evaluations = self.budget as u64;
        let (x, path) = match method {
            Method::GradientDescent { lr } => {
                gradient_descent(&mut counted, lr, x0, self.budget, target)?
            }
            Method::RandomSearch { sigma } => {
                let search = RandomSearch::new(sigma, evaluations)?;
                random_search(&mut counted, &search, x0, seed)
            }
            Method::DecayingRandomSearch { sigma, decay } => {
                let search =
                    RandomSearch::new(sigma, evaluations)?.schedule(ExponentialLr::new(decay)?);
                random_search(&mut counted, &search, x0, seed)
            }
        };
        Ok(Run {
            method,
            trace: counted.into_trace(),
            x: x.to_vec(),
            path,
        })
    }
}

/// Points with their loss.
pub type Path = Vec<(Vec<f64>, f64)>;

/// Paths are recorded for problems up to this many weights.
pub const PATH_DIMS: usize = 2;

fn gradient_descent<O: Objective>(
    f: &mut Counted<'_, O>,
    lr: f64,
    mut x: Array1<f64>,
    budget: f64,
    stop_at: Option<f64>,
) -> Result<(Array1<f64>, Path)> {
    let mut opt: Sgd<f64> = SgdConfig::default().lr(lr).build()?;
    let mut path = Vec::new();
    while f.cost() + f.gradient_cost() <= budget {
        let (value, grad) = f.value_and_gradient(x.view())?;
        if x.len() <= PATH_DIMS {
            path.push((x.to_vec(), value));
        }
        if !value.is_finite() || stop_at.is_some_and(|t| value <= t) {
            break;
        }
        opt.step(&mut [ParamMut::new("w", x.view_mut(), grad.view())])?;
    }
    Ok((x, path))
}

fn random_search<O: Objective>(
    f: &mut Counted<'_, O>,
    search: &RandomSearch,
    x0: Array1<f64>,
    seed: u64,
) -> (Array1<f64>, Path) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut path: Path = Vec::new();
    let report = search.minimize(
        |w| {
            let value = f.value(w.view());
            // the search keeps a candidate exactly when it improves (NaN never does)
            if w.len() <= PATH_DIMS && path.last().is_none_or(|(_, best)| value < *best) {
                path.push((w.to_vec(), value));
            }
            value
        },
        x0,
        &mut rng,
    );
    (report.x, path)
}
