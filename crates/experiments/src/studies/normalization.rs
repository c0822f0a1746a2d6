//! §8 Normalization: a deep MLP at a high learning rate without
//! normalization and with batch, layer and group normalization; and batch
//! normalization's two modes (training: the batch's statistics; evaluation:
//! the running statistics, which lag behind early in training).

use autodiff::Tape;
use ndarray::{Array2, ArrayD, Axis};
use nn::{Buffer, Mode, Norm};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::Serialize;

use crate::error::Result;
use crate::plot::{LineChart, Scale, Series};
use crate::report::{Report, write_csv, write_json};
use crate::studies::encode::encode_rows;
use crate::studies::series::smooth;
use crate::study::{Size, Study, StudyContext};
use crate::train::{EvalSplit, NormSpec, OptimizerChoice, TrainConfig, Trainer};

/// The settings of the study.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Hidden layers.
    pub depth: usize,
    /// Units per hidden layer.
    pub width: usize,
    /// Normalizations compared (applied before every hidden activation).
    pub norms: Vec<Norm>,
    /// Training settings (the high learning rate; model and norm set per run).
    pub train: TrainConfig,
    /// Steps after which batch norm's train- and eval-mode outputs are compared.
    pub checkpoints: Vec<usize>,
    /// Test examples of the fixed batch the two modes are compared on.
    pub probe_batch: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config::for_size(Size::Full)
    }
}

impl Config {
    /// The setting for a run size.
    pub fn for_size(size: Size) -> Self {
        Config {
            depth: 8,
            width: size.pick(64, 128, 256),
            norms: vec![Norm::None, Norm::Batch, Norm::Layer, Norm::Group(4)],
            train: TrainConfig {
                optimizer: OptimizerChoice::Sgd,
                lr: 0.1,
                batch: 64,
                epochs: size.pick(3, 2, 5),
                subset: size.pick(Some(2_000), Some(10_000), None),
                ..TrainConfig::default()
            },
            checkpoints: [0, 1, 2, 5, 10, 20, 50, 100, 200, 400, 1000]
                .into_iter()
                .filter(|&s| s <= size.pick(200, 400, 1000))
                .collect(),
            probe_batch: size.pick(256, 1000, 2000),
        }
    }

    /// The model spec `784-w-...-w-10`.
    pub fn spec(&self) -> String {
        let mut s = "784".to_string();
        for _ in 0..self.depth {
            s.push_str(&format!("-{}", self.width));
        }
        s + "-10"
    }
}

/// One normalization's training run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// `none`, `batch`, `layer`, `group:G`.
    pub norm: String,
    /// Loss of every step (until a divergence stop).
    pub step_losses: Vec<f64>,
    /// Mean training loss over the last tenth of the steps (∞ if it diverged).
    pub final_loss: f64,
    /// Whether training stopped on divergence.
    pub diverged: bool,
    /// Test accuracy at the end.
    pub test_accuracy: f64,
}

/// Batch norm in both modes on the same test batch after some steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModeGap {
    /// Optimizer steps taken.
    pub step: usize,
    /// ‖train-mode logits − eval-mode logits‖ / ‖train-mode logits‖.
    pub relative_difference: f64,
    /// Accuracy with the batch's own statistics.
    pub train_mode_accuracy: f64,
    /// Accuracy with the running statistics.
    pub eval_mode_accuracy: f64,
}

/// Everything measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// One run per normalization.
    pub runs: Vec<Run>,
    /// Batch norm's train- versus eval-mode gap over training.
    pub modes: Vec<ModeGap>,
}

fn train_config(config: &Config, norm: Norm) -> TrainConfig {
    TrainConfig {
        model: config.spec(),
        norm: NormSpec(norm),
        divergence_factor: 1e6,
        ..config.train.clone()
    }
}

/// Trains the deep MLP with `norm`.
///
/// **Errors**: training failed (not divergence, which is recorded).
pub fn train_with(config: &Config, norm: Norm, splits: &data::Splits) -> Result<Run> {
    let train = train_config(config, norm);
    let mut trainer = Trainer::<f32>::new(&train, splits)?;
    let mut diverged = false;
    for _ in 0..train.epochs {
        let e = trainer.train_epoch()?;
        if e.stop.is_some() {
            diverged = true;
            break;
        }
    }
    let losses = trainer.step_losses().to_vec();
    diverged |= losses.iter().any(|l| !l.is_finite());
    let tail = &losses[losses.len() - losses.len() / 10..];
    let final_loss = if diverged || tail.is_empty() {
        f64::INFINITY
    } else {
        tail.iter().sum::<f64>() / tail.len() as f64
    };
    let test_accuracy = trainer.evaluate(EvalSplit::Test)?.accuracy;
    Ok(Run {
        norm: NormSpec(norm).to_string(),
        step_losses: losses,
        final_loss,
        diverged,
        test_accuracy,
    })
}

