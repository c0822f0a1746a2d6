//! `add`, `sub`, `mul`, `div` with NumPy broadcasting: every broadcast pattern
//! on either operand, checked against finite differences in f64 and f32, with
//! fan-out, closed forms, and shape errors.

mod common;

use autodiff::{Float, Tape, Var};
use common::{Rng, assert_close, check_both, exact_for, grads, objective, weighted_sum};
use ndarray::{ArrayD, arr0, array};

/// `(lhs shape, rhs shape)`: every way the two operands can broadcast.
const PATTERNS: &[(&[usize], &[usize])] = &[
    (&[3, 4], &[3, 4]),       // same shape (no broadcasting)
    (&[3, 4], &[4]),          // row vector, lower rank
    (&[3, 4], &[1, 4]),       // row vector, same rank
    (&[3, 4], &[3, 1]),       // column vector
    (&[3, 4], &[]),           // 0-d scalar
    (&[3, 4], &[1]),          // one-element vector
    (&[2, 3, 4], &[3, 4]),    // leading axis added
    (&[2, 3, 4], &[2, 1, 4]), // middle axis stretched
    (&[3, 1], &[1, 4]),       // both operands stretched
    (&[], &[]),               // 0-d with 0-d
];

macro_rules! binary_ops {
    ($($name:ident => $method:ident;)*) => {$(
        mod $name {
            use super::*;

            objective!(Plain, |t, x| {
                let y = t.$method(x[0], x[1]);
                weighted_sum(t, y)
            });

            objective!(
                /// `op(a, b)·op(a, b) + op(a, b) + a`: the result used three
                /// times, `a` twice, across broadcasting.
                FanOut,
                |t, x| {
                    let y = t.$method(x[0], x[1]);
                    let yy = t.mul(y, y);
                    let z = t.add(yy, y);
                    let z = t.add(z, x[0]);
                    weighted_sum(t, z)
                }
            );

            objective!(
                /// `op(a, a)`: both operands are the same node.
                SameOperand,
                |t, x| {
                    let y = t.$method(x[0], x[0]);
                    weighted_sum(t, y)
                }
            );

            /// Inputs away from 0 so that `div` stays smooth.
            fn inputs(a: &[usize], b: &[usize], seed: u64) -> Vec<ArrayD<f64>> {
                let mut rng = Rng::new(seed);
                vec![rng.away_from_zero(a, 0.5, 2.0), rng.away_from_zero(b, 0.5, 2.0)]
            }

            #[test]
            fn every_broadcast_pattern_on_either_side() {
                for (k, &(a, b)) in PATTERNS.iter().enumerate() {
                    let what = format!("{} {a:?} with {b:?}", stringify!($name));
                    check_both(&what, &Plain, &inputs(a, b, k as u64));
                    let what = format!("{} {b:?} with {a:?}", stringify!($name));
                    check_both(&what, &Plain, &inputs(b, a, 100 + k as u64));
                }
            }

            #[test]
            fn fan_out_across_broadcasting() {
                for (k, &(a, b)) in PATTERNS.iter().enumerate() {
                    let what = format!("{} fan-out {a:?} with {b:?}", stringify!($name));
                    check_both(&what, &FanOut, &inputs(a, b, 200 + k as u64));
                    let what = format!("{} fan-out {b:?} with {a:?}", stringify!($name));
                    check_both(&what, &FanOut, &inputs(b, a, 300 + k as u64));
                }
            }

            #[test]
            fn same_node_as_both_operands() {
                let x = Rng::new(400).away_from_zero(&[2, 3], 0.5, 2.0);
                check_both(stringify!($name), &SameOperand, &[x]);
            }

            #[test]
            fn constant_operand_gets_no_gradient() {
                let mut tape = Tape::<f64>::new();
                let a = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
                let b = tape.constant(array![0.5, 2.0]);
                let y = tape.$method(a, b);
                let l = tape.sum(y);
                let g = tape.backward(l).unwrap();
                assert!(g.wrt(a).is_some());
                assert!(g.wrt(b).is_none());
            }
        }
    )*};
}

