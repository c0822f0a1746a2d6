//! The measurements: the deep MLP with each normalization from the default
//! initialization (signals at initialization, training on the same batches,
//! batch norm's two modes), and the learning-rate sweep with and without
//! batch norm.

use ndarray::Array2;
use nn::Norm;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::Config;
use crate::error::Result;
use crate::studies::encode::encode_rows;
use crate::studies::probe;
use crate::train::{InitChoice, NormSpec, TrainConfig, Trainer};

/// One normalization's training run from the default initialization.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// `none`, `batch`, `layer`, `group:G`.
    pub norm: String,
    /// Std of each hidden activation at initialization, on one training batch.
    pub activation_std: Vec<f64>,
    /// Std of the logits at initialization.
    pub logit_std: f64,
    /// Norm of each Linear layer's weight gradient at initialization.
    pub grad_norm: Vec<f64>,
    /// Loss of every step (until a divergence stop).
    pub step_losses: Vec<f64>,
    /// The (1-based) step at which the loss diverged, if it did.
    pub diverged_at: Option<usize>,
    /// Accuracy on the test batch at the end (evaluation mode).
    pub test_accuracy: f64,
}

impl Run {
    /// Mean training loss over the last tenth of the steps (∞ if it diverged).
    pub fn final_loss(&self) -> f64 {
        tail_mean(&self.step_losses, self.diverged_at)
    }
}

fn tail_mean(losses: &[f64], diverged: Option<usize>) -> f64 {
    let n = losses.len();
    if diverged.is_some() || n == 0 {
        return f64::INFINITY;
    }
    let tail = &losses[n - (n / 10).max(1)..];
    tail.iter().sum::<f64>() / tail.len() as f64
}

/// Batch norm in both modes on the same test batch after some steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModeGap {
    /// Optimizer steps taken.
    pub step: usize,
    /// ‖train-mode logits − eval-mode logits‖ / ‖train-mode logits‖.
    pub relative_difference: f64,
    /// Accuracy with the batch's own statistics.
    pub train_mode_accuracy: f64,
    /// Accuracy with the running statistics.
    pub eval_mode_accuracy: f64,
}

/// One run of the learning-rate sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepPoint {
    /// `none` or `batch`.
    pub norm: String,
    /// The learning rate.
    pub lr: f64,
    /// Mean training loss over the last tenth of the steps (∞ if it diverged).
    pub final_loss: f64,
    /// The (1-based) step at which the loss diverged, if it did.
    pub diverged_at: Option<usize>,
}

impl SweepPoint {
    /// Whether the rate is usable: the run did not diverge and ended below
    /// ln 10, the loss of a uniform guess.
    pub fn usable(&self) -> bool {
        self.diverged_at.is_none() && self.final_loss < std::f64::consts::LN_10
    }
}

/// Everything measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// One run per normalization.
    pub runs: Vec<Run>,
    /// Batch norm's train- versus eval-mode gap over training.
    pub modes: Vec<ModeGap>,
    /// The learning-rate sweep, with and without batch norm.
    pub sweep: Vec<SweepPoint>,
}

impl Outcome {
    /// The run whose normalization name starts with `norm`.
    pub fn get(&self, norm: &str) -> Option<&Run> {
        self.runs.iter().find(|r| r.norm.starts_with(norm))
    }

    /// The largest usable learning rate of the sweep for `norm`.
    pub fn largest_usable_lr(&self, norm: &str) -> Option<f64> {
        self.sweep
            .iter()
            .filter(|p| p.norm == norm && p.usable())
            .map(|p| p.lr)
            .reduce(f64::max)
    }
}

/// A shuffled order of the training examples, the same for every run.
struct Batches {
    rng: rand::rngs::StdRng,
    n: usize,
    order: Vec<usize>,
}

impl Batches {
    fn new(config: &TrainConfig, splits: &data::Splits) -> Self {
        let n = config.subset.unwrap_or(usize::MAX).min(splits.train.len());
        Batches {
            rng: rand::rngs::StdRng::seed_from_u64(config.seed),
            n,
            order: Vec::new(),
        }
    }

    fn next(&mut self, batch: usize) -> Vec<usize> {
        if self.order.len() < batch {
            let mut fresh: Vec<usize> = (0..self.n).collect();
            fresh.shuffle(&mut self.rng);
            self.order = fresh;
        }
        self.order
            .split_off(self.order.len() - batch.min(self.order.len()))
    }
}

fn train_config(config: &Config, norm: Norm, lr: f64, init: InitChoice) -> TrainConfig {
    TrainConfig {
        model: config.spec(),
        norm: NormSpec(norm),
        lr,
        init,
        ..config.train.clone()
    }
}

