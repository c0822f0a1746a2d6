//! The mean logistic loss of a small two-class problem as an objective of
//! its weights (used by the precision and analytic-versus-numeric studies).

use autodiff::{Float, Objective, Tape, Var};
use ndarray::{Array1, Array2, Axis};

/// The mean logistic loss `mean(softplus(−s ⊙ X w))` of a small two-class
/// problem (labels `s = ±1`), as an [`Objective`] of `w` (shape d×1).
#[derive(Debug, Clone)]
pub struct LogisticLoss {
    /// Inputs, n×d.
    pub x: Array2<f64>,
    /// Labels as ±1, n×1.
    pub signs: Array2<f64>,
}

impl LogisticLoss {
    /// The loss of examples `x` with classes `labels` (0 or 1).
    ///
    /// ```
    /// use experiments::studies::logistic_loss::LogisticLoss;
    /// let loss = LogisticLoss::new(ndarray::array![[1.0], [-1.0]], &[1, 0]);
    /// assert_eq!(loss.signs, ndarray::array![[1.0], [-1.0]]);
    /// ```
    pub fn new(x: Array2<f64>, labels: &[usize]) -> Self {
        let signs = labels.iter().map(|&l| if l == 1 { 1.0 } else { -1.0 });
        LogisticLoss {
            x,
            signs: Array1::from_iter(signs).insert_axis(Axis(1)),
        }
    }
}

impl Objective for LogisticLoss {
    fn eval<T: Float>(&self, tape: &mut Tape<T>, inputs: &[Var]) -> Var {
        let x = tape.constant(self.x.mapv(T::of));
        let neg_signs = tape.constant(self.signs.mapv(|s| T::of(-s)));
        let scores = tape.matmul(x, inputs[0]);
        let margins = tape.mul(scores, neg_signs);
        let losses = tape.softplus(margins);
        tape.mean(losses)
    }
}
