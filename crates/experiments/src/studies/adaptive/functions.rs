//! The 2-D part: every optimizer on an ill-conditioned quadratic and on
//! Rosenbrock's banana, with divergence detection and each parameter's
//! effective learning rate read from the optimizer's state.

use ndarray::{Array1, array};
use optim::{Hyperparameters, OptimizerState, ParamMut};
use serde::Serialize;

use super::Config;
use crate::error::Result;
use crate::train::OptimizerChoice;

/// A trajectory whose `f − f*` exceeds this multiple of its start (or is not
/// finite) has diverged.
pub const DIVERGENCE_FACTOR: f64 = 1e6;

/// A 2-D test function with its analytic gradient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Function {
    /// `½(x² + κy²)`.
    Quadratic {
        /// Condition number.
        kappa: f64,
    },
    /// `(1 − x)² + 100(y − x²)²`.
    Rosenbrock,
}

impl Function {
    /// `f(x, y)`.
    pub fn value(self, x: f64, y: f64) -> f64 {
        match self {
            Function::Quadratic { kappa } => 0.5 * (x * x + kappa * y * y),
            Function::Rosenbrock => (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2),
        }
    }

    /// `∇f(x, y)`.
    pub fn gradient(self, x: f64, y: f64) -> [f64; 2] {
        match self {
            Function::Quadratic { kappa } => [x, kappa * y],
            Function::Rosenbrock => [
                -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
                200.0 * (y - x * x),
            ],
        }
    }

    /// The minimum value (0 for both).
    pub fn minimum(self) -> f64 {
        0.0
    }

    /// The minimizer.
    pub fn minimizer(self) -> (f64, f64) {
        match self {
            Function::Quadratic { .. } => (0.0, 0.0),
            Function::Rosenbrock => (1.0, 1.0),
        }
    }
}

/// One optimizer on a 2-D function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    /// Optimizer name.
    pub optimizer: String,
    /// Learning rate used.
    pub lr: f64,
    /// Points visited, starting point first (up to the divergence).
    pub points: Vec<(f64, f64)>,
    /// `f` at each point.
    pub values: Vec<f64>,
    /// First step at which `f − f*` fell below the tolerance (`None`: never).
    pub steps_to_tolerance: Option<usize>,
    /// The step at which `f − f*` passed [`DIVERGENCE_FACTOR`] times its
    /// start or stopped being finite (`None`: it never did).
    pub diverged_at: Option<usize>,
    /// Each parameter's (x, y) effective learning rate `lr/(√v̂ + ε)` after
    /// every step, for Adagrad, RMSprop and Adam (empty for the others).
    pub effective_lr: Vec<[f64; 2]>,
}

impl Trajectory {
    /// How often `y` changed sign in the first `steps` steps.
    pub fn y_sign_changes(&self, steps: usize) -> usize {
        self.points
            .iter()
            .take(steps + 1)
            .map(|p| p.1)
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|w| w[0] * w[1] < 0.0)
            .count()
    }

    /// The table's words for the run: steps to the tolerance, "diverged at
    /// step k" or "not within N steps".
    pub fn outcome_text(&self) -> String {
        match (self.steps_to_tolerance, self.diverged_at) {
            (_, Some(k)) => format!("diverged at step {k}"),
            (Some(s), None) => s.to_string(),
            (None, None) => format!("not within {}", self.points.len() - 1),
        }
    }
}

