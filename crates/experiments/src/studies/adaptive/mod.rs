//! §7 Adaptive learning rates: SGD, momentum, Nesterov, Adagrad, RMSprop,
//! Adam, AdamW, Adadelta, Adamax, NAdam and RAdam on MNIST from the same
//! initialization and the same minibatches, and their 2-D trajectories on an
//! ill-conditioned quadratic and on Rosenbrock's banana.

use ndarray::{Array1, array};
use optim::ParamMut;
use rand::SeedableRng;
use serde::Serialize;

use crate::error::Result;
use crate::plot::{ContourPlot, LineChart, Scale, Series};
use crate::report::{Report, write_csv, write_json};
use crate::studies::series::{smooth, thin};
use crate::study::{Size, Study, StudyContext};
use crate::train::{EvalSplit, OptimizerChoice, TrainConfig, Trainer};

/// The settings of the study.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// MNIST run shared by every optimizer (model, batch, epochs, subset, seed).
    pub train: TrainConfig,
    /// Optimizers with their MNIST learning rates (PyTorch-style defaults).
    pub optimizers: Vec<(OptimizerChoice, f64)>,
    /// Condition number of the quadratic `½(x² + κy²)`.
    pub kappa: f64,
    /// The common learning rate of every optimizer on the quadratic.
    pub quadratic_lr: f64,
    /// Starting point on the quadratic.
    pub quadratic_start: (f64, f64),
    /// Steps on the quadratic.
    pub quadratic_steps: usize,
    /// Tolerance on `f` for "converged" on the quadratic.
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
            epochs: size.pick(1, 3, 10),
            subset: size.pick(Some(2_000), Some(10_000), None),
            ..TrainConfig::default()
        };
        Config {
            train,
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
            quadratic_lr: 0.02,
            quadratic_start: (-2.0, 1.0),
            quadratic_steps: 1_000,
            tolerance: 1e-6,
            rosenbrock_lr_sgd: 1e-3,
            rosenbrock_lr_adaptive: 0.02,
            rosenbrock_steps: size.pick(2_000, 3_000, 5_000),
        }
    }
}

/// One optimizer on MNIST.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MnistRun {
    /// Optimizer name.
    pub optimizer: String,
    /// Its learning rate.
    pub lr: f64,
    /// Loss of every step.
    pub step_losses: Vec<f64>,
    /// Training loss per epoch.
    pub epoch_losses: Vec<f64>,
    /// Test loss at initialization.
    pub initial_test_loss: f64,
    /// Test loss at the end.
    pub test_loss: f64,
    /// Test accuracy at the end.
    pub test_accuracy: f64,
}

/// One optimizer on a 2-D function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    /// Optimizer name.
    pub optimizer: String,
    /// Learning rate used.
    pub lr: f64,
    /// Points visited, starting point first.
    pub points: Vec<(f64, f64)>,
    /// `f` at each point.
    pub values: Vec<f64>,
    /// First step at which `f` fell below the tolerance (`None`: never).
    pub steps_to_tolerance: Option<usize>,
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
}

/// Runs `optimizer` at `lr` for `steps` from `start` on `f`.
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
    let mut values = vec![f.value(start.0, start.1)];
    let mut reached = (values[0] - f.minimum() < tolerance).then_some(0);
    for step in 1..=steps {
        let g = Array1::from(f.gradient(p[0], p[1]).to_vec());
        opt.step(&mut [ParamMut::new("xy", p.view_mut(), g.view())])?;
        let v = f.value(p[0], p[1]);
        points.push((p[0], p[1]));
        values.push(v);
        if reached.is_none() && v - f.minimum() < tolerance {
            reached = Some(step);
        }
        if !v.is_finite() {
            break;
        }
    }
    Ok(Trajectory {
        optimizer: optimizer.to_string(),
        lr,
        points,
        values,
        steps_to_tolerance: reached,
    })
}

/// Trains the same network from the same start on the same batches with
/// every optimizer.
///
/// **Errors**: training failed.
pub fn run_mnist(config: &Config, splits: &data::Splits) -> Result<Vec<MnistRun>> {
    let mut out = Vec::new();
    for &(choice, lr) in &config.optimizers {
        let train = TrainConfig {
            optimizer: choice,
            lr,
            ..config.train.clone()
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(config.train.seed);
        let model = train.mlp_config()?.build::<f32>(&mut rng)?;
        let optimizer = choice.build::<f32>(lr, None, None)?;
        let mut trainer = Trainer::with_parts(&train, splits, Box::new(model), optimizer)?;
        let initial = trainer.evaluate(EvalSplit::Test)?;
        let mut epoch_losses = Vec::new();
        for _ in 0..train.epochs {
            let e = trainer.train_epoch()?;
            epoch_losses.push(e.loss);
            if e.stop.is_some() {
                break;
            }
        }
        let end = trainer.evaluate(EvalSplit::Test)?;
        out.push(MnistRun {
            optimizer: choice.to_string(),
            lr,
            step_losses: trainer.step_losses().to_vec(),
            epoch_losses,
            initial_test_loss: initial.loss,
            test_loss: end.loss,
            test_accuracy: end.accuracy,
        });
    }
    Ok(out)
}

/// The 2-D part: every optimizer on the quadratic (common lr) and on
/// Rosenbrock.
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
        let lr = match choice {
            OptimizerChoice::Sgd | OptimizerChoice::Momentum | OptimizerChoice::Nesterov => {
                config.rosenbrock_lr_sgd
            }
            OptimizerChoice::Adadelta => 1.0,
            _ => config.rosenbrock_lr_adaptive,
        };
        rosenbrock.push(trajectory(
            Function::Rosenbrock,
            choice,
            lr,
            (-1.2, 1.0),
            config.rosenbrock_steps,
            config.tolerance,
        )?);
    }
    Ok((quadratic, rosenbrock))
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

