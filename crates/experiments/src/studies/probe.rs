//! Probing a network outside the training loop on a fixed batch: its
//! accuracy, the spread of its hidden activations and the norms of its
//! weight gradients, without disturbing batch norm's running statistics.

use autodiff::{Gradients, Tape};
use ndarray::{Array2, ArrayD, ArrayViewD, Axis};
use nn::{Buffer, Mode};

use crate::error::Result;
use crate::train::Network;

/// Fraction of rows of `logits` whose largest entry is at the label.
pub(crate) fn accuracy(logits: &ArrayD<f32>, labels: &[usize]) -> f64 {
    let correct = logits
        .axis_iter(Axis(0))
        .zip(labels)
        .filter(|(row, y)| {
            let best = row
                .iter()
                .enumerate()
                .fold(
                    (0, f32::NEG_INFINITY),
                    |b, (i, &v)| if v > b.1 { (i, v) } else { b },
                );
            best.0 == **y
        })
        .count();
    correct as f64 / labels.len().max(1) as f64
}

/// Population standard deviation of all entries of `x`.
pub(crate) fn std_of(x: &ArrayViewD<'_, f32>) -> f64 {
    let n = x.len().max(1) as f64;
    let mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    (x.iter()
        .map(|&v| (f64::from(v) - mean).powi(2))
        .sum::<f64>()
        / n)
        .sqrt()
}

/// The model's outputs on `x` in `mode`.
pub(crate) fn logits(model: &mut dyn Network<f32>, x: &Array2<f32>, mode: Mode) -> ArrayD<f32> {
    let mut tape = Tape::new();
    let input = tape.constant(x.clone());
    let out = model.forward(&mut tape, input, mode);
    tape.value(out).clone()
}

/// Accuracy on `(x, labels)` in evaluation mode (batch norm on its running
/// statistics).
pub(crate) fn eval_accuracy(
    model: &mut dyn Network<f32>,
    x: &Array2<f32>,
    labels: &[usize],
) -> f64 {
    accuracy(&logits(model, x, Mode::Eval), labels)
}

/// What one training-mode pass on a batch shows at the current weights.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Signals {
    /// Std of each hidden activation's output.
    pub activation_std: Vec<f64>,
    /// Std of the logits.
    pub logit_std: f64,
    /// L2 norm of the gradient of the mean cross-entropy with respect to
    /// each linear layer's weight matrix, in order.
    pub grad_norm: Vec<f64>,
    /// The mean cross-entropy.
    pub loss: f64,
}

/// Forward and backward on `(x, labels)` in training mode; batch norm's
/// running statistics are restored afterwards, so the probe leaves the
/// model as it was.
///
/// **Errors**: the backward pass failed.
pub(crate) fn signals(
    model: &mut dyn Network<f32>,
    x: &Array2<f32>,
    labels: &[usize],
) -> Result<Signals> {
    let saved: Vec<Buffer<f32>> = {
        let mut buffers = Vec::new();
        model.collect_buffers_mut(&mut buffers);
        buffers.iter().map(|b| (**b).clone()).collect()
    };
    let mut tape = Tape::new();
    let input = tape.constant(x.clone());
    let out = model.forward(&mut tape, input, Mode::Train);
    let activation_std = model
        .probes()
        .iter()
        .map(|p| std_of(&tape.value(p.var).view()))
        .collect();
    let logit_std = std_of(&tape.value(out).view());
    let loss_var = tape.cross_entropy(out, labels);
    let loss = tape.scalar(loss_var);
    let mut grads = Gradients::new();
    tape.backward_into(loss_var, &mut grads)?;
    let grad_norm = model
        .params_and_grads(&grads)
        .into_iter()
        .filter(|p| p.value.ndim() == 2)
        .map(|p| {
            p.grad.map_or(0.0, |g| {
                g.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>().sqrt()
            })
        })
        .collect();
    restore(model, saved);
    Ok(Signals {
        activation_std,
        logit_std,
        grad_norm,
        loss,
    })
}

/// Outputs of `model` on `x` in training mode (the batch's own statistics)
/// and in evaluation mode (the running statistics); the running statistics
/// are left as they were.
pub(crate) fn both_modes(
    model: &mut dyn Network<f32>,
    x: &Array2<f32>,
) -> (ArrayD<f32>, ArrayD<f32>) {
    let saved: Vec<Buffer<f32>> = {
        let mut buffers = Vec::new();
        model.collect_buffers_mut(&mut buffers);
        buffers.iter().map(|b| (**b).clone()).collect()
    };
    let train = logits(model, x, Mode::Train);
    restore(model, saved);
    (train, logits(model, x, Mode::Eval))
}

fn restore(model: &mut dyn Network<f32>, saved: Vec<Buffer<f32>>) {
    let mut buffers = Vec::new();
    model.collect_buffers_mut(&mut buffers);
    for (b, s) in buffers.into_iter().zip(saved) {
        *b = s;
    }
}
