//! The verdict and the finding, computed from the measurements.

use std::f64::consts::LN_10;

use super::{Config, Outcome, Run, Scheme};
use crate::report::{Frame, Source};
use crate::studies::format::short;

/// A norm "vanishes" below this fraction of the gain-scaled (Kaiming) init's.
pub const VANISHED: f64 = 1e-2;
/// A norm "explodes" above this multiple of the gain-scaled init's.
pub const EXPLODED: f64 = 1e2;
/// The activation std "stays right" if its largest and smallest value over
/// the hidden layers are within this factor.
pub const STEADY: f64 = 3.0;
/// Zero init "learns nothing": its test accuracy stays below this (chance is 0.1).
pub const NOTHING_LEARNED: f64 = 0.2;

fn last(v: &[f64]) -> f64 {
    v.last().copied().unwrap_or(f64::NAN)
}

fn first(v: &[f64]) -> f64 {
    v.first().copied().unwrap_or(f64::NAN)
}

/// `(last activation std, first-layer gradient norm)` of `scheme` relative
/// to Kaiming's in the same activation.
fn relative(out: &Outcome, act: &str, scheme: Scheme) -> (f64, f64) {
    match (out.get(act, scheme), out.get(act, Scheme::Kaiming)) {
        (Some(r), Some(k)) => (
            last(&r.activation_std) / last(&k.activation_std),
            first(&r.grad_norm) / first(&k.grad_norm),
        ),
        _ => (f64::NAN, f64::NAN),
    }
}

/// Largest over smallest activation std across the hidden layers.
fn std_range(r: &Run) -> f64 {
    let max = r.activation_std.iter().copied().fold(0.0, f64::max);
    let min = r
        .activation_std
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min);
    max / min
}

/// The scheme with the lowest mean final training loss in `act`.
fn best_scheme(out: &Outcome, act: &str) -> Option<(Scheme, f64)> {
    out.runs
        .iter()
        .filter(|r| r.activation == act)
        .map(|r| (r.scheme, r.spread(|s| s.final_loss()).0))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// A number for prose: three significant digits, or scientific when huge or tiny.
fn num(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e4 || v.abs() < 1e-3) {
        format!("{v:.1e}")
    } else {
        short(v)
    }
}

fn list(items: Vec<String>) -> String {
    items.join(", ")
}

