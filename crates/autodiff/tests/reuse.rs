//! Reusing a tape and its gradients across steps, and the errors and panics
//! of `backward` and of stale handles.

mod common;

use autodiff::{AutodiffError, Gradients, Tape, Var};
use common::Rng;
use ndarray::{Array2, ArrayD, IxDyn, arr0, array};

/// A small classifier: `cross_entropy(relu(x·w1ᵀ + b1)·w2ᵀ + b2, y)`.
struct Net {
    w1: Array2<f32>,
    b1: ndarray::Array1<f32>,
    w2: Array2<f32>,
    b2: ndarray::Array1<f32>,
}

impl Net {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut m = |r, c| {
            rng.array(&[r, c], -0.5, 0.5)
                .mapv(|v| v as f32)
                .into_dimensionality()
                .unwrap()
        };
        Net {
            w1: m(8, 5),
            b1: ndarray::Array1::from_elem(8, 0.1),
            w2: m(3, 8),
            b2: ndarray::Array1::zeros(3),
        }
    }

    /// Records one step with the parameters copied into the tape's pool;
    /// returns the loss and the parameter handles.
    fn step(&self, tape: &mut Tape<f32>, x: &Array2<f32>, y: &[usize]) -> (Var, [Var; 4]) {
        let xv = tape.constant_copy(x);
        let w1 = tape.leaf_copy(&self.w1);
        let b1 = tape.leaf_copy(&self.b1);
        let w2 = tape.leaf_copy(&self.w2);
        let b2 = tape.leaf_copy(&self.b2);
        let h = tape.linear(xv, w1, Some(b1));
        let a = tape.relu(h);
        let z = tape.linear(a, w2, Some(b2));
        (tape.cross_entropy(z, y), [w1, b1, w2, b2])
    }
}

fn batch(seed: u64) -> (Array2<f32>, Vec<usize>) {
    let mut rng = Rng::new(seed);
    let x = rng
        .array(&[6, 5], -1.0, 1.0)
        .mapv(|v| v as f32)
        .into_dimensionality()
        .unwrap();
    let y = (0..6).map(|_| rng.below(3)).collect();
    (x, y)
}

#[test]
fn clearing_and_rerunning_a_step_gives_identical_values_and_gradients() {
    let net = Net::new(1);
    let (x, y) = batch(2);
    // reference: a fresh tape
    let mut fresh = Tape::new();
    let (loss, params) = net.step(&mut fresh, &x, &y);
    let want_loss = fresh.value(loss).clone();
    let g = fresh.backward(loss).unwrap();
    let want: Vec<ArrayD<f32>> = params.iter().map(|p| g.wrt(*p).unwrap().clone()).collect();

    let mut tape = Tape::new();
    let mut grads = Gradients::new();
    for step in 0..5 {
        tape.clear();
        let (loss, params) = net.step(&mut tape, &x, &y);
        tape.backward_into(loss, &mut grads).unwrap();
        assert_eq!(tape.value(loss), &want_loss, "loss at step {step}");
        for (p, w) in params.iter().zip(&want) {
            assert_eq!(grads.wrt(*p).unwrap(), w, "gradient at step {step}");
        }
    }
}

#[test]
fn pooled_buffers_are_reused_and_the_pool_stays_bounded() {
    let net = Net::new(3);
    let (x, y) = batch(4);
    let mut tape = Tape::new();
    net.step(&mut tape, &x, &y);
    let nodes = tape.len();
    assert_eq!(tape.pooled_buffers(), 0);
    tape.clear();
    // every node's value came from the pool (copies and op results), plus the
    // softmax probabilities kept by cross_entropy
    let kept = tape.pooled_buffers();
    assert_eq!(kept, nodes + 1);
    for _ in 0..10 {
        net.step(&mut tape, &x, &y);
        assert_eq!(tape.pooled_buffers(), 0, "every buffer was taken again");
        tape.clear();
        assert_eq!(tape.pooled_buffers(), kept, "no growth across steps");
    }
}

#[test]
fn owned_inputs_do_not_grow_the_pool() {
    // passing a fresh batch by value every step must not leave one more
    // buffer in the pool per step
    let mut tape = Tape::<f64>::new();
    for step in 0..50 {
        tape.clear();
        let x = tape.constant(ArrayD::from_elem(IxDyn(&[32, 7]), step as f64));
        let w = tape.leaf(ArrayD::from_elem(IxDyn(&[7, 3]), 0.5));
        let h = tape.matmul(x, w);
        let l = tape.sum(h);
        tape.backward(l).unwrap();
    }
    tape.clear();
    assert_eq!(tape.pooled_buffers(), 2); // the matmul result and the sum
}

