//! Lecture Section 4, poor conditioning and momentum.
//!
//! On a quadratic `f(x) = ½ (x − x*)ᵀ A (x − x*)` with eigenvalues in
//! `[μ, L]` and condition number `κ = L/μ`, gradient descent with step `η`
//! multiplies the error along each eigenvector by `1 − ηλ`: it is stable only
//! for `η < 2/L`, and its best rate, at `η = 2/(L + μ)`, is `(κ − 1)/(κ + 1)`.
//! Heavy-ball momentum at `η = 4/(√L + √μ)²`, `β = ((√κ − 1)/(√κ + 1))²`
//! contracts by `(√κ − 1)/(√κ + 1)` per step. The study measures the
//! iterations each needs to shrink the distance to the minimizer by a
//! tolerance, for several κ, and compares them with
//! `⌈ln(tol) / ln(rate)⌉`.

mod figures;
mod finding;
mod runs;

pub use figures::report;
pub use finding::checks;
pub use runs::{Descent, Method};

use data::{Basis, QuadraticBowl, QuadraticConfig, Spacing};
use ndarray::Array1;
use rand::{SeedableRng, rngs::StdRng};
use serde::Serialize;

use crate::error::Result;
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "conditioning";

/// The conditioning study, registered in [`crate::study::all`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Conditioning;

impl Study for Conditioning {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "Poor conditioning and momentum"
    }
    fn section(&self) -> &'static str {
        "Section 4"
    }
    fn summary(&self) -> &'static str {
        "GD's step limit 2/λmax and rate (κ−1)/(κ+1) versus heavy-ball momentum's (√κ−1)/(√κ+1)"
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
    /// Condition numbers of the 2-D quadratics.
    pub kappas: Vec<f64>,
    /// Smallest eigenvalue μ of every quadratic.
    pub min_eigenvalue: f64,
    /// Target of `‖x − x*‖ / ‖x₀ − x*‖`.
    pub tolerance: f64,
    /// Iteration budget of each run.
    pub max_iterations: usize,
    /// Condition number of the step-size comparison.
    pub step_kappa: f64,
    /// Gradient-descent steps compared there, as multiples of `1/λ_max`
    /// (stable below 2).
    pub step_multiples: Vec<f64>,
    /// Iterations of the step-size comparison and of the sweep.
    pub step_iterations: usize,
    /// Spacing of the stability sweep of `η·λ_max` over `(0, 2.2]`.
    pub sweep_step: f64,
    /// Condition numbers drawn as contour plots with trajectories.
    pub contour_kappas: Vec<f64>,
    /// Seed of the quadratics' random rotations.
    pub seed: u64,
}

impl Default for Config {
    /// The lecture's setting: κ = 1, 10, 100, 1000, tolerance 1e-6.
    fn default() -> Self {
        Config {
            kappas: vec![1.0, 10.0, 100.0, 1000.0],
            min_eigenvalue: 1.0,
            tolerance: 1e-6,
            max_iterations: 100_000,
            step_kappa: 100.0,
            step_multiples: vec![0.2, 1.0, 1.9, 2.05],
            step_iterations: 300,
            sweep_step: 0.025,
            contour_kappas: vec![10.0, 100.0],
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size: Tiny drops κ = 1000 and thins the sweep;
    /// Full adds κ = 10⁴ (with a larger budget) and a finer sweep.
    ///
    /// ```
    /// use experiments::studies::conditioning::Config;
    /// use experiments::study::Size;
    /// assert_eq!(Config::for_size(Size::Quick), Config::default());
    /// assert!(Config::for_size(Size::Tiny).kappas.contains(&100.0));
    /// ```
    pub fn for_size(size: Size) -> Self {
        let base = Config::default();
        match size {
            Size::Tiny => Config {
                kappas: vec![1.0, 10.0, 100.0],
                sweep_step: 0.1,
                ..base
            },
            Size::Quick => base,
            Size::Full => Config {
                kappas: vec![1.0, 10.0, 100.0, 1000.0, 10_000.0],
                max_iterations: 300_000,
                sweep_step: 0.005,
                ..base
            },
        }
    }
}

/// Iterations of one method at one condition number, measured and predicted.
#[derive(Debug, Clone, Serialize)]
pub struct MethodResult {
    /// Which method and setting.
    pub method: Method,
    /// Its step size η.
    pub lr: f64,
    /// Its momentum β (0 for gradient descent).
    pub beta: f64,
    /// The theoretical contraction per iteration.
    pub rate: f64,
    /// Iterations until `‖x − x*‖ ≤ tol·‖x₀ − x*‖` (`None`: budget spent).
    pub iterations: Option<usize>,
    /// `⌈ln(tol) / ln(rate)⌉` (1 when the rate is 0).
    pub predicted: usize,
    /// Relative distance per iteration (thinned to a few hundred points).
    pub curve: Vec<(f64, f64)>,
}

/// Every method on the quadratic of one condition number.
#[derive(Debug, Clone, Serialize)]
pub struct KappaResult {
    /// `L / μ`.
    pub kappa: f64,
    /// μ.
    pub lambda_min: f64,
    /// L.
    pub lambda_max: f64,
    /// One entry per [`Method`], in [`Method::ALL`] order.
    pub methods: Vec<MethodResult>,
}

/// Gradient descent at one step size on the step-size comparison's quadratic.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    /// η·λ_max.
    pub multiple: f64,
    /// `max |1 − ηλ|` over the two eigenvalues.
    pub predicted_rate: f64,
    /// The distance's change per iteration over the last third of the run.
    pub measured_rate: f64,
    /// Relative distance after the comparison's iterations.
    pub final_distance: f64,
    /// Relative distance per iteration.
    pub curve: Vec<(f64, f64)>,
}

/// Relative distance after a fixed number of iterations against `η·λ_max`.
#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    /// The condition number.
    pub kappa: f64,
    /// `(η·λ_max, ‖x_N − x*‖ / ‖x₀ − x*‖)`.
    pub points: Vec<(f64, f64)>,
}

