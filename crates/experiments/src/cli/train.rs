//! `train` and `lr-find`.

use std::path::{Path, PathBuf};

use clap::Args;
use data::Splits;
use experiments::train::{
    self, ActivationChoice, DatasetChoice, DivergencePolicy, DtypeChoice, InitChoice, LrFindConfig,
    NormSpec, OptimizerChoice, RunSummary, ScheduleChoice, TrainConfig,
};

use super::progress::Progress;

/// The model, optimizer and data settings shared by `train` and `lr-find`.
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// mnist or fashion-mnist [default: mnist]
    #[arg(long)]
    dataset: Option<DatasetChoice>,
    /// Data directory, downloaded into on first use [default: $OPTILAB_DATA_DIR, else ./data]
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Layer widths [default: 784-10-10]
    #[arg(long)]
    model: Option<String>,
    /// relu, leaky-relu, tanh, sigmoid, softplus, identity [default: relu]
    #[arg(long)]
    activation: Option<ActivationChoice>,
    /// default, kaiming-uniform, kaiming-normal, xavier-uniform, xavier-normal, orthogonal, lecun-normal, zeros [default: default]
    #[arg(long)]
    init: Option<InitChoice>,
    /// none, batch, layer, group:G [default: none]
    #[arg(long)]
    norm: Option<NormSpec>,
    /// Dropout probability after each hidden activation [default: 0]
    #[arg(long, allow_negative_numbers = true)]
    dropout: Option<f64>,
    /// sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, adadelta, adamax, nadam, radam [default: sgd]
    #[arg(long)]
    optimizer: Option<OptimizerChoice>,
    /// Learning rate [default: 0.1 for sgd, 0.01 for momentum, nesterov, adagrad, rmsprop, else PyTorch's]
    #[arg(long, allow_negative_numbers = true)]
    lr: Option<f64>,
    /// Momentum (sgd, momentum, nesterov, rmsprop) [default: 0.9 for momentum and nesterov]
    #[arg(long, allow_negative_numbers = true)]
    momentum: Option<f64>,
    /// Weight decay [default: the optimizer's]
    #[arg(long, allow_negative_numbers = true)]
    weight_decay: Option<f64>,
    /// Minibatch size [default: 128]
    #[arg(long, allow_negative_numbers = true)]
    batch: Option<usize>,
    /// Seed of initialization, shuffling, dropout and the validation split [default: 0]
    #[arg(long, allow_negative_numbers = true)]
    seed: Option<u64>,
    /// f32 or f64 [default: f32]
    #[arg(long)]
    dtype: Option<DtypeChoice>,
    /// Train on only the first N training examples (quick runs)
    #[arg(long, allow_negative_numbers = true)]
    subset: Option<usize>,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Number of epochs [default: 10]
    #[arg(long, allow_negative_numbers = true)]
    epochs: Option<usize>,
    /// constant, step, cosine, exponential, one-cycle, plateau [default: constant]
    #[arg(long)]
    schedule: Option<ScheduleChoice>,
    /// Epochs between decays of the step schedule [default: epochs / 3]
    #[arg(long, allow_negative_numbers = true)]
    step_size: Option<usize>,
    /// Decay factor of step / exponential / plateau [default: 0.1, 0.9, 0.1]
    #[arg(long, allow_negative_numbers = true)]
    gamma: Option<f64>,
    /// Epochs without improvement before plateau reduces [default: 2]
    #[arg(long, allow_negative_numbers = true)]
    patience: Option<usize>,
    /// Hold out N training examples to evaluate on each epoch [default: 0 = test set]
    #[arg(long, allow_negative_numbers = true)]
    validation: Option<usize>,
    /// Clip the global gradient norm
    #[arg(long, allow_negative_numbers = true)]
    clip_grad_norm: Option<f64>,
    /// stop, or rollback (restore the epoch's start and halve the lr) [default: stop]
    #[arg(long)]
    on_divergence: Option<DivergencePolicy>,
    /// A step loss above this multiple of its reference is divergence [default: 10]
    #[arg(long, allow_negative_numbers = true)]
    divergence_factor: Option<f64>,
    /// Stop once the evaluation accuracy reaches this fraction
    #[arg(long, allow_negative_numbers = true)]
    target_accuracy: Option<f64>,
    /// Stop after the epoch that passes this many seconds
    #[arg(long, allow_negative_numbers = true)]
    time_limit: Option<f64>,
    /// Checkpoint every N epochs, 0 for never [default: 1]
    #[arg(long, allow_negative_numbers = true)]
    checkpoint_every: Option<usize>,
    /// Run directory [default: runs/<dataset>-<model>-<optimizer>-lr<lr>-s<seed>]
    #[arg(long)]
    out: Option<PathBuf>,
    /// Continue the run in DIR from its checkpoint (with its own settings)
    #[arg(long, value_name = "DIR")]
    resume: Option<PathBuf>,
    /// Print one final JSON object on stdout
    #[arg(long)]
    json: bool,
    /// No per-epoch lines
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
pub struct LrFindArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// First learning rate of the sweep [default: 1e-7]
    #[arg(long, allow_negative_numbers = true)]
    start_lr: Option<f64>,
    /// Last learning rate of the sweep [default: 10]
    #[arg(long, allow_negative_numbers = true)]
    end_lr: Option<f64>,
    /// Steps (minibatches) of the sweep [default: 200]
    #[arg(long, allow_negative_numbers = true)]
    steps: Option<usize>,
    /// Where to write lr_find.csv/.json/.png/.svg [default: runs/lr-find-<dataset>-<model>-<optimizer>-s<seed>]
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the finding as one JSON object on stdout
    #[arg(long)]
    json: bool,
}

