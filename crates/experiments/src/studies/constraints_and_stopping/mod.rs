//! Constraints through barrier functions, and stopping criteria.
//!
//! **Constraints.** A 2-D quadratic whose unconstrained minimum lies outside
//! the box `[−1, 1]²` ([`Quadratic::lecture`]) is minimized three ways:
//! projected gradient descent (step, then clamp: every iterate exactly
//! inside), the lecture's exponential barrier `±exp(m(β − k))` added to the
//! objective for several steepnesses m, and a log barrier `−μ ln(±(k − β))`.
//! A soft barrier trades the exactness of the bound for smoothness: its
//! minimizer lies short of (or, for a shallow m, beyond) the bound and
//! approaches it as m grows, at the price of a stiffer problem.
//!
//! **Stopping.** One training run (an MLP with minibatch SGD on an MNIST
//! subset, observed every iteration: smoothed training loss, validation
//! accuracy every few iterations, time) is recorded once and replayed
//! through every criterion of `optim`: cost threshold, loss-change and moving-average convergence,
//! validation-accuracy threshold, maximum iterations, wall-clock budget and
//! divergence, to see which fires when and why; a second run at a far too
//! large learning rate shows divergence.

mod constraints;
mod figures;
mod files;
mod finding;
mod stopping;
mod training;
pub mod verdict;

pub use constraints::{ConstraintConfig, ConstraintRun, Enforcement, Quadratic, enforce};
pub use figures::report;
pub use stopping::{Firing, Rule, Step, StoppingConfig, combined, replay};
pub use training::{Recording, TrainingConfig, record};

use std::time::Duration;

use data::LabeledImages;
use optim::StopReason;

use crate::error::Result;
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "constraints-and-stopping";

/// The constraints-and-stopping study, registered in [`crate::study::all`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ConstraintsAndStopping;

impl Study for ConstraintsAndStopping {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "Constraints by barriers or projection; stopping criteria"
    }
    fn section(&self) -> &'static str {
        "Notes: Hard Constraints and Bounds; Stopping Criteria"
    }
    fn summary(&self) -> &'static str {
        "exponential and log barriers versus projection onto a box; which stopping criterion fires when"
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
    /// The constraint comparison.
    pub constraints: ConstraintConfig,
    /// The recorded training runs.
    pub training: TrainingConfig,
    /// The criteria's thresholds.
    pub stopping: StoppingConfig,
    /// Seed of the subset, the initialization and the batches.
    pub seed: u64,
}

