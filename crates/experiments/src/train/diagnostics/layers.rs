//! Per-layer statistics on a sampled step, and the rules that flag
//! vanishing or exploding values.

use ndarray::{ArrayD, ArrayViewD, Axis};
use nn::Activation;

use crate::train::record::{ActivationStats, LayerReport, ParamStats, WarningKind};
use crate::train::scalar::{Scalar, to_f64};

/// Healthy update-to-weight ratios lie around 1e-3 (cs231n); below this the
/// learning rate is likely too low.
pub const SMALL_UPDATE: f64 = 1e-5;
/// Above this the learning rate is likely too high.
pub const LARGE_UPDATE: f64 = 1e-1;

/// Mean, standard deviation, zeros and (for ReLU) dead units of one
/// activation, a `batch × units` array.
pub(crate) fn activation_stats<T: Scalar>(
    name: &str,
    activation: Activation,
    values: &ArrayD<T>,
) -> ActivationStats {
    let n = values.len().max(1) as f64;
    let (mut sum, mut sum_sq, mut zeros) = (0.0, 0.0, 0usize);
    for &v in values {
        let v = to_f64(v);
        sum += v;
        sum_sq += v * v;
        zeros += usize::from(v == 0.0);
    }
    let mean = sum / n;
    let std = (sum_sq / n - mean * mean).max(0.0).sqrt();
    let dead_fraction = (activation == Activation::Relu && values.ndim() == 2).then(|| {
        let units = values.shape()[1].max(1);
        let alive = values
            .lanes(Axis(0))
            .into_iter()
            .filter(|column| column.iter().any(|&v| to_f64(v) > 0.0))
            .count();
        1.0 - alive as f64 / units as f64
    });
    ActivationStats {
        name: name.to_string(),
        activation: activation.to_string(),
        mean,
        std,
        zero_fraction: zeros as f64 / n,
        dead_fraction,
    }
}

/// `‖x‖₂`, accumulated in `f64`.
pub(crate) fn l2<T: Scalar>(x: &ArrayViewD<'_, T>) -> f64 {
    x.iter()
        .map(|&v| {
            let v = to_f64(v);
            v * v
        })
        .sum::<f64>()
        .sqrt()
}

/// `‖a − b‖₂`, accumulated in `f64`.
pub(crate) fn l2_diff<T: Scalar>(a: &ArrayViewD<'_, T>, b: &ArrayViewD<'_, T>) -> f64 {
    a.iter()
        .zip(b.iter())
        .map(|(&x, &y)| {
            let d = to_f64(x) - to_f64(y);
            d * d
        })
        .sum::<f64>()
        .sqrt()
}

/// Advice for a loss that does not move while most ReLUs are dead: the
/// learning rate was too high, not too low.
pub(crate) fn dead_stagnation_advice(dead: f64, lr: f64) -> String {
    format!(
        "{:.0}% of the ReLUs in a layer are dead, so the loss cannot move: the learning rate was \
         likely too high; restart with --lr {:.3e}, --init kaiming-uniform or --activation leaky-relu",
        dead * 100.0,
        lr / 10.0
    )
}

/// A flag raised by [`flags`]: kind, what was seen, what to try.
pub(crate) type Flag = (WarningKind, String, String);

