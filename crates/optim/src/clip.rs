//! Gradient clipping by global norm and by value, as PyTorch's
//! `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`.

use ndarray::{ArrayBase, Data, DataMut, Dimension};

use crate::check;
use crate::error::{OptimError, Result};
use crate::float::Float;
use crate::rule::maximum;

/// Which norm measures the gradients (`norm_type`).
///
/// ```
/// use optim::NormType;
/// assert_eq!(NormType::default(), NormType::L2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NormType {
    /// Euclidean norm over all gradients together (`norm_type=2.0`).
    #[default]
    L2,
    /// Largest absolute entry (`norm_type=inf`).
    Inf,
}

/// What to do when the total norm is NaN or infinite (`error_if_nonfinite`).
///
/// ```
/// use optim::NonFinite;
/// assert_eq!(NonFinite::default(), NonFinite::Propagate);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NonFinite {
    /// Scale anyway, as PyTorch's default (`False`): the gradients become NaN.
    #[default]
    Propagate,
    /// Return [`OptimError::NonFiniteNorm`] and leave the gradients alone (`True`).
    Error,
}

/// The total norm of all gradients together, as if they were one vector:
/// for L2 `√Σᵢ‖gᵢ‖²`, for Inf `maxᵢ max|gᵢ|` (NaN if any entry is NaN).
///
/// ```
/// use ndarray::array;
/// use optim::{NormType, grad_norm};
/// let grads = [array![3.0_f64], array![4.0]];
/// assert_eq!(grad_norm(&grads, NormType::L2), 5.0);
/// assert_eq!(grad_norm(&grads, NormType::Inf), 4.0);
/// ```
pub fn grad_norm<T, S, D>(grads: &[ArrayBase<S, D>], norm_type: NormType) -> f64
where
    T: Float,
    S: Data<Elem = T>,
    D: Dimension,
{
    match norm_type {
        NormType::L2 => grads
            .iter()
            .map(|g| {
                let norm = g
                    .iter()
                    .map(|v| v.as_f64() * v.as_f64())
                    .sum::<f64>()
                    .sqrt();
                norm * norm
            })
            .sum::<f64>()
            .sqrt(),
        NormType::Inf => grads
            .iter()
            .flat_map(|g| g.iter())
            .fold(0.0, |acc, v| maximum(acc, v.as_f64().abs())),
    }
}

/// Scales all gradients together so their total norm is at most `max_norm`,
/// and returns the total norm before clipping (PyTorch's `clip_grad_norm_`):
/// `coef = max_norm / (norm + 1e-6)`, and every gradient is multiplied by
/// `min(coef, 1)`.
///
/// ```
/// use ndarray::array;
/// use optim::{NonFinite, NormType, clip_grad_norm};
/// let mut grads = [array![3.0_f64], array![4.0]];
/// let norm = clip_grad_norm(&mut grads, 1.0, NormType::L2, NonFinite::Error)?;
/// assert_eq!(norm, 5.0);
/// let coef = 1.0 / (5.0 + 1e-6);
/// assert_eq!((grads[0][0], grads[1][0]), (3.0 * coef, 4.0 * coef));
/// # Ok::<(), optim::OptimError>(())
/// ```
///
/// **Errors**: a negative or non-finite `max_norm`, or (with
/// [`NonFinite::Error`]) a NaN or infinite total norm.
pub fn clip_grad_norm<T, S, D>(
    grads: &mut [ArrayBase<S, D>],
    max_norm: f64,
    norm_type: NormType,
    nonfinite: NonFinite,
) -> Result<f64>
where
    T: Float,
    S: DataMut<Elem = T>,
    D: Dimension,
{
    check::non_negative("max_norm", max_norm)?;
    // The norm lives in the gradients' type, as PyTorch's total_norm tensor.
    let norm = T::of(grad_norm(grads, norm_type));
    if nonfinite == NonFinite::Error && !norm.is_finite() {
        return Err(OptimError::NonFiniteNorm {
            norm: norm.as_f64(),
        });
    }
    let coef = T::of(max_norm) / (norm + T::of(1e-6));
    let coef = if coef > T::one() { T::one() } else { coef };
    // Multiplying by exactly 1 changes nothing, so only scale when needed
    // (a NaN coefficient scales too, as in PyTorch).
    if coef < T::one() || coef.is_nan() {
        for g in grads.iter_mut() {
            g.mapv_inplace(|v| v * coef);
        }
    }
    Ok(norm.as_f64())
}

