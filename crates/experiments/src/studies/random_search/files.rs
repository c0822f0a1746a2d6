//! The random-search study's data files.

use std::path::Path;

use serde_json::{Value, json};

use super::Outcome;
use crate::error::Result;
use crate::report::{Report, write_csv, write_json};

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

/// Writes every data file into `dir` and records it in `report`.
///
/// **Errors**: a file could not be written.
pub(super) fn write(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let mut csv = |name: &str, header: &[&str], rows: Vec<Vec<f64>>| -> Result<()> {
        write_csv(&dir.join(name), header, &rows)?;
        report.data(name);
        Ok(())
    };
    csv("sweep.csv", &SWEEP_HEADER, sweep_rows(outcome))?;
    csv(
        "step_sizes.csv",
        &[
            "dim",
            "method_0gd_1rs",
            "step",
            "cost_to_target",
            "best_loss",
        ],
        trial_rows(outcome),
    )?;
    csv(
        "traces.csv",
        &["dim", "method_0gd_1rs", "cost", "seconds", "best_loss"],
        trace_rows(outcome),
    )?;
    csv(
        "one_weight.csv",
        &["method", "cost", "seconds", "best_loss", "gap"],
        one_weight_rows(outcome),
    )?;
    write_json(&dir.join("summary.json"), &summary(outcome))?;
    report.data("summary.json");
    Ok(())
}

const SWEEP_HEADER: [&str; 15] = [
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
];

fn sweep_rows(outcome: &Outcome) -> Vec<Vec<f64>> {
    outcome
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
        .collect()
}

fn trial_rows(outcome: &Outcome) -> Vec<Vec<f64>> {
    let mut rows = Vec::new();
    for d in &outcome.dims {
        for (method, list) in [(0.0, &d.gd_trials), (1.0, &d.rs_trials)] {
            for t in list {
                let cost = opt(t.cost_to_target);
                rows.push(vec![d.dim as f64, method, t.step, cost, t.best_loss]);
            }
        }
    }
    rows
}

fn trace_rows(outcome: &Outcome) -> Vec<Vec<f64>> {
    let mut rows = Vec::new();
    for d in &outcome.dims {
        for (method, run) in [(0.0, &d.gd), (1.0, &d.rs)] {
            for p in &run.trace {
                rows.push(vec![d.dim as f64, method, p.cost, p.seconds, p.best]);
            }
        }
    }
    rows
}

fn one_weight_rows(outcome: &Outcome) -> Vec<Vec<f64>> {
    let ow = &outcome.one_weight;
    let mut rows = Vec::new();
    for (i, run) in ow.runs.iter().enumerate() {
        for p in &run.trace {
            let gap = p.best - ow.min_loss;
            rows.push(vec![i as f64, p.cost, p.seconds, p.best, gap]);
        }
    }
    rows
}

fn summary(outcome: &Outcome) -> Value {
    let ow = &outcome.one_weight;
    json!({
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
        "dims": outcome.dims.iter().zip(&outcome.examples).map(|(d, examples)| json!({
            "dim": d.dim,
            "examples": examples,
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
    })
}
