//! The study's figures: signals at initialization and training loss per
//! normalization, the learning-rate sweep, and batch norm's two modes.
//! Series keys are the normalizations' names, one colour each.

use std::f64::consts::LN_10;
use std::path::Path;

use super::{Config, Outcome, Run};
use crate::error::Result;
use crate::plot::{Annotation, Dash, LineChart, Scale, Series, SeriesStyle};
use crate::report::Report;
use crate::studies::series::smooth;

fn positive(values: &[f64]) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0 && v.is_finite())
        .map(|(i, &v)| ((i + 1) as f64, v))
        .collect()
}

fn per_layer(title: &str, x: &str, y: &str, runs: &[Run], values: fn(&Run) -> &[f64]) -> LineChart {
    let mut chart = LineChart::new(title, x, y).y_scale(Scale::Log);
    for r in runs {
        chart = chart.with(Series::line(r.norm.clone(), positive(values(r))).key(r.norm.clone()));
    }
    chart
}

fn loss_chart(config: &Config, out: &Outcome) -> LineChart {
    let mut chart = LineChart::new(
        format!(
            "{}-hidden-layer ReLU MLP, default init, SGD at lr {}",
            config.depth, config.train.lr
        ),
        "step",
        "training loss (window mean)",
    )
    .y_scale(Scale::Log)
    .annotate(Annotation::hline(LN_10, "ln 10: uniform guess"));
    for r in &out.runs {
        let window = (r.step_losses.len() / 50).max(1);
        let pts: Vec<(f64, f64)> = smooth(&r.step_losses, window)
            .into_iter()
            .filter(|(_, v)| v.is_finite() && *v > 0.0)
            .collect();
        let mut s = Series::line(r.norm.clone(), pts).key(r.norm.clone());
        if let Some(k) = r.diverged_at {
            s = s.diverged_at(k as f64);
        }
        chart = chart.with(s);
    }
    chart
}

/// Final loss against learning rate, with and without batch norm; diverged
/// runs are drawn as points at the top edge, in a dotted
/// series of the same colour, and the largest usable rate of each is marked.
fn sweep_chart(config: &Config, out: &Outcome) -> LineChart {
    let finite: Vec<f64> = out
        .sweep
        .iter()
        .map(|p| p.final_loss)
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let lo = finite.iter().copied().fold(LN_10, f64::min);
    let top = finite.iter().copied().fold(LN_10, f64::max) * 1.6;
    let mut chart = LineChart::new(
        format!(
            "Final training loss after {} SGD steps against learning rate (Kaiming init)",
            config.sweep_steps
        ),
        "learning rate",
        "final training loss (last tenth of the steps)",
    )
    .x_scale(Scale::Log)
    .y_scale(Scale::Log)
    .y_range(lo / 1.3, top * 1.2)
    .annotate(Annotation::hline(
        LN_10,
        "ln 10: uniform guess (usable: below)",
    ));
    for norm in ["none", "batch"] {
        let points: Vec<_> = out.sweep.iter().filter(|p| p.norm == norm).collect();
        let kept: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.diverged_at.is_none() && p.final_loss.is_finite())
            .map(|p| (p.lr, p.final_loss))
            .collect();
        let diverged: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.diverged_at.is_some() || !p.final_loss.is_finite())
            .map(|p| (p.lr, top))
            .collect();
        let name = if norm == "none" {
            "no normalization"
        } else {
            "batch norm"
        };
        if !kept.is_empty() {
            chart = chart.with(
                Series::line(name, kept)
                    .key(norm)
                    .style(SeriesStyle::LinePoints),
            );
        }
        if !diverged.is_empty() {
            chart = chart.with(
                Series::points(
                    format!("{name}: diverged (drawn at the top edge)"),
                    diverged,
                )
                .key(norm)
                .dash(Dash::Dotted),
            );
        }
        if let Some(lr) = out.largest_usable_lr(norm) {
            chart = chart.annotate(Annotation::vline(lr, format!("largest usable: {name}")));
        }
    }
    chart
}

/// Writes every figure of the study into `dir` and records it in `report`.
///
/// **Errors**: a figure could not be written.
pub(super) fn write(report: &mut Report, dir: &Path, config: &Config, out: &Outcome) -> Result<()> {
    report.figure(
        dir,
        "activation_std_at_init",
        "Std of each hidden layer's activations at initialization (PyTorch's default init, one \
         training batch): without normalization it shrinks layer by layer; normalization before \
         each activation restores it",
        per_layer(
            "Activation std per hidden layer at initialization",
            "hidden layer",
            "activation std",
            &out.runs,
            |r| r.activation_std.as_slice(),
        ),
    )?;
    report.figure(
        dir,
        "grad_norm_at_init",
        "Gradient flow at initialization: norm of the loss gradient with respect to each Linear \
         layer's weights, same batch",
        per_layer(
            "Weight-gradient norm per layer at initialization",
            "linear layer",
            "‖∂L/∂W‖",
            &out.runs,
            |r| r.grad_norm.as_slice(),
        ),
    )?;
    report.figure(
        dir,
        "loss",
        "Training loss with each normalization at the same learning rate, same default \
         initialization and batches; the grey line is ln 10, the loss of a uniform guess",
        loss_chart(config, out),
    )?;
    report.figure(
        dir,
        "lr_sweep",
        "Learning-rate sweep with and without batch norm (both from Kaiming init): final training \
         loss per rate; diverged runs are drawn at the top edge, and the vertical lines mark the \
         largest usable rate (no divergence, final loss below ln 10)",
        sweep_chart(config, out),
    )?;

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
    .with(Series::line("‖train − eval‖ / ‖train‖", gap).key("mode gap"));
    report.figure(
        dir,
        "bn_mode_gap",
        "Batch norm's outputs in training mode (batch statistics) and evaluation mode (running \
         statistics) on the same test batch, over training",
        chart,
    )?;
    let chart = LineChart::new(
        "Batch norm: accuracy on one test batch in each mode",
        "optimizer steps + 1",
        "accuracy",
    )
    .x_scale(Scale::Log)
    .y_range(0.0, 1.0)
    .with(
        Series::line(
            "train mode (batch statistics)",
            out.modes
                .iter()
                .map(|g| ((g.step + 1) as f64, g.train_mode_accuracy))
                .collect(),
        )
        .key("train mode"),
    )
    .with(
        Series::line(
            "eval mode (running statistics)",
            out.modes
                .iter()
                .map(|g| ((g.step + 1) as f64, g.eval_mode_accuracy))
                .collect(),
        )
        .key("eval mode")
        .dash(Dash::Dashed),
    );
    report.figure(
        dir,
        "bn_mode_accuracy",
        "Test-batch accuracy of the batch-norm network in each mode over training",
        chart,
    )
}
