//! Lecture Section 3, gradient descent versus local random search.
//!
//! Local random search needs only function values: perturb the weights by
//! σ·z, z ~ N(0, I), keep the candidate if the loss drops. With one weight
//! it is as good as gradient descent; with d weights a random direction is
//! nearly orthogonal to the descent direction, so the improvements per
//! evaluation shrink like 1/d and the evaluations needed grow at least
//! linearly with d, while gradient descent's iterations barely change.
//!
//! Both methods minimize the mean logistic loss of a linear classifier on two
//! Gaussian classes ([`Logistic`]): first with one weight, then with
//! d = 2 … 256 weights (features). Every call goes through [`Counted`], so the
//! methods are compared at equal budgets of function-evaluation equivalents
//! (a gradient counts as [`Config::gradient_cost`] evaluations) and of time.

mod counted;
mod figures;
mod files;
mod finding;
mod logistic;
mod one_weight;
mod runs;
mod sweep;

pub use crate::studies::format::short;
pub use counted::{Counted, TracePoint, cost_to_target, thin};
pub use figures::report;
pub use finding::checks;
pub use logistic::Logistic;
pub use one_weight::OneWeight;
pub use runs::{Method, PATH_DIMS, Path, Run, Setup};
pub use sweep::{Dimension, Trial, median_cost};

use serde::Serialize;

use crate::error::{ExperimentsError, Result};
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "random-search";

/// The random-search study, registered in [`crate::study::all`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomSearchStudy;

impl Study for RandomSearchStudy {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "Gradient descent versus local random search"
    }
    fn section(&self) -> &'static str {
        "Section 3"
    }
    fn summary(&self) -> &'static str {
        "equal budgets of evaluations: random search matches GD with one weight, its cost grows with the dimension"
    }
    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let config = Config {
            seed: ctx.seed,
            ..Config::for_size(ctx.size)
        };
        report(&run(&config)?, &ctx.dir(NAME))
    }
}

/// Settings of the study.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Function-evaluation equivalents one gradient call counts for.
    pub gradient_cost: f64,
    /// Examples of the two-class data: at least this many...
    pub examples: usize,
    /// ...and at least this many per weight, so that the data never becomes
    /// linearly separable and the problem stays alike as d grows.
    pub examples_per_dim: usize,
    /// Distance between the class means (unit noise).
    pub separation: f64,
    /// One-weight problem: start this far from the minimizer, on the wrong side.
    pub one_weight_offset: f64,
    /// One-weight problem: budget in evaluation equivalents.
    pub one_weight_budget: f64,
    /// One-weight problem: the methods compared.
    pub one_weight_methods: Vec<Method>,
    /// Numbers of weights of the dimension sweep.
    pub dims: Vec<usize>,
    /// Target of the sweep: reach `L* + target_gap·(L(0) − L*)`, i.e. close
    /// all but this fraction of the gap between the start's loss `ln 2` and
    /// the minimum `L*` (found by a long gradient-descent run, not counted).
    pub target_gap: f64,
    /// Budget at dimension d: `budget_base + budget_per_dim·d` evaluations.
    pub budget_base: f64,
    /// See [`Config::budget_base`].
    pub budget_per_dim: f64,
    /// Learning rates tried for gradient descent (the cheapest to the target wins).
    pub lrs: Vec<f64>,
    /// Step lengths c tried for random search, as `σ = c/√d` so that the
    /// perturbation's length `‖σz‖ ≈ c` stays the same as d grows (the
    /// cheapest to the target wins).
    pub step_lengths: Vec<f64>,
    /// Random-search repeats (seeds) at the chosen σ.
    pub repeats: usize,
    /// Seed of the data and of the searches.
    pub seed: u64,
}

impl Default for Config {
    /// The lecture's setting: one weight, then 2 to 512 weights; a gradient
    /// counts as 3 evaluations.
    fn default() -> Self {
        Config {
            gradient_cost: 3.0,
            examples: 200,
            examples_per_dim: 10,
            separation: 3.0,
            one_weight_offset: 6.0,
            one_weight_budget: 120.0,
            one_weight_methods: vec![
                Method::GradientDescent { lr: 4.0 },
                Method::RandomSearch { sigma: 1.0 },
                Method::DecayingRandomSearch {
                    sigma: 2.0,
                    decay: 0.95,
                },
            ],
            dims: vec![2, 8, 32, 128, 512],
            target_gap: 0.02,
            budget_base: 500.0,
            budget_per_dim: 30.0,
            lrs: vec![0.5, 1.0, 2.0, 4.0, 8.0],
            step_lengths: vec![0.03, 0.1, 0.3, 1.0],
            repeats: 5,
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size: Tiny and Quick stop at 32 and 128
    /// weights with fewer repeats.
    ///
    /// ```
    /// use experiments::studies::random_search::Config;
    /// use experiments::study::Size;
    /// assert_eq!(Config::for_size(Size::Full), Config::default());
    /// assert!(Config::for_size(Size::Tiny).dims.len() < Config::default().dims.len());
    /// ```
    pub fn for_size(size: Size) -> Self {
        let base = Config::default();
        let (dims, repeats) = size.pick(
            (vec![2, 8, 32], 3),
            (vec![2, 8, 32, 128], 3),
            (base.dims.clone(), base.repeats),
        );
        Config {
            dims,
            repeats,
            ..base
        }
    }

    /// The evaluation budget at dimension `d`.
    ///
    /// ```
    /// let c = experiments::studies::random_search::Config::default();
    /// assert_eq!(c.budget(10), 800.0);
    /// ```
    pub fn budget(&self, d: usize) -> f64 {
        self.budget_base + self.budget_per_dim * d as f64
    }

    /// The number of examples at dimension `d`.
    ///
    /// ```
    /// let c = experiments::studies::random_search::Config::default();
    /// assert_eq!((c.examples(2), c.examples(100)), (200, 1000));
    /// ```
    pub fn examples(&self, d: usize) -> usize {
        self.examples.max(self.examples_per_dim * d)
    }
}

/// Everything the study measured.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// What a gradient call counts for.
    pub gradient_cost: f64,
    /// The fraction of the loss gap left at the target.
    pub target_gap: f64,
    /// Examples of the two-class data at each dimension.
    pub examples: Vec<usize>,
    /// The one-weight comparison.
    pub one_weight: OneWeight,
    /// The dimension sweep, in increasing dimension.
    pub dims: Vec<Dimension>,
}

/// Runs the study.
///
/// **Errors**: invalid settings (no dimension, step sizes that are not
/// positive).
pub fn run(config: &Config) -> Result<Outcome> {
    if config.dims.is_empty() || config.lrs.is_empty() || config.step_lengths.is_empty() {
        return Err(ExperimentsError::Invalid(
            "random-search needs dimensions, learning rates and step sizes".into(),
        ));
    }
    let dims = config
        .dims
        .iter()
        .map(|&d| sweep::dimension(config, d))
        .collect::<Result<Vec<_>>>()?;
    Ok(Outcome {
        gradient_cost: config.gradient_cost,
        target_gap: config.target_gap,
        examples: config.dims.iter().map(|&d| config.examples(d)).collect(),
        one_weight: one_weight::one_weight(config)?,
        dims,
    })
}
