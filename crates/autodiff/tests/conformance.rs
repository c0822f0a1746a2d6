//! Agreement with PyTorch's definitions, where a choice exists: conventions at
//! kinks, thresholds, default arguments and reductions. Each expected value is
//! the formula PyTorch's kernel evaluates (ATen `derivatives.yaml` and the CPU
//! kernels), written out in f64 in the comment next to it.

use autodiff::{Float, LEAKY_RELU_DEFAULT_SLOPE, Tape, Var};
use ndarray::{Array1, array};

/// Values and `d/dx Σ f(x)` of `f` at `xs` on an f64 tape.
fn value_and_derivative(
    f: impl Fn(&mut Tape<f64>, Var) -> Var,
    xs: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(Array1::from(xs.to_vec()));
    let y = f(&mut tape, x);
    let s = tape.sum(y);
    let g = tape.backward(s).unwrap();
    (
        tape.value(y).iter().copied().collect(),
        g.wrt(x).unwrap().iter().copied().collect(),
    )
}

#[test]
fn leaky_relu_default_slope_is_pytorchs() {
    // torch.nn.functional.leaky_relu(x, negative_slope=0.01)
    assert_eq!(LEAKY_RELU_DEFAULT_SLOPE, 0.01);
    let (v, d) = value_and_derivative(
        |t, x| t.leaky_relu(x, LEAKY_RELU_DEFAULT_SLOPE),
        &[-3.0, 0.0, 2.0],
    );
    // forward: x > 0 ? x : x·slope; backward: x > 0 ? g : g·slope (so slope at 0)
    assert_eq!(v, [-3.0 * 0.01, 0.0, 2.0]);
    assert_eq!(d, [0.01, 0.01, 1.0]);
}

#[test]
fn relu_and_abs_have_zero_gradient_at_zero() {
    // relu: threshold_backward(g, result, 0) = result <= 0 ? 0 : g
    let (_, d) = value_and_derivative(|t, x| t.relu(x), &[-1.0, 0.0, -0.0, 1e-300]);
    assert_eq!(d, [0.0, 0.0, 0.0, 1.0]);
    // abs: g·sgn(x), sgn(0) = 0
    let (_, d) = value_and_derivative(|t, x| t.abs(x), &[-1e-300, 0.0, -0.0, 2.0]);
    assert_eq!(d, [-1.0, 0.0, 0.0, 1.0]);
}

#[test]
fn softplus_is_linear_strictly_above_threshold_20() {
    // F.softplus(x, beta=1, threshold=20): x > 20 ? x : log1p(exp(x));
    // backward: x > 20 ? g : g·z/(z + 1) with z = exp(x)
    let xs = [19.5, 20.0, 20.5, -30.0];
    let (v, d) = value_and_derivative(|t, x| t.softplus(x), &xs);
    assert_eq!(v[0], 19.5f64.exp().ln_1p());
    assert_eq!(v[1], 20f64.exp().ln_1p()); // not yet linear at exactly 20
    assert_eq!(v[2], 20.5);
    assert_eq!(v[3], (-30f64).exp().ln_1p());
    let sig = |x: f64| x.exp() / (x.exp() + 1.0);
    assert_eq!(d, [sig(19.5), sig(20.0), 1.0, sig(-30.0)]);
}

#[test]
fn softplus_threshold_in_f32() {
    let mut tape = Tape::<f32>::new();
    let x = tape.leaf(array![20.0_f32, 20.5]);
    let y = tape.softplus(x);
    assert_eq!(tape.value(y)[[1]], 20.5);
    assert_eq!(tape.value(y)[[0]], 20f32.exp().ln_1p());
}

#[test]
fn sqrt_and_ln_at_zero_are_infinite() {
    // sqrt: g / (2·result) = 1/0 = +inf; log: g / x = +inf, log(0) = -inf
    let (v, d) = value_and_derivative(|t, x| t.sqrt(x), &[0.0, 4.0]);
    assert_eq!(v, [0.0, 2.0]);
    assert_eq!(d, [f64::INFINITY, 0.25]);
    let (v, d) = value_and_derivative(|t, x| t.ln(x), &[0.0]);
    assert_eq!(v, [f64::NEG_INFINITY]);
    assert_eq!(d, [f64::INFINITY]);
}

#[test]
fn pow_with_exponent_zero_has_zero_gradient() {
    // pow_backward: exponent == 0 ? zeros : g·(p·x^(p-1)); at x = 0 the
    // formula alone would give 0·0⁻¹ = NaN
    let (v, d) = value_and_derivative(|t, x| t.powi(x, 0), &[0.0, -2.0]);
    assert_eq!((v, d), (vec![1.0, 1.0], vec![0.0, 0.0]));
    let (v, d) = value_and_derivative(|t, x| t.powf(x, 0.0), &[0.0, 3.0]);
    assert_eq!((v, d), (vec![1.0, 1.0], vec![0.0, 0.0]));
}

#[test]
fn pow_gradient_formula() {
    // g·(p·x^(p-1)): 2·3 = 6 for x², 1.5·√4 = 3 for x^1.5, -1/x² for x⁻¹
    let (_, d) = value_and_derivative(|t, x| t.powi(x, 2), &[3.0, 0.0]);
    assert_eq!(d, [6.0, 0.0]);
    let (_, d) = value_and_derivative(|t, x| t.powf(x, 1.5), &[4.0, 0.0]);
    assert_eq!(d, [3.0, 0.0]);
    let (_, d) = value_and_derivative(|t, x| t.powi(x, -1), &[2.0]);
    assert_eq!(d, [-0.25]);
}

