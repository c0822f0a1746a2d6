//! The Module API as the trainer and the studies use it: the MLP builder,
//! names, parameters with gradients, per-layer outputs, weight access,
//! re-initialization and regularization terms.

use autodiff::{Gradients, Tape};
use ndarray::{Array2, array};
use nn::{
    Activation, BatchNorm1d, FanMode, Init, LayerKind, Linear, Mlp, MlpConfig, Mode, Module,
    NnError, Nonlinearity, Norm, ParamKind, ParamSelect, Regularizer, Sequential, init_model,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn rng() -> StdRng {
    StdRng::seed_from_u64(0)
}

#[test]
fn spec_errors_are_typed() {
    let bad_token = |spec: &str, token: &str| {
        let err = MlpConfig::parse(spec).unwrap_err();
        assert!(
            matches!(&err, NnError::InvalidSpec { spec: s, token: t } if s == spec && t == token),
            "{spec}: {err}"
        );
    };
    bad_token("784-ten-10", "ten");
    bad_token("784--10", "");
    bad_token("784-0-10", "0");
    bad_token("", "");
    bad_token("784-10-", "");
    bad_token("784-1.5-10", "1.5");
    assert!(matches!(
        MlpConfig::parse("784"),
        Err(NnError::SpecTooShort { .. })
    ));
    assert_eq!(
        MlpConfig::parse(" 784 - 10 - 10 ").unwrap().sizes(),
        [784, 10, 10]
    );
    let parsed: MlpConfig = "784-10-10".parse().unwrap();
    assert_eq!(parsed, MlpConfig::new(&[784, 10, 10]).unwrap());
    assert_eq!(
        MlpConfig::parse("784-ten-10").unwrap_err().to_string(),
        "invalid MLP spec \"784-ten-10\": \"ten\" is not a positive layer width"
    );
}

#[test]
fn layout_with_normalization_and_dropout_follows_pytorch_indices() {
    let config = MlpConfig::parse("8-6-4-2")
        .unwrap()
        .activation_per_layer(&[Activation::Relu, Activation::Tanh])
        .norm(Norm::Group(2))
        .dropout(0.1);
    let mlp = config.build::<f64>(&mut rng()).unwrap();
    let kinds: Vec<LayerKind> = mlp.layers().children().map(|c| c.kind()).collect();
    assert_eq!(
        kinds,
        [
            LayerKind::Linear,
            LayerKind::GroupNorm,
            LayerKind::Activation(Activation::Relu),
            LayerKind::Dropout,
            LayerKind::Linear,
            LayerKind::GroupNorm,
            LayerKind::Activation(Activation::Tanh),
            LayerKind::Dropout,
            LayerKind::Linear,
        ]
    );
    assert_eq!(mlp.linear_indices(), [0, 4, 8]);
    assert_eq!(mlp.activation_indices(), [2, 6]);
    let names: Vec<&str> = mlp.params().iter().map(|p| p.name()).collect();
    assert_eq!(
        names,
        [
            "layers.0.weight",
            "layers.0.bias",
            "layers.1.weight",
            "layers.1.bias",
            "layers.4.weight",
            "layers.4.bias",
            "layers.5.weight",
            "layers.5.bias",
            "layers.8.weight",
            "layers.8.bias",
        ]
    );
    assert_eq!(mlp.num_params(), 8 * 6 + 6 + 12 + 6 * 4 + 4 + 8 + 4 * 2 + 2);
    assert_eq!(
        config.to_string(),
        "8-6-4-2 relu,tanh group_norm(2) dropout(0.1)"
    );
}

#[test]
fn build_errors_are_typed() {
    let wrong = MlpConfig::parse("4-3-3-2")
        .unwrap()
        .activation_per_layer(&[Activation::Relu]);
    assert!(matches!(
        wrong.build::<f32>(&mut rng()),
        Err(NnError::WrongCount {
            expected: 2,
            found: 1,
            ..
        })
    ));
    let bad_p = MlpConfig::parse("4-3-2").unwrap().dropout(1.5);
    assert!(matches!(
        bad_p.build::<f32>(&mut rng()),
        Err(NnError::InvalidHyperparameter { .. })
    ));
}

#[test]
fn same_seed_same_model() {
    let a = Mlp::<f64>::from_spec("5-4-3", &mut StdRng::seed_from_u64(3)).unwrap();
    let b = Mlp::<f64>::from_spec("5-4-3", &mut StdRng::seed_from_u64(3)).unwrap();
    let c = Mlp::<f64>::from_spec("5-4-3", &mut StdRng::seed_from_u64(4)).unwrap();
    assert_eq!(a.linear_weight(0), b.linear_weight(0));
    assert_ne!(a.linear_weight(0), c.linear_weight(0));
}

#[test]
fn a_forward_pass_exposes_each_layers_output_for_diagnostics() {
    let mut mlp = MlpConfig::parse("3-5-2")
        .unwrap()
        .norm(Norm::Batch)
        .build::<f64>(&mut rng())
        .unwrap();
    let mut tape = Tape::new();
    let x = tape.constant(array![
        [1.0, -2.0, 0.5],
        [0.3, 0.1, -1.0],
        [2.0, 1.0, 0.0],
        [-1.0, 0.5, 0.5]
    ]);
    let y = mlp.forward(&mut tape, x, Mode::Train);
    let outputs = mlp.outputs().to_vec();
    assert_eq!(outputs.len(), 4); // Linear, BatchNorm, ReLU, Linear
    assert_eq!(outputs[3], y);
    // the BatchNorm output has per-feature mean 0 over the batch
    let bn_out = tape.value(outputs[1]);
    for col in bn_out.columns() {
        assert!(col.mean().unwrap().abs() < 1e-12);
    }
    // the ReLU output is the positive part of the BatchNorm output
    let relu_out = tape.value(mlp.hidden_activations()[0]);
    assert_eq!(relu_out, &bn_out.mapv(|v| v.max(0.0)));
    let dead = relu_out
        .columns()
        .into_iter()
        .filter(|c| c.iter().all(|&v| v == 0.0))
        .count();
    assert!(dead < 5, "BatchNorm leaves no unit dead on every sample");
}

#[test]
fn params_and_grads_pair_every_parameter_with_its_gradient() {
    let mut mlp = MlpConfig::parse("3-4-2")
        .unwrap()
        .norm(Norm::Layer)
        .build::<f32>(&mut rng())
        .unwrap();
    let (mut tape, mut grads) = (Tape::new(), Gradients::new());
    let x = array![[1.0_f32, -2.0, 0.5], [0.3, 0.1, -1.0]];
    for _ in 0..2 {
        tape.clear();
        let xv = tape.constant_copy(&x);
        let logits = mlp.forward(&mut tape, xv, Mode::Train);
        let loss = tape.cross_entropy(logits, &[0, 1]);
        tape.backward_into(loss, &mut grads).unwrap();
        let pairs = mlp.params_and_grads(&grads);
        let names: Vec<&str> = pairs.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "layers.0.weight",
                "layers.0.bias",
                "layers.1.weight",
                "layers.1.bias",
                "layers.3.weight",
                "layers.3.bias"
            ]
        );
        for p in &pairs {
            let g = p
                .grad
                .as_ref()
                .expect("every parameter is on the path to the loss");
            assert_eq!(g.shape(), p.value.shape(), "{}", p.name);
        }
    }
    // the same gradient through Param::grad
    let w = mlp.param("layers.3.weight").unwrap();
    assert_eq!(w.grad(&grads).unwrap().shape(), &[2, 4]);
}

