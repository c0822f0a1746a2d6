//! `softmax` and `log_softmax` (default last axis and explicit axes): finite
//! differences in f64 and f32, fan-out, closed forms, stability, NaN, 0-d.

mod common;

use autodiff::{Float, Objective, Tape, Var};
use common::{Rng, assert_close, check_both, exact_for, grads, objective, weighted_sum};
use ndarray::{ArrayD, IxDyn, arr0, array};

/// Which softmax, along which axis (`None`: the default, the last axis).
#[derive(Debug, Clone, Copy)]
enum Soft {
    Softmax(Option<usize>),
    LogSoftmax(Option<usize>),
}

impl Soft {
    fn apply<T: Float>(self, t: &mut Tape<T>, x: Var) -> Var {
        match self {
            Soft::Softmax(None) => t.softmax(x),
            Soft::Softmax(Some(axis)) => t.softmax_axis(x, axis),
            Soft::LogSoftmax(None) => t.log_softmax(x),
            Soft::LogSoftmax(Some(axis)) => t.log_softmax_axis(x, axis),
        }
    }
}

/// `Σ w·op(x)` (weighted: a plain sum of a softmax is constant).
struct Plain(Soft);

impl Objective for Plain {
    fn eval<T: Float>(&self, t: &mut Tape<T>, x: &[Var]) -> Var {
        let y = self.0.apply(t, x[0]);
        weighted_sum(t, y)
    }
}

/// `Σ w·(y·y + y + x)` with `y = op(x)`.
struct FanOut(Soft);

impl Objective for FanOut {
    fn eval<T: Float>(&self, t: &mut Tape<T>, x: &[Var]) -> Var {
        let y = self.0.apply(t, x[0]);
        let yy = t.mul(y, y);
        let z = t.add(yy, y);
        let z = t.add(z, x[0]);
        weighted_sum(t, z)
    }
}

#[test]
fn softmax_and_log_softmax_match_finite_differences() {
    let cases: &[(&[usize], Soft)] = &[
        (&[5], Soft::Softmax(None)),
        (&[3, 4], Soft::Softmax(None)),
        (&[3, 4], Soft::Softmax(Some(0))),
        (&[2, 3, 4], Soft::Softmax(None)),
        (&[2, 3, 4], Soft::Softmax(Some(1))),
        (&[5], Soft::LogSoftmax(None)),
        (&[3, 4], Soft::LogSoftmax(None)),
        (&[3, 4], Soft::LogSoftmax(Some(0))),
        (&[2, 3, 4], Soft::LogSoftmax(None)),
        (&[2, 3, 4], Soft::LogSoftmax(Some(1))),
        (&[], Soft::Softmax(None)),
        (&[], Soft::LogSoftmax(None)),
    ];
    for (k, &(shape, op)) in cases.iter().enumerate() {
        let x = Rng::new(k as u64).array(shape, -2.0, 2.0);
        check_both(
            &format!("{op:?} on {shape:?}"),
            &Plain(op),
            std::slice::from_ref(&x),
        );
        check_both(&format!("{op:?} fan-out on {shape:?}"), &FanOut(op), &[x]);
    }
}

