//! The standardization study's teaching frame: the notes' claim and the
//! checks, computed from the measurements, behind its verdict.

use super::{InputScaling, Outcome, ScalingResult};
use crate::report::{Frame, Source};
use crate::studies::format::short;

/// Raw pixels "need a far smaller rate" when their largest stable rate is
/// at least this many times below the standardized inputs'.
pub const FAR_SMALLER: f64 = 100.0;

/// Iterations of `s`'s best run to the target, `None` if it never got there.
fn iterations(s: &ScalingResult, target: f64) -> Option<usize> {
    s.best_run().iterations_to(target)
}

/// "in 12 iterations" or "not within 150 iterations".
fn describe(it: Option<usize>, budget: usize) -> String {
    it.map_or(format!("not within {budget} iterations"), |t| {
        format!("in {t} iterations")
    })
}

/// Whether `fast` reached the target in fewer iterations than `slow`.
fn faster(fast: Option<usize>, slow: Option<usize>) -> bool {
    match (fast, slow) {
        (Some(f), Some(s)) => f < s,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The frame of `outcome`: claim, experiment, what to look at, and checks.
pub fn frame(outcome: &Outcome) -> Frame {
    let mut frame = Frame::new(
        Source::Notes,
        "Feature Scaling",
        "Helps to speed up gradient descent by making it easier for the algorithm to reach minimum faster",
        format!(
            "train softmax regression on {} MNIST images by full-batch gradient descent from one initialization, with raw pixels (0…255), pixels / 255, and z-scored pixels, each at the best rate of a learning-rate scan, and count the iterations to a training loss of {}",
            outcome.examples, outcome.target_loss
        ),
        "in the first figure, the iteration where each curve crosses the target line; in the second, the learning rate from which each scaling diverges (the markers in the band at the top)",
    );
    let (target, budget) = (outcome.target_loss, outcome.iterations);
    let z = outcome
        .get(InputScaling::PerPixelZScore)
        .or_else(|| outcome.get(InputScaling::GlobalZScore));
    let Some(z) = z else {
        return frame.check("no standardized inputs were run", false);
    };
    let z_it = iterations(z, target);
    for other in [InputScaling::Raw, InputScaling::Unit] {
        if let Some(o) = outcome.get(other) {
            let o_it = iterations(o, target);
            frame = frame.check(
                format!(
                    "{} inputs reached loss {target} {}, {} {}",
                    z.scaling.label(),
                    describe(z_it, budget),
                    o.scaling.label(),
                    describe(o_it, budget)
                ),
                faster(z_it, o_it),
            );
        }
    }
    if let Some(raw) = outcome.get(InputScaling::Raw) {
        let ratio = z.largest_stable_lr() / raw.largest_stable_lr();
        frame = frame.check(
            format!(
                "the largest stable rate was {} for raw pixels and {} for {} inputs: {}× smaller (far: at least {FAR_SMALLER}×)",
                short(raw.largest_stable_lr()),
                short(z.largest_stable_lr()),
                z.scaling.label(),
                short(ratio)
            ),
            ratio >= FAR_SMALLER,
        );
    }
    frame
}
