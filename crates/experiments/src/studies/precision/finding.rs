//! The precision study's finding: tables of the measured errors and
//! sentences that each follow from the numbers.

use std::fmt::Write;

use super::verdict::{ORDER, slope};
use super::{Dtype, Minimizer, Outcome, Scheme};
use crate::studies::format::short;

/// Whether `error` is of the order of `scale` (within [`ORDER`] either way).
fn of_order(error: f64, scale: f64) -> bool {
    (scale / ORDER..=scale * ORDER).contains(&error)
}

/// "≈ √ε", "far below √ε" or "far above √ε" for an error in `dtype`.
fn against_root(error: f64, dtype: Dtype) -> &'static str {
    let root = dtype.epsilon().sqrt();
    if of_order(error, root) {
        "≈ √ε"
    } else if error < root {
        "far below √ε"
    } else {
        "far above √ε"
    }
}

/// The finding: minimizer precision, then finite differences.
pub(super) fn finding(outcome: &Outcome) -> String {
    let mut md = format!(
        "Median over {} values of a of the error of each method on (x − a)² + 1 (and on eˣ − 2x), with f computed in f32 (ε = {:.1e}, √ε = {:.1e}) and in f64 (ε = {:.1e}, √ε = {:.1e}):\n\n| function | method | f32: abs(x̂ − x*) | | f64: abs(x̂ − x*) | |\n|---|---|---|---|---|---|\n",
        outcome.trials,
        Dtype::F32.epsilon(),
        Dtype::F32.epsilon().sqrt(),
        Dtype::F64.epsilon(),
        Dtype::F64.epsilon().sqrt(),
    );
    for quadratic in [true, false] {
        for m in Minimizer::ALL {
            let (Some(s), Some(d)) = (
                outcome.minimizer(quadratic, m, Dtype::F32),
                outcome.minimizer(quadratic, m, Dtype::F64),
            ) else {
                continue;
            };
            let _ = writeln!(
                md,
                "| {} | {} | {:.2e} | {} | {:.2e} | {} |",
                s.function.label(),
                m.label(),
                s.x_error,
                against_root(s.x_error, Dtype::F32),
                d.x_error,
                against_root(d.x_error, Dtype::F64)
            );
        }
    }
    md.push('\n');
    comparing_methods(outcome, &mut md);
    emulated_and_flat(outcome, &mut md);
    md.push_str(&differences_finding(outcome));
    md
}

/// Which methods stay at √ε and which go below it, from the table's numbers.
fn comparing_methods(outcome: &Outcome, md: &mut String) {
    let at_root = |m: Minimizer| {
        Dtype::ALL.iter().all(|&d| {
            outcome
                .minimizer(true, m, d)
                .is_some_and(|r| of_order(r.x_error, d.epsilon().sqrt()))
        })
    };
    let below_root = |m: Minimizer| {
        Dtype::ALL.iter().all(|&d| {
            outcome
                .minimizer(true, m, d)
                .is_some_and(|r| r.x_error < d.epsilon().sqrt() / ORDER)
        })
    };
    let compare = [Minimizer::GoldenSection, Minimizer::GdUntilNoDecrease];
    let _ = write!(
        md,
        "On the quadratic, the methods that compare function values (golden section, and gradient descent stopped when the loss no longer decreases) {} ",
        if compare.iter().all(|&m| at_root(m)) {
            "both stopped within a factor 10 of √ε in both precisions: anywhere on the flat bottom looks equally good to them."
        } else {
            "did not both stay within a factor 10 of √ε in both precisions."
        }
    );
    let newton = Minimizer::NewtonOnDerivative;
    let _ = writeln!(
        md,
        "Newton's method, which solves f′ = 0 with an accurate derivative and never compares values, {}.\n",
        if below_root(newton) {
            "landed more than 10× closer than √ε in both precisions (an error of 0 means it hit the representable number nearest x* exactly)"
        } else {
            "did not land more than 10× closer than √ε in both precisions"
        }
    );
}

/// The emulated formats' slope and the measured flat bottoms.
fn emulated_and_flat(outcome: &Outcome, md: &mut String) {
    if let [first, .., last] = outcome.emulated.as_slice() {
        let _ = writeln!(
            md,
            "Over emulated formats from {} to {} bits the minimizer error grows like ε to the power **{:.2}** (the square root would be 0.5).\n",
            first.bits,
            last.bits,
            slope(outcome)
        );
    }
    md.push_str(
        "| precision | half-width of the flat bottom of (x − 1.3)² + 1 | √(ε/2) |\n|---|---|---|\n",
    );
    for fb in &outcome.flat_bottoms {
        let _ = writeln!(
            md,
            "| {} | **{:.2e}** | {:.2e} |",
            fb.dtype.label(),
            fb.half_width,
            (fb.dtype.epsilon() / 2.0).sqrt()
        );
    }
    md.push('\n');
}

/// The finite-difference part of the finding.
fn differences_finding(outcome: &Outcome) -> String {
    let mut md = String::from(
        "Finite-difference gradients of a logistic loss: the step with the smallest error against the step that balances truncation and rounding.\n\n| scheme | precision | smallest error | at h | theory h | ratio |\n|---|---|---|---|---|---|\n",
    );
    for dtype in Dtype::ALL {
        for scheme in [Scheme::Forward, Scheme::Central] {
            if let Some(c) = outcome.difference(dtype, Some(scheme)) {
                let theory = scheme.best_step(dtype.epsilon());
                let _ = writeln!(
                    md,
                    "| {} | {} | **{:.1e}** | {:.1e} | {:.1e} | {} |",
                    if scheme == Scheme::Central {
                        "central"
                    } else {
                        "forward"
                    },
                    dtype.label(),
                    c.best_error,
                    c.best_step,
                    theory,
                    short(c.best_step / theory)
                );
            }
        }
    }
    if let (Some(s), Some(d)) = (
        outcome.difference(Dtype::F32, None),
        outcome.difference(Dtype::F64, None),
    ) {
        let plateau: Vec<f64> = s
            .points
            .iter()
            .filter(|p| (1e-8..=1e-4).contains(&p.0))
            .map(|p| p.1)
            .collect();
        let (lo, hi) = plateau
            .iter()
            .fold((f64::INFINITY, 0.0_f64), |(lo, hi), &e| {
                (lo.min(e), hi.max(e))
            });
        let flat = hi < 3.0 * lo;
        let _ = writeln!(
            md,
            "\n`autodiff::GradCheck` takes its differences in f64: on an f64 tape its smallest error is **{:.1e}** (at h = {:.1e}); on an f32 tape its error for h from 1e-8 to 1e-4 lies between **{:.1e}** and **{:.1e}**{}.",
            d.best_error,
            d.best_step,
            lo,
            hi,
            if flat && lo > 100.0 * d.best_error {
                ", a plateau set by the f32 gradient's own rounding that no step removes: check gradients on an f64 tape"
            } else {
                ""
            }
        );
    }
    md
}
