//! 1-D and 2-D slices of a trained MNIST network's loss along random
//! filter-normalized directions (Li et al., "Visualizing the loss landscape
//! of neural nets", 2018): each row of a weight direction (the filter of one
//! unit) is scaled to the norm of the same row of the weights, and bias
//! directions are zero, so that a step α = 1 perturbs every unit by its own
//! size.

use autodiff::{Gradients, Tape};
use data::{EpochSampler, LabeledImages, PixelEncoder, Splits};
use ndarray::{Array2, ArrayD, Axis};
use nn::{Init, Mlp, MlpConfig, Mode, Module, ParamKind};
use optim::{Momentum, Optimizer, ParamMut, SgdConfig};
use rand::{SeedableRng, rngs::StdRng};
use serde::Serialize;

use super::Config;
use crate::error::Result;

/// A fixed set of examples, encoded once.
struct Batch {
    x: Array2<f32>,
    labels: Vec<usize>,
}

impl Batch {
    fn first(set: &LabeledImages, n: usize) -> Result<Self> {
        let indices: Vec<usize> = (0..n.min(set.len())).collect();
        let (mut x, mut labels) = (Array2::zeros((0, 0)), Vec::new());
        set.gather(&indices, &PixelEncoder::unit(), &mut x, &mut labels)?;
        Ok(Batch { x, labels })
    }
}

/// Mean cross-entropy and accuracy of `model` on `batch`.
fn evaluate(model: &mut Mlp<f32>, tape: &mut Tape<f32>, batch: &Batch) -> (f64, f64) {
    tape.clear();
    let x = tape.constant_copy(&batch.x);
    let logits = model.forward(tape, x, Mode::Eval);
    let loss = tape.cross_entropy(logits, &batch.labels);
    let correct = tape
        .value(logits)
        .rows()
        .into_iter()
        .zip(&batch.labels)
        .filter(|&(row, &label)| {
            let best = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, _)| i);
            best == Some(label)
        })
        .count();
    (
        tape.scalar(loss),
        correct as f64 / batch.labels.len().max(1) as f64,
    )
}

/// A few epochs of SGD with momentum on the first `train_examples` images.
fn train(
    model: &mut Mlp<f32>,
    train: &LabeledImages,
    config: &Config,
    rng: &mut StdRng,
) -> Result<()> {
    let n = config.train_examples.min(train.len());
    let mut sampler = EpochSampler::new(n, config.batch_size)?;
    let mut opt = SgdConfig::default()
        .lr(config.train_lr)
        .momentum(Momentum::heavy(config.momentum))
        .build::<f32>()?;
    let encoder = PixelEncoder::unit();
    let (mut tape, mut grads) = (Tape::new(), Gradients::new());
    let (mut x, mut labels) = (Array2::zeros((0, 0)), Vec::new());
    for _ in 0..config.epochs {
        for batch in sampler.epoch(rng) {
            train.gather(batch, &encoder, &mut x, &mut labels)?;
            tape.clear();
            let input = tape.constant_copy(&x);
            let logits = model.forward(&mut tape, input, Mode::Train);
            let loss = tape.cross_entropy(logits, &labels);
            tape.backward_into(loss, &mut grads)?;
            let mut params: Vec<ParamMut<'_, f32>> = model
                .params_and_grads(&grads)
                .into_iter()
                .map(|p| ParamMut {
                    name: p.name,
                    value: p.value,
                    grad: p.grad,
                })
                .collect();
            opt.step(&mut params)?;
        }
    }
    Ok(())
}

/// A random direction in parameter space, filter-normalized to `model`'s
/// weights: every row of a weight direction has the norm of that row of the
/// weight; biases get no direction.
fn filter_normalized(model: &Mlp<f32>, rng: &mut StdRng) -> Result<Vec<ArrayD<f32>>> {
    let gaussian = Init::Normal {
        mean: 0.0,
        std: 1.0,
    };
    let mut directions = Vec::new();
    for p in model.params() {
        let mut d = gaussian.sample::<f32, _>(p.value().shape(), rng)?;
        if p.kind() == ParamKind::Weight && p.value().ndim() == 2 {
            for (mut row, w) in d.axis_iter_mut(Axis(0)).zip(p.value().axis_iter(Axis(0))) {
                let (dn, wn) = (norm(row.iter()), norm(w.iter()));
                row.mapv_inplace(|v| v * wn / dn.max(f32::MIN_POSITIVE));
            }
        } else {
            d.fill(0.0);
        }
        directions.push(d);
    }
    Ok(directions)
}

fn norm<'a>(values: impl Iterator<Item = &'a f32>) -> f32 {
    values.map(|v| v * v).sum::<f32>().sqrt()
}

/// Sets `model`'s parameters to `base + Σ coefficient·direction`.
fn move_to(model: &mut Mlp<f32>, base: &[ArrayD<f32>], moves: &[(f32, &[ArrayD<f32>])]) {
    for (k, p) in model.params_mut().into_iter().enumerate() {
        let mut value = p.value_mut();
        value.assign(&base[k]);
        for (c, dirs) in moves {
            value.scaled_add(*c, &dirs[k]);
        }
    }
}

