//! The random-search study's figures, data files and finding.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use super::{Dimension, Method, NAME, Outcome, TracePoint, median_cost, short};
use crate::error::Result;
use crate::plot::{LineChart, Scale, Series, SeriesStyle};
use crate::report::{Report, write_csv, write_json};
use crate::study::Study as _;

/// Writes the figures and data of `outcome` into `dir` and states the finding.
///
/// **Errors**: a figure or file could not be written.
pub fn report(outcome: &Outcome, dir: &Path) -> Result<Report> {
    let mut report = Report::new(NAME, super::RandomSearchStudy.title(), "§3");
    one_weight_figures(outcome, dir, &mut report)?;
    sweep_figures(outcome, dir, &mut report)?;
    write_data(outcome, dir, &mut report)?;
    report.finding = finding(outcome);
    Ok(report)
}

fn trace_series(label: String, trace: &[TracePoint], x: impl Fn(&TracePoint) -> f64) -> Series {
    Series::line(label, trace.iter().map(|p| (x(p), p.best)).collect())
}

fn one_weight_figures(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let ow = &outcome.one_weight;
    let mut gap = LineChart::new(
        "One weight: loss gap versus cost",
        format!(
            "function-evaluation equivalents (a gradient counts {})",
            outcome.gradient_cost
        ),
        "best loss − minimum loss",
    )
    .y_scale(Scale::Log);
    for run in &ow.runs {
        let points = run
            .trace
            .iter()
            .map(|p| (p.cost, p.best - ow.min_loss))
            .collect();
        gap = gap.with(Series::line(run.method.label(), points));
    }
    report.figure(
        dir,
        "one_weight_gap",
        "One weight: gap to the minimum loss versus function evaluations (log scale)",
        &gap,
    )?;

    let mut path = LineChart::new(
        "One weight: the loss and the iterates",
        "weight w",
        "loss L(w)",
    )
    .with(Series::line("L(w)", ow.curve.clone()));
    for run in &ow.runs {
        let points = run.path.iter().map(|(w, l)| (w[0], *l)).collect();
        path = path.with(Series::line(run.method.label(), points).style(SeriesStyle::LinePoints));
    }
    report.figure(
        dir,
        "one_weight_path",
        "One weight: the loss curve with the points each method moved to",
        &path,
    )
}

/// The dimensions drawn as curves: the smallest and the largest.
fn shown(outcome: &Outcome) -> Vec<&Dimension> {
    let mut dims: Vec<&Dimension> = outcome.dims.iter().take(1).collect();
    if let Some(last) = outcome.dims.last().filter(|_| outcome.dims.len() > 1) {
        dims.push(last);
    }
    dims
}

