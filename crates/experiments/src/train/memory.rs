//! How much memory a training step holds: read from the tape's and the
//! gradient store's buffers, not computed from a formula.

use crate::train::scalar::Scalar;
use crate::train::trainer::Trainer;

impl<T: Scalar> Trainer<'_, T> {
    /// Bytes held by the autodiff tape (the batch, the parameters as
    /// recorded, every activation, the softmax probabilities) and by the
    /// gradient buffers, as left by the last training step. Both only grow
    /// during a step and are released together when the next one starts, so
    /// right after a step this is the step's peak of those buffers
    /// (temporaries inside an operation and the optimizer's state are not
    /// counted). After an epoch whose last batch was short, it describes
    /// that short step.
    ///
    /// ```no_run
    /// use experiments::train::{TrainConfig, Trainer};
    /// let splits = data::load(data::Dataset::Mnist, "data".as_ref())?;
    /// let config = TrainConfig { batch: 64, subset: Some(64), ..TrainConfig::default() };
    /// let mut trainer = Trainer::<f32>::new(&config, &splits)?;
    /// trainer.train_epoch()?; // one step of 64 examples
    /// println!("{} bytes", trainer.step_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn step_bytes(&self) -> usize {
        self.tape.value_bytes() + self.grads.bytes()
    }
}
