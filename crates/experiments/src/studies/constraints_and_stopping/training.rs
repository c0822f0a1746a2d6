//! The training run the stopping criteria watch: a small MLP trained with
//! minibatch SGD on an MNIST subset. Every iteration records the minibatch
//! loss, its exponential moving average (what a trainer displays and what
//! the criteria watch: single minibatch losses are too noisy to stop on),
//! the time, and every few iterations the validation accuracy.

use std::time::Instant;

use autodiff::{Gradients, Tape};
use data::{EpochSampler, Granularity, LabeledImages, PixelEncoder, Scaling, Standardizer};
use ndarray::Array2;
use nn::MlpConfig;
use optim::SgdConfig;
use rand::{SeedableRng, rngs::StdRng};

use super::stopping::Step;
use crate::error::{ExperimentsError, Result};
use crate::studies::fit;

/// Settings of the recorded run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingConfig {
    /// Training examples (a random subset of MNIST's training set).
    pub train_examples: usize,
    /// Validation examples (disjoint from the training ones).
    pub validation_examples: usize,
    /// The MLP, as `784-…-10`.
    pub architecture: String,
    /// Minibatch size.
    pub batch: usize,
    /// The learning rate of the normal run.
    pub lr: f64,
    /// A learning rate far too large (the diverging run).
    pub diverging_lr: f64,
    /// Iterations recorded.
    pub iterations: u64,
    /// The validation accuracy is measured every this many iterations.
    pub eval_every: u64,
    /// Smoothing of the observed loss: `s_t = a·s_{t−1} + (1 − a)·L_t`,
    /// `s_1 = L_1`.
    pub smoothing: f64,
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// The learning rate.
    pub lr: f64,
    /// Every iteration's minibatch loss.
    pub losses: Vec<f64>,
    /// Every iteration as the criteria see it: the smoothed loss, the
    /// validation accuracy when measured, the time.
    pub observations: Vec<Step>,
}

/// Trains the MLP with plain SGD at `lr` for `config.iterations` minibatch
/// steps (stopping early only at a non-finite loss) and records them.
/// Inputs are standardized with the training subset's mean and std.
///
/// **Errors**: a subset larger than `train`, or a failed step.
pub fn record(
    config: &TrainingConfig,
    train: &LabeledImages,
    lr: f64,
    seed: u64,
) -> Result<Recording> {
    let needed = config.train_examples + config.validation_examples;
    if needed > train.len() || config.train_examples == 0 || config.validation_examples == 0 {
        return Err(ExperimentsError::Invalid(format!(
            "the stopping run needs 1 to {} examples, got {needed}",
            train.len()
        )));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let chosen = rand::seq::index::sample(&mut rng, train.len(), needed).into_vec();
    let train_set = train.select(&chosen[..config.train_examples])?;
    let validation = train.select(&chosen[config.train_examples..])?;
    let stats = Standardizer::fit_pixels(train_set.images(), Scaling::ZScore, Granularity::Global)?;
    let encoder = PixelEncoder::<f32>::standardized(&stats);
    let all: Vec<usize> = (0..validation.len()).collect();
    let (mut val_x, mut val_y) = (Array2::zeros((0, 0)), Vec::new());
    validation.gather(&all, &encoder, &mut val_x, &mut val_y)?;

    let mut model = MlpConfig::parse(&config.architecture)?.build::<f32>(&mut rng)?;
    let mut opt = SgdConfig::default().lr(lr).build::<f32>()?;
    let mut sampler = EpochSampler::new(train_set.len(), config.batch)?;
    let (mut tape, mut grads) = (Tape::new(), Gradients::new());
    let (mut x, mut y) = (Array2::zeros((0, 0)), Vec::new());
    let eval_every = config.eval_every.max(1);
    let mut losses: Vec<f64> = Vec::new();
    let mut observations = Vec::new();
    let mut smoothed = f64::NAN;
    let start = Instant::now();
    'epochs: loop {
        let batches: Vec<Vec<usize>> = sampler.epoch(&mut rng).map(<[usize]>::to_vec).collect();
        for batch in batches {
            train_set.gather(&batch, &encoder, &mut x, &mut y)?;
            let loss = fit::step(&mut model, &mut tape, &mut grads, &x, &y, &mut opt)?;
            losses.push(loss);
            smoothed = if losses.len() == 1 {
                loss
            } else {
                config.smoothing * smoothed + (1.0 - config.smoothing) * loss
            };
            let iteration = losses.len() as u64;
            let metric = (iteration.is_multiple_of(eval_every) && loss.is_finite())
                .then(|| fit::accuracy(&mut model, &mut tape, &val_x, &val_y));
            observations.push(Step {
                iteration,
                loss: smoothed,
                metric,
                seconds: start.elapsed().as_secs_f64(),
            });
            if iteration >= config.iterations || !smoothed.is_finite() {
                break 'epochs;
            }
        }
    }
    Ok(Recording {
        lr,
        losses,
        observations,
    })
}
