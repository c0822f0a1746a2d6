//! A 784-16-10 MLP loss (linear, relu, linear, cross-entropy) on a batch of 4
//! MNIST-shaped inputs: gradient check of every one of its 12,730 parameters.

mod common;

use autodiff::{Float, Objective, Tape, Var};
use common::{Rng, check_in};
use ndarray::ArrayD;

const INPUTS: usize = 784;
const HIDDEN: usize = 16;
const CLASSES: usize = 10;
const BATCH: usize = 4;

/// `cross_entropy(relu(x·w1ᵀ + b1)·w2ᵀ + b2, labels)` of the parameters
/// `[w1, b1, w2, b2]`, with the batch fixed.
struct MlpLoss {
    x: ArrayD<f64>,
    labels: Vec<usize>,
}

impl MlpLoss {
    fn hidden<T: Float>(&self, t: &mut Tape<T>, p: &[Var]) -> Var {
        let x = t.constant(self.x.mapv(T::of));
        t.linear(x, p[0], Some(p[1]))
    }
}

impl Objective for MlpLoss {
    fn eval<T: Float>(&self, t: &mut Tape<T>, p: &[Var]) -> Var {
        let h = self.hidden(t, p);
        let a = t.relu(h);
        let z = t.linear(a, p[2], Some(p[3]));
        t.cross_entropy(z, &self.labels)
    }
}

/// A seeded batch (pixels in [0, 1], four in five of them 0 as in MNIST) and
/// PyTorch's default `nn.Linear` initialization, U(-1/√fan_in, 1/√fan_in).
fn problem(seed: u64) -> (MlpLoss, Vec<ArrayD<f64>>) {
    let mut rng = Rng::new(seed);
    let x = rng
        .array(&[BATCH, INPUTS], 0.0, 1.0)
        .mapv(|v| if v < 0.8 { 0.0 } else { (v - 0.8) * 5.0 });
    let labels = (0..BATCH).map(|_| rng.below(CLASSES)).collect();
    let (k1, k2) = (1.0 / (INPUTS as f64).sqrt(), 1.0 / (HIDDEN as f64).sqrt());
    let params = vec![
        rng.array(&[HIDDEN, INPUTS], -k1, k1),
        rng.array(&[HIDDEN], -k1, k1),
        rng.array(&[CLASSES, HIDDEN], -k2, k2),
        rng.array(&[CLASSES], -k2, k2),
    ];
    (MlpLoss { x, labels }, params)
}

/// The finite differences cross a relu kink if a pre-activation moves across
/// 0 by a step (at most `1e-5·max|x| = 1e-5` here); make sure this batch has
/// none within ten steps, so the check is meaningful.
fn assert_away_from_kinks(loss: &MlpLoss, params: &[ArrayD<f64>]) {
    let mut tape = Tape::<f64>::new();
    let p: Vec<Var> = params.iter().map(|a| tape.leaf(a.clone())).collect();
    let h = loss.hidden(&mut tape, &p);
    let closest = tape
        .value(h)
        .iter()
        .fold(f64::INFINITY, |m, v| m.min(v.abs()));
    assert!(
        closest > 1e-4,
        "a pre-activation is {closest} from the kink"
    );
}

#[test]
fn every_parameter_matches_finite_differences_f64() {
    let (loss, params) = problem(2024);
    assert_away_from_kinks(&loss, &params);
    assert_eq!(params.iter().map(ArrayD::len).sum::<usize>(), 12_730);
    check_in::<f64, _>("mlp 784-16-10", &loss, &params);
}

#[test]
fn every_parameter_matches_finite_differences_f32() {
    let (loss, params) = problem(7);
    assert_away_from_kinks(&loss, &params);
    check_in::<f32, _>("mlp 784-16-10", &loss, &params);
}

#[test]
fn f32_and_f64_tapes_agree_on_the_loss() {
    let (loss, params) = problem(2024);
    let value = |f32_tape: bool| {
        if f32_tape {
            let mut t = Tape::<f32>::new();
            let p: Vec<Var> = params
                .iter()
                .map(|a| t.leaf(a.mapv(|v| v as f32)))
                .collect();
            let l = loss.eval(&mut t, &p);
            t.scalar(l)
        } else {
            let mut t = Tape::<f64>::new();
            let p: Vec<Var> = params.iter().map(|a| t.leaf(a.clone())).collect();
            let l = loss.eval(&mut t, &p);
            t.scalar(l)
        }
    };
    let (single, double) = (value(true), value(false));
    // about ln 10 at initialization
    assert!((double - 10f64.ln()).abs() < 0.5, "{double}");
    assert!(
        (single - double).abs() < 1e-5 * double,
        "{single} vs {double}"
    );
}
