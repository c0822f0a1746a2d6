//! What the measurements say: each run's regime (too low, good, high,
//! diverged) decided from its own curve, and the checks of the lecture's
//! claims, as pure functions of the [`Outcome`].

use serde::Serialize;

use super::runs::{Outcome, SweepRun};
use crate::report::{Frame, Source};
use crate::studies::format::short;

/// A final loss within this factor of the best is "good".
pub const GOOD_FACTOR: f64 = 1.5;
/// A run is "stuck at a worse loss" when its final loss exceeds the best by
/// this factor.
pub const WORSE_FACTOR: f64 = 1.1;
/// The "early" part of a run, as a fraction of its steps.
pub const EARLY: f64 = 0.1;

/// The behaviour of one learning rate, as measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Regime {
    /// Below the best rate and ending far above its loss: crawls.
    TooLow,
    /// Within [`GOOD_FACTOR`] of the best final loss.
    Good,
    /// Above the best rate: faster at first, then stuck at a worse loss.
    High,
    /// Stopped by the divergence check.
    Diverged,
    /// None of these (above the best, worse, but not faster at first).
    Other,
}

impl Regime {
    /// The words in tables and legends.
    pub fn words(self) -> &'static str {
        match self {
            Regime::TooLow => "too low",
            Regime::Good => "good",
            Regime::High => "high",
            Regime::Diverged => "very high (diverged)",
            Regime::Other => "worse, not faster",
        }
    }
}

/// Mean loss over the first [`EARLY`] of a run's steps (at least one).
pub fn early_loss(run: &SweepRun, steps: usize) -> f64 {
    let n = ((steps as f64 * EARLY).ceil() as usize).clamp(1, run.step_loss.len().max(1));
    let part = &run.step_loss[..n.min(run.step_loss.len())];
    part.iter().sum::<f64>() / part.len().max(1) as f64
}

/// Mean `|Δloss|` between consecutive steps over a whole run (up to a
/// non-finite loss): how wildly its loss curve varies.
pub fn variation(run: &SweepRun) -> f64 {
    let finite: Vec<f64> = run
        .step_loss
        .iter()
        .copied()
        .take_while(|l| l.is_finite())
        .collect();
    if finite.len() < 2 {
        return f64::NAN;
    }
    finite.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (finite.len() - 1) as f64
}

/// The first step by which `run`'s loss, averaged over windows of a
/// fiftieth of its steps, was at or below `loss`.
pub fn steps_to_reach(run: &SweepRun, loss: f64) -> Option<usize> {
    let w = (run.step_loss.len() / 50).max(1);
    run.step_loss
        .chunks(w)
        .position(|c| c.iter().sum::<f64>() / c.len() as f64 <= loss)
        .map(|i| (i + 1) * w)
}

impl Outcome {
    /// The sweep's best run (lowest finite final loss).
    pub fn best(&self) -> &SweepRun {
        self.sweep
            .iter()
            .filter(|r| !r.diverged())
            .min_by(|a, b| a.final_loss.total_cmp(&b.final_loss))
            .unwrap_or(&self.sweep[0])
    }

    /// The regime of every sweep run, in sweep order.
    pub fn regimes(&self) -> Vec<Regime> {
        let best = self.best();
        let steps = best.step_loss.len();
        let best_early = early_loss(best, steps);
        self.sweep
            .iter()
            .map(|r| {
                if r.diverged() {
                    Regime::Diverged
                } else if r.final_loss <= GOOD_FACTOR * best.final_loss {
                    Regime::Good
                } else if r.lr < best.lr {
                    Regime::TooLow
                } else if r.final_loss > WORSE_FACTOR * best.final_loss
                    && early_loss(r, steps) < best_early
                {
                    Regime::High
                } else {
                    Regime::Other
                }
            })
            .collect()
    }

    /// The four classic curves: the lowest too-low rate, the best rate, the
    /// highest "high" rate (else the highest rate above the best that did
    /// not diverge, whatever it did) and the lowest diverging rate (each if
    /// any), with their measured regimes.
    pub fn four(&self) -> [Option<(&SweepRun, Regime)>; 4] {
        let regimes = self.regimes();
        let runs = || self.sweep.iter().zip(regimes.iter().copied());
        let best = self.best();
        let above =
            runs().rfind(|(r, g)| r.lr > best.lr && *g != Regime::Diverged && *g != Regime::Good);
        [
            runs().find(|(_, g)| *g == Regime::TooLow),
            runs().find(|(r, _)| std::ptr::eq(*r, best)),
            runs().rfind(|(_, g)| *g == Regime::High).or(above),
            runs().find(|(_, g)| *g == Regime::Diverged),
        ]
    }

    /// The lowest and highest swept rates whose regime is good.
    pub fn good_region(&self) -> (f64, f64) {
        let good: Vec<f64> = self
            .sweep
            .iter()
            .zip(self.regimes())
            .filter(|(_, g)| *g == Regime::Good)
            .map(|(r, _)| r.lr)
            .collect();
        (
            good.iter().copied().fold(f64::INFINITY, f64::min),
            good.iter().copied().fold(0.0, f64::max),
        )
    }
}

