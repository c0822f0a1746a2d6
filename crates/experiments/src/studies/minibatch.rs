//! §6, minibatches: from single examples to the full batch. Loss against
//! epochs, updates and wall-clock time, cost per epoch, memory, the
//! LR-scales-with-batch rule, and the generalization gap.

use data::Splits;
use serde::Serialize;

use crate::error::Result;
use crate::plot::{LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};
use crate::studies::subsets::subset;
use crate::study::{Size, Study, StudyContext};
use crate::train::{EvalSplit, TrainConfig, Trainer};

/// The setting. `Default`: MLP 784-32-10, plain SGD with lr 0.05 tuned for
/// batch 32, batches 1 to the full 60,000, 5 epochs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// Layer widths (one hidden layer).
    pub hidden: usize,
    /// Batch sizes, ascending; `0` means the full training set.
    pub batches: Vec<usize>,
    /// The learning rate, tuned for [`optim::batch_scaled_lr`]'s base batch 32.
    pub lr: f64,
    /// Training images.
    pub train: usize,
    /// Test images.
    pub test: usize,
    /// Epochs.
    pub epochs: usize,
    /// Seed (same initialization and shuffling for every run).
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            hidden: 32,
            batches: vec![1, 8, 64, 512, 0],
            lr: 0.05,
            train: 60_000,
            test: 10_000,
            epochs: 5,
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size.
    pub fn for_size(size: Size) -> Self {
        match size {
            Size::Tiny => Config {
                batches: vec![1, 16, 256, 0],
                train: 1_000,
                test: 1_000,
                epochs: 2,
                ..Config::default()
            },
            Size::Quick => Config {
                train: 5_000,
                test: 5_000,
                epochs: 4,
                ..Config::default()
            },
            Size::Full => Config::default(),
        }
    }
}

/// One run: a batch size with or without the scaling rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchRun {
    /// Examples per minibatch.
    pub batch: usize,
    /// Whether the learning rate was scaled with the batch.
    pub scaled: bool,
    /// The learning rate used.
    pub lr: f64,
    /// Updates per epoch.
    pub updates_per_epoch: usize,
    /// Training loss on all training images after epoch 0..=epochs.
    pub loss: Vec<f64>,
    /// Cumulative training seconds after each epoch (0 first).
    pub seconds: Vec<f64>,
    /// Mean seconds per training epoch.
    pub seconds_per_epoch: f64,
    /// Bytes of the minibatch and its activations and their gradients on
    /// the tape (f32): `8·b·(784 + 2·hidden + 10)`.
    pub activation_bytes: usize,
    /// Final training accuracy.
    pub train_accuracy: f64,
    /// Final test accuracy.
    pub test_accuracy: f64,
    /// Whether training diverged.
    pub diverged: bool,
}

impl BatchRun {
    /// Train − test accuracy.
    pub fn gap(&self) -> f64 {
        self.train_accuracy - self.test_accuracy
    }
    /// Final training loss.
    pub fn final_loss(&self) -> f64 {
        *self.loss.last().unwrap_or(&f64::NAN)
    }
    fn label(&self) -> String {
        format!(
            "b={}{}",
            self.batch,
            if self.scaled { ", scaled lr" } else { "" }
        )
    }
}

