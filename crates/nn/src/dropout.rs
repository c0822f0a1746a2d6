//! Inverted dropout with its own seeded RNG.

use autodiff::{Float, Tape, Var};
use ndarray::{ArrayD, IxDyn};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::{Result, check_hyper};
use crate::module::{LayerKind, Mode, Module};

/// Inverted dropout (PyTorch's `nn.Dropout`): in `Train` mode each element is
/// zeroed with probability `p` and the survivors are scaled by `1/(1-p)`, so
/// the expected output equals the input; in `Eval` mode it is the identity.
///
/// The layer owns an RNG seeded at construction (no global RNG), so a run is
/// reproducible from its seed. The mask buffer is reused between steps.
///
/// ```
/// use autodiff::Tape;
/// use nn::{Dropout, Mode, Module};
/// let mut drop = Dropout::<f64>::new(0.5, 42).unwrap();
/// let mut tape = Tape::new();
/// let x = tape.constant(ndarray::Array2::<f64>::ones((4, 8)));
/// let y = drop.forward(&mut tape, x, Mode::Train);
/// assert!(tape.value(y).iter().all(|&v| v == 0.0 || v == 2.0));
/// let z = drop.forward(&mut tape, x, Mode::Eval);
/// assert_eq!(z, x);
/// ```
#[derive(Debug, Clone)]
pub struct Dropout<T> {
    p: f64,
    rng: StdRng,
    mask: ArrayD<T>,
}

impl<T: Float> Dropout<T> {
    /// Dropout with drop probability `p`, its RNG seeded with `seed`.
    ///
    /// **Errors**: [`NnError::InvalidHyperparameter`](crate::NnError::InvalidHyperparameter)
    /// unless `0 <= p <= 1`.
    ///
    /// ```
    /// assert!(nn::Dropout::<f32>::new(0.2, 0).is_ok());
    /// assert!(nn::Dropout::<f32>::new(1.5, 0).is_err());
    /// ```
    pub fn new(p: f64, seed: u64) -> Result<Self> {
        check_hyper("dropout p", p, (0.0..=1.0).contains(&p), "in [0, 1]")?;
        Ok(Dropout {
            p,
            rng: StdRng::seed_from_u64(seed),
            mask: ArrayD::zeros(IxDyn(&[0])),
        })
    }

    /// The drop probability.
    ///
    /// ```
    /// assert_eq!(nn::Dropout::<f32>::new(0.3, 0).unwrap().p(), 0.3);
    /// ```
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Restarts the mask sequence from `seed`.
    ///
    /// ```
    /// let mut d = nn::Dropout::<f64>::new(0.5, 1).unwrap();
    /// d.reseed(1);
    /// assert_eq!(d.p(), 0.5);
    /// ```
    pub fn reseed(&mut self, seed: u64) {
        self.rng = StdRng::seed_from_u64(seed);
    }

    fn refill_mask(&mut self, shape: &[usize]) {
        if self.mask.shape() != shape {
            self.mask = ArrayD::zeros(IxDyn(shape));
        }
        let keep = T::of(1.0 / (1.0 - self.p));
        let p = self.p;
        let rng = &mut self.rng;
        self.mask.iter_mut().for_each(|m| {
            *m = if rng.random::<f64>() < p {
                T::zero()
            } else {
                keep
            };
        });
    }
}

impl<T: Float> Module<T> for Dropout<T> {
    fn forward(&mut self, tape: &mut Tape<T>, x: Var, mode: Mode) -> Var {
        if mode == Mode::Eval || self.p == 0.0 {
            return x;
        }
        let shape = tape.value(x).shape().to_vec();
        self.refill_mask(&shape);
        let m = tape.constant_copy(&self.mask);
        tape.mul(x, m)
    }

    fn reseed(&mut self, seed: u64) {
        Dropout::reseed(self, seed);
    }

    fn kind(&self) -> LayerKind {
        LayerKind::Dropout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_one_drops_everything_without_nan() {
        let mut d = Dropout::<f64>::new(1.0, 3).unwrap();
        let mut tape = Tape::new();
        let x = tape.constant(ndarray::Array1::<f64>::ones(10));
        let y = d.forward(&mut tape, x, Mode::Train);
        assert!(tape.value(y).iter().all(|&v| v == 0.0));
    }

    #[test]
    fn p_zero_is_the_identity_in_train_mode() {
        let mut d = Dropout::<f64>::new(0.0, 3).unwrap();
        let mut tape = Tape::new();
        let x = tape.constant(ndarray::Array1::<f64>::ones(10));
        assert_eq!(d.forward(&mut tape, x, Mode::Train), x);
    }
}
