//! The random-search study's finding, in words and measured numbers.

use std::fmt::Write as _;

use super::{Outcome, median_cost, short};
use crate::report::{Frame, Source};
use crate::studies::power_law::log_slope;

/// One weight: random search is competitive when its best gap is within
/// this factor of gradient descent's (or below [`CLOSE`]).
const COMPETITIVE: f64 = 10.0;

/// A gap to the minimum loss this small counts as reaching it.
const CLOSE: f64 = 1e-4;

/// `(gradient descent's gap, random search's best gap)` after the one-weight budget.
fn one_weight_gaps(outcome: &Outcome) -> (f64, f64) {
    let ow = &outcome.one_weight;
    let gap = |gd: bool| {
        ow.runs
            .iter()
            .filter(|r| matches!(r.method, super::Method::GradientDescent { .. }) == gd)
            .map(|r| r.best() - ow.min_loss)
            .fold(f64::INFINITY, f64::min)
    };
    (gap(true), gap(false))
}

fn competitive(gd: f64, rs: f64) -> bool {
    rs <= COMPETITIVE * gd.max(0.0) || rs <= CLOSE
}

/// `(random search's slope, gradient descent's slope)` of cost against d.
fn slopes(outcome: &Outcome) -> (Option<f64>, Option<f64>) {
    let rs: Vec<(f64, f64)> = outcome
        .dims
        .iter()
        .filter_map(|d| Some((d.dim as f64, d.rs_median()?)))
        .collect();
    let gd: Vec<(f64, f64)> = outcome
        .dims
        .iter()
        .filter_map(|d| Some((d.dim as f64, d.gd_cost?)))
        .collect();
    (log_slope(&rs), log_slope(&gd))
}

/// Random search's cost grows at least linearly-ish (slope ≥ 0.8) and its
/// ratio to gradient descent's grows at least like √d.
fn slopes_differ(rs: Option<f64>, gd: Option<f64>) -> bool {
    matches!((rs, gd), (Some(r), Some(g)) if r >= 0.8 && r - g >= 0.5)
}

/// Random search's cost over gradient descent's at the largest d (a
/// search that did not reach the target counts at its budget, a lower
/// bound), and whether it is a lower bound.
fn last_ratio(outcome: &Outcome) -> Option<(usize, f64, bool)> {
    let d = outcome.dims.last()?;
    let gd = d.gd_cost?;
    Some(match d.rs_median() {
        Some(rs) => (d.dim, rs / gd, false),
        None => (d.dim, d.budget / gd, true),
    })
}

