//! Lecture Section 7, the learning rate, along CS231n's "babysitting the
//! learning process": a sweep whose runs are labelled by their measured
//! behaviour (too low, good, high, diverged), a finer grid between the
//! best and the first diverging rate, the U-shaped final loss, one run left
//! unguarded until its loss is NaN, first-layer weights as images, the
//! range test and schedules.

mod checks;
mod figures;
mod finding;
mod runs;

pub use checks::{
    EARLY, GOOD_FACTOR, Regime, WORSE_FACTOR, early_loss, frame, steps_to_reach, variation,
};
pub use runs::{
    Outcome, ScheduleRun, SweepRun, Unguarded, between, roughness, run, sweep, sweep_run, unguarded,
};

use serde::Serialize;

use crate::error::Result;
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};

/// The setting. `Default`: MLP 784-32-10, plain SGD, batch 64, 10,000
/// images, 6 epochs; learning rates 1e-3 to 30 in half decades, 4 more
/// between the best and the first diverging rate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// Layer widths.
    pub model: String,
    /// The coarse grid of learning rates, ascending.
    pub lrs: Vec<f64>,
    /// Rates of the finer grid between the best and the first diverging rate.
    pub fine: usize,
    /// The rate of the unguarded run (ten times the grid's top: ReLU units
    /// die at lower rates and the loss stays finite).
    pub unguarded_lr: f64,
    /// Most steps of the unguarded run.
    pub unguarded_steps: usize,
    /// Hidden units whose input weights are shown as images.
    pub units: usize,
    /// The base learning rate of the schedule comparison.
    pub schedule_lr: f64,
    /// Training images.
    pub train: usize,
    /// Test images.
    pub test: usize,
    /// Epochs per run.
    pub epochs: usize,
    /// Minibatch size.
    pub batch: usize,
    /// Steps of the range test.
    pub find_steps: usize,
    /// Seed (same initialization and batches for every run).
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            model: "784-32-10".into(),
            lrs: vec![1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0],
            fine: 4,
            unguarded_lr: 300.0,
            unguarded_steps: 2_000,
            units: 6,
            schedule_lr: 0.3,
            train: 10_000,
            test: 10_000,
            epochs: 6,
            batch: 64,
            find_steps: 300,
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size.
    pub fn for_size(size: Size) -> Self {
        match size {
            Size::Tiny => Config {
                lrs: vec![1e-3, 1e-2, 0.1, 1.0, 10.0, 30.0],
                fine: 2,
                train: 2_000,
                test: 1_000,
                epochs: 3,
                find_steps: 100,
                ..Config::default()
            },
            Size::Quick => Config {
                train: 5_000,
                test: 5_000,
                epochs: 5,
                find_steps: 200,
                ..Config::default()
            },
            Size::Full => Config {
                train: 60_000,
                epochs: 10,
                ..Config::default()
            },
        }
    }
}

/// The study.
pub struct LearningRate;

impl Study for LearningRate {
    fn name(&self) -> &'static str {
        "learning-rate"
    }
    fn title(&self) -> &'static str {
        "The learning rate: babysitting, range test and schedules"
    }
    fn section(&self) -> &'static str {
        "Section 7"
    }
    fn summary(&self) -> &'static str {
        "too low crawls, high stalls at a worse loss, very high diverges to NaN with huge weights; noisy versus smooth first-layer features; range test; schedules"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let config = Config {
            seed: ctx.seed,
            ..Config::for_size(ctx.size)
        };
        let out = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(self.name());
        let mut report = Report::new(self.name(), self.title(), self.section());
        figures::write(&mut report, &config, &out, &dir)?;
        Ok(report)
    }
}
