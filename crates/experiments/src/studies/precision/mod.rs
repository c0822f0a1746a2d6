//! The limits of machine precision: `f32` versus `f64`.
//!
//! Near a minimum `f(x) ≈ f* + ½ f″ (x − x*)²`. If `f` is computed with a
//! relative error `ε`, every `x` with `½ f″ (x − x*)² < ε |f*|` looks as good
//! as `x*`, so a minimizer located by comparing function values is only
//! accurate to `√(2ε|f*|/f″)` — about `√ε`: 3.5e-4 in `f32`, 1.5e-8 in `f64`
//! — while its value is accurate to `ε`. The study measures this with
//! golden-section search, with gradient descent stopped when the loss stops
//! improving, and (for contrast) with Newton's method on an accurate
//! derivative; and shows the V-shaped error of finite-difference gradients,
//! whose best step is `√ε` (forward) or `ε^(1/3)` (central).

mod derivatives;
mod figures;
mod finding;
mod minimize;
pub mod verdict;

pub use derivatives::{Scheme, difference_error, gradcheck_error};
pub use figures::report;
pub use minimize::{Function, Minimizer, golden_section, round_to_bits};

use rand::{Rng, SeedableRng, rngs::StdRng};
use serde::Serialize;

use crate::error::Result;
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "precision";

/// Where the claim comes from.
pub const SECTION: &str = "Introduction: Challenges due to machine precision";

/// The precision study, registered in [`crate::study::all`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Precision;

impl Study for Precision {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "The limits of machine precision"
    }
    fn section(&self) -> &'static str {
        SECTION
    }
    fn summary(&self) -> &'static str {
        "f32 vs f64: the minimizer is only as precise as the square root of the function value's precision"
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
    /// Minimizers of `(x − a)² + 1` per precision, with `a` uniform in [1, 2).
    pub trials: usize,
    /// Significand bits of the emulated formats (f32 has 24, f64 53).
    pub bits: Vec<u32>,
    /// Finite-difference steps per decade, from 1 down to 1e-13.
    pub steps_per_decade: usize,
    /// Examples of the logistic loss whose gradient is checked.
    pub examples: usize,
    /// Seed of the `a`s and of the logistic problem.
    pub seed: u64,
}

impl Default for Config {
    /// 25 trials, formats of 8 to 52 bits every 2 bits, 4 steps per decade.
    fn default() -> Self {
        Config {
            trials: 25,
            bits: (4..=26).map(|k| 2 * k).collect(),
            steps_per_decade: 4,
            examples: 50,
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size.
    ///
    /// ```
    /// use experiments::studies::precision::Config;
    /// use experiments::study::Size;
    /// assert!(Config::for_size(Size::Tiny).trials < Config::for_size(Size::Full).trials);
    /// ```
    pub fn for_size(size: Size) -> Self {
        let base = Config::default();
        match size {
            Size::Tiny => Config {
                trials: 7,
                bits: (2..=13).map(|k| 4 * k).collect(),
                steps_per_decade: 2,
                ..base
            },
            Size::Quick => base,
            Size::Full => Config {
                trials: 201,
                bits: (8..=52).collect(),
                steps_per_decade: 10,
                ..base
            },
        }
    }
}

/// `f32` or `f64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Dtype {
    /// Single precision, ε = 2⁻²³.
    F32,
    /// Double precision, ε = 2⁻⁵².
    F64,
}

impl Dtype {
    /// Both, in table order.
    pub const ALL: [Dtype; 2] = [Dtype::F32, Dtype::F64];

    /// Machine epsilon.
    ///
    /// ```
    /// assert_eq!(experiments::studies::precision::Dtype::F32.epsilon(), f32::EPSILON as f64);
    /// ```
    pub fn epsilon(self) -> f64 {
        match self {
            Dtype::F32 => f32::EPSILON as f64,
            Dtype::F64 => f64::EPSILON,
        }
    }

    /// `"f32"` or `"f64"`.
    pub fn label(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F64 => "f64",
        }
    }
}

/// Median errors of one minimizer on one function in one precision.
#[derive(Debug, Clone, Serialize)]
pub struct MinimizerResult {
    /// The function.
    pub function: Function,
    /// The method.
    pub minimizer: Minimizer,
    /// The precision.
    pub dtype: Dtype,
    /// Median `|x̂ − x*|` over the trials.
    pub x_error: f64,
    /// Median exact `f(x̂) − f*` over the trials.
    pub f_error: f64,
}

/// Golden-section search with `f` rounded to a format of `bits` bits.
#[derive(Debug, Clone, Serialize)]
pub struct EmulatedResult {
    /// Significand bits.
    pub bits: u32,
    /// The format's machine epsilon `2^(1 − bits)`.
    pub epsilon: f64,
    /// Median `|x̂ − x*|`.
    pub x_error: f64,
    /// Median exact `f(x̂) − f*`.
    pub f_error: f64,
}

/// The computed `f` near `x*` in one precision, in units of its epsilon.
#[derive(Debug, Clone, Serialize)]
pub struct FlatBottom {
    /// The precision.
    pub dtype: Dtype,
    /// `((x − x*)/√ε, (f(x) − f(x*))/ε)` with `f` computed in that precision.
    pub points: Vec<(f64, f64)>,
    /// Half-width of the set where the computed `f` equals `f(x*)`.
    pub half_width: f64,
}

