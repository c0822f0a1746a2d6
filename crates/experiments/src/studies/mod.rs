//! The lecture's studies, one module each (registered in [`crate::study::all`]).

pub mod case_study;
pub mod learning_rate;
pub mod minibatch;
pub mod overparameterization;
pub(crate) mod subsets;
