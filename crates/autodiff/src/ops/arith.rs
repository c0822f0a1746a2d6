//! Elementwise arithmetic with NumPy broadcasting, and scalar ops.

use ndarray::{ArrayD, Dimension, Zip};

use crate::broadcast::{broadcast_shape, reduce_to_shape};
use crate::gradients::GradSlots;
use crate::op::Op;
use crate::ops::{acc_array, acc_map};
use crate::{Float, Tape, Var};

impl<T: Float> Tape<T> {
    fn binary(&mut self, name: &str, a: Var, b: Var, f: impl Fn(T, T) -> T, op: Op<T>) -> Var {
        let shape = broadcast_shape(name, self.shape(a), self.shape(b));
        let mut out = self.pool.take(&shape);
        let (av, bv) = (self.value(a), self.value(b));
        let same = av.shape() == shape.as_slice() && bv.shape() == shape.as_slice();
        if let (true, Some(o), Some(xs), Some(ys)) =
            (same, out.as_slice_mut(), av.as_slice(), bv.as_slice())
        {
            o.iter_mut()
                .zip(xs.iter().zip(ys))
                .for_each(|(o, (&x, &y))| *o = f(x, y));
        } else if same {
            Zip::from(&mut out)
                .and(av)
                .and(bv)
                .for_each(|o, &x, &y| *o = f(x, y));
        } else {
            let av = av
                .broadcast(shape.as_slice())
                .expect("broadcast shape checked");
            let bv = bv
                .broadcast(shape.as_slice())
                .expect("broadcast shape checked");
            Zip::from(&mut out)
                .and(&av)
                .and(&bv)
                .for_each(|o, &x, &y| *o = f(x, y));
        }
        self.push_op(out, op)
    }

    pub(crate) fn unary_op(&mut self, x: Var, f: impl Fn(T) -> T, op: Op<T>) -> Var {
        let shape = self.value(x).raw_dim(); // inline up to 4 axes: no allocation
        let mut out = self.pool.take(shape.slice());
        let xv = self.value(x);
        match (out.as_slice_mut(), xv.as_slice()) {
            (Some(o), Some(xs)) => o.iter_mut().zip(xs).for_each(|(o, &x)| *o = f(x)),
            _ => Zip::from(&mut out).and(xv).for_each(|o, &x| *o = f(x)),
        }
        self.push_op(out, op)
    }

    /// `a + b` with NumPy broadcasting. Backward: `∂a = g`, `∂b = g`, each
    /// summed over broadcast axes.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let a = tape.constant(ndarray::array![[1.0, 2.0], [3.0, 4.0]]);
    /// let b = tape.constant(ndarray::array![10.0, 20.0]);
    /// let c = tape.add(a, b);
    /// assert_eq!(tape.value(c), &ndarray::array![[11.0, 22.0], [13.0, 24.0]].into_dyn());
    /// ```
    pub fn add(&mut self, a: Var, b: Var) -> Var {
        self.binary("add", a, b, |x, y| x + y, Op::Add(a, b))
    }

    /// `a - b` with broadcasting. Backward: `∂a = g`, `∂b = -g`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let a = tape.constant(ndarray::array![5.0, 7.0]);
    /// let b = tape.constant(ndarray::arr0(1.0));
    /// let c = tape.sub(a, b);
    /// assert_eq!(tape.value(c), &ndarray::array![4.0, 6.0].into_dyn());
    /// ```
    pub fn sub(&mut self, a: Var, b: Var) -> Var {
        self.binary("sub", a, b, |x, y| x - y, Op::Sub(a, b))
    }

    /// `a * b` elementwise with broadcasting. Backward: `∂a = g·b`, `∂b = g·a`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let a = tape.constant(ndarray::array![2.0, 3.0]);
    /// let c = tape.mul(a, a);
    /// assert_eq!(tape.value(c), &ndarray::array![4.0, 9.0].into_dyn());
    /// ```
    pub fn mul(&mut self, a: Var, b: Var) -> Var {
        self.binary("mul", a, b, |x, y| x * y, Op::Mul(a, b))
    }

