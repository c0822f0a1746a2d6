//! The runs: every batch size with the fixed and the scaled learning rate,
//! from every seed, and the memory one training step holds per batch size.

use data::Splits;
use serde::Serialize;

use super::Config;
use crate::error::Result;
use crate::studies::spread::Spread;
use crate::studies::subsets::subset;
use crate::train::{EvalSplit, TrainConfig, Trainer};

/// One run: a batch size, with or without the scaling rule, from one seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchRun {
    /// Examples per minibatch.
    pub batch: usize,
    /// Whether the learning rate was scaled with the batch.
    pub scaled: bool,
    /// Seed of the initialization and the shuffling.
    pub seed: u64,
    /// The learning rate used.
    pub lr: f64,
    /// Whether the cap `lr_max` cut the scaled rate.
    pub capped: bool,
    /// Updates per epoch.
    pub updates_per_epoch: usize,
    /// Training loss on all training images after epoch 0..=epochs (NaN
    /// from a diverged epoch on).
    pub loss: Vec<f64>,
    /// Cumulative training seconds after each epoch (0 first).
    pub seconds: Vec<f64>,
    /// Epochs trained to the end (all of them unless training diverged).
    pub epochs_completed: usize,
    /// Mean seconds per completed training epoch (NaN if none completed).
    pub seconds_per_epoch: f64,
    /// Final training accuracy.
    pub train_accuracy: f64,
    /// Final test accuracy.
    pub test_accuracy: f64,
    /// The update at which training diverged, if it did.
    pub diverged_at: Option<u64>,
}

impl BatchRun {
    /// Train − test accuracy.
    pub fn gap(&self) -> f64 {
        self.train_accuracy - self.test_accuracy
    }
    /// Final training loss (NaN if the run diverged).
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
    /// Mean seconds per update.
    pub fn seconds_per_update(&self) -> f64 {
        self.seconds_per_epoch / self.updates_per_epoch.max(1) as f64
    }
}

/// The memory of one training step at a batch size.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MemoryPoint {
    /// Examples in the step.
    pub batch: usize,
    /// Bytes the autodiff tape and the gradient buffers held after the step
    /// (measured: [`Trainer::step_bytes`]).
    pub measured_bytes: usize,
    /// The textbook estimate for comparison: the batch, its activations and
    /// their gradients in f32, `8·b·(784 + 2·hidden + 10)` bytes.
    pub estimate_bytes: usize,
}

/// What the study measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The setting it ran.
    pub config: Config,
    /// Training images actually used (the full batch).
    pub train_examples: usize,
    /// Every run: fixed rate first, then scaled; batches ascending; seeds
    /// innermost.
    pub runs: Vec<BatchRun>,
    /// One step's memory per batch size, ascending.
    pub memory: Vec<MemoryPoint>,
}

/// The runs of one batch size and rule, over seeds.
#[derive(Clone, Debug)]
pub struct Group<'a> {
    /// Examples per minibatch.
    pub batch: usize,
    /// Whether the rate was scaled.
    pub scaled: bool,
    /// One run per seed.
    pub runs: Vec<&'a BatchRun>,
}

impl Group<'_> {
    /// The learning rate (the same for every seed).
    pub fn lr(&self) -> f64 {
        self.runs.first().map_or(f64::NAN, |r| r.lr)
    }
    /// Whether the cap cut the scaled rate.
    pub fn capped(&self) -> bool {
        self.runs.first().is_some_and(|r| r.capped)
    }
    /// Updates per epoch.
    pub fn updates_per_epoch(&self) -> usize {
        self.runs.first().map_or(0, |r| r.updates_per_epoch)
    }
    /// The spread over seeds of `f`.
    pub fn of(&self, f: impl Fn(&BatchRun) -> f64) -> Spread {
        Spread::of(self.runs.iter().map(|r| f(r)))
    }
    /// Final training loss over seeds (diverged seeds left out).
    pub fn final_loss(&self) -> Spread {
        self.of(BatchRun::final_loss)
    }
    /// Seeds that diverged.
    pub fn diverged(&self) -> usize {
        self.runs.iter().filter(|r| r.diverged_at.is_some()).count()
    }
    /// The earliest update at which a seed diverged.
    pub fn first_divergence(&self) -> Option<u64> {
        self.runs.iter().filter_map(|r| r.diverged_at).min()
    }
}