fn closed_forms<T: Float>() {
    let tol = exact_for::<T>();
    // x = (0, ln 3): softmax = (1/4, 3/4)
    let x = array![0.0, 3f64.ln()].into_dyn();

    objective!(SecondProbability, |t, x| {
        let s = t.softmax(x[0]);
        let pick = t.constant(array![0.0, 1.0].mapv(T::of));
        let p = t.mul(s, pick);
        t.sum(p)
    });
    // ∂s₁/∂xⱼ = s₁(δ₁ⱼ - sⱼ) = 3/4·((0, 1) - (1/4, 3/4)) = (-3/16, 3/16)
    let g = grads::<T, _>(&SecondProbability, std::slice::from_ref(&x));
    assert_close(
        "softmax",
        &g[0],
        &array![-3.0 / 16.0, 3.0 / 16.0].into_dyn(),
        tol,
    );

    objective!(SecondLogProbability, |t, x| {
        let s = t.log_softmax(x[0]);
        let pick = t.constant(array![0.0, 1.0].mapv(T::of));
        let p = t.mul(s, pick);
        t.sum(p)
    });
    // ∂ log s₁/∂xⱼ = δ₁ⱼ - sⱼ = (-1/4, 1/4)
    let g = grads::<T, _>(&SecondLogProbability, std::slice::from_ref(&x));
    assert_close("log_softmax", &g[0], &array![-0.25, 0.25].into_dyn(), tol);

    objective!(ColumnSoftmax, |t, x| {
        let s = t.softmax_axis(x[0], 0);
        let pick = t.constant(array![[1.0, 0.0], [0.0, 0.0]].mapv(T::of));
        let p = t.mul(s, pick);
        t.sum(p)
    });
    // along axis 0 of [[0, 5], [ln 3, 7]]: column 0 is (1/4, 3/4), and
    // ∂s₀₀/∂x·₀ = s₀₀((1, 0) - (1/4, 3/4)) = (3/16, -3/16); column 1 gets 0
    let m = array![[0.0, 5.0], [3f64.ln(), 7.0]].into_dyn();
    let g = grads::<T, _>(&ColumnSoftmax, &[m]);
    assert_close(
        "softmax_axis",
        &g[0],
        &array![[3.0 / 16.0, 0.0], [-3.0 / 16.0, 0.0]].into_dyn(),
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
fn default_axis_is_the_last_one() {
    // PyTorch: softmax(x, dim=-1)
    let x = Rng::new(11).array(&[2, 3, 4], -1.0, 1.0);
    let mut tape = Tape::<f64>::new();
    let v = tape.constant(x);
    let (a, b) = (tape.softmax(v), tape.softmax_axis(v, 2));
    assert_eq!(tape.value(a), tape.value(b));
    let (a, b) = (tape.log_softmax(v), tape.log_softmax_axis(v, 2));
    assert_eq!(tape.value(a), tape.value(b));
    let s = tape.softmax(v);
    let lane_sums = tape.value(s).sum_axis(ndarray::Axis(2));
    for s in lane_sums {
        assert!((s - 1.0).abs() < 1e-15);
    }
}

fn stable_at_huge_logits<T: Float>() {
    // logits of magnitude 1e4: exp would overflow, the max-shifted form does not
    let mut tape = Tape::<T>::new();
    let x = tape.leaf(array![[1e4, 0.0, -1e4], [1e4, 1e4, -1e4]].mapv(T::of));
    let s = tape.softmax(x);
    let want = array![[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]].into_dyn();
    assert_close("softmax 1e4", &tape.value(s).mapv(T::as_f64), &want, 0.0);
    let l = tape.log_softmax(x);
    let ln2 = std::f64::consts::LN_2;
    let want = array![[0.0, -1e4, -2e4], [-ln2, -ln2, -2e4 - ln2]].into_dyn();
    assert_close(
        "log_softmax 1e4",
        &tape.value(l).mapv(T::as_f64),
        &want,
        exact_for::<T>(),
    );
    let w = tape.constant(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].mapv(T::of));
    let p = tape.mul(l, w);
    let loss = tape.sum(p);
    let g = tape.backward(loss).unwrap();
    assert!(g.wrt(x).unwrap().iter().all(|v| v.is_finite()));
}

#[test]
fn stable_at_huge_logits_f64() {
    stable_at_huge_logits::<f64>();
}

#[test]
fn stable_at_huge_logits_f32() {
    stable_at_huge_logits::<f32>();
}

#[test]
fn softmax_of_0d_is_one_as_in_pytorch() {
    // torch.softmax(torch.tensor(3.), -1) == 1, log_softmax == 0, gradient 0
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(arr0(3.0));
    let s = tape.softmax(x);
    assert_eq!(tape.value(s).shape(), &[] as &[usize]);
    assert_eq!(tape.scalar(s), 1.0);
    let l = tape.log_softmax_axis(x, 0);
    assert_eq!(tape.scalar(l), 0.0);
    let y = tape.add(s, l);
    let g = tape.backward(y).unwrap();
    assert_eq!(g.wrt(x).unwrap()[[]], 0.0);
}

#[test]
fn nan_in_a_lane_makes_that_lane_nan_only() {
    let mut tape = Tape::<f32>::new();
    let x = tape.leaf(array![[f32::NAN, 1.0], [0.0, 1.0]]);
    for y in [tape.softmax(x), tape.log_softmax(x)] {
        let v = tape.value(y);
        let row = |i| v.index_axis(ndarray::Axis(0), i);
        assert!(row(0).iter().all(|v| v.is_nan()), "{v}");
        assert!(row(1).iter().all(|v| v.is_finite()), "{v}");
    }
}

#[test]
fn empty_lanes_and_empty_batches() {
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(ArrayD::<f64>::zeros(IxDyn(&[0, 3])));
    let s = tape.softmax(x);
    assert_eq!(tape.value(s).shape(), &[0, 3]);
    let y = tape.leaf(ArrayD::<f64>::zeros(IxDyn(&[2, 0])));
    let l = tape.log_softmax(y);
    assert_eq!(tape.value(l).shape(), &[2, 0]);
    let t = tape.sum(l);
    let g = tape.backward(t).unwrap();
    assert_eq!(g.wrt(y).unwrap().shape(), &[2, 0]);
}

#[test]
#[should_panic(expected = "softmax: axis 2 out of range for shape [3, 4]")]
fn softmax_axis_out_of_range_names_the_shape() {
    let mut tape = Tape::<f64>::new();
    let x = tape.constant(ArrayD::zeros(IxDyn(&[3, 4])));
    tape.softmax_axis(x, 2);
}

#[test]
#[should_panic(expected = "log_softmax: axis 1 out of range for shape []")]
fn log_softmax_axis_out_of_range_names_the_shape() {
    let mut tape = Tape::<f64>::new();
    let x = tape.constant(arr0(0.0));
    tape.log_softmax_axis(x, 1);
}
