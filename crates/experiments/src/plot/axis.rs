//! Axis scales and ranges taken from the data that is shown.
//!
//! A range fitted to the data is *robust*: a few points far from the rest
//! (one exploded loss of 1e11, an underflow to 1e-300 or 0 on a log axis)
//! do not stretch the axis. They are drawn at the edge with an off-scale
//! marker instead, and [`check`](super::check) applies the same limits:
//!
//! - a linear axis spans at most [`MAX_SPREAD`] robust spreads on each side
//!   of the middle half of the data (the spread is the interquartile range,
//!   or 1% of the median's magnitude when the data is nearly constant);
//! - on a log axis, the smallest or largest tenth of the points is cut off
//!   when a gap of more than [`LOG_GAP`] decades separates it from the rest,
//!   and a log axis never spans more than [`MAX_DECADES`] decades.

use serde::{Deserialize, Serialize};

/// How an axis maps values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Values as they are.
    #[default]
    Linear,
    /// `log10` of the values; non-positive values are drawn off-scale at the
    /// bottom edge.
    Log,
}

impl Scale {
    /// The value in axis coordinates: itself, or its `log10`. `None` for
    /// non-finite values; `-∞` for non-positive values on a log axis.
    pub(crate) fn map(self, v: f64) -> Option<f64> {
        if !v.is_finite() {
            return None;
        }
        Some(match self {
            Scale::Linear => v,
            Scale::Log if v > 0.0 => v.log10(),
            Scale::Log => f64::NEG_INFINITY,
        })
    }
}

/// Largest span of a linear axis on each side of the data's middle half, in
/// robust spreads (see the [module docs](self)).
pub const MAX_SPREAD: f64 = 1e3;
/// Most decades a log axis may span.
pub const MAX_DECADES: f64 = 30.0;
/// A gap of more decades than this between the outer tenth of the points
/// and the rest puts the outer points off-scale on a log axis.
pub const LOG_GAP: f64 = 6.0;

/// The robust spread of sorted, finite values: their interquartile range,
/// or 1% of the median's magnitude if that is larger.
pub(crate) fn spread(sorted: &[f64]) -> f64 {
    let q = |p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize];
    (q(0.75) - q(0.25)).max(0.01 * q(0.5).abs())
}

/// The `[lo, hi]` (axis coordinates) that shows `mapped` values robustly,
/// without padding, or `None` if no value is finite. Values outside it are
/// off-scale.
pub(crate) fn robust_range(mapped: &[f64], scale: Scale) -> Option<(f64, f64)> {
    let mut v: Vec<f64> = mapped.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let (lo, hi) = match scale {
        Scale::Linear => {
            let s = spread(&v);
            let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
            if s > 0.0 {
                let (a, b) = (q(0.25) - MAX_SPREAD * s, q(0.75) + MAX_SPREAD * s);
                let inside = v.iter().copied().filter(|x| (a..=b).contains(x));
                inside.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| {
                    (l.min(x), h.max(x))
                })
            } else {
                (v[0], v[v.len() - 1])
            }
        }
        Scale::Log => log_window(&v),
    };
    Some((lo, hi))
}

/// The robust window of sorted log10 values (see the [module docs](self)).
fn log_window(v: &[f64]) -> (f64, f64) {
    let n = v.len();
    let outer = (n / 10).max(usize::from(n >= 3));
    let mut first = 0;
    let mut last = n - 1;
    for i in 0..outer.min(n - 1) {
        if v[i + 1] - v[i] > LOG_GAP {
            first = i + 1;
        }
    }
    for i in 0..outer.min(n - 1) {
        let k = n - 1 - i;
        if v[k] - v[k - 1] > LOG_GAP {
            last = k - 1;
        }
    }
    let (lo, hi) = (v[first], v[last]);
    if hi - lo <= MAX_DECADES {
        return (lo, hi);
    }
    // keep the 30 decades at the end where most points lie
    let upper = v.iter().filter(|&&x| x >= hi - MAX_DECADES).count();
    let lower = v.iter().filter(|&&x| x <= lo + MAX_DECADES).count();
    if upper >= lower {
        (hi - MAX_DECADES, hi)
    } else {
        (lo, lo + MAX_DECADES)
    }
}

/// The shown range (axis coordinates) of an axis: `fixed` if given (in data
/// units), else the robust range of the values padded by 4% (linear) or
/// 0.05 decades (log), and widened when flat.
pub(crate) fn fit(mapped: &[f64], fixed: Option<(f64, f64)>, scale: Scale) -> Option<(f64, f64)> {
    if let Some((a, b)) = fixed
        && let (Some(a), Some(b)) = (scale.map(a), scale.map(b))
        && a.is_finite()
        && b.is_finite()
        && a < b
    {
        return Some((a, b));
    }
    let (lo, hi) = robust_range(mapped, scale)?;
    let span = hi - lo;
    if span <= 1e-12 * hi.abs().max(1.0) {
        let half = match scale {
            Scale::Linear if lo.abs() > 0.0 => 0.1 * lo.abs(),
            Scale::Linear => 1.0,
            Scale::Log => 0.5,
        };
        return Some((lo - half, hi + half));
    }
    let pad = match scale {
        Scale::Linear => 0.04 * span,
        Scale::Log => 0.05_f64.max(0.02 * span),
    };
    Some((lo - pad, hi + pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_exploded_point_does_not_stretch_a_linear_axis() {
        let mut v: Vec<f64> = (0..50).map(|k| 2.0 - k as f64 * 0.03).collect();
        v.push(1e11);
        let (lo, hi) = robust_range(&v, Scale::Linear).unwrap();
        assert!(lo > 0.5 && hi <= 2.0, "{lo} {hi}");
    }

    #[test]
    fn nearly_constant_data_keeps_its_outliers_in_range() {
        let mut v = vec![0.98; 100];
        v.push(0.1);
        assert_eq!(robust_range(&v, Scale::Linear), Some((0.1, 0.98)));
    }

    #[test]
    fn underflow_does_not_stretch_a_log_axis() {
        let mut v: Vec<f64> = (0..40).map(|k| -0.4 * k as f64).collect();
        v.push(-300.0);
        v.push(f64::NEG_INFINITY);
        let (lo, hi) = robust_range(&v, Scale::Log).unwrap();
        assert!((lo + 15.6).abs() < 1e-9 && hi == 0.0, "{lo} {hi}");
    }

    #[test]
    fn log_axes_span_at_most_thirty_decades() {
        let v: Vec<f64> = (0..60).map(|k| -(k as f64)).collect();
        let (lo, hi) = robust_range(&v, Scale::Log).unwrap();
        assert_eq!((lo, hi), (-30.0, 0.0));
    }
}