binary_ops! {
    add => add;
    sub => sub;
    mul => mul;
    div => div;
}

/// Gradients of `Σ op(a, b)` on a `T` tape.
fn sum_grads<T: Float>(
    op: fn(&mut Tape<T>, Var, Var) -> Var,
    a: ArrayD<f64>,
    b: ArrayD<f64>,
) -> (ArrayD<f64>, ArrayD<f64>) {
    let mut tape = Tape::<T>::new();
    let (a, b) = (tape.leaf(a.mapv(T::of)), tape.leaf(b.mapv(T::of)));
    let y = op(&mut tape, a, b);
    let l = tape.sum(y);
    let g = tape.backward(l).unwrap();
    let w = |v| g.wrt(v).unwrap().mapv(T::as_f64);
    (w(a), w(b))
}

fn closed_forms<T: Float>() {
    let tol = exact_for::<T>();
    let a = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn();
    let row = array![1.0, 2.0, 4.0].into_dyn();
    let col = array![[2.0], [-1.0]].into_dyn();
    let s = arr0(2.0).into_dyn();

    // Σᵢⱼ (aᵢⱼ + bⱼ): ∂a = 1, ∂bⱼ = number of rows = 2
    let (ga, gb) = sum_grads::<T>(|t, x, y| t.add(x, y), a.clone(), row.clone());
    assert_close("add a", &ga, &ArrayD::ones(a.raw_dim()), tol);
    assert_close("add row", &gb, &array![2.0, 2.0, 2.0].into_dyn(), tol);

    // Σᵢⱼ (aᵢⱼ - bᵢ): ∂bᵢ = -(number of columns) = -3
    let (_, gb) = sum_grads::<T>(|t, x, y| t.sub(x, y), a.clone(), col.clone());
    assert_close("sub col", &gb, &array![[-3.0], [-3.0]].into_dyn(), tol);

    // Σᵢⱼ aᵢⱼ·bⱼ: ∂aᵢⱼ = bⱼ, ∂bⱼ = Σᵢ aᵢⱼ = column sums (5, 7, 9)
    let (ga, gb) = sum_grads::<T>(|t, x, y| t.mul(x, y), a.clone(), row.clone());
    assert_close(
        "mul a",
        &ga,
        &array![[1.0, 2.0, 4.0], [1.0, 2.0, 4.0]].into_dyn(),
        tol,
    );
    assert_close("mul row", &gb, &array![5.0, 7.0, 9.0].into_dyn(), tol);

    // Σᵢⱼ aᵢⱼ/s: ∂a = 1/s = 0.5, ∂s = -Σ a / s² = -21/4
    let (ga, gs) = sum_grads::<T>(|t, x, y| t.div(x, y), a.clone(), s.clone());
    assert_close("div a", &ga, &ArrayD::from_elem(a.raw_dim(), 0.5), tol);
    assert_close("div scalar", &gs, &arr0(-21.0 / 4.0).into_dyn(), tol);

    // Σᵢⱼ s/aᵢⱼ (the scalar is the numerator): ∂s = Σ 1/a = 49/20
    let (gs, ga) = sum_grads::<T>(|t, x, y| t.div(x, y), s.clone(), a.clone());
    assert_close(
        "div numerator scalar",
        &gs,
        &arr0(49.0 / 20.0).into_dyn(),
        tol,
    );
    assert_close("div denominator", &ga, &a.mapv(|v| -2.0 / (v * v)), tol);

    // Σᵢⱼ (colᵢ · rowⱼ), an outer product: ∂colᵢ = Σ row = 7, ∂rowⱼ = Σ col = 1
    let (gc, gr) = sum_grads::<T>(|t, x, y| t.mul(x, y), col.clone(), row.clone());
    assert_close("outer col", &gc, &array![[7.0], [7.0]].into_dyn(), tol);
    assert_close("outer row", &gr, &array![1.0, 1.0, 1.0].into_dyn(), tol);
}

