//! The input scalings and the learning-rate scan of each.

use data::{Granularity, LabeledImages, PixelEncoder, Scaling, Standardizer};
use ndarray::{Array1, Array2};
use nn::Linear;
use optim::{Criterion, Divergence, Observation, SgdConfig, StopReason};
use rand::{SeedableRng, rngs::StdRng};
use serde::Serialize;

use super::Config;
use crate::error::Result;
use crate::studies::fit::FullBatch;

/// How pixels become inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InputScaling {
    /// The bytes as they are, 0…255.
    Raw,
    /// Divided by 255, in `[0, 1]`.
    Unit,
    /// `(p/255 − mean) / std` with one mean and std over all pixels.
    GlobalZScore,
    /// `(p/255 − meanⱼ) / stdⱼ` per pixel j (constant pixels only centred).
    PerPixelZScore,
}

impl InputScaling {
    /// Every scaling, from the worst conditioned.
    pub const ALL: [InputScaling; 4] = [
        InputScaling::Raw,
        InputScaling::Unit,
        InputScaling::GlobalZScore,
        InputScaling::PerPixelZScore,
    ];

    /// Legend text.
    ///
    /// ```
    /// use experiments::studies::standardization::InputScaling;
    /// assert_eq!(InputScaling::Raw.label(), "raw pixels 0…255");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            InputScaling::Raw => "raw pixels 0…255",
            InputScaling::Unit => "pixels / 255",
            InputScaling::GlobalZScore => "z-score, one mean and std",
            InputScaling::PerPixelZScore => "z-score per pixel",
        }
    }

    /// The inputs of `set` under this scaling, statistics fitted on `set`.
    ///
    /// **Errors**: the statistics could not be fitted (an empty set).
    pub fn inputs(self, set: &LabeledImages) -> Result<Array2<f32>> {
        let zscore = |granularity| -> Result<Array2<f32>> {
            let stats = Standardizer::fit_pixels(set.images(), Scaling::ZScore, granularity)?;
            let all: Vec<usize> = (0..set.len()).collect();
            let (mut x, mut labels) = (Array2::zeros((0, 0)), Vec::new());
            set.gather(
                &all,
                &PixelEncoder::standardized(&stats),
                &mut x,
                &mut labels,
            )?;
            Ok(x)
        };
        match self {
            InputScaling::Raw => Ok(set.images().mapv(f32::from)),
            InputScaling::Unit => Ok(set.pixels()),
            InputScaling::GlobalZScore => zscore(Granularity::Global),
            InputScaling::PerPixelZScore => zscore(Granularity::PerFeature),
        }
    }
}

/// One gradient-descent run at one learning rate.
#[derive(Debug, Clone, Serialize)]
pub struct LrRun {
    /// The learning rate.
    pub lr: f64,
    /// Training loss before each iteration and after the last (fewer if it
    /// diverged).
    pub losses: Vec<f64>,
    /// Why the run was stopped early, if it diverged.
    pub diverged: Option<String>,
    /// Training accuracy at the end (runs that did not diverge).
    pub accuracy: Option<f64>,
}

impl LrRun {
    /// The last loss of the run.
    pub fn final_loss(&self) -> f64 {
        self.losses.last().copied().unwrap_or(f64::NAN)
    }

    /// The first iteration whose loss is at most `target`.
    pub fn iterations_to(&self, target: f64) -> Option<usize> {
        self.losses.iter().position(|&l| l <= target)
    }
}

/// One input scaling: its curvature and its learning-rate scan.
#[derive(Debug, Clone, Serialize)]
pub struct ScalingResult {
    /// The scaling.
    pub scaling: InputScaling,
    /// Largest eigenvalue of `(1/n) Σ x̃ x̃ᵀ`, x̃ = (x, 1).
    pub lambda_max: f64,
    /// Mean eigenvalue of the same matrix (its trace over its size).
    pub lambda_mean: f64,
    /// The runs of the scan, from the largest rate down.
    pub runs: Vec<LrRun>,
    /// Index in `runs` of the stable run with the lowest final loss.
    pub best: usize,
}

impl ScalingResult {
    /// The best run.
    pub fn best_run(&self) -> &LrRun {
        &self.runs[self.best]
    }

    /// The largest learning rate that did not diverge.
    pub fn largest_stable_lr(&self) -> f64 {
        self.runs
            .iter()
            .filter(|r| r.diverged.is_none())
            .map(|r| r.lr)
            .fold(f64::NAN, f64::max)
    }