/// The vanishing/exploding/dead/update-size problems visible in `report`.
///
/// ```text
/// dead ReLUs        > 50 % of a layer's units zero on the whole batch
/// activations       std < 1e-3 (vanishing) or std or |mean| > 1e3 (exploding)
/// gradients         a weight's ‖∇‖ < 1e-7·‖W‖, or input-layer ‖∇‖ < 1e-3 × output-layer ‖∇‖
///                   (vanishing); any ‖∇‖ > 1e3 (exploding)
/// updates           ‖ΔW‖/‖W‖ < 1e-5 (too small; not while a schedule has annealed the
///                   rate below a tenth of its start) or > 1e-1 (too large)
/// ```
pub(crate) fn flags(report: &LayerReport, lr: f64, annealed: bool) -> Vec<Flag> {
    let mut out: Vec<Flag> = Vec::new();
    let init_advice =
        "use --init kaiming-uniform (ReLU) or xavier-uniform (tanh), or add --norm batch";
    for a in &report.activations {
        if let Some(dead) = a.dead_fraction.filter(|&d| d > 0.5) {
            out.push((
                WarningKind::DeadRelu,
                format!("{:.0}% of the ReLUs in {} are dead on a whole batch", dead * 100.0, a.name),
                format!(
                    "lower the learning rate (--lr {:.3e}), use --init kaiming-uniform, or --activation leaky-relu",
                    lr / 3.0
                ),
            ));
        }
        if a.std < 1e-3 && a.activation != "identity" {
            out.push((
                WarningKind::VanishingActivations,
                format!(
                    "activations of {} have std {:.2e}: the signal is dying out",
                    a.name, a.std
                ),
                init_advice.to_string(),
            ));
        }
        if a.std.is_nan() || a.mean.is_nan() || a.std > 1e3 || a.mean.abs() > 1e3 {
            out.push((
                WarningKind::ExplodingActivations,
                format!(
                    "activations of {} have mean {:.3e} and std {:.3e}",
                    a.name, a.mean, a.std
                ),
                init_advice.to_string(),
            ));
        }
    }
    let weights: Vec<&ParamStats> = report
        .params
        .iter()
        .filter(|p| p.name.ends_with("weight"))
        .collect();
    for p in &weights {
        if p.norm > 0.0 && p.grad_norm < 1e-7 * p.norm {
            // (then tiny updates are the gradient's fault, not the learning rate's)
            out.push((
                WarningKind::VanishingGradients,
                format!("the gradient of {} is {:.2e} for a weight norm of {:.2e}", p.name, p.grad_norm, p.norm),
                "gradients vanish: check the initialization and activations (ReLU with kaiming-uniform), or add --norm batch".to_string(),
            ));
        }
        if p.grad_norm.is_nan() || p.grad_norm > 1e3 {
            out.push((
                WarningKind::ExplodingGradients,
                format!("the gradient of {} has norm {:.3e}", p.name, p.grad_norm),
                format!(
                    "clip it (--clip-grad-norm 1) or lower the learning rate (--lr {:.3e})",
                    lr / 10.0
                ),
            ));
        }
        let vanishing = p.norm > 0.0 && p.grad_norm < 1e-7 * p.norm;
        if p.update_ratio < SMALL_UPDATE && !vanishing && !annealed {
            out.push((
                WarningKind::SmallUpdates,
                format!(
                    "updates of {} are {:.2e} of its norm (healthy: about 1e-3)",
                    p.name, p.update_ratio
                ),
                format!("learning rate likely too low: try --lr {:.3e}", lr * 10.0),
            ));
        } else if p.update_ratio > LARGE_UPDATE {
            out.push((
                WarningKind::LargeUpdates,
                format!(
                    "updates of {} are {:.2e} of its norm (healthy: about 1e-3)",
                    p.name, p.update_ratio
                ),
                format!("learning rate likely too high: try --lr {:.3e}", lr / 10.0),
            ));
        }
    }
    let shrinking = match (weights.first(), weights.last()) {
        (Some(first), Some(last)) if weights.len() > 2 => (last.grad_norm > 0.0
            && first.grad_norm < 1e-3 * last.grad_norm)
            .then_some((first, last)),
        _ => None,
    };
    if let Some((first, last)) = shrinking {
        out.push((
            WarningKind::VanishingGradients,
            format!(
                "gradient norms shrink from {:.2e} at {} to {:.2e} at {}",
                last.grad_norm, last.name, first.grad_norm, first.name
            ),
            "gradients vanish with depth: use ReLU with --init kaiming-uniform, or add --norm batch"
                .to_string(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn dead_units_are_the_columns_that_are_zero_on_every_row() {
        let a = array![[0.0, 1.0, 0.0, 2.0], [0.0, 0.0, 0.0, 3.0]].into_dyn();
        let s = activation_stats::<f64>("layers.1", Activation::Relu, &a);
        assert_eq!(s.dead_fraction, Some(0.5));
        assert_eq!(s.zero_fraction, 5.0 / 8.0);
        assert!((s.mean - 0.75).abs() < 1e-12);
        let t = activation_stats::<f64>("layers.1", Activation::Tanh, &a);
        assert_eq!(t.dead_fraction, None);
    }

    fn report(act_std: f64, dead: f64, grad: f64, ratio: f64) -> LayerReport {
        LayerReport {
            step: 1,
            activations: vec![ActivationStats {
                name: "layers.1".into(),
                activation: "relu".into(),
                mean: 0.1,
                std: act_std,
                zero_fraction: dead,
                dead_fraction: Some(dead),
            }],
            params: vec![ParamStats {
                name: "layers.0.weight".into(),
                norm: 1.0,
                grad_norm: grad,
                update_ratio: ratio,
            }],
        }
    }

    #[test]
    fn healthy_layers_raise_no_flag() {
        assert!(flags(&report(0.5, 0.1, 0.1, 1e-3), 0.1, false).is_empty());
        assert!(flags(&report(0.5, 0.1, 0.1, 1e-7), 1e-4, true).is_empty());
    }

    #[test]
    fn each_problem_is_flagged() {
        let kinds = |r: &LayerReport| {
            flags(r, 0.1, false)
                .into_iter()
                .map(|f| f.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(&report(0.5, 0.8, 0.1, 1e-3)), [WarningKind::DeadRelu]);
        assert_eq!(
            kinds(&report(1e-5, 0.1, 0.1, 1e-3)),
            [WarningKind::VanishingActivations]
        );
        assert_eq!(
            kinds(&report(1e4, 0.1, 0.1, 1e-3)),
            [WarningKind::ExplodingActivations]
        );
        assert_eq!(
            kinds(&report(0.5, 0.1, 1e-9, 1e-3)),
            [WarningKind::VanishingGradients]
        );
        assert_eq!(
            kinds(&report(0.5, 0.1, 1e4, 1e-3)),
            [WarningKind::ExplodingGradients]
        );
        assert_eq!(
            kinds(&report(0.5, 0.1, 0.1, 1e-7)),
            [WarningKind::SmallUpdates]
        );
        assert_eq!(
            kinds(&report(0.5, 0.1, 0.1, 0.5)),
            [WarningKind::LargeUpdates]
        );
        assert_eq!(kinds(&report(f64::NAN, 0.1, f64::NAN, 1e-3)).len(), 2);
    }
}
