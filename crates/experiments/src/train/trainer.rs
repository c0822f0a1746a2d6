//! The trainer: owns a model, an optimizer, a schedule, the tape and every
//! reused buffer, and runs epochs of minibatches.

use autodiff::{Gradients, Tape};
use data::{Granularity, Holdout, Scaling, Splits, Standardizer};
use ndarray::ArrayD;
use optim::{Criterion, Goal, MetricThreshold, Optimizer, SystemClock, TimeBudget};

use crate::error::Result;
use crate::train::batch::BatchEncoder;
use crate::train::config::{Available, ConfigError, MemoryEstimate, TrainConfig, apply_init};
use crate::train::diagnostics::LossMonitor;
use crate::train::network::Network;
use crate::train::observer::{Observer, Silent};
use crate::train::record::{EpochRecord, EvalSplit, Stop, Warning, WarningKind};
use crate::train::scalar::Scalar;
use crate::train::schedule::LrSchedule;
use crate::train::seeds::{self, Stream};

/// A global gradient norm is measured every this many steps (and on every
/// step when clipping).
pub(crate) const GRAD_NORM_EVERY: u64 = 10;

/// Step losses reserved up front at most (512 kB as f64).
const STEP_LOSSES_RESERVED: usize = 1 << 16;

/// Trains a [`Network`] on MNIST-like data with any optimizer and schedule.
///
/// Per step it clears a reused tape, gathers the minibatch straight from the
/// bytes into a pooled tape buffer, runs forward, cross-entropy and backward
/// into reused gradients, and steps the optimizer on the parameters in
/// place: no allocation of arrays in steady state.
///
/// ```no_run
/// use experiments::train::{Trainer, TrainConfig, EvalSplit};
/// let splits = data::load(data::Dataset::Mnist, "data".as_ref())?;
/// let mut trainer = Trainer::<f32>::new(&TrainConfig::default(), &splits)?;
/// let record = trainer.run_epoch()?;
/// println!("{:.4} {:?}", record.train.loss, trainer.evaluate(EvalSplit::Test)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Trainer<'d, T: Scalar> {
    pub(crate) config: TrainConfig,
    pub(crate) splits: &'d Splits,
    pub(crate) encoder: BatchEncoder<T>,
    pub(crate) train_idx: Vec<usize>,
    pub(crate) val_idx: Vec<usize>,
    pub(crate) test_idx: Vec<usize>,
    pub(crate) order: Vec<usize>,
    pub(crate) model: Box<dyn Network<T>>,
    pub(crate) optimizer: Box<dyn Optimizer<T>>,
    pub(crate) schedule: LrSchedule,
    /// Reduce-on-plateau as built, replayed over the records on restore.
    pub(crate) plateau_initial: Option<optim::ReduceLrOnPlateau>,
    pub(crate) plateau_lrs: Vec<f64>,
    pub(crate) stopping: Vec<Box<dyn Criterion + Send>>,
    pub(crate) tape: Tape<T>,
    pub(crate) grads: Gradients<T>,
    pub(crate) labels: Vec<usize>,
    pub(crate) clip_buf: Vec<ArrayD<T>>,
    pub(crate) acc_buf: Vec<ArrayD<T>>,
    pub(crate) before_buf: Vec<ArrayD<T>>,
    /// Empty; its allocation is reused for the parameter list of each step.
    pub(crate) refs_buf: Vec<&'static mut nn::Param<T>>,
    /// Empty; its allocation is reused for the optimizer's list of each step.
    pub(crate) params_buf: Vec<optim::ParamMut<'static, T>>,
    pub(crate) monitor: LossMonitor,
    pub(crate) epoch: usize,
    pub(crate) step: u64,
    pub(crate) lr_scale: f64,
    pub(crate) records: Vec<EpochRecord>,
    pub(crate) step_losses: Vec<f64>,
    pub(crate) pending: Vec<Warning>,
    pub(crate) observer: Box<dyn Observer>,
}

impl<'d, T: Scalar> Trainer<'d, T> {
    /// A trainer for `config` on `splits`: the MLP initialized from the
    /// config's seed, its optimizer and schedule.
    ///
    /// **Errors**: an invalid config ([`ExperimentsError::Config`]), or a
    /// split too small for the hold-out or subset.
    pub fn new(config: &TrainConfig, splits: &'d Splits) -> Result<Self> {
        config.validate()?;
        check_memory(config, splits)?;
        let mut rng = seeds::rng(config.seed, Stream::Init, 0);
        let mut model = config.mlp_config()?.build::<T>(&mut rng)?;
        apply_init(&mut model, config.init, config.activation, &mut rng)?;
        let optimizer =
            config
                .optimizer
                .build::<T>(config.lr, config.momentum, config.weight_decay)?;
        Self::with_parts(config, splits, Box::new(model), optimizer)
    }

