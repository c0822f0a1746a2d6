//! The measurements: signals at initialization on one batch, and short
//! training runs from each scheme over several seeds.

use ndarray::{Array2, Axis};
use nn::{Init, MlpConfig};
use rand::SeedableRng;
use serde::Serialize;

use super::{Config, Scheme, activation_name};
use crate::error::Result;
use crate::studies::encode::encode_rows;
use crate::studies::probe;
use crate::train::{ActivationChoice, Network, StopKind, TrainConfig, Trainer};

/// How a training run ended early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum End {
    /// The loss rose more than the trainer's divergence factor above its
    /// start at this (1-based) step.
    Diverged(usize),
    /// The loss became NaN or infinite at this step.
    NonFinite(usize),
}

impl End {
    /// The step at which the run stopped.
    pub fn step(self) -> usize {
        match self {
            End::Diverged(k) | End::NonFinite(k) => k,
        }
    }
}

/// One seed's short training run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedRun {
    /// The seed (initialization and batch order).
    pub seed: u64,
    /// Training loss of every step before any divergence.
    pub step_losses: Vec<f64>,
    /// Set if the run stopped early.
    pub end: Option<End>,
    /// Accuracy on the first `test_examples` test images after training.
    pub test_accuracy: f64,
    /// Largest difference between two units' input weights (and biases) in
    /// any hidden layer after training: 0 means all units are identical.
    pub unit_spread: f64,
}

impl SeedRun {
    /// Mean training loss over the last tenth of the steps (∞ if the run
    /// stopped early).
    pub fn final_loss(&self) -> f64 {
        let n = self.step_losses.len();
        if self.end.is_some() || n == 0 {
            return f64::INFINITY;
        }
        let tail = &self.step_losses[n - (n / 10).max(1)..];
        tail.iter().sum::<f64>() / tail.len() as f64
    }
}

/// One activation and scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// `tanh`, `relu`, `sigmoid` or `linear`.
    pub activation: String,
    /// The scheme.
    pub scheme: Scheme,
    /// The nonlinearity's gain (PyTorch's `calculate_gain`).
    pub gain: f64,
    /// Measured std of each Linear layer's initial weights (first seed).
    pub weight_std: Vec<f64>,
    /// Std of each hidden layer's activations at initialization (first seed).
    pub activation_std: Vec<f64>,
    /// L2 norm of each Linear layer's weight gradient at initialization.
    pub grad_norm: Vec<f64>,
    /// The short training runs, one per seed.
    pub seeds: Vec<SeedRun>,
}

impl Run {
    /// Mean, min and max over seeds of `f`.
    pub fn spread(&self, f: impl Fn(&SeedRun) -> f64) -> (f64, f64, f64) {
        let v: Vec<f64> = self.seeds.iter().map(f).collect();
        let n = v.len().max(1) as f64;
        (
            v.iter().sum::<f64>() / n,
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    }

    /// Seeds whose run stopped early.
    pub fn stopped(&self) -> usize {
        self.seeds.iter().filter(|s| s.end.is_some()).count()
    }

    /// The earliest early stop over the seeds.
    pub fn first_end(&self) -> Option<End> {
        self.seeds
            .iter()
            .filter_map(|s| s.end)
            .min_by_key(|e| e.step())
    }
}

/// Everything measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// One per activation and scheme.
    pub runs: Vec<Run>,
}

impl Outcome {
    /// The run of `activation` (`"tanh"`, `"relu"`, ...) with `scheme`.
    pub fn get(&self, activation: &str, scheme: Scheme) -> Option<&Run> {
        self.runs
            .iter()
            .find(|r| r.activation == activation && r.scheme == scheme)
    }

    /// The activations measured, in order.
    pub fn activations(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for r in &self.runs {
            if !names.contains(&r.activation.as_str()) {
                names.push(&r.activation);
            }
        }
        names
    }
}

fn built(
    config: &Config,
    activation: ActivationChoice,
    scheme: Scheme,
    seed: u64,
) -> Result<nn::Mlp<f32>> {
    let act = activation.activation();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut mlp = MlpConfig::parse(&config.spec())?
        .activation(act)
        .build::<f32>(&mut rng)?;
    nn::init_model(&mut mlp, scheme.init(act), Init::Zeros, &mut rng)?;
    Ok(mlp)
}

