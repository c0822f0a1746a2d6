//! The lecture's studies, one module each (registered in [`crate::study::all`]).

pub mod adaptive;
pub mod analytic_vs_numeric;
pub mod case_study;
pub mod conditioning;
pub mod constraints_and_stopping;
pub(crate) mod encode;
pub mod fit;
pub mod format;
pub mod initialization;
pub mod landscape;
pub mod learning_rate;
pub mod logistic_loss;
pub mod minibatch;
pub mod normalization;
pub mod overparameterization;
pub mod power_law;
pub mod precision;
pub(crate) mod probe;
pub mod random_search;
pub(crate) mod series;
pub mod spread;
pub mod standardization;
pub(crate) mod subsets;
