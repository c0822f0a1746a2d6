//! The `Module` trait: a forward pass on the tape plus named parameters and
//! buffers; and the train/eval `Mode`.

use autodiff::{Float, Gradients, Tape, Var};
use rand::RngCore;

use crate::activation::Activation;
use crate::buffer::Buffer;
use crate::param::{Param, ParamGrad};

/// Training or evaluation behaviour of a forward pass (dropout is active and
/// BatchNorm uses and updates batch statistics only in `Train`).
///
/// ```
/// assert_ne!(nn::Mode::Train, nn::Mode::Eval);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Training: dropout masks, batch statistics.
    Train,
    /// Evaluation: dropout is the identity, BatchNorm uses running statistics.
    Eval,
}

/// What kind of layer a module is, so that diagnostics can pick, e.g., the
/// outputs of every ReLU from [`Sequential::outputs`](crate::Sequential::outputs).
///
/// ```
/// use nn::{Activation, LayerKind, Module};
/// assert_eq!(Module::<f64>::kind(&Activation::Relu), LayerKind::Activation(Activation::Relu));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum LayerKind {
    /// [`Linear`](crate::Linear).
    Linear,
    /// An elementwise [`Activation`].
    Activation(Activation),
    /// [`Dropout`](crate::Dropout).
    Dropout,
    /// [`Flatten`](crate::Flatten).
    Flatten,
    /// [`BatchNorm1d`](crate::BatchNorm1d).
    BatchNorm,
    /// [`LayerNorm`](crate::LayerNorm).
    LayerNorm,
    /// [`GroupNorm`](crate::GroupNorm).
    GroupNorm,
    /// A container of other modules ([`Sequential`](crate::Sequential), [`Mlp`](crate::Mlp)).
    Container,
    /// Anything else (a user-defined module).
    Other,
}

