//! Named tensors owned by a module: trainable parameters and buffers.

use autodiff::{Float, Gradients, Tape, Var};
use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD};

/// What a parameter is for; initialization and regularization select by it.
///
/// ```
/// use nn::{Linear, Module, ParamKind};
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let layer = Linear::<f64>::new(3, 2, &mut rng);
/// let kinds: Vec<ParamKind> = layer.params().iter().map(|p| p.kind()).collect();
/// assert_eq!(kinds, [ParamKind::Weight, ParamKind::Bias]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// A weight matrix of a linear map (out × in).
    Weight,
    /// The bias of a linear map.
    Bias,
    /// The scale (gamma) of a normalization layer, initialized to 1.
    NormScale,
    /// The shift (beta) of a normalization layer, initialized to 0.
    NormShift,
}

/// A trainable tensor with a stable name (`layers.0.weight`), its value, and
/// the [`Var`] that the last forward pass recorded it as.
///
/// A forward pass calls [`record`](Param::record), which copies the value onto
/// the tape as a leaf (into a pooled buffer) and remembers its `Var`; after
/// `backward`, [`grad`](Param::grad) finds the gradient. The value's shape
/// never changes: mutable access is through a view.
///
/// ```
/// use autodiff::Tape;
/// use nn::{Param, ParamKind};
/// let mut p = Param::new("weight", ParamKind::Weight, ndarray::array![1.0, 2.0].into_dyn());
/// let mut tape = Tape::<f64>::new();
/// let w = p.record(&mut tape);
/// let sq = tape.mul(w, w);
/// let loss = tape.sum(sq);
/// let grads = tape.backward(loss).unwrap();
/// assert_eq!(p.grad(&grads).unwrap(), &ndarray::array![2.0, 4.0].into_dyn());
/// ```
#[derive(Debug, Clone)]
pub struct Param<T> {
    key: &'static str,
    name: String,
    kind: ParamKind,
    value: ArrayD<T>,
    var: Option<Var>,
    bound: Option<Var>,
}

impl<T: Float> Param<T> {
    /// A parameter called `key` inside its layer (its full name is `key` until a
    /// container gives it a prefix).
    ///
    /// ```
    /// let p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f32>::zeros(vec![3]));
    /// assert_eq!(p.name(), "bias");
    /// ```
    pub fn new(key: &'static str, kind: ParamKind, value: ArrayD<T>) -> Self {
        Param {
            key,
            name: key.to_string(),
            kind,
            value,
            var: None,
            bound: None,
        }
    }

