//! The lecture's closed forms: `x·cos(πx)` on a grid over [-1, 2], the cubic
//! `x³` with its saddle at 0, and the saddle `f(x, y) = x² - y²` with its
//! gradient and Hessian-vector products.

mod common;

use std::f64::consts::PI;

use autodiff::{Float, Objective, Tape, Var, hessian_vector_product};
use common::{assert_close, check_both, exact_for, grads, objective};
use ndarray::{Array1, ArrayD, arr0, array};

objective!(
    /// `Σ xᵢ·cos(πxᵢ)`
    XCosPiX,
    |t, x| {
        let pix = t.mul_scalar(x[0], T::of(PI));
        let c = t.cos(pix);
        let y = t.mul(x[0], c);
        t.sum(y)
    }
);

/// 61 points, step 0.05, over [-1, 2].
fn grid() -> ArrayD<f64> {
    Array1::linspace(-1.0, 2.0, 61).into_dyn()
}

fn x_cos_pi_x_on_a_grid<T: Float>() {
    let x = grid();
    // d/dx x·cos(πx) = cos(πx) - πx·sin(πx)
    let want = x.mapv(|x| (PI * x).cos() - PI * x * (PI * x).sin());
    let got = grads::<T, _>(&XCosPiX, std::slice::from_ref(&x));
    // the derivative reaches |2π·sin| ≈ 6, so allow a few ulps of that
    assert_close("x cos(πx)", &got[0], &want, 8.0 * exact_for::<T>());
}

#[test]
fn x_cos_pi_x_on_a_grid_f64() {
    x_cos_pi_x_on_a_grid::<f64>();
}

#[test]
fn x_cos_pi_x_on_a_grid_f32() {
    x_cos_pi_x_on_a_grid::<f32>();
}

#[test]
fn x_cos_pi_x_agrees_with_finite_differences() {
    check_both("x cos(πx)", &XCosPiX, &[grid()]);
}

#[test]
fn x_cos_pi_x_at_known_points() {
    // at x = 0: cos 0 - 0 = 1; x = 1/2: 0 - π/2; x = 1: -1; x = 2: 1
    let x = array![0.0, 0.5, 1.0, 2.0].into_dyn();
    let got = grads::<f64, _>(&XCosPiX, std::slice::from_ref(&x));
    assert_close(
        "known points",
        &got[0],
        &array![1.0, -PI / 2.0, -1.0, 1.0].into_dyn(),
        1e-14,
    );
}

objective!(
    /// `Σ xᵢ³` through `powi`.
    CubePowi,
    |t, x| {
        let y = t.powi(x[0], 3);
        t.sum(y)
    }
);

objective!(
    /// `Σ xᵢ·xᵢ·xᵢ` through two `mul`s (x used three times).
    CubeMul,
    |t, x| {
        let xx = t.mul(x[0], x[0]);
        let y = t.mul(xx, x[0]);
        t.sum(y)
    }
);

fn cube<T: Float>() {
    let x = array![-1.5, -0.5, 0.0, 0.5, 2.0].into_dyn();
    // d/dx x³ = 3x²: 0 at the saddle x = 0 (a stationary point that is no
    // minimum), positive on both sides
    let want = x.mapv(|x| 3.0 * x * x);
    for g in [
        grads::<T, _>(&CubePowi, std::slice::from_ref(&x)),
        grads::<T, _>(&CubeMul, std::slice::from_ref(&x)),
    ] {
        assert_close("x³", &g[0], &want, exact_for::<T>());
        assert_eq!(g[0][[2]], 0.0, "exactly 0 at the saddle");
    }
}

#[test]
fn cube_f64() {
    cube::<f64>();
}

#[test]
fn cube_f32() {
    cube::<f32>();
}

#[test]
fn cube_agrees_with_finite_differences() {
    let x = [array![-1.5, -0.5, 0.0, 0.5, 2.0].into_dyn()];
    check_both("x³ powi", &CubePowi, &x);
    check_both("x³ mul", &CubeMul, &x);
}

#[test]
fn cube_at_the_saddle_0d() {
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(arr0(0.0));
    let y = tape.powi(x, 3);
    let g = tape.backward(y).unwrap();
    assert_eq!(g.wrt(x).unwrap()[[]], 0.0);
}

objective!(
    /// `f(x, y) = x² - y²` with `x` and `y` as two 0-d inputs.
    Saddle,
    |t, p| {
        let xx = t.mul(p[0], p[0]);
        let yy = t.mul(p[1], p[1]);
        t.sub(xx, yy)
    }
);

objective!(
    /// The same saddle with `(x, y)` as one vector: `Σ (1, -1) ⊙ p²`.
    SaddleVector,
    |t, p| {
        let sq = t.powi(p[0], 2);
        let sign = t.constant(array![1.0, -1.0].mapv(T::of));
        let s = t.mul(sq, sign);
        t.sum(s)
    }
);

