//! Errors of the nn crate.

use std::path::PathBuf;

use thiserror::Error;

/// What can go wrong when building, initializing, saving or loading a model.
///
/// Shape mistakes while wiring layers together are programmer errors and
/// panic naming the layer and the shapes; everything that depends on user
/// data (a spec string, a hyperparameter, a checkpoint file) is returned here.
///
/// ```
/// use nn::{MlpConfig, NnError};
/// let err = MlpConfig::parse("784-ten-10").unwrap_err();
/// assert!(matches!(err, NnError::InvalidSpec { ref token, .. } if token == "ten"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum NnError {
    /// An error of the autodiff tape (e.g. a backward pass from a non-scalar).
    #[error(transparent)]
    Autodiff(#[from] autodiff::AutodiffError),

    /// An MLP spec such as `784-10-10` could not be parsed.
    #[error("invalid MLP spec {spec:?}: {token:?} is not a positive layer width")]
    InvalidSpec {
        /// The whole spec string.
        spec: String,
        /// The offending piece.
        token: String,
    },

    /// A layer of an MLP spec has more weights than an array can index.
    #[error(
        "MLP spec {spec:?}: a {in_features}×{out_features} layer has more weights than memory can address"
    )]
    LayerTooLarge {
        /// The whole spec string.
        spec: String,
        /// Inputs of the layer.
        in_features: usize,
        /// Outputs of the layer.
        out_features: usize,
    },

    /// An MLP spec names fewer than two widths (input and output).
    #[error("MLP spec {spec:?} needs at least an input and an output width")]
    SpecTooShort {
        /// The whole spec string.
        spec: String,
    },

    /// A list of per-layer settings has the wrong length.
    #[error("{what}: expected {expected} entries (one per hidden layer), got {found}")]
    WrongCount {
        /// What the list configures.
        what: &'static str,
        /// Number of hidden layers.
        expected: usize,
        /// Length of the list given.
        found: usize,
    },

    /// A hyperparameter is outside its valid range.
    #[error("invalid {name} = {value}: must be {expected}")]
    InvalidHyperparameter {
        /// Which hyperparameter.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The valid range, in words.
        expected: &'static str,
    },

    /// GroupNorm needs the number of channels to be a multiple of the groups.
    #[error("GroupNorm: {num_channels} channels cannot be split into {num_groups} groups")]
    GroupsDoNotDivide {
        /// Requested number of groups.
        num_groups: usize,
        /// Number of channels.
        num_channels: usize,
    },

    /// Fan-in and fan-out are undefined for a tensor with fewer than 2 axes.
    #[error("{scheme} initialization needs a tensor with at least 2 axes, got shape {shape:?}")]
    FanUndefined {
        /// The scheme that needed the fans.
        scheme: &'static str,
        /// The shape of the tensor.
        shape: Vec<usize>,
    },

    /// A checkpoint lacks a tensor the model has.
    #[error("checkpoint is missing tensor {name:?}")]
    MissingTensor {
        /// PyTorch-style name, e.g. `layers.0.weight`.
        name: String,
    },

    /// A checkpoint holds a tensor the model does not have.
    #[error("checkpoint has unexpected tensor {name:?}")]
    UnexpectedTensor {
        /// Name found in the file.
        name: String,
    },

    /// A tensor has a different shape than the model's.
    #[error("tensor {name:?}: expected shape {expected:?}, found {found:?}")]
    ShapeMismatch {
        /// Name of the tensor.
        name: String,
        /// Shape the model needs.
        expected: Vec<usize>,
        /// Shape given.
        found: Vec<usize>,
    },

    /// A tensor has a different element type than the model's.
    #[error("tensor {name:?}: expected dtype {expected}, found {found}")]
    DtypeMismatch {
        /// Name of the tensor.
        name: String,
        /// Dtype the model needs (`F32`, `F64` or `I64`).
        expected: String,
        /// Dtype found in the file.
        found: String,
    },

    /// The element type has no safetensors dtype (only `f32` and `f64` do).
    #[error("element type {name} cannot be stored in a checkpoint")]
    UnsupportedElement {
        /// `Float::NAME` of the element type.
        name: &'static str,
    },

    /// The bytes are not a valid safetensors file (truncated, corrupt header, ...).
    #[error("invalid safetensors data: {0}")]
    Safetensors(#[from] safetensors::SafeTensorError),

    /// Reading or writing a checkpoint file failed.
    #[error("{action} {path:?}: {source}")]
    Io {
        /// What was being done (`"reading"`, `"writing"`, ...).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// `Result` with [`NnError`].
pub type Result<T> = std::result::Result<T, NnError>;

/// `Ok(value)` when `ok`, else [`NnError::InvalidHyperparameter`].
pub(crate) fn check_hyper(
    name: &'static str,
    value: f64,
    ok: bool,
    expected: &'static str,
) -> Result<f64> {
    if ok && !value.is_nan() {
        Ok(value)
    } else {
        Err(NnError::InvalidHyperparameter {
            name,
            value,
            expected,
        })
    }
}
