//! Lecture Section 5, non-convexity and overparameterization: on the same
//! small training set and budget, wider hidden layers reach a lower training
//! loss (the widest interpolate it), with less spread across seeds, and the
//! loss barrier on the straight line between two seeds' solutions shrinks.

mod figures;
mod finding;
mod runs;

pub use finding::{finding, frame};
pub use runs::{LinePath, Outcome, SeedRun, WidthResult, run};

use serde::Serialize;

use crate::error::Result;
use crate::report::{Report, write_csv, write_json};
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "overparameterization";

/// The setting. `Default` (full size): widths 2 to 512 (powers of 2), 3
/// seeds, 2,000 training images, 40 epochs of SGD with momentum 0.9 at lr
/// 0.05, batch 64.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// Hidden widths of the 784-w-10 MLP.
    pub widths: Vec<usize>,
    /// Seeds per width (initialization and shuffling).
    pub seeds: Vec<u64>,
    /// Training images (a small set, so that wide nets can interpolate it).
    pub train: usize,
    /// Test images.
    pub test: usize,
    /// Epochs.
    pub epochs: usize,
    /// SGD learning rate.
    pub lr: f64,
    /// Heavy-ball momentum.
    pub momentum: f64,
    /// Minibatch size.
    pub batch: usize,
    /// A final training loss below this counts as interpolating the
    /// training set.
    pub interpolation_loss: f64,
    /// Positions α on the line `(1 − α)·θ_a + α·θ_b` between two solutions.
    pub alphas: Vec<f64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            widths: (1..=9).map(|k| 1 << k).collect(),
            seeds: (0..3).collect(),
            train: 2_000,
            test: 10_000,
            epochs: 40,
            lr: 0.05,
            momentum: 0.9,
            batch: 64,
            interpolation_loss: 0.01,
            alphas: (-4..=24).map(|k| f64::from(k) / 20.0).collect(),
        }
    }
}

impl Config {
    /// The setting for a run size.
    pub fn for_size(size: Size) -> Self {
        match size {
            Size::Tiny => Config {
                widths: vec![2, 16, 128],
                seeds: (0..2).collect(),
                train: 300,
                test: 1_000,
                epochs: 30,
                alphas: (-2..=12).map(|k| f64::from(k) / 10.0).collect(),
                ..Config::default()
            },
            Size::Quick => Config {
                widths: vec![2, 8, 32, 128, 512],
                seeds: (0..2).collect(),
                train: 500,
                test: 5_000,
                epochs: 30,
                alphas: (-2..=12).map(|k| f64::from(k) / 10.0).collect(),
                ..Config::default()
            },
            Size::Full => Config::default(),
        }
    }
}

/// The study.
pub struct Overparameterization;

impl Study for Overparameterization {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "Overparameterization: wider is easier to train"
    }
    fn section(&self) -> &'static str {
        "Section 5"
    }
    fn summary(&self) -> &'static str {
        "hidden width 2 to 512 over several seeds, trained until the widest interpolate: final training loss, its spread, the loss barrier between two seeds' solutions"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let mut config = Config::for_size(ctx.size);
        for s in &mut config.seeds {
            *s += ctx.seed;
        }
        let outcome = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(NAME);
        let mut report = Report::new(NAME, self.title(), self.section());
        write_data(&outcome, &dir, &mut report)?;
        figures::draw(&outcome, &dir, &mut report)?;
        report.frame = Some(frame(&outcome));
        report.finding = finding(&outcome);
        Ok(report)
    }
}

fn write_data(outcome: &Outcome, dir: &std::path::Path, report: &mut Report) -> Result<()> {
    let mut rows = Vec::new();
    for w in &outcome.widths {
        for r in &w.runs {
            rows.push(vec![
                w.width as f64,
                r.seed as f64,
                r.final_loss,
                r.train_accuracy,
                r.test_accuracy,
            ]);
        }
    }
    write_csv(
        &dir.join("runs.csv"),
        &[
            "width",
            "seed",
            "final_train_loss",
            "train_accuracy",
            "test_accuracy",
        ],
        &rows,
    )?;
    report.data("runs.csv");
    let mut rows = Vec::new();
    for w in &outcome.widths {
        for p in &w.paths {
            for &(alpha, loss) in &p.points {
                rows.push(vec![
                    w.width as f64,
                    p.seeds.0 as f64,
                    p.seeds.1 as f64,
                    alpha,
                    loss,
                ]);
            }
        }
    }
    write_csv(
        &dir.join("line.csv"),
        &["width", "seed_a", "seed_b", "alpha", "train_loss"],
        &rows,
    )?;
    report.data("line.csv");
    write_json(&dir.join("outcome.json"), outcome)?;
    report.data("outcome.json");
    Ok(())
}