#[test]
fn weights_can_be_read_and_replaced_and_the_forward_pass_uses_them() {
    let mut mlp = Mlp::<f64>::from_spec("4-3-2", &mut rng()).unwrap();
    mlp.linear_weight_mut(0).fill(0.0);
    mlp.linear_weight_mut(0)
        .row_mut(1)
        .assign(&array![1.0, 2.0, 3.0, 4.0]);
    mlp.param_mut("layers.0.bias")
        .unwrap()
        .value_mut()
        .fill(0.0);
    let mut tape = Tape::new();
    let x = tape.constant(array![[1.0, 1.0, 1.0, 1.0]]);
    mlp.forward(&mut tape, x, Mode::Eval);
    let hidden = tape.value(mlp.hidden_activations()[0]);
    assert_eq!(hidden, &array![[0.0, 10.0, 0.0]].into_dyn());
    assert_eq!(mlp.linear_weight(0).row(1).sum(), 10.0);
}

#[test]
fn nested_containers_get_dotted_prefixes() {
    let mut r = rng();
    let inner = Sequential::new()
        .with(Linear::<f64>::new(2, 2, &mut r))
        .with(BatchNorm1d::new(2));
    let outer = Sequential::new().with(Activation::Relu).with(inner);
    let names: Vec<String> = outer
        .params()
        .iter()
        .map(|p| p.name().to_string())
        .collect();
    assert_eq!(names, ["1.0.weight", "1.0.bias", "1.1.weight", "1.1.bias"]);
    let buffers: Vec<String> = outer
        .buffers()
        .iter()
        .map(|b| b.name().to_string())
        .collect();
    assert_eq!(
        buffers,
        [
            "1.1.running_mean",
            "1.1.running_var",
            "1.1.num_batches_tracked"
        ]
    );
}