/// Clamps every gradient entry to `[-clip_value, clip_value]` (PyTorch's
/// `clip_grad_value_`; NaN entries stay NaN) and returns how many entries
/// were changed.
///
/// ```
/// use ndarray::array;
/// use optim::clip_grad_value;
/// let mut grads = [array![-3.0_f32, 0.5, 2.0]];
/// assert_eq!(clip_grad_value(&mut grads, 1.0)?, 2);
/// assert_eq!(grads[0], array![-1.0, 0.5, 1.0]);
/// # Ok::<(), optim::OptimError>(())
/// ```
///
/// **Errors**: a negative or non-finite `clip_value`.
pub fn clip_grad_value<T, S, D>(grads: &mut [ArrayBase<S, D>], clip_value: f64) -> Result<usize>
where
    T: Float,
    S: DataMut<Elem = T>,
    D: Dimension,
{
    let hi = T::of(check::non_negative("clip_value", clip_value)?);
    let lo = -hi;
    let mut clipped = 0;
    for g in grads.iter_mut() {
        for v in g.iter_mut() {
            if *v > hi {
                *v = hi;
                clipped += 1;
            } else if *v < lo {
                *v = lo;
                clipped += 1;
            }
        }
    }
    Ok(clipped)
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn no_clipping_below_the_limit() {
        let mut grads = [array![0.3_f64, 0.4]];
        let norm = clip_grad_norm(&mut grads, 1.0, NormType::L2, NonFinite::Propagate).unwrap();
        assert_eq!(norm, 0.5);
        assert_eq!(grads[0], array![0.3, 0.4]);
    }

    #[test]
    fn inf_norm_clips_by_the_largest_entry() {
        let mut grads = [array![[-2.0_f64, 1.0]], array![[0.5, 0.5]]];
        let norm = clip_grad_norm(&mut grads, 1.0, NormType::Inf, NonFinite::Propagate).unwrap();
        assert_eq!(norm, 2.0);
        let coef = 1.0 / (2.0 + 1e-6);
        assert_eq!(grads[0][[0, 0]], -2.0 * coef);
    }

    #[test]
    fn non_finite_norms() {
        let mut grads = [array![f64::NAN, 1.0]];
        let err = clip_grad_norm(&mut grads, 1.0, NormType::L2, NonFinite::Error).unwrap_err();
        assert!(matches!(err, OptimError::NonFiniteNorm { .. }));
        assert_eq!(grads[0][1], 1.0);
        let norm = clip_grad_norm(&mut grads, 1.0, NormType::L2, NonFinite::Propagate).unwrap();
        assert!(norm.is_nan() && grads[0][1].is_nan());
        let mut inf = [array![f64::INFINITY]];
        assert!(clip_grad_norm(&mut inf, 1.0, NormType::Inf, NonFinite::Error).is_err());
    }

    #[test]
    fn empty_and_bad_input() {
        let mut none: [ndarray::Array1<f64>; 0] = [];
        assert_eq!(
            clip_grad_norm(&mut none, 1.0, NormType::L2, NonFinite::Error).unwrap(),
            0.0
        );
        let mut g = [array![1.0_f64]];
        assert!(clip_grad_norm(&mut g, -1.0, NormType::L2, NonFinite::Error).is_err());
        assert!(clip_grad_value(&mut g, f64::NAN).is_err());
    }
}
