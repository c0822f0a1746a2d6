//! Checkpoints: the model (safetensors), the optimizer state (JSON) and the
//! trainer's counters, diagnostics and records (JSON), with a manifest of
//! their SHA-256 written last, committed atomically as one directory and
//! verified (hashes, then finiteness) before a resume uses any of it; and
//! in-memory snapshots for rollback.
//!
//! No RNG state is saved: shuffling and dropout derive from `(seed, epoch)`,
//! so a run resumed at an epoch boundary continues exactly as it would have.

use std::fs;
use std::path::{Path, PathBuf};

use data::Splits;
use optim::OptimizerState;
use serde::{Deserialize, Serialize};

use crate::error::{ExperimentsError, Result};
use crate::train::config::TrainConfig;
use crate::train::diagnostics::LossMonitor;
use crate::train::manifest::Manifest;
use crate::train::record::{EpochRecord, StopKind, Warning};
use crate::train::scalar::Scalar;
use crate::train::schedule::LrSchedule;
use crate::train::trainer::{Trainer, stopping_criteria};

/// Bumped when the layout changes.
const FORMAT: u32 = 1;
const MODEL: &str = "model.safetensors";
const OPTIMIZER: &str = "optimizer.json";
const STATE: &str = "state.json";

/// The trainer's own state besides the model and optimizer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct TrainerState {
    format: u32,
    config: TrainConfig,
    epoch: usize,
    step: u64,
    lr_scale: f64,
    monitor: LossMonitor,
    records: Vec<EpochRecord>,
    step_losses: Vec<f64>,
    pending: Vec<Warning>,
}

/// A copy of the whole training state in memory (for rollback).
#[derive(Clone, Debug)]
pub struct Snapshot {
    model: Vec<u8>,
    optimizer: OptimizerState,
    state: TrainerState,
}

/// Where a run directory keeps its checkpoint.
pub fn checkpoint_dir(run_dir: &Path) -> PathBuf {
    run_dir.join("checkpoint")
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExperimentsError + '_ {
    move |e| ExperimentsError::io(path, e)
}

fn to_json<V: Serialize>(what: &Path, value: &V) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|source| ExperimentsError::Json {
        what: what.display().to_string(),
        source,
    })
}

fn from_json<V: for<'a> Deserialize<'a>>(path: &Path) -> Result<V> {
    let bytes = fs::read(path).map_err(io(path))?;
    parse_json(path, &bytes)
}

fn parse_json<V: for<'a> Deserialize<'a>>(path: &Path, bytes: &[u8]) -> Result<V> {
    serde_json::from_slice(bytes).map_err(|e| ExperimentsError::Resume {
        dir: path.to_path_buf(),
        message: format!("unreadable: {e}"),
    })
}

/// The checkpoint directory to read: `checkpoint/`, or `checkpoint.old/`
/// if a crash happened between the two renames of a commit.
fn committed(run_dir: &Path) -> Result<PathBuf> {
    let dir = checkpoint_dir(run_dir);
    if dir.join(STATE).is_file() {
        return Ok(dir);
    }
    let old = run_dir.join("checkpoint.old");
    if old.join(STATE).is_file() {
        return Ok(old);
    }
    Err(ExperimentsError::Resume {
        dir: run_dir.to_path_buf(),
        message: "no checkpoint found (expected checkpoint/state.json)".into(),
    })
}

/// The settings of the run checkpointed in `run_dir`.
///
/// **Errors**: [`ExperimentsError::Resume`] if there is no readable checkpoint.
pub fn checkpoint_config(run_dir: &Path) -> Result<TrainConfig> {
    let state: TrainerState = from_json(&committed(run_dir)?.join(STATE))?;
    Ok(state.config)
}

impl<'d, T: Scalar> Trainer<'d, T> {
    fn state(&self) -> TrainerState {
        TrainerState {
            format: FORMAT,
            config: self.config.clone(),
            epoch: self.epoch,
            step: self.step,
            lr_scale: self.lr_scale,
            monitor: self.monitor.clone(),
            records: self.records.clone(),
            step_losses: self.step_losses.clone(),
            pending: self.pending.clone(),
        }
    }

    fn set_state(&mut self, state: TrainerState) -> Result<()> {
        self.epoch = state.epoch;
        self.step = state.step;
        self.lr_scale = state.lr_scale;
        self.monitor = state.monitor;
        self.records = state.records;
        self.step_losses = state.step_losses;
        self.pending = state.pending;
        // reduce-on-plateau is a function of the evaluations: replay them
        if let Some(initial) = &self.plateau_initial {
            let mut plateau = initial.clone();
            let mut lrs: Vec<f64> = self
                .optimizer
                .groups()
                .iter()
                .map(|g| g.initial_lr)
                .collect();
            for e in self.records.iter().filter_map(|r| r.eval) {
                plateau.step(e.loss, &mut lrs)?;
            }
            self.plateau_lrs = lrs;
            self.schedule = LrSchedule::Plateau(plateau);
        }
        self.apply_lr()
    }

    /// The first parameter or float buffer holding a NaN or infinity.
    fn non_finite(&self) -> Option<String> {
        let params = self
            .model
            .params()
            .into_iter()
            .find(|p| p.value().iter().any(|v| !v.is_finite()))
            .map(|p| p.name().to_string());
        params.or_else(|| {
            self.model
                .buffers()
                .into_iter()
                .find(|b| match b.value() {
                    nn::BufferValue::Float(a) => a.iter().any(|v| !v.is_finite()),
                    _ => false,
                })
                .map(|b| b.name().to_string())
        })
    }

