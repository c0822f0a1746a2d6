//! Analytic versus numeric solutions.
//!
//! Linear regression has a closed form, the normal equations
//! `(XᵀX) w = Xᵀy`: one pass over the data and a `p×p` solve. Gradient
//! descent and SGD reach the same weights by iterating, at a cost that
//! depends on the conditioning rather than on `p³`. Logistic regression has
//! no closed form, so only iterative methods (gradient descent, Newton)
//! apply.

mod cholesky;
mod figures;
mod linear;
mod logistic;
pub mod verdict;

pub use cholesky::{cholesky, solve_spd};
pub use figures::report;
pub use linear::{LinearMethod, SgdSettings, Solution, design, gradient};
pub use logistic::{LogisticFit, LogisticMethod};

use data::{LinearRegressionConfig, TwoClassConfig};
use ndarray::{Array1, Array2, Axis, concatenate};
use rand::{SeedableRng, rngs::StdRng};
use serde::Serialize;

use crate::error::Result;
use crate::report::Report;
use crate::studies::logistic_loss::LogisticLoss;
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "analytic-vs-numeric";

/// Where the claim comes from.
pub const SECTION: &str = "Introduction: Analytic vs approximate solutions";

/// The analytic-versus-numeric study, registered in [`crate::study::all`].
#[derive(Debug, Clone, Copy, Default)]
pub struct AnalyticVsNumeric;

impl Study for AnalyticVsNumeric {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "Analytic versus numeric solutions"
    }
    fn section(&self) -> &'static str {
        SECTION
    }
    fn summary(&self) -> &'static str {
        "Linear regression by the normal equations vs GD vs SGD: same answer, different costs; logistic regression needs iterations"
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
    /// Examples of the linear regression.
    pub examples: usize,
    /// Its features (an intercept is added).
    pub features: usize,
    /// Standard deviation of its noise.
    pub noise: f64,
    /// Gradient descent stops at `‖∇L‖ ≤` this.
    pub tolerance: f64,
    /// Iteration budget of gradient descent.
    pub max_iterations: usize,
    /// SGD's settings (its seed is replaced by the study's).
    pub sgd: SgdSettings,
    /// Timing repeats (the fastest is kept).
    pub repeats: usize,
    /// Examples of the cost-versus-dimension sweep.
    pub scaling_examples: usize,
    /// Feature counts of the sweep.
    pub scaling_features: Vec<usize>,
    /// Examples of the logistic regression.
    pub logistic_examples: usize,
    /// Its features (an intercept is added).
    pub logistic_features: usize,
    /// Seed of the data and of SGD's batches.
    pub seed: u64,
}

impl Default for Config {
    /// 1000 examples, 10 features, noise 0.1; GD to ‖∇L‖ ≤ 1e-10; SGD with
    /// batches of 10 for 30 epochs; a sweep up to 500 features on 5000
    /// examples; logistic regression on 1000 examples of 5 features.
    fn default() -> Self {
        Config {
            examples: 1000,
            features: 10,
            noise: 0.1,
            tolerance: 1e-10,
            max_iterations: 100_000,
            sgd: SgdSettings {
                batch_size: 10,
                epochs: 30,
                lr: 0.05,
                seed: 0,
            },
            repeats: 5,
            scaling_examples: 5000,
            scaling_features: vec![10, 20, 50, 100, 200, 500],
            logistic_examples: 1000,
            logistic_features: 5,
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size.
    ///
    /// ```
    /// use experiments::studies::analytic_vs_numeric::Config;
    /// use experiments::study::Size;
    /// assert_eq!(Config::for_size(Size::Quick).examples, Config::default().examples);
    /// assert!(Config::for_size(Size::Tiny).examples < 1000);
    /// ```
    pub fn for_size(size: Size) -> Self {
        let base = Config::default();
        match size {
            Size::Tiny => Config {
                examples: 300,
                features: 5,
                repeats: 1,
                scaling_examples: 400,
                scaling_features: vec![5, 20, 50],
                logistic_examples: 300,
                ..base
            },
            // p = 500 would double the tour's time for this study; the
            // crossover of the flop counts lies below 200
            Size::Quick => Config {
                scaling_features: vec![10, 20, 50, 100, 200],
                ..base
            },
            Size::Full => Config {
                examples: 10_000,
                features: 50,
                scaling_examples: 20_000,
                scaling_features: vec![10, 20, 50, 100, 200, 500, 1000],
                logistic_examples: 10_000,
                logistic_features: 20,
                ..base
            },
        }
    }
}

/// Normal equations and gradient descent at one dimension.
#[derive(Debug, Clone, Serialize)]
pub struct ScalingPoint {
    /// Features (without the intercept).
    pub features: usize,
    /// The normal equations' cost `(seconds, flops)`.
    pub normal_equations: (f64, f64),
    /// Gradient descent's cost `(seconds, flops)`.
    pub gradient_descent: (f64, f64),
    /// Gradient descent's iterations.
    pub iterations: usize,
    /// `max |w_GD − w_NE|`.
    pub difference: f64,
}

/// Everything the study measured.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Examples of the linear regression.
    pub examples: usize,
    /// Its features.
    pub features: usize,
    /// Gradient descent's stopping tolerance on `‖∇L‖` (both problems).
    pub tolerance: f64,
    /// SGD's minibatch size.
    pub sgd_batch: usize,
    /// Normal equations, gradient descent and SGD, in that order.
    pub solutions: Vec<Solution>,
    /// Median standard error of the fitted weights, `σ̂·√((XᵀX)⁻¹)ⱼⱼ`: how
    /// far the data themselves leave the weights uncertain.
    pub standard_error: f64,
    /// Examples of the sweep.
    pub scaling_examples: usize,
    /// The sweep over the number of features.
    pub scaling: Vec<ScalingPoint>,
    /// Examples of the logistic regression.
    pub logistic_examples: usize,
    /// Gradient descent and Newton on the logistic regression.
    pub logistic: Vec<LogisticFit>,
}

impl Outcome {
    /// The linear-regression solution of `method`.
    pub fn solution(&self, method: LinearMethod) -> Option<&Solution> {
        self.solutions.iter().find(|s| s.method == method)
    }

