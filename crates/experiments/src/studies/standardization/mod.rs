//! Feature scaling: raw pixels versus `[0, 1]` versus standardized inputs.
//!
//! Full-batch gradient descent on softmax regression (784 → 10) over an
//! MNIST subset, from the same initialization, with the inputs as raw bytes
//! (0…255), divided by 255, or z-scored with statistics fitted on the
//! training subset (one mean and std for all pixels, or one per pixel). The
//! loss's curvature scales with the inputs' second moment: its largest
//! eigenvalue λ_max of `E[x̃ x̃ᵀ]` (x̃ = x with a 1 appended for the bias)
//! sets the largest stable learning rate (about `4/λ_max` for softmax
//! cross-entropy, whose Hessian in the logits is at most ½), and the spread
//! of the eigenvalues sets how many iterations gradient descent needs.
//!
//! For each scaling a learning-rate grid is scanned from the largest value
//! down: runs that diverge stop early (NaN, or a loss far above the best so
//! far: [`optim::Divergence`]), and the scan stops once smaller rates only get
//! slower. The best rate is the stable one with the lowest final loss.

mod figures;
mod files;
mod finding;
mod runs;
pub mod verdict;

pub use figures::report;
pub use runs::{InputScaling, LrRun, ScalingResult, lambda_max};

use data::LabeledImages;
use rand::{SeedableRng, rngs::StdRng};
use serde::Serialize;

use crate::error::{ExperimentsError, Result};
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "standardization";

/// The standardization study, registered in [`crate::study::all`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Standardization;

impl Study for Standardization {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "Feature scaling: raw, [0, 1] and standardized inputs"
    }
    fn section(&self) -> &'static str {
        "Notes: Feature Scaling"
    }
    fn summary(&self) -> &'static str {
        "softmax regression on MNIST: input scaling sets the largest stable learning rate and GD's speed"
    }
    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let config = Config {
            seed: ctx.seed,
            ..Config::for_size(ctx.size)
        };
        report(&run(&config, &ctx.mnist()?.train)?, &ctx.dir(NAME))
    }
}

/// Settings of the study.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Training examples (a random subset of MNIST's training set).
    pub examples: usize,
    /// Full-batch gradient-descent iterations per run.
    pub iterations: usize,
    /// Learning rates, scanned from the largest down.
    pub lrs: Vec<f64>,
    /// Iterations to reach this training loss are reported.
    pub target_loss: f64,
    /// A run diverged when its loss exceeds the best so far by this factor
    /// of it (or is not finite).
    pub divergence_factor: f64,
    /// The scalings compared.
    pub scalings: Vec<InputScaling>,
    /// Seed of the subset and of the initialization.
    pub seed: u64,
}

impl Default for Config {
    /// The lecture's setting: 10,000 examples, 300 iterations, rates from
    /// 10⁻⁸ to 10^1.5 in half decades.
    fn default() -> Self {
        Config {
            examples: 10_000,
            iterations: 300,
            lrs: (-16..=3).map(|k| 10f64.powf(f64::from(k) / 2.0)).collect(),
            target_loss: 0.5,
            divergence_factor: 1.0,
            scalings: InputScaling::ALL.to_vec(),
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size.
    ///
    /// ```
    /// use experiments::studies::standardization::Config;
    /// use experiments::study::Size;
    /// assert_eq!(Config::for_size(Size::Full), Config::default());
    /// assert!(Config::for_size(Size::Tiny).examples < Config::for_size(Size::Quick).examples);
    /// ```
    pub fn for_size(size: Size) -> Self {
        let base = Config::default();
        let (examples, iterations) =
            size.pick((500, 60), (1000, 150), (base.examples, base.iterations));
        Config {
            examples,
            iterations,
            ..base
        }
    }
}

/// Everything the study measured.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Training examples.
    pub examples: usize,
    /// Iterations per run.
    pub iterations: usize,
    /// The target training loss.
    pub target_loss: f64,
    /// One result per scaling, in [`Config::scalings`] order.
    pub scalings: Vec<ScalingResult>,
}

impl Outcome {
    /// The result of `scaling`, if it was run.
    pub fn get(&self, scaling: InputScaling) -> Option<&ScalingResult> {
        self.scalings.iter().find(|s| s.scaling == scaling)
    }
}

/// Runs the study on a random subset of `train`.
///
/// **Errors**: invalid settings, or a subset larger than `train`.
pub fn run(config: &Config, train: &LabeledImages) -> Result<Outcome> {
    if config.examples > train.len() || config.examples == 0 {
        return Err(ExperimentsError::Invalid(format!(
            "standardization needs 1 to {} examples, got {}",
            train.len(),
            config.examples
        )));
    }
    if config.lrs.is_empty() || config.iterations == 0 {
        return Err(ExperimentsError::Invalid(
            "standardization needs learning rates and iterations".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(config.seed);
    let mut indices = rand::seq::index::sample(&mut rng, train.len(), config.examples).into_vec();
    indices.sort_unstable();
    let subset = train.select(&indices)?;
    let scalings = config
        .scalings
        .iter()
        .map(|&s| runs::scaling(config, &subset, s))
        .collect::<Result<Vec<_>>>()?;
    Ok(Outcome {
        examples: config.examples,
        iterations: config.iterations,
        target_loss: config.target_loss,
        scalings,
    })
}
