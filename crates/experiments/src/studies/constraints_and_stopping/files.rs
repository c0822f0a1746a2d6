//! The constraints-and-stopping study's data files.

use std::path::Path;

use serde_json::{Value, json};

use super::{Enforcement, Firing, Outcome, Rule};
use crate::error::Result;
use crate::report::{Report, write_csv, write_json};

/// Writes every data file into `dir` and records it in `report`.
///
/// **Errors**: a file could not be written.
pub(super) fn write(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let mut csv = |name: &str, header: &[&str], rows: Vec<Vec<f64>>| -> Result<()> {
        write_csv(&dir.join(name), header, &rows)?;
        report.data(name);
        Ok(())
    };
    csv(
        "constraints.csv",
        &[
            "kind_0proj_1exp_2log",
            "m_or_mu",
            "beta1",
            "beta2",
            "objective",
            "violation",
            "distance_to_minimizer",
            "iterations",
        ],
        constraint_rows(outcome),
    )?;
    let (losses, observations) = run_rows(outcome);
    csv("losses.csv", &["lr", "iteration", "minibatch_loss"], losses)?;
    csv(
        "observations.csv",
        &[
            "lr",
            "iteration",
            "smoothed_loss",
            "validation_accuracy",
            "seconds",
        ],
        observations,
    )?;
    write_json(&dir.join("stopping.json"), &stopping_summary(outcome))?;
    report.data("stopping.json");
    Ok(())
}

fn constraint_rows(outcome: &Outcome) -> Vec<Vec<f64>> {
    let (lo, hi) = outcome.bounds;
    let opt = outcome.optimum();
    outcome
        .constraint_runs
        .iter()
        .map(|r| {
            let (kind, setting) = match r.enforcement {
                Enforcement::Projection => (0.0, f64::NAN),
                Enforcement::Exponential { steepness } => (1.0, steepness),
                Enforcement::Logarithmic { weight } => (2.0, weight),
            };
            let b = r.last();
            vec![
                kind,
                setting,
                b[0],
                b[1],
                outcome.quadratic.value(b),
                r.violation(lo, hi),
                r.distance_to(opt),
                r.iterations.map_or(f64::NAN, |i| i as f64),
            ]
        })
        .collect()
}

/// Every minibatch loss, and every observation, of both runs.
fn run_rows(outcome: &Outcome) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let mut losses = Vec::new();
    let mut observations = Vec::new();
    for run in [&outcome.normal, &outcome.diverging] {
        for (i, &l) in run.losses.iter().enumerate() {
            losses.push(vec![run.lr, i as f64 + 1.0, l]);
        }
        for s in &run.observations {
            let metric = s.metric.unwrap_or(f64::NAN);
            observations.push(vec![run.lr, s.iteration as f64, s.loss, metric, s.seconds]);
        }
    }
    (losses, observations)
}

fn firings(list: &[(Rule, Option<Firing>)]) -> Vec<Value> {
    list.iter()
        .map(|(rule, f)| {
            json!({
                "rule": rule,
                "iteration": f.map(|f| f.step.iteration),
                "seconds": f.map(|f| f.step.seconds),
                "loss": f.map(|f| f.step.loss),
                "reason": f.map(|f| f.reason.to_string()),
            })
        })
        .collect()
}

fn stopping_summary(outcome: &Outcome) -> Value {
    json!({
        "stopping": outcome.stopping,
        "normal_lr": outcome.training.lr,
        "diverging_lr": outcome.training.diverging_lr,
        "firings": firings(&outcome.firings),
        "combined": outcome.combined.map(|(s, r)| json!({
            "iteration": s.iteration,
            "reason": r.to_string(),
        })),
        "diverging_firings": firings(&outcome.diverging_firings),
    })
}