    /// The smallest learning rate that diverged, if any did.
    pub fn smallest_diverging_lr(&self) -> Option<f64> {
        self.runs
            .iter()
            .filter(|r| r.diverged.is_some())
            .map(|r| r.lr)
            .reduce(f64::min)
    }
}

/// Largest eigenvalue of `(1/n) X̃ᵀX̃` with a column of ones appended, by
/// power iteration.
///
/// ```
/// use experiments::studies::standardization::lambda_max;
/// // rows (1, 0) and (0, 1) with the bias column: (1/2)·[[1,0,1],[0,1,1],[1,1,2]], λ_max = 1.5
/// let x = ndarray::array![[1.0_f32, 0.0], [0.0, 1.0]];
/// assert!((lambda_max(&x, 200) - 1.5).abs() < 1e-9);
/// ```
pub fn lambda_max(x: &Array2<f32>, iterations: usize) -> f64 {
    let (n, d) = x.dim();
    let mut xt = Array2::<f64>::ones((n, d + 1));
    xt.slice_mut(ndarray::s![.., ..d])
        .assign(&x.mapv(f64::from));
    let mut v = Array1::<f64>::from_elem(d + 1, 1.0 / ((d + 1) as f64).sqrt());
    let mut lambda = 0.0;
    for _ in 0..iterations {
        let w = xt.t().dot(&xt.dot(&v)) / n as f64;
        lambda = v.dot(&w);
        let norm = w.dot(&w).sqrt();
        if norm == 0.0 {
            return 0.0;
        }
        v = w / norm;
    }
    lambda
}

/// Scans the learning rates for one scaling.
pub(super) fn scaling(
    config: &Config,
    set: &LabeledImages,
    scaling: InputScaling,
) -> Result<ScalingResult> {
    let x = scaling.inputs(set)?;
    let labels: Vec<usize> = set.labels().iter().map(|&l| usize::from(l)).collect();
    let mut lrs = config.lrs.clone();
    lrs.sort_by(|a, b| b.total_cmp(a));
    let mut runs: Vec<LrRun> = Vec::new();
    let mut best: Option<(usize, f64)> = None;
    let mut worse_in_a_row = 0;
    for lr in lrs {
        let run = train(config, &x, &labels, lr)?;
        if run.diverged.is_none() {
            let loss = run.final_loss();
            match best {
                Some((_, b)) if loss >= b => worse_in_a_row += 1,
                _ => {
                    best = Some((runs.len(), loss));
                    worse_in_a_row = 0;
                }
            }
        }
        runs.push(run);
        if worse_in_a_row >= 2 {
            break;
        }
    }
    let best = best.map_or(runs.len().saturating_sub(1), |(i, _)| i);
    Ok(ScalingResult {
        scaling,
        lambda_max: lambda_max(&x, 100),
        lambda_mean: (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.nrows() as f64
            + 1.0)
            / (x.ncols() + 1) as f64,
        runs,
        best,
    })
}

fn model(config: &Config, features: usize) -> Linear<f32> {
    Linear::new(
        features,
        data::NUM_CLASSES,
        &mut StdRng::seed_from_u64(config.seed),
    )
}

/// One run of full-batch gradient descent at `lr`, stopped when it diverges.
fn train(config: &Config, x: &Array2<f32>, labels: &[usize], lr: f64) -> Result<LrRun> {
    let mut fit = FullBatch::new(model(config, x.ncols()), x.clone(), labels.to_vec());
    let mut opt = SgdConfig::default().lr(lr).build::<f32>()?;
    let mut divergence = Divergence::new(config.divergence_factor)?;
    let mut losses = Vec::with_capacity(config.iterations + 1);
    let mut diverged: Option<StopReason> = None;
    for t in 0..=config.iterations {
        let loss = if t < config.iterations {
            fit.step(&mut opt)?
        } else {
            fit.loss()
        };
        losses.push(loss);
        if let Some(reason) = divergence.check(&Observation::new(t as u64, loss)) {
            diverged = Some(reason);
            break;
        }
    }
    let accuracy = diverged.is_none().then(|| fit.accuracy());
    Ok(LrRun {
        lr,
        losses,
        diverged: diverged.map(|r| r.to_string()),
        accuracy,
    })
}