/// A 2-D quadratic with the trajectories of the methods on it.
#[derive(Debug, Clone, Serialize)]
pub struct Trajectories {
    /// The condition number.
    pub kappa: f64,
    /// `A`, row-major 2×2.
    pub matrix: [[f64; 2]; 2],
    /// `x*`.
    pub minimizer: [f64; 2],
    /// The unit eigenvectors of μ (along the valley) and of L (across it).
    pub eigenvectors: [[f64; 2]; 2],
    /// `(method, iterates)` with the start first.
    pub paths: Vec<(Method, Vec<(f64, f64)>)>,
}

/// Everything the study measured.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The tolerance on the relative distance.
    pub tolerance: f64,
    /// One entry per condition number.
    pub kappas: Vec<KappaResult>,
    /// The condition number of the step-size comparison.
    pub step_kappa: f64,
    /// Its iterations.
    pub step_iterations: usize,
    /// Gradient descent at several step sizes.
    pub steps: Vec<StepResult>,
    /// Stability sweeps, one per condition number ≥ 10.
    pub sweeps: Vec<Sweep>,
    /// Contour-plot cases.
    pub trajectories: Vec<Trajectories>,
}

impl Outcome {
    /// The result of `method` at condition number `kappa`, if measured.
    ///
    /// ```
    /// use experiments::studies::conditioning::{run, Config, Method};
    /// let config = Config { kappas: vec![10.0], sweep_step: 1.0, ..Config::default() };
    /// let outcome = run(&config).unwrap();
    /// assert!(outcome.result(10.0, Method::HeavyBall).unwrap().iterations.is_some());
    /// ```
    pub fn result(&self, kappa: f64, method: Method) -> Option<&MethodResult> {
        self.kappas
            .iter()
            .find(|k| k.kappa == kappa)?
            .methods
            .iter()
            .find(|m| m.method == method)
    }
}

/// A rotated 2-D quadratic of condition number `kappa`.
fn bowl(config: &Config, kappa: f64) -> Result<QuadraticBowl> {
    let quadratic = QuadraticConfig {
        dim: 2,
        condition_number: kappa,
        min_eigenvalue: config.min_eigenvalue,
        spacing: Spacing::Geometric,
        basis: Basis::Axes,
    };
    // The same minimizer for every κ: only the spectrum changes. The valley
    // runs along x₁ (eigenvalue μ) and is narrow along x₂ (eigenvalue L).
    Ok(quadratic.generate(&mut StdRng::seed_from_u64(config.seed))?)
}

/// The start, at distance 1 from `x*`: far along the valley (the eigenvector
/// of μ), a little off its floor (the eigenvector of L).
fn start(bowl: &QuadraticBowl) -> Array1<f64> {
    let v = &bowl.eigenvectors;
    let direction = &v.column(0) * (-0.95) + &v.column(1) * 0.3;
    let norm = direction.dot(&direction).sqrt();
    &bowl.minimizer + &(direction / norm)
}

