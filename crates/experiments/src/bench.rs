//! The benchmark protocol's workloads (`../shared/BENCHMARKS.md`) on the
//! trainer, reported with the same JSON keys as the PyTorch and NumPy peers.
//! `cargo xtask bench` runs each in its own process.
//!
//! ```
//! let w = experiments::bench::Workload::parse("W2").unwrap();
//! assert_eq!(w.layers, [784, 512, 512, 10]);
//! // forward + backward ≈ 3 × forward matmul FLOPs, over 60,000 images
//! assert_eq!(w.flops_per_unit(), 3 * 2 * (784 * 512 + 512 * 512 + 512 * 10) * 60_000);
//! ```

use std::time::Instant;

use data::Splits;
use serde_json::{Value, json};

use crate::error::{ExperimentsError, Result};
use crate::train::{EvalSplit, OptimizerChoice, TrainConfig, Trainer};

/// Training examples in one epoch, as the protocol counts FLOPs.
const N_TRAIN: usize = 60_000;

/// The protocol's seed, as the peers use it.
pub const SEED: u64 = 42;

/// What one timed repetition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// One pass over the 60,000 training images in minibatches.
    Epoch,
    /// One full-batch gradient step.
    Step,
    /// Ten epochs from a fresh model, then test accuracy.
    Quality,
}

/// One row of the protocol's workload table.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    /// `W1`, `W2`, `W3`, `Q1` or `Q2`.
    pub id: &'static str,
    /// The protocol's long name.
    pub name: &'static str,
    /// Layer widths.
    pub layers: Vec<usize>,
    /// Minibatch size.
    pub batch: usize,
    /// SGD or Adam.
    pub optimizer: OptimizerChoice,
    /// Learning rate.
    pub lr: f64,
    /// What is timed.
    pub unit: Unit,
    /// Timed repetitions by default (epochs for quality workloads).
    pub reps: usize,
}

impl Workload {
    /// The workload with this id (case-insensitive).
    ///
    /// **Errors**: [`ExperimentsError::Invalid`] for an unknown id.
    ///
    /// ```
    /// assert!(experiments::bench::Workload::parse("w9").is_err());
    /// ```
    pub fn parse(id: &str) -> Result<Self> {
        let (id, name, layers, batch, optimizer, lr, unit, reps) = match id.to_uppercase().as_str()
        {
            "W1" => (
                "W1",
                "seed-mlp-sgd",
                vec![784, 10, 10],
                128,
                OptimizerChoice::Sgd,
                0.1,
                Unit::Epoch,
                5,
            ),
            "W2" => (
                "W2",
                "wide-mlp-adam",
                vec![784, 512, 512, 10],
                128,
                OptimizerChoice::Adam,
                1e-3,
                Unit::Epoch,
                3,
            ),
            "W3" => (
                "W3",
                "full-batch-gd",
                vec![784, 10, 10],
                N_TRAIN,
                OptimizerChoice::Sgd,
                0.5,
                Unit::Step,
                10,
            ),
            "Q1" => (
                "Q1",
                "wide-mlp-adam-10ep",
                vec![784, 512, 512, 10],
                128,
                OptimizerChoice::Adam,
                1e-3,
                Unit::Quality,
                10,
            ),
            "Q2" => (
                "Q2",
                "seed-mlp-sgd-10ep",
                vec![784, 10, 10],
                128,
                OptimizerChoice::Sgd,
                0.1,
                Unit::Quality,
                10,
            ),
            other => {
                return Err(ExperimentsError::Invalid(format!(
                    "unknown workload `{other}` (W1, W2, W3, Q1, Q2)"
                )));
            }
        };
        Ok(Workload {
            id,
            name,
            layers,
            batch,
            optimizer,
            lr,
            unit,
            reps,
        })
    }

    /// Nominal FLOPs of one timed unit: 3 × forward matmul FLOPs × 60,000.
    ///
    /// ```
    /// assert_eq!(experiments::bench::Workload::parse("W1").unwrap().flops_per_unit(), 3 * 2 * (7840 + 100) * 60_000);
    /// ```
    pub fn flops_per_unit(&self) -> usize {
        let forward: usize = self.layers.windows(2).map(|w| 2 * w[0] * w[1]).sum();
        3 * forward * N_TRAIN
    }

    /// The trainer settings of this workload.
    ///
    /// ```
    /// let c = experiments::bench::Workload::parse("W3").unwrap().config();
    /// assert_eq!((c.batch, c.lr), (60_000, 0.5));
    /// ```
    pub fn config(&self) -> TrainConfig {
        TrainConfig {
            model: self
                .layers
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join("-"),
            optimizer: self.optimizer,
            lr: self.lr,
            batch: self.batch,
            epochs: self.reps.max(1),
            seed: SEED,
            checkpoint_every: 0,
            ..TrainConfig::default()
        }
    }
}

