//! Errors of the experiments crate.

use std::path::PathBuf;

use thiserror::Error;

/// What can go wrong while training, plotting or reporting.
///
/// ```
/// use experiments::ExperimentsError;
/// let e = ExperimentsError::Plot { path: "a.png".into(), message: "disk full".into() };
/// assert!(e.to_string().contains("a.png"));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExperimentsError {
    /// Drawing or writing a figure failed.
    #[error("could not draw figure {path}: {message}")]
    Plot {
        /// The figure file.
        path: PathBuf,
        /// What the plotting backend reported.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Loading or fetching a dataset failed.
    #[error(transparent)]
    Data(#[from] data::DataError),
    /// A model operation failed (checkpoint, configuration).
    #[error(transparent)]
    Nn(#[from] nn::NnError),
    /// An optimizer, schedule or stopping rule rejected its input.
    #[error(transparent)]
    Optim(#[from] optim::OptimError),
    /// Differentiation failed (a non-scalar loss, no gradient path).
    #[error(transparent)]
    Autodiff(#[from] autodiff::AutodiffError),
    /// A setting is out of range or inconsistent.
    #[error("invalid setting: {0}")]
    Invalid(String),
    /// A training setting is unknown, out of range or inconsistent.
    #[error(transparent)]
    Config(#[from] crate::train::ConfigError),
    /// A run cannot be resumed from its directory.
    #[error("cannot resume from {dir}: {message}")]
    Resume {
        /// The run or checkpoint directory.
        dir: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A checkpoint file does not match the hash its manifest recorded
    /// (truncated, corrupted or replaced after the save).
    #[error(
        "checkpoint file {file} is corrupt: its SHA-256 is {found}, the manifest recorded {expected}"
    )]
    Checksum {
        /// The file.
        file: PathBuf,
        /// The hash recorded at save.
        expected: String,
        /// The hash of the file now.
        found: String,
    },
    /// A checkpoint holds a NaN or infinite parameter or buffer.
    #[error("checkpoint file {file}: tensor {tensor} holds NaN or infinite values")]
    NonFiniteTensor {
        /// The file.
        file: PathBuf,
        /// The tensor's name (`layers.0.weight`).
        tensor: String,
    },
    /// A value that must be finite is not (a diverged model).
    #[error("non-finite {what}")]
    NonFinite {
        /// What holds the NaN or infinity.
        what: String,
    },
    /// Serializing results failed.
    #[error("could not serialize {what}: {source}")]
    Json {
        /// What was being written.
        what: String,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
}

impl ExperimentsError {
    /// Wraps an I/O error with the path it concerns.
    ///
    /// ```
    /// let e = experiments::ExperimentsError::io("x.csv", std::io::Error::other("boom"));
    /// assert!(e.to_string().starts_with("x.csv"));
    /// ```
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ExperimentsError::Io {
            path: path.into(),
            source,
        }
    }
}

/// `Result` with [`ExperimentsError`].
pub type Result<T> = std::result::Result<T, ExperimentsError>;