/// A finite-difference error curve.
#[derive(Debug, Clone, Serialize)]
pub struct DifferenceCurve {
    /// The precision of the function evaluations.
    pub dtype: Dtype,
    /// The difference quotient, or `None` for `autodiff::GradCheck`
    /// (central differences in `f64` against the tape of this precision).
    pub scheme: Option<Scheme>,
    /// `(h, relative error)`.
    pub points: Vec<(f64, f64)>,
    /// The step with the smallest error.
    pub best_step: f64,
    /// That error.
    pub best_error: f64,
}

/// Everything the study measured.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Trials per minimizer.
    pub trials: usize,
    /// Real `f32`/`f64` arithmetic, every function, minimizer and precision.
    pub minimizers: Vec<MinimizerResult>,
    /// Emulated formats (golden section on `(x − a)² + 1`).
    pub emulated: Vec<EmulatedResult>,
    /// The flat bottom of `(x − 1.3)² + 1` in both precisions.
    pub flat_bottoms: Vec<FlatBottom>,
    /// Finite differences and `GradCheck` against the step.
    pub differences: Vec<DifferenceCurve>,
}

impl Outcome {
    /// The result of `minimizer` on the quadratic (if `quadratic`) or on
    /// `eˣ − 2x` in `dtype`.
    ///
    /// ```
    /// use experiments::studies::precision::{run, Config, Dtype, Minimizer};
    /// let config = Config { trials: 3, bits: vec![24], steps_per_decade: 1, ..Config::default() };
    /// let outcome = run(&config).unwrap();
    /// let r = outcome.minimizer(true, Minimizer::GoldenSection, Dtype::F32).unwrap();
    /// assert!(r.x_error > 1e-5 && r.x_error < 1e-2);
    /// ```
    pub fn minimizer(
        &self,
        quadratic: bool,
        minimizer: Minimizer,
        dtype: Dtype,
    ) -> Option<&MinimizerResult> {
        self.minimizers.iter().find(|r| {
            matches!(r.function, Function::Quadratic { .. }) == quadratic
                && r.minimizer == minimizer
                && r.dtype == dtype
        })
    }

    /// The curve of `scheme` (`None`: GradCheck) in `dtype`.
    pub fn difference(&self, dtype: Dtype, scheme: Option<Scheme>) -> Option<&DifferenceCurve> {
        self.differences
            .iter()
            .find(|c| c.dtype == dtype && c.scheme == scheme)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => 0.5 * (v[n / 2 - 1] + v[n / 2]),
    }
}

/// Runs the study.
///
/// **Errors**: an invalid setting (no trials).
pub fn run(config: &Config) -> Result<Outcome> {
    if config.trials == 0 || config.steps_per_decade == 0 {
        return Err(crate::ExperimentsError::Invalid(
            "precision: trials and steps_per_decade must be positive".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(config.seed);
    let quadratics: Vec<Function> = (0..config.trials)
        .map(|_| Function::Quadratic {
            a: rng.random_range(1.0..2.0),
            c: 1.0,
        })
        .collect();
    Ok(Outcome {
        trials: config.trials,
        minimizers: minimizer_results(&quadratics),
        emulated: emulated_results(&config.bits, &quadratics),
        flat_bottoms: vec![
            minimize::flat_bottom::<f32>(Dtype::F32),
            minimize::flat_bottom::<f64>(Dtype::F64),
        ],
        differences: derivatives::differences(config)?,
    })
}

/// Every minimizer in both precisions on the quadratics and on `eˣ − 2x`.
fn minimizer_results(quadratics: &[Function]) -> Vec<MinimizerResult> {
    let mut results = Vec::new();
    for minimizer in Minimizer::ALL {
        for dtype in Dtype::ALL {
            for functions in [quadratics, &[Function::ExpLinear]] {
                let (xs, fs): (Vec<f64>, Vec<f64>) = functions
                    .iter()
                    .map(|&f| {
                        let (x, star) = match dtype {
                            Dtype::F32 => (minimizer.run::<f32>(f), f.minimizer::<f32>()),
                            Dtype::F64 => (minimizer.run::<f64>(f), f.minimizer::<f64>()),
                        };
                        ((x - star).abs(), f.excess(x))
                    })
                    .unzip();
                results.push(MinimizerResult {
                    function: functions[0],
                    minimizer,
                    dtype,
                    x_error: median(xs),
                    f_error: median(fs),
                });
            }
        }
    }
    results
}

/// Golden-section search with `f` rounded to each number of bits.
fn emulated_results(bits: &[u32], quadratics: &[Function]) -> Vec<EmulatedResult> {
    bits.iter()
        .map(|&bits| {
            let (xs, fs): (Vec<f64>, Vec<f64>) = quadratics
                .iter()
                .map(|&f| {
                    let (lo, hi) = f.bracket();
                    let x = golden_section(|x: f64| round_to_bits(f.value(x), bits), lo, hi);
                    ((x - f.minimizer::<f64>()).abs(), f.excess(x))
                })
                .unzip();
            EmulatedResult {
                bits,
                epsilon: 2f64.powi(1 - bits as i32),
                x_error: median(xs),
                f_error: median(fs),
            }
        })
        .collect()
}
