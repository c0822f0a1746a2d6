//! Convergence on the lecture's problems: an ill-conditioned quadratic where
//! momentum beats gradient descent by the predicted factor, Rosenbrock's
//! valley, and a saddle that gradient descent escapes and Newton does not.

use ndarray::{Array1, Array2, ArrayView1, array};
use optim::{
    AdagradConfig, AdamConfig, AdamaxConfig, Momentum, Newton, NewtonStop, Optimizer, ParamMut,
    RandomSearch, SgdConfig, StepLr,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Runs `steps` optimizer steps on a 2-d problem and returns every iterate.
fn descend(
    opt: &mut dyn Optimizer<f64>,
    start: Array1<f64>,
    grad: impl Fn(&Array1<f64>) -> Array1<f64>,
    steps: usize,
) -> Vec<Array1<f64>> {
    let mut x = start;
    let mut path = vec![x.clone()];
    for _ in 0..steps {
        let g = grad(&x);
        opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])
            .expect("step");
        path.push(x.clone());
    }
    path
}

fn norm(x: &Array1<f64>) -> f64 {
    x.dot(x).sqrt()
}

// ------------------------------------------------------------- quadratic
// f(x) = ½(μx₁² + Lx₂²) with μ = 1, L = 100, κ = 100. Optimal constant steps:
//   GD:         lr = 2/(L + μ),                      rate (κ − 1)/(κ + 1) = 99/101
//   heavy ball: lr = 4/(√L + √μ)², β = ((√κ − 1)/(√κ + 1))²,  rate (√κ − 1)/(√κ + 1) = 9/11

const MU: f64 = 1.0;
const L: f64 = 100.0;

fn quadratic_grad(x: &Array1<f64>) -> Array1<f64> {
    array![MU * x[0], L * x[1]]
}

/// Average contraction per step between iterations n/2 and n.
fn rate(path: &[Array1<f64>]) -> f64 {
    let n = path.len() - 1;
    (norm(&path[n]) / norm(&path[n / 2])).powf(1.0 / (n - n / 2) as f64)
}

fn steps_to(path: &[Array1<f64>], tolerance: f64) -> usize {
    let start = norm(&path[0]);
    path.iter()
        .position(|x| norm(x) <= tolerance * start)
        .expect("reached the tolerance")
}

#[test]
fn heavy_ball_beats_gradient_descent_by_the_predicted_factor() {
    let kappa: f64 = L / MU;
    let gd_rate = (kappa - 1.0) / (kappa + 1.0);
    let hb_rate = (kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0);
    let start = array![1.0, 1.0];

    let mut gd = SgdConfig::default().lr(2.0 / (L + MU)).build().unwrap();
    let gd_path = descend(&mut gd, start.clone(), quadratic_grad, 2400);
    let lr = 4.0 / (L.sqrt() + MU.sqrt()).powi(2);
    let mut hb = SgdConfig::default()
        .lr(lr)
        .momentum(Momentum::heavy(hb_rate * hb_rate))
        .build()
        .unwrap();
    let hb_path = descend(&mut hb, start, quadratic_grad, 300);

    // GD contracts both eigen-directions by exactly (κ − 1)/(κ + 1) per step.
    assert!(
        (rate(&gd_path) - gd_rate).abs() < 1e-9,
        "{}",
        rate(&gd_path)
    );
    // Heavy ball: rate √β, times a polynomial factor (double eigenvalues at
    // the optimal step), which a long window makes small.
    let measured = rate(&hb_path);
    assert!(
        measured > hb_rate * 0.999 && measured < hb_rate * 1.01,
        "{measured} vs {hb_rate}"
    );
    // Steps to reduce the error by 1e10: predicted ratio ln(gd)/ln(hb) ≈ 10.
    let (n_gd, n_hb) = (steps_to(&gd_path, 1e-10), steps_to(&hb_path, 1e-10));
    let predicted = hb_rate.ln() / gd_rate.ln();
    let measured_ratio = n_gd as f64 / n_hb as f64;
    assert!((predicted - 10.0).abs() < 0.2);
    assert!(
        measured_ratio > 0.75 * predicted && measured_ratio < 1.05 * predicted,
        "{n_gd} / {n_hb}"
    );
}

