//! The lecture's studies, one module each (registered in [`crate::study::all`]).

pub mod analytic_vs_numeric;
pub mod conditioning;
pub mod constraints_and_stopping;
pub mod fit;
pub mod landscape;
pub mod precision;
pub mod random_search;
pub mod standardization;
