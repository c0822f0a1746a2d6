//! Small pieces the MNIST studies share: subsets of the splits and reading
//! a trained MLP's weights back.

use data::Splits;
use ndarray::Array2;

use crate::error::{ExperimentsError, Result};
use crate::train::Network;

/// The first `train` training and `test` test examples (all if larger).
pub(crate) fn subset(splits: &Splits, train: usize, test: usize) -> Result<Splits> {
    let first = |n: usize, len: usize| (0..n.min(len)).collect::<Vec<_>>();
    Ok(Splits {
        train: splits.train.select(&first(train, splits.train.len()))?,
        test: splits.test.select(&first(test, splits.test.len()))?,
    })
}

/// The parameter `name` of `model` as an `f64` matrix (`[out, in]` for a
/// Linear weight).
pub(crate) fn matrix(model: &dyn Network<f32>, name: &str) -> Result<Array2<f64>> {
    let p = model
        .param(name)
        .ok_or_else(|| ExperimentsError::Invalid(format!("the model has no parameter `{name}`")))?;
    let v = p.value();
    let v = v
        .view()
        .into_dimensionality::<ndarray::Ix2>()
        .or_else(|_| v.view().insert_axis(ndarray::Axis(0)).into_dimensionality())
        .map_err(|e| ExperimentsError::Invalid(format!("`{name}`: {e}")))?;
    Ok(v.mapv(f64::from))
}

/// The Euclidean norm of all parameters.
pub(crate) fn weight_norm(model: &dyn Network<f32>) -> f64 {
    model
        .params()
        .iter()
        .flat_map(|p| p.value().iter().map(|&x| f64::from(x)))
        .map(|x| x * x)
        .sum::<f64>()
        .sqrt()
}
