//! Short full-batch training loops for the studies that need only a few
//! lines of training (the trainer is for the real runs): softmax regression
//! or an MLP on a fixed batch, one `optim` step per iteration.

use autodiff::{Gradients, Tape};
use ndarray::Array2;
use nn::{Mode, Module};
use optim::{Optimizer, ParamMut};

use crate::error::Result;

/// A model with its tape and gradient buffers, trained on one fixed batch.
///
/// ```
/// use experiments::studies::fit::FullBatch;
/// use optim::SgdConfig;
/// let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
/// let model = nn::Linear::<f32>::new(2, 2, &mut rng);
/// let x = ndarray::array![[1.0_f32, 0.0], [0.0, 1.0]];
/// let mut fit = FullBatch::new(model, x, vec![0, 1]);
/// let mut opt = SgdConfig::default().lr(0.5).build::<f32>().unwrap();
/// let first = fit.step(&mut opt).unwrap();
/// let second = fit.step(&mut opt).unwrap();
/// assert!(second < first);
/// assert_eq!(fit.accuracy(), 1.0);
/// ```
pub struct FullBatch<M> {
    model: M,
    x: Array2<f32>,
    labels: Vec<usize>,
    tape: Tape<f32>,
    grads: Gradients<f32>,
}

impl<M: Module<f32>> FullBatch<M> {
    /// Trains `model` on inputs `x` (examples by features) with `labels`.
    pub fn new(model: M, x: Array2<f32>, labels: Vec<usize>) -> Self {
        FullBatch {
            model,
            x,
            labels,
            tape: Tape::new(),
            grads: Gradients::new(),
        }
    }

    /// One step of `opt` on the mean cross-entropy; returns the loss before
    /// the step. A non-finite loss is returned without stepping.
    ///
    /// **Errors**: the backward pass or the optimizer failed.
    pub fn step(&mut self, opt: &mut dyn Optimizer<f32>) -> Result<f64> {
        let (x, labels) = (&self.x, &self.labels);
        step(
            &mut self.model,
            &mut self.tape,
            &mut self.grads,
            x,
            labels,
            opt,
        )
    }

    /// The mean cross-entropy at the current parameters.
    pub fn loss(&mut self) -> f64 {
        self.tape.clear();
        let x = self.tape.constant_copy(&self.x);
        let logits = self.model.forward(&mut self.tape, x, Mode::Eval);
        let loss = self.tape.cross_entropy(logits, &self.labels);
        self.tape.scalar(loss)
    }

    /// The fraction of examples whose largest logit is their label.
    pub fn accuracy(&mut self) -> f64 {
        accuracy(&mut self.model, &mut self.tape, &self.x, &self.labels)
    }
}

/// One step of `opt` on the mean cross-entropy of `model` on the batch
/// `(x, labels)`, reusing `tape` and `grads`; returns the loss before the
/// step. A non-finite loss is returned without stepping.
///
/// **Errors**: the backward pass or the optimizer failed.
pub fn step<M: Module<f32>>(
    model: &mut M,
    tape: &mut Tape<f32>,
    grads: &mut Gradients<f32>,
    x: &Array2<f32>,
    labels: &[usize],
    opt: &mut dyn Optimizer<f32>,
) -> Result<f64> {
    tape.clear();
    let input = tape.constant_copy(x);
    let logits = model.forward(tape, input, Mode::Train);
    let loss_var = tape.cross_entropy(logits, labels);
    let loss = tape.scalar(loss_var);
    if !loss.is_finite() {
        return Ok(loss);
    }
    tape.backward_into(loss_var, grads)?;
    let mut params: Vec<ParamMut<'_, f32>> = model
        .params_and_grads(grads)
        .into_iter()
        .map(|p| ParamMut {
            name: p.name,
            value: p.value,
            grad: p.grad,
        })
        .collect();
    opt.step(&mut params)?;
    Ok(loss)
}

/// The fraction of rows of `x` whose largest logit is their label.
pub fn accuracy<M: Module<f32>>(
    model: &mut M,
    tape: &mut Tape<f32>,
    x: &Array2<f32>,
    labels: &[usize],
) -> f64 {
    tape.clear();
    let input = tape.constant_copy(x);
    let logits = model.forward(tape, input, Mode::Eval);
    let values = tape.value(logits);
    let correct = values
        .outer_iter()
        .zip(labels)
        .filter(|(row, label)| {
            let best = row
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, _)| i);
            best == Some(**label)
        })
        .count();
    correct as f64 / labels.len().max(1) as f64
}