impl Default for Config {
    /// The lecture's setting: m = 1 … 100, μ = 0.1 … 0.001; an MLP 784-32-10
    /// on 10,000 images for 3,000 SGD steps.
    fn default() -> Self {
        Config {
            constraints: ConstraintConfig::default(),
            training: TrainingConfig {
                train_examples: 10_000,
                validation_examples: 2_000,
                architecture: "784-32-10".into(),
                batch: 32,
                lr: 0.05,
                diverging_lr: 5.0,
                iterations: 3_000,
                eval_every: 25,
                smoothing: 0.95,
            },
            stopping: StoppingConfig {
                cost_threshold: 0.2,
                change_threshold: 1e-3,
                average_threshold: 1e-4,
                window: 200,
                accuracy_target: 0.9,
                max_iterations: 2_000,
                time_budget: Duration::from_secs(2),
                divergence_factor: 1.0,
            },
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size: shorter runs on fewer images for Tiny and
    /// Quick, with the budgets scaled down accordingly.
    ///
    /// ```
    /// use experiments::studies::constraints_and_stopping::Config;
    /// use experiments::study::Size;
    /// assert_eq!(Config::for_size(Size::Full), Config::default());
    /// assert!(Config::for_size(Size::Tiny).training.iterations < Config::default().training.iterations);
    /// ```
    pub fn for_size(size: Size) -> Self {
        let base = Config::default();
        let (train_examples, validation_examples, iterations, max_iterations, budget_ms) = size
            .pick(
                (1_000, 300, 400, 300, 100),
                (3_000, 1_000, 1_200, 900, 100),
                (10_000, 2_000, 3_000, 2_000, 2_000),
            );
        Config {
            training: TrainingConfig {
                train_examples,
                validation_examples,
                iterations,
                ..base.training.clone()
            },
            stopping: StoppingConfig {
                max_iterations,
                time_budget: Duration::from_millis(budget_ms),
                ..base.stopping.clone()
            },
            ..base
        }
    }
}

/// Everything the study measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The constrained problem.
    pub quadratic: Quadratic,
    /// The box `[lower, upper]²`.
    pub bounds: (f64, f64),
    /// Where every constrained run starts.
    pub start: [f64; 2],
    /// Projection first, then the exponential barriers by steepness, then
    /// the log barriers by decreasing weight.
    pub constraint_runs: Vec<ConstraintRun>,
    /// The training settings.
    pub training: TrainingConfig,
    /// The criteria's thresholds.
    pub stopping: StoppingConfig,
    /// The recorded run at the normal learning rate.
    pub normal: Recording,
    /// Each rule's first firing on it.
    pub firings: Vec<(Rule, Option<Firing>)>,
    /// All rules combined: where training would have stopped, and why.
    pub combined: Option<(Step, StopReason)>,
    /// The recorded run at the diverging learning rate.
    pub diverging: Recording,
    /// Each rule's first firing on it.
    pub diverging_firings: Vec<(Rule, Option<Firing>)>,
}

impl Outcome {
    /// The runs of one kind of enforcement.
    pub fn runs_where(&self, keep: impl Fn(&Enforcement) -> bool) -> Vec<&ConstraintRun> {
        self.constraint_runs
            .iter()
            .filter(|r| keep(&r.enforcement))
            .collect()
    }

    /// The first firing of `rule` on the normal run.
    pub fn firing(&self, rule: Rule) -> Option<&Firing> {
        self.firings.iter().find(|(r, _)| *r == rule)?.1.as_ref()
    }

    /// The first firing of `rule` on the diverging run.
    pub fn diverging_firing(&self, rule: Rule) -> Option<&Firing> {
        self.diverging_firings
            .iter()
            .find(|(r, _)| *r == rule)?
            .1
            .as_ref()
    }

    /// The constrained minimizer: where projected gradient descent ended.
    pub fn optimum(&self) -> [f64; 2] {
        self.runs_where(|e| *e == Enforcement::Projection)
            .first()
            .map_or([f64::NAN; 2], |r| r.last())
    }
}

/// Runs the study; the training runs use a subset of `train`.
///
/// **Errors**: invalid settings or a failed training step.
pub fn run(config: &Config, train: &LabeledImages) -> Result<Outcome> {
    let quadratic = Quadratic::lecture();
    let c = &config.constraints;
    let enforcements = std::iter::once(Enforcement::Projection)
        .chain(
            c.steepnesses
                .iter()
                .map(|&m| Enforcement::Exponential { steepness: m }),
        )
        .chain(
            c.log_weights
                .iter()
                .map(|&mu| Enforcement::Logarithmic { weight: mu }),
        );
    let constraint_runs = enforcements
        .map(|e| enforce(&quadratic, c, e))
        .collect::<Result<Vec<_>>>()?;

    let t = &config.training;
    let normal = record(t, train, t.lr, config.seed)?;
    let diverging = record(t, train, t.diverging_lr, config.seed)?;
    Ok(Outcome {
        quadratic,
        bounds: (c.lower, c.upper),
        start: c.start,
        constraint_runs,
        training: t.clone(),
        stopping: config.stopping.clone(),
        firings: replay(&normal.observations, &config.stopping)?,
        combined: combined(&normal.observations, &config.stopping)?,
        diverging_firings: replay(&diverging.observations, &config.stopping)?,
        normal,
        diverging,
    })
}
