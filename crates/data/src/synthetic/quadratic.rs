//! A quadratic bowl `f(w) = 1/2 (w - w*)^T A (w - w*)` with chosen spectrum.

use ndarray::{Array1, Array2, ArrayView1, Axis, s};
use rand::Rng;

use super::{normal_matrix, normal_vector};
use crate::{DataError, Result};

/// How the eigenvalues fill `[min_eigenvalue, condition_number * min_eigenvalue]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spacing {
    /// Evenly on a log scale.
    Geometric,
    /// Evenly.
    Linear,
}

/// The eigenvectors of the bowl.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The coordinate axes: `A` is diagonal.
    Axes,
    /// A random rotation (Haar distributed).
    Random,
}

/// Settings of a [`QuadraticBowl`].
///
/// ```
/// use data::QuadraticConfig;
/// use rand::{SeedableRng, rngs::StdRng};
/// let config = QuadraticConfig { dim: 4, condition_number: 100.0, ..Default::default() };
/// let bowl = config.generate(&mut StdRng::seed_from_u64(0))?;
/// assert!((bowl.condition_number() - 100.0).abs() < 1e-9);
/// assert!(bowl.value(bowl.minimizer.view())?.abs() < 1e-12);
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct QuadraticConfig {
    /// Dimension `d`.
    pub dim: usize,
    /// `L / mu`, the ratio of the largest to the smallest eigenvalue (>= 1).
    pub condition_number: f64,
    /// `mu`, the smallest eigenvalue (> 0).
    pub min_eigenvalue: f64,
    /// How the eigenvalues in between are spread.
    pub spacing: Spacing,
    /// The eigenvectors.
    pub basis: Basis,
}

impl Default for QuadraticConfig {
    /// Dimension 2, condition number 10, `mu = 1`, geometric, rotated.
    fn default() -> Self {
        Self {
            dim: 2,
            condition_number: 10.0,
            min_eigenvalue: 1.0,
            spacing: Spacing::Geometric,
            basis: Basis::Random,
        }
    }
}

/// `f(w) = 1/2 (w - w*)^T A (w - w*)` with `A = Q diag(eigenvalues) Q^T`.
#[derive(Clone, Debug, PartialEq)]
pub struct QuadraticBowl {
    /// The symmetric positive definite matrix `A`, shape (d, d).
    pub matrix: Array2<f64>,
    /// Eigenvalues of `A`, increasing.
    pub eigenvalues: Array1<f64>,
    /// Orthonormal eigenvectors of `A`, as columns in the order of `eigenvalues`.
    pub eigenvectors: Array2<f64>,
    /// The minimizer `w*`, drawn from `N(0, I)`; `f(w*) = 0`.
    pub minimizer: Array1<f64>,
}

impl QuadraticBowl {
    /// `f(w)`.
    ///
    /// **Errors**: [`DataError::SizeMismatch`] if `w` has the wrong length.
    pub fn value(&self, w: ArrayView1<f64>) -> Result<f64> {
        let g = self.gradient(w.view())?;
        Ok(0.5 * (&w - &self.minimizer).dot(&g))
    }

    /// `grad f(w) = A (w - w*)`.
    ///
    /// **Errors**: [`DataError::SizeMismatch`] if `w` has the wrong length.
    pub fn gradient(&self, w: ArrayView1<f64>) -> Result<Array1<f64>> {
        if w.len() != self.minimizer.len() {
            return Err(DataError::SizeMismatch {
                what: "dimension",
                expected: self.minimizer.len(),
                found: w.len(),
            });
        }
        Ok(self.matrix.dot(&(&w - &self.minimizer)))
    }

    /// `L / mu`.
    pub fn condition_number(&self) -> f64 {
        self.smoothness() / self.strong_convexity()
    }