fn sweep_figures(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let x_cost = format!(
        "function-evaluation equivalents (a gradient counts {})",
        outcome.gradient_cost
    );
    let mut by_cost = LineChart::new("Loss versus evaluations", x_cost, "best loss")
        .x_scale(Scale::Log)
        .y_scale(Scale::Log);
    let mut by_time = LineChart::new("Loss versus time", "seconds", "best loss")
        .x_scale(Scale::Log)
        .y_scale(Scale::Log);
    for d in shown(outcome) {
        for (run, name) in [(&d.gd, "GD"), (&d.rs, "RS")] {
            let step = match run.method {
                Method::GradientDescent { lr } => format!("lr {}", short(lr)),
                _ => format!("σ {}", short(run.method.step())),
            };
            let label = format!("{name}, d = {}, {step}", d.dim);
            by_cost = by_cost.with(trace_series(label.clone(), &run.trace, |p| p.cost));
            by_time = by_time.with(trace_series(label, &run.trace, |p| p.seconds));
        }
    }
    let max_cost = outcome.dims.iter().map(|d| d.budget).fold(1.0, f64::max);
    let (min_time, max_time) = outcome
        .dims
        .iter()
        .flat_map(|d| [&d.gd, &d.rs])
        .flat_map(|r| r.trace.iter().map(|p| p.seconds))
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), t| {
            (lo.min(t), hi.max(t))
        });
    for d in shown(outcome) {
        let label = format!("target, d = {}: {:.3}", d.dim, d.target);
        by_cost = by_cost.with(Series::line(
            label.clone(),
            vec![(1.0, d.target), (max_cost, d.target)],
        ));
        by_time = by_time.with(Series::line(
            label,
            vec![(min_time, d.target), (max_time, d.target)],
        ));
    }
    report.figure(
        dir,
        "loss_vs_evaluations",
        "Best loss versus function-evaluation equivalents at the smallest and largest dimension (equal budgets)",
        &by_cost,
    )?;
    report.figure(
        dir,
        "loss_vs_time",
        "Best loss versus wall-clock seconds at the smallest and largest dimension",
        &by_time,
    )?;

    let gd: Vec<(f64, f64)> = outcome
        .dims
        .iter()
        .filter_map(|d| Some((d.dim as f64, d.gd_cost?)))
        .collect();
    let rs: Vec<(f64, f64)> = outcome
        .dims
        .iter()
        .filter_map(|d| Some((d.dim as f64, d.rs_median()?)))
        .collect();
    let band = outcome
        .dims
        .iter()
        .filter_map(|d| {
            let reached: Vec<f64> = d.rs_costs.iter().flatten().copied().collect();
            let lo = reached.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = if reached.len() == d.rs_costs.len() {
                reached.iter().copied().fold(0.0, f64::max)
            } else {
                d.budget
            };
            lo.is_finite().then_some((d.dim as f64, lo, hi))
        })
        .collect();
    let budget = outcome
        .dims
        .iter()
        .map(|d| (d.dim as f64, d.budget))
        .collect();
    let mut chart = LineChart::new(
        format!(
            "Cost to close {:.0}% of the loss gap versus the number of weights",
            100.0 * (1.0 - outcome.target_gap)
        ),
        "number of weights d",
        "function-evaluation equivalents to the target",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .with(Series::line("gradient descent", gd).style(SeriesStyle::LinePoints))
    .with(
        Series::line("random search (median, min–max band)", rs)
            .band(band)
            .style(SeriesStyle::LinePoints),
    )
    .with(Series::line("budget", budget));
    if let Some(first) = outcome.dims.iter().find(|d| d.rs_median().is_some()) {
        let (d0, c0) = (first.dim as f64, first.rs_median().unwrap_or(1.0));
        let reference = outcome
            .dims
            .iter()
            .map(|d| (d.dim as f64, c0 * d.dim as f64 / d0))
            .collect();
        chart = chart.with(Series::line("∝ d (reference)", reference));
    }
    report.figure(
        dir,
        "cost_vs_dimension",
        "Evaluations needed to reach the target loss versus the number of weights (log-log): the curse of dimensionality",
        &chart,
    )
}

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn write_data(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let sweep: Vec<Vec<f64>> = outcome
        .dims
        .iter()
        .map(|d| {
            let reached: Vec<f64> = d.rs_costs.iter().flatten().copied().collect();
            vec![
                d.dim as f64,
                d.budget,
                d.min_loss,
                d.target,
                d.gd.method.step(),
                opt(d.gd_cost),
                d.gd.best(),
                d.rs.method.step(),
                opt(d.rs_median()),
                reached.iter().copied().fold(f64::NAN, f64::min),
                reached.iter().copied().fold(f64::NAN, f64::max),
                (d.rs_costs.len() - reached.len()) as f64,
                d.rs.best(),
                d.seconds_per_evaluation,
                d.seconds_per_gradient,
            ]
        })
        .collect();
    write_csv(
        &dir.join("sweep.csv"),
        &[
            "dim",
            "budget",
            "min_loss",
            "target_loss",
            "gd_lr",
            "gd_cost_to_target",
            "gd_best_loss",
            "rs_sigma",
            "rs_median_cost_to_target",
            "rs_min_cost",
            "rs_max_cost",
            "rs_failed_repeats",
            "rs_best_loss",
            "seconds_per_evaluation",
            "seconds_per_gradient",
        ],
        &sweep,
    )?;
    report.data("sweep.csv");

    let mut trials = Vec::new();
    for d in &outcome.dims {
        for (method, list) in [(0.0, &d.gd_trials), (1.0, &d.rs_trials)] {
            for t in list {
                trials.push(vec![
                    d.dim as f64,
                    method,
                    t.step,
                    opt(t.cost_to_target),
                    t.best_loss,
                ]);
            }
        }
    }
    write_csv(
        &dir.join("step_sizes.csv"),
        &[
            "dim",
            "method_0gd_1rs",
            "step",
            "cost_to_target",
            "best_loss",
        ],
        &trials,
    )?;
    report.data("step_sizes.csv");

    let mut traces = Vec::new();
    for d in &outcome.dims {
        for (method, run) in [(0.0, &d.gd), (1.0, &d.rs)] {
            for p in &run.trace {
                traces.push(vec![d.dim as f64, method, p.cost, p.seconds, p.best]);
            }
        }
    }
    write_csv(
        &dir.join("traces.csv"),
        &["dim", "method_0gd_1rs", "cost", "seconds", "best_loss"],
        &traces,
    )?;
    report.data("traces.csv");

    let ow = &outcome.one_weight;
    let mut rows = Vec::new();
    for (i, run) in ow.runs.iter().enumerate() {
        for p in &run.trace {
            rows.push(vec![
                i as f64,
                p.cost,
                p.seconds,
                p.best,
                p.best - ow.min_loss,
            ]);
        }
    }
    write_csv(
        &dir.join("one_weight.csv"),
        &["method", "cost", "seconds", "best_loss", "gap"],
        &rows,
    )?;
    report.data("one_weight.csv");

    let summary = json!({
        "gradient_cost": outcome.gradient_cost,
        "target_gap": outcome.target_gap,
        "one_weight": {
            "minimizer": ow.minimizer,
            "min_loss": ow.min_loss,
            "start": ow.start,
            "methods": ow.runs.iter().map(|r| json!({
                "method": r.method,
                "final_gap": r.best() - ow.min_loss,
                "final_weight": r.x[0],
            })).collect::<Vec<_>>(),
        },
        "dims": outcome.dims.iter().map(|d| json!({
            "dim": d.dim,
            "budget": d.budget,
            "min_loss": d.min_loss,
            "target_loss": d.target,
            "gd": d.gd.method,
            "gd_cost_to_target": d.gd_cost,
            "rs": d.rs.method,
            "rs_costs_to_target": d.rs_costs,
            "rs_median_cost_to_target": d.rs_median(),
            "gd_trials": d.gd_trials,
            "rs_trials": d.rs_trials,
        })).collect::<Vec<_>>(),
    });
    write_json(&dir.join("summary.json"), &summary)?;
    report.data("summary.json");
    Ok(())
}

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

fn finding(outcome: &Outcome) -> String {
    let ow = &outcome.one_weight;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "**Convention.** Every call goes through a counting wrapper; a gradient call (forward and backward pass) counts as **{}** function evaluations.\n",
        outcome.gradient_cost
    );
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
    md.push('\n');
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
    md
}
