//! The constraints-and-stopping study's teaching frame: the notes' claims
//! and the checks, computed from the measurements, behind its verdict.

use super::{Enforcement, Outcome, Rule};
use crate::report::{Frame, Source};

/// A barrier's solution is "at" the constrained minimizer within this distance.
pub const NEAR: f64 = 0.1;

/// The frame of `outcome`: claims, experiment, what to look at, and checks.
pub fn frame(outcome: &Outcome) -> Frame {
    let t = &outcome.training;
    let mut frame = Frame::new(
        Source::Notes,
        "Hard Constraints and Bounds; Stopping Criteria",
        "you can add a barrier function to the cost function J′ = J + B where B can be […] Exponential barrier: ±exp{m(β − k)} […] Stopping Criteria: Use an or combination of the following",
        format!(
            "minimize a 2-D quadratic whose minimum lies outside the box [{}, {}]² with exponential barriers of growing steepness m (and, for comparison, log barriers and projection); then replay one recorded SGD run of an MLP {} on {} MNIST images through each stopping criterion and through their OR",
            outcome.bounds.0, outcome.bounds.1, t.architecture, t.train_examples
        ),
        "in the first two figures the barrier solutions close in on the box's corner as m grows; in the stopping figure each criterion fires at its own iteration, the OR at the earliest",
    );
    frame = barrier_checks(outcome, frame);
    stopping_checks(outcome, frame)
}

fn barrier_checks(outcome: &Outcome, frame: Frame) -> Frame {
    let (lo, hi) = outcome.bounds;
    let opt = outcome.optimum();
    let exps = outcome.runs_where(|e| matches!(e, Enforcement::Exponential { .. }));
    let distances: Vec<f64> = exps.iter().map(|r| r.distance_to(opt)).collect();
    let Some(steepest) = exps.last() else {
        return frame.check("no exponential barrier was run", false);
    };
    let approaching = distances.windows(2).all(|w| w[1] < w[0]);
    let list: Vec<String> = exps
        .iter()
        .zip(&distances)
        .map(|(r, d)| format!("m = {}: {d:.2}", r.enforcement.strength()))
        .collect();
    frame
        .check(
            format!(
                "with the steepest barrier (m = {}) the solution lies {} the box (violation {:.1e}) at {:.1e} from the constrained minimizer (near: below {NEAR})",
                steepest.enforcement.strength(),
                if steepest.violation(lo, hi) == 0.0 { "inside" } else { "outside" },
                steepest.violation(lo, hi),
                distances.last().copied().unwrap_or(f64::NAN)
            ),
            steepest.violation(lo, hi) == 0.0 && distances.last().is_some_and(|&d| d < NEAR),
        )
        .check(
            format!(
                "the distance to the constrained minimizer {} as m grows ({})",
                if approaching { "shrinks" } else { "does not always shrink" },
                list.join(", ")
            ),
            approaching,
        )
}

fn stopping_checks(outcome: &Outcome, frame: Frame) -> Frame {
    let on_normal: Vec<Rule> = Rule::ALL
        .into_iter()
        .filter(|&r| r != Rule::Divergence)
        .collect();
    let fired: Vec<String> = on_normal
        .iter()
        .filter_map(|&r| {
            outcome
                .firing(r)
                .map(|f| format!("{} at {}", r.label(), f.step.iteration))
        })
        .collect();
    let all_fired = fired.len() == on_normal.len();
    let combined = outcome.combined.as_ref().map(|(s, _)| s.iteration);
    let earliest = on_normal
        .iter()
        .filter_map(|&r| outcome.firing(r).map(|f| f.step.iteration))
        .min();
    let frame = frame.check(
        format!(
            "on the normal run {} of {} criteria fired ({}); their OR stopped at iteration {}, the earliest of them",
            fired.len(),
            on_normal.len(),
            fired.join(", "),
            combined.map_or("never".to_string(), |c| c.to_string())
        ),
        all_fired && combined.is_some() && combined == earliest,
    );
    let normal_diverged = outcome.firing(Rule::Divergence).is_some();
    let diverging = outcome.diverging_firing(Rule::Divergence);
    frame.check(
        format!(
            "the divergence criterion {} on the run at lr {} and {} on the run at lr {}",
            diverging.map_or("did not fire".to_string(), |f| format!(
                "fired at iteration {}",
                f.step.iteration
            )),
            outcome.diverging.lr,
            if normal_diverged {
                "fired"
            } else {
                "stayed silent"
            },
            outcome.normal.lr
        ),
        diverging.is_some() && !normal_diverged,
    )
}