    /// `L`, the largest eigenvalue.
    pub fn smoothness(&self) -> f64 {
        self.eigenvalues
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// `mu`, the smallest eigenvalue.
    pub fn strong_convexity(&self) -> f64 {
        self.eigenvalues
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
    }
}

impl QuadraticConfig {
    /// Draws a bowl.
    ///
    /// **Errors**: [`DataError::InvalidArgument`] for `dim == 0`, a condition
    /// number below 1 (or not 1 when `dim == 1`), or a smallest eigenvalue
    /// that is not positive and finite.
    pub fn generate<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<QuadraticBowl> {
        let eigenvalues = self.eigenvalues()?;
        let d = self.dim;
        let q = match self.basis {
            Basis::Random => random_orthogonal(d, rng),
            Basis::Axes => Array2::eye(d),
        };
        let scaled = &q * &eigenvalues.view().insert_axis(Axis(0));
        let mut matrix = scaled.dot(&q.t());
        // Exact symmetry despite rounding.
        matrix = (&matrix + &matrix.t()) * 0.5;
        Ok(QuadraticBowl {
            matrix,
            eigenvalues,
            eigenvectors: q,
            minimizer: normal_vector(d, rng),
        })
    }

    fn eigenvalues(&self) -> Result<Array1<f64>> {
        let (d, kappa, mu) = (self.dim, self.condition_number, self.min_eigenvalue);
        if d == 0 {
            return Err(DataError::invalid("dim", "must be at least 1"));
        }
        if !(mu.is_finite() && mu > 0.0) {
            return Err(DataError::invalid(
                "min_eigenvalue",
                format!("{mu} is not > 0"),
            ));
        }
        if !(kappa.is_finite() && kappa >= 1.0 && (mu * kappa).is_finite()) {
            return Err(DataError::invalid(
                "condition_number",
                format!("{kappa} is not a finite number >= 1"),
            ));
        }
        if d == 1 {
            return if kappa == 1.0 {
                Ok(Array1::from_elem(1, mu))
            } else {
                Err(DataError::invalid(
                    "condition_number",
                    "a 1-dimensional bowl has condition number 1",
                ))
            };
        }
        let last = (d - 1) as f64;
        Ok((0..d)
            .map(|i| {
                let t = i as f64 / last;
                match self.spacing {
                    Spacing::Geometric => mu * kappa.powf(t),
                    Spacing::Linear => mu * (1.0 + (kappa - 1.0) * t),
                }
            })
            .collect())
    }
}

/// A random orthogonal matrix (Haar distributed): Householder QR of a Gaussian
/// matrix, with the signs of R's diagonal moved into Q.
fn random_orthogonal<R: Rng + ?Sized>(d: usize, rng: &mut R) -> Array2<f64> {
    let mut a = normal_matrix(d, d, rng);
    let mut q = Array2::<f64>::eye(d);
    for k in 0..d {
        let x = a.slice(s![k.., k]).to_owned();
        let norm = x.dot(&x).sqrt();
        let alpha = if x[0] >= 0.0 { -norm } else { norm };
        let mut v = x;
        v[0] -= alpha;
        let v_norm2 = v.dot(&v);
        if v_norm2 > 0.0 {
            // A[k.., k..] -= 2 v (v^T A[k.., k..]) / |v|^2
            let mut block = a.slice_mut(s![k.., k..]);
            let vt_block = v.dot(&block);
            for (mut row, &vi) in block.rows_mut().into_iter().zip(&v) {
                row.scaled_add(-2.0 * vi / v_norm2, &vt_block);
            }
            // Q[:, k..] -= 2 (Q[:, k..] v) v^T / |v|^2
            let mut cols = q.slice_mut(s![.., k..]);
            let block_v = cols.dot(&v);
            for (mut row, &bi) in cols.rows_mut().into_iter().zip(&block_v) {
                row.scaled_add(-2.0 * bi / v_norm2, &v);
            }
        }
        if a[[k, k]] < 0.0 {
            q.column_mut(k).mapv_inplace(|e| -e);
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn random_orthogonal_is_orthogonal() {
        let q = random_orthogonal(6, &mut StdRng::seed_from_u64(5));
        let err = (q.t().dot(&q) - Array2::<f64>::eye(6)).mapv(f64::abs).sum();
        assert!(err < 1e-12, "Q^T Q differs from I by {err}");
    }
}
