//! Helpers for the studies' time series: window averages and thinning for plots.

/// Averages of consecutive windows of `w` values, at their centre step.
pub(crate) fn smooth(values: &[f64], w: usize) -> Vec<(f64, f64)> {
    let w = w.max(1);
    values
        .chunks(w)
        .enumerate()
        .map(|(i, c)| {
            let x = (i * w) as f64 + c.len() as f64 / 2.0;
            (x, c.iter().sum::<f64>() / c.len() as f64)
        })
        .collect()
}

pub(crate) fn thin(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    let stride = points.len().div_ceil(max).max(1);
    let mut out: Vec<(f64, f64)> = points.iter().step_by(stride).copied().collect();
    if let Some(&last) = points.last()
        && out.last() != Some(&last)
    {
        out.push(last);
    }
    out
}
