//! Axis tick labels, including log axes drawn as log10 on a linear scale.

/// A short label for a linear-axis value.
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

/// The label of a log-axis position `v = log10(x)`.
pub(crate) fn log10(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("1e{}", v.round() as i64)
    } else {
        significant(10f64.powf(v), 3)
    }
}

/// `x` rounded to `digits` significant digits, without trailing zeros.
fn significant(x: f64, digits: i32) -> String {
    let magnitude = x.abs().log10().floor() as i32;
    if !(-3..5).contains(&magnitude) {
        return format!("{:.*e}", (digits - 1).max(0) as usize, x);
    }
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `[lo, hi]` of finite values, padded by `pad` of the span (or ±1 if flat).
pub(crate) fn padded_range(values: impl Iterator<Item = f64>, pad: f64) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        return Some((lo - 1.0, hi + 1.0));
    }
    Some((lo - pad * span, hi + pad * span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_short() {
        assert_eq!(linear(0.5), "0.5");
        assert_eq!(linear(2.0), "2");
        assert_eq!(linear(1e-7), "1.0e-7");
        assert_eq!(log10(-3.0), "1e-3");
        assert_eq!(log10(3.5), "3162");
        assert_eq!(log10(-0.5), "0.316");
        assert_eq!(linear(-2.2e-16), "0");
    }

    #[test]
    fn ranges_ignore_non_finite_and_widen_flat_data() {
        assert_eq!(
            padded_range([1.0, f64::NAN, 3.0].into_iter(), 0.0),
            Some((1.0, 3.0))
        );
        assert_eq!(padded_range([2.0, 2.0].into_iter(), 0.1), Some((1.0, 3.0)));
        assert_eq!(padded_range([f64::INFINITY].into_iter(), 0.1), None);
    }
}