/// `lr/(√v̂ + ε)` for every element of `param` from an Adagrad, RMSprop or
/// Adam state (`v̂` bias-corrected for Adam); `None` for other optimizers.
///
/// ```
/// use ndarray::array;
/// use optim::{AdamConfig, Optimizer, ParamMut};
/// use experiments::studies::adaptive::effective_lr;
/// let mut adam = AdamConfig::default().build::<f64>().unwrap();
/// let (mut w, g) = (array![1.0, 1.0], array![0.1, 10.0]);
/// adam.step(&mut [ParamMut::new("w", w.view_mut(), g.view())]).unwrap();
/// let rates = effective_lr(&adam.state(), "w").unwrap();
/// assert!((rates[0] / rates[1] - 100.0).abs() < 1e-3); // 1e-3/0.1 against 1e-3/10
/// ```
pub fn effective_lr(state: &OptimizerState, param: &str) -> Option<Vec<f64>> {
    let p = state.params.get(param)?;
    let lr = state.groups.get(p.group)?.lr;
    let (buffer, eps, correction) = match &state.hyperparameters {
        Hyperparameters::Adagrad(r) => ("sum", r.eps, 1.0),
        Hyperparameters::RmsProp(r) => ("square_avg", r.eps, 1.0),
        Hyperparameters::Adam(r) => (
            "exp_avg_sq",
            r.eps,
            1.0 - r.betas.1.powi(p.step.min(i32::MAX as u64) as i32),
        ),
        _ => return None,
    };
    let v = p.buffers.get(buffer)?.to_values::<f64>();
    Some(
        v.iter()
            .map(|v| lr / ((v / correction).sqrt() + eps))
            .collect(),
    )
}

/// Runs `optimizer` at `lr` for `steps` from `start` on `f`, stopping at a
/// divergence.
///
/// **Errors**: the optimizer rejected its settings.
pub fn trajectory(
    f: Function,
    optimizer: OptimizerChoice,
    lr: f64,
    start: (f64, f64),
    steps: usize,
    tolerance: f64,
) -> Result<Trajectory> {
    let mut opt = optimizer.build::<f64>(lr, None, None)?;
    let mut p: Array1<f64> = array![start.0, start.1];
    let mut points = vec![start];
    let gap0 = f.value(start.0, start.1) - f.minimum();
    let mut values = vec![f.value(start.0, start.1)];
    let mut reached = (gap0 < tolerance).then_some(0);
    let (mut diverged_at, mut effective) = (None, Vec::new());
    for step in 1..=steps {
        let g = Array1::from(f.gradient(p[0], p[1]).to_vec());
        opt.step(&mut [ParamMut::new("xy", p.view_mut(), g.view())])?;
        if let Some(rates) = effective_lr(&opt.state(), "xy") {
            effective.push([rates[0], rates[1]]);
        }
        let v = f.value(p[0], p[1]);
        if !v.is_finite() || v - f.minimum() > DIVERGENCE_FACTOR * gap0.max(tolerance) {
            diverged_at = Some(step);
            break;
        }
        points.push((p[0], p[1]));
        values.push(v);
        if reached.is_none() && v - f.minimum() < tolerance {
            reached = Some(step);
        }
    }
    Ok(Trajectory {
        optimizer: optimizer.to_string(),
        lr,
        points,
        values,
        steps_to_tolerance: reached,
        diverged_at,
        effective_lr: effective,
    })
}

/// The learning rate of `choice` on Rosenbrock.
pub fn rosenbrock_lr(config: &Config, choice: OptimizerChoice) -> f64 {
    match choice {
        OptimizerChoice::Sgd | OptimizerChoice::Momentum | OptimizerChoice::Nesterov => {
            config.rosenbrock_lr_sgd
        }
        OptimizerChoice::Adadelta => 1.0,
        _ => config.rosenbrock_lr_adaptive,
    }
}

/// Every optimizer on the quadratic (one common rate) and on Rosenbrock.
///
/// **Errors**: an optimizer rejected its settings.
pub fn run_2d(config: &Config) -> Result<(Vec<Trajectory>, Vec<Trajectory>)> {
    let quad = Function::Quadratic {
        kappa: config.kappa,
    };
    let mut quadratic = Vec::new();
    let mut rosenbrock = Vec::new();
    for &(choice, _) in &config.optimizers {
        quadratic.push(trajectory(
            quad,
            choice,
            config.quadratic_lr,
            config.quadratic_start,
            config.quadratic_steps,
            config.tolerance,
        )?);
        rosenbrock.push(trajectory(
            Function::Rosenbrock,
            choice,
            rosenbrock_lr(config, choice),
            (-1.2, 1.0),
            config.rosenbrock_steps,
            config.tolerance,
        )?);
    }
    Ok((quadratic, rosenbrock))
}
