//! Weight initialization (the optimization notes, "Initialization"): zero,
//! too small, too large, Xavier and Kaiming (with the nonlinearity's gain)
//! in a 10-layer tanh, ReLU, sigmoid and linear MLP. Per-layer activation
//! spread and gradient norms at initialization show vanishing and exploding
//! signals; short training runs over several seeds show which schemes
//! learn; zero initialization leaves every hidden unit identical.

mod figures;
mod finding;
mod runs;

pub use finding::checks;
pub use runs::{End, Outcome, Run, SeedRun, run, short_training};

use nn::{Activation, FanMode, Init};
use serde::Serialize;

use crate::error::Result;
use crate::report::{Report, write_csv, write_json};
use crate::study::{Size, Study, StudyContext};
use crate::train::{ActivationChoice, OptimizerChoice, TrainConfig};

/// An initialization scheme of the study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scheme {
    /// Every weight zero.
    Zero,
    /// N(0, 0.01²): signals vanish layer by layer.
    TooSmall,
    /// N(0, 1): signals explode (ReLU, linear) or saturate (tanh, sigmoid).
    TooLarge,
    /// Glorot normal with the nonlinearity's gain.
    Xavier,
    /// He normal (fan-in) with the nonlinearity's gain.
    Kaiming,
}

impl Scheme {
    /// Every scheme, in the order of the tables.
    pub const ALL: [Scheme; 5] = [
        Scheme::Zero,
        Scheme::TooSmall,
        Scheme::TooLarge,
        Scheme::Xavier,
        Scheme::Kaiming,
    ];

    /// The order in which the figures draw the schemes: zero last, on top
    /// of the others, so its line is never hidden.
    pub const DRAW_ORDER: [Scheme; 5] = [
        Scheme::TooSmall,
        Scheme::TooLarge,
        Scheme::Xavier,
        Scheme::Kaiming,
        Scheme::Zero,
    ];

    /// Legend name.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Zero => "zero",
            Scheme::TooSmall => "too small N(0, 0.01²)",
            Scheme::TooLarge => "too large N(0, 1)",
            Scheme::Xavier => "Xavier normal (gain)",
            Scheme::Kaiming => "Kaiming normal (gain)",
        }
    }

    /// The series key: one colour per scheme in every figure.
    pub fn key(self) -> &'static str {
        match self {
            Scheme::Zero => "zero",
            Scheme::TooSmall => "too-small",
            Scheme::TooLarge => "too-large",
            Scheme::Xavier => "xavier",
            Scheme::Kaiming => "kaiming",
        }
    }

    /// Whether the scheme scales by the nonlinearity's gain.
    pub fn gain_scaled(self) -> bool {
        matches!(self, Scheme::Xavier | Scheme::Kaiming)
    }

    /// The weight initialization for `activation`.
    pub fn init(self, activation: Activation) -> Init {
        let nl = activation.nonlinearity();
        match self {
            Scheme::Zero => Init::Zeros,
            Scheme::TooSmall => Init::Normal {
                mean: 0.0,
                std: 0.01,
            },
            Scheme::TooLarge => Init::Normal {
                mean: 0.0,
                std: 1.0,
            },
            Scheme::Xavier => Init::xavier_normal(nl),
            Scheme::Kaiming => Init::kaiming_normal(FanMode::FanIn, nl),
        }
    }
}

/// The notes' name of an activation: `tanh`, `relu`, `sigmoid`, `linear`.
pub fn activation_name(a: ActivationChoice) -> &'static str {
    match a {
        ActivationChoice::Identity => "linear",
        ActivationChoice::Relu => "relu",
        ActivationChoice::Tanh => "tanh",
        ActivationChoice::Sigmoid => "sigmoid",
        ActivationChoice::LeakyRelu => "leaky-relu",
        ActivationChoice::Softplus => "softplus",
    }
}

/// The settings of the study.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Hidden layers.
    pub depth: usize,
    /// Units per hidden layer.
    pub width: usize,
    /// The hidden nonlinearities compared.
    pub activations: Vec<ActivationChoice>,
    /// Training examples of the batch the statistics at initialization are
    /// taken on.
    pub probe_batch: usize,
    /// Test examples the trained networks' accuracy is measured on.
    pub test_examples: usize,
    /// Seeds of the short training runs (`train.seed`, `train.seed + 1`, ...).
    pub seeds: usize,
    /// Training settings of the short runs (model and activation are set per run).
    pub train: TrainConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config::for_size(Size::Full)
    }
}

impl Config {
    /// The setting for a run size.
    pub fn for_size(size: Size) -> Self {
        Config {
            depth: 10,
            width: size.pick(64, 64, 128),
            activations: vec![
                ActivationChoice::Tanh,
                ActivationChoice::Relu,
                ActivationChoice::Sigmoid,
                ActivationChoice::Identity,
            ],
            probe_batch: size.pick(256, 512, 1024),
            test_examples: size.pick(500, 1000, 10_000),
            seeds: size.pick(2, 2, 3),
            train: TrainConfig {
                optimizer: OptimizerChoice::Momentum,
                lr: 0.01,
                batch: 64,
                epochs: 1,
                subset: size.pick(Some(1_024), Some(6_400), Some(20_000)),
                ..TrainConfig::default()
            },
        }
    }

    /// The model spec `784-w-...-w-10`.
    pub fn spec(&self) -> String {
        let mut s = "784".to_string();
        for _ in 0..self.depth {
            s.push_str(&format!("-{}", self.width));
        }
        s + "-10"
    }
}

/// The registered study.
pub struct Initialization;

impl Study for Initialization {
    fn name(&self) -> &'static str {
        "initialization"
    }
    fn title(&self) -> &'static str {
        "Weight initialization: vanishing, exploding and symmetric networks"
    }
    fn section(&self) -> &'static str {
        "Notes: Initialization"
    }
    fn summary(&self) -> &'static str {
        "zero, too-small, too-large, Xavier and Kaiming init in 10-layer tanh, ReLU, sigmoid and linear MLPs"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let mut config = Config::for_size(ctx.size);
        config.train.seed = ctx.seed;
        let out = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(self.name());
        let mut report = Report::new(self.name(), self.title(), self.section());
        figures::write(&mut report, &dir, &config, &out)?;

        let mut rows = Vec::new();
        for (i, r) in out.runs.iter().enumerate() {
            for (layer, g) in r.grad_norm.iter().enumerate() {
                let a = r.activation_std.get(layer).copied().unwrap_or(f64::NAN);
                let w = r.weight_std.get(layer).copied().unwrap_or(f64::NAN);
                rows.push(vec![i as f64, (layer + 1) as f64, w, a, *g]);
            }
        }
        write_csv(
            &dir.join("layers.csv"),
            &["run", "layer", "weight_std", "activation_std", "grad_norm"],
            &rows,
        )?;
        report.data("layers.csv");
        write_json(&dir.join("outcome.json"), &out)?;
        report.data("outcome.json");

        report.frame = Some(checks(&config, &out));
        report.finding = finding::text(&config, &out);
        Ok(report)
    }
}
