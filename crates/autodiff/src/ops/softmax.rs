//! Softmax, log-softmax and the fused softmax cross-entropy.

use ndarray::{ArrayD, ArrayView1, ArrayViewD, ArrayViewMut1, ArrayViewMutD, Axis, Dimension, Zip};

use crate::gradients::GradSlots;
use crate::op::Op;
use crate::{Float, Tape, Var};

/// `(max, Σ exp(x - max))` of one lane, as PyTorch computes them: softmax is
/// `exp(x - max) / Σ`, log-softmax `(x - max) - ln Σ`.
fn max_and_sum_exp<T: Float>(lane: &ArrayView1<'_, T>) -> (T, T) {
    let m = lane.fold(T::neg_infinity(), |m, &v| if v > m { v } else { m });
    let m = if m.is_finite() { m } else { T::zero() };
    let s = lane.fold(T::zero(), |s, &v| s + (v - m).exp());
    (m, s)
}

fn softmax_lane<T: Float>(x: ArrayView1<'_, T>, mut out: ArrayViewMut1<'_, T>) {
    let (m, s) = max_and_sum_exp(&x);
    Zip::from(&mut out)
        .and(&x)
        .for_each(|o, &v| *o = (v - m).exp() / s);
}

/// `a` as an array with at least one axis: a 0-d value is one lane of length
/// 1 along axis 0, as PyTorch treats `dim=0` or `dim=-1` of a 0-d tensor.
fn lanes<T>(a: &ArrayD<T>) -> ArrayViewD<'_, T> {
    let v = a.view();
    if v.ndim() == 0 {
        v.insert_axis(Axis(0))
    } else {
        v
    }
}

/// Mutable version of [`lanes`].
fn lanes_mut<T>(a: &mut ArrayD<T>) -> ArrayViewMutD<'_, T> {
    let v = a.view_mut();
    if v.ndim() == 0 {
        v.insert_axis(Axis(0))
    } else {
        v
    }
}

/// The last axis (0 for a 0-d value).
fn last_axis(shape: &[usize]) -> usize {
    shape.len().saturating_sub(1)
}

/// **Panics** naming `op` and the shape if `axis` is out of range (axis 0 is
/// allowed on a 0-d value).
fn check_axis(op: &str, axis: usize, shape: &[usize]) {
    assert!(
        axis < shape.len().max(1),
        "{op}: axis {axis} out of range for shape {shape:?}"
    );
}

impl<T: Float> Tape<T> {
    /// Softmax along the last axis (PyTorch's `softmax(x, dim=-1)`; a 0-d
    /// value is one lane, so its softmax is 1).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![[0.0, 0.0]]);
    /// let p = tape.softmax(x);
    /// assert_eq!(tape.value(p), &ndarray::array![[0.5, 0.5]].into_dyn());
    /// ```
    pub fn softmax(&mut self, x: Var) -> Var {
        let axis = last_axis(self.shape(x));
        self.softmax_axis(x, axis)
    }

    /// Softmax along `axis`, computed stably (max subtracted).
    /// Backward: `∂x = s ⊙ (g - Σ_axis g⊙s)`.
    ///
    /// **Panics** if `axis` is out of range for the value's shape.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![[1000.0], [1000.0]]);
    /// let p = tape.softmax_axis(x, 0);
    /// assert_eq!(tape.value(p), &ndarray::array![[0.5], [0.5]].into_dyn());
    /// ```
    pub fn softmax_axis(&mut self, x: Var, axis: usize) -> Var {
        let shape = self.value(x).raw_dim();
        check_axis("softmax", axis, shape.slice());
        let mut out = self.pool.take(shape.slice());
        Zip::from(lanes_mut(&mut out).lanes_mut(Axis(axis)))
            .and(lanes(self.value(x)).lanes(Axis(axis)))
            .for_each(|o, x| softmax_lane(x, o));
        self.push_op(out, Op::Softmax(x, axis))
    }

    /// Log-softmax along the last axis (PyTorch's `log_softmax(x, dim=-1)`;
    /// a 0-d value is one lane, so its log-softmax is 0).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![0.0, 0.0]);
    /// let l = tape.log_softmax(x);
    /// assert!((tape.value(l)[[0]] + 2f64.ln()).abs() < 1e-15);
    /// ```
    pub fn log_softmax(&mut self, x: Var) -> Var {
        let axis = last_axis(self.shape(x));
        self.log_softmax_axis(x, axis)
    }

