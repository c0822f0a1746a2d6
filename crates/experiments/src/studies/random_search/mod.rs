//! Lecture §3, gradient descent versus local random search.
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
mod logistic;
mod runs;

pub use counted::{Counted, TracePoint, cost_to_target, thin};
pub use figures::report;
pub use logistic::Logistic;
pub use runs::{Method, PATH_DIMS, Path, Run, run as run_method, short};

use ndarray::Array1;
use serde::Serialize;

use crate::error::{ExperimentsError, Result};
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "random-search";

/// Points kept per trace in the outcome (log-spaced).
const TRACE_POINTS: usize = 400;

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
        "§3"
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
            budget_per_dim: 50.0,
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
    /// assert_eq!(c.budget(10), 1000.0);
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

/// The one-weight problem and every method's run on it.
#[derive(Debug, Clone, Serialize)]
pub struct OneWeight {
    /// The minimizer w*.
    pub minimizer: f64,
    /// L(w*).
    pub min_loss: f64,
    /// The start w₀.
    pub start: f64,
    /// L(w) on a grid around both (for the figure).
    pub curve: Vec<(f64, f64)>,
    /// One run per method.
    pub runs: Vec<Run>,
}

/// A step size tried at one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trial {
    /// Learning rate or σ.
    pub step: f64,
    /// Evaluation equivalents until the target (`None`: not within the budget).
    pub cost_to_target: Option<f64>,
    /// The best loss at the end of the run.
    pub best_loss: f64,
}

/// Both methods at one dimension.
#[derive(Debug, Clone, Serialize)]
pub struct Dimension {
    /// Number of weights.
    pub dim: usize,
    /// Evaluation budget.
    pub budget: f64,
    /// The minimum loss L* (long gradient-descent run).
    pub min_loss: f64,
    /// The target loss `L* + target_gap·(ln 2 − L*)`.
    pub target: f64,
    /// Gradient descent at each learning rate (run until the target).
    pub gd_trials: Vec<Trial>,
    /// The chosen learning rate's full-budget run (trace thinned).
    pub gd: Run,
    /// Evaluation equivalents gradient descent needed to reach the target.
    pub gd_cost: Option<f64>,
    /// Random search at each σ = c/√d (seed 0, full budget).
    pub rs_trials: Vec<Trial>,
    /// The chosen σ's run with seed 0 (trace thinned).
    pub rs: Run,
    /// Evaluations random search needed, one per repeat (`None`: budget spent).
    pub rs_costs: Vec<Option<f64>>,
    /// Seconds gradient descent needed to reach the target.
    pub gd_seconds: Option<f64>,
    /// Seconds random search (seed 0) needed to reach the target.
    pub rs_seconds: Option<f64>,
    /// Seconds per function evaluation (random search's runs).
    pub seconds_per_evaluation: f64,
    /// Seconds per gradient call (gradient descent's run).
    pub seconds_per_gradient: f64,
}

impl Dimension {
    /// The median over repeats of random search's cost to the target, a
    /// failed repeat counting as `∞`; `None` if the median repeat failed.
    pub fn rs_median(&self) -> Option<f64> {
        median_cost(&self.rs_costs)
    }
}

/// The median of costs where `None` (failed) counts as `∞`.
///
/// ```
/// use experiments::studies::random_search::median_cost;
/// assert_eq!(median_cost(&[Some(3.0), None, Some(1.0)]), Some(3.0));
/// assert_eq!(median_cost(&[Some(3.0), None, None]), None);
/// ```
pub fn median_cost(costs: &[Option<f64>]) -> Option<f64> {
    let mut sorted: Vec<f64> = costs.iter().map(|c| c.unwrap_or(f64::INFINITY)).collect();
    sorted.sort_by(f64::total_cmp);
    let m = *sorted.get(sorted.len() / 2)?;
    m.is_finite().then_some(m)
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
        .map(|&d| dimension(config, d))
        .collect::<Result<Vec<_>>>()?;
    Ok(Outcome {
        gradient_cost: config.gradient_cost,
        target_gap: config.target_gap,
        examples: config.dims.iter().map(|&d| config.examples(d)).collect(),
        one_weight: one_weight(config)?,
        dims,
    })
}

