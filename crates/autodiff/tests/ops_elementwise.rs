//! Elementwise ops (`neg`, scalar ops, powers, `exp` ... `softplus`, `mask`):
//! each against finite differences in f64 and f32, fanned out (`y*y + y + x`),
//! on 0-d and empty values, and at closed-form points.

mod common;

use autodiff::{Float, LEAKY_RELU_DEFAULT_SLOPE, Tape, Var};
use common::{Rng, assert_close, check_both, exact_for, grads, objective, weighted_sum};
use ndarray::{ArrayD, IxDyn, arr0, array};

/// For each op `name => |t, x| body, (lo, hi)`: a module with
/// - `finite_differences`: `Σ w·op(x)` on a 3×4 input drawn with `lo <= |x| < hi`
///   (random signs when `lo > 0` and `signed`), checked in f64 and f32;
/// - `fan_out`: `Σ w·(y·y + y + x)` with `y = op(x)`: the op's result is used
///   three times and its input twice, so gradients must accumulate;
/// - `zero_d_and_empty`: a 0-d input is checked like any other, an empty one
///   gives an empty gradient of the input's shape.
macro_rules! unary_ops {
    ($($name:ident => |$t:ident, $x:ident| $body:expr, $domain:expr;)*) => {$(
        mod $name {
            use super::*;

            objective!(Plain, |$t, xs| {
                let $x = xs[0];
                let y = $body;
                weighted_sum($t, y)
            });

            objective!(FanOut, |$t, xs| {
                let $x = xs[0];
                let y = $body;
                let yy = $t.mul(y, y);
                let z = $t.add(yy, y);
                let z = $t.add(z, $x);
                weighted_sum($t, z)
            });

            fn input(shape: &[usize], seed: u64) -> ArrayD<f64> {
                let (lo, hi, signed): (f64, f64, bool) = $domain;
                let mut rng = Rng::new(seed);
                if signed {
                    rng.away_from_zero(shape, lo, hi)
                } else {
                    rng.array(shape, lo, hi)
                }
            }

            #[test]
            fn finite_differences() {
                check_both(stringify!($name), &Plain, &[input(&[3, 4], 1)]);
            }

            #[test]
            fn fan_out() {
                check_both(stringify!($name), &FanOut, &[input(&[2, 3], 2)]);
            }

            fn empty<T: Float>() {
                let mut tape = Tape::<T>::new();
                let $x = tape.leaf(ArrayD::<T>::zeros(IxDyn(&[2, 0])));
                let $t = &mut tape;
                let y = $body;
                let loss = $t.sum(y);
                let g = tape.backward(loss).unwrap();
                assert_eq!(tape.scalar(loss), 0.0);
                assert_eq!(g.wrt($x).unwrap().shape(), &[2, 0]);
            }

            #[test]
            fn zero_d_and_empty() {
                check_both(stringify!($name), &Plain, &[input(&[], 3)]);
                empty::<f64>();
                empty::<f32>();
            }
        }
    )*};
}