fn accuracy(logits: &ArrayD<f32>, labels: &[usize]) -> f64 {
    let correct = logits
        .axis_iter(Axis(0))
        .zip(labels)
        .filter(|(row, y)| {
            let best = row
                .iter()
                .enumerate()
                .fold(
                    (0, f32::NEG_INFINITY),
                    |b, (i, &v)| if v > b.1 { (i, v) } else { b },
                );
            best.0 == **y
        })
        .count();
    correct as f64 / labels.len().max(1) as f64
}

/// Forward passes of `model` on `x` in both modes; the running statistics
/// are left as they were.
fn both_modes(
    model: &mut dyn crate::train::Network<f32>,
    x: &Array2<f32>,
) -> (ArrayD<f32>, ArrayD<f32>) {
    let mut saved: Vec<Buffer<f32>> = Vec::new();
    {
        let mut buffers = Vec::new();
        model.collect_buffers_mut(&mut buffers);
        saved.extend(buffers.iter().map(|b| (**b).clone()));
    }
    let mut tape = Tape::new();
    let input = tape.constant(x.clone());
    let out = model.forward(&mut tape, input, Mode::Train);
    let train = tape.value(out).clone();
    {
        let mut buffers = Vec::new();
        model.collect_buffers_mut(&mut buffers);
        for (b, s) in buffers.into_iter().zip(saved) {
            *b = s;
        }
    }
    tape.clear();
    let input = tape.constant(x.clone());
    let out = model.forward(&mut tape, input, Mode::Eval);
    (train, tape.value(out).clone())
}

/// Trains a batch-norm network step by step and compares its train- and
/// eval-mode outputs on a fixed test batch at the checkpoints.
///
/// **Errors**: training failed.
pub fn mode_gaps(config: &Config, splits: &data::Splits) -> Result<Vec<ModeGap>> {
    let train = train_config(config, Norm::Batch);
    let mut trainer = Trainer::<f32>::new(&train, splits)?;
    let (x, labels) = encode_rows(splits, &splits.test, config.probe_batch)?;
    let n = train
        .subset
        .unwrap_or(splits.train.len())
        .min(splits.train.len());
    let mut rng = rand::rngs::StdRng::seed_from_u64(train.seed);
    let mut order: Vec<usize> = Vec::new();
    let mut gaps = Vec::new();
    let last = config.checkpoints.iter().copied().max().unwrap_or(0);
    for step in 0..=last {
        if config.checkpoints.contains(&step) {
            let (t, e) = both_modes(trainer.model_mut(), &x);
            let diff = t
                .iter()
                .zip(e.iter())
                .map(|(a, b)| f64::from(a - b).powi(2))
                .sum::<f64>()
                .sqrt();
            let norm = t.iter().map(|&a| f64::from(a).powi(2)).sum::<f64>().sqrt();
            gaps.push(ModeGap {
                step,
                relative_difference: diff / norm.max(f64::MIN_POSITIVE),
                train_mode_accuracy: accuracy(&t, &labels),
                eval_mode_accuracy: accuracy(&e, &labels),
            });
        }
        if step == last {
            break;
        }
        if order.len() < train.batch {
            let mut fresh: Vec<usize> = (0..n).collect();
            fresh.shuffle(&mut rng);
            order = fresh;
        }
        let batch: Vec<usize> = order.split_off(order.len() - train.batch);
        trainer.apply_lr()?;
        let out = trainer.train_step(&batch, false, false)?;
        if out.diverged.is_some() {
            break;
        }
    }
    Ok(gaps)
}

/// Runs the study.
///
/// **Errors**: as [`train_with`] and [`mode_gaps`].
pub fn run(config: &Config, splits: &data::Splits) -> Result<Outcome> {
    let runs = config
        .norms
        .iter()
        .map(|&norm| train_with(config, norm, splits))
        .collect::<Result<Vec<_>>>()?;
    Ok(Outcome {
        runs,
        modes: mode_gaps(config, splits)?,
    })
}

/// The registered study.
pub struct Normalization;

