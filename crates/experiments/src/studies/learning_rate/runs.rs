//! The runs: the learning-rate sweep (a coarse grid, then a finer one
//! between the best and the first diverging rate), one run left unguarded
//! until its loss is NaN, the range test and the schedules.

use data::Splits;
use ndarray::Array2;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::Config;
use crate::error::Result;
use crate::studies::subsets::{matrix, subset, weight_norm};
use crate::train::{
    EvalSplit, LrFindConfig, LrFinding, Network, ScheduleChoice, TrainConfig, Trainer, lr_find,
};

/// One learning rate of the sweep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SweepRun {
    /// The learning rate.
    pub lr: f64,
    /// Whether it belongs to the finer grid.
    pub fine: bool,
    /// Training loss before any step.
    pub initial_loss: f64,
    /// Loss of every step (the last one is the exploding step if it diverged).
    pub step_loss: Vec<f64>,
    /// ‖θ‖ after each epoch.
    pub weight_norm: Vec<f64>,
    /// Final training loss on all training images (NaN if diverged).
    pub final_loss: f64,
    /// The step (from 1) whose loss exploded, if the trainer's divergence
    /// check stopped the run.
    pub diverged_at: Option<usize>,
    /// First-layer input weights of the first hidden units, as 28×28 images.
    #[serde(skip)]
    pub features: Vec<Array2<f64>>,
    /// Mean [`roughness`] of those images.
    pub roughness: f64,
}

impl SweepRun {
    /// Whether the run diverged (or ended with a non-finite loss).
    pub fn diverged(&self) -> bool {
        self.diverged_at.is_some() || !self.final_loss.is_finite()
    }
}

/// The run left without a divergence guard: only a non-finite loss stops it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Unguarded {
    /// Its learning rate.
    pub lr: f64,
    /// Loss of every step, the last one non-finite if it got there.
    pub step_loss: Vec<f64>,
    /// ‖θ‖ before the first step and after each step.
    pub weight_norm: Vec<f64>,
    /// The step (from 1) whose loss was NaN or infinite.
    pub non_finite_at: Option<usize>,
    /// Whether that loss was NaN (else infinite).
    pub nan: bool,
}

/// One schedule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScheduleRun {
    /// Its name.
    pub name: String,
    /// Mean minibatch loss per epoch.
    pub epoch_loss: Vec<f64>,
    /// Learning rate at the end of each epoch.
    pub epoch_lr: Vec<f64>,
    /// Final training loss on all training images.
    pub final_loss: f64,
    /// Final test accuracy.
    pub test_accuracy: f64,
}

/// Everything measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The sweep (coarse and fine grid), in ascending learning rate.
    pub sweep: Vec<SweepRun>,
    /// The unguarded run.
    pub unguarded: Unguarded,
    /// The range test.
    pub finding: LrFinding,
    /// The schedules.
    pub schedules: Vec<ScheduleRun>,
}

/// How much neighbouring pixels differ relative to the image's spread:
/// `mean over adjacent pairs (a − b)² / (2 var)`. About 1 for white noise,
/// near 0 for smooth strokes.
///
/// ```
/// use experiments::studies::learning_rate::roughness;
/// let smooth = ndarray::Array2::from_shape_fn((28, 28), |(r, c)| (r + c) as f64);
/// let noisy = ndarray::Array2::from_shape_fn((28, 28), |(r, c)| if (r + c) % 2 == 0 { 1.0 } else { -1.0 });
/// assert!(roughness(&smooth) < 0.01 && roughness(&noisy) > 1.0);
/// ```
pub fn roughness(image: &Array2<f64>) -> f64 {
    let n = image.len() as f64;
    let mean = image.sum() / n;
    let var = image.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let (rows, cols) = image.dim();
    let (mut sum, mut pairs) = (0.0, 0usize);
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols {
                sum += (image[(r, c)] - image[(r, c + 1)]).powi(2);
                pairs += 1;
            }
            if r + 1 < rows {
                sum += (image[(r, c)] - image[(r + 1, c)]).powi(2);
                pairs += 1;
            }
        }
    }
    if var > 0.0 && pairs > 0 {
        sum / pairs as f64 / (2.0 * var)
    } else {
        f64::NAN
    }
}

pub(crate) fn train_config(config: &Config, lr: f64, schedule: ScheduleChoice) -> TrainConfig {
    TrainConfig {
        model: config.model.clone(),
        lr,
        batch: config.batch,
        epochs: config.epochs,
        schedule,
        seed: config.seed,
        checkpoint_every: 0,
        ..TrainConfig::default()
    }
}

/// The first `units` hidden units' input weights as 28×28 images.
fn features(model: &dyn Network<f32>, units: usize) -> Result<Vec<Array2<f64>>> {
    let name = model.params()[0].name().to_string();
    let w = matrix(model, &name)?;
    Ok(w.rows()
        .into_iter()
        .take(units)
        .filter(|row| row.len() == 784)
        .map(|row| {
            row.to_owned()
                .into_shape_with_order((28, 28))
                .expect("784 pixels")
        })
        .collect())
}

/// One constant-rate run of the sweep, stopped by the trainer's divergence
/// check.
///
/// **Errors**: a data or training error.
pub fn sweep_run(config: &Config, data: &Splits, lr: f64, fine: bool) -> Result<SweepRun> {
    let mut trainer =
        Trainer::<f32>::new(&train_config(config, lr, ScheduleChoice::Constant), data)?;
    let initial_loss = trainer.evaluate(EvalSplit::Train)?.loss;
    let (mut norms, mut diverged_at) = (Vec::new(), None);
    for _ in 0..config.epochs {
        let rec = trainer.train_epoch()?;
        norms.push(weight_norm(trainer.model()));
        if let Some(k) = rec.stop.as_ref().and_then(|s| s.diverged_at()) {
            diverged_at = Some(k as usize);
            break;
        }
    }
    let mut final_loss = trainer.evaluate(EvalSplit::Train)?.loss;
    if diverged_at.is_some() {
        final_loss = f64::NAN;
    }
    let features = features(trainer.model(), config.units)?;
    let roughness = features.iter().map(roughness).sum::<f64>() / features.len().max(1) as f64;
    Ok(SweepRun {
        lr,
        fine,
        initial_loss,
        step_loss: trainer.step_losses().to_vec(),
        weight_norm: norms,
        final_loss,
        diverged_at,
        features,
        roughness,
    })
}

