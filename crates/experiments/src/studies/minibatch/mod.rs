//! Lecture Section 6 and the notes' batch-size rules: from single examples
//! to the full batch. Loss against epochs, updates and wall-clock time; the
//! cost of an epoch and of an update; the memory one step holds (measured);
//! the rule "LR ∝ batch" (capped at a stable maximum); and the
//! generalization gap over several seeds.

mod figures;
mod finding;
mod runs;

pub use finding::{finding, frame};
pub use runs::{BatchRun, Group, MemoryPoint, Outcome, run};

use serde::Serialize;

use crate::error::Result;
use crate::report::{Report, write_csv, write_json};
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "minibatch";

/// The batch the base learning rate is tuned for (that of
/// [`optim::batch_scaled_lr`]).
pub const BASE_BATCH: usize = 32;

/// The setting. `Default` (full size): MLP 784-32-10, plain SGD with lr
/// 0.01 at the base batch 32, batches 1 to the full 60,000, 5 epochs, 3
/// seeds; the scaling rule `lr·b/32` capped at 0.2 (linear up to batch 640).
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
    /// Seeds (initialization and shuffling); every batch size and rule runs
    /// from each.
    pub seeds: Vec<u64>,
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
            seeds: (0..3).collect(),
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
                seeds: (0..2).collect(),
                ..Config::default()
            },
            Size::Quick => Config {
                train: 6_000,
                test: 5_000,
                epochs: 5,
                seeds: (0..2).collect(),
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

/// The study.
pub struct Minibatch;

impl Study for Minibatch {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "Minibatches: from one example to the full batch"
    }
    fn section(&self) -> &'static str {
        "Section 6"
    }
    fn summary(&self) -> &'static str {
        "batch 1 to full over seeds: loss vs epochs, updates and time; time per epoch and update, measured step memory, the capped LR scaling rule, generalization gap"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let mut config = Config::for_size(ctx.size);
        for s in &mut config.seeds {
            *s += ctx.seed;
        }
        let outcome = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(NAME);
        let mut report = Report::new(NAME, self.title(), self.section());
        write_data(&outcome, &dir, &mut report)?;
        figures::draw(&outcome, &dir, &mut report)?;
        report.frame = Some(frame(&outcome));
        report.finding = finding(&outcome);
        Ok(report)
    }
}

fn write_data(outcome: &Outcome, dir: &std::path::Path, report: &mut Report) -> Result<()> {
    let flag = |b: bool| f64::from(u8::from(b));
    let rows: Vec<Vec<f64>> = outcome
        .runs
        .iter()
        .map(|r| {
            vec![
                r.batch as f64,
                flag(r.scaled),
                r.seed as f64,
                r.lr,
                flag(r.capped),
                r.updates_per_epoch as f64,
                r.epochs_completed as f64,
                r.final_loss(),
                r.decrease_per_update(),
                r.seconds_per_epoch,
                r.seconds_per_update(),
                r.train_accuracy,
                r.test_accuracy,
                r.gap(),
                r.diverged_at.map_or(f64::NAN, |s| s as f64),
            ]
        })
        .collect();
    write_csv(
        &dir.join("runs.csv"),
        &[
            "batch",
            "scaled_lr",
            "seed",
            "lr",
            "capped",
            "updates_per_epoch",
            "epochs_completed",
            "final_train_loss",
            "loss_decrease_per_update",
            "seconds_per_completed_epoch",
            "seconds_per_update",
            "train_accuracy",
            "test_accuracy",
            "generalization_gap",
            "diverged_at_update",
        ],
        &rows,
    )?;
    report.data("runs.csv");
    let rows: Vec<Vec<f64>> = outcome
        .memory
        .iter()
        .map(|m| {
            vec![
                m.batch as f64,
                m.measured_bytes as f64,
                m.estimate_bytes as f64,
            ]
        })
        .collect();
    write_csv(
        &dir.join("memory.csv"),
        &["batch", "step_bytes_measured", "activation_bytes_estimate"],
        &rows,
    )?;
    report.data("memory.csv");
    write_json(&dir.join("outcome.json"), outcome)?;
    report.data("outcome.json");
    Ok(())
}
