//! Shape ops and reductions: `reshape`, `sum`, `sum_axis`, `mean`, `mean_axis`.

use ndarray::{ArrayD, Axis, IxDyn, Zip};

use crate::gradients::GradSlots;
use crate::op::Op;
use crate::{Float, Tape, Var};

impl<T: Float> Tape<T> {
    /// The same elements in a new shape (row-major order, like PyTorch's
    /// `reshape`). Backward: `∂x = g` reshaped back.
    ///
    /// **Panics** naming both shapes if the element counts differ.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![[1.0, 2.0], [3.0, 4.0]]);
    /// let y = tape.reshape(x, &[4]);
    /// assert_eq!(tape.value(y), &ndarray::array![1.0, 2.0, 3.0, 4.0].into_dyn());
    /// ```
    pub fn reshape(&mut self, x: Var, shape: &[usize]) -> Var {
        let from = self.shape(x).to_vec();
        assert!(
            from.iter().product::<usize>() == shape.iter().product::<usize>(),
            "reshape: cannot reshape shape {from:?} into {shape:?}"
        );
        let mut out = self.pool.take(shape);
        let flat = self.value(x).iter().copied();
        for (o, v) in out.iter_mut().zip(flat) {
            *o = v;
        }
        self.push_op(out, Op::Reshape(x))
    }

    /// Sum of all elements, a 0-d value. Backward: `∂x = g` everywhere.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![1.0, 2.0, 3.0]);
    /// let s = tape.sum(x);
    /// assert_eq!(tape.scalar(s), 6.0);
    /// ```
    pub fn sum(&mut self, x: Var) -> Var {
        let mut out = self.pool.take(&[]);
        out[[]] = self.value(x).sum();
        self.push_op(out, Op::Sum(x))
    }

    /// Sum along `axis`, keeping it with size 1 when `keepdim` (PyTorch's
    /// `sum(dim, keepdim)`). Backward: `g` broadcast back along `axis`.
    ///
    /// **Panics** if `axis` is out of range for the value's shape.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![[1.0, 2.0], [3.0, 4.0]]);
    /// let s = tape.sum_axis(x, 1, false);
    /// assert_eq!(tape.value(s), &ndarray::array![3.0, 7.0].into_dyn());
    /// let k = tape.sum_axis(x, 0, true);
    /// assert_eq!(tape.value(k), &ndarray::array![[4.0, 6.0]].into_dyn());
    /// ```
    pub fn sum_axis(&mut self, x: Var, axis: usize, keepdim: bool) -> Var {
        let shape = self.shape(x).to_vec();
        assert!(
            axis < shape.len(),
            "sum_axis: axis {axis} out of range for shape {shape:?}"
        );
        let mut reduced = shape.clone();
        reduced[axis] = 1;
        let mut out = self.pool.take(&reduced);
        out.fill(T::zero());
        let xv = self.value(x);
        for lane in xv.axis_iter(Axis(axis)) {
            Zip::from(&mut out.index_axis_mut(Axis(axis), 0))
                .and(&lane)
                .for_each(|o, &v| *o += v);
        }
        if !keepdim {
            reduced.remove(axis);
            out = out
                .into_shape_with_order(IxDyn(&reduced))
                .expect("drop unit axis");
        }
        self.push_op(out, Op::SumAxis { x, axis, keepdim })
    }

    /// Mean of all elements (a 0-d value), composed as `sum · 1/n`; NaN for
    /// an empty value (0/0), as PyTorch.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![1.0, 2.0, 3.0]);
    /// let m = tape.mean(x);
    /// assert_eq!(tape.scalar(m), 2.0);
    /// ```
    pub fn mean(&mut self, x: Var) -> Var {
        let n = self.value(x).len();
        let s = self.sum(x);
        self.mul_scalar(s, T::one() / T::of(n as f64))
    }

    /// Mean along `axis` (PyTorch's `mean(dim, keepdim)`), composed as
    /// `sum_axis · 1/n`; NaN along an empty axis (0/0), as PyTorch.
    ///
    /// **Panics** if `axis` is out of range for the value's shape.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![[1.0, 3.0], [5.0, 7.0]]);
    /// let m = tape.mean_axis(x, 0, false);
    /// assert_eq!(tape.value(m), &ndarray::array![3.0, 5.0].into_dyn());
    /// ```
    pub fn mean_axis(&mut self, x: Var, axis: usize, keepdim: bool) -> Var {
        let shape = self.shape(x);
        assert!(
            axis < shape.len(),
            "mean_axis: axis {axis} out of range for shape {shape:?}"
        );
        let n = shape[axis];
        let s = self.sum_axis(x, axis, keepdim);
        self.mul_scalar(s, T::one() / T::of(n as f64))
    }
}

/// Backward of `reshape`, `sum` and `sum_axis`.
pub(crate) fn backward<T: Float>(
    tape: &Tape<T>,
    op: &Op<T>,
    g: &ArrayD<T>,
    slots: &mut GradSlots<'_, T>,
) {
    match *op {
        Op::Reshape(x) => {
            let (slot, fresh) = slots.slot(x, tape.shape(x));
            let pairs = slot.iter_mut().zip(g.iter());
            if fresh {
                pairs.for_each(|(s, &g)| *s = g);
            } else {
                pairs.for_each(|(s, &g)| *s += g);
            }
        }
        Op::Sum(x) => {
            let gs = g.iter().next().copied().unwrap_or_else(T::zero);
            let (slot, fresh) = slots.slot(x, tape.shape(x));
            if fresh {
                slot.fill(gs);
            } else {
                slot.mapv_inplace(|s| s + gs);
            }
        }
        Op::SumAxis { x, axis, keepdim } => {
            let g = if keepdim {
                g.view()
            } else {
                g.view().insert_axis(Axis(axis))
            };
            let shape = tape.shape(x);
            let gb = g
                .broadcast(shape)
                .expect("sum_axis: gradient broadcasts back");
            let (slot, fresh) = slots.slot(x, shape);
            if fresh {
                slot.assign(&gb);
            } else {
                *slot += &gb;
            }
        }
        _ => unreachable!("reduce::backward on {op:?}"),
    }
}