/// A differentiable building block: records its forward pass on a [`Tape`]
/// and owns named [`Param`]s (trained) and [`Buffer`]s (state such as running
/// statistics).
///
/// **Training step.** `forward` records every parameter on the tape (a pooled
/// copy, see [`Param::record`]) and remembers its `Var`; after
/// `tape.backward_into(loss, &mut grads)`, [`params_and_grads`](Module::params_and_grads)
/// pairs every parameter's name and mutable view with its gradient for an
/// optimizer. Use one forward pass per tape per backward pass: a second
/// forward on the same tape re-records the parameters and only the last use
/// is remembered.
///
/// The trait is dyn-compatible (containers hold `Box<dyn Module<T>>`); the
/// methods with a default body work for every implementor. Modules are
/// `Send`, so a model can be moved to another thread (one run per thread).
///
/// ```
/// use autodiff::{Float, Tape, Var};
/// use nn::{Mode, Module, Param, ParamKind};
/// /// y = x * scale, one learnable scale per feature.
/// struct Scale<T> { scale: Param<T> }
/// impl<T: Float> Module<T> for Scale<T> {
///     fn forward(&mut self, tape: &mut Tape<T>, x: Var, _mode: Mode) -> Var {
///         let s = self.scale.record(tape);
///         tape.mul(x, s)
///     }
///     fn collect_params<'a>(&'a self, out: &mut Vec<&'a Param<T>>) { out.push(&self.scale) }
///     fn collect_params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Param<T>>) { out.push(&mut self.scale) }
/// }
/// let mut m = Scale { scale: Param::new("scale", ParamKind::NormScale, ndarray::array![2.0, 3.0].into_dyn()) };
/// let mut tape = Tape::<f64>::new();
/// let x = tape.constant(ndarray::array![[1.0, 1.0]]);
/// let y = m.forward(&mut tape, x, Mode::Train);
/// assert_eq!(tape.value(y).sum(), 5.0);
/// assert_eq!(m.num_params(), 2);
/// ```
pub trait Module<T: Float>: Send {
    /// Records the forward pass for input `x` on `tape` and returns the output.
    ///
    /// **Panics** naming the layer and shapes if `x` has the wrong shape.
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, mode: Mode) -> Var;

    /// Appends references to every parameter, in a stable order.
    fn collect_params<'a>(&'a self, out: &mut Vec<&'a Param<T>>) {
        let _ = out;
    }

    /// Appends mutable references to every parameter, same order as
    /// [`collect_params`](Module::collect_params).
    fn collect_params_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Param<T>>) {
        let _ = out;
    }

    /// Appends references to every buffer (none by default).
    fn collect_buffers<'a>(&'a self, out: &mut Vec<&'a Buffer<T>>) {
        let _ = out;
    }

    /// Appends mutable references to every buffer (none by default).
    fn collect_buffers_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Buffer<T>>) {
        let _ = out;
    }

    /// Renames every parameter and buffer to `prefix.key`. Containers call it
    /// on their children (`layers.0`, `layers.1`, ...) and override it to
    /// pass extended prefixes down.
    fn set_prefix(&mut self, prefix: &str) {
        for p in self.params_mut() {
            p.set_prefix(prefix);
        }
        let mut buffers = Vec::new();
        self.collect_buffers_mut(&mut buffers);
        for b in buffers {
            b.set_prefix(prefix);
        }
    }

    /// Draws fresh parameters with the layer's default initialization
    /// (PyTorch's `reset_parameters`); a no-op for layers without parameters.
    fn reset_parameters(&mut self, rng: &mut dyn RngCore) {
        let _ = rng;
    }

    /// Restarts the random stream of every random layer (dropout) from
    /// `seed`; containers pass each child a seed derived from its position.
    /// A trainer reseeds from `(seed, epoch)` at every epoch, so a run
    /// resumed from an epoch boundary needs no saved RNG state. A no-op for
    /// layers without randomness.
    ///
    /// ```
    /// use autodiff::Tape;
    /// use nn::{Mode, MlpConfig, Module};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mut mlp = MlpConfig::parse("4-8-2").unwrap().dropout(0.5).build::<f64>(&mut rng).unwrap();
    /// let mut outputs = Vec::new();
    /// for _ in 0..2 {
    ///     mlp.reseed(7);
    ///     let mut tape = Tape::new();
    ///     let x = tape.constant(ndarray::Array2::<f64>::ones((3, 4)));
    ///     let y = mlp.forward(&mut tape, x, Mode::Train);
    ///     outputs.push(tape.value(y).clone());
    /// }
    /// assert_eq!(outputs[0], outputs[1]); // the same dropout masks
    /// ```
    fn reseed(&mut self, seed: u64) {
        let _ = seed;
    }

    /// What kind of layer this is.
    fn kind(&self) -> LayerKind {
        LayerKind::Other
    }

    /// Every parameter, in a stable order.
    ///
    /// ```
    /// use nn::{Linear, Module};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let layer = Linear::<f32>::new(4, 3, &mut rng);
    /// let names: Vec<&str> = layer.params().iter().map(|p| p.name()).collect();
    /// assert_eq!(names, ["weight", "bias"]);
    /// ```
    fn params(&self) -> Vec<&Param<T>> {
        let mut out = Vec::new();
        self.collect_params(&mut out);
        out
    }

    /// Every parameter, mutably.
    ///
    /// ```
    /// use nn::{Linear, Module};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mut layer = Linear::<f32>::new(4, 3, &mut rng);
    /// for p in layer.params_mut() { p.value_mut().fill(0.0); }
    /// assert_eq!(layer.weight().sum(), 0.0);
    /// ```
    fn params_mut(&mut self) -> Vec<&mut Param<T>> {
        let mut out = Vec::new();
        self.collect_params_mut(&mut out);
        out
    }

    /// Every buffer.
    ///
    /// ```
    /// use nn::{BatchNorm1d, Module};
    /// let bn = BatchNorm1d::<f64>::new(3);
    /// let names: Vec<&str> = bn.buffers().iter().map(|b| b.name()).collect();
    /// assert_eq!(names, ["running_mean", "running_var", "num_batches_tracked"]);
    /// ```
    fn buffers(&self) -> Vec<&Buffer<T>> {
        let mut out = Vec::new();
        self.collect_buffers(&mut out);
        out
    }

    /// The parameter with full name `name`.
    ///
    /// ```
    /// use nn::{MlpConfig, Module};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = MlpConfig::parse("784-10-10").unwrap().build::<f32>(&mut rng).unwrap();
    /// assert_eq!(mlp.param("layers.0.weight").unwrap().value().shape(), &[10, 784]);
    /// ```
    fn param(&self, name: &str) -> Option<&Param<T>> {
        self.params().into_iter().find(|p| p.name() == name)
    }

    /// The parameter with full name `name`, mutably.
    ///
    /// ```
    /// use nn::{MlpConfig, Module};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mut mlp = MlpConfig::parse("4-3-2").unwrap().build::<f64>(&mut rng).unwrap();
    /// mlp.param_mut("layers.2.bias").unwrap().value_mut().fill(1.0);
    /// assert_eq!(mlp.param("layers.2.bias").unwrap().value().sum(), 2.0);
    /// ```
    fn param_mut(&mut self, name: &str) -> Option<&mut Param<T>> {
        self.params_mut().into_iter().find(|p| p.name() == name)
    }

    /// Total number of trainable scalars.
    ///
    /// ```
    /// use nn::{MlpConfig, Module};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mlp = MlpConfig::parse("784-10-10").unwrap().build::<f32>(&mut rng).unwrap();
    /// assert_eq!(mlp.num_params(), 784 * 10 + 10 + 10 * 10 + 10);
    /// ```
    fn num_params(&self) -> usize {
        self.params().iter().map(|p| p.len()).sum()
    }

    /// Every parameter's name and mutable value with its gradient from
    /// `grads` (the result of a backward pass through the last forward):
    /// what an optimizer on plain arrays needs.
    ///
    /// **Panics** if `grads` belong to a different graph than the last forward.
    ///
    /// ```
    /// use autodiff::Tape;
    /// use nn::{MlpConfig, Mode, Module};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mut mlp = MlpConfig::parse("3-4-2").unwrap().build::<f64>(&mut rng).unwrap();
    /// let mut tape = Tape::new();
    /// let x = tape.constant(ndarray::array![[0.5, -1.0, 2.0]]);
    /// let logits = mlp.forward(&mut tape, x, Mode::Train);
    /// let loss = tape.cross_entropy(logits, &[1]);
    /// let grads = tape.backward(loss).unwrap();
    /// let pairs = mlp.params_and_grads(&grads);
    /// assert_eq!(pairs[0].name, "layers.0.weight");
    /// assert!(pairs.iter().all(|p| p.grad.as_ref().unwrap().shape() == p.value.shape()));
    /// ```
    fn params_and_grads<'a>(&'a mut self, grads: &'a Gradients<T>) -> Vec<ParamGrad<'a, T>> {
        self.params_mut()
            .into_iter()
            .map(|p| {
                let (name, value, var) = p.parts_mut();
                ParamGrad {
                    name,
                    value,
                    grad: var.and_then(|v| grads.wrt(v)).map(|g| g.view()),
                }
            })
            .collect()
    }

    /// Runs [`forward`](Module::forward) with the parameters taken from
    /// `params` (values already on the tape, one per parameter in
    /// [`params`](Module::params) order) instead of the stored values, so that
    /// gradients flow to those `Var`s. This turns a model into an
    /// [`autodiff::Objective`] of its parameters (gradient checks,
    /// Hessian-vector products). Buffers are still updated in `Train` mode.
    ///
    /// **Panics** if the number or shapes of `params` do not match.
    ///
    /// ```
    /// use autodiff::Tape;
    /// use nn::{Linear, Mode, Module};
    /// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
    /// let mut layer = Linear::<f64>::new(2, 1, &mut rng);
    /// let mut tape = Tape::new();
    /// let w = tape.leaf(ndarray::array![[1.0, 1.0]]);
    /// let b = tape.leaf(ndarray::array![0.5]);
    /// let x = tape.constant(ndarray::array![[2.0, 3.0]]);
    /// let y = layer.forward_with(&mut tape, x, Mode::Train, &[w, b]);
    /// assert_eq!(tape.value(y)[[0, 0]], 5.5);
    /// ```
    fn forward_with(&mut self, tape: &mut Tape<T>, x: Var, mode: Mode, params: &[Var]) -> Var {
        let mut ps = self.params_mut();
        assert_eq!(
            ps.len(),
            params.len(),
            "forward_with: the module has {} parameters but {} Vars were given",
            ps.len(),
            params.len()
        );
        for (p, &v) in ps.iter_mut().zip(params) {
            p.bind(v);
        }
        let y = self.forward(tape, x, mode);
        for p in self.params_mut() {
            p.unbind();
        }
        y
    }
}