/// `n` rates spaced evenly in log between `lo` and `hi` (both excluded).
pub fn between(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (1..=n)
        .map(|k| lo * (hi / lo).powf(k as f64 / (n + 1) as f64))
        .map(|lr| {
            let digits = 10f64.powi(2 - lr.log10().floor() as i32);
            (lr * digits).round() / digits
        })
        .collect()
}

/// The coarse sweep, then `config.fine` rates between its best rate and
/// its first diverging rate above it.
///
/// **Errors**: a data or training error.
pub fn sweep(config: &Config, data: &Splits) -> Result<Vec<SweepRun>> {
    let mut runs = config
        .lrs
        .iter()
        .map(|&lr| sweep_run(config, data, lr, false))
        .collect::<Result<Vec<_>>>()?;
    let best = runs
        .iter()
        .filter(|r| !r.diverged())
        .min_by(|a, b| a.final_loss.total_cmp(&b.final_loss))
        .map(|r| r.lr);
    let first_diverged = best.and_then(|b| runs.iter().find(|r| r.lr > b && r.diverged()));
    if let (Some(lo), Some(hi)) = (best, first_diverged.map(|r| r.lr)) {
        for lr in between(lo, hi, config.fine) {
            if runs.iter().all(|r| (r.lr / lr - 1.0).abs() > 0.02) {
                runs.push(sweep_run(config, data, lr, true)?);
            }
        }
    }
    runs.sort_by(|a, b| a.lr.total_cmp(&b.lr));
    Ok(runs)
}

/// SGD at `lr` with no divergence guard but the non-finite check: runs
/// until the loss is NaN or infinite (or `max_steps`), measuring ‖θ‖ after
/// every step.
///
/// **Errors**: a data or training error.
pub fn unguarded(config: &Config, data: &Splits, lr: f64) -> Result<Unguarded> {
    let train = train_config(config, lr, ScheduleChoice::Constant);
    let mut trainer = Trainer::<f32>::new(&train, data)?;
    let mut order = trainer.train_idx.clone();
    let mut rng = rand::rngs::StdRng::seed_from_u64(config.seed);
    let mut norms = vec![weight_norm(trainer.model())];
    let (mut losses, mut non_finite_at, mut nan) = (Vec::new(), None, false);
    'run: while losses.len() < config.unguarded_steps {
        order.shuffle(&mut rng);
        for idx in order.chunks(config.batch) {
            trainer.apply_lr()?;
            // the trainer's monitor never saw a loss, so it only checks finiteness
            let out = trainer.train_step(idx, false, false)?;
            losses.push(out.loss);
            if out.diverged.is_some() {
                non_finite_at = Some(losses.len());
                nan = out.loss.is_nan();
                break 'run;
            }
            norms.push(weight_norm(trainer.model()));
            if losses.len() >= config.unguarded_steps {
                break 'run;
            }
        }
    }
    Ok(Unguarded {
        lr,
        step_loss: losses,
        weight_norm: norms,
        non_finite_at,
        nan,
    })
}

/// Runs the sweep, the unguarded run, the range test and the schedules.
///
/// **Errors**: a data or training error.
pub fn run(config: &Config, splits: &Splits) -> Result<Outcome> {
    let data = subset(splits, config.train, config.test)?;
    let sweep = sweep(config, &data)?;
    let unguarded = unguarded(config, &data, config.unguarded_lr)?;

    let find = LrFindConfig {
        start_lr: 1e-4,
        end_lr: config.lrs.last().copied().unwrap_or(10.0),
        steps: config.find_steps,
        ..LrFindConfig::default()
    };
    let finding = lr_find(
        &train_config(config, 0.1, ScheduleChoice::Constant),
        &data,
        &find,
    )?;

    let mut schedules = Vec::new();
    let kinds = [
        ScheduleChoice::Constant,
        ScheduleChoice::Step,
        ScheduleChoice::Cosine,
        ScheduleChoice::OneCycle,
    ];
    for kind in kinds.into_iter().map(Some).chain([None]) {
        let choice = kind.unwrap_or(ScheduleChoice::Constant);
        let lr = config.schedule_lr;
        let mut trainer = Trainer::<f32>::new(&train_config(config, lr, choice), &data)?;
        let mut driver = optim::BoldDriver::new(lr)?;
        let (mut epoch_loss, mut epoch_lr) = (Vec::new(), Vec::new());
        for _ in 0..config.epochs {
            let rec = trainer.train_epoch()?;
            epoch_loss.push(rec.loss);
            epoch_lr.push(rec.lr);
            if kind.is_none() {
                driver.observe(rec.loss);
                trainer.set_lr_scale(driver.lr() / lr);
            }
        }
        schedules.push(ScheduleRun {
            name: kind.map_or("bold driver".into(), |k| k.to_string()),
            epoch_loss,
            epoch_lr,
            final_loss: trainer.evaluate(EvalSplit::Train)?.loss,
            test_accuracy: trainer.evaluate(EvalSplit::Test)?.accuracy,
        });
    }
    Ok(Outcome {
        sweep,
        unguarded,
        finding,
        schedules,
    })
}
