//! One optimizer step: on a minibatch, or on the whole training set
//! (accumulated over chunks).

use ndarray::{ArrayD, ArrayViewD, Ix2, IxDyn};
use nn::Mode;
use optim::{NonFinite, NormType, ParamMut};

use crate::error::Result;
use crate::train::diagnostics::Signal;
use crate::train::diagnostics::layers::{activation_stats, l2, l2_diff};
use crate::train::record::{LayerReport, ParamStats};
use crate::train::scalar::{Scalar, from_f64};
use crate::train::seeds::{self, Stream};
use crate::train::trainer::Trainer;

/// What one minibatch step produced.
pub(crate) struct StepOutcome {
    /// The minibatch's mean loss (before the update).
    pub loss: f64,
    /// Examples classified correctly (before the update).
    pub correct: usize,
    /// The global gradient norm, if measured.
    pub grad_norm: Option<f64>,
    /// Per-layer diagnostics, if this step was sampled.
    pub layers: Option<LayerReport>,
    /// Set (and no update made) if the loss diverged.
    pub diverged: Option<Signal>,
}

/// Rows of `logits` whose largest entry (the first, on ties) is the label.
pub(crate) fn count_correct<T: Scalar>(logits: &ArrayD<T>, labels: &[usize]) -> usize {
    let logits = logits
        .view()
        .into_dimensionality::<Ix2>()
        .expect("logits of two axes");
    logits
        .rows()
        .into_iter()
        .zip(labels)
        .filter(|(row, label)| {
            let mut best = 0;
            for (j, &v) in row.iter().enumerate() {
                if v > row[best] {
                    best = j;
                }
            }
            best == **label
        })
        .count()
}

/// `√Σ‖g‖²` over every gradient, accumulated in `f64`.
fn global_norm<'a, T: Scalar>(grads: impl Iterator<Item = ArrayViewD<'a, T>>) -> f64 {
    grads
        .map(|g| {
            let n = l2(&g);
            n * n
        })
        .sum::<f64>()
        .sqrt()
}