// Domains: `(lo, hi, signed)`. Kinks (relu, leaky_relu, abs at 0; softplus at
// 20) and poles stay more than the finite-difference step away.
unary_ops! {
    neg => |t, x| t.neg(x), (-2.0, 2.0, false);
    add_scalar => |t, x| t.add_scalar(x, T::of(0.75)), (-2.0, 2.0, false);
    mul_scalar => |t, x| t.mul_scalar(x, T::of(-1.5)), (-2.0, 2.0, false);
    scalar_pow => |t, x| t.scalar_pow(T::of(1.7), x), (-2.0, 2.0, false);
    scalar_pow_below_one => |t, x| t.scalar_pow(T::of(0.3), x), (-2.0, 2.0, false);
    powi_cube => |t, x| t.powi(x, 3), (-2.0, 2.0, false);
    powi_negative => |t, x| t.powi(x, -2), (0.5, 2.0, true);
    powi_zero => |t, x| t.powi(x, 0), (-2.0, 2.0, false);
    powf => |t, x| t.powf(x, T::of(1.5)), (0.2, 3.0, false);
    powf_negative => |t, x| t.powf(x, T::of(-0.7)), (0.2, 3.0, false);
    exp => |t, x| t.exp(x), (-2.0, 2.0, false);
    ln => |t, x| t.ln(x), (0.2, 3.0, false);
    sqrt => |t, x| t.sqrt(x), (0.2, 3.0, false);
    abs => |t, x| t.abs(x), (0.05, 2.0, true);
    sin => |t, x| t.sin(x), (-3.0, 3.0, false);
    cos => |t, x| t.cos(x), (-3.0, 3.0, false);
    relu => |t, x| t.relu(x), (0.05, 2.0, true);
    leaky_relu => |t, x| t.leaky_relu(x, T::of(LEAKY_RELU_DEFAULT_SLOPE)), (0.05, 2.0, true);
    leaky_relu_steep => |t, x| t.leaky_relu(x, T::of(0.3)), (0.05, 2.0, true);
    sigmoid => |t, x| t.sigmoid(x), (-4.0, 4.0, false);
    tanh => |t, x| t.tanh(x), (-2.0, 2.0, false);
    softplus => |t, x| t.softplus(x), (-4.0, 4.0, false);
    softplus_both_sides_of_threshold => |t, x| t.softplus(x), (19.0, 21.0, false);
    mask => |t, x| {
        let shape = t.value(x).shape().to_vec();
        let n: usize = shape.iter().product();
        // a dropout mask: zeros and 1/(1-p) with p = 0.5
        let m: Vec<T> = (0..n).map(|i| T::of(if i % 3 == 1 { 0.0 } else { 2.0 })).collect();
        t.mask(x, ArrayD::from_shape_vec(IxDyn(&shape), m).unwrap())
    }, (-2.0, 2.0, false);
}

/// `d/dx Σ f(x)` at the points `xs` on a `T` tape, for a closed-form check.
fn derivative<T: Float>(f: impl Fn(&mut Tape<T>, Var) -> Var, xs: &[f64]) -> ArrayD<f64> {
    let mut tape = Tape::<T>::new();
    let x = tape.leaf(ndarray::Array1::from(xs.to_vec()).mapv(T::of));
    let y = f(&mut tape, x);
    let s = tape.sum(y);
    let g = tape.backward(s).unwrap();
    g.wrt(x).unwrap().mapv(T::as_f64)
}

fn closed<T: Float>(name: &str, f: impl Fn(&mut Tape<T>, Var) -> Var, xs: &[f64], want: &[f64]) {
    let got = derivative(f, xs);
    let want = ndarray::Array1::from(want.to_vec()).into_dyn();
    assert_close(
        &format!("{name} in {}", T::NAME),
        &got,
        &want,
        exact_for::<T>(),
    );
}

