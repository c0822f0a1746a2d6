//! Properties: a zero learning rate never moves a parameter; save → load →
//! step equals an uninterrupted step; every bad input is an `Err` (never a
//! panic, never a silent no-op).

mod common;

use common::{Model, VARIANTS, build};
use ndarray::{ArrayD, IxDyn};
use optim::{
    AdadeltaConfig, AdagradConfig, AdamConfig, AdamWConfig, AdamaxConfig, BoxBounds, ConstantLr,
    Convergence, CosineAnnealingLr, CosineAnnealingWarmRestarts, CyclicConfig, Divergence,
    ExpBarrier, ExponentialLr, Float, LinearLr, LogBarrier, Momentum, MultiStepLr, NAdamConfig,
    NonFinite, NormType, OneCycleConfig, OptimizerState, ParamMut, PlateauConfig, PolynomialLr,
    RAdamConfig, RandomSearch, RmsPropConfig, SgdConfig, Side, StepLr, clip_grad_norm,
    clip_grad_value, grad_norm,
};
use proptest::prelude::*;

fn values() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-10.0..10.0_f64, 9)
}

fn zero_lr_never_moves<T: Float>(
    variant: usize,
    wd: f64,
    steps: usize,
    vals: &[f64],
) -> Result<(), TestCaseError> {
    let mut opt = build::<T>(variant, 0.0, wd);
    let mut model = Model::<T>::new(vals);
    let (w0, b0) = (model.w.clone(), model.b.clone());
    for _ in 0..steps {
        model.step(opt.as_mut(), 1.3).unwrap();
    }
    prop_assert_eq!(&model.w, &w0, "variant {}", variant);
    prop_assert_eq!(&model.b, &b0, "variant {}", variant);
    Ok(())
}

fn bits<T: Float>(a: &ArrayD<T>) -> Vec<u64> {
    a.iter().map(|v| v.as_f64().to_bits()).collect()
}

fn resume_equals_uninterrupted<T: Float>(
    variant: usize,
    before: usize,
    after: usize,
    vals: &[f64],
) -> Result<(), TestCaseError> {
    let mut a = build::<T>(variant, 0.05, 0.01);
    let mut model = Model::<T>::new(vals);
    for _ in 0..before {
        model.step(a.as_mut(), 0.9).unwrap();
    }
    let text = serde_json::to_string(&a.state()).unwrap();
    let state: OptimizerState = serde_json::from_str(&text).unwrap();
    let mut b = build::<T>(variant, 1.0, 0.0);
    b.load_state(&state).unwrap();
    let mut copy = Model {
        w: model.w.clone(),
        b: model.b.clone(),
    };
    for _ in 0..after {
        model.step(a.as_mut(), 0.9).unwrap();
        copy.step(b.as_mut(), 0.9).unwrap();
    }
    prop_assert_eq!(bits(&model.w), bits(&copy.w), "variant {}", variant);
    prop_assert_eq!(bits(&model.b), bits(&copy.b), "variant {}", variant);
    Ok(())
}

/// Values no learning rate, weight decay or eps may take.
fn bad_non_negative() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e6..-1e-12_f64,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY)
    ]
}

/// Values no beta or momentum may take.
fn bad_unit() -> impl Strategy<Value = f64> {
    prop_oneof![bad_non_negative(), 1.0..1e6_f64]
}

