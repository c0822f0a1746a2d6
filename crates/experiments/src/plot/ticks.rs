//! Ticks a person would write by hand: linear axes at 1, 2 or 5 × 10^k
//! steps; log axes labelled at decades (10⁻³, 0.01, 1, 100) with unlabelled
//! 2 and 5 minor ticks, and 1-2-5 labels only when the axis spans less than
//! two decades. Never "3.16" or "0.0316".

use super::axis::Scale;

/// One tick in axis coordinates (log10 for log axes), with its label if it
/// is labelled (major).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tick {
    pub(crate) at: f64,
    pub(crate) label: Option<String>,
}

/// The ticks of an axis over `[lo, hi]` (axis coordinates), at most about
/// `target` labelled.
pub(crate) fn ticks(scale: Scale, lo: f64, hi: f64, target: usize) -> Vec<Tick> {
    match scale {
        Scale::Linear => linear_ticks(lo, hi, target),
        Scale::Log => log_ticks(lo, hi, target),
    }
}

/// The smallest 1, 2 or 5 × 10^k that is at least `raw`.
pub(crate) fn nice_step(raw: f64) -> f64 {
    let raw = raw.abs().max(f64::MIN_POSITIVE);
    let decade = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|&s| s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * decade)
}

fn linear_ticks(lo: f64, hi: f64, target: usize) -> Vec<Tick> {
    let step = nice_step((hi - lo) / target.max(2) as f64);
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let values: Vec<f64> = (first..=last).map(|k| k as f64 * step).collect();
    let labels = linear_labels(&values, step);
    values
        .into_iter()
        .zip(labels)
        .map(|(at, l)| Tick { at, label: Some(l) })
        .collect()
}

/// Labels for ticks `step` apart, all with the same number of decimals.
fn linear_labels(values: &[f64], step: f64) -> Vec<String> {
    let biggest = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let step_exp = step.log10().floor() as i32;
    if !(1e-3..1e5).contains(&biggest) {
        // scientific: mantissa digits down to the step
        let exp = biggest.log10().floor() as i32;
        let decimals = (exp - step_exp).max(0) as usize;
        return values
            .iter()
            .map(|&v| {
                if v.abs() < step * 1e-6 {
                    "0".into()
                } else {
                    let m = v / 10f64.powi(exp);
                    format!("{m:.decimals$}e{exp}")
                }
            })
            .collect();
    }
    let decimals = (-step_exp).max(0) as usize;
    values
        .iter()
        .map(|&v| {
            let s = format!("{v:.decimals$}");
            if s.trim_start_matches('-')
                .chars()
                .all(|c| c == '0' || c == '.')
            {
                "0".into()
            } else {
                s
            }
        })
        .collect()
}

fn log_ticks(lo: f64, hi: f64, target: usize) -> Vec<Tick> {
    let (first, last) = ((lo - 1e-9).ceil() as i64, (hi + 1e-9).floor() as i64);
    let decades = (last - first + 1).max(0) as usize;
    let inside = |v: f64| v >= lo - 1e-9 && v <= hi + 1e-9;
    if decades >= 2 {
        let every = [1, 2, 3, 5, 10, 20, 50, 100]
            .into_iter()
            .find(|&m| decades.div_ceil(m) <= target.max(2))
            .unwrap_or(100) as i64;
        let plain = (first..=last)
            .filter(|k| k.rem_euclid(every) == 0)
            .all(|k| (-3..=3).contains(&k));
        let mut out = Vec::new();
        for k in first - 1..=last {
            let labelled = k.rem_euclid(every) == 0;
            if inside(k as f64) {
                let label = labelled.then(|| decade_label(k, plain));
                out.push(Tick {
                    at: k as f64,
                    label,
                });
            }
            if decades <= 8 {
                for m in [2.0_f64, 5.0] {
                    let at = k as f64 + m.log10();
                    if inside(at) {
                        out.push(Tick { at, label: None });
                    }
                }
            }
        }
        return out;
    }
    // less than two decades: label 1-2-5 values, or every digit
    for mantissas in [
        &[1.0, 2.0, 5.0][..],
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
    ] {
        let mut out = Vec::new();
        for k in first - 1..=last {
            for &m in mantissas {
                let at = k as f64 + f64::log10(m);
                if inside(at) {
                    let v = m * 10f64.powi(k as i32);
                    out.push(Tick {
                        at,
                        label: Some(short(v)),
                    });
                }
            }
        }
        if out.len() >= 3 {
            return out;
        }
    }
    // a fraction of a decade: round values on a linear grid
    let (a, b) = (10f64.powf(lo), 10f64.powf(hi));
    let step = nice_step((b - a) / target.max(2) as f64);
    let values: Vec<f64> = ((a / step).ceil() as i64..=(b / step).floor() as i64)
        .map(|k| k as f64 * step)
        .filter(|&v| v > 0.0)
        .collect();
    let labels = linear_labels(&values, step);
    values
        .into_iter()
        .zip(labels)
        .map(|(v, l)| Tick {
            at: v.log10(),
            label: Some(l),
        })
        .collect()
}