#[test]
fn nesterov_also_converges_on_the_quadratic() {
    let mut opt = SgdConfig::default()
        .lr(1.0 / L)
        .momentum(Momentum::Nesterov { momentum: 0.8 })
        .build()
        .unwrap();
    let path = descend(&mut opt, array![1.0, 1.0], quadratic_grad, 400);
    assert!(norm(path.last().unwrap()) < 1e-8);
}

// ------------------------------------------------------------- Rosenbrock
// f(x, y) = (1 − x)² + 100(y − x²)², minimum at (1, 1), started at (−1.2, 1).

fn rosenbrock_grad(p: &Array1<f64>) -> Array1<f64> {
    let (x, y) = (p[0], p[1]);
    array![
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x)
    ]
}

fn rosenbrock_hessian(p: &ArrayView1<f64>) -> Array2<f64> {
    let (x, y) = (p[0], p[1]);
    array![
        [2.0 - 400.0 * (y - x * x) + 800.0 * x * x, -400.0 * x],
        [-400.0 * x, 200.0]
    ]
}

fn distance_to_minimum(opt: &mut dyn Optimizer<f64>, steps: usize) -> f64 {
    let path = descend(opt, array![-1.2, 1.0], rosenbrock_grad, steps);
    norm(&(path.last().unwrap() - &array![1.0, 1.0]))
}

#[test]
fn momentum_and_adaptive_methods_solve_rosenbrock() {
    let heavy = SgdConfig::default().lr(1e-3).momentum(Momentum::heavy(0.9));
    assert!(distance_to_minimum(&mut heavy.build().unwrap(), 5000) < 1e-8);
    let nesterov = SgdConfig::default()
        .lr(1e-3)
        .momentum(Momentum::Nesterov { momentum: 0.9 });
    assert!(distance_to_minimum(&mut nesterov.build().unwrap(), 5000) < 1e-8);
    assert!(
        distance_to_minimum(&mut AdamConfig::default().lr(1e-2).build().unwrap(), 10_000) < 1e-5
    );
    assert!(
        distance_to_minimum(
            &mut AdagradConfig::default().lr(0.5).build().unwrap(),
            20_000
        ) < 1e-5
    );
    assert!(
        distance_to_minimum(
            &mut AdamaxConfig::default().lr(1e-2).build().unwrap(),
            20_000
        ) < 1e-5
    );
    // Plain GD at the same step crawls along the valley.
    let gd = distance_to_minimum(&mut SgdConfig::default().lr(1e-3).build().unwrap(), 5000);
    assert!(gd > 1e-2, "{gd}");
}

#[test]
fn newton_solves_rosenbrock() {
    // The merit ½‖∇f‖² keeps the steps short along the banana, then the last
    // steps converge quadratically.
    let grad = |p: &ArrayView1<f64>| rosenbrock_grad(&p.to_owned());
    let newton = Newton {
        max_iterations: 300,
        ..Newton::default()
    };
    let report = newton
        .minimize(grad, rosenbrock_hessian, array![-1.2, 1.0])
        .unwrap();
    assert_eq!(report.stop, NewtonStop::Converged);
    assert!(report.iterations < 250, "{}", report.iterations);
    assert!(norm(&(&report.x - &array![1.0, 1.0])) < 1e-9);
    let distances: Vec<f64> = report
        .path
        .iter()
        .map(|p| norm(&(p - &array![1.0, 1.0])))
        .collect();
    // Quadratic convergence: d_{k+1} ≤ C·d_k² over the last steps.
    let tail = &distances[distances.len() - 4..];
    assert!(
        tail.windows(2).all(|w| w[1] <= 100.0 * w[0] * w[0] + 1e-14),
        "{tail:?}"
    );
}

// ------------------------------------------------------------- saddle
// f(x, y) = x² − y²: a saddle at the origin.

fn saddle_grad(p: &ArrayView1<f64>) -> Array1<f64> {
    array![2.0 * p[0], -2.0 * p[1]]
}

fn saddle_hessian(_: &ArrayView1<f64>) -> Array2<f64> {
    array![[2.0, 0.0], [0.0, -2.0]]
}

