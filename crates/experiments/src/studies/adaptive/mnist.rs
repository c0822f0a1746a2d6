//! The MNIST part: every optimizer from the same initialization on the same
//! minibatches, for several seeds, with divergence detection and, for the
//! adaptive methods, each layer's median effective learning rate over time.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::Config;
use super::functions::effective_lr;
use crate::error::Result;
use crate::studies::subsets::subset;
use crate::train::{EvalSplit, OptimizerChoice, TrainConfig, Trainer};

/// A minibatch loss above this multiple of the first one is divergence.
pub const LOSS_FACTOR: f64 = 10.0;

/// One optimizer, one seed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedRun {
    /// The seed (initialization and minibatch order).
    pub seed: u64,
    /// Loss of every step (the last is the exploding one if it diverged).
    pub step_losses: Vec<f64>,
    /// Test loss at initialization.
    pub initial_test_loss: f64,
    /// Test loss at the end (NaN if diverged).
    pub test_loss: f64,
    /// Test accuracy at the end (NaN if diverged).
    pub test_accuracy: f64,
    /// The step (from 1) whose loss was non-finite or above
    /// [`LOSS_FACTOR`] times the first.
    pub diverged_at: Option<usize>,
}

impl SeedRun {
    /// Mean minibatch loss over the last tenth of the steps (NaN if diverged).
    pub fn final_train_loss(&self) -> f64 {
        if self.diverged_at.is_some() {
            return f64::NAN;
        }
        let n = self.step_losses.len();
        let tail = &self.step_losses[n - (n / 10).max(1).min(n)..];
        tail.iter().sum::<f64>() / tail.len().max(1) as f64
    }
}

/// The median effective learning rate of one weight matrix over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerRate {
    /// The parameter's name.
    pub layer: String,
    /// `(step, median of lr/(√v̂ + ε) over the matrix)`.
    pub points: Vec<(f64, f64)>,
}

/// One optimizer on MNIST.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MnistRun {
    /// Optimizer name.
    pub optimizer: String,
    /// Its learning rate.
    pub lr: f64,
    /// One run per seed.
    pub seeds: Vec<SeedRun>,
    /// Per-layer median effective learning rates of the first seed (empty
    /// unless Adagrad, RMSprop or Adam).
    pub effective_lr: Vec<LayerRate>,
}

impl MnistRun {
    /// `(mean, min, max)` of `f` over the seeds that did not diverge
    /// (NaNs if all did).
    pub fn spread(&self, f: impl Fn(&SeedRun) -> f64) -> (f64, f64, f64) {
        let v: Vec<f64> = self.seeds.iter().map(f).filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return (f64::NAN, f64::NAN, f64::NAN);
        }
        (
            v.iter().sum::<f64>() / v.len() as f64,
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    }

    /// The earliest divergence over the seeds.
    pub fn diverged_at(&self) -> Option<usize> {
        self.seeds.iter().filter_map(|s| s.diverged_at).min()
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Trains `choice` at `lr` from seed `seed`, stepping the trainer one
/// minibatch at a time; samples the per-layer effective rates every
/// `every` steps when `sample`.
fn train_seed(
    config: &Config,
    splits: &data::Splits,
    (choice, lr): (OptimizerChoice, f64),
    seed: u64,
    sample: bool,
) -> Result<(SeedRun, Vec<LayerRate>)> {
    let train = TrainConfig {
        optimizer: choice,
        lr,
        seed,
        ..config.train.clone()
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let model = train.mlp_config()?.build::<f32>(&mut rng)?;
    let optimizer = choice.build::<f32>(lr, None, None)?;
    let mut trainer = Trainer::with_parts(&train, splits, Box::new(model), optimizer)?;
    let initial = trainer.evaluate(EvalSplit::Test)?;
    let layers: Vec<String> = trainer
        .model()
        .params()
        .iter()
        .filter(|p| p.value().ndim() == 2)
        .map(|p| p.name().to_string())
        .collect();
    let mut rates: Vec<LayerRate> = layers
        .iter()
        .map(|l| LayerRate {
            layer: l.clone(),
            points: Vec::new(),
        })
        .collect();
    let every = (trainer.steps_per_epoch() * train.epochs / 40).max(1);
    let mut order = trainer.train_idx.clone();
    let mut shuffle = rand::rngs::StdRng::seed_from_u64(seed.wrapping_add(0x5eed));
    let (mut losses, mut diverged_at) = (Vec::<f64>::new(), None);
    'run: for _ in 0..train.epochs {
        order.shuffle(&mut shuffle);
        for idx in order.chunks(train.batch) {
            trainer.apply_lr()?;
            let out = trainer.train_step(idx, false, false)?;
            losses.push(out.loss);
            if out.diverged.is_some() || out.loss > LOSS_FACTOR * losses[0] {
                diverged_at = Some(losses.len());
                break 'run;
            }
            if sample && (losses.len() == 1 || losses.len().is_multiple_of(every)) {
                let state = trainer.optimizer().state();
                for r in &mut rates {
                    if let Some(v) = effective_lr(&state, &r.layer) {
                        r.points.push((losses.len() as f64, median(v)));
                    }
                }
            }
        }
    }
    let end = match diverged_at {
        Some(_) => None,
        None => Some(trainer.evaluate(EvalSplit::Test)?),
    };
    rates.retain(|r| !r.points.is_empty());
    Ok((
        SeedRun {
            seed,
            step_losses: losses,
            initial_test_loss: initial.loss,
            test_loss: end.map_or(f64::NAN, |e| e.loss),
            test_accuracy: end.map_or(f64::NAN, |e| e.accuracy),
            diverged_at,
        },
        rates,
    ))
}

/// Trains the same network from the same start on the same batches with
/// every optimizer, once per seed.
///
/// **Errors**: training failed.
pub fn run_mnist(config: &Config, splits: &data::Splits) -> Result<Vec<MnistRun>> {
    let splits = &subset(splits, splits.train.len(), config.test_examples)?;
    let mut out = Vec::new();
    for &(choice, lr) in &config.optimizers {
        let mut seeds = Vec::new();
        let mut effective = Vec::new();
        for k in 0..config.seeds {
            let seed = config.train.seed + k as u64;
            let adaptive = matches!(
                choice,
                OptimizerChoice::Adagrad | OptimizerChoice::Rmsprop | OptimizerChoice::Adam
            );
            let (run, rates) = train_seed(config, splits, (choice, lr), seed, k == 0 && adaptive)?;
            if k == 0 {
                effective = rates;
            }
            seeds.push(run);
        }
        out.push(MnistRun {
            optimizer: choice.to_string(),
            lr,
            seeds,
            effective_lr: effective,
        });
    }
    Ok(out)
}