/// The teaching frame with its measured checks: vanishing (too small),
/// right (gain-scaled), exploding (too large), zero init's symmetry and
/// failure to learn, and gain-scaled inits training best.
pub fn checks(config: &Config, out: &Outcome) -> Frame {
    let acts = out.activations();
    let mut frame = Frame::new(
        Source::Notes,
        "Initialization",
        "If you initialize all the weights as 0, ANN will not learn anything - all your gradients \
         will be the same … The choice of σ² will affect 1. Magnitude/Norm of forward activations \
         2. Magnitude/Norm of gradients: too low: vanishing, optimal: right, too high: exploding",
        format!(
            "{}-hidden-layer MLPs ({} units, {} activations) initialized five ways: activation std \
             and gradient norm per layer at initialization on one batch, then {} SGD+momentum steps \
             from each over {} seeds.",
            config.depth,
            config.width,
            list(acts.iter().map(|a| a.to_string()).collect()),
            out.runs
                .iter()
                .flat_map(|r| r.seeds.iter().map(|s| s.step_losses.len()))
                .max()
                .unwrap_or(0),
            config.seeds
        ),
        "The slope of each activation-std line (flat: right, falling: vanishing, rising: \
         exploding), the crosses where runs diverge, and the dotted zero-init line that stays at \
         ln 10.",
    );

    let ratios = |scheme: Scheme, pick: fn(f64, f64) -> f64| -> Vec<(String, f64, f64, f64)> {
        acts.iter()
            .map(|a| {
                let (s, g) = relative(out, a, scheme);
                (a.to_string(), s, g, pick(s, g))
            })
            .collect()
    };
    let small = ratios(Scheme::TooSmall, f64::min);
    frame = frame.check(
        format!(
            "Too low: with N(0, 0.01²) the last layer's activation std / the first layer's gradient \
             norm, relative to Kaiming's, are {} (vanishing: below {})",
            list(small.iter().map(|(a, s, g, _)| format!("{a} {:.0e} / {:.0e}", s, g)).collect()),
            short(VANISHED)
        ),
        !small.is_empty() && small.iter().all(|r| r.3 < VANISHED),
    );

    let steady: Vec<(String, f64)> = acts
        .iter()
        .map(|a| {
            let worst = [Scheme::Xavier, Scheme::Kaiming]
                .iter()
                .filter_map(|&s| out.get(a, s))
                .map(std_range)
                .fold(f64::NAN, f64::max);
            (a.to_string(), worst)
        })
        .collect();
    frame = frame.check(
        format!(
            "Optimal: with Xavier and Kaiming (gain-scaled) the activation std varies across the \
             hidden layers by a factor of at most {} (right: within {})",
            list(
                steady
                    .iter()
                    .map(|(a, f)| format!("{a} {}", short(*f)))
                    .collect()
            ),
            short(STEADY)
        ),
        !steady.is_empty() && steady.iter().all(|(_, f)| *f <= STEADY),
    );

    let large = ratios(Scheme::TooLarge, f64::max);
    frame = frame.check(
        format!(
            "Too high: with N(0, 1) the last layer's activation std / the first layer's gradient \
             norm, relative to Kaiming's, are {} (exploding: above {})",
            list(
                large
                    .iter()
                    .map(|(a, s, g, _)| format!("{a} {:.0e} / {:.0e}", s, g))
                    .collect()
            ),
            short(EXPLODED)
        ),
        !large.is_empty() && large.iter().all(|r| r.3 > EXPLODED),
    );

    let zeros: Vec<&Run> = out
        .runs
        .iter()
        .filter(|r| r.scheme == Scheme::Zero)
        .collect();
    let spread = |r: &Run| r.spread(|s| s.unit_spread).2;
    frame = frame.check(
        format!(
            "Zero init keeps every hidden unit identical through training: the largest difference \
             between two units' weights is {}",
            list(
                zeros
                    .iter()
                    .map(|r| format!("{} {}", r.activation, short(spread(r))))
                    .collect()
            )
        ),
        !zeros.is_empty() && zeros.iter().all(|r| spread(r) < 1e-6),
    );
    let accuracy = |r: &Run| r.spread(|s| s.test_accuracy).0;
    frame = frame.check(
        format!(
            "Zero init learns (almost) nothing: test accuracy {} (chance 10%; \"nothing\": below {}%)",
            list(zeros.iter().map(|r| format!("{} {:.1}%", r.activation, 100.0 * accuracy(r))).collect()),
            100.0 * NOTHING_LEARNED
        ),
        !zeros.is_empty() && zeros.iter().all(|r| accuracy(r) < NOTHING_LEARNED),
    );

    let best: Vec<(String, Option<(Scheme, f64)>)> = acts
        .iter()
        .map(|a| (a.to_string(), best_scheme(out, a)))
        .collect();
    frame.check(
        format!(
            "Good initialization speeds up training (the notes' \"Speed Up Training\"): the lowest \
             mean final training loss is reached by {}",
            list(
                best.iter()
                    .map(|(a, b)| match b {
                        Some((s, l)) => format!("{} in {a} ({:.3})", s.name(), l),
                        None => format!("nothing in {a}"),
                    })
                    .collect()
            )
        ),
        !best.is_empty()
            && best
                .iter()
                .all(|(_, b)| b.is_some_and(|(s, _)| s.gain_scaled())),
    )
}

fn stop_words(r: &Run) -> String {
    match r.first_end() {
        None => "no".into(),
        Some(end) => format!(
            "{} of {} seeds, first at step {}",
            r.stopped(),
            r.seeds.len(),
            end.step()
        ),
    }
}

fn range(v: (f64, f64, f64), pct: bool) -> String {
    let k = if pct { 100.0 } else { 1.0 };
    if !v.0.is_finite() {
        return "diverged".into();
    }
    let d = if pct { 1 } else { 3 };
    format!("{:.d$} [{:.d$}, {:.d$}]", k * v.0, k * v.1, k * v.2)
}

