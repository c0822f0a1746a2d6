//! Forward + backward of ReLU MLPs on the tape, the baseline for later speed
//! work: `linear` + `relu` layers and a fused `cross_entropy`, f32, batch
//! 128 (W1, W2's steps) and 2048 (one chunk of W3's full-batch step, where
//! the narrow-product kernels and threads do the work). Each iteration is one training step's worth of autodiff: the tape is
//! cleared and reused, parameters are copied into pooled buffers, and
//! `backward_into` writes into reused `Gradients`.
//!
//! Run with `cargo bench -p autodiff --bench tape_mlp`.

use std::hint::black_box;

use autodiff::{Gradients, Tape};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndarray::{Array1, Array2};

const BATCH: usize = 128;

/// Rows per chunk of a full-batch step (the trainer's default `eval_chunk`).
const FULL_BATCH_CHUNK: usize = 2048;

/// SplitMix64, so the benchmark needs no RNG crate and is reproducible.
struct SplitMix(u64);

impl SplitMix {
    fn unit(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// Layers `(weight out×in, bias out)`, PyTorch's default init
/// U(-1/√fan_in, 1/√fan_in).
fn layers(sizes: &[usize], rng: &mut SplitMix) -> Vec<(Array2<f32>, Array1<f32>)> {
    sizes
        .windows(2)
        .map(|io| {
            let k = 1.0 / (io[0] as f32).sqrt();
            let w = Array2::from_shape_simple_fn((io[1], io[0]), || k * (2.0 * rng.unit() - 1.0));
            let b = Array1::from_shape_simple_fn(io[1], || k * (2.0 * rng.unit() - 1.0));
            (w, b)
        })
        .collect()
}

/// One step: record the loss, backward into `grads`; returns the loss.
fn step(
    tape: &mut Tape<f32>,
    grads: &mut Gradients<f32>,
    layers: &[(Array2<f32>, Array1<f32>)],
    x: &Array2<f32>,
    labels: &[usize],
) -> f64 {
    tape.clear();
    let mut h = tape.constant_copy(x);
    for (i, (w, b)) in layers.iter().enumerate() {
        let w = tape.leaf_copy(w);
        let b = tape.leaf_copy(b);
        h = tape.linear(h, w, Some(b));
        if i + 1 < layers.len() {
            h = tape.relu(h);
        }
    }
    let loss = tape.cross_entropy(h, labels);
    tape.backward_into(loss, grads)
        .expect("a scalar loss with parameters");
    tape.scalar(loss)
}

fn forward_backward(c: &mut Criterion) {
    let mut group = c.benchmark_group("tape_mlp");
    for (sizes, batch) in [
        (&[784, 512, 512, 10][..], BATCH),
        (&[784, 10, 10], BATCH),
        (&[784, 10, 10], FULL_BATCH_CHUNK),
    ] {
        group.throughput(Throughput::Elements(batch as u64));
        let mut rng = SplitMix(42);
        let layers = layers(sizes, &mut rng);
        let x = Array2::from_shape_simple_fn((batch, sizes[0]), || rng.unit());
        let classes = sizes[sizes.len() - 1];
        let labels: Vec<usize> = (0..batch).map(|i| (i * 7) % classes).collect();
        let mut tape = Tape::new();
        let mut grads = Gradients::new();
        let name = sizes
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("-");
        group.bench_function(format!("{name}/f32/batch{batch}"), |b| {
            b.iter(|| black_box(step(&mut tape, &mut grads, &layers, &x, &labels)))
        });
    }
    group.finish();
}

criterion_group!(benches, forward_backward);
criterion_main!(benches);
