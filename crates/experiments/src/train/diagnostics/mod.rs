//! Babysitting the learning process (the lecture's section 7), automated:
//! the loss is watched every step for divergence, oscillation and
//! stagnation ([`LossMonitor`]); activations, gradients and update sizes are
//! measured layer by layer on one sampled step per epoch ([`layers`]).

pub(crate) mod layers;
mod monitor;

pub use monitor::{LossMonitor, Signal, WINDOW};
