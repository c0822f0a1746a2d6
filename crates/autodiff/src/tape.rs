//! The tape (Wengert list): an arena of nodes in creation order.

use std::sync::atomic::{AtomicU32, Ordering};

use ndarray::{ArrayBase, ArrayD, Data, Dimension};

use crate::Float;
use crate::op::Op;
use crate::pool::Pool;

/// A value on a [`Tape`]: a small `Copy` handle (an index into the arena).
///
/// A `Var` is valid only on the tape that made it and only until that tape is
/// [cleared](Tape::clear); using it elsewhere panics with
/// `autodiff: Var #<index> is from another tape or from before Tape::clear`.
///
/// ```
/// use autodiff::Tape;
/// let mut tape = Tape::<f64>::new();
/// let x = tape.leaf(ndarray::arr0(2.0));
/// let y = tape.mul(x, x);
/// assert_eq!(tape.value(y).sum(), 4.0);
/// ```
///
/// ```should_panic
/// # use autodiff::Tape;
/// let mut tape = Tape::<f64>::new();
/// let x = tape.leaf(ndarray::arr0(2.0));
/// tape.clear();
/// tape.exp(x); // panics: x is from before the clear
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Var {
    pub(crate) index: u32,
    pub(crate) epoch: u32,
}

impl Var {
    /// Position of this value on its tape (creation order).
    pub fn index(self) -> usize {
        self.index as usize
    }
}

#[derive(Debug)]
pub(crate) struct Node<T> {
    pub(crate) value: ArrayD<T>,
    pub(crate) op: Op<T>,
    pub(crate) requires_grad: bool,
    /// Whether `value` was taken from the pool, and so goes back to it on
    /// [`Tape::clear`]. Arrays handed over by `leaf`/`constant` are dropped
    /// instead: pooling them would grow the pool by one buffer per step in a
    /// loop that passes a fresh batch each time.
    pub(crate) pooled: bool,
}

/// Every tape and every `clear` gets a fresh epoch, so stale `Var`s are caught.
static NEXT_EPOCH: AtomicU32 = AtomicU32::new(1);

fn next_epoch() -> u32 {
    NEXT_EPOCH.fetch_add(1, Ordering::Relaxed)
}

/// A reverse-mode tape over `ndarray` tensors of `f32` or `f64`.
///
/// Record a computation with the op methods (`add`, `matmul`, `relu`,
/// `cross_entropy`, ...), then call [`backward`](Tape::backward) on a scalar
/// loss. [`clear`](Tape::clear) empties the tape but keeps its memory, so the
/// next minibatch reuses the same buffers.
///
/// ```
/// use autodiff::Tape;
/// use ndarray::array;
/// let mut tape = Tape::<f64>::new();
/// let x = tape.leaf(array![1.0, 2.0, 3.0]);
/// let y = tape.mul(x, x);             // x²
/// let loss = tape.sum(y);             // Σ x²
/// let grads = tape.backward(loss).unwrap();
/// assert_eq!(grads.wrt(x).unwrap(), &array![2.0, 4.0, 6.0].into_dyn()); // 2x
/// ```
#[derive(Debug)]
pub struct Tape<T: Float> {
    pub(crate) nodes: Vec<Node<T>>,
    pub(crate) pool: Pool<T>,
    /// Class labels of every `cross_entropy` on the tape, back to back (kept
    /// across `clear`, so recording labels does not allocate).
    pub(crate) labels: Vec<usize>,
    /// Addresses of the buffers handed out by [`Tape::buffer`] since the last
    /// clear: when one comes back through `leaf`/`constant` it is pooled again.
    lent: Vec<usize>,
    epoch: u32,
}

impl<T: Float> Default for Tape<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float> Tape<T> {
    /// An empty tape.
    pub fn new() -> Self {
        Tape {
            nodes: Vec::new(),
            pool: Pool::default(),
            labels: Vec::new(),
            lent: Vec::new(),
            epoch: next_epoch(),
        }
    }

