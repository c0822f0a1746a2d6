//! Solving a symmetric positive definite system by Cholesky factorization.

use ndarray::{Array1, Array2, s};

use crate::error::{ExperimentsError, Result};

/// The lower-triangular `L` with `A = L·Lᵀ` (about n³/3 multiply-adds).
///
/// **Errors**: `a` is not square, or not (numerically) positive definite.
///
/// ```
/// use experiments::studies::analytic_vs_numeric::cholesky;
/// let l = cholesky(&ndarray::array![[4.0, 2.0], [2.0, 5.0]]).unwrap();
/// assert_eq!(l, ndarray::array![[2.0, 0.0], [1.0, 2.0]]);
/// ```
pub fn cholesky(a: &Array2<f64>) -> Result<Array2<f64>> {
    let n = a.nrows();
    if a.ncols() != n {
        return Err(ExperimentsError::Invalid(format!(
            "cholesky: the matrix is {}×{}, not square",
            n,
            a.ncols()
        )));
    }
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let row_j = l.slice(s![j, ..j]).to_owned();
        let pivot = a[[j, j]] - row_j.dot(&row_j);
        if !(pivot > 0.0 && pivot.is_finite()) {
            return Err(ExperimentsError::Invalid(format!(
                "cholesky: the matrix is not positive definite (pivot {j} is {pivot:e})"
            )));
        }
        let d = pivot.sqrt();
        l[[j, j]] = d;
        for i in j + 1..n {
            let dot = l.slice(s![i, ..j]).dot(&row_j);
            l[[i, j]] = (a[[i, j]] - dot) / d;
        }
    }
    Ok(l)
}

/// Solves `A·x = b` for symmetric positive definite `A`: `A = L·Lᵀ`, then
/// `L·z = b` forward and `Lᵀ·x = z` backward.
///
/// **Errors**: as [`cholesky`], or `b` of the wrong length.
///
/// ```
/// use experiments::studies::analytic_vs_numeric::solve_spd;
/// let x = solve_spd(&ndarray::array![[4.0, 2.0], [2.0, 5.0]], &ndarray::array![2.0, -3.0]).unwrap();
/// assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] + 1.0).abs() < 1e-15);
/// ```
pub fn solve_spd(a: &Array2<f64>, b: &Array1<f64>) -> Result<Array1<f64>> {
    let n = a.nrows();
    if b.len() != n {
        return Err(ExperimentsError::Invalid(format!(
            "solve_spd: a {n}×{n} system with a right-hand side of length {}",
            b.len()
        )));
    }
    let l = cholesky(a)?;
    let mut z = Array1::<f64>::zeros(n);
    for i in 0..n {
        z[i] = (b[i] - l.slice(s![i, ..i]).dot(&z.slice(s![..i]))) / l[[i, i]];
    }
    let mut x = Array1::<f64>::zeros(n);
    for i in (0..n).rev() {
        x[i] = (z[i] - l.slice(s![i + 1.., i]).dot(&x.slice(s![i + 1..]))) / l[[i, i]];
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_random_spd_system() {
        // A = MᵀM + I for a fixed M, x = (1, 2, 3, 4)
        let m = Array2::from_shape_fn((6, 4), |(i, j)| ((i * 7 + j * 3) % 5) as f64 - 2.0);
        let a = m.t().dot(&m) + Array2::<f64>::eye(4);
        let x = ndarray::array![1.0, 2.0, 3.0, 4.0];
        let solved = solve_spd(&a, &a.dot(&x)).unwrap();
        assert!((&solved - &x).iter().all(|e| e.abs() < 1e-12), "{solved}");
        let l = cholesky(&a).unwrap();
        assert!((l.dot(&l.t()) - &a).iter().all(|e| e.abs() < 1e-12));
    }

    #[test]
    fn rejects_indefinite_and_misshapen_input() {
        assert!(cholesky(&ndarray::array![[1.0, 2.0], [2.0, 1.0]]).is_err());
        assert!(cholesky(&Array2::zeros((2, 3))).is_err());
        assert!(solve_spd(&Array2::eye(2), &ndarray::array![1.0]).is_err());
    }
}
