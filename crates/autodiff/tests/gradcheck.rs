//! The public gradient-checking API: what its report says, and that it fails
//! where it should (a kink, a NaN gradient), not only where things agree.

mod common;

use autodiff::{GradCheck, check_gradients};
use common::{objective, weighted_sum};
use ndarray::{ArrayD, array};

objective!(Relu, |t, x| {
    let y = t.relu(x[0]);
    t.sum(y)
});

#[test]
fn a_kink_shows_up_as_a_large_error() {
    // at 0 the tape says relu' = 0, the central difference (h - 0)/2h = 1/2
    let report = check_gradients::<f64, _>(&Relu, &[array![0.0, 1.0].into_dyn()]);
    assert!((report.worst_abs() - 0.5).abs() < 1e-9, "{report:?}");
    assert!((report.worst_rel() - 1.0).abs() < 1e-9, "{report:?}");
}

objective!(
    /// `Σ √|x|`: at x = 0 the tape computes inf·0 = NaN.
    SqrtAbs,
    |t, x| {
        let a = t.abs(x[0]);
        let s = t.sqrt(a);
        t.sum(s)
    }
);

#[test]
fn a_nan_gradient_fails_the_check_wherever_it_is() {
    // the NaN is first, and finite elements follow: a plain f64::max would
    // have forgotten it
    let report = check_gradients::<f64, _>(&SqrtAbs, &[array![0.0, 1.0, 4.0].into_dyn()]);
    assert!(report.inputs[0].max_abs.is_nan(), "{report:?}");
    assert!(report.worst_rel().is_nan() && report.worst_abs().is_nan());
    let passes = report.worst_rel() < 1e-3; // how callers write a check
    assert!(!passes);
}

objective!(
    /// `Σ w·(a·b)` where only `a` and `b` matter, and `c` is unused.
    TwoOfThree,
    |t, x| {
        let _ = x[2];
        let y = t.mul(x[0], x[1]);
        weighted_sum(t, y)
    }
);

#[test]
fn one_error_per_input_in_order() {
    let inputs = [
        array![1.0, 2.0].into_dyn(),
        array![0.5, -1.0].into_dyn(),
        array![3.0].into_dyn(),
    ];
    let report = check_gradients::<f32, _>(&TwoOfThree, &inputs);
    assert_eq!(report.inputs.len(), 3);
    assert!(report.worst_rel() < 1e-3, "{report:?}");
    // the unused input gets no gradient and a zero finite difference
    assert_eq!(report.inputs[2].max_abs, 0.0);
}

objective!(
    /// `Σ C ⊙ x` with an asymmetric `C`: a permuted gradient would show.
    Asymmetric,
    |t, x| {
        let c = t.constant(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].mapv(T::of));
        let y = t.mul(x[0], c);
        let yy = t.mul(y, y);
        t.sum(yy)
    }
);

#[test]
fn inputs_in_any_memory_layout() {
    // a column-major input: finite differences and tape gradients must be
    // compared element by element in the same (logical) order
    let x: ArrayD<f64> = array![[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]
        .reversed_axes()
        .into_dyn();
    assert!(!x.is_standard_layout());
    let report = check_gradients::<f64, _>(&Asymmetric, &[x]);
    assert!(report.worst_rel() < 1e-7, "{report:?}");
}

#[test]
fn settings_change_the_step_and_the_floor() {
    let x = [array![[0.3, -0.7, 1.1], [0.2, 0.0, -2.0]].into_dyn()];
    let coarse = GradCheck {
        step: 1e-2,
        rel_floor: 1e-8,
    }
    .run::<f64, _>(&Asymmetric, &x);
    let fine = GradCheck::default().run::<f64, _>(&Asymmetric, &x);
    // a quadratic: central differences are exact up to rounding at any step
    assert!(coarse.worst_rel() < 1e-9 && fine.worst_rel() < 1e-7);
    assert_eq!(GradCheck::default().step, 1e-5);
}
