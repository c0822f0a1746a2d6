//! Hooks for progress display: the trainer never prints, an observer may.

use crate::train::record::{EpochRecord, Warning};

/// Called by the trainer as it goes. Every method does nothing by default.
///
/// ```
/// use experiments::train::{EpochRecord, Observer};
/// #[derive(Default)]
/// struct Count(usize);
/// impl Observer for Count {
///     fn epoch_done(&mut self, _record: &EpochRecord) { self.0 += 1; }
/// }
/// let mut c = Count::default();
/// c.step_done(1, 0.5); // default: nothing
/// assert_eq!(c.0, 0);
/// ```
pub trait Observer {
    /// An epoch of `steps` minibatches begins (`epoch` counts from 1).
    fn epoch_started(&mut self, epoch: usize, epochs: usize, steps: usize) {
        let _ = (epoch, epochs, steps);
    }

    /// Minibatch `step` (from 1) of the epoch is done with this loss.
    fn step_done(&mut self, step: usize, loss: f64) {
        let _ = (step, loss);
    }

    /// The epoch's training is done; evaluation follows.
    fn training_done(&mut self) {}

    /// The epoch is done and recorded.
    fn epoch_done(&mut self, record: &EpochRecord) {
        let _ = record;
    }

    /// A diagnostic warning was raised.
    fn warning(&mut self, warning: &Warning) {
        let _ = warning;
    }
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Observer for Silent {}