#[test]
fn scalar_pow_with_base_zero() {
    // pow_backward_exponent, base 0: where(x >= 0, 0, g·result·ln 0);
    // at x = -1, result = inf and the gradient is inf·(-inf) = -inf
    let (v, d) = value_and_derivative(|t, x| t.scalar_pow(0.0, x), &[0.0, 2.0, -1.0]);
    assert_eq!(v, [1.0, 0.0, f64::INFINITY]);
    assert_eq!(d, [0.0, 0.0, f64::NEG_INFINITY]);
    // otherwise g·result·ln c: 2³·ln 2
    let (_, d) = value_and_derivative(|t, x| t.scalar_pow(2.0, x), &[3.0]);
    assert_eq!(d, [8.0 * 2f64.ln()]);
}

#[test]
fn sigmoid_and_tanh_backward_use_the_result() {
    // sigmoid_backward(g, y) = g·(1 - y)·y; tanh_backward(g, y) = g·(1 - y²).
    // At x = 40 (f64), σ rounds to 1 and PyTorch's gradient is exactly 0.
    let (v, d) = value_and_derivative(|t, x| t.sigmoid(x), &[40.0, 0.5]);
    assert_eq!(v[0], 1.0);
    let y = 1.0 / (1.0 + (-0.5f64).exp());
    assert_eq!(d, [0.0, (1.0 - y) * y]);
    let (_, d) = value_and_derivative(|t, x| t.tanh(x), &[0.5, 30.0]);
    let y = 0.5f64.tanh();
    assert_eq!(d, [1.0 - y * y, 0.0]);
}

#[test]
fn trig_and_exp_gradients() {
    // sin: g·cos x; cos: g·(-sin x); exp: g·result
    let (_, d) = value_and_derivative(|t, x| t.sin(x), &[0.3]);
    assert_eq!(d, [0.3f64.cos()]);
    let (_, d) = value_and_derivative(|t, x| t.cos(x), &[0.3]);
    assert_eq!(d, [-(0.3f64.sin())]);
    let (_, d) = value_and_derivative(|t, x| t.exp(x), &[0.3]);
    assert_eq!(d, [0.3f64.exp()]);
}

#[test]
fn division_gradients() {
    // div: ∂a = g/b, ∂b = -g·a/b²
    let mut tape = Tape::<f64>::new();
    let a = tape.leaf(array![3.0]);
    let b = tape.leaf(array![4.0]);
    let y = tape.div(a, b);
    let s = tape.sum(y);
    let g = tape.backward(s).unwrap();
    assert_eq!(g.wrt(a).unwrap()[[0]], 0.25);
    assert_eq!(g.wrt(b).unwrap()[[0]], -3.0 / 16.0);
}

#[test]
fn cross_entropy_is_mean_reduced_over_the_batch() {
    // F.cross_entropy(z, y) (reduction='mean') = Σᵢ -log_softmax(z)ᵢ,yᵢ / N
    let z = array![[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]];
    let y = [2, 0];
    let mut tape = Tape::<f64>::new();
    let zv = tape.leaf(z.clone());
    let loss = tape.cross_entropy(zv, &y);
    let row = |i: usize| {
        let r = z.row(i);
        let lse = r.iter().map(|v| v.exp()).sum::<f64>().ln();
        lse - r[y[i]]
    };
    assert!((tape.scalar(loss) - (row(0) + row(1)) / 2.0).abs() < 1e-15);
    // ∂z = (softmax(z) - onehot(y)) / N
    let g = tape.backward(loss).unwrap();
    let g = g.wrt(zv).unwrap();
    for i in 0..2 {
        let r = z.row(i);
        let s: f64 = r.iter().map(|v| v.exp()).sum();
        for j in 0..3 {
            let onehot = if j == y[i] { 1.0 } else { 0.0 };
            let want = (r[j].exp() / s - onehot) / 2.0;
            assert!((g[[i, j]] - want).abs() < 1e-15, "{g}");
        }
    }
}

#[test]
fn softmax_defaults_to_the_last_axis() {
    // F.softmax(x, dim=-1): each row of a matrix sums to 1
    let mut tape = Tape::<f64>::new();
    let x = tape.constant(array![[1.0, 2.0], [3.0, 5.0], [0.0, 0.0]]);
    let s = tape.softmax(x);
    for row in tape.value(s).rows() {
        assert!((row.sum() - 1.0).abs() < 1e-15);
    }
    let s0 = tape.softmax_axis(x, 0);
    assert_ne!(tape.value(s), tape.value(s0));
}

#[test]
fn mse_and_mean_divide_by_the_element_count() {
    // F.mse_loss(p, t) = mean((p - t)²); ∂p = 2(p - t)/n
    let mut tape = Tape::<f64>::new();
    let p = tape.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
    let t = tape.constant(array![[0.0, 0.0], [0.0, 8.0]]);
    let l = tape.mse(p, t);
    assert_eq!(tape.scalar(l), (1.0 + 4.0 + 9.0 + 16.0) / 4.0);
    let g = tape.backward(l).unwrap();
    assert_eq!(
        g.wrt(p).unwrap(),
        &array![[0.5, 1.0], [1.5, -2.0]].into_dyn()
    );
}

#[test]
fn generic_code_uses_the_same_definitions_in_f32() {
    fn relu_grad_at_zero<T: Float>() -> f64 {
        let mut tape = Tape::<T>::new();
        let x = tape.leaf(array![T::zero()]);
        let y = tape.relu(x);
        let s = tape.sum(y);
        tape.backward(s).unwrap().wrt(x).unwrap()[[0]].as_f64()
    }
    assert_eq!(relu_grad_at_zero::<f32>(), 0.0);
    assert_eq!(relu_grad_at_zero::<f64>(), 0.0);
}