const POINTS: [(f64, f64); 5] = [
    (0.0, 0.0),
    (1.0, 2.0),
    (-0.5, 0.25),
    (3.0, -1.0),
    (1e-3, -7.0),
];

fn saddle_gradient<T: Float>() {
    for (x, y) in POINTS {
        // ∇f = (2x, -2y)
        let g = grads::<T, _>(&Saddle, &[arr0(x).into_dyn(), arr0(y).into_dyn()]);
        assert_close("∂f/∂x", &g[0], &arr0(2.0 * x).into_dyn(), exact_for::<T>());
        assert_close("∂f/∂y", &g[1], &arr0(-2.0 * y).into_dyn(), exact_for::<T>());
        let g = grads::<T, _>(&SaddleVector, &[array![x, y].into_dyn()]);
        assert_close(
            "∇f",
            &g[0],
            &array![2.0 * x, -2.0 * y].into_dyn(),
            exact_for::<T>(),
        );
    }
}

#[test]
fn saddle_gradient_f64() {
    saddle_gradient::<f64>();
}

#[test]
fn saddle_gradient_f32() {
    saddle_gradient::<f32>();
}

#[test]
fn saddle_agrees_with_finite_differences() {
    for (x, y) in POINTS {
        check_both(
            "x² - y²",
            &Saddle,
            &[arr0(x).into_dyn(), arr0(y).into_dyn()],
        );
        check_both("x² - y² vector", &SaddleVector, &[array![x, y].into_dyn()]);
    }
}

#[test]
fn saddle_hessian_vector_products() {
    // H = diag(2, -2) everywhere, so H·v = (2v₁, -2v₂). The function is
    // quadratic, so the central difference of gradients is exact up to
    // rounding: about u·‖∇f‖/ε ≈ 1e-12 for ε = 1e-4.
    let dirs = [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (-0.3, 2.5)];
    for (x, y) in POINTS {
        for (v1, v2) in dirs {
            let hv = hessian_vector_product(
                &Saddle,
                &[arr0(x).into_dyn(), arr0(y).into_dyn()],
                &[arr0(v1).into_dyn(), arr0(v2).into_dyn()],
                1e-4,
            );
            assert!((hv[0][[]] - 2.0 * v1).abs() < 1e-9, "{hv:?}");
            assert!((hv[1][[]] + 2.0 * v2).abs() < 1e-9, "{hv:?}");
            let hv = hessian_vector_product(
                &SaddleVector,
                &[array![x, y].into_dyn()],
                &[array![v1, v2].into_dyn()],
                1e-4,
            );
            assert_close("H·v", &hv[0], &array![2.0 * v1, -2.0 * v2].into_dyn(), 1e-9);
        }
    }
    // the saddle: v = (0, 1) is a direction of negative curvature, vᵀHv = -2
    let hv = hessian_vector_product(
        &SaddleVector,
        &[array![0.0, 0.0].into_dyn()],
        &[array![0.0, 1.0].into_dyn()],
        1e-4,
    );
    assert!((hv[0][[1]] + 2.0).abs() < 1e-9);
}

/// `Σ sin(xᵢ)·xᵢ²`, a non-quadratic for the accuracy claim of the HVP.
struct SinTimesSquare;

impl Objective for SinTimesSquare {
    fn eval<T: Float>(&self, t: &mut Tape<T>, x: &[Var]) -> Var {
        let s = t.sin(x[0]);
        let sq = t.mul(x[0], x[0]);
        let y = t.mul(s, sq);
        t.sum(y)
    }
}

#[test]
fn hessian_vector_product_of_a_smooth_function_has_about_8_digits() {
    // f = Σ sin(x)x², H = diag(2 sin x + 4x cos x - x² sin x)
    let x = array![0.3, -1.2, 2.0].into_dyn();
    let v = array![1.0, -0.5, 0.25].into_dyn();
    let want = ndarray::Zip::from(&x)
        .and(&v)
        .map_collect(|&x: &f64, &v: &f64| {
            (2.0 * x.sin() + 4.0 * x * x.cos() - x * x * x.sin()) * v
        });
    let hv = hessian_vector_product(&SinTimesSquare, &[x], &[v], 1e-4);
    assert_close("H·v", &hv[0], &want, 1e-7);
}

#[test]
#[should_panic(expected = "hessian_vector_product: input of shape [2] but direction of shape [3]")]
fn hessian_vector_product_shape_mismatch_names_both_shapes() {
    hessian_vector_product(
        &SaddleVector,
        &[array![0.0, 0.0].into_dyn()],
        &[array![0.0, 1.0, 2.0].into_dyn()],
        1e-4,
    );
}
