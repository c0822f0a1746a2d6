//! Neural-network modules on top of the [`autodiff`] tape.
//!
//! Work in progress: layers, initialization, normalization and checkpoints
//! arrive with the `nn` issue.