impl Outcome {
    /// The runs of one rule, grouped by batch size (ascending).
    pub fn groups(&self, scaled: bool) -> Vec<Group<'_>> {
        let mut batches: Vec<usize> = self
            .runs
            .iter()
            .filter(|r| r.scaled == scaled)
            .map(|r| r.batch)
            .collect();
        batches.dedup();
        batches
            .into_iter()
            .map(|batch| Group {
                batch,
                scaled,
                runs: self
                    .runs
                    .iter()
                    .filter(|r| r.scaled == scaled && r.batch == batch)
                    .collect(),
            })
            .collect()
    }
}

/// Runs every batch size from every seed, with and without the scaling
/// rule, and measures one step's memory per batch size.
///
/// **Errors**: a data or training error.
pub fn run(config: &Config, splits: &Splits) -> Result<Outcome> {
    let data = subset(splits, config.train, config.test)?;
    let n = data.train.len();
    let batch_of = |b: usize| if b == 0 { n } else { b };
    let mut runs = Vec::new();
    for scaled in [false, true] {
        for &b in &config.batches {
            for &seed in &config.seeds {
                runs.push(one_run(config, &data, batch_of(b), scaled, seed)?);
            }
        }
    }
    let memory = config
        .batches
        .iter()
        .map(|&b| memory(config, splits, batch_of(b)))
        .collect::<Result<_>>()?;
    Ok(Outcome {
        config: config.clone(),
        train_examples: n,
        runs,
        memory,
    })
}

fn train_config(config: &Config, batch: usize, lr: f64, seed: u64) -> TrainConfig {
    TrainConfig {
        model: format!("784-{}-10", config.hidden),
        lr,
        batch,
        epochs: config.epochs,
        seed,
        checkpoint_every: 0,
        divergence_factor: config.divergence_factor,
        ..TrainConfig::default()
    }
}

fn one_run(
    config: &Config,
    data: &Splits,
    batch: usize,
    scaled: bool,
    seed: u64,
) -> Result<BatchRun> {
    let lr = config.lr_for(batch, scaled)?;
    let capped = scaled && lr < optim::batch_scaled_lr(config.lr, batch)?;
    let mut trainer = Trainer::<f32>::new(&train_config(config, batch, lr, seed), data)?;
    let mut loss = vec![trainer.evaluate(EvalSplit::Train)?.loss];
    let mut seconds = vec![0.0];
    let (mut diverged_at, mut completed_seconds) = (None, 0.0);
    for _ in 0..config.epochs {
        let rec = trainer.train_epoch()?;
        seconds.push(seconds.last().copied().unwrap_or(0.0) + rec.seconds);
        if rec.stop.is_some_and(|s| s.is_divergence()) {
            diverged_at = Some(trainer.steps());
            loss.push(f64::NAN);
            break;
        }
        completed_seconds += rec.seconds;
        loss.push(trainer.evaluate(EvalSplit::Train)?.loss);
    }
    let epochs_completed = loss.len() - 1 - usize::from(diverged_at.is_some());
    let train = trainer.evaluate(EvalSplit::Train)?;
    let test = trainer.evaluate(EvalSplit::Test)?;
    Ok(BatchRun {
        batch,
        scaled,
        seed,
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
        train_accuracy: train.accuracy,
        test_accuracy: test.accuracy,
        diverged_at,
    })
}

/// One training step of `batch` examples on a fresh trainer (a training
/// set of exactly one batch, so the epoch is that step), then the bytes
/// its tape and gradients hold.
fn memory(config: &Config, splits: &Splits, batch: usize) -> Result<MemoryPoint> {
    let data = subset(splits, batch, 1)?;
    let seed = config.seeds.first().copied().unwrap_or(0);
    let mut trainer = Trainer::<f32>::new(&train_config(config, batch, config.lr, seed), &data)?;
    trainer.train_epoch()?;
    Ok(MemoryPoint {
        batch,
        measured_bytes: trainer.step_bytes(),
        estimate_bytes: 8 * batch * (784 + 2 * config.hidden + 10),
    })
}