/// The teaching frame with its checks, a pure function of the outcome.
pub fn checks(outcome: &Outcome) -> Frame {
    let (gd_gap, rs_gap) = one_weight_gaps(outcome);
    let (rs_slope, gd_slope) = slopes(outcome);
    let slope = |s: Option<f64>| s.map_or("n/a".into(), |s| format!("{s:.2}"));
    let dims = outcome
        .dims
        .iter()
        .map(|d| d.dim.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let ratio = last_ratio(outcome);
    Frame::new(
        Source::Lecture,
        "Section 3: High dimensional search",
        "When Higher-Dimensional cases are considered, it becomes exponentially hard to minimize objective functions. [\u{2026}] But this takes forever to reach the target.",
        format!(
            "local random search and gradient descent minimize a logistic loss with one weight, then with d = {dims} weights, at equal budgets of function evaluations (a gradient counts {})",
            outcome.gradient_cost
        ),
        "the cost-versus-d plot: random search's cost climbs with d while gradient descent's stays flat",
    )
    .check(
        format!(
            "with one weight random search is competitive: best gap to the minimum {rs_gap:.1e} against gradient descent's {gd_gap:.1e} (within {COMPETITIVE}× or below {CLOSE:.0e} counts)"
        ),
        competitive(gd_gap, rs_gap),
    )
    .check(
        format!(
            "random search's cost to the target grows like d^{} over d = {dims}, gradient descent's like d^{} (random search's slope at least 0.8 and at least 0.5 above gradient descent's needed; a power law, not exponential, for this local search)",
            slope(rs_slope),
            slope(gd_slope)
        ),
        slopes_differ(rs_slope, gd_slope),
    )
    .check(
        match ratio {
            Some((d, r, bound)) => format!(
                "at d = {d} random search needs {}{r:.0}× gradient descent's evaluations (at least 10× needed)",
                if bound { "more than " } else { "" }
            ),
            None => "gradient descent did not reach the target at the largest d".into(),
        },
        ratio.is_some_and(|(_, r, _)| r >= 10.0),
    )
}

fn fmt_cost(c: Option<f64>, budget: f64) -> String {
    match c {
        Some(c) => format!("{c:.0}"),
        None => format!("> {budget:.0} (not reached)"),
    }
}

pub(super) fn finding(outcome: &Outcome) -> String {
    let mut md = format!(
        "**Convention.** Every call goes through a counting wrapper; a gradient call (forward and backward pass) counts as **{}** function evaluations.\n\n",
        outcome.gradient_cost
    );
    one_weight(outcome, &mut md);
    sweep_table(outcome, &mut md);
    sweep_summary(outcome, &mut md);
    md
}

fn one_weight(outcome: &Outcome, md: &mut String) {
    let ow = &outcome.one_weight;
    let _ = write!(
        md,
        "**One weight.** Logistic loss of a single weight, started at w₀ = {:.2}, {:.1} from the minimizer w* = {:.3} (L* = {:.4}). After **{:.0}** evaluation equivalents the gaps L − L* are: ",
        ow.start,
        (ow.start - ow.minimizer).abs(),
        ow.minimizer,
        ow.min_loss,
        ow.runs
            .iter()
            .filter_map(|r| r.trace.last().map(|p| p.cost))
            .fold(0.0, f64::max)
    );
    let gaps: Vec<String> = ow
        .runs
        .iter()
        .map(|r| format!("{} **{:.1e}**", r.method.label(), r.best() - ow.min_loss))
        .collect();
    let (gd, rs) = one_weight_gaps(outcome);
    let verdict = if competitive(gd, rs) {
        "With one weight random search is **competitive** with gradient descent: a random step is as likely to point downhill as not."
    } else {
        "Even with one weight random search **falls behind** gradient descent here."
    };
    let _ = writeln!(md, "{}. {verdict}\n", gaps.join(", "));
}

fn sweep_table(outcome: &Outcome, md: &mut String) {
    let _ = writeln!(
        md,
        "**Growing dimension.** Logistic regression with d weights on two Gaussian classes ({} examples, never separable), from w = 0 (loss ln 2 = 0.693) until all but **{:.0}%** of the gap to the minimum L* is closed; each method's step size is the cheapest of a small grid (random search: σ = c/√d); random search's cost is the median over {} seeds.\n",
        outcome
            .examples
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        100.0 * outcome.target_gap,
        outcome.dims.first().map_or(0, |d| d.rs_costs.len())
    );
    md.push_str("| d | target loss | GD lr | GD cost | RS σ | RS cost (median) | RS / GD |\n|---|---|---|---|---|---|---|\n");
    for d in &outcome.dims {
        let ratio = match (d.rs_median(), d.gd_cost) {
            (Some(r), Some(g)) => format!("{:.0}×", r / g),
            (None, Some(g)) => format!("> {:.0}×", d.budget / g),
            _ => "n/a".into(),
        };
        let _ = writeln!(
            md,
            "| {} | {:.3} | {} | {} | {} | {} | {} |",
            d.dim,
            d.target,
            short(d.gd.method.step()),
            fmt_cost(d.gd_cost, d.budget),
            short(d.rs.method.step()),
            fmt_cost(median_cost(&d.rs_costs), d.budget),
            ratio
        );
    }
    md.push('\n');
}

fn sweep_summary(outcome: &Outcome, md: &mut String) {
    if let (Some(rs_slope), Some(gd_slope)) = slopes(outcome) {
        let verdict = if slopes_differ(Some(rs_slope), Some(gd_slope)) {
            "the curse of dimensionality hits the method that only sees function values"
        } else if rs_slope > gd_slope {
            "random search's cost grows faster, but not by as much as theory leads one to expect"
        } else {
            "at these sizes random search does not pay more for dimension than gradient descent"
        };
        let _ = writeln!(
            md,
            "On log-log axes random search's cost grows with slope **{rs_slope:.2}** in d (1 = linear), gradient descent's with slope **{gd_slope:.2}**: {verdict}.\n"
        );
    }
    if let Some(last) = outcome.dims.last() {
        let time_to = |seconds: Option<f64>| {
            seconds.map_or("not reached".to_string(), |s| format!("{:.2} ms", 1e3 * s))
        };
        let _ = writeln!(
            md,
            "In time, at d = {}: gradient descent reached the target after **{}**, random search after **{}**. A gradient call took **{:.1}×** the time of an evaluation ({:.1} µs versus {:.1} µs; counted as {}).",
            last.dim,
            time_to(last.gd_seconds),
            time_to(last.rs_seconds),
            last.seconds_per_gradient / last.seconds_per_evaluation,
            last.seconds_per_gradient * 1e6,
            last.seconds_per_evaluation * 1e6,
            outcome.gradient_cost
        );
    }
}
