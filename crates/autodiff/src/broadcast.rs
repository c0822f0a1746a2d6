//! NumPy broadcasting: the output shape of a binary op, and the reduction of a
//! gradient back to an operand's shape.

use ndarray::{ArrayD, ArrayViewD, Axis};

use crate::Float;

/// The broadcast shape of `a` and `b` under NumPy's rules.
///
/// **Panics** naming `op` and both shapes when they cannot broadcast.
pub(crate) fn broadcast_shape(op: &str, a: &[usize], b: &[usize]) -> Vec<usize> {
    if a == b {
        return a.to_vec();
    }
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for (i, o) in out.iter_mut().enumerate() {
        let da = dim_from_right(a, n - 1 - i);
        let db = dim_from_right(b, n - 1 - i);
        *o = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => panic!("{op}: cannot broadcast shapes {a:?} and {b:?}"),
        };
    }
    out
}

fn dim_from_right(shape: &[usize], k: usize) -> usize {
    if k < shape.len() {
        shape[shape.len() - 1 - k]
    } else {
        1
    }
}

/// Sums `grad` over the axes that broadcasting added or stretched, so that it
/// has `shape` again.
pub(crate) fn reduce_to_shape<T: Float>(grad: ArrayViewD<'_, T>, shape: &[usize]) -> ArrayD<T> {
    let mut r = grad.to_owned();
    while r.ndim() > shape.len() {
        r = r.sum_axis(Axis(0));
    }
    for (i, &d) in shape.iter().enumerate() {
        if d == 1 && r.shape()[i] != 1 {
            r = r.sum_axis(Axis(i)).insert_axis(Axis(i));
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, IxDyn};

    #[test]
    fn shapes_broadcast_like_numpy() {
        assert_eq!(broadcast_shape("add", &[2, 3], &[3]), vec![2, 3]);
        assert_eq!(broadcast_shape("add", &[4, 1], &[1, 5]), vec![4, 5]);
        assert_eq!(broadcast_shape("add", &[], &[2, 2]), vec![2, 2]);
        assert_eq!(broadcast_shape("add", &[3, 1, 2], &[4, 1]), vec![3, 4, 2]);
    }

    #[test]
    #[should_panic(expected = "mul: cannot broadcast shapes [2, 3] and [4]")]
    fn incompatible_shapes_name_the_op_and_both_shapes() {
        broadcast_shape("mul", &[2, 3], &[4]);
    }

    #[test]
    fn reduction_sums_stretched_axes() {
        let g = ArrayD::<f64>::ones(IxDyn(&[4, 5]));
        assert_eq!(
            reduce_to_shape(g.view(), &[5]),
            ArrayD::from_elem(IxDyn(&[5]), 4.0)
        );
        assert_eq!(
            reduce_to_shape(g.view(), &[4, 1]),
            ArrayD::from_elem(IxDyn(&[4, 1]), 5.0)
        );
        assert_eq!(
            reduce_to_shape(g.view(), &[]),
            ArrayD::from_elem(IxDyn(&[]), 20.0)
        );
    }
}
