//! Finite-difference checks of every layer's gradients in train mode (f64),
//! with respect to both the input and every parameter: the model runs with
//! its parameters bound to the checker's leaves (`Module::forward_with`).

use autodiff::{Float, GradCheck, Objective, Tape, Var};
use ndarray::{ArrayD, IxDyn};
use nn::{
    Activation, BatchNorm1d, Dropout, Flatten, GroupNorm, LayerNorm, Linear, Mlp, MlpConfig, Mode,
    Module, Norm, Regularizer, Sequential,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The layers under test; `build` makes a fresh one for any element type.
#[derive(Clone, Copy, Debug)]
enum Subject {
    Linear,
    LinearNoBias,
    Act(Activation),
    Dropout,
    Flatten,
    BatchNorm,
    LayerNorm,
    GroupNorm,
    GroupNorm3d,
    Mlp(Norm),
}

impl Subject {
    fn build<T: Float>(self) -> Box<dyn Module<T>> {
        let mut rng = StdRng::seed_from_u64(11);
        match self {
            Subject::Linear => Box::new(Linear::new(4, 3, &mut rng)),
            Subject::LinearNoBias => Box::new(Linear::no_bias(4, 3, &mut rng)),
            Subject::Act(a) => Box::new(a),
            Subject::Dropout => Box::new(Dropout::new(0.4, 5).unwrap()),
            Subject::Flatten => Box::new(
                Sequential::new()
                    .with(Flatten)
                    .with(Linear::new(6, 2, &mut rng)),
            ),
            Subject::BatchNorm => Box::new(BatchNorm1d::new(4)),
            Subject::LayerNorm => Box::new(LayerNorm::new(4)),
            Subject::GroupNorm => Box::new(GroupNorm::new(2, 8).unwrap()),
            Subject::GroupNorm3d => Box::new(GroupNorm::new(2, 4).unwrap()),
            Subject::Mlp(norm) => Box::new(
                MlpConfig::parse("4-6-3")
                    .unwrap()
                    .activation(Activation::Tanh)
                    .norm(norm)
                    .dropout(0.25)
                    .build::<T>(&mut rng)
                    .unwrap(),
            ),
        }
    }

    fn input_shape(self) -> Vec<usize> {
        match self {
            Subject::Flatten => vec![5, 2, 3],
            Subject::GroupNorm => vec![5, 8],
            Subject::GroupNorm3d => vec![3, 4, 2],
            _ => vec![5, 4],
        }
    }
}

/// `Σ y ⊙ r` for a fixed random `r`, so that no gradient is trivially zero
/// (plain `Σ y` of a normalization layer has zero input gradient).
struct Projected {
    layer: Subject,
    r: ArrayD<f64>,
}

impl Objective for Projected {
    fn eval<T: Float>(&self, tape: &mut Tape<T>, inputs: &[Var]) -> Var {
        let mut module = self.layer.build::<T>();
        let y = module.forward_with(tape, inputs[0], Mode::Train, &inputs[1..]);
        let r = tape.constant(self.r.mapv(T::of));
        let prod = tape.mul(y, r);
        tape.sum(prod)
    }
}

fn random(shape: &[usize], rng: &mut StdRng, scale: f64) -> ArrayD<f64> {
    ArrayD::from_shape_fn(IxDyn(shape), |_| scale * (2.0 * rng.random::<f64>() - 1.0))
}

/// Checks input and parameter gradients of `layer` (parameters perturbed away
/// from their init so that, e.g., γ is not all ones).
fn check(layer: Subject) {
    let mut rng = StdRng::seed_from_u64(3);
    let module = layer.build::<f64>();
    let x = random(&layer.input_shape(), &mut rng, 2.0);
    let mut inputs = vec![x.clone()];
    for p in module.params() {
        inputs.push(p.value() + &random(p.value().shape(), &mut rng, 0.5));
    }
    let mut probe = layer.build::<f64>();
    let mut tape = Tape::new();
    let xv = tape.constant(x);
    let out_shape = {
        let y = probe.forward(&mut tape, xv, Mode::Train);
        tape.value(y).shape().to_vec()
    };
    let objective = Projected {
        layer,
        r: random(&out_shape, &mut rng, 1.0),
    };
    let report = GradCheck::default().run::<f64, _>(&objective, &inputs);
    assert_eq!(report.inputs.len(), inputs.len());
    assert_close(&format!("{layer:?}"), &report);
}

/// Each input passes if its relative error is below 1e-6, or its absolute
/// error is below 1e-8 (for gradients that are exactly zero, such as the bias
/// of a Linear layer followed by BatchNorm, where only finite-difference noise
/// of order ε_machine·|f|/h ≈ 1e-10 remains).
fn assert_close(what: &str, report: &autodiff::GradCheckReport) {
    for (k, e) in report.inputs.iter().enumerate() {
        assert!(
            e.max_rel < 1e-6 || e.max_abs < 1e-8,
            "{what}: input {k} has errors {e:?}"
        );
    }
}

#[test]
fn linear() {
    check(Subject::Linear);
}

#[test]
fn linear_without_bias() {
    check(Subject::LinearNoBias);
}

#[test]
fn every_activation() {
    for a in [
        Activation::Relu,
        Activation::LeakyRelu(0.1),
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Softplus,
        Activation::Identity,
    ] {
        check(Subject::Act(a));
    }
}

#[test]
fn dropout_with_a_fixed_mask() {
    check(Subject::Dropout);
}

#[test]
fn flatten_then_linear() {
    check(Subject::Flatten);
}

#[test]
fn batch_norm_through_the_batch_statistics() {
    check(Subject::BatchNorm);
}

#[test]
fn layer_norm() {
    check(Subject::LayerNorm);
}

#[test]
fn group_norm_on_features_and_on_channels_with_length() {
    check(Subject::GroupNorm);
    check(Subject::GroupNorm3d);
}

#[test]
fn mlp_with_each_normalization_and_dropout() {
    for norm in [Norm::None, Norm::Batch, Norm::Layer, Norm::Group(2)] {
        check(Subject::Mlp(norm));
    }
}

/// Cross-entropy plus L1 and L2 penalties of a whole MLP, in its parameters.
struct PenalizedLoss;

impl Objective for PenalizedLoss {
    fn eval<T: Float>(&self, tape: &mut Tape<T>, params: &[Var]) -> Var {
        let mut rng = StdRng::seed_from_u64(1);
        let mut mlp = Mlp::<T>::from_spec("3-5-2", &mut rng).unwrap();
        let x = tape.constant(ndarray::array![[0.3, -1.2, 0.8], [1.1, 0.4, -0.6]].mapv(T::of));
        let logits = mlp.forward_with(tape, x, Mode::Train, params);
        let ce = tape.cross_entropy(logits, &[1, 0]);
        let l1 = Regularizer::l1(0.01).unwrap().term(tape, &mlp);
        let l2 = Regularizer::l2(0.1)
            .unwrap()
            .select(nn::ParamSelect::All)
            .term(tape, &mlp);
        let sum = tape.add(ce, l1);
        tape.add(sum, l2)
    }
}

#[test]
fn cross_entropy_with_l1_and_l2_penalties() {
    let mut rng = StdRng::seed_from_u64(1);
    let mlp = Mlp::<f64>::from_spec("3-5-2", &mut rng).unwrap();
    let params: Vec<ArrayD<f64>> = mlp.params().iter().map(|p| p.value().clone()).collect();
    let report = GradCheck::default().run::<f64, _>(&PenalizedLoss, &params);
    assert_close("penalized MLP loss", &report);
}
