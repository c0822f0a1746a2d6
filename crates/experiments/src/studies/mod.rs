//! The lecture's studies, one module each (registered in [`crate::study::all`]).

pub mod analytic_vs_numeric;
pub mod conditioning;
pub mod landscape;
pub mod precision;
