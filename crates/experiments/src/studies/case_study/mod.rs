//! Lecture Section 2, a case study: the seed MLP 784-10-10 on MNIST.
//!
//! Training loss (the empirical risk) against test loss (an estimate of the
//! risk) per epoch, with all 60,000 training images and with only a few
//! hundred or thousand: the lecture says the empirical risk is a good
//! approximation of the risk "for n large enough". Then what the 10 hidden
//! units look at, and how each contributes to each class.

mod figures;
mod finding;
mod runs;

pub use figures::report;
pub use finding::{Fit, checks, fit, weights};
pub use runs::{EpochPoint, Outcome, run};

use serde::Serialize;

use crate::error::Result;
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "case-study";

/// The setting. `Default`: the lecture's, all 60,000 training images, SGD
/// lr 0.1, batch 128, 10 epochs; the small-n comparison on 1,000 images
/// for 40 epochs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Config {
    /// Hidden units.
    pub hidden: usize,
    /// Training images used.
    pub train: usize,
    /// Test images used.
    pub test: usize,
    /// Epochs.
    pub epochs: usize,
    /// SGD learning rate.
    pub lr: f64,
    /// Minibatch size.
    pub batch: usize,
    /// Training images of the small-n run (the same network and optimizer).
    pub small_train: usize,
    /// Epochs of the small-n run.
    pub small_epochs: usize,
    /// Test images the small-n run is evaluated on.
    pub small_test: usize,
    /// Seed of initialization and shuffling.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            hidden: 10,
            train: 60_000,
            test: 10_000,
            epochs: 10,
            lr: 0.1,
            batch: 128,
            small_train: 1000,
            small_epochs: 40,
            small_test: 2000,
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size.
    ///
    /// ```
    /// use experiments::studies::case_study::Config;
    /// use experiments::study::Size;
    /// assert_eq!(Config::for_size(Size::Quick), Config::default());
    /// assert!(Config::for_size(Size::Tiny).train < 60_000);
    /// ```
    pub fn for_size(size: Size) -> Self {
        match size {
            Size::Tiny => Config {
                train: 10_000,
                test: 2_000,
                epochs: 3,
                small_train: 500,
                small_epochs: 30,
                small_test: 1000,
                ..Config::default()
            },
            Size::Quick | Size::Full => Config::default(),
        }
    }
}

/// The study.
pub struct CaseStudy;

impl Study for CaseStudy {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "A case study: MLP 784-10-10 on MNIST"
    }
    fn section(&self) -> &'static str {
        "Section 2"
    }
    fn summary(&self) -> &'static str {
        "empirical risk vs risk per epoch at two training-set sizes, the hidden units' weights and their contribution to each class"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let config = Config {
            seed: ctx.seed,
            ..Config::for_size(ctx.size)
        };
        let out = run(&config, ctx.mnist()?)?;
        report(&config, &out, &ctx.dir(NAME))
    }
}
