//! MNIST rows standardized exactly as the trainer standardizes them, for
//! studies that probe a network outside the training loop.

use data::{Granularity, LabeledImages, Scaling, Standardizer};
use ndarray::Array2;

use crate::error::Result;

/// The first `n` rows of `set`, standardized as the trainer does (global
/// z-score of `pixel / 255` fitted on the training images).
pub(crate) fn encode_rows(
    splits: &data::Splits,
    set: &LabeledImages,
    n: usize,
) -> Result<(Array2<f32>, Vec<usize>)> {
    let s = Standardizer::fit_pixels(splits.train.images(), Scaling::ZScore, Granularity::Global)?;
    let (scale, shift) = s.coefficients();
    let (a, b) = (scale[0] / 255.0, shift[0]);
    let n = n.min(set.len());
    let x = set
        .images()
        .slice(ndarray::s![..n, ..])
        .mapv(|p| (f64::from(p) * a + b) as f32);
    let labels = set.labels()[..n].iter().map(|&l| usize::from(l)).collect();
    Ok((x, labels))
}
