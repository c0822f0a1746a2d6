//! Matrix products: `matmul`, the fused `linear`, and `transpose`.

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

/// Products with at least this many multiply-adds use every rayon thread
/// (`RAYON_NUM_THREADS`); smaller ones stay on the calling thread, where
/// thread hand-off would cost more than it saves.
pub(crate) const PARALLEL_MIN_MACS: usize = 1 << 21;

/// `c = a·b` (fresh) or `c += a·b`: on our own kernels (`skinny.rs`, f32)
/// when a side is at most 16 wide, else on the `gemm` crate's kernels, which pick AVX2 /
/// AVX-512 at run time and take any strides, so transposed views cost no
/// copy.
///
/// **Panics** naming both shapes if they do not fit `c`.
fn gemm<T: Float>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>, c: &mut ArrayD<T>, fresh: bool) {
    let mut c = as2_mut(c);
    let ((m, k), (k2, n)) = (a.dim(), b.dim());
    assert!(
        k == k2 && c.dim() == (m, n),
        "matmul: cannot multiply shapes {:?} and {:?} into {:?}",
        a.shape(),
        b.shape(),
        c.shape()
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if fresh {
            c.fill(T::zero());
        }
        return;
    }
    if T::narrow_gemm(a, b, &mut c, fresh) {
        return;
    }
    let parallelism = if m * n * k >= PARALLEL_MIN_MACS {
        gemm::Parallelism::Rayon(0)
    } else {
        gemm::Parallelism::None
    };
    let (cs, as_, bs) = ([c.strides()[0], c.strides()[1]], a.strides(), b.strides());
    // SAFETY: the three views are valid for their shapes and strides (ndarray
    // guarantees it), `c` is borrowed mutably so it aliases neither input, and
    // the sizes were checked above. `T` is f32 or f64, which gemm supports.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            cs[1],
            cs[0],
            !fresh,
            a.as_ptr(),
            as_[1],
            as_[0],
            b.as_ptr(),
            bs[1],
            bs[0],
            T::one(),
            T::one(),
            false,
            false,
            false,
            parallelism,
        );
    }
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
        let (sa, sb) = (self.shape(a), self.shape(b));
        assert!(
            sa.len() == 2 && sb.len() == 2 && sa[1] == sb[0],
            "matmul: cannot multiply shapes {sa:?} and {sb:?}"
        );
        let shape = [sa[0], sb[1]];
        let mut out = self.pool.take(&shape);
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
        let (sx, sw) = (self.shape(x), self.shape(w));
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
        let shape = [sx[0], sw[0]];
        let mut out = self.pool.take(&shape);
        let xv = as2("linear", self.value(x));
        let wv = as2("linear", self.value(w));
        gemm(&xv, &wv.t(), &mut out, true);
        if let Some(b) = b {
            let bias = self.value(b);
            match (out.as_slice_mut(), bias.as_slice()) {
                (Some(o), Some(bs)) if !bs.is_empty() => {
                    for row in o.chunks_exact_mut(bs.len()) {
                        row.iter_mut().zip(bs).for_each(|(o, &b)| *o += b);
                    }
                }
                _ => {
                    for mut row in out.axis_iter_mut(Axis(0)) {
                        row += bias;
                    }
                }
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
        let s = self.shape(x);
        assert!(
            s.len() == 2,
            "transpose: expected a 2-D value, got shape {s:?}"
        );
        let shape = [s[1], s[0]];
        let mut out = self.pool.take(&shape);
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
                match (slot.as_slice_mut(), g.as_slice()) {
                    (Some(s), Some(gs)) if !s.is_empty() => {
                        let n = s.len();
                        for row in gs.chunks_exact(n) {
                            s.iter_mut().zip(row).for_each(|(s, &g)| *s += g);
                        }
                    }
                    _ => {
                        for row in gv.axis_iter(Axis(0)) {
                            Zip::from(&mut *slot)
                                .and(&row.into_dyn())
                                .for_each(|s, &g| *s += g);
                        }
                    }
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
