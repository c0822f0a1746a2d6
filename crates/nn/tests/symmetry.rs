//! The symmetry problem: with zero (or any constant) initialization every
//! hidden unit of a layer computes the same function and receives the same
//! gradient, so gradient descent keeps them identical forever; random
//! initialization breaks the symmetry.

use autodiff::{Gradients, Tape};
use ndarray::{Array2, array};
use nn::{Activation, Init, Mlp, MlpConfig, Mode, Module, init_model};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn batch() -> (Array2<f64>, Vec<usize>) {
    let x = array![
        [0.5, -1.0, 2.0, 0.3],
        [1.5, 0.2, -0.7, 1.0],
        [-1.0, 2.0, 0.1, -0.5],
        [0.0, 0.4, 1.2, -2.0],
        [2.2, -0.3, 0.0, 0.8],
    ];
    (x, vec![0, 2, 1, 2, 0])
}

/// Runs `steps` of plain SGD on one batch; returns the losses.
fn train(mlp: &mut Mlp<f64>, steps: usize, lr: f64) -> Vec<f64> {
    let (x, labels) = batch();
    let (mut tape, mut grads) = (Tape::new(), Gradients::new());
    let mut losses = Vec::new();
    for _ in 0..steps {
        tape.clear();
        let xv = tape.constant_copy(&x);
        let logits = mlp.forward(&mut tape, xv, Mode::Train);
        let loss = tape.cross_entropy(logits, &labels);
        losses.push(tape.scalar(loss));
        tape.backward_into(loss, &mut grads).unwrap();
        for p in mlp.params_and_grads(&grads) {
            let mut value = p.value;
            value.scaled_add(-lr, &p.grad.unwrap());
        }
    }
    losses
}

/// Largest difference between the input weights (rows of layer 0's weight),
/// the biases, and the output weights (columns of layer 1's weight) of any
/// two hidden units.
fn unit_spread(mlp: &Mlp<f64>) -> f64 {
    let w_in = mlp.linear_weight(0);
    let b_in = mlp.linear_bias(0).unwrap();
    let w_out = mlp.linear_weight(1);
    let mut spread = 0.0f64;
    for j in 1..w_in.nrows() {
        let d_in = (&w_in.row(j) - &w_in.row(0)).mapv(f64::abs).sum();
        let d_b = (b_in[j] - b_in[0]).abs();
        let d_out = (&w_out.column(j) - &w_out.column(0)).mapv(f64::abs).sum();
        spread = spread.max(d_in + d_b + d_out);
    }
    spread
}

fn mlp(activation: Activation, weights: Init, biases: Init) -> Mlp<f64> {
    let mut rng = StdRng::seed_from_u64(0);
    let mut mlp = MlpConfig::parse("4-6-3")
        .unwrap()
        .activation(activation)
        .build::<f64>(&mut rng)
        .unwrap();
    init_model(&mut mlp, weights, biases, &mut rng).unwrap();
    mlp
}

#[test]
fn zero_init_keeps_every_hidden_unit_identical() {
    let mut net = mlp(Activation::Tanh, Init::Zeros, Init::Zeros);
    let losses = train(&mut net, 20, 0.5);
    assert_eq!(unit_spread(&net), 0.0);
    // Only the output bias learns (tanh(0) = 0 blocks everything else), so the
    // loss drops only as far as the class frequencies allow.
    assert!(losses.last().unwrap() < &losses[0]);
}

#[test]
fn constant_init_units_learn_but_stay_identical() {
    let mut net = mlp(Activation::Tanh, Init::Constant(0.1), Init::Zeros);
    let before = net.linear_weight(0).to_owned();
    train(&mut net, 20, 0.5);
    let moved = (&net.linear_weight(0) - &before).mapv(f64::abs).sum();
    assert!(moved > 1e-2, "the first layer should learn, moved {moved}");
    assert!(unit_spread(&net) < 1e-12, "spread {}", unit_spread(&net));
}

#[test]
fn random_init_breaks_the_symmetry_and_fits_the_batch() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut net = Mlp::<f64>::from_spec("4-6-3", &mut rng).unwrap();
    let losses = train(&mut net, 100, 0.5);
    assert!(unit_spread(&net) > 0.1);
    assert!(
        losses[99] < 0.5 * losses[0],
        "losses {} -> {}",
        losses[0],
        losses[99]
    );
}
