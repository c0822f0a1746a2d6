//! The case study's runs: the MLP trained on all training images and on a
//! few, with losses and accuracies per epoch, and its weights read back.

use data::{Granularity, Scaling, Splits, Standardizer};
use ndarray::{Array2, Axis};
use serde::Serialize;

use super::Config;
use crate::error::Result;
use crate::studies::subsets::{matrix, subset};
use crate::train::{EvalSplit, TrainConfig, Trainer};

/// One epoch's losses and accuracies, measured after the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EpochPoint {
    /// Epoch, from 1.
    pub epoch: usize,
    /// Loss on the training images (empirical risk).
    pub train_loss: f64,
    /// Loss on the test images (risk estimate).
    pub test_loss: f64,
    /// Training accuracy.
    pub train_accuracy: f64,
    /// Test accuracy.
    pub test_accuracy: f64,
}

/// What the runs measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Training images of the main run (n).
    pub train_images: usize,
    /// The main run per epoch; epoch 0 is the initialization.
    pub epochs: Vec<EpochPoint>,
    /// Training images of the small-n run.
    pub small_images: usize,
    /// The small-n run at evenly spaced epochs (epoch 0 first).
    pub small: Vec<EpochPoint>,
    /// Each hidden unit's input weights as a 28×28 image (main run).
    pub unit_weights: Vec<Array2<f64>>,
    /// `contribution[[unit, class]]`: the second-layer weight from `unit` to
    /// `class` times the unit's mean activation on images of `class`.
    pub contribution: Array2<f64>,
    /// Mean activation of each unit on each class, `[unit, class]`.
    pub mean_activation: Array2<f64>,
}

/// Points evaluated along the small-n run (it has many short epochs).
const SMALL_EVALUATIONS: usize = 10;

/// Trains the MLP on `n` training images for `epochs`, measuring after the
/// epochs `0, every, 2·every, …` and the last one.
fn train<'d>(
    config: &Config,
    data: &'d Splits,
    epochs: usize,
    every: usize,
) -> Result<(Trainer<'d, f32>, Vec<EpochPoint>)> {
    let train_config = TrainConfig {
        model: format!("784-{}-10", config.hidden),
        lr: config.lr,
        batch: config.batch,
        epochs,
        seed: config.seed,
        checkpoint_every: 0,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::<f32>::new(&train_config, data)?;
    let mut points = Vec::new();
    for epoch in 0..=epochs {
        if epoch > 0 {
            trainer.train_epoch()?;
        }
        if epoch % every.max(1) == 0 || epoch == epochs {
            let train = trainer.evaluate(EvalSplit::Train)?;
            let test = trainer.evaluate(EvalSplit::Test)?;
            points.push(EpochPoint {
                epoch,
                train_loss: train.loss,
                test_loss: test.loss,
                train_accuracy: train.accuracy,
                test_accuracy: test.accuracy,
            });
        }
    }
    Ok((trainer, points))
}

/// Trains the MLP on all and on a few training images and reads its weights.
///
/// **Errors**: a data or training error.
pub fn run(config: &Config, splits: &Splits) -> Result<Outcome> {
    let few = subset(splits, config.small_train, config.small_test)?;
    let every = config.small_epochs.div_ceil(SMALL_EVALUATIONS);
    let (_, small) = train(config, &few, config.small_epochs, every)?;
    let data = subset(splits, config.train, config.test)?;
    let (trainer, epochs) = train(config, &data, config.epochs, 1)?;
    let w0 = matrix(trainer.model(), "layers.0.weight")?;
    let b0 = matrix(trainer.model(), "layers.0.bias")?;
    let w1 = matrix(trainer.model(), "layers.2.weight")?;
    let unit_weights = w0
        .outer_iter()
        .map(|row| row.to_owned().into_shape_with_order((28, 28)))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| crate::ExperimentsError::Invalid(e.to_string()))?;
    // Hidden activations on the training images, standardized as the trainer does.
    let standardizer =
        Standardizer::fit_pixels(data.train.images(), Scaling::ZScore, Granularity::Global)?;
    let x = standardizer.apply(data.train.pixels::<f64>().view())?;
    let h = (x.dot(&w0.t()) + b0.row(0)).mapv(|v| v.max(0.0));
    let mut mean_activation = Array2::<f64>::zeros((config.hidden, 10));
    let mut counts = [0usize; 10];
    for (row, &label) in h.axis_iter(Axis(0)).zip(data.train.labels()) {
        let c = usize::from(label);
        counts[c] += 1;
        let mut col = mean_activation.column_mut(c);
        col += &row;
    }
    for (c, &n) in counts.iter().enumerate() {
        mean_activation
            .column_mut(c)
            .mapv_inplace(|v| v / n.max(1) as f64);
    }
    let contribution = &w1.t() * &mean_activation;
    Ok(Outcome {
        train_images: data.train.len(),
        epochs,
        small_images: few.train.len(),
        small,
        unit_weights,
        contribution,
        mean_activation,
    })
}