fn steps_text(t: &Trajectory) -> String {
    t.steps_to_tolerance
        .map_or_else(|| "never".to_string(), |s| s.to_string())
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
        "§7"
    }
    fn summary(&self) -> &'static str {
        "SGD, momentum, Nesterov, Adagrad, RMSprop, Adam(W) and more on MNIST and on 2-D valleys"
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

        let window = (out.mnist[0].step_losses.len() / 60).max(1);
        let mut chart = LineChart::new(
            "MNIST training loss, same start and batches",
            "step",
            "training loss (window mean)",
        )
        .y_scale(Scale::Log);
        for r in &out.mnist {
            chart = chart.with(Series::line(
                format!("{} (lr {})", r.optimizer, r.lr),
                smooth(&r.step_losses, window),
            ));
        }
        report.figure(&dir, "mnist_loss", "MNIST training loss per step, every optimizer from one initialization on the same minibatches", &chart)?;

        let quad = Function::Quadratic {
            kappa: config.kappa,
        };
        let mut contour = ContourPlot::from_fn(
            format!(
                "½(x² + {}y²), common lr {}",
                config.kappa, config.quadratic_lr
            ),
            (-2.5, 2.5),
            (-1.25, 1.25),
            120,
            |x, y| quad.value(x, y),
        )
        .labels("x", "y");
        for t in &out.quadratic {
            contour = contour.with(Series::line(t.optimizer.clone(), thin(&t.points, 400)));
        }
        report.figure(
            &dir,
            "quadratic_paths",
            "Trajectories on an ill-conditioned quadratic at a common learning rate",
            &contour,
        )?;

        let mut contour = ContourPlot::from_fn(
            "Rosenbrock (1−x)² + 100(y−x²)²",
            (-2.0, 2.0),
            (-1.0, 3.0),
            120,
            |x, y| Function::Rosenbrock.value(x, y),
        )
        .labels("x", "y");
        contour.log_levels = true;
        for t in &out.rosenbrock {
            contour = contour.with(Series::line(
                format!("{} (lr {})", t.optimizer, t.lr),
                thin(&t.points, 400),
            ));
        }
        report.figure(
            &dir,
            "rosenbrock_paths",
            "Trajectories on Rosenbrock's banana from (−1.2, 1)",
            &contour,
        )?;

        let mut chart = LineChart::new("f along the trajectories", "step", "f − f* (quadratic)")
            .y_scale(Scale::Log)
            .x_scale(Scale::Linear);
        for t in &out.quadratic {
            let pts = t
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0.0 && v.is_finite())
                .map(|(i, &v)| (i as f64, v))
                .collect::<Vec<_>>();
            chart = chart.with(Series::line(t.optimizer.clone(), thin(&pts, 400)));
        }
        report.figure(
            &dir,
            "quadratic_values",
            "Function value per step on the quadratic (log scale)",
            &chart,
        )?;

        let rows: Vec<Vec<f64>> = out
            .mnist
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    i as f64,
                    r.lr,
                    r.initial_test_loss,
                    r.test_loss,
                    r.test_accuracy,
                    out.quadratic[i]
                        .steps_to_tolerance
                        .map_or(f64::NAN, |s| s as f64),
                    out.rosenbrock[i]
                        .steps_to_tolerance
                        .map_or(f64::NAN, |s| s as f64),
                ]
            })
            .collect();
        write_csv(
            &dir.join("summary.csv"),
            &[
                "optimizer_index",
                "lr",
                "initial_test_loss",
                "test_loss",
                "test_accuracy",
                "quadratic_steps_to_tol",
                "rosenbrock_steps_to_tol",
            ],
            &rows,
        )?;
        report.data("summary.csv");
        write_json(&dir.join("outcome.json"), &out)?;
        report.data("outcome.json");

        let mut table = String::from(
            "| optimizer | lr (MNIST) | test loss start → end | test accuracy | quadratic steps to tol | Rosenbrock steps to tol |\n|---|---|---|---|---|---|\n",
        );
        for (i, r) in out.mnist.iter().enumerate() {
            table.push_str(&format!(
                "| {} | {} | {:.3} → {:.3} | {:.2}% | {} | {} |\n",
                r.optimizer,
                r.lr,
                r.initial_test_loss,
                r.test_loss,
                100.0 * r.test_accuracy,
                steps_text(&out.quadratic[i]),
                steps_text(&out.rosenbrock[i]),
            ));
        }
        let best = out
            .mnist
            .iter()
            .max_by(|a, b| a.test_accuracy.total_cmp(&b.test_accuracy))
            .expect("at least one optimizer");
        let find = |name: &str| out.quadratic.iter().find(|t| t.optimizer == name);
        let (gd, mom, adam) = (find("sgd"), find("momentum"), find("adam"));
        report.finding = format!(
            "Every optimizer started from the same weights and saw the same minibatches \
             ({} epochs, {} examples, batch {}). Best test accuracy: **{}** with {:.2}%.\n\n\
             On the quadratic ½(x² + {}y²) at the common learning rate {}, plain gradient \
             descent needed **{}** steps to reach f < {:e}, momentum **{}** and Adam **{}**: \
             gradient descent oscillates across the narrow valley and crawls along it.\n\n{}",
            config.train.epochs,
            config
                .train
                .subset
                .map_or("all".to_string(), |s| s.to_string()),
            config.train.batch,
            best.optimizer,
            100.0 * best.test_accuracy,
            config.kappa,
            config.quadratic_lr,
            gd.map_or("?".into(), steps_text),
            config.tolerance,
            mom.map_or("?".into(), steps_text),
            adam.map_or("?".into(), steps_text),
            table
        );
        Ok(report)
    }
}
