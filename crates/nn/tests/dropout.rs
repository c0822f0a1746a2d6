//! Inverted dropout: identity in eval mode, zero-or-scaled in train mode with
//! the right drop rate, and reproducible from its seed.

use autodiff::Tape;
use ndarray::{Array2, ArrayD};
use nn::{Dropout, Mode, Module};

fn run(drop: &mut Dropout<f64>, x: &Array2<f64>, mode: Mode) -> ArrayD<f64> {
    let mut tape = Tape::new();
    let xv = tape.constant_copy(x);
    let y = drop.forward(&mut tape, xv, mode);
    tape.value(y).clone()
}

fn input() -> Array2<f64> {
    Array2::from_shape_fn((200, 500), |(i, j)| 1.0 + ((i * 31 + j * 7) % 13) as f64)
}

#[test]
fn eval_mode_is_the_identity() {
    let mut drop = Dropout::new(0.5, 1).unwrap();
    let x = input();
    assert_eq!(run(&mut drop, &x, Mode::Eval), x.into_dyn());
}

#[test]
fn train_mode_zeroes_a_fraction_p_and_scales_survivors_by_one_over_one_minus_p() {
    let p = 0.3;
    let mut drop = Dropout::new(p, 2).unwrap();
    let x = input();
    let y = run(&mut drop, &x, Mode::Train);
    let n = x.len() as f64;
    let mut dropped = 0.0;
    for (out, inp) in y.iter().zip(x.iter()) {
        if *out == 0.0 {
            dropped += 1.0;
        } else {
            assert!(
                (out - inp / (1.0 - p)).abs() < 1e-12,
                "{out} vs {inp}/(1-p)"
            );
        }
    }
    // Binomial(n, p): 5 standard errors √(p(1-p)/n) ≈ 0.0046 for n = 100000.
    let se = (p * (1.0 - p) / n).sqrt();
    assert!(
        (dropped / n - p).abs() < 5.0 * se,
        "dropped fraction {}",
        dropped / n
    );
    // Inverted scaling keeps the expectation: the means agree within sampling error.
    let (mx, my) = (x.mean().unwrap(), y.mean().unwrap());
    assert!((my - mx).abs() / mx < 0.01, "mean {my} vs {mx}");
}

#[test]
fn same_seed_same_masks_and_masks_change_between_steps() {
    let x = input();
    let mut a = Dropout::new(0.5, 7).unwrap();
    let mut b = Dropout::new(0.5, 7).unwrap();
    let a1 = run(&mut a, &x, Mode::Train);
    assert_eq!(a1, run(&mut b, &x, Mode::Train));
    let a2 = run(&mut a, &x, Mode::Train);
    assert_ne!(a1, a2, "a new mask every step");
    let mut c = Dropout::new(0.5, 8).unwrap();
    assert_ne!(
        a1,
        run(&mut c, &x, Mode::Train),
        "another seed, another mask"
    );
    a.reseed(7);
    assert_eq!(
        a1,
        run(&mut a, &x, Mode::Train),
        "reseeding restarts the sequence"
    );
}

#[test]
fn gradient_is_the_mask() {
    let mut drop = Dropout::new(0.5, 3).unwrap();
    let mut tape = Tape::new();
    let x = tape.leaf(Array2::<f64>::ones((4, 6)));
    let y = drop.forward(&mut tape, x, Mode::Train);
    let loss = tape.sum(y);
    let grads = tape.backward(loss).unwrap();
    // with x = 1 the output is the mask itself
    assert_eq!(grads.wrt(x).unwrap(), tape.value(y));
}

#[test]
fn invalid_probability_is_a_typed_error() {
    for p in [-0.1, 1.01, f64::NAN] {
        assert!(matches!(
            Dropout::<f32>::new(p, 0),
            Err(nn::NnError::InvalidHyperparameter {
                name: "dropout p",
                ..
            })
        ));
    }
}
