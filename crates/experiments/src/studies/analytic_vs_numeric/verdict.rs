//! The analytic-versus-numeric study's teaching frame: the introduction's
//! claim and the checks, computed from the measurements, behind its verdict.

use crate::report::{Frame, Source};
use crate::studies::format::short;

use super::{LinearMethod, LogisticMethod, Outcome, max_abs_difference};

/// Two solutions are "the same" when their weights agree to this.
pub const SAME: f64 = 1e-6;

/// Gradient descent "takes long" when it needs at least this many times
/// Newton's iterations.
pub const SLOW: f64 = 5.0;

/// The frame of `outcome`: claim, experiment, what to look at, and checks.
pub fn frame(outcome: &Outcome) -> Frame {
    let gd = outcome.difference(LinearMethod::GradientDescent);
    let sgd = outcome.difference(LinearMethod::Sgd);
    let se = outcome.standard_error;
    let mut frame = Frame::new(
        Source::Introduction,
        "Analytic vs approximate solutions; Numerical optimization",
        "Linear regression, for example, has an analytic solution. […] Even for logistic regression […] we don’t have any exact solution. […] Depending on the optimizer you use, iterative methods may take a long time to converge on a good answer.",
        format!(
            "solve one least-squares problem (n = {}, p = {}) by its closed form (the normal equations), by gradient descent and by SGD, then fit a logistic regression (n = {}), which has no closed form, by gradient descent and by Newton's method",
            outcome.examples, outcome.features, outcome.logistic_examples
        ),
        "in the first figure, the normal equations' single drop at its cost against the iterative methods' curves; in the last, how many iterations gradient descent and Newton need on the logistic regression",
    )
    .check(
        format!(
            "gradient descent reproduced the closed form's weights to {gd:.1e} (same answer: below {SAME:.0e})"
        ),
        gd < SAME,
    )
    .check(
        format!(
            "SGD got within {sgd:.1e} of them, {}× the weights' own standard error {se:.1e}",
            short(sgd / se)
        ),
        sgd < se,
    );
    if let (Some(g), Some(n)) = (
        outcome.fit(LogisticMethod::GradientDescent),
        outcome.fit(LogisticMethod::Newton),
    ) {
        let agree = max_abs_difference(&g.w, &n.w);
        let ratio = g.iterations as f64 / n.iterations.max(1) as f64;
        frame = frame
            .check(
                format!(
                    "logistic regression: both iterative methods reached the same weights (they agree to {agree:.1e}; same: below {SAME:.0e})"
                ),
                agree < SAME,
            )
            .check(
                format!(
                    "gradient descent needed {} iterations, Newton {}: {}× as many (long: at least {SLOW}×)",
                    g.iterations,
                    n.iterations,
                    short(ratio)
                ),
                ratio >= SLOW,
            );
    }
    frame
}
