//! Training a network and watching it learn.
//!
//! - [`TrainConfig`]: every setting of a run (serializable, validated),
//!   with named choices ([`OptimizerChoice`], [`ScheduleChoice`], ...).
//! - [`Trainer`]: owns the model, optimizer, schedule, tape and buffers;
//!   [`Trainer::train_epoch`], [`Trainer::run_epoch`],
//!   [`Trainer::evaluate`], [`Trainer::full_batch_step`]; plug in any
//!   [`Network`] and `Box<dyn optim::Optimizer>` with
//!   [`Trainer::with_parts`].
//! - [`train()`] / [`resume()`]: a whole run with its directory (metrics CSV
//!   and JSON Lines, plots, checkpoints), rollback on divergence.
//! - [`diagnostics`]: divergence, oscillation, stagnation, per-layer
//!   statistics, as [`Warning`]s with advice.
//! - [`lr_find()`]: the learning-rate range test.
//!
//! Determinism: every random stream derives from `(seed, epoch)`, so the same
//! seed gives bit-identical records, and a checkpoint at an epoch boundary
//! resumes exactly.
//!
//! ```no_run
//! use experiments::train::{train, Silent, TrainConfig};
//! let splits = data::load(data::Dataset::Mnist, "data".as_ref())?;
//! let summary = train(&TrainConfig::default(), &splits, Some("runs/q2".as_ref()), Box::new(Silent))?;
//! println!("test accuracy {:.2}%", 100.0 * summary.test_accuracy);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod batch;
mod checkpoint;
mod config;
pub mod diagnostics;
mod epoch;
mod eval;
mod lr_find;
mod manifest;
mod memory;
mod metrics;
mod network;
mod observer;
mod record;
mod run;
mod scalar;
mod schedule;
mod seeds;
mod step;
mod trainer;

pub use checkpoint::{Snapshot, checkpoint_config, checkpoint_dir};
pub use config::{
    ActivationChoice, Available, Bytes, ConfigError, DatasetChoice, DivergencePolicy, DtypeChoice,
    InitChoice, MemoryEstimate, NormSpec, OptimizerChoice, ScheduleChoice, TrainConfig,
};
pub use diagnostics::{LossMonitor, Signal};
pub use lr_find::{LrFindConfig, LrFinding, LrPoint, lr_find, write_lr_find};
pub use metrics::{CSV_HEADER, RunWriter};
pub use network::{Network, Probe};
pub use observer::{Observer, Silent};
pub use record::{
    ActivationStats, EpochRecord, EpochTrain, EvalSplit, Evaluation, LayerReport, ParamStats,
    RunSummary, Stop, StopKind, Warning, WarningKind,
};
pub use run::{MAX_ROLLBACKS, resume, train};
pub use scalar::Scalar;
pub use schedule::LrSchedule;
pub use trainer::Trainer;
