//! Neural-network modules on top of the [`autodiff`] tape: layers,
//! initialization schemes, normalization, regularization and checkpoints,
//! following PyTorch's definitions and names.
//!
//! # A training step
//!
//! Every step the trainer clears a reused [`Tape`](autodiff::Tape), puts the
//! batch on it, runs [`Module::forward`] (which records each parameter on
//! the tape and remembers its `Var`), adds the loss, runs
//! [`backward_into`](autodiff::Tape::backward_into) a reused
//! [`Gradients`](autodiff::Gradients), and then walks
//! [`Module::params_and_grads`]: `(name, value view, gradient view)` for
//! every parameter, exactly what an optimizer on plain arrays takes.
//!
//! ```
//! use autodiff::{Gradients, Tape};
//! use nn::{Mlp, Mode, Module, Regularizer};
//! use ndarray::array;
//!
//! let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
//! let mut model = Mlp::<f64>::from_spec("4-8-3", &mut rng)?; // Linear, ReLU, Linear
//! let x = array![[0.5, -1.0, 2.0, 0.0], [1.5, 0.3, -0.7, 1.0], [-1.0, 2.0, 0.1, -0.5]];
//! let labels = [0, 2, 1];
//! let l2 = Regularizer::l2(1e-4)?;
//!
//! let (mut tape, mut grads) = (Tape::new(), Gradients::new());
//! let mut losses = Vec::new();
//! for _step in 0..2 {
//!     tape.clear();
//!     let batch = tape.constant_copy(&x);
//!     let logits = model.forward(&mut tape, batch, Mode::Train);
//!     let data = tape.cross_entropy(logits, &labels);
//!     let penalty = l2.term(&mut tape, &model);
//!     let loss = tape.add(data, penalty);
//!     losses.push(tape.scalar(loss));
//!     tape.backward_into(loss, &mut grads)?;
//!     for p in model.params_and_grads(&grads) {
//!         // a plain SGD step; an `optim` optimizer takes the same three fields
//!         let mut value = p.value;
//!         value.scaled_add(-0.5, &p.grad.expect("every parameter gets a gradient"));
//!     }
//! }
//! assert!(losses[1] < losses[0]);
//! // names are PyTorch's state_dict keys
//! let names: Vec<&str> = model.params().iter().map(|p| p.name()).collect();
//! assert_eq!(names, ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]);
//! # Ok::<(), nn::NnError>(())
//! ```
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
