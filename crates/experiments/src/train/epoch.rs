//! One epoch: minibatches in a shuffled order derived from `(seed, epoch)`,
//! the diagnostics of every step, then evaluation, reduce-on-plateau and the
//! stopping criteria.

use std::time::Instant;

use optim::{Observation, StopReason};
use rand::seq::SliceRandom;

use crate::error::Result;
use crate::train::diagnostics::Signal;
use crate::train::diagnostics::layers;
use crate::train::record::{
    EpochRecord, EpochTrain, LayerReport, Stop, StopKind, Warning, WarningKind,
};
use crate::train::scalar::Scalar;
use crate::train::schedule::LrSchedule;
use crate::train::seeds::{self, Stream};
use crate::train::step::StepOutcome;
use crate::train::trainer::{GRAD_NORM_EVERY, Trainer};

impl<T: Scalar> Trainer<'_, T> {
    /// Trains one epoch (no evaluation): what the benchmark times.
    ///
    /// **Errors**: an optimizer or data error (not divergence, which is
    /// reported in [`EpochTrain::stop`]).
    pub fn train_epoch(&mut self) -> Result<EpochTrain> {
        let epoch = self.epoch + 1;
        let start = Instant::now();
        let seed = self.config.seed;
        self.model
            .reseed(seeds::derive(seed, Stream::Dropout, epoch as u64));
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        order.extend_from_slice(&self.train_idx);
        order.shuffle(&mut seeds::rng(seed, Stream::Shuffle, epoch as u64));
        let batch = self.config.batch;
        let steps = order.len().div_ceil(batch);
        self.observer
            .epoch_started(epoch, self.config.epochs, steps);
        let mut acc = EpochAcc {
            warnings: std::mem::take(&mut self.pending),
            ..EpochAcc::default()
        };
        let first_step = self.step;
        for (i, idx) in order.chunks(batch).enumerate() {
            if let Some(next) = order.chunks(batch).nth(i + 1) {
                self.encoder.prefetch(&self.splits.train, next);
            }
            self.apply_lr()?;
            let want_norm = self.step.is_multiple_of(GRAD_NORM_EVERY);
            let out = self.train_step(idx, want_norm, i == steps / 2)?;
            if let Some(Signal::Diverged { kind, message }) = out.diverged {
                // the exploding step's loss goes into `steps.csv` (no update was made)
                self.step_losses.push(out.loss);
                let message = format!("{message} at step {}", self.step + 1);
                acc.stop = Some(Stop {
                    kind,
                    message,
                    step: self.step,
                });
                break;
            }
            self.observe_step(out, idx.len(), epoch, &mut acc);
            self.observer.step_done(i + 1, acc.last_loss);
        }
        self.order = order;
        self.observer.training_done();
        let examples = self.train_idx.len() as f64;
        let sampled = |x: f64| if acc.sampled > 0 { x } else { f64::NAN };
        Ok(EpochTrain {
            epoch,
            steps: self.step - first_step,
            loss: if acc.stop.is_some() {
                f64::NAN
            } else {
                acc.loss_sum / examples
            },
            accuracy: acc.correct as f64 / examples,
            lr: self.optimizer.lr(),
            grad_norm: sampled(acc.norm_sum / acc.sampled.max(1) as f64),
            max_grad_norm: sampled(acc.max_norm),
            seconds: start.elapsed().as_secs_f64(),
            layers: acc.layers,
            warnings: acc.warnings,
            stop: acc.stop,
        })
    }

    /// Accumulates a step's results and raises the diagnostics' warnings.
    fn observe_step(&mut self, out: StepOutcome, rows: usize, epoch: usize, acc: &mut EpochAcc) {
        acc.last_loss = out.loss;
        acc.loss_sum += out.loss * rows as f64;
        acc.correct += out.correct;
        if let Some(n) = out.grad_norm {
            acc.norm_sum += n;
            acc.max_norm = acc.max_norm.max(n);
            acc.sampled += 1;
        }
        if let Some(report) = out.layers {
            let lr = self.optimizer.lr();
            let initial = self.optimizer.groups().first().map_or(lr, |g| g.initial_lr);
            for (kind, message, advice) in layers::flags(&report, lr, lr < 0.1 * initial) {
                let w = Warning {
                    kind,
                    epoch,
                    step: report.step,
                    message,
                    advice,
                };
                self.raise(&mut acc.warnings, w);
            }
            acc.layers = Some(report);
        }
        let lr = self.optimizer.lr();
        if let Some(Signal::Warn {
            kind,
            message,
            mut advice,
        }) = self.monitor.record(out.loss, lr)
        {
            let dead = self.dead_fraction_now();
            if kind == WarningKind::Stagnation && dead > 0.5 {
                advice = layers::dead_stagnation_advice(dead, lr);
            }
            let w = Warning {
                kind,
                epoch,
                step: self.step,
                message,
                advice,
            };
            self.raise(&mut acc.warnings, w);
        }
    }

    /// The largest fraction of dead ReLUs in the last minibatch's forward
    /// pass (still on the tape).
    fn dead_fraction_now(&self) -> f64 {
        self.model
            .probes()
            .iter()
            .filter(|p| p.activation == nn::Activation::Relu)
            .filter_map(|p| {
                layers::activation_stats(&p.name, p.activation, self.tape.value(p.var))
                    .dead_fraction
            })
            .fold(0.0, f64::max)
    }

    /// Adds `warning` unless one of its kind was already raised this epoch.
    fn raise(&mut self, warnings: &mut Vec<Warning>, warning: Warning) {
        if warnings
            .iter()
            .any(|w| w.kind == warning.kind && w.epoch == warning.epoch)
        {
            return;
        }
        self.observer.warning(&warning);
        warnings.push(warning);
    }

    /// Trains one epoch, then evaluates (on the validation split if examples
    /// are held out, else on the test set), steps reduce-on-plateau and the
    /// stopping criteria, and records the epoch.
    ///
    /// **Errors**: as [`train_epoch`](Trainer::train_epoch) and
    /// [`evaluate`](Trainer::evaluate).
    pub fn run_epoch(&mut self) -> Result<EpochRecord> {
        let train = self.train_epoch()?;
        let split = self.eval_split();
        let epoch = train.epoch;
        let mut stop = train.stop.clone();
        let (mut eval, mut eval_seconds) = (None, 0.0);
        if stop.is_none() {
            self.epoch = epoch;
            let start = Instant::now();
            let e = self.evaluate(split)?;
            eval_seconds = start.elapsed().as_secs_f64();
            eval = Some(e);
            if let LrSchedule::Plateau(p) = &mut self.schedule {
                p.step(e.loss, &mut self.plateau_lrs)?;
            }
            let observation = Observation::new(epoch as u64, e.loss).with_metric(e.accuracy);
            for c in &mut self.stopping {
                if let Some(reason) = c.check(&observation) {
                    stop.get_or_insert(Stop {
                        kind: stop_kind(&reason),
                        message: reason.to_string(),
                        step: self.step,
                    });
                }
            }
            if stop.is_none() && epoch >= self.config.epochs {
                stop = Some(Stop {
                    kind: StopKind::Completed,
                    message: format!("all {} epochs ran", self.config.epochs),
                    step: self.step,
                });
            }
        }
        let record = EpochRecord {
            epoch,
            total_steps: self.step,
            train,
            eval_split: split,
            eval,
            eval_seconds,
            stop,
        };
        self.observer.epoch_done(&record);
        self.records.push(record.clone());
        Ok(record)
    }
}

/// Running totals of an epoch.
#[derive(Default)]
struct EpochAcc {
    loss_sum: f64,
    last_loss: f64,
    correct: usize,
    norm_sum: f64,
    max_norm: f64,
    sampled: usize,
    layers: Option<LayerReport>,
    warnings: Vec<Warning>,
    stop: Option<Stop>,
}

fn stop_kind(reason: &StopReason) -> StopKind {
    match reason {
        StopReason::MetricReached { .. } => StopKind::TargetReached,
        StopReason::TimeBudget { .. } => StopKind::TimeLimit,
        StopReason::NonFiniteLoss { .. } => StopKind::NonFiniteLoss,
        StopReason::Diverged { .. } => StopKind::Diverged,
        _ => StopKind::Criterion,
    }
}
