//! §6, minibatches: from single examples to the full batch. Loss against
//! epochs, updates and wall-clock time, cost per epoch, activation memory,
//! the LR-scales-with-batch rule (capped at a stable maximum), and the
//! generalization gap.

use data::Splits;
use serde::Serialize;

use crate::error::Result;
use crate::plot::{LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};
use crate::studies::subsets::subset;
use crate::study::{Size, Study, StudyContext};
use crate::train::{EvalSplit, TrainConfig, Trainer};

/// The batch the base learning rate is tuned for (that of
/// [`optim::batch_scaled_lr`]).
pub const BASE_BATCH: usize = 32;

/// The setting. `Default`: MLP 784-32-10, plain SGD with lr 0.01 at the
/// base batch 32, batches 1 to the full 60,000, 5 epochs; the scaling rule
/// `lr·b/32` capped at 0.2 (linear up to batch 640).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// Hidden width (one hidden layer).
    pub hidden: usize,
    /// Batch sizes, ascending; `0` means the full training set.
    pub batches: Vec<usize>,
    /// The learning rate at the base batch [`BASE_BATCH`].
    pub lr: f64,
    /// The scaled rate never exceeds this ("linear scaling up to a point").
    pub lr_max: f64,
    /// A step loss above this factor times the reference is divergence. A
    /// single example's loss is far noisier than a batch mean, so the
    /// trainer's default (10) would flag batch 1's ordinary spikes.
    pub divergence_factor: f64,
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
            lr: 0.01,
            lr_max: 0.2,
            divergence_factor: 10.0,
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
                train: 10_000,
                test: 5_000,
                epochs: 5,
                ..Config::default()
            },
            Size::Full => Config::default(),
        }
    }

    /// The learning rate of a run: `lr`, or with the rule
    /// `min(lr·b/32, lr_max)`.
    ///
    /// **Errors**: a batch of 0 or a negative rate.
    pub fn lr_for(&self, batch: usize, scaled: bool) -> Result<f64> {
        Ok(if scaled {
            optim::batch_scaled_lr(self.lr, batch)?.min(self.lr_max)
        } else {
            self.lr
        })
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
    /// Whether the cap `lr_max` cut the scaled rate.
    pub capped: bool,
    /// Updates per epoch.
    pub updates_per_epoch: usize,
    /// Training loss on all training images after epoch 0..=epochs.
    pub loss: Vec<f64>,
    /// Cumulative training seconds after each epoch (0 first).
    pub seconds: Vec<f64>,
    /// Epochs trained to the end (all of them unless training diverged).
    pub epochs_completed: usize,
    /// Mean seconds per completed training epoch (NaN if none completed).
    pub seconds_per_epoch: f64,
    /// Activation memory, computed (not measured): the minibatch, its
    /// activations and their gradients on the tape, in f32,
    /// `8·b·(784 + 2·hidden + 10)` bytes.
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
    /// Updates made in the completed epochs.
    pub fn updates(&self) -> usize {
        self.epochs_completed * self.updates_per_epoch
    }
    /// Mean decrease of the training loss per update over the run.
    pub fn decrease_per_update(&self) -> f64 {
        (self.loss[0] - self.final_loss()) / self.updates().max(1) as f64
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
            let lr = config.lr_for(batch, scaled)?;
            let capped = scaled && lr < optim::batch_scaled_lr(config.lr, batch)?;
            let tc = TrainConfig {
                model: format!("784-{}-10", config.hidden),
                lr,
                batch,
                epochs: config.epochs,
                seed: config.seed,
                checkpoint_every: 0,
                divergence_factor: config.divergence_factor,
                ..TrainConfig::default()
            };
            let mut trainer = Trainer::<f32>::new(&tc, &data)?;
            let mut loss = vec![trainer.evaluate(EvalSplit::Train)?.loss];
            let mut seconds = vec![0.0];
            let (mut diverged, mut completed_seconds) = (false, 0.0);
            for _ in 0..config.epochs {
                let rec = trainer.train_epoch()?;
                seconds.push(seconds.last().copied().unwrap_or(0.0) + rec.seconds);
                if rec.stop.is_some_and(|s| s.is_divergence()) {
                    diverged = true;
                    loss.push(f64::NAN);
                    break;
                }
                completed_seconds += rec.seconds;
                loss.push(trainer.evaluate(EvalSplit::Train)?.loss);
            }
            let epochs_completed = loss.len() - 1 - usize::from(diverged);
            let train = trainer.evaluate(EvalSplit::Train)?;
            let test = trainer.evaluate(EvalSplit::Test)?;
            runs.push(BatchRun {
                batch,
                scaled,
                lr,
                capped,
                updates_per_epoch: trainer.steps_per_epoch(),
                loss,
                seconds,
                epochs_completed,
                seconds_per_epoch: if epochs_completed == 0 {
                    f64::NAN
                } else {
                    completed_seconds / epochs_completed as f64
                },
                activation_bytes: 8 * batch * (784 + 2 * config.hidden + 10),
                train_accuracy: train.accuracy,
                test_accuracy: test.accuracy,
                diverged,
            });
        }
    }
    Ok(runs)
}