/// `steps` SGD steps on the shared batch order; calls `probe(step, trainer)`
/// before every step and after the last. Returns the (1-based) step at
/// which the loss became non-finite or rose above the config's divergence
/// factor times the first step's loss, if it did.
fn train_steps<'d>(
    trainer: &mut Trainer<'d, f32>,
    splits: &data::Splits,
    steps: usize,
    mut probe: impl FnMut(usize, &mut Trainer<'d, f32>),
) -> Result<Option<usize>> {
    let train = trainer.config().clone();
    let mut batches = Batches::new(&train, splits);
    let mut first = None;
    for step in 0..steps {
        probe(step, trainer);
        trainer.apply_lr()?;
        let out = trainer.train_step(&batches.next(train.batch), false, false)?;
        let reference = *first.get_or_insert(out.loss);
        if out.diverged.is_some() || out.loss > train.divergence_factor * reference {
            return Ok(Some(step + 1));
        }
    }
    probe(steps, trainer);
    Ok(None)
}

/// Trains the deep MLP with `norm` from the default initialization,
/// measuring its signals at initialization on `probe_x` and, for batch
/// norm, both modes on the test batch at the checkpoints.
///
/// **Errors**: training failed (not divergence, which is recorded).
pub fn train_with(
    config: &Config,
    norm: Norm,
    splits: &data::Splits,
    probe_batch: &(Array2<f32>, Vec<usize>),
    test: &(Array2<f32>, Vec<usize>),
) -> Result<(Run, Vec<ModeGap>)> {
    let train = TrainConfig {
        divergence_factor: 1e6,
        ..train_config(config, norm, config.train.lr, config.train.init)
    };
    let mut trainer = Trainer::<f32>::new(&train, splits)?;
    let signals = probe::signals(trainer.model_mut(), &probe_batch.0, &probe_batch.1)?;
    let mut gaps = Vec::new();
    let diverged_at = train_steps(&mut trainer, splits, config.steps, |step, t| {
        if norm == Norm::Batch && config.checkpoints.contains(&step) {
            let (tm, em) = probe::both_modes(t.model_mut(), &test.0);
            let diff = tm
                .iter()
                .zip(em.iter())
                .map(|(a, b)| f64::from(a - b).powi(2))
                .sum::<f64>()
                .sqrt();
            let size = tm.iter().map(|&a| f64::from(a).powi(2)).sum::<f64>().sqrt();
            gaps.push(ModeGap {
                step,
                relative_difference: diff / size.max(f64::MIN_POSITIVE),
                train_mode_accuracy: probe::accuracy(&tm, &test.1),
                eval_mode_accuracy: probe::accuracy(&em, &test.1),
            });
        }
    })?;
    let run = Run {
        norm: NormSpec(norm).to_string(),
        activation_std: signals.activation_std,
        logit_std: signals.logit_std,
        grad_norm: signals.grad_norm,
        step_losses: trainer.step_losses().to_vec(),
        diverged_at,
        test_accuracy: probe::eval_accuracy(trainer.model_mut(), &test.0, &test.1),
    };
    Ok((run, gaps))
}

/// One short run of the learning-rate sweep (the sweep's initialization;
/// a loss above the trainer's divergence factor times its start is
/// divergence).
///
/// **Errors**: training failed.
pub fn sweep_point(
    config: &Config,
    norm: Norm,
    lr: f64,
    splits: &data::Splits,
) -> Result<SweepPoint> {
    let train = train_config(config, norm, lr, config.sweep_init);
    let mut trainer = Trainer::<f32>::new(&train, splits)?;
    let diverged_at = train_steps(&mut trainer, splits, config.sweep_steps, |_, _| {})?;
    Ok(SweepPoint {
        norm: NormSpec(norm).to_string(),
        lr,
        final_loss: tail_mean(trainer.step_losses(), diverged_at),
        diverged_at,
    })
}

/// Runs the study.
///
/// **Errors**: as [`train_with`] and [`sweep_point`].
pub fn run(config: &Config, splits: &data::Splits) -> Result<Outcome> {
    let probe_batch = encode_rows(splits, &splits.train, config.train.batch.max(256))?;
    let test = encode_rows(splits, &splits.test, config.test_examples)?;
    let mut runs = Vec::new();
    let mut modes = Vec::new();
    for &norm in &config.norms {
        let (run, gaps) = train_with(config, norm, splits, &probe_batch, &test)?;
        runs.push(run);
        modes.extend(gaps);
    }
    let mut sweep = Vec::new();
    for norm in [Norm::None, Norm::Batch] {
        for &lr in &config.sweep_lrs {
            sweep.push(sweep_point(config, norm, lr, splits)?);
        }
    }
    Ok(Outcome { runs, modes, sweep })
}
