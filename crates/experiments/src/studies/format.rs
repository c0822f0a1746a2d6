//! Number formatting shared by the studies' findings and legends.

/// Three significant digits without trailing zeros: `0.00884`, `4`.
///
/// ```
/// use experiments::studies::format::short;
/// assert_eq!((short(0.0088388), short(4.0), short(0.70710678)), ("0.00884".into(), "4".into(), "0.707".into()));
/// ```
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return v.to_string();
    }
    let decimals = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
