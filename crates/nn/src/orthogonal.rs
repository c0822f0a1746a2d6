//! Orthogonal initialization: QR of a Gaussian matrix by Householder
//! reflections (no LAPACK), as PyTorch's `torch.nn.init.orthogonal_`.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// A `rows × cols` matrix (row-major) with orthonormal rows (when
/// `rows <= cols`) or orthonormal columns (when `rows >= cols`), times `gain`.
///
/// Follows PyTorch: draw `A ~ N(0, 1)` of shape `rows × cols`, transpose it if
/// it is wide, take its thin QR factorization `A = QR`, multiply each column
/// of `Q` by the sign of the matching diagonal entry of `R` (which makes the
/// result uniformly distributed over orthogonal matrices, Mezzadri 2007), and
/// transpose back.
pub(crate) fn orthogonal<R: Rng + ?Sized>(
    rows: usize,
    cols: usize,
    gain: f64,
    rng: &mut R,
) -> Vec<f64> {
    let normal: Vec<f64> = (0..rows * cols)
        .map(|_| StandardNormal.sample(rng))
        .collect();
    let wide = rows < cols;
    // Work on a tall m × n matrix (m >= n).
    let (m, n) = if wide { (cols, rows) } else { (rows, cols) };
    let mut a = if wide {
        transpose(&normal, rows, cols)
    } else {
        normal
    };
    let q = thin_q_with_positive_r(&mut a, m, n);
    let q = if wide { transpose(&q, m, n) } else { q };
    q.into_iter().map(|x| x * gain).collect()
}

fn transpose(a: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    let mut t = vec![0.0; rows * cols];
    for i in 0..rows {
        for j in 0..cols {
            t[j * rows + i] = a[i * cols + j];
        }
    }
    t
}

/// Householder QR of the `m × n` matrix `a` (m >= n, row-major, overwritten):
/// returns the thin `Q` (`m × n`) with each column multiplied by the sign of
/// `R`'s diagonal, i.e. the `Q` of the factorization whose `R` has a
/// non-negative diagonal.
fn thin_q_with_positive_r(a: &mut [f64], m: usize, n: usize) -> Vec<f64> {
    let mut reflectors: Vec<Vec<f64>> = Vec::with_capacity(n);
    let mut r_diag = Vec::with_capacity(n);
    for k in 0..n {
        // v = x - alpha e1 with alpha = -sign(x0) ||x||, normalized.
        let x: Vec<f64> = (k..m).map(|i| a[i * n + k]).collect();
        let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        let alpha = if x[0] >= 0.0 { -norm } else { norm };
        let mut v = x;
        v[0] -= alpha;
        let v_norm = v.iter().map(|t| t * t).sum::<f64>().sqrt();
        if v_norm > 0.0 {
            v.iter_mut().for_each(|t| *t /= v_norm);
            reflect(a, n, k, k, &v);
        }
        r_diag.push(a[k * n + k]);
        reflectors.push(v);
    }
    // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
    let mut q = vec![0.0; m * n];
    for j in 0..n {
        q[j * n + j] = 1.0;
    }
    for k in (0..n).rev() {
        if reflectors[k].iter().any(|&t| t != 0.0) {
            reflect(&mut q, n, k, 0, &reflectors[k]);
        }
    }
    for (j, &d) in r_diag.iter().enumerate() {
        if d < 0.0 {
            for i in 0..m {
                q[i * n + j] = -q[i * n + j];
            }
        }
    }
    q
}

/// Applies `I - 2 v vᵀ` (acting on rows `k..`) to columns `first_col..` of the
/// row-major matrix `a` with `n` columns.
fn reflect(a: &mut [f64], n: usize, k: usize, first_col: usize, v: &[f64]) {
    for j in first_col..n {
        let s: f64 = v
            .iter()
            .enumerate()
            .map(|(r, vr)| vr * a[(k + r) * n + j])
            .sum();
        for (r, vr) in v.iter().enumerate() {
            a[(k + r) * n + j] -= 2.0 * s * vr;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn gram(a: &[f64], rows: usize, cols: usize, by_rows: bool) -> Vec<f64> {
        let k = if by_rows { rows } else { cols };
        let mut g = vec![0.0; k * k];
        for p in 0..k {
            for q in 0..k {
                g[p * k + q] = if by_rows {
                    (0..cols).map(|j| a[p * cols + j] * a[q * cols + j]).sum()
                } else {
                    (0..rows).map(|i| a[i * cols + p] * a[i * cols + q]).sum()
                };
            }
        }
        g
    }

    fn assert_identity(g: &[f64], k: usize, scale: f64) {
        for p in 0..k {
            for q in 0..k {
                let want = if p == q { scale } else { 0.0 };
                assert!(
                    (g[p * k + q] - want).abs() < 1e-12,
                    "G[{p},{q}] = {}",
                    g[p * k + q]
                );
            }
        }
    }

    #[test]
    fn tall_matrix_has_orthonormal_columns() {
        let mut rng = StdRng::seed_from_u64(1);
        let q = orthogonal(7, 4, 1.0, &mut rng);
        assert_identity(&gram(&q, 7, 4, false), 4, 1.0);
    }

    #[test]
    fn wide_matrix_has_orthonormal_rows_scaled_by_gain() {
        let mut rng = StdRng::seed_from_u64(2);
        let q = orthogonal(3, 8, 2.0, &mut rng);
        assert_identity(&gram(&q, 3, 8, true), 3, 4.0);
    }

    #[test]
    fn r_diagonal_is_positive_after_sign_correction() {
        // Q has a positive R diagonal iff qᵢ·aᵢ > 0 for the first column; for a
        // 1-column matrix Q = a / |a| exactly.
        let mut rng = StdRng::seed_from_u64(3);
        let q = orthogonal(5, 1, 1.0, &mut rng);
        let mut again = StdRng::seed_from_u64(3);
        let a: Vec<f64> = (0..5).map(|_| StandardNormal.sample(&mut again)).collect();
        let norm = a.iter().map(|x| x * x).sum::<f64>().sqrt();
        for (qi, ai) in q.iter().zip(&a) {
            assert!((qi - ai / norm).abs() < 1e-15);
        }
    }
}
