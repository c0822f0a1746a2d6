//! What is wrong with a training configuration.

use thiserror::Error;

/// A setting that is unknown, out of range, or inconsistent with another.
///
/// ```
/// use experiments::train::OptimizerChoice;
/// let err = "adamm".parse::<OptimizerChoice>().unwrap_err();
/// assert_eq!(err.to_string(), "unknown optimizer `adamm` (known: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, adadelta, adamax, nadam, radam)");
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A name that is not one of the choices.
    #[error("unknown {what} `{value}` (known: {known})")]
    Unknown {
        /// What was being named (`optimizer`, `schedule`, ...).
        what: &'static str,
        /// The text given.
        value: String,
        /// The valid names, comma-separated.
        known: String,
    },
    /// A number outside its range.
    #[error("invalid {field} {value}: {expected}")]
    OutOfRange {
        /// The setting (also its command-line flag without `--`).
        field: &'static str,
        /// The value given, as text.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// A model spec that does not parse (`784-x-10`).
    #[error("invalid model `{spec}`: {source}")]
    Model {
        /// The spec given.
        spec: String,
        /// What `nn` reported.
        #[source]
        source: nn::NnError,
    },
    /// The optimizer rejected its hyperparameters.
    #[error("invalid optimizer settings: {0}")]
    Optimizer(#[source] optim::OptimError),
    /// The configuration needs more memory than the process can get.
    #[error(
        "this configuration needs {needed} of memory (estimated; mostly {largest}), \
         but only {available} is available (by {limit})"
    )]
    Memory {
        /// The estimate.
        needed: super::memory::Bytes,
        /// Its largest part.
        largest: &'static str,
        /// What is available.
        available: super::memory::Bytes,
        /// What limits it.
        limit: &'static str,
    },
    /// Two settings that do not go together.
    #[error("{0}")]
    Inconsistent(String),
}