    /// `a / b` elementwise with broadcasting. Backward: `∂a = g/b`, `∂b = -g·a/b²`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let a = tape.constant(ndarray::array![1.0, 3.0]);
    /// let b = tape.constant(ndarray::arr0(2.0));
    /// let c = tape.div(a, b);
    /// assert_eq!(tape.value(c), &ndarray::array![0.5, 1.5].into_dyn());
    /// ```
    pub fn div(&mut self, a: Var, b: Var) -> Var {
        self.binary("div", a, b, |x, y| x / y, Op::Div(a, b))
    }

    /// `-x`. Backward: `∂x = -g`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(2.0));
    /// let y = tape.neg(x);
    /// assert_eq!(tape.value(y)[[]], -2.0);
    /// ```
    pub fn neg(&mut self, x: Var) -> Var {
        self.unary_op(x, |v| -v, Op::Neg(x))
    }

    /// `x + c` for a scalar `c`. Backward: `∂x = g`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(2.0));
    /// let y = tape.add_scalar(x, 0.5);
    /// assert_eq!(tape.value(y)[[]], 2.5);
    /// ```
    pub fn add_scalar(&mut self, x: Var, c: T) -> Var {
        self.unary_op(x, |v| v + c, Op::AddScalar(x))
    }

    /// `c · x` for a scalar `c`. Backward: `∂x = c·g`.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(2.0));
    /// let y = tape.mul_scalar(x, 3.0);
    /// assert_eq!(tape.value(y)[[]], 6.0);
    /// ```
    pub fn mul_scalar(&mut self, x: Var, c: T) -> Var {
        self.unary_op(x, |v| v * c, Op::MulScalar(x, c))
    }

    /// `c^x` for a scalar base `c` (PyTorch's `pow(c, x)`).
    /// Backward: `∂x = g·cˣ·ln c`; for `c = 0`, 0 where `x >= 0` (as PyTorch).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(3.0));
    /// let y = tape.scalar_pow(2.0, x);
    /// assert_eq!(tape.value(y)[[]], 8.0);
    /// ```
    pub fn scalar_pow(&mut self, c: T, x: Var) -> Var {
        self.unary_op(x, |v| c.powf(v), Op::ScalarPow(x, c))
    }

    /// `xⁿ` for an integer `n`. Backward: `∂x = g·n·xⁿ⁻¹`, and 0 for `n = 0`
    /// (as PyTorch, so `x = 0` gives 0, not `0·0⁻¹ = NaN`).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(3.0));
    /// let y = tape.powi(x, 3);
    /// assert_eq!(tape.value(y)[[]], 27.0);
    /// ```
    pub fn powi(&mut self, x: Var, n: i32) -> Var {
        self.unary_op(x, |v| v.powi(n), Op::Powi(x, n))
    }

    /// `xᵖ` for a real `p` (PyTorch's `pow` with a float exponent).
    /// Backward: `∂x = g·p·xᵖ⁻¹`, and 0 for `p = 0` (as PyTorch).
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.constant(ndarray::arr0(4.0));
    /// let y = tape.powf(x, 0.5);
    /// assert_eq!(tape.value(y)[[]], 2.0);
    /// ```
    pub fn powf(&mut self, x: Var, p: T) -> Var {
        self.unary_op(x, |v| v.powf(p), Op::Powf(x, p))
    }
}

/// `∂out/∂operand · g` as a function of `(g, a, b, out)`.
type PartialRule<T> = fn(T, T, T, T) -> T;

