//! Watching the minibatch loss: divergence, oscillation, stagnation.

use serde::{Deserialize, Serialize};

use crate::train::record::{StopKind, WarningKind};

/// Steps per analysis window.
pub const WINDOW: usize = 50;

/// Smoothing of the loss average: `ema ← 0.9·ema + 0.1·loss`.
const EMA: f64 = 0.9;

/// What the monitor noticed.
#[derive(Clone, Debug, PartialEq)]
pub enum Signal {
    /// Training must stop (or roll back).
    Diverged {
        /// Non-finite loss, or far above its best.
        kind: StopKind,
        /// What was seen.
        message: String,
    },
    /// A warning with advice.
    Warn {
        /// What it is about.
        kind: WarningKind,
        /// What was seen.
        message: String,
        /// What to try.
        advice: String,
    },
}

/// Watches the sequence of minibatch losses.
///
/// * divergence: a NaN or infinite loss, or one above
///   `factor × max(best smoothed loss, first loss)`;
/// * oscillation (every [`WINDOW`] steps): the window's mean did not improve
///   on the previous window's while successive losses swing by more than
///   half the mean, and the loss is still above a quarter of where it started:
///   "learning rate likely too high";
/// * stagnation: two windows in a row changed the mean by less than 1 % while
///   the loss is above half of where it started: "learning rate likely too low".
///
/// ```
/// use experiments::train::{LossMonitor, Signal};
/// let mut m = LossMonitor::new(10.0);
/// assert!(m.divergence(2.3).is_none());
/// m.record(2.3, 0.1);
/// assert!(m.divergence(1e3).is_some()); // more than 10× the first loss
/// assert!(matches!(m.divergence(f64::NAN), Some(Signal::Diverged { .. })));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LossMonitor {
    factor: f64,
    first: Option<f64>,
    ema: Option<f64>,
    best_ema: Option<f64>,
    window: Vec<f64>,
    previous_mean: Option<f64>,
    flat_windows: u32,
}

impl LossMonitor {
    /// A monitor calling a loss above `factor ×` its reference divergence.
    pub fn new(factor: f64) -> Self {
        LossMonitor {
            factor,
            first: None,
            ema: None,
            best_ema: None,
            window: Vec::with_capacity(WINDOW),
            previous_mean: None,
            flat_windows: 0,
        }
    }

    /// `Some(Signal::Diverged)` if `loss` means divergence; does not record it.
    pub fn divergence(&self, loss: f64) -> Option<Signal> {
        if !loss.is_finite() {
            return Some(Signal::Diverged {
                kind: StopKind::NonFiniteLoss,
                message: format!("the loss became {loss}"),
            });
        }
        let (first, best) = (self.first?, self.best_ema?);
        let reference = first.max(best);
        (loss > self.factor * reference).then(|| Signal::Diverged {
            kind: StopKind::Diverged,
            message: format!(
                "the loss jumped to {loss:.4e}, more than {}x its reference {reference:.4} \
                 (first loss {first:.4}, best smoothed loss {best:.4})",
                self.factor
            ),
        })
    }

    /// Records a finite loss taken at learning rate `lr`; every [`WINDOW`]
    /// losses, returns an oscillation or stagnation warning if there is one.
    pub fn record(&mut self, loss: f64, lr: f64) -> Option<Signal> {
        self.first.get_or_insert(loss);
        let ema = match self.ema {
            Some(e) => EMA * e + (1.0 - EMA) * loss,
            None => loss,
        };
        self.ema = Some(ema);
        self.best_ema = Some(self.best_ema.map_or(ema, |b| b.min(ema)));
        self.window.push(loss);
        if self.window.len() < WINDOW {
            return None;
        }
        let signal = self.analyse(lr);
        self.window.clear();
        signal
    }

    /// The smoothed loss so far.
    pub fn smoothed(&self) -> Option<f64> {
        self.ema
    }

    fn analyse(&mut self, lr: f64) -> Option<Signal> {
        let n = self.window.len() as f64;
        let mean = self.window.iter().sum::<f64>() / n;
        let swing = self
            .window
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .sum::<f64>()
            / (n - 1.0).max(1.0);
        let first = self.first.unwrap_or(mean);
        let previous = self.previous_mean.replace(mean)?;
        let flat = (previous - mean).abs() < 0.01 * previous;
        self.flat_windows = if flat { self.flat_windows + 1 } else { 0 };
        if mean >= 0.98 * previous && swing > 0.5 * mean && mean > 0.25 * first {
            return Some(Signal::Warn {
                kind: WarningKind::Oscillation,
                message: format!(
                    "the loss swings by {swing:.3} per step around {mean:.3} without going down \
                     (previous {WINDOW} steps: {previous:.3})"
                ),
                advice: format!(
                    "learning rate likely too high: try --lr {:.3e} or a decaying --schedule, or run lr-find",
                    lr / 3.0
                ),
            });
        }
        if self.flat_windows >= 2 && mean > 0.5 * first {
            self.flat_windows = 0;
            return Some(Signal::Warn {
                kind: WarningKind::Stagnation,
                message: format!(
                    "the loss barely moves ({previous:.4} -> {mean:.4} over {WINDOW} steps, \
                     first loss {first:.4})"
                ),
                advice: format!(
                    "learning rate likely too low: try --lr {:.3e} or run lr-find; \
                     also check the initialization (--init kaiming-uniform for ReLU)",
                    lr * 10.0
                ),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(m: &mut LossMonitor, losses: impl IntoIterator<Item = f64>) -> Vec<WarningKind> {
        losses
            .into_iter()
            .filter_map(|l| match m.record(l, 0.1) {
                Some(Signal::Warn { kind, .. }) => Some(kind),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_decreasing_loss_raises_nothing() {
        let mut m = LossMonitor::new(10.0);
        let noisy = (0..500)
            .map(|i| 2.3 * (-(i as f64) / 100.0).exp() * (1.0 + 0.2 * ((i % 3) as f64 - 1.0)));
        assert!(feed(&mut m, noisy).is_empty());
    }

    #[test]
    fn a_flat_loss_is_stagnation() {
        let mut m = LossMonitor::new(10.0);
        let flat = (0..200).map(|i| 2.30 - 1e-5 * i as f64);
        assert_eq!(feed(&mut m, flat), [WarningKind::Stagnation]);
    }

    #[test]
    fn a_wildly_swinging_loss_is_oscillation() {
        let mut m = LossMonitor::new(100.0);
        let swing = (0..200).map(|i| if i % 2 == 0 { 0.5 } else { 4.0 });
        let kinds = feed(&mut m, swing);
        assert!(kinds.contains(&WarningKind::Oscillation), "{kinds:?}");
    }

    #[test]
    fn a_jump_far_above_the_reference_diverges() {
        let mut m = LossMonitor::new(4.0);
        for l in [2.3, 2.0, 1.5, 1.0] {
            assert!(m.divergence(l).is_none());
            m.record(l, 0.1);
        }
        assert!(m.divergence(9.0).is_none()); // 9 < 4 × 2.3
        assert!(matches!(
            m.divergence(10.0),
            Some(Signal::Diverged {
                kind: StopKind::Diverged,
                ..
            })
        ));
        assert!(matches!(
            m.divergence(f64::INFINITY),
            Some(Signal::Diverged {
                kind: StopKind::NonFiniteLoss,
                ..
            })
        ));
    }
}
