//! Errors of the autodiff crate.

use thiserror::Error;

/// What can go wrong when differentiating.
///
/// Shape mistakes while building a graph are programmer errors and panic with
/// the op's name and both shapes; only the cases below are returned.
///
/// ```
/// use autodiff::{AutodiffError, Tape};
/// use ndarray::array;
/// let mut tape = Tape::<f64>::new();
/// let x = tape.leaf(array![1.0, 2.0]);
/// let y = tape.exp(x);
/// assert!(matches!(tape.backward(y), Err(AutodiffError::NonScalarLoss { .. })));
/// ```
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum AutodiffError {
    /// `backward` was called on a value with more than one element.
    #[error("backward needs a scalar loss, got a value of shape {shape:?}")]
    NonScalarLoss {
        /// Shape of the value passed to `backward`.
        shape: Vec<usize>,
    },
    /// The loss does not depend on any leaf that requires a gradient.
    #[error("the loss does not depend on any leaf that requires a gradient")]
    NoGradientPath,
}

/// `Result` with [`AutodiffError`].
pub type Result<T> = std::result::Result<T, AutodiffError>;