/// Runs the study.
///
/// **Errors**: an invalid setting (a condition number below 1, a
/// non-positive eigenvalue) or an optimizer rejecting its hyperparameters.
pub fn run(config: &Config) -> Result<Outcome> {
    let mut kappas = Vec::new();
    for &kappa in &config.kappas {
        let bowl = bowl(config, kappa)?;
        let x0 = start(&bowl);
        let mut methods = Vec::new();
        for method in Method::ALL {
            let descent = method.descent(bowl.smoothness(), bowl.strong_convexity());
            let run = descent.run(&bowl, &x0, config.max_iterations, config.tolerance)?;
            methods.push(MethodResult {
                method,
                lr: descent.lr,
                beta: descent.beta,
                rate: method.rate(kappa),
                iterations: run.reached,
                predicted: predicted_iterations(method.rate(kappa), config.tolerance),
                curve: runs::thin(&run.distances, 400),
            });
        }
        kappas.push(KappaResult {
            kappa,
            lambda_min: bowl.strong_convexity(),
            lambda_max: bowl.smoothness(),
            methods,
        });
    }
    Ok(Outcome {
        tolerance: config.tolerance,
        kappas,
        step_kappa: config.step_kappa,
        step_iterations: config.step_iterations,
        steps: step_sizes(config)?,
        sweeps: sweeps(config)?,
        trajectories: trajectories(config)?,
    })
}

/// `⌈ln(tol) / ln(rate)⌉`, or 1 when one step is exact (rate 0).
///
/// ```
/// use experiments::studies::conditioning::predicted_iterations;
/// assert_eq!(predicted_iterations(0.5, 1e-3), 10); // 2⁻¹⁰ < 1e-3 < 2⁻⁹
/// assert_eq!(predicted_iterations(0.0, 1e-6), 1);
/// ```
pub fn predicted_iterations(rate: f64, tolerance: f64) -> usize {
    if rate <= 0.0 {
        1
    } else {
        (tolerance.ln() / rate.ln()).ceil() as usize
    }
}

fn step_sizes(config: &Config) -> Result<Vec<StepResult>> {
    let bowl = bowl(config, config.step_kappa)?;
    let x0 = start(&bowl);
    let (l, mu) = (bowl.smoothness(), bowl.strong_convexity());
    let mut steps = Vec::new();
    for &multiple in &config.step_multiples {
        let descent = Descent::gradient(multiple / l);
        let run = descent.run(&bowl, &x0, config.step_iterations, 0.0)?;
        let d = &run.distances;
        let window = (d.len() / 3).max(1);
        steps.push(StepResult {
            multiple,
            predicted_rate: (1.0 - multiple).abs().max((1.0 - multiple * mu / l).abs()),
            measured_rate: (d[d.len() - 1] / d[d.len() - 1 - window]).powf(1.0 / window as f64),
            final_distance: *run.distances.last().unwrap_or(&f64::NAN),
            curve: runs::thin(&run.distances, 400),
        });
    }
    Ok(steps)
}

fn sweeps(config: &Config) -> Result<Vec<Sweep>> {
    let mut sweeps = Vec::new();
    for &kappa in config.kappas.iter().filter(|&&k| k >= 10.0) {
        let bowl = bowl(config, kappa)?;
        let x0 = start(&bowl);
        let mut points = Vec::new();
        let count = (2.2 / config.sweep_step).round() as usize;
        for i in 1..=count {
            let multiple = config.sweep_step * i as f64;
            let descent = Descent::gradient(multiple / bowl.smoothness());
            let run = descent.run(&bowl, &x0, config.step_iterations, 0.0)?;
            points.push((multiple, *run.distances.last().unwrap_or(&f64::NAN)));
        }
        sweeps.push(Sweep { kappa, points });
    }
    Ok(sweeps)
}

fn trajectories(config: &Config) -> Result<Vec<Trajectories>> {
    let mut cases = Vec::new();
    for &kappa in &config.contour_kappas {
        let bowl = bowl(config, kappa)?;
        let x0 = start(&bowl);
        let (l, mu) = (bowl.smoothness(), bowl.strong_convexity());
        let mut paths = Vec::new();
        // Heavy ball first, so gradient descent is drawn on top of it.
        for method in [Method::HeavyBall, Method::GdOptimal, Method::GdInverseL] {
            let run = method.descent(l, mu).run(&bowl, &x0, 150, 0.0)?;
            paths.push((method, run.path));
        }
        let (a, v) = (&bowl.matrix, &bowl.eigenvectors);
        cases.push(Trajectories {
            kappa,
            matrix: [[a[[0, 0]], a[[0, 1]]], [a[[1, 0]], a[[1, 1]]]],
            minimizer: [bowl.minimizer[0], bowl.minimizer[1]],
            eigenvectors: [[v[[0, 0]], v[[1, 0]]], [v[[0, 1]], v[[1, 1]]]],
            paths,
        });
    }
    Ok(cases)
}
