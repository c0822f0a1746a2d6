//! The multilayer perceptron of the lecture's case study.

use std::fmt;

use autodiff::{Float, Tape, Var};
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2, Ix1, Ix2};
use rand::{Rng, RngCore};

use crate::buffer::Buffer;
use crate::error::Result;
use crate::mlp_config::MlpConfig;
use crate::module::{LayerKind, Mode, Module};
use crate::param::{Param, join};
use crate::sequential::Sequential;

/// A multilayer perceptron built by [`MlpConfig::build`]: a [`Sequential`]
/// stored under the name `layers`, so its parameters are named like those of
/// a PyTorch module with `self.layers = nn.Sequential(...)`:
/// `layers.0.weight`, `layers.0.bias`, `layers.2.weight`, ...
///
/// Besides the [`Module`] methods it gives typed access to the Linear layers'
/// weights (e.g. the hidden units' input weights as 28×28 images) and to the
/// outputs of the hidden activations after a forward pass.
///
/// ```
/// use nn::{Mlp, Module};
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let mlp = Mlp::<f32>::from_spec("784-10-10", &mut rng)?;
/// let unit3 = mlp.linear_weight(0).row(3).to_owned().into_shape_with_order((28, 28)).unwrap();
/// assert_eq!(unit3.dim(), (28, 28));
/// # Ok::<(), nn::NnError>(())
/// ```
pub struct Mlp<T> {
    config: MlpConfig,
    layers: Sequential<T>,
    linear_at: Vec<usize>,
    activation_at: Vec<usize>,
}

impl<T: Float> fmt::Debug for Mlp<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mlp")
            .field("config", &self.config)
            .field("layers", &self.layers)
            .finish()
    }
}

impl<T: Float> Mlp<T> {
    pub(crate) fn from_parts(
        config: MlpConfig,
        layers: Sequential<T>,
        linear_at: Vec<usize>,
        activation_at: Vec<usize>,
    ) -> Self {
        Mlp {
            config,
            layers,
            linear_at,
            activation_at,
        }
    }

    /// Parses `spec` and builds with ReLU activations (one line).
    ///
    /// **Errors**: as [`MlpConfig::parse`].
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = nn::Mlp::<f64>::from_spec("2-8-8-1", &mut rng).unwrap();
    /// assert_eq!(mlp.num_linear(), 3);
    /// ```
    pub fn from_spec(spec: &str, rng: &mut impl Rng) -> Result<Self> {
        MlpConfig::parse(spec)?.build(rng)
    }

    /// The recipe this network was built from.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = nn::Mlp::<f64>::from_spec("2-1", &mut rng).unwrap();
    /// assert_eq!(mlp.config().sizes(), [2, 1]);
    /// ```
    pub fn config(&self) -> &MlpConfig {
        &self.config
    }

    /// The underlying sequential container.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = nn::Mlp::<f64>::from_spec("2-3-1", &mut rng).unwrap();
    /// assert_eq!(mlp.layers().len(), 3); // Linear, ReLU, Linear
    /// ```
    pub fn layers(&self) -> &Sequential<T> {
        &self.layers
    }

    /// Outputs of every child of [`layers`](Mlp::layers) from the last forward.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = nn::Mlp::<f64>::from_spec("2-3-1", &mut rng).unwrap();
    /// assert!(mlp.outputs().is_empty());
    /// ```
    pub fn outputs(&self) -> &[Var] {
        self.layers.outputs()
    }

    /// Number of Linear layers (hidden layers + 1).
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// assert_eq!(nn::Mlp::<f64>::from_spec("784-10-10", &mut rng).unwrap().num_linear(), 2);
    /// ```
    pub fn num_linear(&self) -> usize {
        self.linear_at.len()
    }

    /// Child index (in [`layers`](Mlp::layers)) of each Linear layer.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = nn::Mlp::<f64>::from_spec("4-3-3-2", &mut rng).unwrap();
    /// assert_eq!(mlp.linear_indices(), [0, 2, 4]);
    /// ```
    pub fn linear_indices(&self) -> &[usize] {
        &self.linear_at
    }

    /// Child index of each hidden activation.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = nn::Mlp::<f64>::from_spec("4-3-3-2", &mut rng).unwrap();
    /// assert_eq!(mlp.activation_indices(), [1, 3]);
    /// ```
    pub fn activation_indices(&self) -> &[usize] {
        &self.activation_at
    }