/// Backward of the broadcasting binary ops.
pub(crate) fn binary_backward<T: Float>(
    tape: &Tape<T>,
    op: &Op<T>,
    out: &ArrayD<T>,
    g: &ArrayD<T>,
    slots: &mut GradSlots<'_, T>,
) {
    let (a, b) = match *op {
        Op::Add(a, b) | Op::Sub(a, b) | Op::Mul(a, b) | Op::Div(a, b) => (a, b),
        _ => unreachable!("binary_backward on {op:?}"),
    };
    let (av, bv) = (tape.value(a), tape.value(b));
    // ∂a: g·∂out/∂a, ∂b: g·∂out/∂b, as functions of (g, a, b, out)
    let (fa, fb): (PartialRule<T>, PartialRule<T>) = match op {
        Op::Add(..) => (|g, _, _, _| g, |g, _, _, _| g),
        Op::Sub(..) => (|g, _, _, _| g, |g, _, _, _| -g),
        Op::Mul(..) => (|g, _, b, _| g * b, |g, a, _, _| g * a),
        _ => (|g, _, b, _| g / b, |g, _, b, o| -g * o / b),
    };
    for (var, f) in [(a, fa), (b, fb)] {
        if !tape.requires_grad(var) {
            continue;
        }
        let target = tape.value(var).raw_dim();
        if av.shape() == out.shape() && bv.shape() == out.shape() {
            let (slot, fresh) = slots.slot(var, target.slice());
            if let (Some(s), Some(gs), Some(xs), Some(ys), Some(os)) = (
                slot.as_slice_mut(),
                g.as_slice(),
                av.as_slice(),
                bv.as_slice(),
                out.as_slice(),
            ) {
                let it = s.iter_mut().zip(gs).zip(xs.iter().zip(ys)).zip(os);
                if fresh {
                    it.for_each(|(((s, &g), (&x, &y)), &o)| *s = f(g, x, y, o));
                } else {
                    it.for_each(|(((s, &g), (&x, &y)), &o)| *s += f(g, x, y, o));
                }
                continue;
            }
            let z = Zip::from(slot).and(g).and(av).and(bv).and(out);
            if fresh {
                z.for_each(|s, &g, &x, &y, &o| *s = f(g, x, y, o));
            } else {
                z.for_each(|s, &g, &x, &y, &o| *s += f(g, x, y, o));
            }
        } else {
            let ab = av.broadcast(out.shape()).expect("forward broadcast");
            let bb = bv.broadcast(out.shape()).expect("forward broadcast");
            let mut full = ArrayD::<T>::zeros(out.raw_dim());
            Zip::from(&mut full)
                .and(g)
                .and(&ab)
                .and(&bb)
                .and(out)
                .for_each(|s, &g, &x, &y, &o| *s = f(g, x, y, o));
            let reduced = reduce_to_shape(full.view(), target.slice());
            acc_array(slots, var, reduced.view());
        }
    }
}

/// Whether `op` is `x⁰`, whose gradient PyTorch defines as 0 everywhere.
fn is_zero_exponent<T: Float>(op: &Op<T>) -> bool {
    match *op {
        Op::Powi(_, n) => n == 0,
        Op::Powf(_, p) => p == T::zero(),
        _ => false,
    }
}

/// Backward of the one-input arithmetic ops.
pub(crate) fn unary_backward<T: Float>(
    tape: &Tape<T>,
    op: &Op<T>,
    out: &ArrayD<T>,
    g: &ArrayD<T>,
    slots: &mut GradSlots<'_, T>,
) {
    match *op {
        Op::Neg(x) => acc_map(slots, x, g, tape.value(x), |g, _| -g),
        Op::AddScalar(x) => acc_map(slots, x, g, tape.value(x), |g, _| g),
        Op::MulScalar(x, c) => acc_map(slots, x, g, tape.value(x), |g, _| g * c),
        Op::ScalarPow(x, c) if c == T::zero() => {
            // PyTorch: 0ˣ has gradient 0 where x >= 0 (not 0·ln 0 = NaN)
            acc_map(slots, x, g, tape.value(x), |g, v| {
                if v >= T::zero() {
                    T::zero()
                } else {
                    g * (c.powf(v) * c.ln())
                }
            })
        }
        Op::ScalarPow(x, c) => {
            let ln_c = c.ln();
            acc_map(slots, x, g, out, |g, o| g * (o * ln_c))
        }
        Op::Powi(x, _) | Op::Powf(x, _) if is_zero_exponent(op) => {
            acc_map(slots, x, g, tape.value(x), |_, _| T::zero())
        }
        Op::Powi(x, n) => {
            let nt = T::of(f64::from(n));
            match n.checked_sub(1) {
                Some(m) => acc_map(slots, x, g, tape.value(x), |g, v| g * (nt * v.powi(m))),
                None => {
                    let m = T::of(f64::from(n) - 1.0);
                    acc_map(slots, x, g, tape.value(x), |g, v| g * (nt * v.powf(m)))
                }
            }
        }
        Op::Powf(x, p) => {
            let m = p - T::one();
            acc_map(slots, x, g, tape.value(x), |g, v| g * (p * v.powf(m)))
        }
        _ => unreachable!("arith::unary_backward on {op:?}"),
    }
}