    /// The whole training state, in memory.
    ///
    /// **Errors**: the model cannot be serialized.
    pub fn snapshot(&self) -> Result<Snapshot> {
        Ok(Snapshot {
            model: nn::checkpoint_to_bytes(&*self.model)?,
            optimizer: self.optimizer.state(),
            state: self.state(),
        })
    }

    /// Returns to `snapshot` exactly.
    ///
    /// **Errors**: a snapshot of another model or optimizer.
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<()> {
        nn::load_checkpoint_bytes(&mut *self.model, &snapshot.model)?;
        self.optimizer.load_state(&snapshot.optimizer)?;
        self.set_state(snapshot.state.clone())
    }

    /// Writes a checkpoint into `run_dir/checkpoint/`, atomically: the files
    /// go to `checkpoint.tmp/`, each flushed to disk, then `manifest.json`
    /// with the SHA-256 of each (last), and the directory then replaces
    /// `checkpoint/`.
    ///
    /// **Errors**: [`ExperimentsError::NonFinite`] if a parameter is NaN or
    /// infinite (a diverged model is never checkpointed), or an I/O error.
    pub fn save_checkpoint(&self, run_dir: &Path) -> Result<()> {
        if let Some(name) = self.non_finite() {
            return Err(ExperimentsError::NonFinite {
                what: format!("model parameter {name} (checkpoint not written)"),
            });
        }
        let tmp = run_dir.join("checkpoint.tmp");
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        }
        fs::create_dir_all(&tmp).map_err(io(&tmp))?;
        let mut manifest = Manifest::new();
        manifest.write(&tmp, MODEL, &nn::checkpoint_to_bytes(&*self.model)?)?;
        let path = tmp.join(OPTIMIZER);
        manifest.write(&tmp, OPTIMIZER, &to_json(&path, &self.optimizer.state())?)?;
        let path = tmp.join(STATE);
        manifest.write(&tmp, STATE, &to_json(&path, &self.state())?)?;
        manifest.commit(&tmp)?;
        let dir = checkpoint_dir(run_dir);
        let old = run_dir.join("checkpoint.old");
        if dir.exists() {
            if old.exists() {
                fs::remove_dir_all(&old).map_err(io(&old))?;
            }
            fs::rename(&dir, &old).map_err(io(&dir))?;
        }
        fs::rename(&tmp, &dir).map_err(io(&dir))?;
        if old.exists() {
            fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        if let Ok(d) = fs::File::open(run_dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// A trainer continuing the run checkpointed in `run_dir`: the model,
    /// optimizer, schedule position, counters, diagnostics and records are
    /// restored, so the next epoch is the one an uninterrupted run would run.
    /// `epochs` (if given) replaces the total number of epochs.
    ///
    /// Every file is checked against the manifest's SHA-256 before it is
    /// parsed, and every parameter and buffer must be finite.
    ///
    /// **Errors**: [`ExperimentsError::Resume`] for a missing or unreadable
    /// checkpoint, or one of another element type or model;
    /// [`ExperimentsError::Checksum`] for a file that changed since the
    /// save; [`ExperimentsError::NonFiniteTensor`] for a NaN or infinity.
    pub fn resume(run_dir: &Path, splits: &'d Splits, epochs: Option<usize>) -> Result<Self> {
        let dir = committed(run_dir)?;
        let manifest = Manifest::read(&dir)?;
        let model = manifest.read_verified(&dir, MODEL)?;
        let optimizer = manifest.read_verified(&dir, OPTIMIZER)?;
        let state = manifest.read_verified(&dir, STATE)?;
        let mut state: TrainerState = parse_json(&dir.join(STATE), &state)?;
        if state.format != FORMAT {
            return Err(ExperimentsError::Resume {
                dir: dir.clone(),
                message: format!("checkpoint format {} is not {FORMAT}", state.format),
            });
        }
        if let Some(e) = epochs {
            state.config.epochs = e;
            // a run extended past its end was not "completed" after all
            if let Some(last) = state.records.last_mut() {
                let completed = last.stop.as_ref().map(|s| s.kind) == Some(StopKind::Completed);
                if completed && e > last.epoch {
                    last.stop = None;
                }
            }
        }
        let mut trainer = Trainer::new(&state.config, splits)?;
        nn::load_checkpoint_bytes(&mut *trainer.model, &model)?;
        if let Some(tensor) = trainer.non_finite() {
            return Err(ExperimentsError::NonFiniteTensor {
                file: dir.join(MODEL),
                tensor,
            });
        }
        let optimizer: OptimizerState = parse_json(&dir.join(OPTIMIZER), &optimizer)?;
        trainer.optimizer.load_state(&optimizer)?;
        trainer.set_state(state)?;
        // stopping criteria with memory see the evaluations again
        trainer.stopping = stopping_criteria(&trainer.config);
        for r in &trainer.records {
            if let Some(e) = r.eval {
                let obs = optim::Observation::new(r.epoch as u64, e.loss).with_metric(e.accuracy);
                for c in &mut trainer.stopping {
                    let _ = c.check(&obs);
                }
            }
        }
        Ok(trainer)
    }
}
