//! §2, a case study: the seed MLP 784-10-10 on MNIST. Training loss (the
//! empirical risk) against test loss (an estimate of the risk) per epoch,
//! what the 10 hidden units look at, and how each contributes to each class.

use data::{Granularity, Scaling, Splits, Standardizer};
use ndarray::{Array2, Axis};
use serde::Serialize;

use crate::error::Result;
use crate::plot::{Heatmap, ImageGrid, LineChart, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};
use crate::studies::subsets::{matrix, subset};
use crate::study::{Size, Study, StudyContext};
use crate::train::{EvalSplit, TrainConfig, Trainer};

/// The setting. `Default`: the lecture's, all 60,000 training images, SGD
/// lr 0.1, batch 128, 10 epochs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// Hidden units.
    pub hidden: usize,
    /// Training images used.
    pub train: usize,
    /// Test images used.
    pub test: usize,
    /// Epochs.
    pub epochs: usize,
    /// SGD learning rate.
    pub lr: f64,
    /// Minibatch size.
    pub batch: usize,
    /// Seed of initialization and shuffling.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            hidden: 10,
            train: 60_000,
            test: 10_000,
            epochs: 10,
            lr: 0.1,
            batch: 128,
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size.
    pub fn for_size(size: Size) -> Self {
        match size {
            Size::Tiny => Config {
                train: 10_000,
                test: 2_000,
                epochs: 3,
                ..Config::default()
            },
            Size::Quick | Size::Full => Config::default(),
        }
    }
}

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

/// What the run measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Epoch 0 is the initialization.
    pub epochs: Vec<EpochPoint>,
    /// Each hidden unit's input weights as a 28×28 image.
    pub unit_weights: Vec<Array2<f64>>,
    /// `contribution[[unit, class]]`: the second-layer weight from `unit` to
    /// `class` times the unit's mean activation on images of `class`.
    pub contribution: Array2<f64>,
    /// Mean activation of each unit on each class, `[unit, class]`.
    pub mean_activation: Array2<f64>,
}

/// Trains the MLP and reads its weights.
///
/// **Errors**: a data or training error.
pub fn run(config: &Config, splits: &Splits) -> Result<Outcome> {
    let data = subset(splits, config.train, config.test)?;
    let train_config = TrainConfig {
        model: format!("784-{}-10", config.hidden),
        lr: config.lr,
        batch: config.batch,
        epochs: config.epochs,
        seed: config.seed,
        checkpoint_every: 0,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::<f32>::new(&train_config, &data)?;
    let mut epochs = Vec::with_capacity(config.epochs + 1);
    for epoch in 0..=config.epochs {
        if epoch > 0 {
            trainer.train_epoch()?;
        }
        let train = trainer.evaluate(EvalSplit::Train)?;
        let test = trainer.evaluate(EvalSplit::Test)?;
        epochs.push(EpochPoint {
            epoch,
            train_loss: train.loss,
            test_loss: test.loss,
            train_accuracy: train.accuracy,
            test_accuracy: test.accuracy,
        });
    }
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
        epochs,
        unit_weights,
        contribution,
        mean_activation,
    })
}

/// The study.
pub struct CaseStudy;