/// Runs every batch size, with and without the scaling rule.
///
/// **Errors**: a data or training error.
pub fn run(config: &Config, splits: &Splits) -> Result<Vec<BatchRun>> {
    let data = subset(splits, config.train, config.test)?;
    let mut runs = Vec::new();
    for scaled in [false, true] {
        for &b in &config.batches {
            let batch = if b == 0 { data.train.len() } else { b };
            let lr = if scaled {
                optim::batch_scaled_lr(config.lr, batch)?
            } else {
                config.lr
            };
            let tc = TrainConfig {
                model: format!("784-{}-10", config.hidden),
                lr,
                batch,
                epochs: config.epochs,
                seed: config.seed,
                checkpoint_every: 0,
                ..TrainConfig::default()
            };
            let mut trainer = Trainer::<f32>::new(&tc, &data)?;
            let mut loss = vec![trainer.evaluate(EvalSplit::Train)?.loss];
            let mut seconds = vec![0.0];
            let mut diverged = false;
            for _ in 0..config.epochs {
                let rec = trainer.train_epoch()?;
                seconds.push(seconds.last().copied().unwrap_or(0.0) + rec.seconds);
                if rec.stop.is_some_and(|s| s.is_divergence()) {
                    diverged = true;
                    loss.push(f64::NAN);
                    break;
                }
                loss.push(trainer.evaluate(EvalSplit::Train)?.loss);
            }
            let train = trainer.evaluate(EvalSplit::Train)?;
            let test = trainer.evaluate(EvalSplit::Test)?;
            runs.push(BatchRun {
                batch,
                scaled,
                lr,
                updates_per_epoch: trainer.steps_per_epoch(),
                seconds_per_epoch: seconds.last().copied().unwrap_or(0.0)
                    / (seconds.len() - 1).max(1) as f64,
                loss,
                seconds,
                activation_bytes: 8 * batch * (784 + 2 * config.hidden + 10),
                train_accuracy: train.accuracy,
                test_accuracy: test.accuracy,
                diverged,
            });
        }
    }
    Ok(runs)
}

/// The study.
pub struct Minibatch;

