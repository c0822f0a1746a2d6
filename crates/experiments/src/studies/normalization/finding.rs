//! The verdict and the finding, computed from the measurements.

use std::f64::consts::LN_10;

use super::{Config, Outcome, Run, SweepPoint};
use crate::report::{Frame, Source};
use crate::studies::format::short;

/// A run "stalls at ln 10" if every 10-step mean of its loss stays within
/// this distance of ln 10.
pub const STALL_TOLERANCE: f64 = 0.05;
/// Normalization "improves gradient flow" if the first layer's gradient at
/// initialization is at least this many times the unnormalized network's.
pub const FLOW_GAIN: f64 = 10.0;

/// Whether `losses` stall at ln 10, and their largest distance from it
/// (over means of 10 steps).
///
/// ```
/// use experiments::studies::normalization::stall;
/// assert!(stall(&[2.30, 2.31, 2.29]).0);
/// assert!(!stall(&[2.3, 1.0, 0.5]).0);
/// ```
pub fn stall(losses: &[f64]) -> (bool, f64) {
    let deviation = losses
        .chunks(10)
        .map(|c| (c.iter().sum::<f64>() / c.len() as f64 - LN_10).abs())
        .fold(
            0.0,
            |a: f64, d| if d.is_nan() { f64::INFINITY } else { a.max(d) },
        );
    (
        !losses.is_empty() && deviation <= STALL_TOLERANCE,
        deviation,
    )
}

fn first(v: &[f64]) -> f64 {
    v.first().copied().unwrap_or(f64::NAN)
}

fn last(v: &[f64]) -> f64 {
    v.last().copied().unwrap_or(f64::NAN)
}

fn normalized(out: &Outcome) -> impl Iterator<Item = &Run> {
    out.runs.iter().filter(|r| r.norm != "none")
}

fn lr_words(lr: Option<f64>) -> String {
    lr.map_or("none of the rates".into(), short)
}

