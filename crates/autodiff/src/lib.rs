#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod backward;
mod broadcast;
mod error;
mod float;
mod gradcheck;
mod gradients;
mod op;
mod ops;
mod pool;
mod skinny;
mod tape;

pub use error::{AutodiffError, Result};
pub use float::Float;
pub use gradcheck::{
    GradCheck, GradCheckReport, InputError, Objective, check_gradients, hessian_vector_product,
};
pub use gradients::Gradients;
pub use ops::unary::LEAKY_RELU_DEFAULT_SLOPE;
pub use tape::{Tape, Var};