    /// Removes every node but keeps the memory (node storage and value
    /// buffers) for the next graph. Every `Var` of this tape becomes invalid.
    ///
    /// The buffers kept are those the tape allocated itself (op results and
    /// [`leaf_copy`](Tape::leaf_copy)/[`constant_copy`](Tape::constant_copy)
    /// leaves); arrays moved in with [`leaf`](Tape::leaf) or
    /// [`constant`](Tape::constant) are dropped. So the pool never holds more
    /// buffers than the largest graph recorded on this tape.
    ///
    /// ```
    /// use autodiff::Tape;
    /// let mut tape = Tape::<f32>::new();
    /// let x = tape.leaf(ndarray::arr1(&[1.0, 2.0]));
    /// tape.clear();
    /// assert!(tape.is_empty());
    /// ```
    pub fn clear(&mut self) {
        for node in self.nodes.drain(..) {
            if node.pooled {
                self.pool.give(node.value);
            }
            if let Op::CrossEntropy { probs, .. } = node.op {
                self.pool.give(probs);
            }
        }
        self.labels.clear();
        self.lent.clear();
        self.epoch = next_epoch();
    }

    /// Number of recorded nodes.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// tape.constant(ndarray::arr0(1.0));
    /// assert_eq!(tape.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when nothing is recorded.
    ///
    /// ```
    /// assert!(autodiff::Tape::<f64>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Number of value buffers kept for reuse: filled by [`clear`](Tape::clear),
    /// drained again as the next graph is recorded.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.leaf(ndarray::arr1(&[1.0, 2.0])); // moved in: not pooled
    /// tape.exp(x);                                    // result: pooled
    /// tape.clear();
    /// assert_eq!(tape.pooled_buffers(), 1);
    /// let x = tape.leaf(ndarray::arr1(&[1.0, 2.0]));
    /// tape.exp(x);                                    // reuses that buffer
    /// assert_eq!(tape.pooled_buffers(), 0);
    /// ```
    pub fn pooled_buffers(&self) -> usize {
        self.pool.len()
    }

    /// Bytes of the values recorded on the tape now: every node's value
    /// (inputs, parameters, activations, the loss) and the softmax
    /// probabilities a cross-entropy keeps for its backward pass. Right
    /// after a backward pass, this is what the forward pass of the step
    /// holds in memory (the pool's idle buffers are not counted).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f32>::new();
    /// let x = tape.leaf(ndarray::Array1::<f32>::zeros(3));
    /// tape.exp(x);
    /// assert_eq!(tape.value_bytes(), 2 * 3 * 4);
    /// tape.clear();
    /// assert_eq!(tape.value_bytes(), 0);
    /// ```
    pub fn value_bytes(&self) -> usize {
        let bytes = |a: &ArrayD<T>| a.len() * std::mem::size_of::<T>();
        self.nodes
            .iter()
            .map(|node| {
                bytes(&node.value)
                    + match &node.op {
                        Op::CrossEntropy { probs, .. } => bytes(probs),
                        _ => 0,
                    }
            })
            .sum()
    }

    /// A leaf that needs a gradient (a parameter), taking ownership of `value`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let w = tape.leaf(ndarray::array![[1.0, 2.0]]);
    /// assert!(tape.requires_grad(w));
    /// ```
    pub fn leaf<D: Dimension>(&mut self, value: ndarray::Array<T, D>) -> Var {
        let value = value.into_dyn();
        let pooled = self.reclaim(&value);
        self.push(value, Op::Leaf, true, pooled)
    }

    /// A leaf that needs no gradient (an input or a target), taking ownership.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![1.0, 2.0]);
    /// assert!(!tape.requires_grad(x));
    /// ```
    pub fn constant<D: Dimension>(&mut self, value: ndarray::Array<T, D>) -> Var {
        let value = value.into_dyn();
        let pooled = self.reclaim(&value);
        self.push(value, Op::Leaf, false, pooled)
    }

    /// Whether `value` is a buffer from [`buffer`](Tape::buffer) coming back
    /// (then it returns to the pool on [`clear`](Tape::clear)).
    fn reclaim(&mut self, value: &ArrayD<T>) -> bool {
        let address = value.as_ptr() as usize;
        match self.lent.iter().position(|&a| a == address) {
            Some(i) => {
                self.lent.swap_remove(i);
                true
            }
            None => false,
        }
    }

    /// A buffer of `shape` from the tape's pool, with unspecified contents
    /// (stale values from an earlier step, or zeros). Fill it completely, then
    /// hand it back with [`constant`](Tape::constant) or [`leaf`](Tape::leaf):
    /// a minibatch gathered this way is never copied, and after
    /// [`clear`](Tape::clear) the memory returns to the pool.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f32>::new();
    /// let mut batch = tape.buffer(&[2, 3]);
    /// batch.fill(1.0);
    /// let x = tape.constant(batch);
    /// assert_eq!(tape.value(x).sum(), 6.0);
    /// tape.clear();
    /// assert_eq!(tape.pooled_buffers(), 1); // the batch buffer, for the next step
    /// ```
    pub fn buffer(&mut self, shape: &[usize]) -> ArrayD<T> {
        let buffer = self.pool.take(shape);
        if !buffer.is_empty() {
            self.lent.push(buffer.as_ptr() as usize);
        }
        buffer
    }