    /// The outputs of the hidden activations from the last forward pass (one
    /// per hidden layer; empty before the first forward).
    ///
    /// ```
    /// use autodiff::Tape;
    /// use nn::{Mode, Module};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mut mlp = nn::Mlp::<f64>::from_spec("2-5-3", &mut rng).unwrap();
    /// let mut tape = Tape::new();
    /// let x = tape.constant(ndarray::array![[1.0, -1.0], [0.5, 2.0]]);
    /// mlp.forward(&mut tape, x, Mode::Train);
    /// let h = mlp.hidden_activations()[0];
    /// let dead = tape.value(h).iter().filter(|&&v| v == 0.0).count();
    /// assert!(dead <= 10);
    /// ```
    pub fn hidden_activations(&self) -> Vec<Var> {
        let outputs = self.layers.outputs();
        self.activation_at
            .iter()
            .filter_map(|&i| outputs.get(i).copied())
            .collect()
    }

    fn linear_param(&self, k: usize, key: &str) -> Option<&Param<T>> {
        let index = self.linear_at[k];
        let child = self.layers.child(index).expect("linear index is a child");
        child.params().into_iter().find(|p| p.key() == key)
    }

    /// The weight (`out × in`) of Linear layer `k`: row `j` holds the input
    /// weights of unit `j`.
    ///
    /// **Panics** if `k >= num_linear()`.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = nn::Mlp::<f32>::from_spec("784-10-10", &mut rng).unwrap();
    /// assert_eq!(mlp.linear_weight(0).dim(), (10, 784));
    /// ```
    pub fn linear_weight(&self, k: usize) -> ArrayView2<'_, T> {
        self.linear_param(k, "weight")
            .expect("Linear has a weight")
            .value()
            .view()
            .into_dimensionality::<Ix2>()
            .expect("Linear weight has 2 axes")
    }

    /// The weight of Linear layer `k`, mutably (to replace units' weights).
    ///
    /// **Panics** if `k >= num_linear()`.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mut mlp = nn::Mlp::<f32>::from_spec("4-3-2", &mut rng).unwrap();
    /// mlp.linear_weight_mut(1).row_mut(0).fill(0.0);
    /// assert_eq!(mlp.linear_weight(1).row(0).sum(), 0.0);
    /// ```
    pub fn linear_weight_mut(&mut self, k: usize) -> ArrayViewMut2<'_, T> {
        let index = self.linear_at[k];
        let child = self
            .layers
            .child_mut(index)
            .expect("linear index is a child");
        child
            .params_mut()
            .into_iter()
            .find(|p| p.key() == "weight")
            .expect("Linear has a weight")
            .value_mut()
            .into_dimensionality::<Ix2>()
            .expect("Linear weight has 2 axes")
    }

    /// The bias of Linear layer `k`.
    ///
    /// **Panics** if `k >= num_linear()`.
    ///
    /// ```
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = nn::Mlp::<f32>::from_spec("4-3-2", &mut rng).unwrap();
    /// assert_eq!(mlp.linear_bias(1).unwrap().len(), 2);
    /// ```
    pub fn linear_bias(&self, k: usize) -> Option<ArrayView1<'_, T>> {
        self.linear_param(k, "bias").map(|p| {
            p.value()
                .view()
                .into_dimensionality::<Ix1>()
                .expect("Linear bias has 1 axis")
        })
    }
}

impl<T: Float> Module<T> for Mlp<T> {
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, mode: Mode) -> Var {
        self.layers.forward(tape, x, mode)
    }

    fn collect_params<'a>(&'a self, out: &mut Vec<&'a Param<T>>) {
        self.layers.collect_params(out);
    }

    fn collect_params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Param<T>>) {
        self.layers.collect_params_mut(out);
    }

    fn collect_buffers<'a>(&'a self, out: &mut Vec<&'a Buffer<T>>) {
        self.layers.collect_buffers(out);
    }

    fn collect_buffers_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Buffer<T>>) {
        self.layers.collect_buffers_mut(out);
    }

    fn set_prefix(&mut self, prefix: &str) {
        self.layers.set_prefix(&join(prefix, "layers"));
    }

    fn reset_parameters(&mut self, rng: &mut dyn RngCore) {
        self.layers.reset_parameters(rng);
    }

    fn reseed(&mut self, seed: u64) {
        self.layers.reseed(seed);
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Container
    }
}
