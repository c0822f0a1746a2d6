//! The lecture's studies, one module each (registered in [`crate::study::all`]).

pub mod adaptive;
pub mod initialization;
pub mod normalization;
