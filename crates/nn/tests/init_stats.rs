//! Statistical tests of every initialization scheme on a 256 × 512 weight
//! (fan_out = 256, fan_in = 512, n = 131072 entries).
//!
//! Tolerances are 5 standard errors of the statistic under the scheme's own
//! distribution (a two-sided 5σ band fails by chance with probability ~6e-7):
//! * sample mean: SE = σ / √n;
//! * sample std s: SE(s) ≈ σ·√((κ - 1) / (4n)) with kurtosis κ = 3 for a
//!   normal (SE = σ/√(2n)) and κ = 9/5 for a uniform (SE = σ·√(0.2/n));
//! * a fraction p̂ (e.g. of |w| < σ): SE = √(p(1-p)/n).

use ndarray::ArrayD;
use nn::{FanMode, Init, Nonlinearity};
use rand::SeedableRng;
use rand::rngs::StdRng;

const ROWS: usize = 256;
const COLS: usize = 512;
const N: f64 = (ROWS * COLS) as f64;
const FAN_IN: f64 = COLS as f64;
const FAN_OUT: f64 = ROWS as f64;

fn sample(init: Init, seed: u64) -> ArrayD<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    init.sample::<f64, _>(&[ROWS, COLS], &mut rng).unwrap()
}

fn mean_std(w: &ArrayD<f64>) -> (f64, f64) {
    let mean = w.mean().unwrap();
    let var = w.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (N - 1.0);
    (mean, var.sqrt())
}

fn assert_within(what: &str, got: f64, want: f64, se: f64) {
    assert!(
        (got - want).abs() < 5.0 * se,
        "{what}: got {got}, want {want} ± 5·{se}"
    );
}

/// U(low, high): every draw inside, the extremes reached, mean and std right.
fn check_uniform(init: Init, low: f64, high: f64) {
    let w = sample(init, 1);
    let sigma = (high - low) / 12f64.sqrt();
    let (mean, std) = mean_std(&w);
    let name = init.name();
    assert!(
        w.iter().all(|&x| (low..high).contains(&x)),
        "{name}: a draw outside [{low}, {high})"
    );
    // P(max < high - δ(high-low)) = (1-δ)^n ≈ e^{-13} for δ = 1e-4
    let width = high - low;
    assert!(
        w.iter().any(|&x| x > high - 1e-4 * width),
        "{name}: upper bound not reached"
    );
    assert!(
        w.iter().any(|&x| x < low + 1e-4 * width),
        "{name}: lower bound not reached"
    );
    assert_within(
        &format!("{name} mean"),
        mean,
        (low + high) / 2.0,
        sigma / N.sqrt(),
    );
    assert_within(&format!("{name} std"), std, sigma, sigma * (0.2 / N).sqrt());
}

/// N(mean, σ²): mean, std, and the fraction within one σ (0.682689...).
fn check_normal(init: Init, want_mean: f64, sigma: f64) {
    let w = sample(init, 2);
    let (mean, std) = mean_std(&w);
    let name = init.name();
    assert_within(&format!("{name} mean"), mean, want_mean, sigma / N.sqrt());
    assert_within(&format!("{name} std"), std, sigma, sigma / (2.0 * N).sqrt());
    let p = 0.682_689_492_137_085_9; // erf(1/√2)
    let inside = w.iter().filter(|&&x| (x - want_mean).abs() < sigma).count() as f64 / N;
    assert_within(
        &format!("{name} P(|w-μ|<σ)"),
        inside,
        p,
        (p * (1.0 - p) / N).sqrt(),
    );
}

#[test]
fn zeros_and_constant_are_exact() {
    assert!(sample(Init::Zeros, 0).iter().all(|&x| x == 0.0));
    assert!(sample(Init::Constant(0.25), 0).iter().all(|&x| x == 0.25));
}

#[test]
fn uniform_with_given_bounds() {
    check_uniform(
        Init::Uniform {
            low: -0.3,
            high: 0.7,
        },
        -0.3,
        0.7,
    );
}

#[test]
fn normal_with_given_mean_and_std() {
    check_normal(
        Init::Normal {
            mean: 0.5,
            std: 0.02,
        },
        0.5,
        0.02,
    );
}

#[test]
fn xavier_uniform_bound_is_gain_sqrt_6_over_fan_sum() {
    let gain = Nonlinearity::Tanh.gain();
    let b = gain * (6.0 / (FAN_IN + FAN_OUT)).sqrt();
    check_uniform(Init::xavier_uniform(Nonlinearity::Tanh), -b, b);
}

#[test]
fn xavier_normal_std_is_gain_sqrt_2_over_fan_sum() {
    let sigma = (2.0 / (FAN_IN + FAN_OUT)).sqrt();
    check_normal(Init::xavier_normal(Nonlinearity::Linear), 0.0, sigma);
}

#[test]
fn kaiming_uniform_bound_is_gain_sqrt_3_over_fan() {
    let gain = 2f64.sqrt();
    let b = gain * (3.0 / FAN_IN).sqrt();
    check_uniform(
        Init::kaiming_uniform(FanMode::FanIn, Nonlinearity::Relu),
        -b,
        b,
    );
    let b = gain * (3.0 / FAN_OUT).sqrt();
    check_uniform(
        Init::kaiming_uniform(FanMode::FanOut, Nonlinearity::Relu),
        -b,
        b,
    );
}

