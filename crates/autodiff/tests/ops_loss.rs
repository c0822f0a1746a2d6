//! The losses: fused softmax `cross_entropy` from logits (PyTorch's mean
//! reduction) and `mse`. Finite differences in f64 and f32, fan-out, closed
//! forms, stability at logits of magnitude 1e4, and shape errors.

mod common;

use autodiff::{Float, Objective, Tape, Var};
use common::{Rng, assert_close, check_both, exact_for, grads, objective, weighted_sum};
use ndarray::{Array2, ArrayD, IxDyn, array};

/// `cross_entropy(logits, labels)`.
struct CrossEntropy(Vec<usize>);

impl Objective for CrossEntropy {
    fn eval<T: Float>(&self, t: &mut Tape<T>, x: &[Var]) -> Var {
        t.cross_entropy(x[0], &self.0)
    }
}

/// `cross_entropy(z, y) + cross_entropy(z·z, y) + Σ w·z`: the logits fan out.
struct CrossEntropyFanOut(Vec<usize>);

impl Objective for CrossEntropyFanOut {
    fn eval<T: Float>(&self, t: &mut Tape<T>, x: &[Var]) -> Var {
        let a = t.cross_entropy(x[0], &self.0);
        let zz = t.mul(x[0], x[0]);
        let b = t.cross_entropy(zz, &self.0);
        let c = weighted_sum(t, x[0]);
        let ab = t.add(a, b);
        t.add(ab, c)
    }
}

/// Uniform logits in [-3, 3] and labels for a `batch × classes` problem.
fn problem(batch: usize, classes: usize, seed: u64) -> (ArrayD<f64>, Vec<usize>) {
    let mut rng = Rng::new(seed);
    let logits = rng.array(&[batch, classes], -3.0, 3.0);
    let labels = (0..batch).map(|_| rng.below(classes)).collect();
    (logits, labels)
}

#[test]
fn cross_entropy_matches_finite_differences() {
    for (k, (batch, classes)) in [(1, 2), (3, 4), (5, 10), (2, 1)].into_iter().enumerate() {
        let (z, y) = problem(batch, classes, k as u64);
        let what = format!("cross_entropy {batch}x{classes}");
        check_both(&what, &CrossEntropy(y.clone()), std::slice::from_ref(&z));
        check_both(&format!("{what} fan-out"), &CrossEntropyFanOut(y), &[z]);
    }
}

/// `(softmax(z) - onehot(y)) / batch`, computed directly in f64.
fn expected_gradient(z: &ArrayD<f64>, y: &[usize]) -> ArrayD<f64> {
    let z = z.view().into_dimensionality::<ndarray::Ix2>().unwrap();
    let batch = z.nrows() as f64;
    let mut g = Array2::<f64>::zeros(z.raw_dim());
    for (i, row) in z.outer_iter().enumerate() {
        let m = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        let s: f64 = row.iter().map(|v| (v - m).exp()).sum();
        for (j, &v) in row.iter().enumerate() {
            let onehot = if j == y[i] { 1.0 } else { 0.0 };
            g[[i, j]] = ((v - m).exp() / s - onehot) / batch;
        }
    }
    g.into_dyn()
}

/// Mean over rows of `ln Σⱼ e^{zᵢⱼ} - z_{i,yᵢ}`, computed directly in f64.
fn expected_loss(z: &ArrayD<f64>, y: &[usize]) -> f64 {
    let z = z.view().into_dimensionality::<ndarray::Ix2>().unwrap();
    let total: f64 = z
        .outer_iter()
        .zip(y)
        .map(|(row, &yi)| {
            let m = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
            m + row.iter().map(|v| (v - m).exp()).sum::<f64>().ln() - row[yi]
        })
        .sum();
    total / z.nrows() as f64
}

fn gradient_is_softmax_minus_onehot_over_batch<T: Float>() {
    let (z, y) = problem(4, 5, 42);
    let g = grads::<T, _>(&CrossEntropy(y.clone()), std::slice::from_ref(&z));
    assert_close(
        "∂ cross_entropy",
        &g[0],
        &expected_gradient(&z, &y),
        exact_for::<T>(),
    );
}

#[test]
fn gradient_is_softmax_minus_onehot_over_batch_f64() {
    gradient_is_softmax_minus_onehot_over_batch::<f64>();
}