fn one_weight(config: &Config) -> Result<OneWeight> {
    let f = Logistic::two_class(config.examples, 1, config.separation, config.seed)?;
    // the minimizer, by many cheap gradient steps (not counted anywhere)
    let reference = run_method(
        &f,
        Method::GradientDescent { lr: 1.0 },
        &Array1::zeros(1),
        5000.0,
        1.0,
        None,
        0,
    )?;
    let minimizer = reference.x[0];
    let min_loss = f.loss(Array1::from_elem(1, minimizer).view());
    let start = minimizer - config.one_weight_offset * minimizer.signum();
    let x0 = Array1::from_elem(1, start);
    let runs = config
        .one_weight_methods
        .iter()
        .map(|&m| {
            run_method(
                &f,
                m,
                &x0,
                config.one_weight_budget,
                config.gradient_cost,
                None,
                config.seed,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let (lo, hi) = (start.min(minimizer) - 1.5, start.max(minimizer) + 1.5);
    let curve = (0..=200)
        .map(|i| {
            let w = lo + (hi - lo) * i as f64 / 200.0;
            (w, f.loss(Array1::from_elem(1, w).view()))
        })
        .collect();
    Ok(OneWeight {
        minimizer,
        min_loss,
        start,
        curve,
        runs,
    })
}

fn dimension(config: &Config, d: usize) -> Result<Dimension> {
    let f = Logistic::two_class(
        config.examples(d),
        d,
        config.separation,
        config.seed + d as u64,
    )?;
    let x0 = Array1::zeros(d);
    let budget = config.budget(d);
    let g = config.gradient_cost;
    let long = run_method(
        &f,
        Method::GradientDescent { lr: 1.0 },
        &x0,
        3.0 * 3000.0,
        3.0,
        None,
        0,
    )?;
    let min_loss = long.best();
    let target = min_loss + config.target_gap * (2f64.ln() - min_loss);

    let mut gd_trials = Vec::new();
    for &lr in &config.lrs {
        let r = run_method(
            &f,
            Method::GradientDescent { lr },
            &x0,
            budget,
            g,
            Some(target),
            0,
        )?;
        gd_trials.push(trial(lr, &r, target));
    }
    let lr = cheapest(&gd_trials);
    let gd = run_method(&f, Method::GradientDescent { lr }, &x0, budget, g, None, 0)?;
    let seconds_per_gradient = seconds_per_call(&gd);

    let mut rs_trials = Vec::new();
    let mut rs_runs = Vec::new();
    for &c in &config.step_lengths {
        let sigma = c / (d as f64).sqrt();
        let r = run_method(
            &f,
            Method::RandomSearch { sigma },
            &x0,
            budget,
            g,
            None,
            config.seed,
        )?;
        rs_trials.push(trial(sigma, &r, target));
        rs_runs.push(r);
    }
    let sigma = cheapest(&rs_trials);
    let best = rs_trials.iter().position(|t| t.step == sigma).unwrap_or(0);
    let rs = rs_runs.swap_remove(best);
    let seconds_per_evaluation = seconds_per_call(&rs);
    let mut rs_costs = vec![cost_to_target(&rs.trace, target)];
    for repeat in 1..config.repeats {
        let seed = config.seed + 1000 * repeat as u64;
        let r = run_method(
            &f,
            Method::RandomSearch { sigma },
            &x0,
            budget,
            g,
            None,
            seed,
        )?;
        rs_costs.push(cost_to_target(&r.trace, target));
    }
    Ok(Dimension {
        dim: d,
        budget,
        min_loss,
        target,
        gd_trials,
        gd_cost: cost_to_target(&gd.trace, target),
        gd_seconds: seconds_to_target(&gd.trace, target),
        rs_seconds: seconds_to_target(&rs.trace, target),
        gd: thinned(gd),
        rs_trials,
        rs: thinned(rs),
        rs_costs,
        seconds_per_evaluation,
        seconds_per_gradient,
    })
}

fn trial(step: f64, run: &Run, target: f64) -> Trial {
    Trial {
        step,
        cost_to_target: cost_to_target(&run.trace, target),
        best_loss: run.best(),
    }
}

/// The step of the cheapest trial to the target; if none reached it, the
/// one with the lowest loss.
fn cheapest(trials: &[Trial]) -> f64 {
    let key = |t: &Trial| (t.cost_to_target.unwrap_or(f64::INFINITY), t.best_loss);
    trials
        .iter()
        .min_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        })
        .map_or(f64::NAN, |t| t.step)
}

fn seconds_to_target(trace: &[TracePoint], target: f64) -> Option<f64> {
    trace.iter().find(|p| p.best <= target).map(|p| p.seconds)
}

fn seconds_per_call(run: &Run) -> f64 {
    run.trace
        .last()
        .map_or(f64::NAN, |p| p.seconds / run.trace.len() as f64)
}

fn thinned(mut run: Run) -> Run {
    run.trace = thin(&run.trace, TRACE_POINTS);
    run
}
