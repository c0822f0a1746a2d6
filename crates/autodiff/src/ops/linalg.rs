//! Matrix products: `matmul`, the fused `linear`, and `transpose`.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayD, ArrayView2, ArrayViewMut2, Axis, Ix2, Zip};

use crate::gradients::GradSlots;
use crate::op::Op;
use crate::{Float, Tape, Var};

fn as2<'a, T>(op: &str, a: &'a ArrayD<T>) -> ArrayView2<'a, T> {
    a.view()
        .into_dimensionality::<Ix2>()
        .unwrap_or_else(|_| panic!("{op}: expected a 2-D operand, got shape {:?}", a.shape()))
}

fn as2_mut<T>(a: &mut ArrayD<T>) -> ArrayViewMut2<'_, T> {
    a.view_mut()
        .into_dimensionality::<Ix2>()
        .expect("2-D buffer")
}

/// `c = a·b` (fresh) or `c += a·b`.
fn gemm<T: Float>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>, c: &mut ArrayD<T>, fresh: bool) {
    let beta = if fresh { T::zero() } else { T::one() };
    general_mat_mul(T::one(), a, b, beta, &mut as2_mut(c));
}

impl<T: Float> Tape<T> {
    /// Matrix product of 2-D `a` (m×k) and `b` (k×n).
    /// Backward: `∂a = g·bᵀ`, `∂b = aᵀ·g`.
    ///
    /// **Panics** naming both shapes if they are not 2-D or inner sizes differ.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let a = tape.constant(ndarray::array![[1.0, 2.0]]);
    /// let b = tape.constant(ndarray::array![[3.0], [4.0]]);
    /// let c = tape.matmul(a, b);
    /// assert_eq!(tape.value(c), &ndarray::array![[11.0]].into_dyn());
    /// ```
    pub fn matmul(&mut self, a: Var, b: Var) -> Var {
        let (sa, sb) = (self.shape(a).to_vec(), self.shape(b).to_vec());
        assert!(
            sa.len() == 2 && sb.len() == 2 && sa[1] == sb[0],
            "matmul: cannot multiply shapes {sa:?} and {sb:?}"
        );
        let mut out = self.pool.take(&[sa[0], sb[1]]);
        gemm(
            &as2("matmul", self.value(a)),
            &as2("matmul", self.value(b)),
            &mut out,
            true,
        );
        self.push_op(out, Op::MatMul(a, b))
    }

    /// PyTorch's `F.linear`: `x·wᵀ + b` for `x` (batch×in), `w` (out×in, as
    /// PyTorch stores it) and an optional bias `b` (out). One fused op: no
    /// transposed copy of `w` is made. Backward: `∂x = g·w`, `∂w = gᵀ·x`,
    /// `∂b = Σ_rows g`.
    ///
    /// **Panics** naming the shapes if they do not fit.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![[1.0, 2.0]]);
    /// let w = tape.leaf(ndarray::array![[1.0, 1.0], [0.0, 1.0], [2.0, 0.0]]);
    /// let b = tape.leaf(ndarray::array![0.5, 0.5, 0.5]);
    /// let y = tape.linear(x, w, Some(b));
    /// assert_eq!(tape.value(y), &ndarray::array![[3.5, 2.5, 2.5]].into_dyn());
    /// ```
    pub fn linear(&mut self, x: Var, w: Var, b: Option<Var>) -> Var {
        let (sx, sw) = (self.shape(x).to_vec(), self.shape(w).to_vec());
        assert!(
            sx.len() == 2 && sw.len() == 2 && sx[1] == sw[1],
            "linear: input of shape {sx:?} does not fit weight of shape {sw:?} (out x in)"
        );
        if let Some(b) = b {
            let sb = self.shape(b);
            assert!(
                sb == [sw[0]],
                "linear: bias of shape {sb:?} does not fit weight of shape {sw:?}"
            );
        }
        let mut out = self.pool.take(&[sx[0], sw[0]]);
        let xv = as2("linear", self.value(x));
        let wv = as2("linear", self.value(w));
        gemm(&xv, &wv.t(), &mut out, true);
        if let Some(b) = b {
            let bias = self.value(b);
            for mut row in out.axis_iter_mut(Axis(0)) {
                row += bias;
            }
        }
        self.push_op(out, Op::Linear(x, w, b))
    }

    /// Transpose of a 2-D value. Backward: `∂x = gᵀ`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::array![[1.0, 2.0, 3.0]]);
    /// let y = tape.transpose(x);
    /// assert_eq!(tape.value(y).shape(), &[3, 1]);
    /// ```
    pub fn transpose(&mut self, x: Var) -> Var {
        let s = self.shape(x).to_vec();
        assert!(
            s.len() == 2,
            "transpose: expected a 2-D value, got shape {s:?}"
        );
        let mut out = self.pool.take(&[s[1], s[0]]);
        out.assign(&as2("transpose", self.value(x)).t());
        self.push_op(out, Op::Transpose(x))
    }
}

/// Backward of `matmul`, `linear` and `transpose`.
pub(crate) fn backward<T: Float>(
    tape: &Tape<T>,
    op: &Op<T>,
    g: &ArrayD<T>,
    slots: &mut GradSlots<'_, T>,
) {
    let gv = as2("backward", g);
    match *op {
        Op::MatMul(a, b) => {
            if tape.requires_grad(a) {
                let (slot, fresh) = slots.slot(a, tape.shape(a));
                gemm(&gv, &as2("matmul", tape.value(b)).t(), slot, fresh);
            }
            if tape.requires_grad(b) {
                let (slot, fresh) = slots.slot(b, tape.shape(b));
                gemm(&as2("matmul", tape.value(a)).t(), &gv, slot, fresh);
            }
        }
        Op::Linear(x, w, b) => {
            if tape.requires_grad(x) {
                let (slot, fresh) = slots.slot(x, tape.shape(x));
                gemm(&gv, &as2("linear", tape.value(w)), slot, fresh);
            }
            if tape.requires_grad(w) {
                let (slot, fresh) = slots.slot(w, tape.shape(w));
                gemm(&gv.t(), &as2("linear", tape.value(x)), slot, fresh);
            }
            if let Some(b) = b.filter(|b| tape.requires_grad(*b)) {
                let (slot, fresh) = slots.slot(b, tape.shape(b));
                if fresh {
                    slot.fill(T::zero());
                }
                for row in gv.axis_iter(Axis(0)) {
                    Zip::from(&mut *slot)
                        .and(&row.into_dyn())
                        .for_each(|s, &g| *s += g);
                }
            }
        }
        Op::Transpose(x) => {
            let (slot, fresh) = slots.slot(x, tape.shape(x));
            let mut s2 = as2_mut(slot);
            if fresh {
                s2.assign(&gv.t());
            } else {
                s2 += &gv.t();
            }
        }
        _ => unreachable!("linalg::backward on {op:?}"),
    }
}