impl ModelArgs {
    fn apply(&self, c: &mut TrainConfig) {
        set(&mut c.dataset, self.dataset);
        set(&mut c.model, self.model.clone());
        set(&mut c.activation, self.activation);
        set(&mut c.init, self.init);
        set(&mut c.norm, self.norm);
        set(&mut c.dropout, self.dropout);
        set(&mut c.optimizer, self.optimizer);
        c.lr = self.lr.unwrap_or_else(|| c.optimizer.default_lr());
        c.momentum = self.momentum.or(c.momentum);
        c.weight_decay = self.weight_decay.or(c.weight_decay);
        set(&mut c.batch, self.batch);
        set(&mut c.seed, self.seed);
        set(&mut c.dtype, self.dtype);
        c.subset = self.subset.or(c.subset);
    }

    /// The flags given that set the model or optimizer.
    fn given(&self) -> Vec<&'static str> {
        let flags = [
            ("--dataset", self.dataset.is_some()),
            ("--model", self.model.is_some()),
            ("--activation", self.activation.is_some()),
            ("--init", self.init.is_some()),
            ("--norm", self.norm.is_some()),
            ("--dropout", self.dropout.is_some()),
            ("--optimizer", self.optimizer.is_some()),
            ("--lr", self.lr.is_some()),
            ("--momentum", self.momentum.is_some()),
            ("--weight-decay", self.weight_decay.is_some()),
            ("--batch", self.batch.is_some()),
            ("--seed", self.seed.is_some()),
            ("--dtype", self.dtype.is_some()),
            ("--subset", self.subset.is_some()),
        ];
        flags.iter().filter(|f| f.1).map(|f| f.0).collect()
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
    }
}

impl TrainArgs {
    fn config(&self) -> TrainConfig {
        let mut c = TrainConfig::default();
        self.model.apply(&mut c);
        set(&mut c.epochs, self.epochs);
        set(&mut c.schedule, self.schedule);
        c.step_size = self.step_size.or(c.step_size);
        c.gamma = self.gamma.or(c.gamma);
        c.patience = self.patience.or(c.patience);
        set(&mut c.validation, self.validation);
        c.clip_grad_norm = self.clip_grad_norm.or(c.clip_grad_norm);
        set(&mut c.on_divergence, self.on_divergence);
        set(&mut c.divergence_factor, self.divergence_factor);
        c.target_accuracy = self.target_accuracy.or(c.target_accuracy);
        c.time_limit = self.time_limit.or(c.time_limit);
        set(&mut c.checkpoint_every, self.checkpoint_every);
        c
    }

    fn given(&self) -> Vec<&'static str> {
        let mut given = self.model.given();
        let more = [
            ("--schedule", self.schedule.is_some()),
            ("--step-size", self.step_size.is_some()),
            ("--gamma", self.gamma.is_some()),
            ("--patience", self.patience.is_some()),
            ("--validation", self.validation.is_some()),
            ("--clip-grad-norm", self.clip_grad_norm.is_some()),
            ("--on-divergence", self.on_divergence.is_some()),
            ("--divergence-factor", self.divergence_factor.is_some()),
            ("--target-accuracy", self.target_accuracy.is_some()),
            ("--time-limit", self.time_limit.is_some()),
            ("--checkpoint-every", self.checkpoint_every.is_some()),
            ("--out", self.out.is_some()),
        ];
        given.extend(more.iter().filter(|f| f.1).map(|f| f.0));
        given
    }
}

/// Loads `dataset`, downloading it into the data directory on first use.
fn load(dataset: DatasetChoice, data_dir: Option<&Path>) -> Result<Splits, String> {
    let dir = data::data_dir(data_dir);
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "data directory {} is not a directory",
            dir.display()
        ));
    }
    experiments::study::load_or_fetch(dataset.dataset(), &dir)
        .map_err(|e| format!("cannot load {dataset} from {}: {e}", dir.display()))
}

/// `base`, or `base-2`, `base-3`, ... whichever does not exist yet.
fn fresh_dir(base: PathBuf) -> PathBuf {
    if !base.exists() {
        return base;
    }
    (2..)
        .map(|k| PathBuf::from(format!("{}-{k}", base.display())))
        .find(|p| !p.exists())
        .expect("some suffix is free")
}

