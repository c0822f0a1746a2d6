//! What the trainer needs of a model beyond [`Module`]: where its hidden
//! activations are, for the per-layer diagnostics.

use autodiff::{Float, Var};
use nn::{Activation, LayerKind, Mlp, Module, Sequential};

/// A hidden activation recorded by the last forward pass.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// The layer's name (`layers.1`).
    pub name: String,
    /// Its nonlinearity.
    pub activation: Activation,
    /// Its output on the tape.
    pub var: Var,
}

/// A model the trainer can run: any [`Module`] that can point at its hidden
/// activations (none by default, which only skips the activation
/// statistics).
///
/// ```
/// use autodiff::Tape;
/// use experiments::train::Network;
/// use nn::{Mlp, Mode, Module};
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let mut mlp = Mlp::<f32>::from_spec("4-8-8-2", &mut rng).unwrap();
/// let mut tape = Tape::new();
/// let x = tape.constant(ndarray::Array2::<f32>::ones((3, 4)));
/// mlp.forward(&mut tape, x, Mode::Train);
/// let names: Vec<String> = mlp.probes().into_iter().map(|p| p.name).collect();
/// assert_eq!(names, ["layers.1", "layers.3"]);
/// ```
pub trait Network<T: Float>: Module<T> {
    /// The hidden activations of the last forward pass, in order.
    fn probes(&self) -> Vec<Probe> {
        Vec::new()
    }

    /// `(inputs, outputs)` if known, checked against the data.
    fn widths(&self) -> Option<(usize, usize)> {
        None
    }
}

impl<T: Float> Network<T> for Mlp<T> {
    fn probes(&self) -> Vec<Probe> {
        let outputs = self.outputs();
        self.activation_indices()
            .iter()
            .zip(self.config().activations())
            .filter_map(|(&i, &activation)| {
                Some(Probe {
                    name: format!("layers.{i}"),
                    activation,
                    var: *outputs.get(i)?,
                })
            })
            .collect()
    }

    fn widths(&self) -> Option<(usize, usize)> {
        let sizes = self.config().sizes();
        Some((sizes[0], sizes[sizes.len() - 1]))
    }
}

impl<T: Float> Network<T> for Sequential<T> {
    fn probes(&self) -> Vec<Probe> {
        self.children()
            .zip(self.outputs())
            .enumerate()
            .filter_map(|(i, (child, &var))| match child.kind() {
                LayerKind::Activation(activation) => Some(Probe {
                    name: format!("{i}"),
                    activation,
                    var,
                }),
                _ => None,
            })
            .collect()
    }
}
