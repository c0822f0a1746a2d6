//! Saving and restoring optimizer state: bit-exact resumption through JSON,
//! and typed errors for states that do not fit.

mod common;

use common::{Model, VARIANTS, build};
use ndarray::array;
use optim::{
    AdamConfig, AdamWConfig, BufferProblem, F64Bits, Float, OptimError, Optimizer, OptimizerKind,
    OptimizerState, ParamGroup, ParamMut, SgdConfig,
};

fn json_roundtrip(state: &OptimizerState) -> OptimizerState {
    let text = serde_json::to_string(state).expect("serializes");
    serde_json::from_str(&text).expect("deserializes")
}

fn resume_is_bit_exact<T: Float>() {
    for variant in 0..VARIANTS {
        let values = [0.5, -1.5, 2.0, 0.25, -0.75, 1.0, 0.3, -0.2, 0.9];
        let mut uninterrupted = build::<T>(variant, 0.01, 0.01);
        let mut model = Model::<T>::new(&values);
        for _ in 0..4 {
            model.step(uninterrupted.as_mut(), 0.7).unwrap();
        }
        let saved = json_roundtrip(&uninterrupted.state());
        let mut resumed_model = Model {
            w: model.w.clone(),
            b: model.b.clone(),
        };
        // Built with other hyperparameters: loading restores the saved ones.
        let mut resumed = build::<T>(variant, 0.5, 0.0);
        resumed.load_state(&saved).unwrap();
        assert_eq!(resumed.state(), uninterrupted.state(), "variant {variant}");
        for _ in 0..4 {
            model.step(uninterrupted.as_mut(), 0.7).unwrap();
            resumed_model.step(resumed.as_mut(), 0.7).unwrap();
        }
        let bits =
            |a: &ndarray::ArrayD<T>| a.iter().map(|v| v.as_f64().to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&model.w), bits(&resumed_model.w), "variant {variant}");
        assert_eq!(bits(&model.b), bits(&resumed_model.b), "variant {variant}");
        assert_eq!(resumed.state(), uninterrupted.state(), "variant {variant}");
    }
}

#[test]
fn resuming_from_json_is_bit_exact_in_f64() {
    resume_is_bit_exact::<f64>();
}

#[test]
fn resuming_from_json_is_bit_exact_in_f32() {
    resume_is_bit_exact::<f32>();
}

#[test]
fn the_state_records_steps_buffers_and_groups() {
    let mut opt = AdamConfig::default()
        .amsgrad(true)
        .group(ParamGroup::matching(|n| n.ends_with("bias")).lr(0.5))
        .build::<f32>()
        .unwrap();
    let mut model = Model::<f32>::new(&[1.0, 2.0]);
    model.step(&mut opt, 1.0).unwrap();
    model.step(&mut opt, 1.0).unwrap();
    let state = opt.state();
    assert_eq!(state.kind(), OptimizerKind::Adam);
    assert_eq!(state.groups.len(), 2);
    assert_eq!(state.groups[1].lr, 0.5);
    let bias = &state.params["layers.0.bias"];
    assert_eq!((bias.group, bias.step, bias.shape.clone()), (1, 2, vec![3]));
    let names: Vec<&str> = bias.buffers.keys().map(String::as_str).collect();
    assert_eq!(names, ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]);
    assert_eq!(
        bias.buffers["exp_avg"].to_values::<f32>(),
        opt.buffer("layers.0.bias", "exp_avg").unwrap()
    );
}

#[test]
fn a_state_from_another_optimizer_is_rejected() {
    let sgd = SgdConfig::default().build::<f64>().unwrap();
    let mut adam = AdamConfig::default().build::<f64>().unwrap();
    let err = adam.load_state(&sgd.state()).unwrap_err();
    assert_eq!(
        err,
        OptimError::WrongOptimizer {
            expected: OptimizerKind::Adam,
            found: OptimizerKind::Sgd
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot load a state saved by SGD into Adam"
    );
    // Adam and AdamW share buffers but not semantics.
    let mut adamw = AdamWConfig::default().build::<f64>().unwrap();
    assert!(matches!(
        adamw.load_state(&adam.state()),
        Err(OptimError::WrongOptimizer { .. })
    ));
}

#[test]
fn mismatched_dtype_and_groups_are_rejected() {
    let f32_state = AdamConfig::default().build::<f32>().unwrap().state();
    let mut adam64 = AdamConfig::default().build::<f64>().unwrap();
    assert!(matches!(
        adam64.load_state(&f32_state),
        Err(OptimError::WrongDtype { .. })
    ));
    let grouped = AdamConfig::default()
        .group(ParamGroup::names(["x"]))
        .build::<f64>()
        .unwrap()
        .state();
    assert!(matches!(
        adam64.load_state(&grouped),
        Err(OptimError::GroupCountMismatch {
            expected: 1,
            found: 2
        })
    ));
}

/// A one-step Adam state on a parameter of shape [2], to corrupt.
fn adam_state() -> (optim::Adam<f64>, OptimizerState) {
    let mut opt = AdamConfig::default().build::<f64>().unwrap();
    let (mut x, g) = (array![1.0, 2.0], array![0.1, 0.2]);
    opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])
        .unwrap();
    let state = opt.state();
    (opt, state)
}

