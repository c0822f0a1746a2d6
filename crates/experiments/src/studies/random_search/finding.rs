//! The random-search study's finding, in words and measured numbers.

use std::fmt::Write as _;

use super::{Outcome, median_cost, short};

/// Least-squares slope of `ln y` against `ln x`.
fn log_slope(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let logs: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x.ln(), y.ln())).collect();
    let n = logs.len() as f64;
    let (mx, my) = logs
        .iter()
        .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x / n, b + y / n));
    let sxx: f64 = logs.iter().map(|&(x, _)| (x - mx).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|&(x, y)| (x - mx) * (y - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
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
    let _ = writeln!(
        md,
        "{}. With one weight random search is competitive: a random step is as likely to point downhill as not.\n",
        gaps.join(", ")
    );
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
    if let (Some(rs_slope), Some(gd_slope)) = (log_slope(&rs), log_slope(&gd)) {
        let _ = writeln!(
            md,
            "On log-log axes random search's cost grows with slope **{rs_slope:.2}** in d (1 = linear), gradient descent's with slope **{gd_slope:.2}**: the curse of dimensionality hits the method that only sees function values.\n"
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
