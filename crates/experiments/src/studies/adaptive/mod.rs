//! Lecture Section 7, weight-specific learning rates: SGD, momentum,
//! Nesterov, Adagrad, RMSprop, Adam, AdamW, Adadelta, Adamax, NAdam and
//! RAdam on MNIST from the same initialization and the same minibatches
//! (several seeds), and their 2-D trajectories on an ill-conditioned
//! quadratic (at a common rate between `1/λmax` and `2/λmax`, where
//! gradient descent zig-zags) and on Rosenbrock's banana, with the
//! effective learning rate `lr/(√v̂ + ε)` each adaptive method gives each
//! parameter.

mod checks;
mod figures;
mod functions;
mod mnist;

pub use checks::{RATE_RATIO, RATE_STEP, ZIGZAG_STEPS, finding, frame};
pub use functions::{
    DIVERGENCE_FACTOR, Function, Trajectory, effective_lr, rosenbrock_lr, run_2d, trajectory,
};
pub use mnist::{LOSS_FACTOR, LayerRate, MnistRun, SeedRun, run_mnist};

use serde::Serialize;

use crate::error::Result;
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};
use crate::train::{OptimizerChoice, TrainConfig};

/// The settings of the study.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// MNIST run shared by every optimizer (model, batch, epochs, subset,
    /// first seed).
    pub train: TrainConfig,
    /// Test images evaluated at the start and end of each MNIST run.
    pub test_examples: usize,
    /// Seeds of the MNIST comparison (`train.seed`, `train.seed + 1`, ...).
    pub seeds: usize,
    /// Optimizers with their MNIST learning rates (PyTorch-style defaults).
    pub optimizers: Vec<(OptimizerChoice, f64)>,
    /// Condition number of the quadratic `½(x² + κy²)`.
    pub kappa: f64,
    /// The common learning rate of every optimizer on the quadratic; between
    /// `1/κ` and `2/κ` gradient descent overshoots along y every step.
    pub quadratic_lr: f64,
    /// Starting point on the quadratic.
    pub quadratic_start: (f64, f64),
    /// Steps on the quadratic.
    pub quadratic_steps: usize,
    /// Tolerance on `f − f*` for "converged" (and the floor of the plots).
    pub tolerance: f64,
    /// Learning rate of the SGD family on Rosenbrock.
    pub rosenbrock_lr_sgd: f64,
    /// Learning rate of the adaptive methods on Rosenbrock.
    pub rosenbrock_lr_adaptive: f64,
    /// Steps on Rosenbrock.
    pub rosenbrock_steps: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config::for_size(Size::Full)
    }
}

impl Config {
    /// The setting for a run size.
    pub fn for_size(size: Size) -> Self {
        use OptimizerChoice::*;
        let train = TrainConfig {
            model: "784-100-10".into(),
            batch: 64,
            epochs: size.pick(1, 2, 5),
            subset: size.pick(Some(1_000), Some(6_000), None),
            ..TrainConfig::default()
        };
        Config {
            train,
            test_examples: size.pick(1_000, 5_000, 10_000),
            seeds: size.pick(2, 2, 3),
            optimizers: vec![
                (Sgd, 0.1),
                (Momentum, 0.01),
                (Nesterov, 0.01),
                (Adagrad, 0.01),
                (Rmsprop, 0.001),
                (Adam, 0.001),
                (Adamw, 0.001),
                (Adadelta, 1.0),
                (Adamax, 0.002),
                (Nadam, 0.002),
                (Radam, 0.001),
            ],
            kappa: 50.0,
            quadratic_lr: 0.035,
            quadratic_start: (-2.0, 1.0),
            quadratic_steps: 1_000,
            tolerance: 1e-6,
            rosenbrock_lr_sgd: 1e-3,
            rosenbrock_lr_adaptive: 0.02,
            rosenbrock_steps: size.pick(2_000, 3_000, 5_000),
        }
    }
}

/// Everything measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// MNIST runs, one per optimizer.
    pub mnist: Vec<MnistRun>,
    /// Trajectories on the quadratic.
    pub quadratic: Vec<Trajectory>,
    /// Trajectories on Rosenbrock.
    pub rosenbrock: Vec<Trajectory>,
}

/// Runs the study.
///
/// **Errors**: as [`run_mnist`] and [`run_2d`].
pub fn run(config: &Config, splits: &data::Splits) -> Result<Outcome> {
    let (quadratic, rosenbrock) = run_2d(config)?;
    Ok(Outcome {
        mnist: run_mnist(config, splits)?,
        quadratic,
        rosenbrock,
    })
}

/// The registered study.
pub struct Adaptive;

impl Study for Adaptive {
    fn name(&self) -> &'static str {
        "adaptive"
    }
    fn title(&self) -> &'static str {
        "Momentum and adaptive learning rates"
    }
    fn section(&self) -> &'static str {
        "Section 7"
    }
    fn summary(&self) -> &'static str {
        "SGD, momentum, Nesterov, Adagrad, RMSprop, Adam(W) and more on MNIST (several seeds) and on 2-D valleys; per-parameter effective learning rates"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let config = Config::for_size(ctx.size);
        let config = Config {
            train: TrainConfig {
                seed: ctx.seed,
                ..config.train
            },
            ..config
        };
        let out = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(self.name());
        let mut report = Report::new(self.name(), self.title(), self.section());
        figures::write(&mut report, &config, &out, &dir)?;
        report.frame = Some(frame(&config, &out));
        report.finding = finding(&config, &out);
        Ok(report)
    }
}
