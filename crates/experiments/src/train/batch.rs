//! Minibatches straight from the image bytes into a pooled tape buffer.

use autodiff::{Tape, Var};
use data::{LabeledImages, Standardizer};

use crate::error::{ExperimentsError, Result};
use crate::train::scalar::{Scalar, from_f64};

/// `pixel ↦ pixel·a + b`: the protocol's `(pixel/255 − mean)/std` with the
/// training set's global statistics, as one multiply-add per pixel that
/// the compiler vectorizes (a table lookup per pixel cannot be).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct BatchEncoder<T> {
    a: T,
    b: T,
}

impl<T: Scalar> BatchEncoder<T> {
    /// The encoder of a global z-score standardizer fitted on `pixel / 255`.
    pub(crate) fn new(standardizer: &Standardizer) -> Self {
        let (scale, shift) = standardizer.coefficients();
        BatchEncoder {
            a: from_f64(scale[0] / 255.0),
            b: from_f64(shift[0]),
        }
    }

    /// Rows `indices` of `set`, encoded, into a pooled buffer put on the tape
    /// as a constant; their labels into `labels`.
    ///
    /// **Errors**: an index out of range.
    pub(crate) fn put(
        &self,
        tape: &mut Tape<T>,
        set: &LabeledImages,
        indices: &[usize],
        labels: &mut Vec<usize>,
    ) -> Result<Var> {
        let d = set.features();
        let images = set.images();
        let pixels = images
            .as_slice()
            .expect("images are stored in standard layout");
        let all_labels = set.labels();
        if let Some(&index) = indices.iter().find(|&&i| i >= set.len()) {
            return Err(ExperimentsError::Data(data::DataError::IndexOutOfRange {
                index,
                len: set.len(),
            }));
        }
        let mut x = tape.buffer(&[indices.len(), d]);
        let out = x.as_slice_mut().expect("pooled buffers are contiguous");
        labels.clear();
        labels.extend(indices.iter().map(|&i| usize::from(all_labels[i])));
        let (a, b) = (self.a, self.b);
        // consecutive rows (a full-batch chunk) stream in by themselves
        let scattered = indices.windows(2).any(|w| w[1] != w[0] + 1);
        let encode = |out: &mut [T], indices: &[usize]| {
            if scattered {
                touch(pixels, indices, d);
            }
            encode_wide(out, pixels, indices, d, a, b);
        };
        if out.len() >= PARALLEL_MIN_PIXELS && d > 0 {
            use rayon::prelude::*;
            let rows = PARALLEL_BLOCK_ROWS;
            out.par_chunks_mut(rows * d)
                .zip(indices.par_chunks(rows))
                .for_each(|(out, indices)| encode(out, indices));
        } else {
            encode(out, indices);
        }
        Ok(tape.constant(x))
    }
}

/// `out[r] = pixels[indices[r]]·a + b` row by row, compiled for the widest
/// vector unit the CPU has: the same bits on every path (a multiply then an
/// add, never fused), 16 pixels per instruction with AVX-512 instead of the
/// baseline's 4.
fn encode_wide<T: Scalar>(out: &mut [T], pixels: &[u8], indices: &[usize], d: usize, a: T, b: T) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has the features the function is compiled for.
            return unsafe { encode_avx512(out, pixels, indices, d, a, b) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above.
            return unsafe { encode_avx2(out, pixels, indices, d, a, b) };
        }
    }
    encode_rows(out, pixels, indices, d, a, b);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx2")]
fn encode_avx512<T: Scalar>(out: &mut [T], pixels: &[u8], indices: &[usize], d: usize, a: T, b: T) {
    encode_rows(out, pixels, indices, d, a, b);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn encode_avx2<T: Scalar>(out: &mut [T], pixels: &[u8], indices: &[usize], d: usize, a: T, b: T) {
    encode_rows(out, pixels, indices, d, a, b);
}

#[inline(always)]
fn encode_rows<T: Scalar>(out: &mut [T], pixels: &[u8], indices: &[usize], d: usize, a: T, b: T) {
    for (dst, &i) in out.chunks_exact_mut(d).zip(indices) {
        let row = &pixels[i * d..(i + 1) * d];
        for (o, &p) in dst.iter_mut().zip(row) {
            *o = <T as data::Real>::from_u8(p) * a + b;
        }
    }
}

/// Batches of at least this many pixels are encoded on every rayon thread
/// (a full-batch chunk, not a 128-example minibatch).
const PARALLEL_MIN_PIXELS: usize = 1 << 18;

/// Rows per parallel task.
const PARALLEL_BLOCK_ROWS: usize = 256;

impl<T> BatchEncoder<T> {
    /// Asks the memory system to start fetching rows `indices` of `set` (the
    /// next minibatch) without waiting for them, so that they arrive while
    /// the current step computes. A hint: no effect on results, none at all
    /// off x86-64; indices out of range are skipped.
    pub(crate) fn prefetch(&self, set: &LabeledImages, indices: &[usize]) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let d = set.features();
            let images = set.images();
            let Some(pixels) = images.as_slice() else {
                return;
            };
            for &i in indices {
                if let Some(row) = pixels.get(i * d..(i + 1) * d) {
                    for line in row.chunks(64) {
                        // SAFETY: a prefetch never faults or writes; the
                        // address is inside `pixels` anyway.
                        unsafe { _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast()) };
                    }
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (set, indices);
    }
}

/// Reads one byte of every cache line of the rows, all independent loads,
/// so the memory system fetches the (randomly placed) rows in parallel
/// before the encoding loop walks them from cache.
fn touch(pixels: &[u8], indices: &[usize], d: usize) {
    let mut acc = 0u8;
    for &i in indices {
        if let Some(row) = pixels.get(i * d..(i + 1) * d) {
            for line in row.iter().step_by(64) {
                acc ^= *line;
            }
        }
    }
    std::hint::black_box(acc);
}

#[cfg(test)]
mod tests {
    use super::*;
    use data::{Granularity, PixelEncoder, Scaling};
    use ndarray::Array3;

    #[test]
    fn matches_the_data_crates_encoder_to_a_rounding() {
        let images = Array3::from_shape_fn((3, 2, 2), |(i, j, k)| (i * 70 + j * 30 + k * 11) as u8);
        let set = LabeledImages::new(images, vec![1, 2, 3]).unwrap();
        let s =
            Standardizer::fit_pixels(set.images(), Scaling::ZScore, Granularity::Global).unwrap();
        let mut tape = Tape::<f32>::new();
        let mut labels = Vec::new();
        let x = BatchEncoder::new(&s)
            .put(&mut tape, &set, &[2, 0], &mut labels)
            .unwrap();
        assert_eq!(labels, [3, 1]);
        let reference = PixelEncoder::<f32>::standardized(&s);
        let mut want = vec![0.0f32; 4];
        reference
            .encode(set.images().row(2).as_slice().unwrap(), &mut want)
            .unwrap();
        for (g, w) in tape.value(x).iter().take(4).zip(&want) {
            assert!((g - w).abs() <= 1e-6 * w.abs().max(1.0), "{g} vs {w}");
        }
        assert!(
            BatchEncoder::new(&s)
                .put(&mut tape, &set, &[3], &mut labels)
                .is_err()
        );
    }
}
