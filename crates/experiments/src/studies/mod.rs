//! The lecture's studies, one module each (registered in [`crate::study::all`]).

pub mod constraints_and_stopping;
pub mod fit;
pub mod random_search;
pub mod standardization;
