//! Gradients produced by [`Tape::backward`](crate::Tape::backward), stored per
//! node and reused across steps.

use ndarray::{ArrayD, IxDyn};

use crate::{Float, Var};

/// The gradients of one backward pass: query them with [`wrt`](Gradients::wrt).
///
/// Pass the same `Gradients` to [`Tape::backward_into`](crate::Tape::backward_into)
/// every step and its buffers are reused, so there is no `zero_grad` to forget
/// and no allocation once the graph's shapes repeat.
///
/// ```
/// use autodiff::{Gradients, Tape};
/// let mut tape = Tape::<f64>::new();
/// let mut grads = Gradients::new();
/// for step in 0..3 {
///     tape.clear();
///     let w = tape.leaf(ndarray::arr0(step as f64));
///     let loss = tape.mul(w, w);
///     tape.backward_into(loss, &mut grads).unwrap();
///     assert_eq!(grads.wrt(w).unwrap()[[]], 2.0 * step as f64);
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Gradients<T> {
    slots: Vec<Option<ArrayD<T>>>,
    written: Vec<bool>,
    epoch: u32,
}

impl<T: Float> Default for Gradients<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Float> Gradients<T> {
    /// Empty storage.
    ///
    /// ```
    /// let grads = autodiff::Gradients::<f32>::new();
    /// assert_eq!(grads.len(), 0);
    /// ```
    pub fn new() -> Self {
        Gradients {
            slots: Vec::new(),
            written: Vec::new(),
            epoch: 0,
        }
    }

    /// The gradient of the last loss with respect to `var`, or `None` when no
    /// gradient reached it (it needs none, or the loss does not depend on it).
    ///
    /// **Panics** if `var` is not from the graph these gradients belong to.
    ///
    /// ```
    /// use autodiff::Tape;
    /// let mut tape = Tape::<f64>::new();
    /// let a = tape.leaf(ndarray::arr0(3.0));
    /// let c = tape.constant(ndarray::arr0(2.0));
    /// let y = tape.mul(a, c);
    /// let grads = tape.backward(y).unwrap();
    /// assert_eq!(grads.wrt(a).unwrap()[[]], 2.0);
    /// assert!(grads.wrt(c).is_none());
    /// ```
    pub fn wrt(&self, var: Var) -> Option<&ArrayD<T>> {
        assert_eq!(
            var.epoch, self.epoch,
            "Gradients::wrt: Var #{} is not from the graph of these gradients",
            var.index
        );
        let i = var.index();
        if *self.written.get(i)? {
            self.slots[i].as_ref()
        } else {
            None
        }
    }

    /// Number of gradients written by the last backward pass.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.leaf(ndarray::arr0(1.0));
    /// let y = tape.exp(x);
    /// assert_eq!(tape.backward(y).unwrap().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.written.iter().filter(|w| **w).count()
    }

    /// Bytes of the gradient buffers held (written by the last pass or kept
    /// from an earlier one for reuse).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f32>::new();
    /// let x = tape.leaf(ndarray::Array1::<f32>::zeros(3));
    /// let y = tape.sum(x);
    /// let grads = tape.backward(y).unwrap();
    /// assert_eq!(grads.bytes(), (3 + 1) * 4);
    /// ```
    pub fn bytes(&self) -> usize {
        self.slots
            .iter()
            .flatten()
            .map(|a| a.len() * std::mem::size_of::<T>())
            .sum()
    }

    /// True when the last pass wrote no gradient.
    ///
    /// ```
    /// assert!(autodiff::Gradients::<f64>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Prepares for a pass over `n` nodes of the graph with `epoch`.
    pub(crate) fn reset(&mut self, n: usize, epoch: u32) {
        self.epoch = epoch;
        if self.slots.len() < n {
            self.slots.resize_with(n, || None);
        }
        self.written.clear();
        self.written.resize(n, false);
    }

    pub(crate) fn is_written(&self, i: usize) -> bool {
        self.written[i]
    }

    /// Splits the storage at node `i`: the gradient of node `i` (read) and
    /// the slots of every earlier node (to accumulate into).
    pub(crate) fn split(&mut self, i: usize) -> (&ArrayD<T>, GradSlots<'_, T>) {
        let (lower, upper) = self.slots.split_at_mut(i);
        let (written, _) = self.written.split_at_mut(i);
        let g = upper[0].as_ref().expect("gradient of a written node");
        (
            g,
            GradSlots {
                slots: lower,
                written,
            },
        )
    }

    /// Seeds the loss gradient with ones.
    pub(crate) fn seed(&mut self, i: usize, shape: &[usize]) {
        let slot = ensure(&mut self.slots[i], shape);
        slot.fill(T::one());
        self.written[i] = true;
    }
}

/// Write access to the gradient slots of the nodes before the current one.
pub(crate) struct GradSlots<'a, T> {
    slots: &'a mut [Option<ArrayD<T>>],
    written: &'a mut [bool],
}

impl<T: Float> GradSlots<'_, T> {
    /// The slot of `var` with `shape`, and whether this is the first write to it
    /// in this pass (then its contents are stale and must be overwritten).
    pub(crate) fn slot(&mut self, var: Var, shape: &[usize]) -> (&mut ArrayD<T>, bool) {
        let i = var.index();
        let fresh = !self.written[i];
        self.written[i] = true;
        (ensure(&mut self.slots[i], shape), fresh)
    }

    /// The slot of `var`, zero-filled on its first write in this pass.
    pub(crate) fn zeroed(&mut self, var: Var, shape: &[usize]) -> &mut ArrayD<T> {
        let (slot, fresh) = self.slot(var, shape);
        if fresh {
            slot.fill(T::zero());
        }
        slot
    }
}

/// Makes `slot` hold an array of `shape`, reusing its buffer when it fits,
/// and its allocation when only the shape changed (a last, shorter batch, then
/// full ones again) and the capacity suffices.
fn ensure<'s, T: Float>(slot: &'s mut Option<ArrayD<T>>, shape: &[usize]) -> &'s mut ArrayD<T> {
    let fits = matches!(slot, Some(a) if a.shape() == shape);
    if !fits {
        let mut data = match slot.take().map(ArrayD::into_raw_vec_and_offset) {
            Some((data, None | Some(0))) => data,
            _ => Vec::new(),
        };
        data.clear();
        data.resize(shape.iter().product(), T::zero());
        *slot = Some(ArrayD::from_shape_vec(IxDyn(shape), data).expect("length matches shape"));
    }
    slot.as_mut().expect("slot was just filled")
}
