//! The case study's verdict and finding, computed from the measurements.

use std::fmt::Write as _;

use ndarray::Array2;

use super::{Config, EpochPoint, Outcome};
use crate::report::{Frame, Source};

/// How a trained network relates to its data, judged from its last epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// The test loss is well above the training loss: the empirical risk
    /// underestimates the risk.
    Overfits,
    /// Training and test loss agree, but the network does not fit even its
    /// training images (training accuracy below 97%).
    Underfits,
    /// Training and test loss agree and the training images are fitted.
    Fits,
}

/// The relative gap `(test − train) / test` above which a run overfits.
pub const OVERFIT_GAP: f64 = 0.25;

/// Training accuracy below which a run that does not overfit underfits.
pub const UNDERFIT_ACCURACY: f64 = 0.97;

/// `(test loss − training loss) / test loss`.
fn relative_gap(p: &EpochPoint) -> f64 {
    (p.test_loss - p.train_loss) / p.test_loss
}

/// Overfits, underfits or fits, from the measured losses and accuracy.
///
/// ```
/// use experiments::studies::case_study::{fit, EpochPoint, Fit};
/// let p = EpochPoint { epoch: 10, train_loss: 0.25, test_loss: 0.28, train_accuracy: 0.93, test_accuracy: 0.92 };
/// assert_eq!(fit(&p), Fit::Underfits);
/// assert_eq!(fit(&EpochPoint { train_loss: 0.05, test_loss: 0.4, ..p }), Fit::Overfits);
/// assert_eq!(fit(&EpochPoint { train_loss: 0.05, test_loss: 0.06, train_accuracy: 0.99, ..p }), Fit::Fits);
/// ```
pub fn fit(p: &EpochPoint) -> Fit {
    if relative_gap(p) > OVERFIT_GAP {
        Fit::Overfits
    } else if p.train_accuracy < UNDERFIT_ACCURACY {
        Fit::Underfits
    } else {
        Fit::Fits
    }
}

/// Weights and biases of the MLP 784-`hidden`-10.
///
/// ```
/// assert_eq!(experiments::studies::case_study::weights(10), 7960);
/// ```
pub fn weights(hidden: usize) -> usize {
    784 * hidden + hidden + hidden * 10 + 10
}

fn last(points: &[EpochPoint]) -> EpochPoint {
    *points.last().expect("epoch 0 is always measured")
}

/// The teaching frame with its checks, a pure function of the outcome.
pub fn checks(outcome: &Outcome) -> Frame {
    let (first, big) = (outcome.epochs[0], last(&outcome.epochs));
    let small = last(&outcome.small);
    let (big_gap, small_gap) = (
        big.test_loss - big.train_loss,
        small.test_loss - small.train_loss,
    );
    Frame::new(
        Source::Lecture,
        "Section 2: Case study",
        "Empirical Surrogate (Surrogate Objective Function). Dependant on training set data. For n large enough, good approximation.",
        format!(
            "the lecture's MLP 784-10-10 trained with SGD on n = {} and on n = {} MNIST images, its training loss (the empirical risk) compared with its loss on unseen test images (an estimate of the risk)",
            outcome.train_images, outcome.small_images
        ),
        "the gap between the training and the test curve: small with all images, wide with few; then the hidden units' weights and the contribution heatmap",
    )
    .check(
        format!(
            "SGD trains the MLP: training loss {:.3} → {:.3}, test accuracy {:.2}%",
            first.train_loss,
            big.train_loss,
            100.0 * big.test_accuracy
        ),
        big.train_loss < 0.25 * first.train_loss && big.test_accuracy >= 0.85,
    )
    .check(
        format!(
            "with n = {} the empirical risk approximates the risk: training loss {:.3}, test loss {:.3}, gap {:.3} ({:.0}% of the test loss; at most 20% counts as a good approximation)",
            outcome.train_images,
            big.train_loss,
            big.test_loss,
            big_gap,
            100.0 * relative_gap(&big)
        ),
        relative_gap(&big) <= 0.2,
    )
    .check(
        format!(
            "with n = {} it does not: training loss {:.3}, test loss {:.3}, gap {:.3} ({:.0}% of the test loss), {:.1}× the gap at n = {} (at least 3× needed)",
            outcome.small_images,
            small.train_loss,
            small.test_loss,
            small_gap,
            100.0 * relative_gap(&small),
            small_gap / big_gap.abs().max(1e-12),
            outcome.train_images
        ),
        small_gap >= 3.0 * big_gap.max(0.0) && relative_gap(&small) > relative_gap(&big),
    )
}

fn fit_words(p: &EpochPoint) -> String {
    match fit(p) {
        Fit::Overfits => format!(
            "**overfits**: its test loss is {:.0}% above its training loss",
            100.0 * (p.test_loss / p.train_loss - 1.0)
        ),
        Fit::Underfits => format!(
            "**underfits rather than overfits**: its test loss is only {:.0}% above its training loss, and it fits just {:.1}% of its training images",
            100.0 * (p.test_loss / p.train_loss - 1.0),
            100.0 * p.train_accuracy
        ),
        Fit::Fits => format!(
            "**fits** its training images ({:.1}%) without overfitting: its test loss is {:.0}% above its training loss",
            100.0 * p.train_accuracy,
            100.0 * (p.test_loss / p.train_loss - 1.0)
        ),
    }
}

fn argmax(m: &Array2<f64>) -> (usize, usize) {
    m.indexed_iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or((0, 0), |((r, c), _)| (r, c))
}

/// The finding in Markdown: a table of both runs and computed sentences.
pub(super) fn finding(config: &Config, outcome: &Outcome) -> String {
    let mut md = format!(
        "SGD (lr {}, batch {}) on the MLP 784-{}-10 ({} weights):\n\n| training images n | epochs | training loss | test loss | gap | training accuracy | test accuracy |\n|---|---|---|---|---|---|---|\n",
        config.lr,
        config.batch,
        config.hidden,
        weights(config.hidden)
    );
    let runs = [
        (outcome.train_images, last(&outcome.epochs)),
        (outcome.small_images, last(&outcome.small)),
    ];
    for (n, p) in runs {
        let _ = writeln!(
            md,
            "| {n} | {} | {:.3} | {:.3} | {:.3} | {:.2}% | {:.2}% |",
            p.epoch,
            p.train_loss,
            p.test_loss,
            p.test_loss - p.train_loss,
            100.0 * p.train_accuracy,
            100.0 * p.test_accuracy
        );
    }
    md.push('\n');
    for (n, p) in runs {
        let _ = writeln!(
            md,
            "- With **{n}** training images the network {}.",
            fit_words(&p)
        );
    }
    let (unit, class) = argmax(&outcome.contribution);
    let dead: Vec<String> = outcome
        .mean_activation
        .outer_iter()
        .enumerate()
        .filter(|(_, r)| r.iter().all(|&v| v == 0.0))
        .map(|(j, _)| j.to_string())
        .collect();
    let _ = writeln!(
        md,
        "- The strongest single contribution to a class logit is unit **{unit}** to class **{class}** ({:.2}). Dead ReLU units (never active on a training image, their weights still the random initialization): {}.",
        outcome.contribution[[unit, class]],
        if dead.is_empty() {
            "none".to_string()
        } else {
            dead.join(", ")
        }
    );
    md
}
