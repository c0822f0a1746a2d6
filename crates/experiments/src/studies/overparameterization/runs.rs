//! Training every width from every seed on the same small training set, then
//! the training loss along the straight line between two seeds' solutions.

use data::Splits;
use ndarray::ArrayD;
use serde::Serialize;

use super::Config;
use crate::error::Result;
use crate::studies::spread::Spread;
use crate::studies::subsets::subset;
use crate::train::{EvalSplit, TrainConfig, Trainer};

/// One width trained from one seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeedRun {
    /// Seed of the initialization and the shuffling.
    pub seed: u64,
    /// Mean minibatch loss of each epoch (what the optimizer saw), in order.
    pub epoch_loss: Vec<f64>,
    /// Final training loss, evaluated on every training image.
    pub final_loss: f64,
    /// Final training accuracy.
    pub train_accuracy: f64,
    /// Final test accuracy.
    pub test_accuracy: f64,
    /// The update at which training diverged, if it did.
    pub diverged_at: Option<u64>,
}

/// The training loss along `θ(α) = (1 − α)·θ_a + α·θ_b` between the
/// solutions of two seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinePath {
    /// Seeds `a` (at α = 0) and `b` (at α = 1).
    pub seeds: (u64, u64),
    /// `(α, training loss)`, α ascending, including 0 and 1.
    pub points: Vec<(f64, f64)>,
}

impl LinePath {
    /// The barrier `max over α in [0, 1] of L(θ(α)) − max(L(θ_a), L(θ_b))`:
    /// 0 when the loss never rises above the worse end.
    pub fn barrier(&self) -> f64 {
        let inside = |a: f64| (-1e-9..=1.0 + 1e-9).contains(&a);
        let at = |a0: f64| {
            self.points
                .iter()
                .find(|(a, _)| (a - a0).abs() < 1e-9)
                .map_or(f64::NAN, |p| p.1)
        };
        let top = self
            .points
            .iter()
            .filter(|(a, _)| inside(*a))
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max);
        top - at(0.0).max(at(1.0))
    }
}

/// One width over all seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WidthResult {
    /// Hidden units.
    pub width: usize,
    /// Parameters of the 784-width-10 network.
    pub parameters: usize,
    /// One run per seed, in the config's order.
    pub runs: Vec<SeedRun>,
    /// The line between every pair of seeds' solutions.
    pub paths: Vec<LinePath>,
}

impl WidthResult {
    /// Final training loss over seeds: `over seeds.
    pub fn loss(&self) -> Spread {
        Spread::of(self.runs.iter().map(|r| r.final_loss))
    }
    /// Final test accuracy over seeds.
    pub fn test_accuracy(&self) -> Spread {
        Spread::of(self.runs.iter().map(|r| r.test_accuracy))
    }
    /// Final training accuracy over seeds.
    pub fn train_accuracy(&self) -> Spread {
        Spread::of(self.runs.iter().map(|r| r.train_accuracy))
    }
    /// Barrier height over seed pairs.
    pub fn barrier(&self) -> Spread {
        Spread::of(self.paths.iter().map(LinePath::barrier))
    }
    /// Whether every seed ended below `threshold` without diverging.
    pub fn interpolates(&self, threshold: f64) -> bool {
        !self.runs.is_empty()
            && self
                .runs
                .iter()
                .all(|r| r.diverged_at.is_none() && r.final_loss < threshold)
    }
}

/// What the study measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The setting it ran.
    pub config: Config,
    /// One entry per width, narrowest first.
    pub widths: Vec<WidthResult>,
}

impl Outcome {
    /// The narrowest and the widest width.
    pub fn ends(&self) -> Option<(&WidthResult, &WidthResult)> {
        Some((self.widths.first()?, self.widths.last()?))
    }
}

/// Trains every width from every seed (a seed fixes the initialization and
/// the batches), then evaluates the training loss along the line between
/// every pair of seeds' solutions.
///
/// **Errors**: a data or training error.
pub fn run(config: &Config, splits: &Splits) -> Result<Outcome> {
    let data = subset(splits, config.train, config.test)?;
    let widths = config
        .widths
        .iter()
        .map(|&width| run_width(config, &data, width))
        .collect::<Result<_>>()?;
    Ok(Outcome {
        config: config.clone(),
        widths,
    })
}

fn run_width(config: &Config, data: &Splits, width: usize) -> Result<WidthResult> {
    let mut runs = Vec::new();
    let mut solutions: Vec<Vec<ArrayD<f32>>> = Vec::new();
    let mut last = None;
    for &seed in &config.seeds {
        let tc = TrainConfig {
            model: format!("784-{width}-10"),
            lr: config.lr,
            momentum: Some(config.momentum),
            batch: config.batch,
            epochs: config.epochs,
            seed,
            checkpoint_every: 0,
            ..TrainConfig::default()
        };
        let mut trainer = Trainer::<f32>::new(&tc, data)?;
        let (mut epoch_loss, mut diverged_at) = (Vec::new(), None);
        for _ in 0..config.epochs {
            let epoch = trainer.train_epoch()?;
            if epoch.stop.as_ref().is_some_and(|s| s.is_divergence()) {
                diverged_at = Some(trainer.steps());
                break;
            }
            epoch_loss.push(epoch.loss);
        }
        let train = trainer.evaluate(EvalSplit::Train)?;
        let test = trainer.evaluate(EvalSplit::Test)?;
        runs.push(SeedRun {
            seed,
            epoch_loss,
            final_loss: if diverged_at.is_some() {
                f64::NAN
            } else {
                train.loss
            },
            train_accuracy: train.accuracy,
            test_accuracy: test.accuracy,
            diverged_at,
        });
        solutions.push(
            trainer
                .model()
                .params()
                .iter()
                .map(|p| p.value().clone())
                .collect(),
        );
        last = Some(trainer);
    }
    let parameters = last.as_ref().map_or(0, |t| t.model().num_params());
    let mut paths = Vec::new();
    if let Some(trainer) = last.as_mut() {
        for i in 0..solutions.len() {
            for j in i + 1..solutions.len() {
                if runs[i].diverged_at.is_some() || runs[j].diverged_at.is_some() {
                    continue;
                }
                let mut points = Vec::new();
                for &alpha in &config.alphas {
                    set_between(trainer, &solutions[i], &solutions[j], alpha);
                    points.push((alpha, trainer.evaluate(EvalSplit::Train)?.loss));
                }
                paths.push(LinePath {
                    seeds: (runs[i].seed, runs[j].seed),
                    points,
                });
            }
        }
    }
    Ok(WidthResult {
        width,
        parameters,
        runs,
        paths,
    })
}

/// Sets the trainer's weights to `(1 − α)·a + α·b`.
fn set_between(trainer: &mut Trainer<'_, f32>, a: &[ArrayD<f32>], b: &[ArrayD<f32>], alpha: f64) {
    let alpha = alpha as f32;
    for ((p, a), b) in trainer.model_mut().params_mut().into_iter().zip(a).zip(b) {
        let mut v = p.value_mut();
        v.assign(a);
        v *= 1.0 - alpha;
        v.scaled_add(alpha, b);
    }
}