#[test]
fn backward_into_reuses_gradient_buffers() {
    let net = Net::new(5);
    let mut tape = Tape::new();
    let mut grads = Gradients::new();
    let mut addresses: Option<Vec<*const f32>> = None;
    for step in 0..4 {
        let (x, y) = batch(10 + step);
        tape.clear();
        let (loss, params) = net.step(&mut tape, &x, &y);
        tape.backward_into(loss, &mut grads).unwrap();
        let now: Vec<*const f32> = params
            .iter()
            .map(|p| grads.wrt(*p).unwrap().as_ptr())
            .collect();
        match &addresses {
            None => addresses = Some(now),
            Some(first) => assert_eq!(first, &now, "gradient buffers moved at step {step}"),
        }
    }
}

#[test]
fn stale_nan_gradients_do_not_leak_into_the_next_step() {
    // step 1 produces NaN gradients; step 2 reuses those buffers and must
    // overwrite them (a product with beta = 0 and fresh assignments)
    let mut tape = Tape::<f64>::new();
    let mut grads = Gradients::new();
    for (value, expect_nan) in [(f64::NAN, true), (2.0, false)] {
        tape.clear();
        let x = tape.constant(ArrayD::from_elem(IxDyn(&[2, 3]), value));
        let w = tape.leaf(ArrayD::from_elem(IxDyn(&[4, 3]), 1.0));
        let b = tape.leaf(ArrayD::from_elem(IxDyn(&[4]), 0.0));
        let h = tape.linear(x, w, Some(b));
        let l = tape.sum(h);
        tape.backward_into(l, &mut grads).unwrap();
        let gw = grads.wrt(w).unwrap();
        assert_eq!(gw.iter().all(|v| v.is_nan()), expect_nan, "{gw}");
        if !expect_nan {
            // ∂w[o, i] = Σₙ x[n, i] = 2·2 = 4
            assert_eq!(gw, &ArrayD::from_elem(IxDyn(&[4, 3]), 4.0));
            assert_eq!(grads.wrt(b).unwrap(), &ArrayD::from_elem(IxDyn(&[4]), 2.0));
        }
    }
}

#[test]
fn gradients_stay_readable_after_the_tape_is_cleared() {
    let mut tape = Tape::<f64>::new();
    let w = tape.leaf(array![1.0, 2.0]);
    let sq = tape.mul(w, w);
    let l = tape.sum(sq);
    let grads = tape.backward(l).unwrap();
    tape.clear();
    assert_eq!(grads.wrt(w).unwrap(), &array![2.0, 4.0].into_dyn());
}

#[test]
fn gradients_of_nodes_off_the_path_are_none() {
    let mut tape = Tape::<f64>::new();
    let a = tape.leaf(arr0(2.0));
    let unused = tape.leaf(arr0(5.0));
    let c = tape.constant(arr0(3.0));
    let y = tape.mul(a, c);
    let after = tape.exp(a); // recorded after the loss
    let g = tape.backward(y).unwrap();
    assert_eq!(g.wrt(a).unwrap()[[]], 3.0);
    assert!(g.wrt(unused).is_none());
    assert!(g.wrt(c).is_none());
    assert!(g.wrt(after).is_none());
    assert_eq!(g.wrt(y).unwrap()[[]], 1.0); // the seed
    assert_eq!(g.len(), 2);
}

#[test]
fn backward_from_an_intermediate_node() {
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(arr0(3.0));
    let y = tape.mul(x, x); // x²
    let z = tape.exp(y);
    let _w = tape.mul(z, z);
    let g = tape.backward(y).unwrap();
    assert_eq!(g.wrt(x).unwrap()[[]], 6.0);
    assert!(g.wrt(z).is_none());
}

#[test]
fn non_scalar_loss_is_an_error() {
    let mut tape = Tape::<f32>::new();
    let x = tape.leaf(ArrayD::<f32>::zeros(IxDyn(&[2, 3])));
    let y = tape.exp(x);
    assert_eq!(
        tape.backward(y).unwrap_err(),
        AutodiffError::NonScalarLoss { shape: vec![2, 3] }
    );
    let e = tape.leaf(ArrayD::<f32>::zeros(IxDyn(&[0])));
    let s = tape.relu(e);
    assert_eq!(
        tape.backward(s).unwrap_err(),
        AutodiffError::NonScalarLoss { shape: vec![0] }
    );
    let err = tape.backward(y).unwrap_err();
    assert_eq!(
        err.to_string(),
        "backward needs a scalar loss, got a value of shape [2, 3]"
    );
}

