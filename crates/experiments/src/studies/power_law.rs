//! Growth rates measured as slopes on log-log axes (cost ∝ d^slope).

/// Least-squares slope of `ln y` against `ln x` (`None` with fewer than two
/// points, equal x values, or a point that is not positive).
///
/// ```
/// use experiments::studies::power_law::log_slope;
/// let linear = [(1.0, 3.0), (10.0, 30.0), (100.0, 300.0)];
/// assert!((log_slope(&linear).unwrap() - 1.0).abs() < 1e-12);
/// let root = [(1.0, 2.0), (100.0, 20.0)];
/// assert!((log_slope(&root).unwrap() - 0.5).abs() < 1e-12);
/// assert_eq!(log_slope(&[(1.0, 1.0)]), None);
/// ```
pub fn log_slope(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < 2 || points.iter().any(|&(x, y)| !(x > 0.0 && y > 0.0)) {
        return None;
    }
    let logs: Vec<(f64, f64)> = points.iter().map(|&(x, y)| (x.ln(), y.ln())).collect();
    let n = logs.len() as f64;
    let (mx, my) = logs
        .iter()
        .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x / n, b + y / n));
    let sxx: f64 = logs.iter().map(|&(x, _)| (x - mx).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|&(x, y)| (x - mx) * (y - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}