#[test]
fn gradient_descent_escapes_the_saddle_and_newton_does_not() {
    let start = array![1.0, 1e-6];
    // GD: x ← 0.8x, y ← 1.2y: the unstable direction grows geometrically.
    let mut gd = SgdConfig::default().lr(0.1).build().unwrap();
    let path = descend(&mut gd, start.clone(), |p| saddle_grad(&p.view()), 100);
    let end = path.last().unwrap();
    assert!(end[0].abs() < 1e-9 && end[1].abs() > 10.0, "{end}");
    assert!((end[1] / (1e-6 * 1.2_f64.powi(100)) - 1.0).abs() < 1e-12);

    // Newton jumps straight onto the saddle (the quadratic model is exact),
    // from here and from any start nearby.
    let report = Newton::default()
        .minimize(saddle_grad, saddle_hessian, start)
        .unwrap();
    assert_eq!(report.stop, NewtonStop::Converged);
    assert_eq!(report.x, array![0.0, 0.0]);
    assert_eq!(report.iterations, 1);
    for (x, y) in [(0.3, -0.2), (-2.0, 0.5), (1e-3, 1e-3)] {
        let r = Newton::default()
            .minimize(saddle_grad, saddle_hessian, array![x, y])
            .unwrap();
        assert_eq!(r.x, array![0.0, 0.0]);
    }
}

#[test]
fn newton_is_drawn_to_a_nonquadratic_saddle_too() {
    // f(x, y) = x² + y⁴/4 − y²/2: minima at (0, ±1), a saddle at (0, 0).
    let grad = |p: &ArrayView1<f64>| array![2.0 * p[0], p[1].powi(3) - p[1]];
    let hess = |p: &ArrayView1<f64>| array![[2.0, 0.0], [0.0, 3.0 * p[1] * p[1] - 1.0]];
    let report = Newton::default()
        .minimize(grad, hess, array![0.5, 0.1])
        .unwrap();
    assert_eq!(report.stop, NewtonStop::Converged);
    assert!(norm(&report.x) < 1e-9, "{}", report.x);
    // Gradient descent from the same start rolls down to the minimum (0, 1).
    let mut gd = SgdConfig::default().lr(0.1).build().unwrap();
    let path = descend(&mut gd, array![0.5, 0.1], |p| grad(&p.view()), 500);
    let end = path.last().unwrap();
    assert!(end[0].abs() < 1e-9 && (end[1] - 1.0).abs() < 1e-9, "{end}");
}

// ------------------------------------------------------------- random search

#[test]
fn random_search_descends_a_sphere_and_counts_evaluations() {
    let sphere = |x: &ArrayView1<f64>| x.dot(x);
    let start = array![1.0, -1.0, 0.5, 2.0, -0.3];
    let f0 = sphere(&start.view());
    let search = RandomSearch::new(0.3, 3000)
        .unwrap()
        .schedule(StepLr::new(500, 0.5).unwrap());
    let mut calls = 0;
    let counted = |x: &ArrayView1<f64>| {
        calls += 1;
        sphere(x)
    };
    let report = search.minimize(counted, start.clone(), &mut StdRng::seed_from_u64(42));
    assert_eq!(report.evaluations, 3000);
    assert_eq!(calls, 3000);
    assert!(report.value < 1e-3 * f0, "{}", report.value);
    assert!(report.history.windows(2).all(|w| w[1] <= w[0]));
    assert!(report.accepted > 10);
    // Seeded: the same seed gives the same search.
    let again = search.minimize(sphere, start, &mut StdRng::seed_from_u64(42));
    assert_eq!(again, report);
}

#[test]
fn random_search_ignores_nan_candidates() {
    // Outside the unit ball the objective is NaN: such candidates are never kept.
    let objective = |x: &ArrayView1<f64>| {
        if x.dot(x) > 1.0 { f64::NAN } else { x.dot(x) }
    };
    let search = RandomSearch::new(0.5, 500).unwrap();
    let report = search.minimize(objective, array![0.5, 0.5], &mut StdRng::seed_from_u64(1));
    assert!(report.value <= 0.5 && !report.value.is_nan());
    assert!(report.x.dot(&report.x) <= 1.0);
}