#[test]
fn one_element_loss_of_any_shape_is_accepted() {
    // as PyTorch: backward() needs numel() == 1, not a 0-d tensor
    let mut tape = Tape::<f64>::new();
    let w = tape.leaf(array![[2.0]]);
    let y = tape.mul(w, w);
    let g = tape.backward(y).unwrap();
    assert_eq!(g.wrt(w).unwrap(), &array![[4.0]].into_dyn());
}

#[test]
fn no_gradient_path_is_an_error() {
    let mut tape = Tape::<f64>::new();
    let c = tape.constant(array![1.0, 2.0]);
    let s = tape.sum(c);
    let mut grads = Gradients::new();
    assert_eq!(
        tape.backward_into(s, &mut grads),
        Err(AutodiffError::NoGradientPath)
    );
    assert_eq!(
        AutodiffError::NoGradientPath.to_string(),
        "the loss does not depend on any leaf that requires a gradient"
    );
    // a parameter that is recorded but not used does not make a path
    let _w = tape.leaf(arr0(1.0));
    let s2 = tape.mul_scalar(s, 2.0);
    assert_eq!(
        tape.backward(s2).unwrap_err(),
        AutodiffError::NoGradientPath
    );
}

#[test]
fn nan_values_flow_without_panicking() {
    let mut tape = Tape::<f32>::new();
    let x = tape.leaf(array![[f32::NAN, 1.0], [f32::INFINITY, -f32::INFINITY]]);
    let a = tape.relu(x);
    let b = tape.log_softmax(a);
    let c = tape.cross_entropy(b, &[0, 1]);
    assert!(tape.scalar(c).is_nan());
    let g = tape.backward(c).unwrap();
    assert_eq!(g.wrt(x).unwrap().shape(), &[2, 2]);
}

#[test]
#[should_panic(expected = "autodiff: Var #0 is from another tape or from before Tape::clear")]
fn stale_var_after_clear_panics() {
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(arr0(1.0));
    tape.clear();
    tape.leaf(arr0(2.0)); // index 0 again, but a new graph
    tape.exp(x);
}

#[test]
#[should_panic(expected = "autodiff: Var #0 is from another tape or from before Tape::clear")]
fn var_from_another_tape_panics() {
    let mut one = Tape::<f64>::new();
    let mut other = Tape::<f64>::new();
    let x = one.leaf(arr0(1.0));
    other.leaf(arr0(2.0));
    other.value(x);
}

#[test]
#[should_panic(expected = "Gradients::wrt: Var #0 is not from the graph of these gradients")]
fn gradients_of_another_graph_panic() {
    let mut tape = Tape::<f64>::new();
    let x = tape.leaf(arr0(1.0));
    let g = tape.backward(x).unwrap();
    tape.clear();
    let y = tape.leaf(arr0(1.0));
    g.wrt(y);
}

#[test]
#[should_panic(expected = "scalar: value of shape [2] is not a scalar")]
fn scalar_of_a_vector_names_the_shape() {
    let mut tape = Tape::<f64>::new();
    let x = tape.constant(array![1.0, 2.0]);
    tape.scalar(x);
}

#[test]
fn batch_buffers_from_the_pool_go_back_to_it() {
    // the trainer's loop: a minibatch gathered into `Tape::buffer` and handed
    // over with `constant` is the same memory every step
    let mut tape = Tape::<f32>::new();
    let mut seen = None;
    for step in 0..5 {
        tape.clear();
        let mut batch = tape.buffer(&[16, 7]);
        batch.fill(step as f32);
        let address = batch.as_ptr();
        let x = tape.constant(batch);
        let w = tape.leaf(ArrayD::from_elem(IxDyn(&[7, 3]), 0.5_f32));
        let h = tape.matmul(x, w);
        let l = tape.sum(h);
        tape.backward(l).unwrap();
        match seen {
            None => seen = Some(address),
            Some(first) => assert_eq!(first, address, "batch buffer moved at step {step}"),
        }
    }
    tape.clear();
    assert_eq!(tape.pooled_buffers(), 3); // the batch, the matmul result and the sum
}