    /// `max |w_method − w_NE|`.
    ///
    /// ```
    /// use experiments::studies::analytic_vs_numeric::{run, Config, LinearMethod};
    /// use experiments::study::Size;
    /// let outcome = run(&Config::for_size(Size::Tiny)).unwrap();
    /// assert!(outcome.difference(LinearMethod::GradientDescent) < 1e-6);
    /// ```
    pub fn difference(&self, method: LinearMethod) -> f64 {
        match (
            self.solution(method),
            self.solution(LinearMethod::NormalEquations),
        ) {
            (Some(a), Some(b)) => max_abs_difference(&a.w, &b.w),
            _ => f64::NAN,
        }
    }

    /// The logistic fit of `method`.
    pub fn fit(&self, method: LogisticMethod) -> Option<&LogisticFit> {
        self.logistic.iter().find(|f| f.method == method)
    }
}

/// `max |aᵢ − bᵢ|`.
pub fn max_abs_difference(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |m, (x, y)| m.max((x - y).abs()))
}

/// Runs the study.
///
/// **Errors**: invalid settings, or a singular system (fewer examples than
/// features).
pub fn run(config: &Config) -> Result<Outcome> {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let problem = LinearRegressionConfig {
        examples: config.examples,
        features: config.features,
        noise_std: config.noise,
        ..LinearRegressionConfig::default()
    }
    .generate(&mut rng)?;
    let (x, y) = (design(&problem), problem.y.clone());
    let ne = linear::normal_equations(&x, &y, config.repeats)?;
    let gd = linear::gradient_descent(
        &x,
        &y,
        config.tolerance,
        config.max_iterations,
        config.repeats,
    )?;
    let sgd = linear::sgd(
        &x,
        &y,
        SgdSettings {
            seed: config.seed,
            ..config.sgd
        },
    )?;
    let standard_error = standard_error(&x, &y, &Array1::from(ne.w.clone()))?;
    Ok(Outcome {
        examples: config.examples,
        features: config.features,
        tolerance: config.tolerance,
        sgd_batch: config.sgd.batch_size,
        solutions: vec![ne, gd, sgd],
        standard_error,
        scaling_examples: config.scaling_examples,
        scaling: scaling(config, &mut rng)?,
        logistic_examples: config.logistic_examples,
        logistic: logistic_fits(config, &mut rng)?,
    })
}

/// The normal equations and gradient descent on growing numbers of features.
fn scaling(config: &Config, rng: &mut StdRng) -> Result<Vec<ScalingPoint>> {
    let mut scaling = Vec::new();
    for &features in &config.scaling_features {
        let data = LinearRegressionConfig {
            examples: config.scaling_examples,
            features,
            noise_std: config.noise,
            ..LinearRegressionConfig::default()
        }
        .generate(rng)?;
        let (x, y) = (design(&data), data.y.clone());
        let repeats = config.repeats.min(3);
        let ne = linear::normal_equations(&x, &y, repeats)?;
        let gd =
            linear::gradient_descent(&x, &y, config.tolerance, config.max_iterations, repeats)?;
        scaling.push(ScalingPoint {
            features,
            normal_equations: (ne.seconds, ne.flops),
            gradient_descent: (gd.seconds, gd.flops),
            iterations: gd.iterations,
            difference: max_abs_difference(&gd.w, &ne.w),
        });
    }
    Ok(scaling)
}

/// Gradient descent and Newton on two overlapping Gaussian classes.
fn logistic_fits(config: &Config, rng: &mut StdRng) -> Result<Vec<LogisticFit>> {
    let two_class = TwoClassConfig {
        examples: config.logistic_examples,
        features: config.logistic_features,
        separation: 2.0,
        noise_std: 1.0,
    }
    .generate(rng)?;
    let ones = Array2::<f64>::ones((two_class.x.nrows(), 1));
    let x = concatenate(Axis(1), &[two_class.x.view(), ones.view()])
        .map_err(|e| crate::ExperimentsError::Invalid(e.to_string()))?;
    let loss = LogisticLoss::new(x, &two_class.labels);
    Ok(vec![
        logistic::gradient_descent(&loss, config.tolerance, config.max_iterations)?,
        logistic::newton(&loss, config.tolerance)?,
    ])
}

/// Median over the weights of `σ̂·√((XᵀX)⁻¹)ⱼⱼ` with `σ̂² = ‖Xw − y‖²/(n − p)`.
fn standard_error(x: &Array2<f64>, y: &Array1<f64>, w: &Array1<f64>) -> Result<f64> {
    let (n, p) = (x.nrows(), x.ncols());
    let r = x.dot(w) - y;
    let sigma2 = r.dot(&r) / (n.saturating_sub(p)).max(1) as f64;
    let a = x.t().dot(x);
    let mut errors = Vec::with_capacity(p);
    for j in 0..p {
        let mut e = Array1::zeros(p);
        e[j] = 1.0;
        errors.push((sigma2 * solve_spd(&a, &e)?[j]).sqrt());
    }
    errors.sort_by(f64::total_cmp);
    Ok(errors[p / 2])
}
