//! The four library crates compose without the trainer: `data` feeds MNIST
//! minibatches, `nn` builds the model on the `autodiff` tape, `optim` steps
//! its parameters by name, and the model learns.

use autodiff::{Gradients, Tape};
use data::{Dataset, Granularity, PixelEncoder, Scaling, Standardizer};
use ndarray::Array2;
use nn::{Mlp, Mode, Module};
use optim::{AdamConfig, Optimizer, ParamMut};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn mnist() -> data::Splits {
    let dir = std::env::var_os(data::DATA_DIR_ENV)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets")
        });
    data::load(Dataset::Mnist, &dir).unwrap_or_else(|e| {
        panic!(
            "MNIST not found in {} ({e}); run `cargo xtask fetch-mnist`",
            dir.display()
        )
    })
}

fn accuracy(model: &mut Mlp<f32>, tape: &mut Tape<f32>, x: &Array2<f32>, y: &[usize]) -> f64 {
    tape.clear();
    let xv = tape.constant_copy(x);
    let logits = model.forward(tape, xv, Mode::Eval);
    let out = tape.value(logits);
    let correct = out
        .outer_iter()
        .zip(y)
        .filter(|(row, label)| {
            let best = row
                .iter()
                .enumerate()
                .fold(
                    (0, f32::NEG_INFINITY),
                    |b, (i, &v)| if v > b.1 { (i, v) } else { b },
                );
            best.0 == **label
        })
        .count();
    correct as f64 / y.len() as f64
}

#[test]
fn an_mlp_learns_mnist_with_the_crates_alone() {
    let splits = mnist();
    let stats =
        Standardizer::fit_pixels(splits.train.images(), Scaling::ZScore, Granularity::Global)
            .unwrap();
    let encoder = PixelEncoder::<f32>::standardized(&stats);
    let mut rng = StdRng::seed_from_u64(7);
    let mut model = Mlp::<f32>::from_spec("784-32-10", &mut rng).unwrap();
    let mut opt = AdamConfig::default().lr(1e-3).build::<f32>().unwrap();
    let mut tape = Tape::new();
    let mut grads = Gradients::new();
    let (mut x, mut y) = (Array2::zeros((0, 0)), Vec::new());
    let train: Vec<usize> = (0..6000).collect();
    let mut first_loss = None;
    let mut last_loss = 0.0;
    for batch in train.chunks(64).cycle().take(300) {
        splits
            .train
            .gather(batch, &encoder, &mut x, &mut y)
            .unwrap();
        tape.clear();
        let xv = tape.constant_copy(&x);
        let logits = model.forward(&mut tape, xv, Mode::Train);
        let loss = tape.cross_entropy(logits, &y);
        last_loss = tape.scalar(loss);
        first_loss.get_or_insert(last_loss);
        tape.backward_into(loss, &mut grads).unwrap();
        let mut params: Vec<ParamMut<'_, f32>> = model
            .params_and_grads(&grads)
            .into_iter()
            .map(|p| ParamMut {
                name: p.name,
                value: p.value,
                grad: p.grad,
            })
            .collect();
        opt.step(&mut params).unwrap();
    }
    let first = first_loss.unwrap();
    assert!(
        last_loss < first / 3.0,
        "loss went from {first} to {last_loss}"
    );
    let test: Vec<usize> = (0..2000).collect();
    splits.test.gather(&test, &encoder, &mut x, &mut y).unwrap();
    let acc = accuracy(&mut model, &mut tape, &x, &y);
    assert!(
        acc > 0.85,
        "test accuracy {acc} after 300 Adam steps on 6000 images"
    );
}
