//! Normalization (the optimization notes, "Initialization": normalization
//! just before the activation): a deep ReLU MLP from PyTorch's default
//! initialization without normalization and with batch, layer and group
//! normalization; a learning-rate sweep with and without batch norm; and
//! batch normalization's two modes (training: the batch's statistics;
//! evaluation: the running statistics, which lag behind early in training).

mod figures;
mod finding;
mod runs;

pub use finding::{STALL_TOLERANCE, checks, stall};
pub use runs::{ModeGap, Outcome, Run, SweepPoint, run, sweep_point, train_with};

use nn::Norm;

use crate::error::Result;
use crate::report::{Report, write_csv, write_json};
use crate::study::{Size, Study, StudyContext};
use crate::train::{InitChoice, OptimizerChoice, TrainConfig};

/// The settings of the study.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Hidden layers.
    pub depth: usize,
    /// Units per hidden layer.
    pub width: usize,
    /// Normalizations compared (applied before every hidden activation).
    pub norms: Vec<Norm>,
    /// Training settings of the comparison (its learning rate and
    /// initialization; model and norm are set per run).
    pub train: TrainConfig,
    /// SGD steps of each comparison run.
    pub steps: usize,
    /// Steps after which batch norm's train- and eval-mode outputs are compared.
    pub checkpoints: Vec<usize>,
    /// Test examples of the fixed batch the modes and accuracies are measured on.
    pub test_examples: usize,
    /// Learning rates of the sweep with and without batch norm.
    pub sweep_lrs: Vec<f64>,
    /// SGD steps of each sweep run.
    pub sweep_steps: usize,
    /// Initialization of the sweep's networks (one the unnormalized network
    /// trains from, so that only the learning rate decides).
    pub sweep_init: InitChoice,
}

impl Default for Config {
    fn default() -> Self {
        Config::for_size(Size::Full)
    }
}

impl Config {
    /// The setting for a run size.
    pub fn for_size(size: Size) -> Self {
        let steps = size.pick(120, 250, 1500);
        Config {
            depth: 8,
            width: size.pick(64, 128, 256),
            norms: vec![Norm::None, Norm::Batch, Norm::Layer, Norm::Group(4)],
            train: TrainConfig {
                optimizer: OptimizerChoice::Sgd,
                lr: 0.1,
                batch: 64,
                subset: size.pick(Some(2_000), Some(10_000), None),
                init: InitChoice::Default,
                ..TrainConfig::default()
            },
            steps,
            checkpoints: [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
                .into_iter()
                .filter(|&s| s < steps)
                .chain([steps])
                .collect(),
            test_examples: size.pick(500, 1000, 10_000),
            sweep_lrs: vec![0.01, 0.03, 0.1, 0.3, 1.0, 3.0],
            sweep_steps: size.pick(30, 60, 300),
            sweep_init: InitChoice::KaimingNormal,
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
pub struct Normalization;

impl Study for Normalization {
    fn name(&self) -> &'static str {
        "normalization"
    }
    fn title(&self) -> &'static str {
        "Batch, layer and group normalization in a deep network"
    }
    fn section(&self) -> &'static str {
        "Notes: Normalization"
    }
    fn summary(&self) -> &'static str {
        "a deep MLP with and without normalization; a learning-rate sweep with and without batch norm; batch norm's train vs eval mode"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let mut config = Config::for_size(ctx.size);
        config.train.seed = ctx.seed;
        let out = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(self.name());
        let mut report = Report::new(self.name(), self.title(), self.section());
        figures::write(&mut report, &dir, &config, &out)?;

        let rows: Vec<Vec<f64>> = out
            .modes
            .iter()
            .map(|g| {
                vec![
                    g.step as f64,
                    g.relative_difference,
                    g.train_mode_accuracy,
                    g.eval_mode_accuracy,
                ]
            })
            .collect();
        write_csv(
            &dir.join("bn_modes.csv"),
            &[
                "step",
                "relative_difference",
                "train_mode_accuracy",
                "eval_mode_accuracy",
            ],
            &rows,
        )?;
        report.data("bn_modes.csv");
        let rows: Vec<Vec<f64>> = out
            .sweep
            .iter()
            .map(|p| {
                vec![
                    f64::from(u8::from(p.norm == "batch")),
                    p.lr,
                    p.final_loss,
                    p.diverged_at.map_or(f64::NAN, |k| k as f64),
                ]
            })
            .collect();
        write_csv(
            &dir.join("lr_sweep.csv"),
            &["batch_norm", "lr", "final_loss", "diverged_at_step"],
            &rows,
        )?;
        report.data("lr_sweep.csv");
        write_json(&dir.join("outcome.json"), &out)?;
        report.data("outcome.json");

        report.frame = Some(checks(&config, &out));
        report.finding = finding::text(&config, &out);
        Ok(report)
    }
}