#[test]
fn kaiming_normal_std_is_gain_over_sqrt_fan() {
    let slope: f64 = 0.2;
    let gain = (2.0 / (1.0 + slope * slope)).sqrt();
    let init = Init::kaiming_normal(FanMode::FanIn, Nonlinearity::LeakyRelu(slope));
    check_normal(init, 0.0, gain / FAN_IN.sqrt());
    let init = Init::kaiming_normal(FanMode::FanOut, Nonlinearity::Relu);
    check_normal(init, 0.0, 2f64.sqrt() / FAN_OUT.sqrt());
}

#[test]
fn lecun_normal_std_is_sqrt_1_over_fan_in() {
    check_normal(Init::LecunNormal, 0.0, (1.0 / FAN_IN).sqrt());
}

#[test]
fn torch_linear_default_bound_is_one_over_sqrt_fan_in() {
    let b = 1.0 / FAN_IN.sqrt();
    check_uniform(Init::torch_linear_weight(), -b, b);
}

#[test]
fn orthogonal_rows_are_orthonormal_times_gain() {
    let gain = 1.5;
    let w = sample(Init::Orthogonal { gain }, 3)
        .into_dimensionality::<ndarray::Ix2>()
        .unwrap();
    let gram = w.dot(&w.t()); // 256 × 256 = gain² I (256 rows < 512 columns)
    for ((i, j), &g) in gram.indexed_iter() {
        let want = if i == j { gain * gain } else { 0.0 };
        assert!((g - want).abs() < 1e-12, "G[{i},{j}] = {g}");
    }
    // Hence the entries' mean square is exactly gain²·256/131072 = gain²/512,
    // and their mean is 0 within 5 SE (entries are exchangeable, σ = gain/√512).
    let sigma = gain / FAN_IN.sqrt();
    let (mean, _) = mean_std(&w.into_dyn());
    assert_within("orthogonal mean", mean, 0.0, sigma / N.sqrt());
}

#[test]
fn orthogonal_tall_matrix_has_orthonormal_columns() {
    let mut rng = StdRng::seed_from_u64(4);
    let w = Init::orthogonal(Nonlinearity::Linear)
        .sample::<f64, _>(&[512, 256], &mut rng)
        .unwrap()
        .into_dimensionality::<ndarray::Ix2>()
        .unwrap();
    let gram = w.t().dot(&w);
    for ((i, j), &g) in gram.indexed_iter() {
        let want = if i == j { 1.0 } else { 0.0 };
        assert!((g - want).abs() < 1e-12, "G[{i},{j}] = {g}");
    }
}

#[test]
fn f32_samples_follow_the_same_formula() {
    let mut rng = StdRng::seed_from_u64(5);
    let w = Init::kaiming_normal(FanMode::FanIn, Nonlinearity::Relu)
        .sample::<f32, _>(&[ROWS, COLS], &mut rng)
        .unwrap()
        .mapv(f64::from);
    let sigma = (2.0 / FAN_IN).sqrt();
    let (_, std) = mean_std(&w);
    assert_within("f32 kaiming std", std, sigma, sigma / (2.0 * N).sqrt());
}

#[test]
fn same_seed_same_draws_and_different_seed_different_draws() {
    let init = Init::xavier_normal(Nonlinearity::Relu);
    assert_eq!(sample(init, 9), sample(init, 9));
    assert_ne!(sample(init, 9), sample(init, 10));
}

#[test]
fn fan_based_schemes_refuse_vectors() {
    let mut rng = StdRng::seed_from_u64(0);
    for init in [
        Init::xavier_uniform(Nonlinearity::Linear),
        Init::xavier_normal(Nonlinearity::Linear),
        Init::kaiming_uniform(FanMode::FanIn, Nonlinearity::Relu),
        Init::kaiming_normal(FanMode::FanOut, Nonlinearity::Relu),
        Init::LecunNormal,
        Init::orthogonal(Nonlinearity::Linear),
    ] {
        let err = init.sample::<f64, _>(&[10], &mut rng).unwrap_err();
        assert!(
            matches!(err, nn::NnError::FanUndefined { ref shape, .. } if shape == &[10]),
            "{init:?}: {err}"
        );
    }
    assert!(Init::Zeros.sample::<f64, _>(&[10], &mut rng).is_ok());
}

#[test]
fn invalid_parameters_are_refused() {
    let mut rng = StdRng::seed_from_u64(0);
    for init in [
        Init::Uniform {
            low: 1.0,
            high: 0.0,
        },
        Init::Normal {
            mean: 0.0,
            std: -1.0,
        },
        Init::Constant(f64::NAN),
        Init::XavierUniform {
            gain: f64::INFINITY,
        },
    ] {
        let err = init.sample::<f64, _>(&[3, 3], &mut rng).unwrap_err();
        assert!(
            matches!(err, nn::NnError::InvalidHyperparameter { .. }),
            "{init:?}: {err}"
        );
    }
}

#[test]
fn conv_shaped_fans_include_the_receptive_field() {
    // (out=8, in=4, 3, 3): fan_in = 36, fan_out = 72, as PyTorch
    let s = Init::XavierNormal { gain: 1.0 }
        .spread(&[8, 4, 3, 3])
        .unwrap();
    assert_eq!(
        s,
        nn::Spread::Normal {
            mean: 0.0,
            std: (2.0f64 / 108.0).sqrt()
        }
    );
}