/// Peak resident memory of this process in MB (`VmHWM`), or NaN where
/// `/proc` is missing.
///
/// ```
/// assert!(experiments::bench::peak_rss_mb() > 0.0 || cfg!(not(target_os = "linux")));
/// ```
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Runs `workload` on `splits` (f32, standardized as the protocol says) and
/// returns its result line: the peers' keys (`workload`, `median_s`, `min_s`,
/// `max_s`, `unit`, `gflops`, `peak_rss_mb`, and for Q1/Q2 `test_accuracy` and
/// `train_loss`, the mean minibatch loss of the last epoch).
///
/// **Errors**: the trainer failed (e.g. a diverging loss).
pub fn run(
    workload: &Workload,
    splits: &Splits,
    reps: Option<usize>,
    load_s: f64,
) -> Result<Value> {
    let config = workload.config();
    let mut trainer = Trainer::<f32>::new(&config, splits)?;
    let flops = workload.flops_per_unit() as f64;
    let mut result = json!({
        "peer": "optilab",
        "version": env!("CARGO_PKG_VERSION"),
        "workload": workload.id,
        "workload_name": workload.name,
        "threads": std::env::var("RAYON_NUM_THREADS").ok().and_then(|t| t.parse::<u64>().ok()),
        "seed": SEED,
        "batch": workload.batch,
        "layers": workload.layers,
        "optimizer": format!("{:?}", workload.optimizer).to_lowercase(),
        "lr": workload.lr,
        "load_s": load_s,
        "flops_per_unit": flops,
    });
    let mut times = Vec::new();
    let mut losses = Vec::new();
    match workload.unit {
        Unit::Epoch | Unit::Step => {
            let reps = reps.unwrap_or(workload.reps);
            let one = |t: &mut Trainer<'_, f32>| -> Result<f64> {
                if workload.unit == Unit::Epoch {
                    Ok(t.train_epoch()?.loss)
                } else {
                    t.full_batch_step()
                }
            };
            one(&mut trainer)?; // warm-up, not counted
            for _ in 0..reps {
                let start = Instant::now();
                losses.push(one(&mut trainer)?);
                times.push(start.elapsed().as_secs_f64());
            }
            result["unit"] = json!(if workload.unit == Unit::Epoch {
                "epoch"
            } else {
                "step"
            });
            result["warmup"] = json!(1);
            result["reps"] = json!(reps);
            result["last_loss"] = json!(losses.last().copied());
        }
        Unit::Quality => {
            let epochs = reps.unwrap_or(workload.reps);
            for _ in 0..epochs {
                let start = Instant::now();
                losses.push(trainer.train_epoch()?.loss);
                times.push(start.elapsed().as_secs_f64());
            }
            let test = trainer.evaluate(EvalSplit::Test)?;
            let train = trainer.evaluate(EvalSplit::Train)?;
            result["unit"] = json!("epoch");
            result["epochs"] = json!(epochs);
            result["train_s"] = json!(times.iter().sum::<f64>());
            result["epoch_mean_losses"] = json!(losses);
            result["train_loss"] = json!(losses.last().copied());
            result["test_accuracy"] = json!(test.accuracy);
            result["test_loss"] = json!(test.loss);
            result["final_train_loss_full"] = json!(train.loss);
            result["train_acc"] = json!(train.accuracy);
        }
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let med = median(&sorted);
    result["times_s"] = json!(times);
    result["median_s"] = json!(med);
    result["min_s"] = json!(sorted.first().copied());
    result["max_s"] = json!(sorted.last().copied());
    result["mean_s"] = json!(times.iter().sum::<f64>() / times.len().max(1) as f64);
    result["gflops"] = json!(flops / med / 1e9);
    result["peak_rss_mb"] = json!((peak_rss_mb() * 10.0).round() / 10.0);
    Ok(result)
}

/// A chart of the median time per workload for each runner (optilab and the
/// peers), from result lines such as `cargo xtask bench --out FILE` writes:
/// x is the workload (1 = W1, 2 = W2, 3 = W3), y the median seconds per unit
/// on a log scale.
///
/// ```
/// let lines = vec![
///     serde_json::json!({"peer": "optilab", "workload": "W1", "median_s": 0.04}),
///     serde_json::json!({"peer": "torch-eager", "workload": "W1", "median_s": 0.27}),
/// ];
/// let chart = experiments::bench::chart(&lines);
/// assert_eq!(chart.series.len(), 2);
/// assert!(chart.x_names[0].starts_with("W1"));
/// ```
pub fn chart(lines: &[Value]) -> crate::plot::LineChart {
    use crate::plot::{LineChart, Scale, Series, SeriesStyle};
    let mut runners: Vec<String> = Vec::new();
    for l in lines {
        if let Some(p) = l["peer"].as_str()
            && !runners.iter().any(|r| r == p)
        {
            runners.push(p.to_string());
        }
    }
    let mut chart = LineChart::new(
        "Median seconds per unit (W1, W2: epoch; W3: full-batch step)",
        "workload",
        "seconds (log scale)",
    )
    .y_scale(Scale::Log)
    .x_names([
        "W1 (784-10-10, SGD)",
        "W2 (784-512-512-10, Adam)",
        "W3 (full batch)",
    ]);
    for runner in runners {
        let points: Vec<(f64, f64)> = lines
            .iter()
            .filter(|l| l["peer"].as_str() == Some(runner.as_str()))
            .filter_map(|l| {
                let x = match l["workload"].as_str()? {
                    "W1" => 1.0,
                    "W2" => 2.0,
                    "W3" => 3.0,
                    _ => return None,
                };
                Some((x, l["median_s"].as_f64()?))
            })
            .collect();
        chart = chart.with(Series::line(runner, points).style(SeriesStyle::LinePoints));
    }
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_protocol_workload_parses_with_its_settings() {
        for id in ["W1", "w2", "W3", "Q1", "q2"] {
            let w = Workload::parse(id).unwrap();
            assert_eq!(w.id, id.to_uppercase());
        }
        assert_eq!(Workload::parse("W3").unwrap().unit, Unit::Step);
        assert_eq!(Workload::parse("Q1").unwrap().reps, 10);
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(&[1.0, 2.0, 3.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 3.0, 4.0]), 2.5);
        assert!(median(&[]).is_nan());
    }
}