pub fn train(args: &TrainArgs) -> Result<(), String> {
    let progress = Box::new(Progress::new(args.quiet));
    let started = std::time::Instant::now();
    let (summary, config) = match &args.resume {
        Some(dir) => {
            let given = args.given();
            if !given.is_empty() {
                return Err(format!(
                    "--resume continues a run with its own settings; only --epochs, --data-dir, --json and --quiet may be given (found {})",
                    given.join(", ")
                ));
            }
            let mut config = train::checkpoint_config(dir).map_err(|e| e.to_string())?;
            set(&mut config.epochs, args.epochs);
            config.validate().map_err(|e| e.to_string())?;
            let splits = load(config.dataset, args.model.data_dir.as_deref())?;
            let summary =
                train::resume(dir, &splits, args.epochs, progress).map_err(|e| e.to_string())?;
            (summary, config)
        }
        None => {
            let config = args.config();
            config.validate().map_err(|e| e.to_string())?;
            let out = match &args.out {
                Some(out) => {
                    if train::checkpoint_dir(out).exists() {
                        return Err(format!(
                            "{} already holds a run: continue it with --resume {0}, or choose another --out",
                            out.display()
                        ));
                    }
                    out.clone()
                }
                None => fresh_dir(Path::new("runs").join(config.run_name())),
            };
            let splits = load(config.dataset, args.model.data_dir.as_deref())?;
            let summary =
                train::train(&config, &splits, Some(&out), progress).map_err(|e| e.to_string())?;
            (summary, config)
        }
    };
    report(
        &summary,
        &config,
        args.json,
        started.elapsed().as_secs_f64(),
    )
}

fn report(s: &RunSummary, config: &TrainConfig, json: bool, wall: f64) -> Result<(), String> {
    let dir = s
        .run_dir
        .as_ref()
        .map_or(String::new(), |d| d.display().to_string());
    eprintln!(
        "{}: test accuracy {:.2}% (loss {:.4}), train loss {}, {} epochs, {:.2} s/epoch, {:.1} s; {}",
        match s.stop.kind {
            train::StopKind::Completed => "done".to_string(),
            _ => format!("stopped ({})", s.stop.message),
        },
        100.0 * s.test_accuracy,
        s.test_loss,
        s.train_loss_text(),
        s.epochs,
        s.seconds_per_epoch,
        wall,
        dir
    );
    if json {
        let mut value = serde_json::to_value(s).map_err(|e| e.to_string())?;
        if let Some(object) = value.as_object_mut() {
            object.insert("dataset".into(), config.dataset.name().into());
            object.insert("model".into(), config.model.clone().into());
            object.insert("optimizer".into(), config.optimizer.name().into());
            object.insert("lr".into(), config.lr.into());
            object.insert("batch".into(), config.batch.into());
            object.insert("seed".into(), config.seed.into());
        }
        println!("{value}");
    }
    Ok(())
}

pub fn lr_find(args: &LrFindArgs) -> Result<(), String> {
    let mut config = TrainConfig::default();
    args.model.apply(&mut config);
    let mut find = LrFindConfig::default();
    set(&mut find.start_lr, args.start_lr);
    set(&mut find.end_lr, args.end_lr);
    set(&mut find.steps, args.steps);
    find.validate().map_err(|e| e.to_string())?;
    // the sweep sets the learning rate itself: validate with the start rate
    let checked = TrainConfig {
        lr: find.start_lr,
        ..config.clone()
    };
    checked.validate().map_err(|e| e.to_string())?;
    let out = args.out.clone().unwrap_or_else(|| {
        fresh_dir(Path::new("runs").join(format!(
            "lr-find-{}-{}-{}-s{}",
            config.dataset, config.model, config.optimizer, config.seed
        )))
    });
    let splits = load(config.dataset, args.model.data_dir.as_deref())?;
    let finding = train::lr_find(&config, &splits, &find).map_err(|e| e.to_string())?;
    train::write_lr_find(&out, &finding).map_err(|e| e.to_string())?;
    eprintln!(
        "lr-find: suggested lr {:.3e} (a tenth of the minimum at {:.3e}; steepest descent at {:.3e}) over {} steps{}; see {}",
        finding.suggested_lr,
        finding.min_loss_lr,
        finding.steepest_lr,
        finding.points.len(),
        if finding.stopped_early {
            ", stopped when the loss blew up"
        } else {
            ""
        },
        out.join("lr_find.png").display()
    );
    if args.json {
        let value = serde_json::json!({
            "suggested_lr": finding.suggested_lr,
            "min_loss_lr": finding.min_loss_lr,
            "steepest_lr": finding.steepest_lr,
            "steps": finding.points.len(),
            "stopped_early": finding.stopped_early,
            "out": out,
        });
        println!("{value}");
    }
    Ok(())
}