/// Weight std per Linear layer, activation std per hidden layer and
/// weight-gradient norm per Linear layer of a freshly initialized network
/// (seed `config.train.seed`) on one batch.
///
/// **Errors**: the model could not be built or differentiated.
pub(crate) fn statistics_at_init(
    config: &Config,
    activation: ActivationChoice,
    scheme: Scheme,
    x: &Array2<f32>,
    labels: &[usize],
) -> Result<(Vec<f64>, probe::Signals)> {
    let mut mlp = built(config, activation, scheme, config.train.seed)?;
    let weight_std = (0..mlp.num_linear())
        .map(|k| probe::std_of(&mlp.linear_weight(k).into_dyn()))
        .collect();
    let signals = probe::signals(&mut mlp, x, labels)?;
    Ok((weight_std, signals))
}

/// Largest |difference| between any unit's input weights (and bias) and the
/// first unit's, over the hidden layers of `model`.
fn unit_spread(model: &dyn Network<f32>) -> f64 {
    let params = model.params();
    let last_weight = params
        .iter()
        .rposition(|p| p.name().ends_with("weight"))
        .unwrap_or(0);
    params[..last_weight]
        .iter()
        .map(|p| {
            let v = p.value();
            let rows = v.shape()[0].max(1);
            match v.view().into_shape_with_order((rows, v.len() / rows)) {
                Ok(m) => {
                    let first = m.index_axis(Axis(0), 0).to_owned();
                    m.outer_iter()
                        .flat_map(|row| {
                            row.iter()
                                .zip(first.iter())
                                .map(|(a, b)| f64::from((a - b).abs()))
                                .collect::<Vec<_>>()
                        })
                        .fold(0.0, f64::max)
                }
                Err(_) => f64::NAN,
            }
        })
        .fold(0.0, f64::max)
}

/// Trains the network from `scheme` with `seed` for `config.train.epochs`
/// epochs (stopping on divergence) and measures it on the test batch.
///
/// **Errors**: training failed (not divergence, which is recorded).
pub fn short_training(
    config: &Config,
    activation: ActivationChoice,
    scheme: Scheme,
    seed: u64,
    splits: &data::Splits,
    test: &(Array2<f32>, Vec<usize>),
) -> Result<SeedRun> {
    let train = TrainConfig {
        model: config.spec(),
        activation,
        seed,
        ..config.train.clone()
    };
    let mlp = built(config, activation, scheme, seed)?;
    let optimizer = train
        .optimizer
        .build::<f32>(train.lr, train.momentum, train.weight_decay)?;
    let mut trainer = Trainer::with_parts(&train, splits, Box::new(mlp), optimizer)?;
    let mut end = None;
    for _ in 0..train.epochs {
        if let Some(stop) = trainer.train_epoch()?.stop {
            let step = stop.step as usize + 1;
            end = Some(match stop.kind {
                StopKind::NonFiniteLoss => End::NonFinite(step),
                _ => End::Diverged(step),
            });
            break;
        }
    }
    let test_accuracy = probe::eval_accuracy(trainer.model_mut(), &test.0, &test.1);
    Ok(SeedRun {
        seed,
        step_losses: trainer.step_losses().to_vec(),
        end,
        test_accuracy,
        unit_spread: unit_spread(trainer.model()),
    })
}

/// Runs the study.
///
/// **Errors**: as [`statistics_at_init`] and [`short_training`].
pub fn run(config: &Config, splits: &data::Splits) -> Result<Outcome> {
    let (x, labels) = encode_rows(splits, &splits.train, config.probe_batch)?;
    let test = encode_rows(splits, &splits.test, config.test_examples)?;
    let mut runs = Vec::new();
    for &activation in &config.activations {
        for scheme in Scheme::ALL {
            let (weight_std, signals) =
                statistics_at_init(config, activation, scheme, &x, &labels)?;
            let seeds = (0..config.seeds as u64)
                .map(|i| {
                    let seed = config.train.seed + i;
                    short_training(config, activation, scheme, seed, splits, &test)
                })
                .collect::<Result<Vec<_>>>()?;
            runs.push(Run {
                activation: activation_name(activation).to_string(),
                scheme,
                gain: activation.activation().nonlinearity().gain(),
                weight_std,
                activation_std: signals.activation_std,
                grad_norm: signals.grad_norm,
                seeds,
            });
        }
    }
    Ok(Outcome { runs })
}
