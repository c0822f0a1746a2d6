//! Everything a training run is configured with: serializable (it is saved
//! in the run directory and in checkpoints), validated before anything runs,
//! and turned into typed values (an `MlpConfig`, an optimizer, a schedule).

mod choice;
mod error;
mod memory;
mod model;
mod optimizer;
mod schedule;

use serde::{Deserialize, Serialize};

pub use error::ConfigError;
pub use memory::{Available, Bytes, MemoryEstimate};
pub use model::{ActivationChoice, InitChoice, NormSpec};
pub use optimizer::OptimizerChoice;
pub use schedule::ScheduleChoice;

pub(crate) use model::{apply_init, mlp_config};
pub(crate) use schedule::ScheduleParams;

use choice::choice;

choice! {
    /// The dataset to train on.
    DatasetChoice, "dataset" {
        /// Handwritten digits.
        Mnist => "mnist",
        /// Zalando's clothing images, same format.
        FashionMnist => "fashion-mnist",
    }
}

impl DatasetChoice {
    /// The `data` crate's name for it.
    ///
    /// ```
    /// assert_eq!(experiments::train::DatasetChoice::FashionMnist.dataset(), data::Dataset::FashionMnist);
    /// ```
    pub fn dataset(self) -> data::Dataset {
        match self {
            DatasetChoice::Mnist => data::Dataset::Mnist,
            DatasetChoice::FashionMnist => data::Dataset::FashionMnist,
        }
    }
}

choice! {
    /// The element type of parameters and activations.
    DtypeChoice, "dtype" {
        /// Single precision (the protocol's default).
        F32 => "f32",
        /// Double precision.
        F64 => "f64",
    }
}

choice! {
    /// What to do when the loss diverges (NaN, infinite, or far above its best).
    DivergencePolicy, "divergence policy" {
        /// Stop the run and record why.
        Stop => "stop",
        /// Restore the state at the start of the epoch, halve the learning
        /// rate and retry (at most 5 times in a run).
        Rollback => "rollback",
    }
}

/// A training run's settings. `Default` is the lecture's seed MLP (Q2):
/// MNIST, 784-10-10 with ReLU, SGD with lr 0.1, batch 128, 10 epochs.
///
/// ```
/// use experiments::train::{OptimizerChoice, TrainConfig};
/// let config = TrainConfig { optimizer: OptimizerChoice::Adam, lr: 1e-3, ..TrainConfig::default() };
/// config.validate().unwrap();
/// let bad = TrainConfig { batch: 0, ..TrainConfig::default() };
/// assert_eq!(bad.validate().unwrap_err().to_string(), "invalid batch 0: must be at least 1");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// The dataset.
    pub dataset: DatasetChoice,
    /// Layer widths, e.g. `784-512-512-10`.
    pub model: String,
    /// Hidden nonlinearity.
    pub activation: ActivationChoice,
    /// Weight initialization.
    pub init: InitChoice,
    /// Normalization after each hidden linear layer.
    pub norm: NormSpec,
    /// Dropout probability after each hidden activation (0: none).
    pub dropout: f64,
    /// The optimizer.
    pub optimizer: OptimizerChoice,
    /// Learning rate (the peak for one-cycle).
    pub lr: f64,
    /// Momentum for sgd / momentum / nesterov / rmsprop (`None`: default).
    pub momentum: Option<f64>,
    /// Weight decay (`None`: the optimizer's default).
    pub weight_decay: Option<f64>,
    /// Minibatch size; the last partial batch is kept.
    pub batch: usize,
    /// Number of epochs.
    pub epochs: usize,
    /// Learning-rate schedule.
    pub schedule: ScheduleChoice,
    /// Epochs between decays (`step` schedule).
    pub step_size: Option<usize>,
    /// Decay factor (`step`, `exponential`, `plateau` schedules).
    pub gamma: Option<f64>,
    /// Epochs without improvement before a reduction (`plateau`).
    pub patience: Option<usize>,
    /// The seed of everything random (initialization, shuffling, dropout,
    /// the validation split).
    pub seed: u64,
    /// Training examples held out for per-epoch validation (0: evaluate on
    /// the test set every epoch).
    pub validation: usize,
    /// Train on only this many examples (after the hold-out), for quick runs.
    pub subset: Option<usize>,
    /// Clip the global gradient norm to this value.
    pub clip_grad_norm: Option<f64>,
    /// What to do on divergence.
    pub on_divergence: DivergencePolicy,
    /// A step loss above `factor × max(best smoothed loss, first loss)` is
    /// divergence.
    pub divergence_factor: f64,
    /// Stop once the evaluation accuracy reaches this fraction.
    pub target_accuracy: Option<f64>,
    /// Stop after an epoch that ends past this many seconds.
    pub time_limit: Option<f64>,
    /// Element type.
    pub dtype: DtypeChoice,
    /// Rows per evaluation chunk (and per chunk of a full-batch step). The
    /// default, 2048 MNIST rows (6.4 MB as f32), keeps a chunk's input in the
    /// last-level cache between the forward and backward passes; 10 000 rows
    /// made the full-batch step (W3) 40% slower.
    pub eval_chunk: usize,
    /// Write a checkpoint every this many epochs (0: never).
    pub checkpoint_every: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            dataset: DatasetChoice::Mnist,
            model: "784-10-10".into(),
            activation: ActivationChoice::Relu,
            init: InitChoice::Default,
            norm: NormSpec::default(),
            dropout: 0.0,
            optimizer: OptimizerChoice::Sgd,
            lr: 0.1,
            momentum: None,
            weight_decay: None,
            batch: 128,
            epochs: 10,
            schedule: ScheduleChoice::Constant,
            step_size: None,
            gamma: None,
            patience: None,
            seed: 0,
            validation: 0,
            subset: None,
            clip_grad_norm: None,
            on_divergence: DivergencePolicy::Stop,
            divergence_factor: 10.0,
            target_accuracy: None,
            time_limit: None,
            dtype: DtypeChoice::F32,
            eval_chunk: 2048,
            checkpoint_every: 1,
        }
    }
}