/// Norms of every parameter and its gradient, keeping a copy of the values
/// in `before` to measure the update against.
fn param_stats<T: Scalar>(
    pairs: &[ParamMut<'_, T>],
    before: &mut Vec<ArrayD<T>>,
) -> Vec<ParamStats> {
    ensure_len(before, pairs.len());
    pairs
        .iter()
        .zip(before.iter_mut())
        .map(|(p, before)| {
            copy_into(before, &p.value.view());
            ParamStats {
                name: p.name.to_string(),
                norm: l2(&p.value.view()),
                grad_norm: p.grad.as_ref().map_or(0.0, l2),
                update_ratio: f64::NAN,
            }
        })
        .collect()
}

/// `v`'s allocation, emptied, as a vector of another element type of the same
/// size and alignment (the standard library collects in place then), so
/// per-step lists of borrowed parameters need no allocation.
fn recycle<A, B>(mut v: Vec<A>) -> Vec<B> {
    v.clear();
    v.into_iter().map(|_| unreachable!("emptied")).collect()
}

/// Makes `buf` hold `len` arrays (shapes fixed on first use).
fn ensure_len<T: Scalar>(buf: &mut Vec<ArrayD<T>>, len: usize) {
    buf.resize_with(len, || ArrayD::zeros(IxDyn(&[0])));
}

/// Copies `from` into `to`, reallocating only if the shape changed.
fn copy_into<T: Scalar>(to: &mut ArrayD<T>, from: &ArrayViewD<'_, T>) {
    if to.shape() == from.shape() {
        to.assign(from);
    } else {
        *to = from.to_owned();
    }
}

impl<T: Scalar> Trainer<'_, T> {
    /// Forward, loss, divergence check, backward and update on `indices`.
    pub(crate) fn train_step(
        &mut self,
        indices: &[usize],
        want_norm: bool,
        diagnose: bool,
    ) -> Result<StepOutcome> {
        self.tape.clear();
        let x = self.encoder.put(
            &mut self.tape,
            &self.splits.train,
            indices,
            &mut self.labels,
        )?;
        let logits = self.model.forward(&mut self.tape, x, Mode::Train);
        let loss_var = self.tape.cross_entropy(logits, &self.labels);
        let loss = self.tape.scalar(loss_var);
        let correct = count_correct(self.tape.value(logits), &self.labels);
        let mut out = StepOutcome {
            loss,
            correct,
            grad_norm: None,
            layers: None,
            diverged: None,
        };
        if let Some(signal) = self.monitor.divergence(loss) {
            out.diverged = Some(signal);
            return Ok(out);
        }
        let activations = if diagnose {
            let probes = self.model.probes();
            probes
                .iter()
                .map(|p| activation_stats(&p.name, p.activation, self.tape.value(p.var)))
                .collect()
        } else {
            Vec::new()
        };
        self.tape.backward_into(loss_var, &mut self.grads)?;
        let (norm, params) = self.update(want_norm, diagnose, false)?;
        self.step += 1;
        self.step_losses.push(loss);
        out.grad_norm = norm;
        out.layers = params.map(|params| LayerReport {
            step: self.step,
            activations,
            params,
        });
        Ok(out)
    }

    /// Steps the optimizer on the gradients in `self.grads`, clipping them if
    /// asked; measures the global norm (if `want_norm`, clipping or
    /// `diagnose`) and per-parameter statistics (if `diagnose`). The
    /// gradients are the tape's, or the full-batch sums in `acc_buf` if
    /// `accumulated`. Allocates nothing in steady state: the parameter lists
    /// reuse the trainer's buffers.
    fn update(
        &mut self,
        want_norm: bool,
        diagnose: bool,
        accumulated: bool,
    ) -> Result<(Option<f64>, Option<Vec<ParamStats>>)> {
        let Trainer {
            model,
            grads,
            optimizer,
            clip_buf,
            acc_buf,
            before_buf,
            config,
            refs_buf,
            params_buf,
            ..
        } = self;
        let mut refs: Vec<&mut nn::Param<T>> = recycle(std::mem::take(refs_buf));
        model.collect_params_mut(&mut refs);
        let mut params: Vec<ParamMut<'_, T>> = recycle(std::mem::take(params_buf));
        params.extend(refs.drain(..).enumerate().map(|(i, p)| {
            let (name, value, var) = p.parts_mut();
            let grad = if accumulated {
                acc_buf.get(i).map(|a| a.view())
            } else {
                var.and_then(|v| grads.wrt(v)).map(|g| g.view())
            };
            ParamMut { name, value, grad }
        }));
        *refs_buf = recycle(refs);
        let clip = config.clip_grad_norm;
        let mut norm = (want_norm || clip.is_some() || diagnose)
            .then(|| global_norm(params.iter().filter_map(|p| p.grad.clone())));
        let mut stats = diagnose.then(|| param_stats(&params, before_buf));
        if let Some(max_norm) = clip {
            ensure_len(clip_buf, params.len());
            for (p, c) in params.iter().zip(clip_buf.iter_mut()) {
                if let Some(g) = &p.grad {
                    copy_into(c, g);
                }
            }
            let n = params.len();
            let measured = optim::clip_grad_norm(
                &mut clip_buf[..n],
                max_norm,
                NormType::L2,
                NonFinite::Propagate,
            )?;
            norm = Some(measured);
            for (p, c) in params.iter_mut().zip(clip_buf.iter()) {
                if p.grad.is_some() {
                    p.grad = Some(c.view());
                }
            }
        }
        let stepped = optimizer.step(&mut params);
        *params_buf = recycle(params);
        stepped?;
        if let Some(stats) = &mut stats {
            for ((s, p), before) in stats.iter_mut().zip(model.params()).zip(before_buf.iter()) {
                let base = s.norm.max(f64::MIN_POSITIVE);
                s.update_ratio = l2_diff(&p.value().view(), &before.view()) / base;
            }
        }
        Ok((norm, stats))
    }

    /// One step of full-batch gradient descent: the gradient of the mean loss
    /// over every training example (accumulated over chunks of
    /// `eval_chunk` rows, in order), then one optimizer step. Returns the
    /// loss before the step.
    ///
    /// **Errors**: as [`train_epoch`](Trainer::train_epoch).
    pub fn full_batch_step(&mut self) -> Result<f64> {
        self.apply_lr()?;
        self.model.reseed(seeds::derive(
            self.config.seed,
            Stream::FullBatch,
            self.step,
        ));
        let n = self.train_idx.len();
        let chunk = self.config.eval_chunk;
        let indices = std::mem::take(&mut self.train_idx);
        let mut total = 0.0;
        let chunks = n.div_ceil(chunk);
        for (c, idx) in indices.chunks(chunk).enumerate() {
            self.tape.clear();
            let x = self
                .encoder
                .put(&mut self.tape, &self.splits.train, idx, &mut self.labels)?;
            let logits = self.model.forward(&mut self.tape, x, Mode::Train);
            let loss_var = self.tape.cross_entropy(logits, &self.labels);
            total += self.tape.scalar(loss_var) * idx.len() as f64;
            self.tape.backward_into(loss_var, &mut self.grads)?;
            if chunks == 1 {
                break;
            }
            let weight: T = from_f64(idx.len() as f64 / n as f64);
            let Trainer {
                model,
                grads,
                acc_buf,
                refs_buf,
                ..
            } = &mut *self;
            let mut refs: Vec<&mut nn::Param<T>> = recycle(std::mem::take(refs_buf));
            model.collect_params_mut(&mut refs);
            ensure_len(acc_buf, refs.len());
            for (p, acc) in refs.iter().zip(acc_buf.iter_mut()) {
                let g = p
                    .var()
                    .and_then(|v| grads.wrt(v))
                    .expect("every parameter gets a gradient");
                if c == 0 {
                    copy_into(acc, &g.view());
                    acc.mapv_inplace(|v| v * weight);
                } else {
                    acc.scaled_add(weight, g);
                }
            }
            *refs_buf = recycle(refs);
        }
        self.train_idx = indices;
        let loss = total / n as f64;
        self.update(false, false, chunks > 1)?;
        self.step += 1;
        self.step_losses.push(loss);
        Ok(loss)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn correct_counts_the_first_maximum() {
        let logits = array![[0.1, 0.9, 0.0], [2.0, 2.0, 1.0], [0.0, 0.0, 3.0]].into_dyn();
        assert_eq!(count_correct::<f64>(&logits, &[1, 1, 2]), 2); // row 2 ties: index 0
    }
}