impl Study for CaseStudy {
    fn name(&self) -> &'static str {
        "case-study"
    }
    fn title(&self) -> &'static str {
        "A case study: MLP 784-10-10 on MNIST"
    }
    fn section(&self) -> &'static str {
        "§2"
    }
    fn summary(&self) -> &'static str {
        "empirical risk vs risk per epoch, the hidden units' weights and their contribution to each class"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let config = Config {
            seed: ctx.seed,
            ..Config::for_size(ctx.size)
        };
        let out = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(self.name());
        let mut report = Report::new(self.name(), self.title(), self.section());

        let rows: Vec<Vec<f64>> = out
            .epochs
            .iter()
            .map(|e| {
                vec![
                    e.epoch as f64,
                    e.train_loss,
                    e.test_loss,
                    e.train_accuracy,
                    e.test_accuracy,
                ]
            })
            .collect();
        write_csv(
            &dir.join("loss.csv"),
            &[
                "epoch",
                "train_loss",
                "test_loss",
                "train_accuracy",
                "test_accuracy",
            ],
            &rows,
        )?;
        report.data("loss.csv");
        write_json(
            &dir.join("outcome.json"),
            &serde_json::json!({
                "config": config,
                "epochs": out.epochs,
                "contribution": out.contribution.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
                "mean_activation": out.mean_activation.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
            }),
        )?;
        report.data("outcome.json");

        let curve = |f: fn(&EpochPoint) -> f64| -> Vec<(f64, f64)> {
            out.epochs.iter().map(|e| (e.epoch as f64, f(e))).collect()
        };
        let chart = LineChart::new(
            "Empirical risk (training loss) vs risk (test loss)",
            "epoch",
            "mean cross-entropy",
        )
        .with(Series::line("training loss", curve(|e| e.train_loss)).style(SeriesStyle::LinePoints))
        .with(Series::line("test loss", curve(|e| e.test_loss)).style(SeriesStyle::LinePoints));
        report.figure(
            &dir,
            "loss",
            "Training and test loss per epoch (epoch 0: the initialization)",
            &chart,
        )?;

        let mut grid = ImageGrid::new("Input weights of the 10 hidden units", 5);
        for (j, w) in out.unit_weights.iter().enumerate() {
            grid = grid.with(format!("unit {j}"), w.clone());
        }
        report.figure(
            &dir,
            "hidden-weights",
            "Each hidden unit's 784 input weights as a 28×28 image (red positive, blue negative)",
            &grid,
        )?;

        let heat = Heatmap::new(
            "Contribution of each hidden unit to each class logit",
            out.contribution.clone(),
        )
        .rows((0..config.hidden).map(|j| format!("unit {j}")).collect())
        .cols((0..10).map(|c| c.to_string()).collect())
        .axes("class", "hidden unit");
        report.figure(
            &dir,
            "contribution",
            "Second-layer weight × mean activation of the unit on images of the class",
            &heat,
        )?;

        let first = out.epochs[0];
        let last = *out.epochs.last().expect("epoch 0 is always measured");
        let (best_unit, best_class) = argmax(&out.contribution);
        let dead: Vec<String> = out
            .mean_activation
            .outer_iter()
            .enumerate()
            .filter(|(_, r)| r.iter().all(|&v| v == 0.0))
            .map(|(j, _)| j.to_string())
            .collect();
        report.finding = format!(
            "After {} epochs of SGD (lr {}, batch {}) on {} training images, the training loss \
             fell from {:.3} to {:.3} and the test loss from {:.3} to {:.3}; test accuracy {:.2}% \
             (training {:.2}%). The gap between the empirical risk and the risk stays small \
             ({:.3}): with 7,960 weights the network underfits rather than overfits. \
             The hidden units' weights are blurry stroke templates; the strongest single \
             contribution is unit {} to class {} ({:.2}). Dead ReLU units (never active on \
             a training image, their weights still the random initialization): {}.",
            config.epochs,
            config.lr,
            config.batch,
            config.train.min(ctx.mnist()?.train.len()),
            first.train_loss,
            last.train_loss,
            first.test_loss,
            last.test_loss,
            100.0 * last.test_accuracy,
            100.0 * last.train_accuracy,
            last.test_loss - last.train_loss,
            best_unit,
            best_class,
            out.contribution[[best_unit, best_class]],
            if dead.is_empty() {
                "none".to_string()
            } else {
                dead.join(", ")
            },
        );
        Ok(report)
    }
}

fn argmax(m: &Array2<f64>) -> (usize, usize) {
    m.indexed_iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or((0, 0), |((r, c), _)| (r, c))
}