#[test]
fn gradient_is_softmax_minus_onehot_over_batch_f32() {
    gradient_is_softmax_minus_onehot_over_batch::<f32>();
}

fn finite_at_logits_of_magnitude_1e4<T: Float>() {
    // a naive exp(1e4) overflows in both precisions; log-sum-exp does not
    let z = array![
        [1e4, 0.0, -1e4],
        [-1e4, 1e4, 1e4],
        [1e4, 1e4 - 1.0, -1e4],
        [-1e4, -1e4, -1e4]
    ]
    .into_dyn();
    let y = vec![0, 0, 1, 2];
    let mut tape = Tape::<T>::new();
    let logits = tape.leaf(z.mapv(T::of));
    let loss = tape.cross_entropy(logits, &y);
    let value = tape.scalar(loss);
    assert!(value.is_finite(), "loss {value} in {}", T::NAME);
    let g = tape.backward(loss).unwrap();
    let g = g.wrt(logits).unwrap().mapv(T::as_f64);
    assert!(g.iter().all(|v| v.is_finite()), "{g}");
    // per row: 0, 2e4 + ln 2, 1 + ln(1 + e⁻¹), ln 3
    let rows = [
        0.0,
        2e4 + std::f64::consts::LN_2,
        1.0 + (-1f64).exp().ln_1p(),
        3f64.ln(),
    ];
    let want = rows.iter().sum::<f64>() / 4.0;
    assert!(
        (value - want).abs() <= exact_for::<T>() * want,
        "{value} vs {want}"
    );
    assert_close("∂ at 1e4", &g, &expected_gradient(&z, &y), exact_for::<T>());
}

#[test]
fn finite_at_logits_of_magnitude_1e4_f64() {
    finite_at_logits_of_magnitude_1e4::<f64>();
}

#[test]
fn finite_at_logits_of_magnitude_1e4_f32() {
    finite_at_logits_of_magnitude_1e4::<f32>();
}

#[test]
fn mean_reduction_as_pytorch() {
    // F.cross_entropy(z, y) == mean_i(-log_softmax(z)[i, y_i])
    let (z, y) = problem(6, 4, 7);
    let mut tape = Tape::<f64>::new();
    let logits = tape.leaf(z.clone());
    let fused = tape.cross_entropy(logits, &y);
    assert!((tape.scalar(fused) - expected_loss(&z, &y)).abs() < 1e-14);
    // the same loss composed from primitives, and its gradient
    let ls = tape.log_softmax(logits);
    let mut onehot = Array2::<f64>::zeros((6, 4));
    for (i, &yi) in y.iter().enumerate() {
        onehot[[i, yi]] = 1.0;
    }
    let picked = tape.mask(ls, onehot);
    let nll = tape.mean_axis(picked, 0, false); // mean over the batch ...
    let nll = tape.sum(nll); // ... of the picked column
    let composed = tape.neg(nll);
    assert!((tape.scalar(fused) - tape.scalar(composed)).abs() < 1e-14);
    let gf = tape.backward(fused).unwrap();
    let gc = tape.backward(composed).unwrap();
    assert_close(
        "fused vs composed",
        gf.wrt(logits).unwrap(),
        gc.wrt(logits).unwrap(),
        1e-14,
    );
}

#[test]
fn closed_form_for_two_equal_logits() {
    // z = (0, 0), y = 0: loss ln 2, ∂z = (1/2 - 1, 1/2) = (-1/2, 1/2)
    for z in [array![[0.0, 0.0]], array![[7.5, 7.5]]] {
        let g = grads::<f32, _>(&CrossEntropy(vec![0]), &[z.clone().into_dyn()]);
        assert_close("ce f32", &g[0], &array![[-0.5, 0.5]].into_dyn(), 1e-7);
        let g = grads::<f64, _>(&CrossEntropy(vec![0]), &[z.into_dyn()]);
        assert_close("ce f64", &g[0], &array![[-0.5, 0.5]].into_dyn(), 1e-15);
    }
}