/// `10^k` as "0.01", "1", "100" when `plain`, else "10⁻⁵".
fn decade_label(k: i64, plain: bool) -> String {
    if plain {
        return short(10f64.powi(k as i32));
    }
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::from("10");
    if k < 0 {
        s.push('⁻');
    }
    for d in k.unsigned_abs().to_string().bytes() {
        s.push(SUP[(d - b'0') as usize]);
    }
    s
}

/// A round value (1, 2 or 5 × 10^k, or a digit × 10^k) written briefly.
fn short(v: f64) -> String {
    let k = v.log10().floor() as i32;
    if (-3..=4).contains(&k) {
        let decimals = (-k).max(0) as usize;
        format!("{v:.decimals$}")
    } else {
        let m = (v / 10f64.powi(k)).round();
        format!("{m}e{k}")
    }
}

/// A short label for a value (annotations, legend steps).
pub(crate) fn linear(v: f64) -> String {
    // tick positions are computed in floating point: -2.2e-16 means 0
    if v.abs() < 1e-12 {
        return "0".into();
    }
    let a = v.abs();
    if (1e-3..1e5).contains(&a) {
        let s = format!("{v:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        format!("{v:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &[Tick]) -> Vec<String> {
        t.iter().filter_map(|t| t.label.clone()).collect()
    }

    #[test]
    fn linear_ticks_are_round() {
        assert_eq!(
            labels(&ticks(Scale::Linear, 0.0, 1.0, 6)),
            ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]
        );
        assert_eq!(
            labels(&ticks(Scale::Linear, -3.3, 47.0, 6)),
            ["0", "10", "20", "30", "40"]
        );
        assert_eq!(
            labels(&ticks(Scale::Linear, 0.0, 2e6, 4)),
            ["0", "0.5e6", "1.0e6", "1.5e6", "2.0e6"]
        );
    }

    #[test]
    fn log_ticks_label_decades_and_hide_minor_ticks() {
        let t = ticks(Scale::Log, -3.2, 0.5, 8);
        assert_eq!(labels(&t), ["0.001", "0.01", "0.1", "1"]);
        assert!(
            t.iter()
                .any(|t| t.label.is_none() && (t.at - 2f64.log10()).abs() < 1e-12)
        );
        let t = ticks(Scale::Log, -12.0, 0.0, 8);
        assert_eq!(
            labels(&t),
            ["10⁻¹²", "10⁻¹⁰", "10⁻⁸", "10⁻⁶", "10⁻⁴", "10⁻²", "10⁰"]
        );
    }

    #[test]
    fn short_log_axes_label_one_two_five() {
        let t = ticks(Scale::Log, 0.05_f64.log10(), 0.8_f64.log10(), 8);
        assert_eq!(labels(&t), ["0.05", "0.1", "0.2", "0.5"]);
        for l in labels(&ticks(Scale::Log, 0.3_f64.log10(), 0.7_f64.log10(), 8)) {
            assert!(!l.contains("316") && !l.contains("251"), "{l}");
        }
    }

    #[test]
    fn labels_are_short() {
        assert_eq!(linear(0.5), "0.5");
        assert_eq!(linear(2.0), "2");
        assert_eq!(linear(1e-7), "1.0e-7");
        assert_eq!(linear(-2.2e-16), "0");
    }
}