/// The teaching frame with its checks, computed from `out`.
pub fn frame(out: &Outcome) -> Frame {
    let best = out.best();
    let steps = best.step_loss.len();
    let [low, _, third, over] = out.four();
    let low = low.map(|(r, _)| r);
    let over = over.map(|(r, _)| r);
    let high = third.filter(|(_, g)| *g == Regime::High).map(|(r, _)| r);
    let third = third.map(|(r, _)| r);
    let mut frame = Frame::new(
        Source::Lecture,
        "Section 7: Hyperparameter Tuning, Learning Rate",
        "Higher learning rates will decay the loss faster, but they get stuck at worse values \
         of loss [\u{2026}] If you learn too fast: you see wild variations on your loss curve, \
         you converge towards solutions with huge (+ or -) weights (or NaN values). If you \
         learn too slowly: convergence takes forever",
        "Plain SGD on MNIST from one initialization with the same minibatches at learning \
         rates from a coarse grid plus a finer grid between the best and the first diverging \
         rate; one rate left unguarded until its loss is NaN; the first-layer weights \
         looked at as images.",
        "The four curves (labels decided by each run's measured behaviour), the U-shaped final \
         loss with the diverged rates at the top edge, the unguarded run's loss and weight \
         norm, and how noisy the first-layer weights look at each rate.",
    );
    frame = match low {
        Some(low) => {
            let total = low.step_loss.len();
            let reached = steps_to_reach(best, low.final_loss);
            frame.check(
                format!(
                    "too slow: at lr {} the loss ended at {:.3} after {total} steps ({:.1}\u{d7} \
                     the best rate's {:.3}); the best rate {} was down to {:.3} after {}",
                    short(low.lr),
                    low.final_loss,
                    low.final_loss / best.final_loss,
                    best.final_loss,
                    short(best.lr),
                    low.final_loss,
                    reached.map_or("never".to_string(), |k| format!("{k} steps")),
                ),
                reached.is_some_and(|k| 4 * k <= total),
            )
        }
        None => frame.check(
            format!(
                "no swept rate below the best ({}) ended above {GOOD_FACTOR}\u{d7} its loss",
                short(best.lr)
            ),
            false,
        ),
    };
    frame = match high {
        Some(h) => frame.check(
            format!(
                "too fast: lr {} started faster (mean loss {:.3} over the first {:.0}% of \
                 steps, against {:.3} at the best rate {}) but got stuck at {:.3} \
                 ({:.1}\u{d7} the best rate's {:.3})",
                short(h.lr),
                early_loss(h, steps),
                100.0 * EARLY,
                early_loss(best, steps),
                short(best.lr),
                h.final_loss,
                h.final_loss / best.final_loss,
                best.final_loss
            ),
            true,
        ),
        None => frame.check(
            format!(
                "no rate above the best ({}) both started faster and ended more than \
                 {WORSE_FACTOR}\u{d7} worse without diverging",
                short(best.lr)
            ),
            false,
        ),
    };
    let wild = third.or(over).filter(|r| r.step_loss.len() > 2);
    frame = match wild {
        Some(w) => {
            let (vw, vb) = (variation(w), variation(best));
            frame.check(
                format!(
                    "wild variations: at lr {} the loss moved by {:.3} per step on average, \
                     against {:.3} at lr {}",
                    short(w.lr),
                    vw,
                    vb,
                    short(best.lr)
                ),
                vw > 1.5 * vb,
            )
        }
        None => frame.check("no high or diverging rate to look at", false),
    };
    let diverged: Vec<String> = out
        .sweep
        .iter()
        .filter(|r| r.diverged())
        .map(|r| short(r.lr))
        .collect();
    frame = frame.check(
        match over {
            Some(o) => format!(
                "divergence: {} of {} swept rates diverged (lr {}), the lowest of them at step {}",
                diverged.len(),
                out.sweep.len(),
                diverged.join(", "),
                o.diverged_at.map_or("?".into(), |k| k.to_string())
            ),
            None => format!(
                "no swept rate diverged (up to lr {})",
                short(out.sweep.last().map_or(f64::NAN, |r| r.lr))
            ),
        },
        over.is_some(),
    );
    let u = &out.unguarded;
    let start = u.weight_norm.first().copied().unwrap_or(f64::NAN);
    let peak = u
        .weight_norm
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    frame = frame.check(
        match u.non_finite_at {
            Some(k) => format!(
                "huge weights, then a non-finite loss: unguarded at lr {} the loss was {} at step {k}; \
                 \u{2016}\u{3b8}\u{2016} grew from {:.3} to {:.3e} ({:.1e}\u{d7})",
                short(u.lr),
                if u.nan { "NaN" } else { "infinite" },
                start,
                peak,
                peak / start
            ),
            None => format!(
                "unguarded at lr {} the loss stayed finite for {} steps (\u{2016}\u{3b8}\u{2016} {:.3} \u{2192} {:.3e})",
                short(u.lr),
                u.step_loss.len(),
                start,
                peak
            ),
        },
        u.non_finite_at.is_some() && peak > 100.0 * start,
    );
    let noisy: Vec<&SweepRun> = [low, over].into_iter().flatten().collect();
    let rough = |r: &SweepRun| format!("{:.2} at lr {}", r.roughness, short(r.lr));
    frame.check(
        format!(
            "features: first-layer weights' roughness (1 = white noise, 0 = smooth) {:.2} at \
             the best rate {}, against {} (too low) and {} (diverged){}",
            best.roughness,
            short(best.lr),
            low.map_or("none".into(), rough),
            over.map_or("none".into(), rough),
            third.map_or(String::new(), |r| format!("; {} above the best", rough(r)))
        ),
        noisy.len() == 2 && noisy.iter().all(|r| best.roughness < r.roughness),
    )
}