impl Study for Normalization {
    fn name(&self) -> &'static str {
        "normalization"
    }
    fn title(&self) -> &'static str {
        "Batch, layer and group normalization in a deep network"
    }
    fn section(&self) -> &'static str {
        "§8"
    }
    fn summary(&self) -> &'static str {
        "a deep MLP at a high learning rate with and without normalization; batch norm's train vs eval mode"
    }

    fn run(&self, ctx: &StudyContext) -> Result<Report> {
        let mut config = Config::for_size(ctx.size);
        config.train.seed = ctx.seed;
        let out = run(&config, ctx.mnist()?)?;
        let dir = ctx.dir(self.name());
        let mut report = Report::new(self.name(), self.title(), self.section());

        let mut chart = LineChart::new(
            format!(
                "{}-hidden-layer MLP, SGD at lr {}",
                config.depth, config.train.lr
            ),
            "step",
            "training loss (window mean)",
        )
        .y_scale(Scale::Log);
        for r in &out.runs {
            let window = (r.step_losses.len() / 50).max(1);
            let pts: Vec<(f64, f64)> = smooth(&r.step_losses, window)
                .into_iter()
                .filter(|(_, v)| v.is_finite() && *v > 0.0)
                .collect();
            if !pts.is_empty() {
                chart = chart.with(Series::line(r.norm.clone(), pts));
            }
        }
        report.figure(&dir, "loss", "Training loss with each normalization at the same high learning rate, same initialization and batches", &chart)?;

        let gap: Vec<(f64, f64)> = out
            .modes
            .iter()
            .filter(|g| g.relative_difference > 0.0)
            .map(|g| ((g.step + 1) as f64, g.relative_difference))
            .collect();
        let chart = LineChart::new(
            "Batch norm: train-mode vs eval-mode logits on one test batch",
            "optimizer steps + 1",
            "relative difference",
        )
        .x_scale(Scale::Log)
        .y_scale(Scale::Log)
        .with(Series::line("‖train − eval‖ / ‖train‖", gap));
        report.figure(&dir, "bn_mode_gap", "Batch norm's outputs in training mode (batch statistics) and evaluation mode (running statistics) differ early and converge as the running statistics settle", &chart)?;
        let chart = LineChart::new(
            "Batch norm: accuracy on one test batch in each mode",
            "optimizer steps + 1",
            "accuracy",
        )
        .x_scale(Scale::Log)
        .with(Series::line(
            "train mode (batch statistics)",
            out.modes
                .iter()
                .map(|g| ((g.step + 1) as f64, g.train_mode_accuracy))
                .collect(),
        ))
        .with(Series::line(
            "eval mode (running statistics)",
            out.modes
                .iter()
                .map(|g| ((g.step + 1) as f64, g.eval_mode_accuracy))
                .collect(),
        ));
        report.figure(
            &dir,
            "bn_mode_accuracy",
            "Test-batch accuracy of the batch-norm network in each mode over training",
            &chart,
        )?;

        let rows: Vec<Vec<f64>> = out
            .modes
            .iter()
            .map(|g| {
                vec![
                    g.step as f64,
                    g.relative_difference,
                    g.train_mode_accuracy,
                    g.eval_mode_accuracy,
                ]
            })
            .collect();
        write_csv(
            &dir.join("bn_modes.csv"),
            &[
                "step",
                "relative_difference",
                "train_mode_accuracy",
                "eval_mode_accuracy",
            ],
            &rows,
        )?;
        report.data("bn_modes.csv");
        write_json(&dir.join("outcome.json"), &out)?;
        report.data("outcome.json");

        let mut table = String::from(
            "| normalization | final training loss | diverged | test accuracy |\n|---|---|---|---|\n",
        );
        for r in &out.runs {
            table.push_str(&format!(
                "| {} | {:.3} | {} | {:.2}% |\n",
                r.norm,
                r.final_loss,
                if r.diverged { "yes" } else { "no" },
                100.0 * r.test_accuracy
            ));
        }
        let get = |n: &str| out.runs.iter().find(|r| r.norm == n);
        let (first, last) = (out.modes.first(), out.modes.last());
        report.finding = format!(
            "A {}-hidden-layer, {}-unit ReLU MLP trained with SGD at lr {}: without \
             normalization the final training loss is **{:.3}**{}, with batch norm **{:.3}** \
             ({:.1}% test accuracy), layer norm **{:.3}**, group norm **{:.3}**.\n\n\
             Batch norm in evaluation mode uses running statistics: on one test batch its \
             logits differ from training mode's by **{:.1}%** at step {} (accuracy {:.1}% in \
             train mode vs {:.1}% in eval mode) and by **{:.1}%** at step {} ({:.1}% vs {:.1}%).\n\n{}",
            config.depth,
            config.width,
            config.train.lr,
            get("none").map_or(f64::NAN, |r| r.final_loss),
            if get("none").is_some_and(|r| r.diverged) {
                " (diverged)"
            } else {
                ""
            },
            get("batch").map_or(f64::NAN, |r| r.final_loss),
            get("batch").map_or(f64::NAN, |r| 100.0 * r.test_accuracy),
            get("layer").map_or(f64::NAN, |r| r.final_loss),
            out.runs
                .iter()
                .find(|r| r.norm.starts_with("group"))
                .map_or(f64::NAN, |r| r.final_loss),
            first.map_or(f64::NAN, |g| 100.0 * g.relative_difference),
            first.map_or(0, |g| g.step),
            first.map_or(f64::NAN, |g| 100.0 * g.train_mode_accuracy),
            first.map_or(f64::NAN, |g| 100.0 * g.eval_mode_accuracy),
            last.map_or(f64::NAN, |g| 100.0 * g.relative_difference),
            last.map_or(0, |g| g.step),
            last.map_or(f64::NAN, |g| 100.0 * g.train_mode_accuracy),
            last.map_or(f64::NAN, |g| 100.0 * g.eval_mode_accuracy),
            table
        );
        Ok(report)
    }
}