fn closed_forms<T: Float>() {
    use std::f64::consts::{E, LN_2, PI};
    // d/dx -x = -1
    closed::<T>("neg", |t, x| t.neg(x), &[-1.0, 2.0], &[-1.0, -1.0]);
    // d/dx (x + c) = 1
    closed::<T>(
        "add_scalar",
        |t, x| t.add_scalar(x, T::of(3.0)),
        &[0.5],
        &[1.0],
    );
    // d/dx (c·x) = c
    closed::<T>(
        "mul_scalar",
        |t, x| t.mul_scalar(x, T::of(-2.5)),
        &[0.5],
        &[-2.5],
    );
    // d/dx 2ˣ = 2ˣ·ln 2: 8 ln 2 at x = 3, ln(2)/2 at x = -1
    closed::<T>(
        "scalar_pow",
        |t, x| t.scalar_pow(T::of(2.0), x),
        &[3.0, -1.0],
        &[8.0 * LN_2, 0.5 * LN_2],
    );
    // d/dx 0ˣ = 0 for x >= 0 (PyTorch), not 0·ln 0 = NaN
    closed::<T>(
        "scalar_pow base 0",
        |t, x| t.scalar_pow(T::of(0.0), x),
        &[0.0, 2.0],
        &[0.0, 0.0],
    );
    // d/dx x³ = 3x²: 12 at 2, 0 at the saddle 0
    closed::<T>(
        "powi 3",
        |t, x| t.powi(x, 3),
        &[2.0, 0.0, -1.0],
        &[12.0, 0.0, 3.0],
    );
    // d/dx x⁻² = -2x⁻³: -0.25 at 2
    closed::<T>("powi -2", |t, x| t.powi(x, -2), &[2.0], &[-0.25]);
    // d/dx x⁰ = 0 everywhere, including x = 0 (PyTorch)
    closed::<T>("powi 0", |t, x| t.powi(x, 0), &[0.0, 3.0], &[0.0, 0.0]);
    // d/dx x^0.5 = 0.5·x^-0.5: 0.25 at 4
    closed::<T>("powf 0.5", |t, x| t.powf(x, T::of(0.5)), &[4.0], &[0.25]);
    // d/dx x^0.0 = 0 (PyTorch), also at x = 0
    closed::<T>(
        "powf 0",
        |t, x| t.powf(x, T::of(0.0)),
        &[0.0, 2.0],
        &[0.0, 0.0],
    );
    // d/dx eˣ = eˣ: 1 at 0, e at 1
    closed::<T>("exp", |t, x| t.exp(x), &[0.0, 1.0], &[1.0, E]);
    // d/dx ln x = 1/x: 0.5 at 2
    closed::<T>("ln", |t, x| t.ln(x), &[2.0, 0.25], &[0.5, 4.0]);
    // d/dx √x = 1/(2√x): 0.25 at 4, +inf at 0 (PyTorch: grad / (2·result))
    closed::<T>(
        "sqrt",
        |t, x| t.sqrt(x),
        &[4.0, 0.0],
        &[0.25, f64::INFINITY],
    );
    // d/dx |x| = sign(x), 0 at 0 (PyTorch)
    closed::<T>("abs", |t, x| t.abs(x), &[-3.0, 0.0, 2.0], &[-1.0, 0.0, 1.0]);
    // d/dx sin x = cos x: 0.5 at π/3
    closed::<T>("sin", |t, x| t.sin(x), &[PI / 3.0, 0.0], &[0.5, 1.0]);
    // d/dx cos x = -sin x: -0.5 at π/6
    closed::<T>("cos", |t, x| t.cos(x), &[PI / 6.0, 0.0], &[-0.5, 0.0]);
    // d/dx relu = [x > 0], 0 at 0 (PyTorch)
    closed::<T>(
        "relu",
        |t, x| t.relu(x),
        &[-1.0, 0.0, 2.0],
        &[0.0, 0.0, 1.0],
    );
    // d/dx leaky_relu = 1 for x > 0, slope otherwise (also at 0, PyTorch)
    closed::<T>(
        "leaky_relu",
        |t, x| t.leaky_relu(x, T::of(LEAKY_RELU_DEFAULT_SLOPE)),
        &[-1.0, 0.0, 2.0],
        &[0.01, 0.01, 1.0],
    );
    // d/dx σ(x) = σ(1-σ): 1/4 at 0, 3/16 at ln 3 (σ = 3/4)
    closed::<T>(
        "sigmoid",
        |t, x| t.sigmoid(x),
        &[0.0, 3f64.ln()],
        &[0.25, 0.1875],
    );
    // d/dx tanh x = 1 - tanh²x: 1 at 0, 0.64 at atanh(0.6)
    closed::<T>(
        "tanh",
        |t, x| t.tanh(x),
        &[0.0, 0.6f64.atanh()],
        &[1.0, 0.64],
    );
    // d/dx ln(1+eˣ) = σ(x): 1/2 at 0, 3/4 at ln 3, 1 above the threshold 20
    closed::<T>(
        "softplus",
        |t, x| t.softplus(x),
        &[0.0, 3f64.ln(), 30.0],
        &[0.5, 0.75, 1.0],
    );
    // d/dx (x ⊙ m) = m
    closed::<T>(
        "mask",
        |t, x| t.mask(x, array![0.0, 2.0].mapv(T::of)),
        &[1.0, -1.0],
        &[0.0, 2.0],
    );
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
    /// `x·x + x` on one input: the textbook fan-out, d/dx = 2x + 1.
    SquarePlusSelf,
    |t, x| {
        let xx = t.mul(x[0], x[0]);
        let y = t.add(xx, x[0]);
        weighted_sum(t, y)
    }
);

