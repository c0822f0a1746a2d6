//! A whole run: epochs until done or stopped, rollback on divergence if
//! asked, the run directory written as it goes, checkpoints, and the
//! summary.

use std::path::Path;
use std::time::Instant;

use data::Splits;

use crate::error::Result;
use crate::report::write_json;
use crate::train::checkpoint::checkpoint_config;
use crate::train::config::{DivergencePolicy, DtypeChoice, TrainConfig};
use crate::train::metrics::RunWriter;
use crate::train::observer::Observer;
use crate::train::record::{EvalSplit, RunSummary, Stop, StopKind};
use crate::train::scalar::Scalar;
use crate::train::trainer::{Trainer, rollback_warning};

/// Rollbacks allowed in one run before divergence stops it.
pub const MAX_ROLLBACKS: usize = 5;

/// Trains `config` on `splits` to the end, writing the run directory `dir`
/// (if given): config, metrics, checkpoints, summary and plots.
///
/// **Errors**: an invalid config, a data or I/O error. Divergence is not an
/// error: it is the summary's [`stop`](RunSummary::stop).
pub fn train(
    config: &TrainConfig,
    splits: &Splits,
    dir: Option<&Path>,
    observer: Box<dyn Observer>,
) -> Result<RunSummary> {
    match config.dtype {
        DtypeChoice::F32 => start(Trainer::<f32>::new(config, splits)?, dir, observer),
        DtypeChoice::F64 => start(Trainer::<f64>::new(config, splits)?, dir, observer),
    }
}

/// Creates the run directory once the trainer exists (so an invalid setting
/// leaves no directory behind), then runs.
fn start<T: Scalar>(
    trainer: Trainer<'_, T>,
    dir: Option<&Path>,
    observer: Box<dyn Observer>,
) -> Result<RunSummary> {
    let writer = dir
        .map(|d| RunWriter::create(d, trainer.config()))
        .transpose()?;
    drive(trainer, writer, observer, None)
}

/// Continues the run in `dir` from its checkpoint (to `epochs` in total if
/// given), exactly as if it had not been interrupted.
///
/// Everything is read and checked first, and nothing in `dir` changes until
/// the resumed run has finished an epoch (then `config.json` records the new
/// epoch count). A resume with nothing left to run (the checkpoint is at or
/// past `epochs` and the run has its summary) changes no file and returns
/// the summary on disk.
///
/// **Errors**: no readable checkpoint, a corrupt one, or as [`train`].
pub fn resume(
    dir: &Path,
    splits: &Splits,
    epochs: Option<usize>,
    observer: Box<dyn Observer>,
) -> Result<RunSummary> {
    let mut config = checkpoint_config(dir)?;
    if let Some(e) = epochs {
        config.epochs = e;
        config.validate()?;
    }
    let dtype = config.dtype;
    let changed = epochs.map(|_| config);
    match dtype {
        DtypeChoice::F32 => {
            let trainer = Trainer::<f32>::resume(dir, splits, epochs)?;
            resume_with(trainer, dir, changed, observer)
        }
        DtypeChoice::F64 => {
            let trainer = Trainer::<f64>::resume(dir, splits, epochs)?;
            resume_with(trainer, dir, changed, observer)
        }
    }
}

fn resume_with<T: Scalar>(
    trainer: Trainer<'_, T>,
    dir: &Path,
    changed: Option<TrainConfig>,
    observer: Box<dyn Observer>,
) -> Result<RunSummary> {
    // a run stopped early (time limit, target) continues; one at its last
    // epoch has nothing to do
    if trainer.epoch() >= trainer.config().epochs {
        let path = dir.join("summary.json");
        let on_disk = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<RunSummary>(&bytes).ok());
        if let Some(summary) = on_disk {
            return Ok(summary);
        }
    }
    drive(trainer, Some(RunWriter::open(dir)), observer, changed)
}

/// Runs epochs until done or stopped; `changed` (a resume's new settings)
/// is written to `config.json` once the first epoch has run.
fn drive<T: Scalar>(
    mut trainer: Trainer<'_, T>,
    writer: Option<RunWriter>,
    observer: Box<dyn Observer>,
    mut changed: Option<TrainConfig>,
) -> Result<RunSummary> {
    trainer.set_observer(observer);
    let (epochs, every) = (trainer.config().epochs, trainer.config().checkpoint_every);
    let rollback = trainer.config().on_divergence == DivergencePolicy::Rollback;
    let mut rollbacks = 0;
    let mut stop = None;
    while stop.is_none() && trainer.epoch() < epochs {
        let snapshot = if rollback {
            Some(trainer.snapshot()?)
        } else {
            None
        };
        let record = trainer.run_epoch()?;
        match (&record.stop, &snapshot) {
            (Some(s), Some(snapshot)) if s.is_divergence() && rollbacks < MAX_ROLLBACKS => {
                rollbacks += 1;
                let scale = trainer.lr_scale();
                trainer.restore(snapshot)?;
                trainer.set_lr_scale(scale * 0.5);
                trainer.apply_lr()?;
                let lr = trainer.lr();
                trainer.warn(rollback_warning(s, record.epoch, lr));
                continue;
            }
            _ => {}
        }
        if let Some(w) = &writer {
            if let Some(config) = changed.take() {
                write_json(&w.dir().join("config.json"), &config)?;
            }
            w.write_progress(trainer.records(), trainer.step_losses())?;
            let diverged = record.stop.as_ref().is_some_and(|s| s.is_divergence());
            if every > 0 && !diverged && (record.epoch % every == 0 || record.stop.is_some()) {
                trainer.save_checkpoint(w.dir())?;
            }
        }
        stop = record.stop;
    }
    let stop = stop.unwrap_or_else(|| Stop {
        kind: StopKind::Completed,
        message: format!("all {epochs} epochs ran"),
        step: trainer.steps(),
    });
    summarize(&mut trainer, writer, stop)
}

fn summarize<T: Scalar>(
    trainer: &mut Trainer<'_, T>,
    writer: Option<RunWriter>,
    stop: Stop,
) -> Result<RunSummary> {
    let last = trainer.records().last().cloned();
    let start = Instant::now();
    let test = match last
        .as_ref()
        .and_then(|r| r.eval.filter(|_| r.eval_split == EvalSplit::Test))
    {
        Some(e) => e,
        None => trainer.evaluate(EvalSplit::Test)?,
    };
    let records = trainer.records();
    let train_seconds: f64 = records.iter().map(|r| r.train.seconds).sum();
    let eval_seconds: f64 = records.iter().map(|r| r.eval_seconds).sum();
    let summary = RunSummary {
        test_accuracy: test.accuracy,
        test_loss: test.loss,
        train_loss: last.as_ref().map_or(f64::NAN, |r| r.train.loss),
        train_accuracy: last.as_ref().map_or(f64::NAN, |r| r.train.accuracy),
        epochs: trainer.epoch(),
        steps: trainer.steps(),
        seconds: train_seconds + eval_seconds + start.elapsed().as_secs_f64(),
        seconds_per_epoch: train_seconds / records.len().max(1) as f64,
        final_lr: trainer.lr(),
        stop,
        warnings: records.iter().map(|r| r.train.warnings.len()).sum(),
        run_dir: writer.as_ref().map(|w| w.dir().to_path_buf()),
    };
    if let Some(w) = &writer {
        w.write_progress(trainer.records(), trainer.step_losses())?;
        w.finish(trainer.records(), trainer.step_losses(), &summary)?;
    }
    Ok(summary)
}