/// What the slices measured.
#[derive(Debug, Clone, Serialize)]
pub struct Slices {
    /// The network, e.g. `784-32-10`.
    pub architecture: String,
    /// Training examples used.
    pub train_examples: usize,
    /// Epochs of training.
    pub epochs: usize,
    /// Examples the loss is evaluated on (training images).
    pub eval_examples: usize,
    /// Loss and accuracy on them after training.
    pub trained: (f64, f64),
    /// Accuracy on the first test images.
    pub test_accuracy: f64,
    /// `(α, loss)` along one direction at the trained weights.
    pub line: Vec<(f64, f64)>,
    /// `(α, loss)` along a direction normalized to the initial weights,
    /// at initialization.
    pub line_at_init: Vec<(f64, f64)>,
    /// Coordinates of the 2-D grid's cell centres, on both axes.
    pub grid: Vec<f64>,
    /// `surface[iy][ix]`: the loss at `θ + grid[ix]·δ + grid[iy]·η`.
    pub surface: Vec<Vec<f64>>,
}

impl Slices {
    /// The α of the smallest loss along the 1-D slice.
    pub fn line_minimum(&self) -> (f64, f64) {
        self.line
            .iter()
            .copied()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((f64::NAN, f64::NAN))
    }

    /// `(α, β, loss)` of the smallest loss on the 2-D grid.
    pub fn surface_minimum(&self) -> (f64, f64, f64) {
        let mut best = (f64::NAN, f64::NAN, f64::INFINITY);
        for (row, &b) in self.surface.iter().zip(&self.grid) {
            for (&loss, &a) in row.iter().zip(&self.grid) {
                if loss < best.2 {
                    best = (a, b, loss);
                }
            }
        }
        best
    }
}

fn line_through(
    model: &mut Mlp<f32>,
    tape: &mut Tape<f32>,
    eval: &Batch,
    base: &[ArrayD<f32>],
    direction: &[ArrayD<f32>],
    alphas: &[f64],
) -> Vec<(f64, f64)> {
    let line = alphas
        .iter()
        .map(|&a| {
            move_to(model, base, &[(a as f32, direction)]);
            (a, evaluate(model, tape, eval).0)
        })
        .collect();
    move_to(model, base, &[]);
    line
}

/// The loss on a grid of cell centres over `[−span, span]²` in the plane of
/// `directions` through `base`; returns the coordinates and `surface[iy][ix]`.
fn plane(
    model: &mut Mlp<f32>,
    tape: &mut Tape<f32>,
    eval: &Batch,
    base: &[ArrayD<f32>],
    [delta, eta]: [&[ArrayD<f32>]; 2],
    config: &Config,
) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (n, span) = (config.grid_points.max(2), config.span);
    let grid: Vec<f64> = (0..n)
        .map(|i| -span + 2.0 * span * (i as f64 + 0.5) / n as f64)
        .collect();
    let surface = grid
        .iter()
        .map(|&b| {
            grid.iter()
                .map(|&a| {
                    move_to(model, base, &[(a as f32, delta), (b as f32, eta)]);
                    evaluate(model, tape, eval).0
                })
                .collect()
        })
        .collect();
    move_to(model, base, &[]);
    (grid, surface)
}

/// Trains the network, then slices its loss.
///
/// **Errors**: an invalid setting or a dataset too small for the batches.
pub fn slices(config: &Config, mnist: &Splits) -> Result<Slices> {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let spec = MlpConfig::new(&[784, config.hidden, 10])?;
    let mut model = spec.build::<f32>(&mut rng)?;
    let mut tape = Tape::new();
    let eval = Batch::first(&mnist.train, config.eval_examples)?;
    let test = Batch::first(&mnist.test, config.eval_examples)?;
    let span = config.span;
    let alphas: Vec<f64> = (0..config.line_points)
        .map(|i| -span + 2.0 * span * i as f64 / (config.line_points.max(2) - 1) as f64)
        .collect();

    let initial: Vec<ArrayD<f32>> = model.params().iter().map(|p| p.value().clone()).collect();
    let mut direction_rng = StdRng::seed_from_u64(config.seed.wrapping_add(1));
    let init_direction = filter_normalized(&model, &mut direction_rng)?;
    let line_at_init = line_through(
        &mut model,
        &mut tape,
        &eval,
        &initial,
        &init_direction,
        &alphas,
    );

    train(&mut model, &mnist.train, config, &mut rng)?;
    let trained_weights: Vec<ArrayD<f32>> =
        model.params().iter().map(|p| p.value().clone()).collect();
    let mut direction_rng = StdRng::seed_from_u64(config.seed.wrapping_add(1));
    let delta = filter_normalized(&model, &mut direction_rng)?;
    let eta = filter_normalized(&model, &mut direction_rng)?;
    let trained = evaluate(&mut model, &mut tape, &eval);
    let test_accuracy = evaluate(&mut model, &mut tape, &test).1;
    let line = line_through(
        &mut model,
        &mut tape,
        &eval,
        &trained_weights,
        &delta,
        &alphas,
    );

    let (grid, surface) = plane(
        &mut model,
        &mut tape,
        &eval,
        &trained_weights,
        [&delta, &eta],
        config,
    );
    Ok(Slices {
        architecture: spec.to_string(),
        train_examples: config.train_examples.min(mnist.train.len()),
        epochs: config.epochs,
        eval_examples: eval.labels.len(),
        trained,
        test_accuracy,
        line,
        line_at_init,
        grid,
        surface,
    })
}