/// Values eps and step sizes may not take (zero included).
fn bad_positive() -> impl Strategy<Value = f64> {
    prop_oneof![bad_non_negative(), Just(0.0)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn zero_learning_rate_never_moves_a_parameter(
        variant in 0..VARIANTS,
        wd in 0.0..0.5_f64,
        steps in 1usize..5,
        vals in values(),
    ) {
        zero_lr_never_moves::<f64>(variant, wd, steps, &vals)?;
        zero_lr_never_moves::<f32>(variant, wd, steps, &vals)?;
    }

    #[test]
    fn save_load_step_equals_an_uninterrupted_step(
        variant in 0..VARIANTS,
        before in 0usize..4,
        after in 1usize..4,
        vals in values(),
    ) {
        resume_equals_uninterrupted::<f64>(variant, before, after, &vals)?;
        resume_equals_uninterrupted::<f32>(variant, before, after, &vals)?;
    }

    #[test]
    fn bad_learning_rates_and_weight_decays_are_errors(variant in 0..10usize, bad in bad_non_negative(), which in 0..2usize) {
        let (lr, wd) = if which == 0 { (bad, 0.0) } else { (1e-3, bad) };
        let built = match variant {
            0 => SgdConfig::default().lr(lr).weight_decay(wd).build::<f64>().map(drop),
            1 => AdagradConfig::default().lr(lr).weight_decay(wd).build::<f64>().map(drop),
            2 => RmsPropConfig::default().lr(lr).weight_decay(wd).build::<f64>().map(drop),
            3 => AdamConfig::default().lr(lr).weight_decay(wd).build::<f64>().map(drop),
            4 => AdamWConfig::default().lr(lr).weight_decay(wd).build::<f64>().map(drop),
            5 => AdadeltaConfig::default().lr(lr).weight_decay(wd).build::<f64>().map(drop),
            6 => AdamaxConfig::default().lr(lr).weight_decay(wd).build::<f64>().map(drop),
            7 => NAdamConfig::default().lr(lr).weight_decay(wd).build::<f64>().map(drop),
            8 => RAdamConfig::default().lr(lr).weight_decay(wd).build::<f64>().map(drop),
            _ => SgdConfig::default()
                .group(optim::ParamGroup::names(["x"]).lr(lr).weight_decay(wd))
                .build::<f64>()
                .map(drop),
        };
        prop_assert!(built.is_err());
    }

    #[test]
    fn bad_betas_eps_and_momenta_are_errors(beta in bad_unit(), eps in bad_positive(), which in 0..14usize) {
        let good = 0.9;
        let built = match which {
            0 => AdamConfig::default().betas(beta, 0.999).build::<f32>().map(drop),
            1 => AdamConfig::default().betas(good, beta).build::<f32>().map(drop),
            2 => AdamWConfig::default().eps(eps).build::<f32>().map(drop),
            3 => AdamaxConfig::default().betas(beta, 0.999).build::<f32>().map(drop),
            4 => NAdamConfig::default().betas(good, beta).build::<f32>().map(drop),
            5 => NAdamConfig::default().momentum_decay(eps.min(-1e-9)).build::<f32>().map(drop),
            6 => RAdamConfig::default().eps(eps).build::<f32>().map(drop),
            7 => RmsPropConfig::default().momentum(beta).build::<f32>().map(drop),
            8 => RmsPropConfig::default().alpha(if beta >= 1.0 { beta + 1.0 } else { beta }).build::<f32>().map(drop),
            9 => AdadeltaConfig::default().rho(if beta >= 1.0 { beta + 1.0 } else { beta }).build::<f32>().map(drop),
            10 => AdagradConfig::default().eps(eps).build::<f32>().map(drop),
            11 => SgdConfig::default().momentum(Momentum::heavy(beta)).build::<f32>().map(drop),
            12 => SgdConfig::default().momentum(Momentum::Nesterov { momentum: if beta >= 1.0 { beta } else { 0.0 } }).build::<f32>().map(drop),
            _ => SgdConfig::default()
                .momentum(Momentum::Heavy { momentum: good, dampening: if beta >= 1.0 { beta + 1.0 } else { beta } })
                .build::<f32>()
                .map(drop),
        };
        prop_assert!(built.is_err());
    }

    #[test]
    fn mismatched_gradient_shapes_are_errors(
        variant in 0..VARIANTS,
        rows in 1usize..4, cols in 1usize..4,
        grows in 1usize..4, gcols in 1usize..4,
    ) {
        prop_assume!((rows, cols) != (grows, gcols));
        let mut opt = build::<f64>(variant, 0.1, 0.0);
        let mut p = ArrayD::from_elem(IxDyn(&[rows, cols]), 1.0);
        let g = ArrayD::from_elem(IxDyn(&[grows, gcols]), 1.0);
        let before = p.clone();
        let err = opt.step(&mut [ParamMut::new("p", p.view_mut(), g.view())]);
        prop_assert!(
            matches!(err, Err(optim::OptimError::GradShapeMismatch { .. })),
            "{:?}", err
        );
        prop_assert_eq!(p, before);
    }

    #[test]
    fn bad_schedule_settings_are_errors(bad in bad_non_negative(), which in 0..12usize) {
        let built = match which {
            0 => StepLr::new(3, bad).map(drop),
            1 => MultiStepLr::new(vec![1, 2], bad).map(drop),
            2 => ExponentialLr::new(bad).map(drop),
            3 => CosineAnnealingLr::new(10, bad).map(drop),
            4 => CosineAnnealingWarmRestarts::new(3, 1, bad).map(drop),
            5 => LinearLr::new(bad, 1.0, 5).map(drop),
            6 => PolynomialLr::new(5, bad).map(drop),
            7 => ConstantLr::new(bad, 5).map(drop),
            8 => OneCycleConfig::new(bad, 100).build().map(drop),
            9 => CyclicConfig::new(bad, 1.0).build().map(drop),
            10 => PlateauConfig::default().threshold(bad, optim::ThresholdMode::Rel).build().map(drop),
            _ => PlateauConfig::default().min_lr(bad).build().map(drop),
        };
        prop_assert!(built.is_err());
    }

    #[test]
    fn bad_clipping_constraint_and_search_settings_are_errors(bad in bad_non_negative(), which in 0..9usize) {
        let mut grads = [ndarray::array![1.0_f64, -2.0]];
        let err = match which {
            0 => clip_grad_norm(&mut grads, bad, NormType::L2, NonFinite::Propagate).map(drop),
            1 => clip_grad_value(&mut grads, bad).map(drop),
            2 => BoxBounds::uniform(1.0, if bad.is_nan() { bad } else { -1.0 }).map(drop),
            3 => ExpBarrier::new(0.0, bad, Side::Upper).map(drop),
            4 => LogBarrier::new(0.0, bad, Side::Lower).map(drop),
            5 => RandomSearch::new(bad, 10).map(drop),
            6 => Convergence::new(bad, 2).map(drop),
            7 => Divergence::new(bad).map(drop),
            _ => optim::batch_scaled_lr(bad, 64).map(drop),
        };
        prop_assert!(err.is_err());
        prop_assert_eq!(&grads[0], &ndarray::array![1.0, -2.0]);
    }

    #[test]
    fn clipping_bounds_the_norm_and_keeps_the_direction(
        a in prop::collection::vec(-100.0..100.0_f64, 1..6),
        b in prop::collection::vec(-100.0..100.0_f64, 1..6),
        max_norm in 0.01..10.0_f64,
    ) {
        let original = [ndarray::Array1::from(a), ndarray::Array1::from(b)];
        let mut grads = original.clone();
        let before = clip_grad_norm(&mut grads, max_norm, NormType::L2, NonFinite::Error).unwrap();
        prop_assert!((before - grad_norm(&original, NormType::L2)).abs() <= 1e-12 * before);
        let after = grad_norm(&grads, NormType::L2);
        prop_assert!(after <= max_norm * (1.0 + 1e-12) || after <= before * (1.0 + 1e-12));
        let scale = if before > 0.0 { after / before } else { 1.0 };
        for (g, o) in grads.iter().zip(&original) {
            for (x, y) in g.iter().zip(o) {
                prop_assert!((x - y * scale).abs() <= 1e-9 * y.abs().max(1e-300));
            }
        }
    }
}
