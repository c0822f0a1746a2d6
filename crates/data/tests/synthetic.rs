//! Synthetic datasets: reproducible from a seed, with the promised structure.

use data::{Basis, DataError, LinearRegressionConfig, QuadraticConfig, Spacing, TwoClassConfig};
use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

#[test]
fn linear_regression_is_reproducible_and_linear() {
    let config = LinearRegressionConfig {
        examples: 50,
        features: 3,
        noise_std: 0.5,
        bias: -2.0,
    };
    let a = config.generate(&mut rng(1)).unwrap();
    assert_eq!(a, config.generate(&mut rng(1)).unwrap());
    assert_ne!(a.x, config.generate(&mut rng(2)).unwrap().x);
    assert_eq!(a.x.dim(), (50, 3));
    let residual = &a.y - &(a.x.dot(&a.weights) + a.bias);
    let noise_std = (residual.mapv(|r| r * r).sum() / 50.0).sqrt();
    assert!((0.3..0.7).contains(&noise_std), "noise std {noise_std}");
    let bad = LinearRegressionConfig {
        noise_std: -1.0,
        ..config
    };
    assert!(matches!(
        bad.generate(&mut rng(0)),
        Err(DataError::InvalidArgument { .. })
    ));
}

#[test]
fn quadratic_bowl_has_the_chosen_spectrum() {
    for spacing in [Spacing::Geometric, Spacing::Linear] {
        let config = QuadraticConfig {
            dim: 5,
            condition_number: 1000.0,
            min_eigenvalue: 0.1,
            spacing,
            basis: Basis::Random,
        };
        let bowl = config.generate(&mut rng(3)).unwrap();
        assert!((bowl.condition_number() - 1000.0).abs() < 1e-6);
        assert!((bowl.strong_convexity() - 0.1).abs() < 1e-12);
        assert!((bowl.smoothness() - 100.0).abs() < 1e-9);
        // A v_i = lambda_i v_i for every eigenpair.
        for (i, &lambda) in bowl.eigenvalues.iter().enumerate() {
            let v = bowl.eigenvectors.column(i);
            let err = (bowl.matrix.dot(&v) - &v * lambda).mapv(f64::abs).sum();
            assert!(err < 1e-9, "eigenpair {i}: {err}");
        }
        assert_eq!(bowl.matrix, bowl.matrix.t());
    }
    let geometric = QuadraticConfig {
        dim: 3,
        condition_number: 100.0,
        ..Default::default()
    };
    let ev = geometric.generate(&mut rng(0)).unwrap().eigenvalues;
    assert!(
        (ev[1] - 10.0).abs() < 1e-12,
        "middle eigenvalue of 1, 10, 100"
    );
}

#[test]
fn quadratic_bowl_value_and_gradient() {
    let config = QuadraticConfig {
        dim: 3,
        condition_number: 4.0,
        basis: Basis::Axes,
        spacing: Spacing::Linear,
        ..Default::default()
    };
    let bowl = config.generate(&mut rng(4)).unwrap();
    assert_eq!(
        bowl.matrix,
        Array2::from_diag(&Array1::from(vec![1.0, 2.5, 4.0]))
    );
    let w = &bowl.minimizer + &Array1::from(vec![1.0, 0.0, 1.0]);
    // f = 1/2 (1 * 1 + 4 * 1) = 2.5; grad = A (w - w*) = (1, 0, 4).
    assert!((bowl.value(w.view()).unwrap() - 2.5).abs() < 1e-12);
    let g = bowl.gradient(w.view()).unwrap();
    assert!((g - Array1::from(vec![1.0, 0.0, 4.0])).mapv(f64::abs).sum() < 1e-12);
    assert!(bowl.gradient(Array1::zeros(2).view()).is_err());
}

#[test]
fn quadratic_bowl_refuses_bad_settings() {
    let bad = [
        QuadraticConfig {
            dim: 0,
            ..Default::default()
        },
        QuadraticConfig {
            condition_number: 0.5,
            ..Default::default()
        },
        QuadraticConfig {
            min_eigenvalue: 0.0,
            ..Default::default()
        },
        QuadraticConfig {
            dim: 1,
            condition_number: 2.0,
            ..Default::default()
        },
        QuadraticConfig {
            condition_number: f64::INFINITY,
            ..Default::default()
        },
    ];
    for config in bad {
        assert!(config.generate(&mut rng(0)).is_err(), "{config:?}");
    }
    let one = QuadraticConfig {
        dim: 1,
        condition_number: 1.0,
        ..Default::default()
    };
    assert_eq!(
        one.generate(&mut rng(0)).unwrap().eigenvalues.to_vec(),
        vec![1.0]
    );
}

#[test]
fn two_classes_are_balanced_and_separated_as_configured() {
    let config = TwoClassConfig {
        examples: 2000,
        features: 3,
        separation: 4.0,
        noise_std: 0.5,
    };
    let data = config.generate(&mut rng(8)).unwrap();
    assert_eq!(data, config.generate(&mut rng(8)).unwrap());
    assert_eq!(data.labels.iter().filter(|&&c| c == 1).count(), 1000);
    let gap = &data.means.row(1) - &data.means.row(0);
    assert!((gap.dot(&gap).sqrt() - 4.0).abs() < 1e-12);
    // The Bayes classifier sign(w* . x) is right about 1 - Phi(-4) of the time.
    let correct = data
        .x
        .rows()
        .into_iter()
        .zip(&data.labels)
        .filter(|(x, c)| (x.dot(&data.optimal_weights) > 0.0) == (**c == 1))
        .count();
    assert!(correct > 1990, "{correct} of 2000");
    assert_eq!(data.targets().sum(), 1000.0);
    let bad = TwoClassConfig {
        noise_std: 0.0,
        ..config
    };
    assert!(bad.generate(&mut rng(0)).is_err());
}