#[test]
fn empty_batch_gives_nan_as_pytorch() {
    // torch: F.cross_entropy(torch.empty(0, 3), torch.empty(0, dtype=long)) is nan
    let mut tape = Tape::<f64>::new();
    let z = tape.leaf(ArrayD::<f64>::zeros(IxDyn(&[0, 3])));
    let loss = tape.cross_entropy(z, &[]);
    assert!(tape.scalar(loss).is_nan());
    let g = tape.backward(loss).unwrap();
    assert_eq!(g.wrt(z).unwrap().shape(), &[0, 3]);
}

objective!(Mse, |t, x| t.mse(x[0], x[1]));

objective!(
    /// `mse(p, t) + mse(p·p, t) + mse(p, p·t)`: both arguments fan out.
    MseFanOut,
    |t, x| {
        let a = t.mse(x[0], x[1]);
        let pp = t.mul(x[0], x[0]);
        let b = t.mse(pp, x[1]);
        let pt = t.mul(x[0], x[1]);
        let c = t.mse(x[0], pt);
        let ab = t.add(a, b);
        t.add(ab, c)
    }
);

#[test]
fn mse_matches_finite_differences() {
    let mut rng = Rng::new(3);
    for shape in [&[4][..], &[2, 3], &[]] {
        let inputs = [rng.array(shape, -2.0, 2.0), rng.array(shape, -2.0, 2.0)];
        check_both(&format!("mse {shape:?}"), &Mse, &inputs);
        check_both(&format!("mse fan-out {shape:?}"), &MseFanOut, &inputs);
    }
    // a broadcast target (a row of targets for every sample)
    let inputs = [rng.array(&[3, 2], -2.0, 2.0), rng.array(&[2], -2.0, 2.0)];
    check_both("mse broadcast", &Mse, &inputs);
}

fn mse_closed_form<T: Float>() {
    // mean((p - t)²): ∂p = 2(p - t)/n, ∂t = -2(p - t)/n, n = 4
    let p = array![1.0, 2.0, -1.0, 0.5].into_dyn();
    let t = array![0.0, 2.5, 1.0, 0.5].into_dyn();
    let g = grads::<T, _>(&Mse, &[p.clone(), t.clone()]);
    let d = (&p - &t) * 0.5;
    assert_close("mse ∂p", &g[0], &d, exact_for::<T>());
    assert_close("mse ∂t", &g[1], &-d, exact_for::<T>());
    let mut tape = Tape::<T>::new();
    let (pv, tv) = (tape.leaf(p.mapv(T::of)), tape.constant(t.mapv(T::of)));
    let l = tape.mse(pv, tv);
    // (1 + 0.25 + 4 + 0) / 4
    assert!((tape.scalar(l) - 1.3125).abs() <= exact_for::<T>());
}

#[test]
fn mse_closed_form_f64() {
    mse_closed_form::<f64>();
}

#[test]
fn mse_closed_form_f32() {
    mse_closed_form::<f32>();
}

#[test]
#[should_panic(expected = "cross_entropy: logits of shape [3, 4] do not fit 2 labels")]
fn label_count_mismatch_names_the_shape() {
    let mut tape = Tape::<f64>::new();
    let z = tape.leaf(ArrayD::zeros(IxDyn(&[3, 4])));
    tape.cross_entropy(z, &[0, 1]);
}

#[test]
#[should_panic(expected = "cross_entropy: logits of shape [4] do not fit 1 labels")]
fn one_dimensional_logits_name_the_shape() {
    let mut tape = Tape::<f64>::new();
    let z = tape.leaf(ArrayD::zeros(IxDyn(&[4])));
    tape.cross_entropy(z, &[0]);
}

#[test]
#[should_panic(expected = "cross_entropy: label 4 is out of range for logits of shape [2, 4]")]
fn label_out_of_range_names_the_shape() {
    let mut tape = Tape::<f32>::new();
    let z = tape.leaf(ArrayD::zeros(IxDyn(&[2, 4])));
    tape.cross_entropy(z, &[0, 4]);
}

#[test]
#[should_panic(expected = "mse: cannot broadcast shapes [3] and [2]")]
fn mse_shape_mismatch_names_the_op() {
    let mut tape = Tape::<f64>::new();
    let p = tape.leaf(ArrayD::zeros(IxDyn(&[3])));
    let t = tape.constant(ArrayD::zeros(IxDyn(&[2])));
    tape.mse(p, t);
}