    /// A trainer with your own model and optimizer (studies compare
    /// optimizers from one initialization); the config supplies the data
    /// settings, batch size, epochs, schedule, seed and diagnostics. Replace
    /// the schedule with [`set_schedule`](Trainer::set_schedule).
    ///
    /// **Errors**: as [`new`](Trainer::new), and a model whose widths do not
    /// fit the data.
    pub fn with_parts(
        config: &TrainConfig,
        splits: &'d Splits,
        model: Box<dyn Network<T>>,
        optimizer: Box<dyn Optimizer<T>>,
    ) -> Result<Self> {
        let features = splits.train.features();
        let misfit = model
            .widths()
            .filter(|&(input, output)| input != features || output != data::NUM_CLASSES);
        if let Some((input, output)) = misfit {
            return Err(ConfigError::Inconsistent(format!(
                "the model maps {input} inputs to {output} outputs, but the data has \
                 {features} features and {} classes",
                data::NUM_CLASSES
            ))
            .into());
        }
        let (train_idx, val_idx) = split_indices(config, splits.train.len())?;
        let standardizer =
            Standardizer::fit_pixels(splits.train.images(), Scaling::ZScore, Granularity::Global)?;
        let steps_per_epoch = train_idx.len().div_ceil(config.batch);
        let train_len = train_idx.len();
        let schedule = config
            .schedule
            .build(config.schedule_params(steps_per_epoch))?;
        let mut trainer = Trainer {
            config: config.clone(),
            splits,
            encoder: BatchEncoder::new(&standardizer),
            order: Vec::with_capacity(train_idx.len()),
            train_idx,
            val_idx,
            test_idx: (0..splits.test.len()).collect(),
            model,
            optimizer,
            schedule: LrSchedule::Constant,
            plateau_initial: None,
            plateau_lrs: Vec::new(),
            stopping: stopping_criteria(config),
            tape: Tape::new(),
            grads: Gradients::new(),
            labels: Vec::with_capacity(config.batch.min(train_len)),
            clip_buf: Vec::new(),
            acc_buf: Vec::new(),
            before_buf: Vec::new(),
            refs_buf: Vec::new(),
            params_buf: Vec::new(),
            monitor: LossMonitor::new(config.divergence_factor),
            epoch: 0,
            step: 0,
            lr_scale: 1.0,
            records: Vec::new(),
            // room for the planned run up to a cap; past it, it grows as it
            // is filled (never sized by the epoch count alone)
            step_losses: Vec::with_capacity(
                steps_per_epoch
                    .saturating_mul(config.epochs)
                    .min(STEP_LOSSES_RESERVED),
            ),
            pending: Vec::new(),
            observer: Box::new(Silent),
        };
        trainer.set_schedule(schedule);
        Ok(trainer)
    }

    /// Replaces the learning-rate schedule (call before training).
    pub fn set_schedule(&mut self, schedule: LrSchedule) {
        self.plateau_lrs = self.optimizer.groups().iter().map(|g| g.lr).collect();
        self.plateau_initial = match &schedule {
            LrSchedule::Plateau(p) => Some(p.clone()),
            _ => None,
        };
        self.schedule = schedule;
    }

    /// Adds a stopping criterion, checked after every epoch on the
    /// evaluation loss and accuracy (`Observation::metric`).
    pub fn add_stopping(&mut self, criterion: Box<dyn Criterion + Send>) {
        self.stopping.push(criterion);
    }

    /// Sets who hears about progress (default: nobody).
    pub fn set_observer(&mut self, observer: Box<dyn Observer>) {
        self.observer = observer;
    }

    /// The settings.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The model.
    pub fn model(&self) -> &dyn Network<T> {
        &*self.model
    }

    /// The model, mutably.
    pub fn model_mut(&mut self) -> &mut dyn Network<T> {
        &mut *self.model
    }

    /// The optimizer.
    pub fn optimizer(&self) -> &dyn Optimizer<T> {
        &*self.optimizer
    }

    /// Epochs completed.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Optimizer steps taken.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// Minibatches per epoch.
    pub fn steps_per_epoch(&self) -> usize {
        self.train_idx.len().div_ceil(self.config.batch)
    }

