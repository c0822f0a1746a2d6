//! The standardization study's finding, in words and measured numbers.

use std::fmt::Write as _;

use super::{InputScaling, Outcome, ScalingResult};
use crate::studies::format::short;

fn fold(values: &[f64], f: fn(f64, f64) -> f64) -> f64 {
    values.iter().copied().reduce(f).unwrap_or(f64::NAN)
}

fn iterations(s: &ScalingResult, target: f64, budget: usize) -> String {
    s.best_run()
        .iterations_to(target)
        .map_or(format!("> {budget}"), |t| t.to_string())
}

pub(super) fn finding(outcome: &Outcome) -> String {
    let mut md = format!(
        "Softmax regression (784 → 10) on {} MNIST training images, full-batch gradient descent for {} iterations from the same initialization; learning rates scanned in half decades from the largest down.\n\n",
        outcome.examples, outcome.iterations
    );
    table(outcome, &mut md);
    explanation(outcome, &mut md);
    md
}

fn table(outcome: &Outcome, md: &mut String) {
    let target = outcome.target_loss;
    md.push_str("| inputs | λ_max of E[x̃x̃ᵀ] | λ_max / mean eigenvalue | largest stable lr | lr × λ_max | loss at start | loss after the run | iterations to loss ");
    let _ = writeln!(md, "{target} | train accuracy |");
    md.push_str("|---|---|---|---|---|---|---|---|---|\n");
    for s in &outcome.scalings {
        let best = s.best_run();
        let _ = writeln!(
            md,
            "| {} | {:.3e} | {:.0} | {} | {:.0} | {:.2} | {:.3} | {} | {:.1}% |",
            s.scaling.label(),
            s.lambda_max,
            s.lambda_max / s.lambda_mean,
            short(s.largest_stable_lr()),
            s.largest_stable_lr() * s.lambda_max,
            best.losses.first().copied().unwrap_or(f64::NAN),
            best.final_loss(),
            iterations(s, target, outcome.iterations),
            100.0 * best.accuracy.unwrap_or(f64::NAN)
        );
    }
    md.push('\n');
}

/// Why: the stable rate follows λ_max; raw pixels against standardized ones.
fn explanation(outcome: &Outcome, md: &mut String) {
    let target = outcome.target_loss;
    let (Some(raw), Some(z)) = (
        outcome.get(InputScaling::Raw),
        outcome
            .get(InputScaling::PerPixelZScore)
            .or_else(|| outcome.get(InputScaling::GlobalZScore)),
    ) else {
        return;
    };
    let products: Vec<f64> = outcome
        .scalings
        .iter()
        .map(|s| s.largest_stable_lr() * s.lambda_max)
        .collect();
    let lambdas: Vec<f64> = outcome.scalings.iter().map(|s| s.lambda_max).collect();
    let (lo, hi) = (fold(&products, f64::min), fold(&products, f64::max));
    let decades = (fold(&lambdas, f64::max) / fold(&lambdas, f64::min)).log10();
    let _ = writeln!(
        md,
        "λ_max spans **{decades:.1}** decades across the scalings, while lr × λ_max at the largest stable rate spans **{:.1}** (from {lo:.0} to {hi:.0}; the grid is in half decades){}.\n",
        (hi / lo).log10(),
        if (hi / lo).log10() < 0.5 * decades {
            ": the largest stable learning rate follows the curvature"
        } else {
            ": here the largest stable rate does not simply follow the curvature"
        }
    );
    let above: Vec<&super::LrRun> = raw
        .runs
        .iter()
        .filter(|r| r.lr > raw.largest_stable_lr())
        .collect();
    let all_diverged = above.iter().all(|r| r.diverged.is_some());
    let _ = write!(
        md,
        "**Raw pixels** have **{:.0}×** the curvature of {} inputs; {} of the {} rates above **{}** diverged, and that rate is **{:.0}×** below the {} inputs' largest stable rate **{}**. ",
        raw.lambda_max / z.lambda_max,
        z.scaling.label(),
        if all_diverged { "all" } else { "not all" },
        above.len(),
        short(raw.largest_stable_lr()),
        z.largest_stable_lr() / raw.largest_stable_lr(),
        z.scaling.label(),
        short(z.largest_stable_lr())
    );
    let _ = writeln!(
        md,
        "From the same initial weights the raw-pixel loss started at **{:.1}** (against **{:.2}**); after {} iterations at its best rate it was **{:.3}** (iterations to {target}: **{}**), while {} inputs reached {target} after **{}** iterations and ended at **{:.3}**.\n",
        raw.best_run().losses.first().copied().unwrap_or(f64::NAN),
        z.best_run().losses.first().copied().unwrap_or(f64::NAN),
        outcome.iterations,
        raw.best_run().final_loss(),
        iterations(raw, target, outcome.iterations),
        z.scaling.label(),
        iterations(z, target, outcome.iterations),
        z.best_run().final_loss()
    );
    if let Some(unit) = outcome.get(InputScaling::Unit) {
        let (unit_shape, z_shape) = (
            unit.lambda_max / unit.lambda_mean,
            z.lambda_max / z.lambda_mean,
        );
        let _ = writeln!(
            md,
            "Dividing by 255 fixes the scale{}: λ_max / mean eigenvalue is **{unit_shape:.0}** for [0, 1] inputs against **{z_shape:.0}** with {} inputs, and [0, 1] inputs needed **{}** iterations to reach {target}.",
            if unit_shape > 2.0 * z_shape {
                " but not the shape (the mean pixel direction dominates)"
            } else {
                ", and here the shape too"
            },
            z.scaling.label(),
            iterations(unit, target, outcome.iterations)
        );
    }
}
