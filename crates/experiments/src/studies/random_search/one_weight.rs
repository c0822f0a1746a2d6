//! Part one: a single weight, where random search holds its own.

use ndarray::Array1;
use serde::Serialize;

use super::{Config, Logistic, Method, Run, Setup};
use crate::error::Result;

/// The one-weight problem and every method's run on it.
#[derive(Debug, Clone, Serialize)]
pub struct OneWeight {
    /// The minimizer w*.
    pub minimizer: f64,
    /// L(w*).
    pub min_loss: f64,
    /// The start w₀.
    pub start: f64,
    /// L(w) on a grid around both (for the figure).
    pub curve: Vec<(f64, f64)>,
    /// One run per method.
    pub runs: Vec<Run>,
}

/// Runs the one-weight comparison.
pub(super) fn one_weight(config: &Config) -> Result<OneWeight> {
    let f = Logistic::two_class(config.examples, 1, config.separation, config.seed)?;
    // the minimizer, by many cheap gradient steps (not counted anywhere)
    let reference = Setup {
        objective: &f,
        x0: Array1::zeros(1),
        budget: 5000.0,
        gradient_cost: 1.0,
    }
    .run(Method::GradientDescent { lr: 1.0 }, 0)?;
    let minimizer = reference.x[0];
    let min_loss = f.loss(Array1::from_elem(1, minimizer).view());
    let start = minimizer - config.one_weight_offset * minimizer.signum();
    let setup = Setup {
        objective: &f,
        x0: Array1::from_elem(1, start),
        budget: config.one_weight_budget,
        gradient_cost: config.gradient_cost,
    };
    let runs = config
        .one_weight_methods
        .iter()
        .map(|&m| setup.run(m, config.seed))
        .collect::<Result<Vec<_>>>()?;
    let (lo, hi) = (start.min(minimizer) - 1.5, start.max(minimizer) + 1.5);
    let curve = (0..=200)
        .map(|i| {
            let w = lo + (hi - lo) * i as f64 / 200.0;
            (w, f.loss(Array1::from_elem(1, w).view()))
        })
        .collect();
    Ok(OneWeight {
        minimizer,
        min_loss,
        start,
        curve,
        runs,
    })
}
