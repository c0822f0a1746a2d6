//! Constraints on small problems: projected gradient descent onto a box, and
//! barrier terms that keep gradient descent inside a bound.

use ndarray::{Array1, array};
use optim::{
    Barrier, BoxBounds, ExpBarrier, LogBarrier, OptimError, Optimizer, ParamMut, SgdConfig, Side,
};

/// ∇ of ½‖x − target‖².
fn pull(x: &Array1<f64>, target: &Array1<f64>) -> Array1<f64> {
    x - target
}

#[test]
fn projected_gradient_descent_stops_at_the_box_boundary() {
    let bounds = BoxBounds::uniform(-1.0, 1.0).unwrap();
    let target = array![3.0, -0.5, -7.0];
    let mut x = array![0.0, 0.0, 0.0];
    let mut opt = SgdConfig::default().lr(0.5).build::<f64>().unwrap();
    for _ in 0..60 {
        let g = pull(&x, &target);
        opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])
            .unwrap();
        bounds.project(&mut x).unwrap();
    }
    // The constrained minimizer is the target clamped to the box.
    assert_eq!(x, array![1.0, -0.5, -1.0]);
}

#[test]
fn per_element_bounds_must_fit_the_parameter() {
    let bounds =
        BoxBounds::per_element(array![0.0, 0.0].into_dyn(), array![1.0, 2.0].into_dyn()).unwrap();
    let mut wrong = array![0.5, 0.5, 0.5];
    assert!(matches!(
        bounds.project(&mut wrong),
        Err(OptimError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        BoxBounds::per_element(array![0.0].into_dyn(), array![1.0, 2.0].into_dyn()),
        Err(OptimError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        BoxBounds::per_element(array![0.0, 3.0].into_dyn(), array![1.0, 2.0].into_dyn()),
        Err(OptimError::InvalidBounds { index: 1, .. })
    ));
}

/// Gradient descent on ½(β − 3)² plus a barrier keeping β ≤ 1; returns β.
fn descend_with_barrier(barrier: &impl Barrier, lr: f64, steps: usize) -> f64 {
    let mut beta = array![0.0];
    let mut opt = SgdConfig::default().lr(lr).build::<f64>().unwrap();
    for _ in 0..steps {
        let mut g = pull(&beta, &array![3.0]);
        barrier.add_to(&beta, &mut g).unwrap();
        opt.step(&mut [ParamMut::new("beta", beta.view_mut(), g.view())])
            .unwrap();
    }
    beta[0]
}

#[test]
fn the_exponential_barrier_holds_the_parameter_near_its_bound() {
    // Stationary point: (β − 3) + m·exp(m(β − 1)) = 0, just below 1 for steep m.
    let barrier = ExpBarrier::new(1.0, 20.0, Side::Upper).unwrap();
    let beta = descend_with_barrier(&barrier, 0.01, 3000);
    let stationarity = (beta - 3.0) + barrier.derivative(beta);
    assert!(stationarity.abs() < 1e-9, "{stationarity}");
    assert!(beta > 0.8 && beta < 1.0, "{beta}");
}

#[test]
fn the_log_barrier_keeps_the_parameter_strictly_inside() {
    // Stationary point: (β − 3) + μ/(1 − β) = 0 → β = 2 − √(1 + μ) for μ small.
    let mu = 0.01;
    let barrier = LogBarrier::new(1.0, mu, Side::Upper).unwrap();
    // The barrier's curvature μ/(1 − β)² ≈ 400 there: the step must stay below 2/400.
    let beta = descend_with_barrier(&barrier, 1e-3, 5000);
    let expected = 2.0 - (1.0_f64 + mu).sqrt();
    assert!((beta - expected).abs() < 1e-9, "{beta} vs {expected}");
    assert!(beta < 1.0);
}

#[test]
fn barrier_values_and_gradients() {
    let lower = ExpBarrier::new(2.0, 3.0, Side::Lower).unwrap();
    // b(β) = exp(−3(β − 2)), b'(β) = −3·exp(−3(β − 2))
    assert_eq!(lower.value(1.0), 3.0_f64.exp());
    assert_eq!(lower.derivative(1.0), -3.0 * 3.0_f64.exp());
    let log = LogBarrier::new(-1.0, 2.0, Side::Lower).unwrap();
    // b(β) = −2·ln(β + 1), b'(β) = −2/(β + 1)
    assert_eq!(log.value(0.0), 0.0);
    assert_eq!(log.derivative(1.0), -1.0);
    assert_eq!(log.value(-2.0), f64::INFINITY);
    assert_eq!(log.derivative(-1.0), f64::NEG_INFINITY);
    assert!(log.value(f64::NAN).is_nan() && log.derivative(f64::NAN).is_nan());
    let mut short = array![0.0];
    assert!(matches!(
        lower.add_to(&array![1.0, 2.0], &mut short),
        Err(OptimError::ShapeMismatch { .. })
    ));
}