/// The finding in Markdown: what diverged, what saturated, the gains and
/// the per-run table.
pub(super) fn text(config: &Config, out: &Outcome) -> String {
    let mut md = String::new();
    let stopped: Vec<String> = out
        .runs
        .iter()
        .filter(|r| r.stopped() > 0)
        .map(|r| {
            let first = r
                .seeds
                .iter()
                .filter_map(|s| s.step_losses.first())
                .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
            format!(
                "{} {} ({}; largest first-step loss **{:.1e}**)",
                r.activation,
                r.scheme.name(),
                stop_words(r),
                first
            )
        })
        .collect();
    md.push_str(&if stopped.is_empty() {
        "No training run diverged.\n\n".to_string()
    } else {
        format!(
            "Runs that diverged in training: {}.\n\n",
            stopped.join("; ")
        )
    });
    for act in out.activations() {
        let (Some(l), Some(k)) = (
            out.get(act, Scheme::TooLarge),
            out.get(act, Scheme::Kaiming),
        ) else {
            continue;
        };
        let ratio = last(&l.activation_std) / last(&k.activation_std);
        md.push_str(&format!(
            "With N(0, 1) in {act}, layer {}'s activation std is **{}** against **{}** with Kaiming: {}\n",
            l.activation_std.len(),
            num(last(&l.activation_std)),
            num(last(&k.activation_std)),
            if ratio > EXPLODED {
                "the forward signal explodes.".to_string()
            } else {
                format!("the forward signal stays bounded (×{}: the units saturate), while the first layer's gradient is ×{} Kaiming's.", num(ratio), num(first(&l.grad_norm) / first(&k.grad_norm)))
            }
        ));
        md.push('\n');
    }

    for act in out.activations() {
        let (Some((_, best)), Some(k)) = (best_scheme(out, act), out.get(act, Scheme::Kaiming))
        else {
            continue;
        };
        if best > LN_10 - 0.1 {
            md.push_str(&format!(
                "In {act}, no initialization brought the mean training loss below **{:.3}** \
                 (ln 10 = 2.303) within the run. With Kaiming the first layer's gradient is \
                 **{:.0e}**, {:.0e} of the last layer's: the gradient vanishes on its way back \
                 although the forward std stays steady.\n\n",
                best,
                first(&k.grad_norm),
                first(&k.grad_norm) / last(&k.grad_norm)
            ));
        }
    }
    md.push_str(&format!(
        "\n**Gains and initial weight std** (measured on the initialized {} network; Kaiming: \
         σ = gain/√fan_in, so the variance is gain²/fan_in and ReLU's √2 doubles it; Xavier: \
         σ = gain·√(2/(fan_in+fan_out)); first layer 784→{w}, hidden {w}→{w}, last {w}→10)\n\n\
         | activation | gain | zero | too small | too large | Xavier σ first / hidden / last | Kaiming σ first / hidden / last |\n|---|---|---|---|---|---|---|\n",
        config.spec(),
        w = config.width
    ));
    let sigma = |r: Option<&Run>, all: bool| {
        r.map_or("—".to_string(), |r| {
            let w = &r.weight_std;
            if all && w.len() >= 3 {
                format!("{} / {} / {}", short(w[0]), short(w[1]), short(last(w)))
            } else {
                short(w.get(1).copied().unwrap_or(f64::NAN))
            }
        })
    };
    for act in out.activations() {
        let gain = out.get(act, Scheme::Kaiming).map_or(f64::NAN, |r| r.gain);
        md.push_str(&format!(
            "| {act} | {} | {} | {} | {} | {} | {} |\n",
            short(gain),
            sigma(out.get(act, Scheme::Zero), false),
            sigma(out.get(act, Scheme::TooSmall), false),
            sigma(out.get(act, Scheme::TooLarge), false),
            sigma(out.get(act, Scheme::Xavier), true),
            sigma(out.get(act, Scheme::Kaiming), true),
        ));
    }

    md.push_str(&format!(
        "\n**Per run** (signals at initialization on one batch; training: mean [min, max] over {} \
         seeds)\n\n| activation | init | act. std layer 1 → {} | grad norm layer 1 / {} | final training loss | test accuracy (%) | unit spread | diverged |\n|---|---|---|---|---|---|---|---|\n",
        config.seeds,
        config.depth,
        config.depth + 1
    ));
    for r in &out.runs {
        md.push_str(&format!(
            "| {} | {} | {:.1e} → {:.1e} | {:.1e} / {:.1e} | {} | {} | {:.1e} | {} |\n",
            r.activation,
            r.scheme.name(),
            first(&r.activation_std),
            last(&r.activation_std),
            first(&r.grad_norm),
            last(&r.grad_norm),
            range(r.spread(|s| s.final_loss()), false),
            if r.stopped() > 0 {
                "—".to_string()
            } else {
                range(r.spread(|s| s.test_accuracy), true)
            },
            r.spread(|s| s.unit_spread).2,
            stop_words(r)
        ));
    }
    md
}
