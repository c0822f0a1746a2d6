//! Column statistics, accumulated row by row (cache-friendly on row-major data).
//!
//! Each function returns one `(a, b)` pair over all values, or one per column.

use ndarray::ArrayView2;

use crate::Real;

/// Mean and population standard deviation (two passes, in `f64`, summing
/// row by row to keep rounding small).
pub(crate) fn mean_std<F: Real>(x: ArrayView2<F>, per_feature: bool) -> Vec<(f64, f64)> {
    let width = if per_feature { x.ncols() } else { 1 };
    let count = (x.len() / width.max(1)).max(1) as f64;
    let mut mean = vec![0.0; width];
    accumulate(x, per_feature, &mut mean, |v, _| v);
    mean.iter_mut().for_each(|m| *m /= count);
    let mut var = vec![0.0; width];
    accumulate(x, per_feature, &mut var, |v, j| {
        (v - mean[j]) * (v - mean[j])
    });
    mean.into_iter()
        .zip(var)
        .map(|(m, v)| (m, (v / count).sqrt()))
        .collect()
}

/// Adds `term(value, slot)` into `acc[slot]`, slot = column or 0.
fn accumulate<F: Real>(
    x: ArrayView2<F>,
    per_feature: bool,
    acc: &mut [f64],
    term: impl Fn(f64, usize) -> f64,
) {
    for row in x.rows() {
        if per_feature {
            for (j, v) in row.iter().enumerate() {
                acc[j] += term(v.as_f64(), j);
            }
        } else {
            acc[0] += row.iter().map(|v| term(v.as_f64(), 0)).sum::<f64>();
        }
    }
}

/// Minimum and maximum.
pub(crate) fn min_max<F: Real>(x: ArrayView2<F>, per_feature: bool) -> Vec<(f64, f64)> {
    let width = if per_feature { x.ncols() } else { 1 };
    let mut acc = vec![(f64::INFINITY, f64::NEG_INFINITY); width];
    for row in x.rows() {
        for (j, v) in row.iter().enumerate() {
            let a = &mut acc[if per_feature { j } else { 0 }];
            a.0 = a.0.min(v.as_f64());
            a.1 = a.1.max(v.as_f64());
        }
    }
    acc
}

/// Mean and population standard deviation of `p / 255`, from exact integer sums.
pub(crate) fn byte_mean_std(x: ArrayView2<u8>, per_feature: bool) -> Vec<(f64, f64)> {
    let width = if per_feature { x.ncols() } else { 1 };
    let count = (x.len() / width.max(1)).max(1) as u128;
    let mut sums = vec![(0u64, 0u64); width];
    for row in x.rows() {
        for (j, &p) in row.iter().enumerate() {
            let s = &mut sums[if per_feature { j } else { 0 }];
            let p = u64::from(p);
            s.0 += p;
            s.1 += p * p;
        }
    }
    sums.into_iter()
        .map(|(sum, sum_sq)| {
            let (sum, sum_sq) = (u128::from(sum), u128::from(sum_sq));
            // count^2 * var = count * sum(p^2) - sum(p)^2, exactly.
            let var_n2 = (count * sum_sq - sum * sum) as f64;
            let n = count as f64;
            (sum as f64 / n / 255.0, var_n2.sqrt() / n / 255.0)
        })
        .collect()
}

/// Minimum and maximum of `p / 255`.
pub(crate) fn byte_min_max(x: ArrayView2<u8>, per_feature: bool) -> Vec<(f64, f64)> {
    let width = if per_feature { x.ncols() } else { 1 };
    let mut acc = vec![(u8::MAX, u8::MIN); width];
    for row in x.rows() {
        for (j, &p) in row.iter().enumerate() {
            let a = &mut acc[if per_feature { j } else { 0 }];
            a.0 = a.0.min(p);
            a.1 = a.1.max(p);
        }
    }
    acc.into_iter()
        .map(|(lo, hi)| (f64::from(lo) / 255.0, f64::from(hi) / 255.0))
        .collect()
}
