//! Losses and masks composed from primitives: mean squared error and the
//! elementwise mask multiply used by dropout.

use ndarray::{Array, Dimension};

use crate::broadcast::broadcast_shape;
use crate::{Float, Tape, Var};

impl<T: Float> Tape<T> {
    /// Mean squared error `mean((pred - target)²)`, PyTorch's `F.mse_loss`
    /// with mean reduction. Composed from `sub`, `mul` and `mean`; `target`
    /// may broadcast against `pred`.
    ///
    /// **Panics** naming both shapes if they cannot broadcast.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let p = tape.leaf(ndarray::array![1.0, 3.0]);
    /// let t = tape.constant(ndarray::array![0.0, 1.0]);
    /// let loss = tape.mse(p, t);
    /// assert_eq!(tape.scalar(loss), 2.5);
    /// ```
    pub fn mse(&mut self, pred: Var, target: Var) -> Var {
        broadcast_shape("mse", self.shape(pred), self.shape(target));
        let d = self.sub(pred, target);
        let sq = self.mul(d, d);
        self.mean(sq)
    }

    /// `x ⊙ mask` for a constant `mask` (no gradient flows to it): the
    /// building block of dropout. Backward: `∂x = g ⊙ mask`. `mask` may
    /// broadcast against `x`.
    ///
    /// **Panics** naming both shapes if they cannot broadcast.
    ///
    /// ```
    /// let mut tape = autodiff::Tape::<f64>::new();
    /// let x = tape.leaf(ndarray::array![1.0, 2.0]);
    /// let y = tape.mask(x, ndarray::array![0.0, 2.0]);
    /// assert_eq!(tape.value(y), &ndarray::array![0.0, 4.0].into_dyn());
    /// ```
    pub fn mask<D: Dimension>(&mut self, x: Var, mask: Array<T, D>) -> Var {
        broadcast_shape("mask", self.shape(x), mask.shape());
        let m = self.constant(mask);
        self.mul(x, m)
    }
}