#[test]
fn init_model_redraws_weights_and_biases_and_leaves_normalization_alone() {
    let mut mlp = MlpConfig::parse("64-32-10")
        .unwrap()
        .norm(Norm::Batch)
        .build::<f64>(&mut rng())
        .unwrap();
    init_model(
        &mut mlp,
        Init::kaiming_normal(FanMode::FanIn, Nonlinearity::Relu),
        Init::Constant(0.5),
        &mut rng(),
    )
    .unwrap();
    for p in mlp.params() {
        match p.kind() {
            ParamKind::Bias => assert!(p.value().iter().all(|&b| b == 0.5)),
            ParamKind::NormScale => assert!(p.value().iter().all(|&g| g == 1.0)),
            ParamKind::NormShift => assert!(p.value().iter().all(|&b| b == 0.0)),
            ParamKind::Weight => {
                // He normal: std √(2/64) ≈ 0.177, far above Linear's default bound 1/8
                let max = p.value().iter().fold(0.0f64, |m, w| m.max(w.abs()));
                assert!(max > 0.3, "{}: max |w| = {max}", p.name());
            }
        }
    }
    // a fan-based scheme for biases is refused before anything changes
    let before: Vec<f64> = mlp
        .params()
        .iter()
        .flat_map(|p| p.value().iter().copied())
        .collect();
    let err = init_model(&mut mlp, Init::Zeros, Init::LecunNormal, &mut rng()).unwrap_err();
    assert!(matches!(
        err,
        NnError::FanUndefined {
            scheme: "lecun_normal",
            ..
        }
    ));
    let after: Vec<f64> = mlp
        .params()
        .iter()
        .flat_map(|p| p.value().iter().copied())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn reset_parameters_restores_pytorch_defaults() {
    let mut mlp = MlpConfig::parse("16-8-2")
        .unwrap()
        .norm(Norm::Batch)
        .build::<f64>(&mut rng())
        .unwrap();
    init_model(
        &mut mlp,
        Init::Constant(9.0),
        Init::Constant(9.0),
        &mut rng(),
    )
    .unwrap();
    let mut tape = Tape::new();
    let x = tape.constant(Array2::from_shape_fn((4, 16), |(i, j)| (i + j) as f64));
    mlp.forward(&mut tape, x, Mode::Train);
    mlp.reset_parameters(&mut rng());
    assert!(mlp.linear_weight(0).iter().all(|w| w.abs() <= 0.25)); // 1/√16
    assert!(
        mlp.linear_bias(1)
            .unwrap()
            .iter()
            .all(|b| b.abs() <= 1.0 / 8f64.sqrt())
    );
    let bn = mlp.layers().child(1).unwrap();
    assert_eq!(bn.buffers()[2].count(), Some(0));
    assert!(bn.buffers()[1].float().unwrap().iter().all(|&v| v == 1.0));
}

#[test]
fn forward_with_routes_gradients_to_the_given_vars() {
    let mut layer = Linear::<f64>::new(2, 1, &mut rng());
    let mut tape = Tape::new();
    let w = tape.leaf(array![[2.0, -1.0]]);
    let b = tape.leaf(array![0.0]);
    let x = tape.constant(array![[3.0, 4.0]]);
    let y = layer.forward_with(&mut tape, x, Mode::Train, &[w, b]);
    let loss = tape.sum(y);
    let grads = tape.backward(loss).unwrap();
    assert_eq!(grads.wrt(w).unwrap(), &array![[3.0, 4.0]].into_dyn());
    // the binding is used once: the next forward copies the stored values again
    let y2 = layer.forward(&mut tape, x, Mode::Train);
    assert_ne!(tape.value(y2), tape.value(y));
}

#[test]
fn regularization_terms_match_their_formulas() {
    let mut layer =
        Linear::from_arrays(array![[1.0, -2.0], [0.5, 0.0]], Some(array![3.0, -4.0])).unwrap();
    let mut tape = Tape::new();
    let x = tape.constant(array![[0.0, 0.0]]);
    layer.forward(&mut tape, x, Mode::Train);
    let l1 = Regularizer::l1(0.1).unwrap();
    let l2_all = Regularizer::l2(0.5).unwrap().select(ParamSelect::All);
    let only_bias = Regularizer::l2(1.0)
        .unwrap()
        .select(ParamSelect::Names(vec!["bias".into()]));
    let t1 = l1.term(&mut tape, &layer);
    let t2 = l2_all.term(&mut tape, &layer);
    let t3 = only_bias.term(&mut tape, &layer);
    assert!((tape.scalar(t1) - 0.1 * 3.5).abs() < 1e-15);
    assert!((tape.scalar(t2) - 0.5 * (1.0 + 4.0 + 0.25 + 9.0 + 16.0)).abs() < 1e-15);
    assert_eq!(tape.scalar(t3), 25.0);
    assert_eq!(l1.value(&layer), tape.scalar(t1));
    let grads = tape.backward(t1).unwrap();
    // ∂(λΣ|w|)/∂w = λ·sign(w), 0 at w = 0 (PyTorch's abs convention)
    assert_eq!(
        layer.weight_param().grad(&grads).unwrap(),
        &array![[0.1, -0.1], [0.1, 0.0]].into_dyn()
    );
    assert!(layer.bias_param().unwrap().grad(&grads).is_none());
    let nothing = Regularizer::l2(1.0)
        .unwrap()
        .select(ParamSelect::Names(vec![]));
    let zero = nothing.term(&mut tape, &layer);
    assert_eq!(tape.scalar(zero), 0.0);
}

proptest::proptest! {
    /// Widths printed with `-` parse back to the same widths, and the built
    /// network has one Linear per consecutive pair.
    #[test]
    fn spec_round_trip(sizes in proptest::collection::vec(1usize..50, 2..6)) {
        let spec: Vec<String> = sizes.iter().map(usize::to_string).collect();
        let config = MlpConfig::parse(&spec.join("-")).unwrap();
        proptest::prop_assert_eq!(config.sizes(), &sizes[..]);
        let mlp = config.build::<f32>(&mut rng()).unwrap();
        proptest::prop_assert_eq!(mlp.num_linear(), sizes.len() - 1);
        let expected: usize = sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum();
        proptest::prop_assert_eq!(mlp.num_params(), expected);
    }
}