    /// A leaf that needs a gradient, copied from `value` into a reused buffer.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f32>::new();
    /// let weight = ndarray::Array2::<f32>::ones((3, 2));
    /// let w = tape.leaf_copy(&weight);
    /// assert_eq!(tape.value(w).shape(), &[3, 2]);
    /// ```
    pub fn leaf_copy<S: Data<Elem = T>, D: Dimension>(&mut self, value: &ArrayBase<S, D>) -> Var {
        let copy = self.copy_into_pool(value);
        self.push(copy, Op::Leaf, true, true)
    }

    /// A leaf that needs no gradient, copied from `value` into a reused buffer.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f32>::new();
    /// let batch = ndarray::Array2::<f32>::zeros((4, 784));
    /// let x = tape.constant_copy(&batch);
    /// assert!(!tape.requires_grad(x));
    /// ```
    pub fn constant_copy<S: Data<Elem = T>, D: Dimension>(
        &mut self,
        value: &ArrayBase<S, D>,
    ) -> Var {
        let copy = self.copy_into_pool(value);
        self.push(copy, Op::Leaf, false, true)
    }

    fn copy_into_pool<S: Data<Elem = T>, D: Dimension>(
        &mut self,
        value: &ArrayBase<S, D>,
    ) -> ArrayD<T> {
        let mut out = self.pool.take(value.shape());
        match (out.as_slice_mut(), value.as_slice()) {
            (Some(o), Some(v)) => o.copy_from_slice(v),
            _ => out.assign(&value.view().into_dyn()),
        }
        out
    }

    /// The value of `var`.
    ///
    /// **Panics** if `var` belongs to another tape or to one that was cleared.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(3.0));
    /// assert_eq!(tape.value(x)[[]], 3.0);
    /// ```
    pub fn value(&self, var: Var) -> &ArrayD<T> {
        &self.node(var).value
    }

    /// The single element of a one-element value (a loss), widened to `f64`.
    ///
    /// **Panics** if `var` has more than one element.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f32>::new();
    /// let x = tape.constant(ndarray::arr1(&[2.5_f32]));
    /// assert_eq!(tape.scalar(x), 2.5);
    /// ```
    pub fn scalar(&self, var: Var) -> f64 {
        let v = self.value(var);
        assert_eq!(
            v.len(),
            1,
            "scalar: value of shape {:?} is not a scalar",
            v.shape()
        );
        v.iter().next().copied().unwrap_or_else(T::zero).as_f64()
    }

    /// Whether a gradient flows to `var` (true for parameters and anything
    /// computed from one).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let w = tape.leaf(ndarray::arr0(1.0));
    /// let c = tape.constant(ndarray::arr0(2.0));
    /// let y = tape.mul(w, c);
    /// assert!(tape.requires_grad(y));
    /// ```
    pub fn requires_grad(&self, var: Var) -> bool {
        self.node(var).requires_grad
    }

    pub(crate) fn node(&self, var: Var) -> &Node<T> {
        assert!(
            var.epoch == self.epoch && var.index() < self.nodes.len(),
            "autodiff: Var #{} is from another tape or from before Tape::clear",
            var.index
        );
        &self.nodes[var.index()]
    }

    pub(crate) fn shape(&self, var: Var) -> &[usize] {
        self.node(var).value.shape()
    }

    /// Records a node whose value was computed by an op. `value` must come
    /// from `self.pool` (it goes back there on [`clear`](Tape::clear)).
    pub(crate) fn push_op(&mut self, value: ArrayD<T>, op: Op<T>) -> Var {
        let requires_grad = op
            .parents()
            .iter()
            .flatten()
            .any(|p| self.node(*p).requires_grad);
        self.push(value, op, requires_grad, true)
    }

    fn push(&mut self, value: ArrayD<T>, op: Op<T>, requires_grad: bool, pooled: bool) -> Var {
        let index =
            u32::try_from(self.nodes.len()).expect("autodiff: more than 2^32 nodes on one tape");
        self.nodes.push(Node {
            value,
            op,
            requires_grad,
            pooled,
        });
        Var {
            index,
            epoch: self.epoch,
        }
    }
}
