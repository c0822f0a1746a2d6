//! Non-convexity: local minima, saddle points, and what a trained network's
//! loss looks like around its weights.
//!
//! - `x·cos(πx)` on [−1, 2] has a local minimum near −0.26 and the global
//!   one near 1.1: gradient descent ends in whichever basin it starts in.
//! - At the saddles of `x³` and `x² − y²` the gradient vanishes. Newton's
//!   method, a root finder for ∇f = 0, converges to them; gradient descent
//!   slows down near them and leaves along any descent direction.
//! - A small MLP trained on MNIST, sliced along random filter-normalized
//!   directions (Li et al. 2018): the trained weights sit at the bottom of a
//!   valley of the 1-D and 2-D slices.

mod figures;
mod finding;
mod slices;
mod toy;

pub use figures::report;
pub use finding::checks;
pub use slices::Slices;
pub use toy::{Basin, Cube, Multistart, Saddle, Saddles, XCosPiX, multistart, saddles, x_cos_pi_x};

use data::Splits;
use serde::Serialize;

use crate::error::Result;
use crate::report::Report;
use crate::study::{Size, Study, StudyContext};

/// The study's name on the command line and as the results folder.
pub const NAME: &str = "landscape";

/// The landscape study, registered in [`crate::study::all`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Landscape;

impl Study for Landscape {
    fn name(&self) -> &'static str {
        NAME
    }
    fn title(&self) -> &'static str {
        "Local minima, saddle points and loss-landscape slices"
    }
    fn section(&self) -> &'static str {
        "Introduction: Local minima, Saddle points; Section 5"
    }
    fn summary(&self) -> &'static str {
        "x·cos(πx) from many starts, GD vs Newton at saddles, filter-normalized slices of an MNIST net's loss"
    }
    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let config = Config {
            seed: ctx.seed,
            ..Config::for_size(ctx.size)
        };
        report(&run(&config, ctx.mnist()?)?, &ctx.dir(NAME))
    }
}

/// Settings of the study.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Evenly spaced starts of gradient descent on `x·cos(πx)` over [−1, 2].
    pub starts: usize,
    /// Gradient descent's step on the small functions.
    pub lr: f64,
    /// Gradient-descent iterations on `x·cos(πx)`.
    pub iterations: usize,
    /// Hidden units of the MLP `784-hidden-10`.
    pub hidden: usize,
    /// Training images used (the first ones).
    pub train_examples: usize,
    /// Images the sliced loss is evaluated on (the first training images;
    /// as many test images for the test accuracy).
    pub eval_examples: usize,
    /// Epochs of training.
    pub epochs: usize,
    /// Minibatch size.
    pub batch_size: usize,
    /// Learning rate of the training.
    pub train_lr: f64,
    /// Heavy-ball momentum of the training.
    pub momentum: f64,
    /// Points of the 1-D slice.
    pub line_points: usize,
    /// Points per axis of the 2-D slice.
    pub grid_points: usize,
    /// The slices span `[−span, span]` along each direction.
    pub span: f64,
    /// Seed of the network, the batches and the directions.
    pub seed: u64,
}

impl Default for Config {
    /// The tour's setting: 301 starts; a 784-32-10 MLP trained for 2 epochs
    /// on 10,000 images, sliced on 2,000 (41 points, 31×31 grid, α ∈ [−1, 1]).
    fn default() -> Self {
        Config {
            starts: 301,
            lr: 0.05,
            iterations: 2000,
            hidden: 32,
            train_examples: 10_000,
            eval_examples: 2000,
            epochs: 2,
            batch_size: 64,
            train_lr: 0.05,
            momentum: 0.9,
            line_points: 41,
            grid_points: 31,
            span: 1.0,
            seed: 0,
        }
    }
}

impl Config {
    /// The setting for a run size.
    ///
    /// ```
    /// use experiments::studies::landscape::Config;
    /// use experiments::study::Size;
    /// assert_eq!(Config::for_size(Size::Quick), Config::default());
    /// assert!(Config::for_size(Size::Tiny).train_examples < 2000);
    /// ```
    pub fn for_size(size: Size) -> Self {
        let base = Config::default();
        match size {
            Size::Tiny => Config {
                starts: 31,
                hidden: 16,
                train_examples: 1000,
                eval_examples: 300,
                line_points: 21,
                grid_points: 7,
                ..base
            },
            Size::Quick => base,
            Size::Full => Config {
                starts: 1001,
                train_examples: 60_000,
                eval_examples: 5000,
                epochs: 5,
                line_points: 101,
                grid_points: 41,
                ..base
            },
        }
    }
}

/// Everything the study measured.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Gradient descent on `x·cos(πx)` from many starts.
    pub multistart: Multistart,
    /// Gradient descent versus Newton at the saddles.
    pub saddles: Saddles,
    /// Slices of the trained network's loss.
    pub slices: Slices,
}

/// Runs the study on `mnist`.
///
/// **Errors**: an invalid setting, or an optimizer or Newton's method
/// rejecting its input.
pub fn run(config: &Config, mnist: &Splits) -> Result<Outcome> {
    Ok(Outcome {
        multistart: multistart((-1.0, 2.0), config.starts, config.lr, config.iterations)?,
        saddles: saddles(config.lr, (1.0, 0.1), (0.5, -0.05))?,
        slices: slices::slices(config, mnist)?,
    })
}