    /// Full dotted name, e.g. `layers.0.weight` (PyTorch's `state_dict` key).
    ///
    /// ```
    /// let p = nn::Param::new("weight", nn::ParamKind::Weight, ndarray::ArrayD::<f64>::zeros(vec![2, 2]));
    /// assert_eq!(p.name(), "weight");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name inside its own layer (`weight`, `bias`, ...).
    ///
    /// ```
    /// let p = nn::Param::new("weight", nn::ParamKind::Weight, ndarray::ArrayD::<f64>::zeros(vec![2, 2]));
    /// assert_eq!(p.key(), "weight");
    /// ```
    pub fn key(&self) -> &'static str {
        self.key
    }

    /// What the parameter is for.
    ///
    /// ```
    /// let p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f64>::zeros(vec![2]));
    /// assert_eq!(p.kind(), nn::ParamKind::Bias);
    /// ```
    pub fn kind(&self) -> ParamKind {
        self.kind
    }

    /// The current value.
    ///
    /// ```
    /// let p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f64>::ones(vec![2]));
    /// assert_eq!(p.value().sum(), 2.0);
    /// ```
    pub fn value(&self) -> &ArrayD<T> {
        &self.value
    }

    /// A mutable view of the value (its shape cannot change).
    ///
    /// ```
    /// let mut p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f64>::zeros(vec![2]));
    /// p.value_mut().fill(3.0);
    /// assert_eq!(p.value().sum(), 6.0);
    /// ```
    pub fn value_mut(&mut self) -> ArrayViewMutD<'_, T> {
        self.value.view_mut()
    }

    /// Number of elements.
    ///
    /// ```
    /// let p = nn::Param::new("weight", nn::ParamKind::Weight, ndarray::ArrayD::<f64>::zeros(vec![3, 4]));
    /// assert_eq!(p.len(), 12);
    /// ```
    pub fn len(&self) -> usize {
        self.value.len()
    }

    /// True for a parameter with no elements.
    ///
    /// ```
    /// let p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f64>::zeros(vec![0]));
    /// assert!(p.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// The `Var` of the last [`record`](Param::record), if any.
    ///
    /// ```
    /// let p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f64>::zeros(vec![2]));
    /// assert!(p.var().is_none());
    /// ```
    pub fn var(&self) -> Option<Var> {
        self.var
    }

    /// Puts the parameter on `tape` as a leaf that needs a gradient (a pooled
    /// copy of the value) and remembers its `Var`. Layers call this in
    /// `forward`. If a `Var` was [bound](Param::bind), that one is used instead
    /// (once).
    ///
    /// **Panics** if a bound `Var` has a different shape than the value.
    ///
    /// ```
    /// let mut p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f32>::zeros(vec![2]));
    /// let mut tape = autodiff::Tape::new();
    /// let v = p.record(&mut tape);
    /// assert_eq!(p.var(), Some(v));
    /// ```
    pub fn record(&mut self, tape: &mut Tape<T>) -> Var {
        let var = match self.bound.take() {
            Some(v) => {
                assert_eq!(
                    tape.value(v).shape(),
                    self.value.shape(),
                    "{}: bound Var has shape {:?} but the parameter has shape {:?}",
                    self.name,
                    tape.value(v).shape(),
                    self.value.shape()
                );
                v
            }
            None => tape.leaf_copy(&self.value),
        };
        self.var = Some(var);
        var
    }

    /// Makes the next [`record`](Param::record) use `var` (an existing value on
    /// the tape) instead of copying the stored value: the model then computes
    /// with `var`, and gradients flow to it. Used by
    /// [`Module::forward_with`](crate::Module::forward_with) for gradient
    /// checks and Hessian-vector products over the parameters.
    ///
    /// ```
    /// let mut p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f64>::zeros(vec![2]));
    /// let mut tape = autodiff::Tape::new();
    /// let given = tape.leaf(ndarray::array![1.0, 2.0]);
    /// p.bind(given);
    /// assert_eq!(p.record(&mut tape), given);
    /// ```
    pub fn bind(&mut self, var: Var) {
        self.bound = Some(var);
    }

    /// Drops a binding that was not used.
    ///
    /// ```
    /// let mut p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f64>::zeros(vec![2]));
    /// let mut tape = autodiff::Tape::new();
    /// let given = tape.leaf(ndarray::array![1.0, 2.0]);
    /// p.bind(given);
    /// p.unbind();
    /// assert_ne!(p.record(&mut tape), given);
    /// ```
    pub fn unbind(&mut self) {
        self.bound = None;
    }

    /// The gradient of the last backward pass with respect to this parameter,
    /// `None` if it was not recorded or no gradient reached it.
    ///
    /// **Panics** if `grads` come from a different graph than the last
    /// [`record`](Param::record) (see [`Gradients::wrt`]).
    ///
    /// ```
    /// let mut p = nn::Param::new("bias", nn::ParamKind::Bias, ndarray::ArrayD::<f64>::zeros(vec![2]));
    /// let mut tape = autodiff::Tape::new();
    /// let b = p.record(&mut tape);
    /// let loss = tape.sum(b);
    /// let grads = tape.backward(loss).unwrap();
    /// assert_eq!(p.grad(&grads).unwrap().sum(), 2.0);
    /// ```
    pub fn grad<'g>(&self, grads: &'g Gradients<T>) -> Option<&'g ArrayD<T>> {
        grads.wrt(self.var?)
    }

    /// The name, a mutable view of the value and the recorded `Var` at once
    /// (borrowing the name and the value together).
    ///
    /// ```
    /// let mut p = nn::Param::new("w", nn::ParamKind::Weight, ndarray::ArrayD::<f64>::ones(vec![2, 2]));
    /// let (name, mut value, var) = p.parts_mut();
    /// value.fill(0.0);
    /// assert_eq!((name, var), ("w", None));
    /// ```
    pub fn parts_mut(&mut self) -> (&str, ArrayViewMutD<'_, T>, Option<Var>) {
        (&self.name, self.value.view_mut(), self.var)
    }

    /// Sets the full name to `prefix.key` (or `key` for an empty prefix).
    pub(crate) fn set_prefix(&mut self, prefix: &str) {
        self.name = join(prefix, self.key);
    }

    /// Replaces the value; **panics** naming the parameter if shapes differ.
    pub(crate) fn assign(&mut self, value: ArrayD<T>) {
        assert_eq!(
            value.shape(),
            self.value.shape(),
            "{}: new value has shape {:?} but the parameter has shape {:?}",
            self.name,
            value.shape(),
            self.value.shape()
        );
        self.value = value;
    }
}

/// A parameter's name and value paired with its gradient, ready for an
/// optimizer that works on plain arrays (field for field like
/// `optim::ParamMut`). Made by [`Module::params_and_grads`](crate::Module::params_and_grads).
///
/// ```
/// use autodiff::Tape;
/// use nn::{Linear, Mode, Module};
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let mut layer = Linear::<f64>::new(2, 1, &mut rng);
/// let mut tape = Tape::new();
/// let x = tape.constant(ndarray::array![[1.0, 2.0]]);
/// let y = layer.forward(&mut tape, x, Mode::Train);
/// let loss = tape.sum(y);
/// let grads = tape.backward(loss).unwrap();
/// for p in layer.params_and_grads(&grads) {
///     let mut value = p.value;
///     value.scaled_add(-0.1, &p.grad.unwrap()); // one SGD step
/// }
/// ```
#[derive(Debug)]
pub struct ParamGrad<'a, T> {
    /// Stable name such as `layers.0.weight`.
    pub name: &'a str,
    /// The parameter, to update in place.
    pub value: ArrayViewMutD<'a, T>,
    /// Its gradient, `None` when no gradient reached it.
    pub grad: Option<ArrayViewD<'a, T>>,
}

/// `prefix.key`, or `key` when the prefix is empty.
pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}
