//! The objective of the study: logistic regression without intercept on two
//! Gaussian classes, as a function of the weight vector.

use autodiff::{Float, Objective, Tape, Var};
use data::TwoClassConfig;
use ndarray::{Array2, ArrayView1, Axis, Zip};
use rand::{SeedableRng, rngs::StdRng};

use crate::error::Result;

/// Mean logistic loss of the linear classifier `w`:
/// `L(w) = (1/n) Σᵢ softplus(xᵢ·w) − yᵢ·(xᵢ·w)`, labels `yᵢ ∈ {0, 1}`.
///
/// ```
/// use autodiff::check_gradients;
/// use experiments::studies::random_search::Logistic;
/// let f = Logistic::two_class(50, 4, 3.0, 0).unwrap();
/// assert_eq!(f.dim(), 4);
/// let report = check_gradients::<f64, _>(&f, &[ndarray::array![0.3, -0.2, 0.1, 0.5].into_dyn()]);
/// assert!(report.worst_rel() < 1e-6);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Logistic {
    /// Inputs, examples by features.
    x: Array2<f64>,
    /// Labels 0.0 or 1.0, shape (examples, 1).
    y: Array2<f64>,
}

impl Logistic {
    /// Logistic regression on `examples` points of [`data::TwoClass`] data
    /// with `features` dimensions, class means `separation` apart, unit noise.
    ///
    /// **Errors**: invalid data settings.
    pub fn two_class(examples: usize, features: usize, separation: f64, seed: u64) -> Result<Self> {
        let data = TwoClassConfig {
            examples,
            features,
            separation,
            noise_std: 1.0,
        }
        .generate(&mut StdRng::seed_from_u64(seed))?;
        Ok(Logistic {
            y: data.targets().insert_axis(Axis(1)),
            x: data.x,
        })
    }

    /// Number of weights.
    pub fn dim(&self) -> usize {
        self.x.ncols()
    }

    /// The loss computed directly, without a tape (to check the tape's).
    ///
    /// ```
    /// use experiments::studies::random_search::Logistic;
    /// let f = Logistic::two_class(10, 3, 3.0, 1).unwrap();
    /// assert!((f.loss(ndarray::Array1::zeros(3).view()) - 2f64.ln()).abs() < 1e-15);
    /// ```
    pub fn loss(&self, w: ArrayView1<f64>) -> f64 {
        let z = self.x.dot(&w);
        let total: f64 = z
            .iter()
            .zip(self.y.iter())
            .map(|(&z, &y)| softplus(z) - y * z)
            .sum();
        total / self.y.len() as f64
    }
}

/// `ln(1 + eᶻ)` with the tape's threshold (linear above 20).
fn softplus(z: f64) -> f64 {
    if z > 20.0 { z } else { z.exp().ln_1p() }
}

/// `values` converted to `T` in a buffer of the tape's pool, as a constant.
fn on_tape<T: Float>(values: &Array2<f64>, tape: &mut Tape<T>) -> Var {
    let mut buffer = tape.buffer(values.shape());
    Zip::from(&mut buffer)
        .and(&values.view().into_dyn())
        .for_each(|b, &v| *b = T::of(v));
    tape.constant(buffer)
}

impl Objective for Logistic {
    fn eval<T: Float>(&self, tape: &mut Tape<T>, w: &[Var]) -> Var {
        let x = on_tape(&self.x, tape);
        let y = on_tape(&self.y, tape);
        let w = tape.reshape(w[0], &[self.dim(), 1]);
        let z = tape.matmul(x, w);
        let soft = tape.softplus(z);
        let yz = tape.mul(y, z);
        let terms = tape.sub(soft, yz);
        tape.mean(terms)
    }
}
