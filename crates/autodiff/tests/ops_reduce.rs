//! `reshape`, `sum`, `sum_axis`, `mean`, `mean_axis`: finite differences in
//! f64 and f32 over every axis and `keepdim`, fan-out, closed forms, 0-d and
//! empty values, and shape errors.

mod common;

use autodiff::{Float, Objective, Tape, Var};
use common::{Rng, assert_close, check_both, exact_for, grads, objective, weighted_sum};
use ndarray::{ArrayD, IxDyn, arr0, array};

/// A reduction or reshape, with its parameters, as an objective.
#[derive(Debug, Clone, Copy)]
enum Reduce {
    Sum,
    SumAxis(usize, bool),
    Mean,
    MeanAxis(usize, bool),
    Reshape(&'static [usize]),
}

impl Reduce {
    fn apply<T: Float>(self, t: &mut Tape<T>, x: Var) -> Var {
        match self {
            Reduce::Sum => t.sum(x),
            Reduce::SumAxis(axis, keep) => t.sum_axis(x, axis, keep),
            Reduce::Mean => t.mean(x),
            Reduce::MeanAxis(axis, keep) => t.mean_axis(x, axis, keep),
            Reduce::Reshape(shape) => t.reshape(x, shape),
        }
    }
}

/// `Σ w·r(x)`: the reduction alone.
struct Plain(Reduce);

impl Objective for Plain {
    fn eval<T: Float>(&self, t: &mut Tape<T>, x: &[Var]) -> Var {
        let y = self.0.apply(t, x[0]);
        let yy = t.mul(y, y); // nonlinear, so the gradient depends on x
        weighted_sum(t, yy)
    }
}

/// `Σ w·(r(x)·r(x) + r(x)) + Σ x`: the result used three times and `x` twice.
struct FanOut(Reduce);

impl Objective for FanOut {
    fn eval<T: Float>(&self, t: &mut Tape<T>, x: &[Var]) -> Var {
        let y = self.0.apply(t, x[0]);
        let yy = t.mul(y, y);
        let z = t.add(yy, y);
        let a = weighted_sum(t, z);
        let b = t.sum(x[0]);
        t.add(a, b)
    }
}

const CASES: &[Reduce] = &[
    Reduce::Sum,
    Reduce::Mean,
    Reduce::SumAxis(0, false),
    Reduce::SumAxis(1, false),
    Reduce::SumAxis(2, false),
    Reduce::SumAxis(0, true),
    Reduce::SumAxis(1, true),
    Reduce::SumAxis(2, true),
    Reduce::MeanAxis(0, false),
    Reduce::MeanAxis(1, true),
    Reduce::MeanAxis(2, false),
    Reduce::Reshape(&[6, 4]),
    Reduce::Reshape(&[24]),
    Reduce::Reshape(&[4, 1, 3, 2]),
];

#[test]
fn every_reduction_matches_finite_differences() {
    for (k, &r) in CASES.iter().enumerate() {
        let x = Rng::new(k as u64).array(&[2, 3, 4], -1.0, 1.0);
        check_both(&format!("{r:?}"), &Plain(r), std::slice::from_ref(&x));
        check_both(&format!("{r:?} fan-out"), &FanOut(r), &[x]);
    }
}

#[test]
fn reductions_of_0d_values() {
    let x = arr0(0.7).into_dyn();
    for r in [
        Reduce::Sum,
        Reduce::Mean,
        Reduce::Reshape(&[1, 1]),
        Reduce::Reshape(&[]),
    ] {
        check_both(
            &format!("{r:?} of 0-d"),
            &Plain(r),
            std::slice::from_ref(&x),
        );
    }
    let y = array![0.7].into_dyn();
    check_both("[1] reshaped to 0-d", &Plain(Reduce::Reshape(&[])), &[y]);
}

fn closed_forms<T: Float>() {
    let tol = exact_for::<T>();
    let x = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn();

    objective!(Sum, |t, x| t.sum(x[0]));
    // d/dx Σ x = 1
    let g = grads::<T, _>(&Sum, std::slice::from_ref(&x));
    assert_close("sum", &g[0], &ArrayD::ones(x.raw_dim()), tol);

    objective!(Mean, |t, x| t.mean(x[0]));
    // d/dx mean x = 1/n = 1/6
    let g = grads::<T, _>(&Mean, std::slice::from_ref(&x));
    assert_close(
        "mean",
        &g[0],
        &ArrayD::from_elem(x.raw_dim(), 1.0 / 6.0),
        tol,
    );

    objective!(SquaredColumnSums, |t, x| {
        let s = t.sum_axis(x[0], 0, false);
        let ss = t.mul(s, s);
        t.sum(ss)
    });
    // Σⱼ (Σᵢ xᵢⱼ)²: ∂xᵢⱼ = 2·Σᵢ xᵢⱼ = 2·(5, 7, 9) in every row
    let g = grads::<T, _>(&SquaredColumnSums, std::slice::from_ref(&x));
    assert_close(
        "sum_axis",
        &g[0],
        &array![[10.0, 14.0, 18.0], [10.0, 14.0, 18.0]].into_dyn(),
        tol,
    );

    objective!(SquaredRowMeans, |t, x| {
        let m = t.mean_axis(x[0], 1, true);
        let mm = t.mul(m, m);
        t.sum(mm)
    });
    // Σᵢ (mean_j xᵢⱼ)²: ∂xᵢⱼ = 2·meanᵢ/3 = (4/3, 10/3) per row
    let g = grads::<T, _>(&SquaredRowMeans, std::slice::from_ref(&x));
    let want = array![[4.0, 4.0, 4.0], [10.0, 10.0, 10.0]].into_dyn() / 3.0;
    assert_close("mean_axis", &g[0], &want, tol);

    objective!(WeightedReshape, |t, x| {
        let r = t.reshape(x[0], &[3, 2]);
        let c = t.constant(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].mapv(T::of));
        let p = t.mul(r, c);
        t.sum(p)
    });
    // Σ reshape(x) ⊙ C: ∂x = C reshaped back (row-major order)
    let g = grads::<T, _>(&WeightedReshape, &[x]);
    assert_close(
        "reshape",
        &g[0],
        &array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn(),
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
fn reshape_follows_row_major_order_for_any_memory_layout() {
    // a transposed (column-major) leaf reshapes in logical order, as PyTorch
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(array![[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]].reversed_axes());
    let y = tape.reshape(x, &[6]);
    assert_eq!(
        tape.value(y),
        &array![1.0, 2.0, 3.0, 4.0, 5.0, 6.0].into_dyn()
    );
    let c = tape.constant(array![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let p = tape.mul(y, c);
    let l = tape.sum(p);
    let g = tape.backward(l).unwrap();
    assert_eq!(
        g.wrt(x).unwrap(),
        &array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].into_dyn()
    );
}

#[test]
fn keepdim_controls_the_output_shape() {
    let mut tape = Tape::<f32>::new();
    let x = tape.constant(ArrayD::<f32>::ones(IxDyn(&[2, 3, 4])));
    for (axis, keep, shape) in [
        (0, false, vec![3, 4]),
        (1, true, vec![2, 1, 4]),
        (2, false, vec![2, 3]),
    ] {
        let s = tape.sum_axis(x, axis, keep);
        assert_eq!(tape.value(s).shape(), shape.as_slice());
        let m = tape.mean_axis(x, axis, keep);
        assert_eq!(tape.value(m).shape(), shape.as_slice());
        assert!(tape.value(m).iter().all(|&v| v == 1.0));
    }
}

#[test]
fn empty_values_reduce_like_pytorch() {
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(ArrayD::<f64>::zeros(IxDyn(&[2, 0])));
    // sum of nothing is 0, its gradient is empty
    let s = tape.sum(x);
    assert_eq!(tape.scalar(s), 0.0);
    assert_eq!(tape.backward(s).unwrap().wrt(x).unwrap().shape(), &[2, 0]);
    // mean of nothing is NaN (0/0), as torch.mean
    let m = tape.mean(x);
    assert!(tape.scalar(m).is_nan());
    // along the empty axis: zeros for the sum, NaN for the mean
    let sa = tape.sum_axis(x, 1, false);
    assert_eq!(tape.value(sa), &array![0.0, 0.0].into_dyn());
    let ma = tape.mean_axis(x, 1, true);
    assert_eq!(tape.value(ma).shape(), &[2, 1]);
    assert!(tape.value(ma).iter().all(|v| v.is_nan()));
    // along the other axis: an empty result
    let s0 = tape.sum_axis(x, 0, false);
    assert_eq!(tape.value(s0).shape(), &[0]);
    let r = tape.reshape(x, &[0, 5]);
    assert_eq!(tape.value(r).shape(), &[0, 5]);
}

#[test]
#[should_panic(expected = "reshape: cannot reshape shape [2, 3] into [4]")]
fn reshape_size_mismatch_names_both_shapes() {
    let mut tape = Tape::<f64>::new();
    let x = tape.constant(ArrayD::zeros(IxDyn(&[2, 3])));
    tape.reshape(x, &[4]);
}

#[test]
#[should_panic(expected = "sum_axis: axis 2 out of range for shape [2, 3]")]
fn sum_axis_out_of_range_names_the_shape() {
    let mut tape = Tape::<f64>::new();
    let x = tape.constant(ArrayD::zeros(IxDyn(&[2, 3])));
    tape.sum_axis(x, 2, false);
}

#[test]
#[should_panic(expected = "mean_axis: axis 0 out of range for shape []")]
fn mean_axis_of_0d_names_the_shape() {
    let mut tape = Tape::<f64>::new();
    let x = tape.constant(arr0(1.0));
    tape.mean_axis(x, 0, false);
}
