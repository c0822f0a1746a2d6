//! A chain of modules applied in order, recording each child's output.

use std::fmt;

use autodiff::{Float, Tape, Var};
use rand::RngCore;

use crate::buffer::Buffer;
use crate::module::{LayerKind, Mode, Module};
use crate::param::{Param, join};

/// Modules applied one after another, PyTorch's `nn.Sequential`: child `i`'s
/// parameters are named `i.weight`, `i.bias`, ... (or `prefix.i.weight` once
/// the container itself has a prefix, as in an [`Mlp`](crate::Mlp)'s
/// `layers.0.weight`). Activations and dropout count as children, as in
/// PyTorch, so the indices match a PyTorch `nn.Sequential` built the same way.
///
/// Every forward pass records the output `Var` of each child, readable with
/// [`outputs`](Sequential::outputs) until the tape is cleared: the hook for
/// per-layer diagnostics (activation statistics, dead ReLUs).
///
/// ```
/// use autodiff::Tape;
/// use nn::{Activation, Linear, Mode, Module, Sequential};
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let mut net = Sequential::new()
///     .with(Linear::<f64>::new(3, 4, &mut rng))
///     .with(Activation::Relu)
///     .with(Linear::new(4, 2, &mut rng));
/// let names: Vec<&str> = net.params().iter().map(|p| p.name()).collect();
/// assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
/// let mut tape = Tape::new();
/// let x = tape.constant(ndarray::array![[1.0, 2.0, 3.0]]);
/// let y = net.forward(&mut tape, x, Mode::Train);
/// assert_eq!(net.outputs().len(), 3);
/// assert_eq!(net.outputs()[2], y);
/// ```
pub struct Sequential<T> {
    prefix: String,
    children: Vec<Box<dyn Module<T>>>,
    outputs: Vec<Var>,
}

impl<T: Float> Default for Sequential<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float> fmt::Debug for Sequential<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sequential")
            .field("prefix", &self.prefix)
            .field(
                "children",
                &self.children.iter().map(|c| c.kind()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<T: Float> Sequential<T> {
    /// An empty container.
    ///
    /// ```
    /// assert!(nn::Sequential::<f32>::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Sequential {
            prefix: String::new(),
            children: Vec::new(),
            outputs: Vec::new(),
        }
    }

    /// Appends `module` as the next child (named by its index).
    ///
    /// ```
    /// let mut net = nn::Sequential::<f64>::new();
    /// net.push(nn::Activation::Tanh);
    /// assert_eq!(net.len(), 1);
    /// ```
    pub fn push<M: Module<T> + 'static>(&mut self, module: M) {
        self.push_boxed(Box::new(module));
    }

    /// Appends an already boxed module.
    ///
    /// ```
    /// let mut net = nn::Sequential::<f64>::new();
    /// net.push_boxed(Box::new(nn::Flatten));
    /// assert_eq!(net.len(), 1);
    /// ```
    pub fn push_boxed(&mut self, mut module: Box<dyn Module<T>>) {
        module.set_prefix(&join(&self.prefix, &self.children.len().to_string()));
        self.children.push(module);
    }

    /// Builder form of [`push`](Sequential::push).
    ///
    /// ```
    /// let net = nn::Sequential::<f64>::new().with(nn::Activation::Relu);
    /// assert_eq!(net.len(), 1);
    /// ```
    pub fn with<M: Module<T> + 'static>(mut self, module: M) -> Self {
        self.push(module);
        self
    }

    /// Number of children.
    ///
    /// ```
    /// assert_eq!(nn::Sequential::<f64>::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.children.len()
    }

    /// True without children.
    ///
    /// ```
    /// assert!(nn::Sequential::<f64>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    /// Child `index`.
    ///
    /// ```
    /// use nn::{LayerKind, Module};
    /// let net = nn::Sequential::<f64>::new().with(nn::Flatten);
    /// assert_eq!(net.child(0).unwrap().kind(), LayerKind::Flatten);
    /// ```
    pub fn child(&self, index: usize) -> Option<&dyn Module<T>> {
        self.children.get(index).map(|c| &**c)
    }

    /// Child `index`, mutably.
    ///
    /// ```
    /// use nn::Module;
    /// let mut net = nn::Sequential::<f64>::new().with(nn::Flatten);
    /// assert_eq!(net.child_mut(0).unwrap().num_params(), 0);
    /// ```
    pub fn child_mut(&mut self, index: usize) -> Option<&mut (dyn Module<T> + 'static)> {
        self.children.get_mut(index).map(|c| &mut **c)
    }

    /// The children in order.
    ///
    /// ```
    /// use nn::Module;
    /// let net = nn::Sequential::<f64>::new().with(nn::Flatten).with(nn::Activation::Relu);
    /// assert_eq!(net.children().count(), 2);
    /// ```
    pub fn children(&self) -> impl Iterator<Item = &dyn Module<T>> {
        self.children.iter().map(|c| &**c)
    }

    /// The output of each child from the last forward pass (empty before the
    /// first). Valid on that pass's tape until it is cleared.
    ///
    /// ```
    /// let net = nn::Sequential::<f64>::new();
    /// assert!(net.outputs().is_empty());
    /// ```
    pub fn outputs(&self) -> &[Var] {
        &self.outputs
    }
}

impl<T: Float> Module<T> for Sequential<T> {
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, mode: Mode) -> Var {
        self.outputs.clear();
        let mut h = x;
        for child in &mut self.children {
            h = child.forward(tape, h, mode);
            self.outputs.push(h);
        }
        h
    }

    fn collect_params<'a>(&'a self, out: &mut Vec<&'a Param<T>>) {
        for c in &self.children {
            c.collect_params(out);
        }
    }

    fn collect_params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Param<T>>) {
        for c in &mut self.children {
            c.collect_params_mut(out);
        }
    }

    fn collect_buffers<'a>(&'a self, out: &mut Vec<&'a Buffer<T>>) {
        for c in &self.children {
            c.collect_buffers(out);
        }
    }

    fn collect_buffers_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Buffer<T>>) {
        for c in &mut self.children {
            c.collect_buffers_mut(out);
        }
    }

    fn set_prefix(&mut self, prefix: &str) {
        self.prefix = prefix.to_string();
        for (i, c) in self.children.iter_mut().enumerate() {
            c.set_prefix(&join(prefix, &i.to_string()));
        }
    }

    fn reset_parameters(&mut self, rng: &mut dyn RngCore) {
        for c in &mut self.children {
            c.reset_parameters(rng);
        }
    }

    fn reseed(&mut self, seed: u64) {
        for (i, c) in self.children.iter_mut().enumerate() {
            c.reseed(child_seed(seed, i));
        }
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Container
    }
}

/// The seed of child `index`: a SplitMix64 step of `seed` mixed with the
/// position, so siblings draw unrelated streams.
fn child_seed(seed: u64, index: usize) -> u64 {
    let mut z = seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