    /// Log-softmax along `axis`: `x - logsumexp(x)`, stable for huge inputs.
    /// Backward: `∂x = g - exp(out) ⊙ Σ_axis g`.
    ///
    /// **Panics** if `axis` is out of range for the value's shape.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f32>::new();
    /// let x = tape.constant(ndarray::array![[1e4_f32, 0.0]]);
    /// let l = tape.log_softmax_axis(x, 1);
    /// assert!(tape.value(l).iter().all(|v| v.is_finite()));
    /// ```
    pub fn log_softmax_axis(&mut self, x: Var, axis: usize) -> Var {
        let shape = self.value(x).raw_dim();
        check_axis("log_softmax", axis, shape.slice());
        let mut out = self.pool.take(shape.slice());
        Zip::from(lanes_mut(&mut out).lanes_mut(Axis(axis)))
            .and(lanes(self.value(x)).lanes(Axis(axis)))
            .for_each(|mut o, x| {
                let (m, s) = max_and_sum_exp(&x);
                let ln_s = s.ln();
                Zip::from(&mut o)
                    .and(&x)
                    .for_each(|o, &v| *o = (v - m) - ln_s);
            });
        self.push_op(out, Op::LogSoftmax(x, axis))
    }

    /// Mean softmax cross-entropy of `logits` (batch×classes) against integer
    /// class `labels`: PyTorch's `F.cross_entropy(logits, labels)` with mean
    /// reduction. Fused and stable (log-sum-exp), computed as PyTorch does:
    /// `-mean_i log_softmax(logits)[i, labels[i]]`, an empty batch giving NaN.
    /// Backward: `∂logits = g·(softmax(logits) - onehot(labels)) / batch`, with
    /// `softmax = exp(log_softmax)`.
    ///
    /// **Panics** if `logits` is not 2-D, the label count differs from the
    /// batch size, or a label is not below the number of classes.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let z = tape.leaf(ndarray::array![[0.0, 0.0], [0.0, 0.0]]);
    /// let loss = tape.cross_entropy(z, &[0, 1]);
    /// assert!((tape.scalar(loss) - 2f64.ln()).abs() < 1e-15);
    /// ```
    pub fn cross_entropy(&mut self, logits: Var, labels: &[usize]) -> Var {
        let dim = self.value(logits).raw_dim();
        let shape = dim.slice();
        assert!(
            shape.len() == 2 && shape[0] == labels.len(),
            "cross_entropy: logits of shape {shape:?} do not fit {} labels",
            labels.len()
        );
        let classes = shape[1];
        if let Some(&bad) = labels.iter().find(|&&y| y >= classes) {
            panic!("cross_entropy: label {bad} is out of range for logits of shape {shape:?}");
        }
        let mut probs = self.pool.take(shape);
        let mut total = T::zero();
        let xv = self.value(logits);
        if let (Some(ps), Some(xs), true) = (probs.as_slice_mut(), xv.as_slice(), classes > 0) {
            total = cross_entropy_rows(ps, xs, labels, classes);
        } else {
            let rows = probs.outer_iter_mut().zip(xv.outer_iter());
            for ((mut p, x), &y) in rows.zip(labels) {
                let x = x
                    .into_dimensionality::<ndarray::Ix1>()
                    .expect("row of 2-D logits");
                let (m, s) = max_and_sum_exp(&x);
                let ln_s = s.ln();
                total -= (x[y] - m) - ln_s;
                Zip::from(&mut p)
                    .and(&x.into_dyn())
                    .for_each(|p, &v| *p = ((v - m) - ln_s).exp());
            }
        }
        let start = self.labels.len();
        self.labels.extend_from_slice(labels);
        let mut out = self.pool.take(&[]);
        out[[]] = total / T::of(labels.len() as f64);
        self.push_op(
            out,
            Op::CrossEntropy {
                logits,
                probs,
                labels: start..self.labels.len(),
            },
        )
    }
}

/// Rows per block when a large cross-entropy is split over threads; the
/// block partial sums are added in order, so the loss does not depend on the
/// thread count.
const CE_BLOCK_ROWS: usize = 512;

