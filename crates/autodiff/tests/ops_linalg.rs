//! `matmul`, `linear` and `transpose`: finite differences in f64 and f32,
//! fan-out, closed forms, empty matrices, and shape errors.

mod common;

use autodiff::{Float, Tape};
use common::{Rng, assert_close, check_both, exact_for, grads, objective, weighted_sum};
use ndarray::{ArrayD, IxDyn, array};

objective!(MatMul, |t, x| {
    let y = t.matmul(x[0], x[1]);
    weighted_sum(t, y)
});

objective!(
    /// `a·a + a` for a square `a`: both operands are one node, and it is used
    /// once more.
    MatMulFanOut,
    |t, x| {
        let aa = t.matmul(x[0], x[0]);
        let y = t.add(aa, x[0]);
        weighted_sum(t, y)
    }
);

objective!(LinearBias, |t, x| {
    let y = t.linear(x[0], x[1], Some(x[2]));
    weighted_sum(t, y)
});

objective!(LinearNoBias, |t, x| {
    let y = t.linear(x[0], x[1], None);
    weighted_sum(t, y)
});

objective!(
    /// `linear(w, w) + w` for a square `w`: `w·wᵀ + w`.
    LinearFanOut,
    |t, x| {
        let y = t.linear(x[0], x[0], None);
        let z = t.add(y, x[0]);
        weighted_sum(t, z)
    }
);

objective!(Transpose, |t, x| {
    let y = t.transpose(x[0]);
    weighted_sum(t, y)
});

objective!(
    /// `xᵀ·x + xᵀ·x`: transpose fanned out into a product with its input.
    TransposeFanOut,
    |t, x| {
        let xt = t.transpose(x[0]);
        let g = t.matmul(xt, x[0]);
        let y = t.add(g, g);
        weighted_sum(t, y)
    }
);

#[test]
fn matmul_matches_finite_differences() {
    let mut rng = Rng::new(1);
    for (m, k, n) in [(3, 4, 2), (1, 5, 1), (4, 1, 3), (2, 2, 2)] {
        let inputs = [rng.array(&[m, k], -1.0, 1.0), rng.array(&[k, n], -1.0, 1.0)];
        check_both(&format!("matmul {m}x{k}·{k}x{n}"), &MatMul, &inputs);
    }
}

#[test]
fn matmul_fan_out() {
    check_both(
        "a·a + a",
        &MatMulFanOut,
        &[Rng::new(2).array(&[3, 3], -1.0, 1.0)],
    );
}

#[test]
fn linear_matches_finite_differences() {
    let mut rng = Rng::new(3);
    for (batch, fan_in, fan_out) in [(4, 3, 5), (1, 6, 2), (3, 1, 1)] {
        let x = rng.array(&[batch, fan_in], -1.0, 1.0);
        let w = rng.array(&[fan_out, fan_in], -1.0, 1.0);
        let b = rng.array(&[fan_out], -1.0, 1.0);
        let what = format!("linear {batch}x{fan_in} -> {fan_out}");
        check_both(&what, &LinearBias, &[x.clone(), w.clone(), b]);
        check_both(&what, &LinearNoBias, &[x, w]);
    }
}

#[test]
fn linear_fan_out() {
    check_both(
        "w·wᵀ + w",
        &LinearFanOut,
        &[Rng::new(4).array(&[3, 3], -1.0, 1.0)],
    );
}

#[test]
fn transpose_matches_finite_differences() {
    let mut rng = Rng::new(5);
    check_both("transpose", &Transpose, &[rng.array(&[2, 3], -1.0, 1.0)]);
    check_both(
        "transpose fan-out",
        &TransposeFanOut,
        &[rng.array(&[3, 2], -1.0, 1.0)],
    );
}

