//! Evaluation: mean loss and accuracy in large chunks, in `Eval` mode.

use data::LabeledImages;
use nn::Mode;

use crate::error::Result;
use crate::train::record::{EvalSplit, Evaluation};
use crate::train::scalar::Scalar;
use crate::train::step::count_correct;
use crate::train::trainer::Trainer;

impl<T: Scalar> Trainer<'_, T> {
    /// Mean cross-entropy and accuracy of the current model on `split`, in
    /// chunks of `eval_chunk` rows, in `Eval` mode (dropout off, BatchNorm
    /// on its running statistics). Nothing is trained.
    ///
    /// **Errors**: a data error.
    pub fn evaluate(&mut self, split: EvalSplit) -> Result<Evaluation> {
        let splits = self.splits;
        let (set, indices) = match split {
            EvalSplit::Train => (&splits.train, std::mem::take(&mut self.train_idx)),
            EvalSplit::Validation => (&splits.train, std::mem::take(&mut self.val_idx)),
            EvalSplit::Test => (&splits.test, std::mem::take(&mut self.test_idx)),
        };
        let result = self.evaluate_on(set, &indices);
        match split {
            EvalSplit::Train => self.train_idx = indices,
            EvalSplit::Validation => self.val_idx = indices,
            EvalSplit::Test => self.test_idx = indices,
        }
        result
    }

    fn evaluate_on(&mut self, set: &LabeledImages, indices: &[usize]) -> Result<Evaluation> {
        let (mut loss_sum, mut correct) = (0.0, 0);
        for idx in indices.chunks(self.config.eval_chunk) {
            self.tape.clear();
            let x = self
                .encoder
                .put(&mut self.tape, set, idx, &mut self.labels)?;
            let logits = self.model.forward(&mut self.tape, x, Mode::Eval);
            let loss = self.tape.cross_entropy(logits, &self.labels);
            loss_sum += self.tape.scalar(loss) * idx.len() as f64;
            correct += count_correct(self.tape.value(logits), &self.labels);
        }
        self.tape.clear();
        let n = indices.len().max(1) as f64;
        Ok(Evaluation {
            loss: loss_sum / n,
            accuracy: correct as f64 / n,
            examples: indices.len(),
        })
    }
}