/// The teaching frame with its measured checks: training from a poor
/// initialization, gradient flow, higher learning rates, the running
/// statistics at inference, and layer norm's higher loss.
pub fn checks(config: &Config, out: &Outcome) -> Frame {
    let none = out.get("none");
    let none_loss = none.map_or(f64::NAN, Run::final_loss);
    let mut frame = Frame::new(
        Source::Notes,
        "Normalization",
        "Normalization just before activation function … Improves gradient flow through network; \
         Allows for higher learning rates; Reduces strong dependence on initialization",
        format!(
            "An {}-hidden-layer, {}-unit ReLU MLP without normalization and with batch, layer and \
             group norm, trained {} SGD steps at lr {} from PyTorch's default init; then {} SGD \
             steps at each of {} learning rates with and without batch norm from Kaiming init.",
            config.depth,
            config.width,
            config.steps,
            config.train.lr,
            config.sweep_steps,
            config.sweep_lrs.len()
        ),
        "The flat unnormalized loss at ln 10 against the falling normalized ones, the activation \
         std and gradient norm per layer at initialization, and in the sweep where each curve \
         stops being usable.",
    );
    let finals: Vec<(String, f64)> = normalized(out)
        .map(|r| (r.norm.clone(), r.final_loss()))
        .collect();
    frame = frame.check(
        format!(
            "Reduces dependence on initialization: from the default init the unnormalized network \
             ends at training loss {:.3}, {}",
            none_loss,
            finals
                .iter()
                .map(|(n, l)| format!("{n} norm at {l:.3}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        !finals.is_empty() && finals.iter().all(|(_, l)| *l < 0.5 * none_loss),
    );
    let none_grad = none.map_or(f64::NAN, |r| first(&r.grad_norm));
    let flows: Vec<(String, f64)> = normalized(out)
        .map(|r| (r.norm.clone(), first(&r.grad_norm) / none_grad))
        .collect();
    frame = frame.check(
        format!(
            "Improves gradient flow: at initialization the first layer's gradient norm is {:.1e} \
             without normalization and {} times that with {} (at least {}× required)",
            none_grad,
            flows
                .iter()
                .map(|(_, f)| format!("{f:.1e}"))
                .collect::<Vec<_>>()
                .join(" / "),
            flows
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
            short(FLOW_GAIN)
        ),
        !flows.is_empty() && flows.iter().all(|(_, f)| *f >= FLOW_GAIN),
    );
    let (plain, batch) = (
        out.largest_usable_lr("none"),
        out.largest_usable_lr("batch"),
    );
    frame = frame.check(
        format!(
            "Allows higher learning rates: the largest usable rate (no divergence, final loss \
             below ln 10) is {} without batch norm and {} with it",
            lr_words(plain),
            lr_words(batch)
        ),
        batch.is_some_and(|b| b > plain.unwrap_or(0.0)),
    );
    if let (Some(f), Some(l)) = (out.modes.first(), out.modes.last()) {
        frame = frame.check(
            format!(
                "Inference normalizes by running averages: eval-mode logits differ from train-mode \
                 ones by {:.1}% at step {} and {:.1}% at step {}",
                100.0 * f.relative_difference,
                f.step,
                100.0 * l.relative_difference,
                l.step
            ),
            l.relative_difference < f.relative_difference,
        );
    }
    if let (Some(layer), Some(batch)) = (out.get("layer"), out.get("batch")) {
        frame = frame.check(
            format!(
                "Layer norm: \"harder to train standard FCN to low loss\": it ends at {:.3}, batch \
                 norm at {:.3}",
                layer.final_loss(),
                batch.final_loss()
            ),
            layer.final_loss() > batch.final_loss(),
        );
    }
    frame
}

fn sweep_cell(p: Option<&SweepPoint>) -> String {
    match p {
        None => "—".into(),
        Some(p) => match p.diverged_at {
            Some(k) => format!("diverged at step {k}"),
            None if p.usable() => format!("{:.3}", p.final_loss),
            None => format!("{:.3} (not below ln 10)", p.final_loss),
        },
    }
}

fn why_it_stalls(config: &Config, none: &Run, out: &Outcome) -> String {
    let (stalled, deviation) = stall(&none.step_losses);
    let depth = none.activation_std.len();
    let per_layer = (last(&none.activation_std) / first(&none.activation_std))
        .powf(1.0 / (depth.max(2) - 1) as f64);
    let mut md = format!(
        "Every network starts from PyTorch's default initialization of `nn.Linear` (weights and \
         biases U(±1/√fan_in), a variance of 1/(3·fan_in), a sixth of the 2/fan_in that ReLU needs). Without \
         normalization the activation std at initialization goes from **{}** in layer 1 to \
         **{}** in layer {depth} (×{} per layer) and the logits' std is **{:.1e}**. ",
        short(first(&none.activation_std)),
        short(last(&none.activation_std)),
        short(per_layer),
        none.logit_std,
    );
    if stalled {
        let bn_grad = out.get("batch").map_or(f64::NAN, |r| first(&r.grad_norm));
        md.push_str(&format!(
            "Its training loss stays within {} of ln 10 = 2.303 for all {} steps (largest \
             deviation of a 10-step mean **{:.3}**): it stalls at ln 10, the loss of predicting \
             1/10 for every class{}.",
            STALL_TOLERANCE,
            none.step_losses.len(),
            deviation,
            if none.logit_std < 0.1 {
                format!(
                    ", because logits that small make the softmax uniform and the gradient \
                     reaching the first layer is only {:.1e} ({:.0e} with batch norm) at lr {}",
                    first(&none.grad_norm),
                    bn_grad,
                    config.train.lr
                )
            } else {
                String::new()
            }
        ));
    } else {
        md.push_str(&format!(
            "Its training loss does not stay near ln 10 = 2.303 (a 10-step mean deviates by up to \
             **{:.3}**; final loss {:.3}): it does not stall at this size.",
            deviation,
            none.final_loss()
        ));
    }
    md
}

/// The finding in Markdown: which initialization, whether and why the
/// plain network stalls, the runs, the sweep and batch norm's two modes.
pub(super) fn text(config: &Config, out: &Outcome) -> String {
    let mut md = String::new();
    if let Some(none) = out.get("none") {
        md.push_str(&why_it_stalls(config, none, out));
        md.push_str("\n\n");
    }
    md.push_str(&format!(
        "| normalization | activation std layer 1 → {} at init | gradient norm layer 1 at init | final training loss | test accuracy | diverged |\n|---|---|---|---|---|---|\n",
        config.depth
    ));
    for r in &out.runs {
        md.push_str(&format!(
            "| {} | {:.1e} → {:.1e} | {:.1e} | {:.3} | {:.1}% | {} |\n",
            r.norm,
            first(&r.activation_std),
            last(&r.activation_std),
            first(&r.grad_norm),
            r.final_loss(),
            100.0 * r.test_accuracy,
            r.diverged_at
                .map_or("no".into(), |k| format!("at step {k}"))
        ));
    }
    let (plain, batch) = (
        out.largest_usable_lr("none"),
        out.largest_usable_lr("batch"),
    );
    md.push_str(&format!(
        "\n**Learning-rate sweep** ({} SGD steps per rate, Kaiming init for both so that the \
         unnormalized network trains at all; final training loss, or where it diverged). The \
         largest usable rate is **{}** without batch norm and **{}** with it.\n\n| learning rate | no normalization | batch norm |\n|---|---|---|\n",
        config.sweep_steps,
        lr_words(plain),
        lr_words(batch)
    ));
    for &lr in &config.sweep_lrs {
        let at = |n: &str| out.sweep.iter().find(|p| p.norm == n && p.lr == lr);
        md.push_str(&format!(
            "| {} | {} | {} |\n",
            short(lr),
            sweep_cell(at("none")),
            sweep_cell(at("batch"))
        ));
    }
    if let (Some(f), Some(l)) = (out.modes.first(), out.modes.last()) {
        md.push_str(&format!(
            "\nBatch norm in evaluation mode uses running statistics: on one test batch its \
             logits differ from training mode's by **{:.1}%** at step {} (accuracy {:.1}% in \
             train mode, {:.1}% in eval mode) and by **{:.1}%** at step {} ({:.1}% and {:.1}%).\n",
            100.0 * f.relative_difference,
            f.step,
            100.0 * f.train_mode_accuracy,
            100.0 * f.eval_mode_accuracy,
            100.0 * l.relative_difference,
            l.step,
            100.0 * l.train_mode_accuracy,
            100.0 * l.eval_mode_accuracy
        ));
    }
    md
}
