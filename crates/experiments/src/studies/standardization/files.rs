//! The standardization study's data files.

use std::path::Path;

use serde_json::json;

use super::{InputScaling, Outcome};
use crate::error::Result;
use crate::report::{Report, write_csv, write_json};

fn index(scaling: InputScaling) -> f64 {
    InputScaling::ALL
        .iter()
        .position(|&s| s == scaling)
        .unwrap_or(0) as f64
}

/// Writes every data file into `dir` and records it in `report`.
///
/// **Errors**: a file could not be written.
pub(super) fn write(outcome: &Outcome, dir: &Path, report: &mut Report) -> Result<()> {
    let target = outcome.target_loss;
    let mut scan = Vec::new();
    let mut curves = Vec::new();
    for s in &outcome.scalings {
        for r in &s.runs {
            scan.push(vec![
                index(s.scaling),
                r.lr,
                r.final_loss(),
                f64::from(u8::from(r.diverged.is_some())),
                (r.losses.len() - 1) as f64,
                r.iterations_to(target).map_or(f64::NAN, |t| t as f64),
                r.accuracy.unwrap_or(f64::NAN),
            ]);
        }
        for (t, &l) in s.best_run().losses.iter().enumerate() {
            curves.push(vec![index(s.scaling), s.best_run().lr, t as f64, l]);
        }
    }
    write_csv(
        &dir.join("lr_scan.csv"),
        &[
            "scaling_0raw_1unit_2global_3perpixel",
            "lr",
            "final_loss",
            "diverged",
            "iterations_run",
            "iterations_to_target",
            "train_accuracy",
        ],
        &scan,
    )?;
    report.data("lr_scan.csv");
    write_csv(
        &dir.join("best_curves.csv"),
        &[
            "scaling_0raw_1unit_2global_3perpixel",
            "lr",
            "iteration",
            "loss",
        ],
        &curves,
    )?;
    report.data("best_curves.csv");
    let summary = json!({
        "examples": outcome.examples,
        "iterations": outcome.iterations,
        "target_loss": target,
        "scalings": outcome.scalings.iter().map(|s| json!({
            "scaling": s.scaling,
            "lambda_max": s.lambda_max,
            "largest_stable_lr": s.largest_stable_lr(),
            "smallest_diverging_lr": s.smallest_diverging_lr(),
            "best_lr": s.best_run().lr,
            "best_final_loss": s.best_run().final_loss(),
            "iterations_to_target": s.best_run().iterations_to(target),
            "train_accuracy": s.best_run().accuracy,
        })).collect::<Vec<_>>(),
    });
    write_json(&dir.join("summary.json"), &summary)?;
    report.data("summary.json");
    Ok(())
}
