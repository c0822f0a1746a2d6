//! Small synthetic datasets for the optimization studies, generated from an
//! explicit RNG: linear regression, a quadratic bowl of chosen condition
//! number, and two Gaussian classes for logistic regression.

mod linear;
mod quadratic;
mod two_class;

pub use linear::{LinearRegression, LinearRegressionConfig};
pub use quadratic::{Basis, QuadraticBowl, QuadraticConfig, Spacing};
pub use two_class::{TwoClass, TwoClassConfig};

use ndarray::{Array1, Array2};
use rand::Rng;
use rand_distr::StandardNormal;

/// A vector of independent standard normal draws.
fn normal_vector<R: Rng + ?Sized>(n: usize, rng: &mut R) -> Array1<f64> {
    Array1::from_shape_simple_fn(n, || rng.sample(StandardNormal))
}

/// A matrix of independent standard normal draws.
fn normal_matrix<R: Rng + ?Sized>(rows: usize, cols: usize, rng: &mut R) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || rng.sample(StandardNormal))
}
