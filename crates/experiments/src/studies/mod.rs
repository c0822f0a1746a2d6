//! The lecture's studies, one module each (registered in [`crate::study::all`]).

pub mod conditioning;
pub mod landscape;
pub mod precision;