/// `Err(OutOfRange)` unless `ok`.
fn check(
    ok: bool,
    field: &'static str,
    value: impl ToString,
    expected: &'static str,
) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field,
            value: value.to_string(),
            expected,
        })
    }
}

impl TrainConfig {
    /// Checks every setting: ranges, the model spec, and that the optimizer
    /// and schedule accept their values.
    ///
    /// **Errors**: the first problem found, as a [`ConfigError`].
    pub fn validate(&self) -> Result<(), ConfigError> {
        let positive = |x: f64| x.is_finite() && x > 0.0;
        check(
            positive(self.lr),
            "lr",
            self.lr,
            "must be a positive finite number",
        )?;
        check(self.batch >= 1, "batch", self.batch, "must be at least 1")?;
        check(
            self.epochs >= 1,
            "epochs",
            self.epochs,
            "must be at least 1",
        )?;
        check(
            (0.0..1.0).contains(&self.dropout),
            "dropout",
            self.dropout,
            "must be in [0, 1)",
        )?;
        if let Some(m) = self.momentum {
            check((0.0..1.0).contains(&m), "momentum", m, "must be in [0, 1)")?;
        }
        if let Some(wd) = self.weight_decay {
            check(
                wd.is_finite() && wd >= 0.0,
                "weight-decay",
                wd,
                "must be a non-negative finite number",
            )?;
        }
        if let Some(s) = self.step_size {
            check(s >= 1, "step-size", s, "must be at least 1 epoch")?;
        }
        if let Some(g) = self.gamma {
            check(g > 0.0 && g <= 1.0, "gamma", g, "must be in (0, 1]")?;
        }
        if let Some(c) = self.clip_grad_norm {
            check(
                positive(c),
                "clip-grad-norm",
                c,
                "must be a positive finite number",
            )?;
        }
        check(
            self.divergence_factor.is_finite() && self.divergence_factor > 1.0,
            "divergence-factor",
            self.divergence_factor,
            "must be a finite number above 1",
        )?;
        if let Some(a) = self.target_accuracy {
            check(
                a > 0.0 && a <= 1.0,
                "target-accuracy",
                a,
                "must be a fraction in (0, 1]",
            )?;
        }
        if let Some(t) = self.time_limit {
            check(
                positive(t),
                "time-limit",
                t,
                "must be a positive number of seconds",
            )?;
        }
        if let Some(n) = self.subset {
            check(n >= 1, "subset", n, "must be at least 1 example")?;
        }
        check(
            self.eval_chunk >= 1,
            "eval-chunk",
            self.eval_chunk,
            "must be at least 1",
        )?;
        let mlp = self.mlp_config()?;
        let sizes = mlp.sizes();
        let (input, classes) = (sizes[0], sizes[sizes.len() - 1]);
        if input != 784 || classes != data::NUM_CLASSES {
            return Err(ConfigError::Inconsistent(format!(
                "model {} does not fit {}: it needs 784 inputs and {} outputs",
                self.model,
                self.dataset,
                data::NUM_CLASSES
            )));
        }
        self.optimizer
            .build::<f64>(self.lr, self.momentum, self.weight_decay)?;
        self.schedule.build(self.schedule_params(1))?;
        Ok(())
    }

    /// The MLP recipe (spec, activation, norm, dropout).
    ///
    /// **Errors**: [`ConfigError::Model`] for a malformed spec.
    ///
    /// ```
    /// let config = experiments::train::TrainConfig { model: "784-x-10".into(), ..Default::default() };
    /// assert!(config.mlp_config().unwrap_err().to_string().starts_with("invalid model `784-x-10`"));
    /// ```
    pub fn mlp_config(&self) -> Result<nn::MlpConfig, ConfigError> {
        mlp_config(&self.model, self.activation, self.norm, self.dropout)
    }

    pub(crate) fn schedule_params(&self, steps_per_epoch: usize) -> ScheduleParams {
        ScheduleParams {
            lr: self.lr,
            epochs: self.epochs,
            steps_per_epoch,
            step_size: self.step_size,
            gamma: self.gamma,
            patience: self.patience,
        }
    }

    /// A short name for the run directory: `mnist-784-10-10-sgd-lr0.1-s0`.
    ///
    /// ```
    /// assert_eq!(experiments::train::TrainConfig::default().run_name(), "mnist-784-10-10-sgd-lr0.1-s0");
    /// ```
    pub fn run_name(&self) -> String {
        format!(
            "{}-{}-{}-lr{}-s{}",
            self.dataset, self.model, self.optimizer, self.lr, self.seed
        )
    }
}
