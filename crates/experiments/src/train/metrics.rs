//! The run directory: `config.json`, `metrics.csv` and `metrics.jsonl` (one
//! line per epoch), `steps.csv` (the loss of every step), `summary.json`,
//! and PNG/SVG plots of loss, accuracy and learning rate.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{ExperimentsError, Result};
use crate::plot::{LineChart, Scale, Series, save};
use crate::report::{write_csv, write_json};
use crate::train::config::TrainConfig;
use crate::train::record::{EpochRecord, RunSummary};

/// Writes a run's files into its directory.
///
/// ```
/// use experiments::train::{RunWriter, TrainConfig};
/// let dir = tempfile::tempdir().unwrap();
/// let writer = RunWriter::create(dir.path(), &TrainConfig::default()).unwrap();
/// writer.write_progress(&[], &[2.3, 2.1]).unwrap();
/// assert!(dir.path().join("config.json").exists());
/// assert!(std::fs::read_to_string(dir.path().join("steps.csv")).unwrap().starts_with("step,loss\n1,2.3\n"));
/// ```
#[derive(Debug, Clone)]
pub struct RunWriter {
    dir: PathBuf,
}

/// The columns of `metrics.csv`.
pub const CSV_HEADER: [&str; 12] = [
    "epoch",
    "steps",
    "train_loss",
    "train_accuracy",
    "eval_loss",
    "eval_accuracy",
    "lr",
    "grad_norm",
    "max_grad_norm",
    "seconds",
    "eval_seconds",
    "warnings",
];

impl RunWriter {
    /// Creates the directory and writes `config.json`.
    ///
    /// **Errors**: the directory or file cannot be written.
    pub fn create(dir: &Path, config: &TrainConfig) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| ExperimentsError::io(dir, e))?;
        write_json(&dir.join("config.json"), config)?;
        Ok(RunWriter {
            dir: dir.to_path_buf(),
        })
    }

    /// A writer for an existing run directory (when resuming).
    pub fn open(dir: &Path) -> Self {
        RunWriter {
            dir: dir.to_path_buf(),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Rewrites `metrics.csv`, `metrics.jsonl` and `steps.csv` from the
    /// records and step losses so far (so a resumed run never duplicates
    /// lines).
    ///
    /// **Errors**: a file cannot be written.
    pub fn write_progress(&self, records: &[EpochRecord], step_losses: &[f64]) -> Result<()> {
        let rows: Vec<Vec<f64>> = records
            .iter()
            .map(|r| {
                let (el, ea) = r
                    .eval
                    .map_or((f64::NAN, f64::NAN), |e| (e.loss, e.accuracy));
                vec![
                    r.epoch as f64,
                    r.total_steps as f64,
                    r.train.loss,
                    r.train.accuracy,
                    el,
                    ea,
                    r.train.lr,
                    r.train.grad_norm,
                    r.train.max_grad_norm,
                    r.train.seconds,
                    r.eval_seconds,
                    r.train.warnings.len() as f64,
                ]
            })
            .collect();
        write_csv(&self.dir.join("metrics.csv"), &CSV_HEADER, &rows)?;
        let path = self.dir.join("metrics.jsonl");
        let mut text = String::new();
        for r in records {
            let line = serde_json::to_string(r).map_err(|source| ExperimentsError::Json {
                what: path.display().to_string(),
                source,
            })?;
            text.push_str(&line);
            text.push('\n');
        }
        std::fs::write(&path, text).map_err(|e| ExperimentsError::io(&path, e))?;
        let path = self.dir.join("steps.csv");
        let io = |e| ExperimentsError::io(&path, e);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).map_err(io)?);
        writeln!(out, "step,loss").map_err(io)?;
        for (i, l) in step_losses.iter().enumerate() {
            writeln!(out, "{},{l}", i + 1).map_err(io)?;
        }
        out.flush().map_err(io)
    }

    /// Writes `summary.json` and the plots; returns the plot files.
    ///
    /// **Errors**: a file cannot be written or drawn.
    pub fn finish(
        &self,
        records: &[EpochRecord],
        step_losses: &[f64],
        summary: &RunSummary,
    ) -> Result<Vec<PathBuf>> {
        write_json(&self.dir.join("summary.json"), summary)?;
        plots(&self.dir, records, step_losses)
    }
}

/// `loss`, `accuracy`, `lr` and `steps` charts (PNG and SVG each).
fn plots(dir: &Path, records: &[EpochRecord], step_losses: &[f64]) -> Result<Vec<PathBuf>> {
    let per_epoch = |f: &dyn Fn(&EpochRecord) -> Option<f64>| -> Vec<(f64, f64)> {
        records
            .iter()
            .filter_map(|r| Some((r.epoch as f64, f(r)?)))
            .collect()
    };
    let split = records.first().map_or("eval".to_string(), |r| {
        format!("{:?}", r.eval_split).to_lowercase()
    });
    let loss = LineChart::new("Loss per epoch", "epoch", "cross-entropy")
        .y_scale(Scale::Log)
        .with(
            Series::line(
                "train (mean minibatch loss)",
                per_epoch(&|r| Some(r.train.loss)),
            )
            .style(crate::plot::SeriesStyle::LinePoints),
        )
        .with(
            Series::line(split.clone(), per_epoch(&|r| r.eval.map(|e| e.loss)))
                .style(crate::plot::SeriesStyle::LinePoints),
        );
    let accuracy = LineChart::new("Accuracy per epoch", "epoch", "accuracy")
        .with(
            Series::line("train (as trained)", per_epoch(&|r| Some(r.train.accuracy)))
                .style(crate::plot::SeriesStyle::LinePoints),
        )
        .with(
            Series::line(split, per_epoch(&|r| r.eval.map(|e| e.accuracy)))
                .style(crate::plot::SeriesStyle::LinePoints),
        );
    let lr = LineChart::new(
        "Learning rate (last step of each epoch)",
        "epoch",
        "learning rate",
    )
    .y_scale(Scale::Log)
    .with(
        Series::line("lr", per_epoch(&|r| Some(r.train.lr)))
            .style(crate::plot::SeriesStyle::LinePoints),
    );
    let smoothed = smooth(step_losses, 0.98);
    let steps = LineChart::new("Minibatch loss per step", "step", "cross-entropy")
        .y_scale(Scale::Log)
        .with(Series::line("loss", enumerate(step_losses)))
        .with(Series::line("smoothed (EMA 0.98)", enumerate(&smoothed)));
    let mut files = Vec::new();
    files.extend(save(&(&loss).into(), &dir.join("loss"))?);
    files.extend(save(&(&accuracy).into(), &dir.join("accuracy"))?);
    files.extend(save(&(&lr).into(), &dir.join("lr"))?);
    files.extend(save(&(&steps).into(), &dir.join("steps"))?);
    Ok(files)
}

fn enumerate(values: &[f64]) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| ((i + 1) as f64, v))
        .collect()
}

/// Bias-corrected exponential moving average.
pub(crate) fn smooth(values: &[f64], beta: f64) -> Vec<f64> {
    let mut avg = 0.0;
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            avg = beta * avg + (1.0 - beta) * v;
            avg / (1.0 - beta.powi(i as i32 + 1))
        })
        .collect()
}
