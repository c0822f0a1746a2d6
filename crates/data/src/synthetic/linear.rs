//! Linear regression data: `y = X w + b + noise`.

use ndarray::{Array1, Array2};
use rand::Rng;

use super::{normal_matrix, normal_vector};
use crate::{DataError, Result};

/// Settings of [`LinearRegression`] data.
///
/// ```
/// use data::LinearRegressionConfig;
/// use rand::{SeedableRng, rngs::StdRng};
/// let config = LinearRegressionConfig { noise_std: 0.0, ..Default::default() };
/// let data = config.generate(&mut StdRng::seed_from_u64(0))?;
/// let fitted = data.x.dot(&data.weights) + data.bias;
/// assert!((&fitted - &data.y).iter().all(|r| r.abs() < 1e-12));
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LinearRegressionConfig {
    /// Number of examples `n`.
    pub examples: usize,
    /// Number of features `d`.
    pub features: usize,
    /// Standard deviation of the Gaussian noise added to `y`.
    pub noise_std: f64,
    /// The true intercept `b` (0 for none).
    pub bias: f64,
}

impl Default for LinearRegressionConfig {
    /// 200 examples, 5 features, noise 0.1, intercept 0.5.
    fn default() -> Self {
        Self {
            examples: 200,
            features: 5,
            noise_std: 0.1,
            bias: 0.5,
        }
    }
}

/// Inputs `x ~ N(0, I)`, true weights `w ~ N(0, I)`, and targets
/// `y = x w + b + noise_std * N(0, 1)`.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearRegression {
    /// Inputs, shape (n, d).
    pub x: Array2<f64>,
    /// Targets, shape (n).
    pub y: Array1<f64>,
    /// The true weights, shape (d).
    pub weights: Array1<f64>,
    /// The true intercept.
    pub bias: f64,
}

impl LinearRegressionConfig {
    /// Draws a dataset.
    ///
    /// **Errors**: [`DataError::InvalidArgument`] for a negative or non-finite
    /// noise level or a non-finite bias.
    pub fn generate<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<LinearRegression> {
        if !(self.noise_std.is_finite() && self.noise_std >= 0.0) {
            return Err(DataError::invalid(
                "noise_std",
                format!("{} is not >= 0", self.noise_std),
            ));
        }
        if !self.bias.is_finite() {
            return Err(DataError::invalid("bias", "must be finite"));
        }
        let weights = normal_vector(self.features, rng);
        let x = normal_matrix(self.examples, self.features, rng);
        let noise = normal_vector(self.examples, rng);
        let y = x.dot(&weights) + self.bias + noise * self.noise_std;
        Ok(LinearRegression {
            x,
            y,
            weights,
            bias: self.bias,
        })
    }
}