fn closed_forms<T: Float>() {
    let tol = exact_for::<T>();
    let a = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn();
    let b = array![[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]].into_dyn();

    objective!(SumMatMul, |t, x| {
        let y = t.matmul(x[0], x[1]);
        t.sum(y)
    });
    // Σ (A·B): ∂A = 1·Bᵀ, every row holds the row sums of B (0, 2.5, 3);
    //          ∂B = Aᵀ·1, every column holds the column sums of A (5, 7, 9)
    let g = grads::<T, _>(&SumMatMul, &[a.clone(), b.clone()]);
    assert_close(
        "matmul ∂A",
        &g[0],
        &array![[0.0, 2.5, 3.0], [0.0, 2.5, 3.0]].into_dyn(),
        tol,
    );
    assert_close(
        "matmul ∂B",
        &g[1],
        &array![[5.0, 5.0], [7.0, 7.0], [9.0, 9.0]].into_dyn(),
        tol,
    );

    objective!(SumLinear, |t, x| {
        let y = t.linear(x[0], x[1], Some(x[2]));
        t.sum(y)
    });
    // Σ (x·wᵀ + b) for x: 2×3, w: 2×3, b: 2:
    //   ∂x[n, i] = Σₒ w[o, i] (column sums of w), ∂w[o, i] = Σₙ x[n, i]
    //   (column sums of x), ∂b[o] = batch = 2
    let w = array![[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]].into_dyn();
    let bias = array![0.1, -0.2].into_dyn();
    let g = grads::<T, _>(&SumLinear, &[a.clone(), w, bias]);
    assert_close(
        "linear ∂x",
        &g[0],
        &array![[3.0, 1.0, -0.5], [3.0, 1.0, -0.5]].into_dyn(),
        tol,
    );
    assert_close(
        "linear ∂w",
        &g[1],
        &array![[5.0, 7.0, 9.0], [5.0, 7.0, 9.0]].into_dyn(),
        tol,
    );
    assert_close("linear ∂b", &g[2], &array![2.0, 2.0].into_dyn(), tol);

    objective!(WeightedTranspose, |t, x| {
        let y = t.transpose(x[0]);
        let c = t.constant(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].mapv(T::of));
        let p = t.mul(y, c);
        t.sum(p)
    });
    // Σ xᵀ ⊙ C: ∂x = Cᵀ
    let g = grads::<T, _>(&WeightedTranspose, &[a]);
    assert_close(
        "transpose ∂x",
        &g[0],
        &array![[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]].into_dyn(),
        tol,
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

#[test]
fn linear_equals_matmul_with_transposed_weight_plus_bias() {
    let mut rng = Rng::new(6);
    let (x, w, b) = (
        rng.array(&[4, 3], -1.0, 1.0),
        rng.array(&[5, 3], -1.0, 1.0),
        rng.array(&[5], -1.0, 1.0),
    );
    let mut tape = Tape::<f64>::new();
    let (xv, wv, bv) = (tape.leaf(x), tape.leaf(w), tape.leaf(b));
    let fused = tape.linear(xv, wv, Some(bv));
    let wt = tape.transpose(wv);
    let p = tape.matmul(xv, wt);
    let composed = tape.add(p, bv);
    assert_close("forward", tape.value(fused), tape.value(composed), 1e-15);
}

#[test]
fn empty_inner_dimension_gives_zeros_even_over_stale_buffers() {
    // Fill the pool with a NaN buffer of 2·3 elements, then multiply
    // [2, 0]·[0, 3]: the (reused) output must be exactly zero.
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(ArrayD::from_elem(IxDyn(&[2, 3]), f64::NAN));
    tape.exp(x);
    tape.clear();
    assert_eq!(tape.pooled_buffers(), 1);
    let a = tape.leaf(ArrayD::<f64>::zeros(IxDyn(&[2, 0])));
    let b = tape.leaf(ArrayD::<f64>::zeros(IxDyn(&[0, 3])));
    let c = tape.matmul(a, b);
    assert_eq!(tape.pooled_buffers(), 0, "the NaN buffer was reused");
    assert_eq!(tape.value(c), &ArrayD::<f64>::zeros(IxDyn(&[2, 3])));
    let l = tape.sum(c);
    let g = tape.backward(l).unwrap();
    assert_eq!(g.wrt(a).unwrap().shape(), &[2, 0]);
    assert_eq!(g.wrt(b).unwrap().shape(), &[0, 3]);
}

#[test]
fn empty_batch_through_linear() {
    let mut tape = Tape::<f32>::new();
    let x = tape.constant(ArrayD::<f32>::zeros(IxDyn(&[0, 3])));
    let w = tape.leaf(ArrayD::<f32>::ones(IxDyn(&[2, 3])));
    let b = tape.leaf(array![1.0_f32, 2.0]);
    let y = tape.linear(x, w, Some(b));
    assert_eq!(tape.value(y).shape(), &[0, 2]);
    let l = tape.sum(y);
    let g = tape.backward(l).unwrap();
    // no rows: every gradient is zero
    assert_eq!(g.wrt(w).unwrap(), &ArrayD::<f32>::zeros(IxDyn(&[2, 3])));
    assert_eq!(g.wrt(b).unwrap(), &array![0.0_f32, 0.0].into_dyn());
}

#[test]
#[should_panic(expected = "matmul: cannot multiply shapes [2, 3] and [2, 3]")]
fn matmul_inner_mismatch_names_both_shapes() {
    let mut tape = Tape::<f64>::new();
    let a = tape.constant(ArrayD::zeros(IxDyn(&[2, 3])));
    tape.matmul(a, a);
}

#[test]
#[should_panic(expected = "matmul: cannot multiply shapes [3] and [3, 1]")]
fn matmul_of_a_vector_names_both_shapes() {
    let mut tape = Tape::<f64>::new();
    let a = tape.constant(ArrayD::zeros(IxDyn(&[3])));
    let b = tape.constant(ArrayD::zeros(IxDyn(&[3, 1])));
    tape.matmul(a, b);
}

#[test]
#[should_panic(
    expected = "linear: input of shape [4, 3] does not fit weight of shape [5, 2] (out x in)"
)]
fn linear_weight_mismatch_names_both_shapes() {
    let mut tape = Tape::<f32>::new();
    let x = tape.constant(ArrayD::zeros(IxDyn(&[4, 3])));
    let w = tape.leaf(ArrayD::zeros(IxDyn(&[5, 2])));
    tape.linear(x, w, None);
}

#[test]
#[should_panic(expected = "linear: bias of shape [4] does not fit weight of shape [5, 3]")]
fn linear_bias_mismatch_names_both_shapes() {
    let mut tape = Tape::<f32>::new();
    let x = tape.constant(ArrayD::zeros(IxDyn(&[4, 3])));
    let w = tape.leaf(ArrayD::zeros(IxDyn(&[5, 3])));
    let b = tape.leaf(ArrayD::zeros(IxDyn(&[4])));
    tape.linear(x, w, Some(b));
}

#[test]
#[should_panic(expected = "transpose: expected a 2-D value, got shape [2, 3, 4]")]
fn transpose_of_3d_names_the_shape() {
    let mut tape = Tape::<f64>::new();
    let x = tape.constant(ArrayD::zeros(IxDyn(&[2, 3, 4])));
    tape.transpose(x);
}