/// A loss for the text: three decimals, or "diverged".
fn loss_text(r: &BatchRun) -> String {
    if r.diverged || !r.final_loss().is_finite() {
        "diverged".to_string()
    } else {
        format!("{:.3}", r.final_loss())
    }
}

/// "`x`× larger" or "`x`× smaller", `a` against `b`.
fn ratio_text(a: f64, b: f64, more: &str, less: &str) -> String {
    if a >= b {
        format!("{:.1}× {more}", a / b)
    } else {
        format!("{:.1}× {less}", b / a)
    }
}

/// The finding, every sentence from the measured runs (fixed-rate runs
/// first, then the scaled ones, each in `config.batches` order).
pub fn finding(config: &Config, runs: &[BatchRun]) -> String {
    let fixed: Vec<&BatchRun> = runs.iter().filter(|r| !r.scaled).collect();
    let scaled: Vec<&BatchRun> = runs.iter().filter(|r| r.scaled).collect();
    let (Some(small), Some(full)) = (fixed.first(), fixed.last()) else {
        return "No runs.".to_string();
    };
    let mut s = Vec::new();
    let linear_up_to = (config.lr_max / config.lr * BASE_BATCH as f64).round();
    let uncapped_full = config.lr * full.batch as f64 / BASE_BATCH as f64;
    s.push(format!(
        "{} epochs of plain SGD on {} MNIST images (MLP 784-{}-10), every run from the same \
         initialization and shuffling. Fixed rule: lr {} (the rate of the base batch {BASE_BATCH}) at every \
         batch size. Scaled rule: lr·b/{BASE_BATCH} capped at {} (linear scaling up to a point: \
         linear up to batch {linear_up_to}; uncapped, the full batch of {} would get lr {:.2}).",
        config.epochs,
        config.train,
        config.hidden,
        config.lr,
        config.lr_max,
        full.batch,
        uncapped_full,
    ));
    let diverged: Vec<String> = runs
        .iter()
        .filter(|r| r.diverged)
        .map(|r| format!("b={} at lr {:.4}", r.batch, r.lr))
        .collect();
    s.push(if diverged.is_empty() {
        format!(
            "No run diverged (a non-finite step loss, or one above {}× the reference, would count).",
            config.divergence_factor
        )
    } else {
        format!(
            "{} of {} runs diverged: {}.",
            diverged.len(),
            runs.len(),
            diverged.join(", ")
        )
    });
    let listing = |rs: &[&BatchRun]| -> String {
        rs.iter()
            .map(|r| format!("b={}: {}", r.batch, loss_text(r)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rising = fixed
        .windows(2)
        .all(|w| w[0].final_loss() < w[1].final_loss());
    s.push(format!(
        "At the fixed lr the training loss after {} epochs is {}: {}.",
        config.epochs,
        listing(&fixed),
        if rising {
            "it rises with every larger batch, so per epoch (same examples seen) smaller batches \
             make more progress"
                .to_string()
        } else if small.final_loss() < full.final_loss() {
            format!(
                "not monotone in the batch, but batch {} ends below the full batch",
                small.batch
            )
        } else {
            format!("batch {} does not end below the full batch", small.batch)
        }
    ));
    let (ds, df) = (small.decrease_per_update(), full.decrease_per_update());
    s.push(format!(
        "Per update it is the other way {}: the loss falls by {:.2e} per update on average at batch \
         {} ({} updates) and by {:.2e} at the full batch ({} updates), {} per update at the full \
         batch.",
        if df > ds { "round" } else { "round only in part" },
        ds,
        small.batch,
        small.updates(),
        df,
        full.updates(),
        ratio_text(df, ds, "more", "less"),
    ));
    let timed: Vec<&&BatchRun> = fixed
        .iter()
        .filter(|r| r.seconds_per_epoch.is_finite())
        .collect();
    if let (Some(fastest), true) = (
        timed
            .iter()
            .min_by(|a, b| a.seconds_per_epoch.total_cmp(&b.seconds_per_epoch)),
        small.seconds_per_epoch.is_finite() && full.seconds_per_epoch.is_finite(),
    ) {
        s.push(format!(
            "An epoch (mean over completed epochs) takes {:.4} s at batch {} ({} updates) and \
             {:.4} s at the full batch (1 update), {} at batch {}; the fastest epoch is at batch {} \
             ({:.4} s).",
            small.seconds_per_epoch,
            small.batch,
            small.updates_per_epoch,
            full.seconds_per_epoch,
            ratio_text(small.seconds_per_epoch, full.seconds_per_epoch, "longer", "shorter"),
            small.batch,
            fastest.batch,
            fastest.seconds_per_epoch,
        ));
    }
    s.push(format!(
        "The activation memory (computed, not measured: the batch, its activations and their \
         gradients in f32, 8·b·(784 + 2·{} + 10) bytes) grows linearly with the batch, from {:.1} \
         KiB at batch {} to {:.1} MiB at the full batch.",
        config.hidden,
        small.activation_bytes as f64 / 1024.0,
        small.batch,
        full.activation_bytes as f64 / (1 << 20) as f64,
    ));
    let compare = |pred: &dyn Fn(usize) -> bool| -> (usize, usize, Vec<String>) {
        let pairs: Vec<(&&BatchRun, &&BatchRun)> = fixed
            .iter()
            .zip(&scaled)
            .filter(|(f, _)| pred(f.batch))
            .collect();
        let lower = pairs
            .iter()
            .filter(|(f, sc)| sc.final_loss() < f.final_loss())
            .count();
        let text = pairs
            .iter()
            .map(|(f, sc)| {
                format!(
                    "b={}: lr {} → {:.4}{}, loss {} → {}",
                    f.batch,
                    f.lr,
                    sc.lr,
                    if sc.capped { " (capped)" } else { "" },
                    loss_text(f),
                    loss_text(sc)
                )
            })
            .collect();
        (lower, pairs.len(), text)
    };
    let (lower, n, text) = compare(&|b| b > BASE_BATCH);
    if n > 0 {
        s.push(format!(
            "With the capped scaling rule the loss after the same epochs is lower than at the fixed \
             lr at {} of the {n} batches above {BASE_BATCH} ({}).",
            if lower == n { "all".to_string() } else { lower.to_string() },
            text.join("; "),
        ));
    }
    let uncapped: Vec<f64> = scaled
        .iter()
        .filter(|r| !r.capped && !r.diverged)
        .map(|r| r.final_loss())
        .collect();
    if uncapped.len() > 1 {
        let lo = uncapped.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = uncapped.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let fixed_lo = fixed
            .iter()
            .map(|r| r.final_loss())
            .fold(f64::INFINITY, f64::min);
        let fixed_hi = fixed
            .iter()
            .map(|r| r.final_loss())
            .fold(f64::NEG_INFINITY, f64::max);
        s.push(format!(
            "The {} uncapped scaled runs end between {lo:.3} and {hi:.3} (spread {:.3}), against \
             {fixed_lo:.3} to {fixed_hi:.3} (spread {:.3}) at the fixed lr.",
            uncapped.len(),
            hi - lo,
            fixed_hi - fixed_lo,
        ));
    }
    let (lower, n, text) = compare(&|b| b < BASE_BATCH);
    if n > 0 {
        s.push(format!(
            "Below batch {BASE_BATCH} the rule lowers the lr, and the loss is lower at {lower} of \
             the {n} batches ({}).",
            text.join("; "),
        ));
    }
    let gaps = |rs: &[&BatchRun]| -> String {
        rs.iter()
            .map(|r| {
                format!(
                    "b={}: {:+.2}{}",
                    r.batch,
                    100.0 * r.gap(),
                    if r.diverged { " (diverged)" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    s.push(format!(
        "The generalization gap (train − test accuracy, percentage points) is, at the fixed lr, \
         {}; with the scaled rule, {}. At the fixed lr it is {} at batch {} than at the full batch, \
         whose training accuracy is {:.1}%.",
        gaps(&fixed),
        gaps(&scaled),
        if small.gap() > full.gap() { "larger" } else { "not larger" },
        small.batch,
        100.0 * full.train_accuracy,
    ));
    s.join(" ")
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
        "batch 1 to full: loss vs epochs, updates and time; cost, activation memory, the capped LR scaling rule, generalization gap"
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
                    f64::from(u8::from(r.capped)),
                    r.updates_per_epoch as f64,
                    r.epochs_completed as f64,
                    r.final_loss(),
                    r.decrease_per_update(),
                    r.seconds_per_epoch,
                    r.activation_bytes as f64,
                    r.train_accuracy,
                    r.test_accuracy,
                    r.gap(),
                    f64::from(u8::from(r.diverged)),
                ]
            })
            .collect();
        write_csv(
            &dir.join("runs.csv"),
            &[
                "batch",
                "scaled_lr",
                "lr",
                "capped",
                "updates_per_epoch",
                "epochs_completed",
                "final_train_loss",
                "loss_decrease_per_update",
                "seconds_per_completed_epoch",
                "activation_bytes_computed",
                "train_accuracy",
                "test_accuracy",
                "generalization_gap",
                "diverged",
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
                    .filter(|(i, l)| (!log_x || *i > 0) && l.is_finite())
                    .map(|(i, &l)| (xs(r, i), l))
                    .collect();
                let style = if r.scaled {
                    SeriesStyle::Line
                } else {
                    SeriesStyle::LinePoints
                };
                c = c.with(Series::line(r.label(), pts).style(style));
            }
            c
        };
        report.figure(
            &dir,
            "loss-epochs",
            "Training loss after each epoch (the same examples seen), fixed and capped-scaled lr",
            chart("Training loss vs epochs", "epoch", &|_, i| i as f64, false),
        )?;
        report.figure(
            &dir,
            "loss-updates",
            "Training loss against the number of updates made",
            chart(
                "Training loss vs updates",
                "updates",
                &|r, i| (i * r.updates_per_epoch) as f64,
                true,
            ),
        )?;
        report.figure(
            &dir,
            "loss-time",
            "Training loss against wall-clock training time (evaluation excluded)",
            chart(
                "Training loss vs wall-clock time",
                "seconds",
                &|r, i| r.seconds[i.min(r.seconds.len() - 1)].max(1e-4),
                true,
            ),
        )?;
        let fixed: Vec<&BatchRun> = runs.iter().filter(|r| !r.scaled).collect();
        let cost = LineChart::new(
            "Cost per epoch and activation memory vs batch size",
            "batch size",
            "seconds per epoch / MiB",
        )
        .x_scale(Scale::Log)
        .y_scale(Scale::Log)
        .with(
            Series::line(
                "seconds per completed epoch",
                fixed
                    .iter()
                    .filter(|r| r.seconds_per_epoch.is_finite())
                    .map(|r| (r.batch as f64, r.seconds_per_epoch))
                    .collect(),
            )
            .style(SeriesStyle::LinePoints),
        )
        .with(
            Series::line(
                "activation memory, computed (MiB)",
                fixed
                    .iter()
                    .map(|r| (r.batch as f64, r.activation_bytes as f64 / (1 << 20) as f64))
                    .collect(),
            )
            .style(SeriesStyle::LinePoints),
        );
        report.figure(
            &dir,
            "cost",
            "Seconds per completed epoch (fixed lr) and the computed activation memory against batch size",
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
                    if scaled {
                        "capped scaled lr"
                    } else {
                        "fixed lr"
                    },
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
            "Train − test accuracy after the last epoch, per batch size",
            &gap,
        )?;

        let table: Vec<String> = runs
            .iter()
            .map(|r| {
                format!(
                    "| {} | {} | {:.4}{} | {} | {} | {:.3e} | {:.4} | {:.2} | {:.2}% | {:.2}% | {:+.2} |",
                    r.batch,
                    if r.scaled { "scaled" } else { "fixed" },
                    r.lr,
                    if r.capped { " (capped)" } else { "" },
                    r.updates_per_epoch,
                    loss_text(r),
                    r.decrease_per_update(),
                    r.seconds_per_epoch,
                    r.activation_bytes as f64 / 1024.0,
                    100.0 * r.train_accuracy,
                    100.0 * r.test_accuracy,
                    100.0 * r.gap(),
                )
            })
            .collect();
        report.finding = format!(
            "{}\n\n\
             | batch | lr rule | lr | updates/epoch | final training loss | loss decrease/update | s/epoch (completed) | activation KiB (computed) | train accuracy | test accuracy | gap (pp) |\n\
             |---|---|---|---|---|---|---|---|---|---|---|\n{}\n",
            finding(&config, &runs),
            table.join("\n"),
        );
        Ok(report)
    }
}