#[test]
fn x_times_x_plus_x_accumulates() {
    let x = array![[-1.5, 0.0, 2.0]].into_dyn();
    check_both("x*x + x", &SquarePlusSelf, std::slice::from_ref(&x));
    for g in [
        grads::<f64, _>(&SquarePlusSelf, std::slice::from_ref(&x)),
        grads::<f32, _>(&SquarePlusSelf, std::slice::from_ref(&x)),
    ] {
        // d/dxᵢ Σ wᵢ(xᵢ² + xᵢ) = wᵢ(2xᵢ + 1)
        let want = array![[
            common::weight(0) * -2.0,
            common::weight(1),
            common::weight(2) * 5.0
        ]]
        .into_dyn();
        assert_close("x*x + x", &g[0], &want, 1e-6);
    }
}

#[test]
fn nan_propagates_through_relu_forward_and_backward() {
    // PyTorch: relu(NaN) = NaN (clamp_min propagates it), and its backward
    // `threshold_backward(g, result, 0)` passes g where result <= 0 is false.
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(array![f64::NAN, -1.0, 2.0]);
    let y = tape.relu(x);
    assert!(tape.value(y)[[0]].is_nan());
    let c = tape.constant(array![1.0, 1.0, 1.0]);
    let s = tape.mul(y, c);
    let l = tape.sum(s);
    assert!(tape.scalar(l).is_nan());
    let g = tape.backward(l).unwrap();
    assert_eq!(g.wrt(x).unwrap(), &array![1.0, 0.0, 1.0].into_dyn());
}

#[test]
fn nan_propagates_through_other_elementwise_ops() {
    let mut tape = Tape::<f32>::new();
    let x = tape.leaf(array![f32::NAN]);
    let ops: [fn(&mut Tape<f32>, Var) -> Var; 8] = [
        |t, x| t.leaky_relu(x, 0.01),
        |t, x| t.abs(x),
        |t, x| t.sigmoid(x),
        |t, x| t.tanh(x),
        |t, x| t.softplus(x),
        |t, x| t.exp(x),
        |t, x| t.sqrt(x),
        |t, x| t.powi(x, 2),
    ];
    for op in ops {
        let y = op(&mut tape, x);
        assert!(tape.value(y)[[0]].is_nan(), "{:?}", tape.value(y));
    }
}

#[test]
fn abs_gradient_at_zero_multiplies_g() {
    // PyTorch computes g·sgn(x): a NaN upstream gradient stays NaN even at 0,
    // where the local derivative is 0.
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(arr0(0.0));
    let y = tape.abs(x);
    let z = tape.sqrt(y); // ∂z/∂y = 1/(2√0) = inf
    let g = tape.backward(z).unwrap();
    assert!(g.wrt(x).unwrap()[[]].is_nan()); // inf · 0
}

#[test]
fn every_elementwise_op_keeps_the_shape() {
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(Rng::new(9).array(&[2, 3, 2], 0.5, 1.5));
    let y = tape.exp(x);
    let z = tape.softplus(y);
    assert_eq!(tape.value(z).shape(), &[2, 3, 2]);
}
