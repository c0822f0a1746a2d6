//! Optimizers that work on plain `ndarray` parameters and gradients.
//!
//! Work in progress: arrives with the `optim` issue.