    /// Training examples per epoch.
    pub fn train_examples(&self) -> usize {
        self.train_idx.len()
    }

    /// The learning rate of the default group (as last applied).
    pub fn lr(&self) -> f64 {
        self.optimizer.lr()
    }

    /// The records of the epochs so far.
    pub fn records(&self) -> &[EpochRecord] {
        &self.records
    }

    /// The loss of every optimizer step so far.
    pub fn step_losses(&self) -> &[f64] {
        &self.step_losses
    }

    /// The split evaluated after each epoch: validation if examples are
    /// held out, else test.
    pub fn eval_split(&self) -> EvalSplit {
        if self.val_idx.is_empty() {
            EvalSplit::Test
        } else {
            EvalSplit::Validation
        }
    }

    /// The factor every scheduled learning rate is multiplied by (1 until a
    /// rollback halves it).
    pub fn lr_scale(&self) -> f64 {
        self.lr_scale
    }

    /// Sets that factor; it applies from the next step.
    pub fn set_lr_scale(&mut self, scale: f64) {
        self.lr_scale = scale;
    }

    /// Queues a warning for the next epoch's record and tells the observer.
    pub fn warn(&mut self, warning: Warning) {
        self.observer.warning(&warning);
        self.pending.push(warning);
    }

    /// Sets every group's learning rate for the next step from the schedule.
    pub(crate) fn apply_lr(&mut self) -> Result<()> {
        for g in 0..self.optimizer.groups().len() {
            let group = self.optimizer.groups()[g];
            let lr = match self.schedule.lr_at(group.initial_lr, self.step) {
                Some(lr) => lr,
                None => self.plateau_lrs[g],
            } * self.lr_scale;
            if group.lr != lr {
                self.optimizer.set_group_lr(g, lr)?;
            }
        }
        Ok(())
    }
}

/// Refuses a configuration whose estimated memory exceeds what is available
/// (before the model or any buffer sized by the configuration exists).
///
/// **Errors**: [`ConfigError::Memory`] naming the estimate and what is available.
pub(crate) fn check_memory(config: &TrainConfig, splits: &Splits) -> Result<()> {
    let examples = config
        .subset
        .unwrap_or(splits.train.len().saturating_sub(config.validation));
    MemoryEstimate::of(config, examples).check(Available::now())?;
    Ok(())
}

/// The training and validation indices (sorted), after the hold-out and subset.
fn split_indices(config: &TrainConfig, n: usize) -> Result<(Vec<usize>, Vec<usize>)> {
    if config.validation >= n {
        return Err(ConfigError::OutOfRange {
            field: "validation",
            value: config.validation.to_string(),
            expected: "must leave training examples (fewer than the training set)",
        }
        .into());
    }
    let (mut train, val) = if config.validation == 0 {
        ((0..n).collect(), Vec::new())
    } else {
        let mut rng = seeds::rng(config.seed, Stream::Split, 0);
        let split = data::train_validation_split(n, Holdout::Count(config.validation), &mut rng)?;
        (split.train, split.validation)
    };
    if let Some(k) = config.subset {
        if k > train.len() {
            return Err(ConfigError::OutOfRange {
                field: "subset",
                value: k.to_string(),
                expected: "must not exceed the training examples left after the hold-out",
            }
            .into());
        }
        train.truncate(k);
    }
    Ok((train, val))
}

/// The config's stopping criteria (target accuracy, time limit).
pub(crate) fn stopping_criteria(config: &TrainConfig) -> Vec<Box<dyn Criterion + Send>> {
    let mut out: Vec<Box<dyn Criterion + Send>> = Vec::new();
    if let Some(a) = config.target_accuracy {
        out.push(Box::new(MetricThreshold::new(a, Goal::AtLeast)));
    }
    if let Some(t) = config.time_limit {
        // a limit past what a Duration holds is no limit at all
        let budget = std::time::Duration::try_from_secs_f64(t).unwrap_or(std::time::Duration::MAX);
        out.push(Box::new(TimeBudget::new(budget, SystemClock::new())));
    }
    out
}

/// A rollback warning.
pub(crate) fn rollback_warning(stop: &Stop, epoch: usize, lr: f64) -> Warning {
    Warning {
        kind: WarningKind::Rollback,
        epoch,
        step: stop.step,
        message: format!(
            "{}; rolled back to the start of epoch {epoch}",
            stop.message
        ),
        advice: format!("retrying with the learning rate halved to {lr:.4e}"),
    }
}
