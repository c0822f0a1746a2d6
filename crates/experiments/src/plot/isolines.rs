//! Smooth isolines by marching squares: each grid cell crossed by a level
//! contributes a segment between linearly interpolated edge points, and
//! segments that share an edge point are joined into polylines.

use std::collections::HashMap;

use ndarray::Array2;

/// An edge of the sample grid: horizontal (`0`) from `(i, j)` to
/// `(i + 1, j)`, or vertical (`1`) from `(i, j)` to `(i, j + 1)`.
type Edge = (u8, usize, usize);

/// The polylines where `values` (sampled at grid points, `values[[j, i]]`
/// at column `i`, row `j`) crosses `level`, in grid coordinates `(i, j)`
/// (fractional). Non-finite samples leave their cells out. (Tested on a
/// cone below: one closed ring at the right radius.)
pub(crate) fn isolines(values: &Array2<f64>, level: f64) -> Vec<Vec<(f64, f64)>> {
    let (rows, cols) = values.dim();
    let mut at: HashMap<Edge, (f64, f64)> = HashMap::new();
    let mut segments: Vec<(Edge, Edge)> = Vec::new();
    let v = |i: usize, j: usize| values[[j, i]];
    let mut cross = |e: Edge| -> Edge {
        let (a, b, pa, pb) = match e {
            (0, i, j) => (
                v(i, j),
                v(i + 1, j),
                (i as f64, j as f64),
                (i as f64 + 1.0, j as f64),
            ),
            (_, i, j) => (
                v(i, j),
                v(i, j + 1),
                (i as f64, j as f64),
                (i as f64, j as f64 + 1.0),
            ),
        };
        let t = ((level - a) / (b - a)).clamp(0.0, 1.0);
        at.entry(e)
            .or_insert((pa.0 + t * (pb.0 - pa.0), pa.1 + t * (pb.1 - pa.1)));
        e
    };
    for j in 0..rows.saturating_sub(1) {
        for i in 0..cols.saturating_sub(1) {
            let c = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)];
            if c.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let above = |k: usize| usize::from(c[k] >= level);
            let case = above(0) | above(1) << 1 | above(2) << 2 | above(3) << 3;
            // edges: bottom, right, top, left
            let (b, r, t, l) = ((0, i, j), (1, i + 1, j), (0, i, j + 1), (1, i, j));
            let centre_above = c.iter().sum::<f64>() / 4.0 >= level;
            let pairs: &[(Edge, Edge)] = match case {
                0 | 15 => &[],
                1 | 14 => &[(l, b)],
                2 | 13 => &[(b, r)],
                3 | 12 => &[(l, r)],
                4 | 11 => &[(r, t)],
                6 | 9 => &[(b, t)],
                7 | 8 => &[(l, t)],
                5 if centre_above => &[(l, t), (b, r)],
                5 => &[(l, b), (r, t)],
                10 if centre_above => &[(l, b), (r, t)],
                _ => &[(l, t), (b, r)],
            };
            for &(p, q) in pairs {
                segments.push((cross(p), cross(q)));
            }
        }
    }
    join(&segments)
        .into_iter()
        .map(|line| line.iter().map(|e| at[e]).collect())
        .collect()
}

/// Joins segments that share an endpoint into polylines.
fn join(segments: &[(Edge, Edge)]) -> Vec<Vec<Edge>> {
    let mut by_end: HashMap<Edge, Vec<usize>> = HashMap::new();
    for (k, &(a, b)) in segments.iter().enumerate() {
        by_end.entry(a).or_default().push(k);
        by_end.entry(b).or_default().push(k);
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let (a, b) = segments[start];
        let mut forward = vec![a, b];
        extend(&mut forward, segments, &by_end, &mut used);
        let mut backward = vec![a];
        extend(&mut backward, segments, &by_end, &mut used);
        backward.reverse();
        backward.extend(forward.into_iter().skip(1));
        lines.push(backward);
    }
    lines
}

fn extend(
    line: &mut Vec<Edge>,
    segments: &[(Edge, Edge)],
    by_end: &HashMap<Edge, Vec<usize>>,
    used: &mut [bool],
) {
    while let Some(&end) = line.last() {
        let next = by_end[&end].iter().copied().find(|&k| !used[k]);
        let Some(k) = next else { break };
        used[k] = true;
        let (a, b) = segments[k];
        line.push(if a == end { b } else { a });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cone_has_one_closed_ring_at_the_right_radius() {
        let n = 41;
        let c = (n - 1) as f64 / 2.0;
        let cone = Array2::from_shape_fn((n, n), |(j, i)| (i as f64 - c).hypot(j as f64 - c));
        let lines = isolines(&cone, 10.0);
        assert_eq!(lines.len(), 1);
        let ring = &lines[0];
        assert_eq!(ring.first(), ring.last(), "closed");
        for &(x, y) in ring {
            assert!(((x - c).hypot(y - c) - 10.0).abs() < 0.1);
        }
    }

    #[test]
    fn flat_and_non_finite_grids_have_no_lines() {
        assert!(isolines(&Array2::zeros((5, 5)), 1.0).is_empty());
        assert!(isolines(&Array2::from_elem((5, 5), f64::NAN), 0.0).is_empty());
    }
}
