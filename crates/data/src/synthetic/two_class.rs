//! Two Gaussian classes for logistic regression.

use ndarray::{Array1, Array2};
use rand::Rng;

use super::{normal_matrix, normal_vector};
use crate::{DataError, Result};

/// Settings of [`TwoClass`] data.
///
/// ```
/// use data::TwoClassConfig;
/// use rand::{SeedableRng, rngs::StdRng};
/// let data = TwoClassConfig::default().generate(&mut StdRng::seed_from_u64(0))?;
/// assert_eq!(data.labels.len(), 200);
/// assert_eq!(data.labels.iter().filter(|&&y| y == 1).count(), 100);
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TwoClassConfig {
    /// Number of examples (classes alternate, so they are balanced).
    pub examples: usize,
    /// Number of features (at least 1).
    pub features: usize,
    /// Distance between the two class means.
    pub separation: f64,
    /// Standard deviation of each class around its mean (isotropic).
    pub noise_std: f64,
}

impl Default for TwoClassConfig {
    /// 200 examples, 2 features, means 3 apart, unit noise.
    fn default() -> Self {
        Self {
            examples: 200,
            features: 2,
            separation: 3.0,
            noise_std: 1.0,
        }
    }
}

/// Examples of class `c` drawn from `N(mean_c, noise_std^2 I)` with
/// `mean_1 = -mean_0 = separation / 2 * u` for a random unit vector `u`.
///
/// The Bayes-optimal classifier is logistic: `P(y = 1 | x) = sigmoid(w* . x)`
/// with `w* = separation * u / noise_std^2` and no intercept.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoClass {
    /// Inputs, shape (n, d).
    pub x: Array2<f64>,
    /// Class of each example, 0 or 1 (alternating).
    pub labels: Vec<usize>,
    /// The class means, shape (2, d).
    pub means: Array2<f64>,
    /// The Bayes-optimal logistic weights `w*`.
    pub optimal_weights: Array1<f64>,
}

impl TwoClass {
    /// Labels as floats 0.0 and 1.0, for a logistic loss.
    pub fn targets(&self) -> Array1<f64> {
        self.labels.iter().map(|&y| y as f64).collect()
    }
}

impl TwoClassConfig {
    /// Draws a dataset.
    ///
    /// **Errors**: [`DataError::InvalidArgument`] for zero features, a
    /// negative or non-finite separation, or a noise level that is not positive.
    pub fn generate<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<TwoClass> {
        if self.features == 0 {
            return Err(DataError::invalid("features", "must be at least 1"));
        }
        if !(self.separation.is_finite() && self.separation >= 0.0) {
            return Err(DataError::invalid(
                "separation",
                format!("{} is not >= 0", self.separation),
            ));
        }
        if !(self.noise_std.is_finite() && self.noise_std > 0.0) {
            return Err(DataError::invalid(
                "noise_std",
                format!("{} is not > 0", self.noise_std),
            ));
        }
        let direction = loop {
            let u = normal_vector(self.features, rng);
            let norm = u.dot(&u).sqrt();
            if norm > 1e-12 {
                break u / norm;
            }
        };
        let half = &direction * (self.separation / 2.0);
        let mut means = Array2::zeros((2, self.features));
        means.row_mut(0).assign(&-&half);
        means.row_mut(1).assign(&half);
        let labels: Vec<usize> = (0..self.examples).map(|i| i % 2).collect();
        let mut x = normal_matrix(self.examples, self.features, rng) * self.noise_std;
        for (mut row, &c) in x.rows_mut().into_iter().zip(&labels) {
            row += &means.row(c);
        }
        let optimal_weights = direction * (self.separation / (self.noise_std * self.noise_std));
        Ok(TwoClass {
            x,
            labels,
            means,
            optimal_weights,
        })
    }
}
