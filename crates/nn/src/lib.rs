#![doc = include_str!("../README.md")]
//!
//! # Map
//!
//! * [`Module`], [`Mode`], [`LayerKind`]: the abstraction; [`Param`],
//!   [`Buffer`], [`ParamGrad`]: named tensors.
//! * Layers: [`Linear`], [`Activation`], [`Dropout`], [`Flatten`],
//!   [`Sequential`]; [`Mlp`] built from an [`MlpConfig`] (`784-10-10`).
//! * Normalization: [`BatchNorm1d`], [`LayerNorm`], [`GroupNorm`] ([`Norm`]
//!   selects one for an MLP).
//! * Initialization: [`Init`], [`FanMode`], [`Fans`], [`Nonlinearity`] gains,
//!   [`init_model`] to re-initialize a whole model.
//! * [`Regularizer`]: L1 / L2 penalties as loss terms.
//! * Checkpoints: [`save_checkpoint`], [`load_checkpoint`] (safetensors).

#![warn(missing_docs)]

mod activation;
mod batch_norm;
mod buffer;
mod checkpoint;
mod dropout;
mod error;
mod fans;
mod flatten;
mod gain;
mod group_norm;
mod init;
mod layer_norm;
mod linear;
mod mlp;
mod mlp_config;
mod module;
mod orthogonal;
mod param;
mod regularization;
mod reinit;
mod sequential;
mod standardize;

pub use activation::Activation;
pub use batch_norm::BatchNorm1d;
pub use buffer::{Buffer, BufferValue};
pub use checkpoint::{
    checkpoint_to_bytes, load_checkpoint, load_checkpoint_bytes, save_checkpoint,
};
pub use dropout::Dropout;
pub use error::{NnError, Result};
pub use fans::{FanMode, Fans};
pub use flatten::Flatten;
pub use gain::Nonlinearity;
pub use group_norm::GroupNorm;
pub use init::{Init, Spread};
pub use layer_norm::LayerNorm;
pub use linear::Linear;
pub use mlp::Mlp;
pub use mlp_config::{MlpConfig, Norm};
pub use module::{LayerKind, Mode, Module};
pub use param::{Param, ParamGrad, ParamKind};
pub use regularization::{ParamSelect, Penalty, Regularizer};
pub use reinit::init_model;
pub use sequential::Sequential;