#[test]
fn closed_forms_f64() {
    closed_forms::<f64>();
}

#[test]
fn closed_forms_f32() {
    closed_forms::<f32>();
}

objective!(
    /// `a·a + a` where `a` is broadcast against a matrix `m`: `(a+m)·a + a`.
    BroadcastFanOut,
    |t, x| {
        let s = t.add(x[0], x[1]);
        let p = t.mul(s, x[0]);
        let y = t.add(p, x[0]);
        weighted_sum(t, y)
    }
);

#[test]
fn broadcast_operand_used_several_times() {
    let mut rng = Rng::new(7);
    let inputs = [rng.array(&[4], -1.0, 1.0), rng.array(&[3, 4], -1.0, 1.0)];
    check_both("(a+m)·a + a", &BroadcastFanOut, &inputs);
    // ∂/∂aⱼ Σᵢ wᵢⱼ((aⱼ+mᵢⱼ)aⱼ + aⱼ) = Σᵢ wᵢⱼ(2aⱼ + mᵢⱼ + 1)
    let g = grads::<f64, _>(&BroadcastFanOut, &inputs);
    let (a, m) = (&inputs[0], &inputs[1]);
    let want = ArrayD::from_shape_fn(a.raw_dim(), |j| {
        let j = j[0];
        (0..3)
            .map(|i| common::weight(i * 4 + j) * (2.0 * a[[j]] + m[[i, j]] + 1.0))
            .sum::<f64>()
    });
    assert_close("(a+m)·a + a", &g[0], &want, 1e-12);
}

#[test]
fn broadcasting_forward_matches_numpy() {
    let mut tape = Tape::<f64>::new();
    let a = tape.constant(array![[1.0], [2.0]]);
    let b = tape.constant(array![10.0, 20.0, 30.0]);
    let c = tape.add(a, b);
    assert_eq!(
        tape.value(c),
        &array![[11.0, 21.0, 31.0], [12.0, 22.0, 32.0]].into_dyn()
    );
    let d = tape.div(b, a);
    assert_eq!(
        tape.value(d),
        &array![[10.0, 20.0, 30.0], [5.0, 10.0, 15.0]].into_dyn()
    );
}

#[test]
fn broadcasting_with_an_empty_axis() {
    // [0, 3] with [3] gives [0, 3]; the row vector's gradient sums nothing: 0
    let mut tape = Tape::<f64>::new();
    let a = tape.leaf(ArrayD::<f64>::zeros(ndarray::IxDyn(&[0, 3])));
    let b = tape.leaf(array![1.0, 2.0, 3.0]);
    let y = tape.mul(a, b);
    assert_eq!(tape.value(y).shape(), &[0, 3]);
    let l = tape.sum(y);
    let g = tape.backward(l).unwrap();
    assert_eq!(g.wrt(a).unwrap().shape(), &[0, 3]);
    assert_eq!(g.wrt(b).unwrap(), &array![0.0, 0.0, 0.0].into_dyn());
}

#[test]
#[should_panic(expected = "add: cannot broadcast shapes [2, 3] and [2]")]
fn add_with_incompatible_shapes_names_the_op_and_both_shapes() {
    let mut tape = Tape::<f64>::new();
    let a = tape.constant(ArrayD::zeros(ndarray::IxDyn(&[2, 3])));
    let b = tape.constant(array![1.0, 2.0]);
    tape.add(a, b);
}

#[test]
#[should_panic(expected = "div: cannot broadcast shapes [4, 2, 3] and [3, 2]")]
fn div_with_incompatible_shapes_names_the_op_and_both_shapes() {
    let mut tape = Tape::<f32>::new();
    let a = tape.constant(ArrayD::zeros(ndarray::IxDyn(&[4, 2, 3])));
    let b = tape.constant(ArrayD::zeros(ndarray::IxDyn(&[3, 2])));
    tape.div(a, b);
}