#[test]
fn corrupt_states_are_rejected_and_leave_the_optimizer_unchanged() {
    let (mut opt, good) = adam_state();
    type Expected = fn(&OptimError) -> bool;
    let mut cases: Vec<(OptimizerState, Expected)> = Vec::new();

    let mut missing = good.clone();
    missing
        .params
        .get_mut("x")
        .unwrap()
        .buffers
        .remove("exp_avg_sq");
    cases.push((missing, |e| {
        matches!(
            e,
            OptimError::BadBuffer {
                problem: BufferProblem::Missing,
                ..
            }
        )
    }));

    let mut short = good.clone();
    short
        .params
        .get_mut("x")
        .unwrap()
        .buffers
        .insert("exp_avg".into(), F64Bits(vec![0]));
    cases.push((short, |e| {
        matches!(
            e,
            OptimError::BadBuffer {
                problem: BufferProblem::Length {
                    expected: 2,
                    found: 1
                },
                ..
            }
        )
    }));

    let mut extra = good.clone();
    extra
        .params
        .get_mut("x")
        .unwrap()
        .buffers
        .insert("momentum_buffer".into(), F64Bits(vec![0, 0]));
    cases.push((extra, |e| {
        matches!(
            e,
            OptimError::BadBuffer {
                problem: BufferProblem::Unexpected,
                ..
            }
        )
    }));

    let mut huge = good.clone();
    huge.params.get_mut("x").unwrap().shape = vec![usize::MAX, 2];
    cases.push((huge, |e| {
        matches!(
            e,
            OptimError::BadBuffer {
                problem: BufferProblem::ShapeOverflow,
                ..
            }
        )
    }));

    let mut bad_group = good.clone();
    bad_group.params.get_mut("x").unwrap().group = 3;
    cases.push((bad_group, |e| {
        matches!(
            e,
            OptimError::NoSuchGroup {
                group: 3,
                groups: 1
            }
        )
    }));

    let mut negative_lr = good.clone();
    negative_lr.groups[0].lr = -1.0;
    cases.push((negative_lr, |e| {
        matches!(e, OptimError::InvalidHyperparameter { name: "lr", .. })
    }));

    let mut bad_beta = good.clone();
    if let optim::Hyperparameters::Adam(rule) = &mut bad_beta.hyperparameters {
        rule.betas.1 = 1.5;
    }
    cases.push((bad_beta, |e| {
        matches!(
            e,
            OptimError::InvalidHyperparameter {
                name: "betas[1]",
                ..
            }
        )
    }));

    for (state, expected) in cases {
        let err = opt.load_state(&state).unwrap_err();
        assert!(expected(&err), "{err:?}");
        assert_eq!(opt.state(), good, "a failed load changed the optimizer");
    }
    opt.load_state(&good).unwrap();
}

#[test]
fn a_restored_parameter_with_another_shape_is_an_error() {
    let (mut opt, _) = adam_state();
    let (mut x, g) = (array![1.0, 2.0, 3.0], array![0.1, 0.2, 0.3]);
    let err = opt
        .step(&mut [ParamMut::new("x", x.view_mut(), g.view())])
        .unwrap_err();
    assert_eq!(
        err,
        OptimError::StateShapeMismatch {
            param: "x".into(),
            value: vec![3],
            state: vec![2]
        }
    );
    assert_eq!(x, array![1.0, 2.0, 3.0]);
}

#[test]
fn nadam_keeps_mu_product_in_f64_for_f32_parameters() {
    let mut opt = optim::NAdamConfig::default().build::<f32>().unwrap();
    let (mut x, g) = (array![1.0_f32], array![0.5_f32]);
    let mut expected = 1.0_f64;
    for step in 1..=3 {
        opt.step(&mut [ParamMut::new("x", x.view_mut(), g.view())])
            .unwrap();
        expected *= 0.9 * (1.0 - 0.5 * 0.96_f64.powf(step as f64 * 4e-3));
    }
    let bits = opt.state().params["x"].scalars["mu_product"];
    assert_eq!(f64::from_bits(bits), expected);
    assert_ne!(f64::from(expected as f32), expected);
}

#[test]
fn rprop_refuses_a_weight_decay_when_built_or_loaded() {
    let err = optim::RpropConfig::default()
        .weight_decay(0.1)
        .build::<f64>()
        .unwrap_err();
    assert!(matches!(
        err,
        OptimError::InvalidHyperparameter {
            name: "weight_decay",
            ..
        }
    ));
    let mut opt = optim::RpropConfig::default().build::<f64>().unwrap();
    let mut state = opt.state();
    state.groups[0].weight_decay = 0.1;
    assert!(opt.load_state(&state).is_err());
}

#[test]
fn muon_resumes_bit_exactly_and_refuses_vectors() {
    let run = |opt: &mut dyn Optimizer<f32>, w: &mut ndarray::Array2<f32>| {
        let g = w.mapv(|v| v * 0.7 + 0.1);
        opt.step(&mut [ParamMut::new("w", w.view_mut(), g.view())])
            .unwrap();
    };
    let mut a = optim::MuonConfig::default()
        .lr(0.02)
        .build::<f32>()
        .unwrap();
    let mut w = array![[0.5_f32, -1.5, 2.0], [0.25, -0.75, 1.0]];
    for _ in 0..3 {
        run(&mut a, &mut w);
    }
    let mut b = optim::MuonConfig::default().build::<f32>().unwrap();
    b.load_state(&json_roundtrip(&a.state())).unwrap();
    let mut w2 = w.clone();
    for _ in 0..3 {
        run(&mut a, &mut w);
        run(&mut b, &mut w2);
    }
    let bits = |w: &ndarray::Array2<f32>| w.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&w), bits(&w2));
    assert_eq!(a.state(), b.state());
    let (mut v, g) = (array![1.0_f32, 2.0], array![0.1_f32, 0.1]);
    let err = b
        .step(&mut [ParamMut::new("bias", v.view_mut(), g.view())])
        .unwrap_err();
    assert!(matches!(
        err,
        OptimError::UnsupportedShape { ref shape, .. } if shape == &[2]
    ));
    assert_eq!(v, array![1.0_f32, 2.0]);
}