/// Batches with at least this many logits are split over rayon's threads (a
/// full-batch chunk of 2048 rows × 10 classes is; a 128-row minibatch is not).
const CE_PARALLEL_MIN: usize = 1 << 14;

/// Fills `ps` with `softmax(xs)` row by row (as `exp(log_softmax)`) and
/// returns `-Σ_i log_softmax(xs)[i, labels[i]]`.
fn cross_entropy_rows<T: Float>(ps: &mut [T], xs: &[T], labels: &[usize], classes: usize) -> T {
    if xs.len() >= CE_PARALLEL_MIN {
        use rayon::prelude::*;
        let block = CE_BLOCK_ROWS * classes;
        let partials: Vec<T> = ps
            .par_chunks_mut(block)
            .zip(xs.par_chunks(block))
            .zip(labels.par_chunks(CE_BLOCK_ROWS))
            .map(|((p, x), y)| cross_entropy_block(p, x, y, classes))
            .collect();
        partials.into_iter().fold(T::zero(), |a, b| a + b)
    } else {
        cross_entropy_block(ps, xs, labels, classes)
    }
}

/// [`cross_entropy_rows`] on one thread.
fn cross_entropy_block<T: Float>(ps: &mut [T], xs: &[T], labels: &[usize], classes: usize) -> T {
    let mut total = T::zero();
    let rows = ps.chunks_exact_mut(classes).zip(xs.chunks_exact(classes));
    for ((p, x), &y) in rows.zip(labels) {
        let (m, s) = max_and_sum_exp(&ArrayView1::from(x));
        let ln_s = s.ln();
        total -= (x[y] - m) - ln_s;
        p.iter_mut()
            .zip(x)
            .for_each(|(p, &v)| *p = ((v - m) - ln_s).exp());
    }
    total
}

/// Backward of softmax, log-softmax and cross-entropy.
pub(crate) fn backward<T: Float>(
    tape: &Tape<T>,
    op: &Op<T>,
    out: &ArrayD<T>,
    g: &ArrayD<T>,
    slots: &mut GradSlots<'_, T>,
) {
    match op {
        &Op::Softmax(x, axis) => {
            let slot = slots.zeroed(x, tape.shape(x));
            Zip::from(lanes_mut(slot).lanes_mut(Axis(axis)))
                .and(lanes(out).lanes(Axis(axis)))
                .and(lanes(g).lanes(Axis(axis)))
                .for_each(|mut d, s, g| {
                    let dot = Zip::from(&s)
                        .and(&g)
                        .fold(T::zero(), |acc, &s, &g| acc + s * g);
                    Zip::from(&mut d)
                        .and(&s)
                        .and(&g)
                        .for_each(|d, &s, &g| *d += s * (g - dot));
                });
        }
        &Op::LogSoftmax(x, axis) => {
            let slot = slots.zeroed(x, tape.shape(x));
            Zip::from(lanes_mut(slot).lanes_mut(Axis(axis)))
                .and(lanes(out).lanes(Axis(axis)))
                .and(lanes(g).lanes(Axis(axis)))
                .for_each(|mut d, l, g| {
                    let total = g.sum();
                    Zip::from(&mut d)
                        .and(&l)
                        .and(&g)
                        .for_each(|d, &l, &g| *d += g - l.exp() * total);
                });
        }
        Op::CrossEntropy {
            logits,
            probs,
            labels,
        } => {
            let labels = &tape.labels[labels.clone()];
            let batch = T::of(labels.len() as f64);
            let scale = g.iter().next().copied().unwrap_or_else(T::zero) / batch;
            let (slot, fresh) = slots.slot(*logits, probs.shape());
            if let (Some(s), Some(ps)) = (slot.as_slice_mut(), probs.as_slice()) {
                let it = s.iter_mut().zip(ps);
                if fresh {
                    it.for_each(|(d, &p)| *d = scale * p);
                } else {
                    it.for_each(|(d, &p)| *d += scale * p);
                }
            } else if fresh {
                Zip::from(&mut *slot)
                    .and(probs)
                    .for_each(|d, &p| *d = scale * p);
            } else {
                Zip::from(&mut *slot)
                    .and(probs)
                    .for_each(|d, &p| *d += scale * p);
            }
            for (row, &y) in labels.iter().enumerate() {
                slot[[row, y]] -= scale;
            }
        }
        _ => unreachable!("softmax::backward on {op:?}"),
    }
}
