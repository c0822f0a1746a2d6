//! Errors of the optim crate.

use thiserror::Error;

use crate::float::Dtype;
use crate::optimizer::OptimizerKind;

/// What can go wrong when configuring or stepping an optimizer, a schedule, a
/// clipper or a constraint.
///
/// Every bad input (a negative or NaN learning rate, betas outside `[0, 1)`,
/// a gradient whose shape differs from its parameter, a state saved by another
/// optimizer, ...) ends here; none of them panics.
///
/// ```
/// use optim::{OptimError, SgdConfig};
/// let err = SgdConfig::default().lr(-0.1).build::<f64>().unwrap_err();
/// assert!(matches!(err, OptimError::InvalidHyperparameter { name: "lr", .. }));
/// assert_eq!(err.to_string(), "invalid lr = -0.1: expected a finite number >= 0");
/// ```
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum OptimError {
    /// A hyperparameter is outside its legal range (or NaN).
    #[error("invalid {name} = {value}: expected {expected}")]
    InvalidHyperparameter {
        /// PyTorch's name for the hyperparameter (`lr`, `betas[0]`, `eps`, ...).
        name: &'static str,
        /// The value given.
        value: f64,
        /// The legal range, in words.
        expected: &'static str,
    },
    /// A gradient's shape differs from its parameter's.
    #[error("parameter `{param}` has shape {value:?} but its gradient has shape {grad:?}")]
    GradShapeMismatch {
        /// Name of the parameter.
        param: String,
        /// Shape of the parameter.
        value: Vec<usize>,
        /// Shape of the gradient.
        grad: Vec<usize>,
    },
    /// A parameter's shape differs from the shape its optimizer state was made for.
    #[error("parameter `{param}` has shape {value:?} but its optimizer state has shape {state:?}")]
    StateShapeMismatch {
        /// Name of the parameter.
        param: String,
        /// Shape of the parameter now.
        value: Vec<usize>,
        /// Shape the state was created or loaded with.
        state: Vec<usize>,
    },
    /// A parameter was handed to `step` without a gradient.
    #[error("parameter `{param}` got no gradient")]
    MissingGradient {
        /// Name of the parameter.
        param: String,
    },
    /// The same name appears twice in one call to `step`.
    #[error("parameter `{param}` appears more than once in one step")]
    DuplicateParam {
        /// The repeated name.
        param: String,
    },
    /// A saved state belongs to another optimizer.
    #[error("cannot load a state saved by {found} into {expected}")]
    WrongOptimizer {
        /// The optimizer that tried to load the state.
        expected: OptimizerKind,
        /// The optimizer that saved it.
        found: OptimizerKind,
    },
    /// A saved state was made for another element type.
    #[error("cannot load a state of {found} buffers into an optimizer over {expected}")]
    WrongDtype {
        /// The element type of the loading optimizer.
        expected: Dtype,
        /// The element type recorded in the state.
        found: Dtype,
    },
    /// A saved state has a different number of parameter groups.
    #[error("the state has {found} parameter groups, the optimizer has {expected}")]
    GroupCountMismatch {
        /// Groups of the loading optimizer.
        expected: usize,
        /// Groups in the state.
        found: usize,
    },
    /// A parameter group index is out of range.
    #[error("parameter group {group} does not exist (there are {groups})")]
    NoSuchGroup {
        /// The index asked for.
        group: usize,
        /// How many groups there are.
        groups: usize,
    },
    /// A buffer of a saved parameter state is missing, unexpected or of the
    /// wrong length.
    #[error("state of `{param}`: buffer `{buffer}` {problem}")]
    BadBuffer {
        /// Name of the parameter.
        param: String,
        /// Name of the buffer (`exp_avg`, `momentum_buffer`, ...).
        buffer: String,
        /// What is wrong with it.
        problem: BufferProblem,
    },
    /// The total gradient norm is NaN or infinite and clipping was asked to
    /// report that (PyTorch's `error_if_nonfinite=True`).
    #[error("the total gradient norm is {norm}, not finite")]
    NonFiniteNorm {
        /// The norm that was computed.
        norm: f64,
    },
    /// Two things that must have the same length do not.
    #[error("{what}: expected length {expected}, found {found}")]
    LengthMismatch {
        /// What was being compared.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// Two things that must have the same shape do not.
    #[error("{what}: expected shape {expected:?}, found {found:?}")]
    ShapeMismatch {
        /// What was being compared.
        what: &'static str,
        /// The shape required.
        expected: Vec<usize>,
        /// The shape given.
        found: Vec<usize>,
    },
    /// Milestones must not decrease.
    #[error("milestones must not decrease, but milestone {index} is {value} after {previous}")]
    UnsortedMilestones {
        /// Index of the offending milestone.
        index: usize,
        /// Its value.
        value: u64,
        /// The milestone before it.
        previous: u64,
    },
    /// A lower bound exceeds its upper bound (or one of them is NaN).
    #[error("bound {index}: lower {lower} is not <= upper {upper}")]
    InvalidBounds {
        /// Flat index of the offending pair.
        index: usize,
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
    /// An optimizer does not handle parameters of this shape (Muon takes
    /// matrices only).
    #[error("{optimizer} cannot step `{param}` of shape {shape:?}: it takes {expected}")]
    UnsupportedShape {
        /// The optimizer.
        optimizer: OptimizerKind,
        /// Name of the parameter.
        param: String,
        /// Its shape.
        shape: Vec<usize>,
        /// The shapes the optimizer takes, in words.
        expected: &'static str,
    },
    /// Newton's method met a Hessian it cannot solve with.
    #[error("the Hessian is singular (or not finite) at iteration {iteration}")]
    SingularHessian {
        /// Iteration at which the solve failed.
        iteration: usize,
    },
}

/// What is wrong with a buffer of a saved parameter state.
///
/// ```
/// use optim::BufferProblem;
/// assert_eq!(BufferProblem::Missing.to_string(), "is missing");
/// ```
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BufferProblem {
    /// The optimizer needs the buffer but the state has none.
    #[error("is missing")]
    Missing,
    /// The state has a buffer this optimizer does not use.
    #[error("is not used by this optimizer")]
    Unexpected,
    /// The buffer's length does not match the parameter's shape.
    #[error("has {found} values, the shape needs {expected}")]
    Length {
        /// Number of elements of the recorded shape.
        expected: usize,
        /// Number of values in the buffer.
        found: usize,
    },
    /// The recorded shape has more elements than fit in memory.
    #[error("belongs to a shape too large to address")]
    ShapeOverflow,
}

/// `Result` with [`OptimError`].
///
/// ```
/// fn lr() -> optim::Result<f64> { optim::batch_scaled_lr(0.1, 64) }
/// assert_eq!(lr(), Ok(0.2));
/// ```
pub type Result<T> = std::result::Result<T, OptimError>;