impl Study for Minibatch {
    fn name(&self) -> &'static str {
        "minibatch"
    }
    fn title(&self) -> &'static str {
        "Minibatches: from one example to the full batch"
    }
    fn section(&self) -> &'static str {
        "§6"
    }
    fn summary(&self) -> &'static str {
        "batch 1 to full: loss vs epochs, updates and time; cost, memory, the LR scaling rule, generalization gap"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let config = Config {
            seed: ctx.seed,
            ..Config::for_size(ctx.size)
        };
        let runs = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(self.name());
        let mut report = Report::new(self.name(), self.title(), self.section());

        let rows: Vec<Vec<f64>> = runs
            .iter()
            .map(|r| {
                vec![
                    r.batch as f64,
                    f64::from(u8::from(r.scaled)),
                    r.lr,
                    r.updates_per_epoch as f64,
                    r.final_loss(),
                    r.seconds_per_epoch,
                    r.activation_bytes as f64,
                    r.train_accuracy,
                    r.test_accuracy,
                    r.gap(),
                ]
            })
            .collect();
        write_csv(
            &dir.join("runs.csv"),
            &[
                "batch",
                "scaled_lr",
                "lr",
                "updates_per_epoch",
                "final_train_loss",
                "seconds_per_epoch",
                "activation_bytes",
                "train_accuracy",
                "test_accuracy",
                "generalization_gap",
            ],
            &rows,
        )?;
        report.data("runs.csv");
        write_json(
            &dir.join("outcome.json"),
            &serde_json::json!({ "config": config, "runs": runs }),
        )?;
        report.data("outcome.json");

        let chart = |title: &str, x: &str, xs: &dyn Fn(&BatchRun, usize) -> f64, log_x: bool| {
            let mut c = LineChart::new(title, x, "training loss").y_scale(Scale::Log);
            if log_x {
                c = c.x_scale(Scale::Log);
            }
            for r in &runs {
                let pts = r
                    .loss
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !log_x || *i > 0)
                    .map(|(i, &l)| (xs(r, i), l))
                    .collect();
                c = c.with(Series::line(r.label(), pts).style(SeriesStyle::LinePoints));
            }
            c
        };
        report.figure(
            &dir,
            "loss-epochs",
            "Training loss per epoch (same data seen): small batches make more progress per epoch",
            &chart("Training loss vs epochs", "epoch", &|_, i| i as f64, false),
        )?;
        report.figure(
            &dir,
            "loss-updates",
            "Training loss per update: large batches make more progress per update",
            &chart(
                "Training loss vs updates",
                "updates",
                &|r, i| (i * r.updates_per_epoch) as f64,
                true,
            ),
        )?;
        report.figure(
            &dir,
            "loss-time",
            "Training loss vs wall-clock training time",
            &chart(
                "Training loss vs wall-clock time",
                "seconds",
                &|r, i| r.seconds[i.min(r.seconds.len() - 1)].max(1e-4),
                true,
            ),
        )?;
        let unscaled: Vec<&BatchRun> = runs.iter().filter(|r| !r.scaled).collect();
        let cost = LineChart::new(
            "Cost per epoch and memory vs batch size",
            "batch size",
            "seconds per epoch / MiB",
        )
        .x_scale(Scale::Log)
        .y_scale(Scale::Log)
        .with(
            Series::line(
                "seconds per epoch",
                unscaled
                    .iter()
                    .map(|r| (r.batch as f64, r.seconds_per_epoch))
                    .collect(),
            )
            .style(SeriesStyle::LinePoints),
        )
        .with(
            Series::line(
                "activation + batch memory (MiB)",
                unscaled
                    .iter()
                    .map(|r| (r.batch as f64, r.activation_bytes as f64 / (1 << 20) as f64))
                    .collect(),
            )
            .style(SeriesStyle::LinePoints),
        );
        report.figure(
            &dir,
            "cost",
            "Seconds per epoch and the batch's activation memory against batch size",
            &cost,
        )?;
        let mut gap = LineChart::new(
            "Generalization gap vs batch size",
            "batch size",
            "train − test accuracy",
        )
        .x_scale(Scale::Log);
        for scaled in [false, true] {
            gap = gap.with(
                Series::line(
                    if scaled { "scaled lr" } else { "fixed lr" },
                    runs.iter()
                        .filter(|r| r.scaled == scaled && !r.diverged)
                        .map(|r| (r.batch as f64, r.gap()))
                        .collect(),
                )
                .style(SeriesStyle::LinePoints),
            );
        }
        report.figure(
            &dir,
            "gap",
            "Train − test accuracy after the last epoch",
            &gap,
        )?;

        let table: Vec<String> = runs
            .iter()
            .map(|r| {
                format!(
                    "| {} | {} | {:.4} | {} | {:.4}{} | {:.3} | {:.2} | {:.2}% | {:+.2} |",
                    r.batch,
                    if r.scaled { "scaled" } else { "fixed" },
                    r.lr,
                    r.updates_per_epoch,
                    r.final_loss(),
                    if r.diverged { " (diverged)" } else { "" },
                    r.seconds_per_epoch,
                    r.activation_bytes as f64 / 1024.0,
                    100.0 * r.test_accuracy,
                    100.0 * r.gap(),
                )
            })
            .collect();
        let (small, big) = (unscaled[0], unscaled[unscaled.len() - 1]);
        report.finding = format!(
            "{} epochs of SGD on {} images (MLP 784-{}-10, lr {} at batch 32; the scaled rule uses \
             lr·b/32), same initialization and shuffling. At a fixed lr, batch {} makes {} updates \
             per epoch and reaches training loss {:.3}, the full batch ({}) makes {} and stays at \
             {:.3}: per epoch small batches win, per update large ones do; an epoch costs {:.3} s \
             at batch {} against {:.3} s at the full batch, whose activations take {:.1} MiB \
             instead of {:.1} KiB. Scaling the lr with the batch moves each large batch's loss \
             towards the small-batch curve (table); at the largest batches the scaled rate \
             becomes too large for the rule to hold.\n\n\
             | batch | lr rule | lr | updates/epoch | final training loss | s/epoch | activation KiB | test accuracy | gap (pp) |\n\
             |---|---|---|---|---|---|---|---|---|\n{}\n",
            config.epochs,
            config.train,
            config.hidden,
            config.lr,
            small.batch,
            small.updates_per_epoch,
            small.final_loss(),
            big.batch,
            big.updates_per_epoch,
            big.final_loss(),
            small.seconds_per_epoch,
            small.batch,
            big.seconds_per_epoch,
            big.activation_bytes as f64 / (1 << 20) as f64,
            small.activation_bytes as f64 / 1024.0,
            table.join("\n"),
        );
        Ok(report)
    }
}
