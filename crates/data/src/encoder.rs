//! Bytes to floats for one minibatch at a time, into a reused buffer.

use ndarray::Array2;

use crate::{DataError, LabeledImages, Real, Result, Standardizer};

/// Maps raw pixels `p` to floats, feature-wise: `x_j = p_j * scale_j + shift_j`.
///
/// [`PixelEncoder::unit`] divides by 255; [`PixelEncoder::standardized`]
/// divides by 255 and then applies a [`Standardizer`] fitted with
/// [`Standardizer::fit_pixels`]. A global map is a 256-entry table computed
/// in `f64` and rounded once, so `unit` gives exactly `p as F / 255`.
///
/// ```
/// use data::PixelEncoder;
/// let enc = PixelEncoder::<f32>::unit();
/// let mut out = [0.0f32; 3];
/// enc.encode(&[0, 50, 255], &mut out)?;
/// assert_eq!(out, [0.0, 50.0 / 255.0, 1.0]);
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PixelEncoder<F> {
    map: Map<F>,
}

#[derive(Clone, Debug, PartialEq)]
enum Map<F> {
    /// The same map for every pixel position: `table[p]`.
    Global(Vec<F>),
    /// One `(scale, shift)` per pixel position.
    PerFeature(Vec<(F, F)>),
}

impl<F: Real> PixelEncoder<F> {
    /// `p / 255`, for images of any size.
    pub fn unit() -> Self {
        Self::global(1.0 / 255.0, 0.0)
    }

    fn global(scale: f64, shift: f64) -> Self {
        let table = (0..=255u8).map(|p| F::of(f64::from(p) * scale + shift));
        Self {
            map: Map::Global(table.collect()),
        }
    }

    /// `p / 255` followed by the scaling of `standardizer`.
    ///
    /// ```
    /// use data::{Granularity, PixelEncoder, Scaling, Standardizer};
    /// let images = ndarray::array![[0u8, 255], [255, 0]];
    /// let s = Standardizer::fit_pixels(images.view(), Scaling::ZScore, Granularity::Global)?;
    /// let mut out = [0.0f64; 2];
    /// PixelEncoder::standardized(&s).encode(&[0, 255], &mut out)?;
    /// assert_eq!(out, [-1.0, 1.0]);
    /// # Ok::<(), data::DataError>(())
    /// ```
    pub fn standardized(standardizer: &Standardizer) -> Self {
        match standardizer.coefficients() {
            (scale, shift) if scale.len() == 1 => Self::global(scale[0] / 255.0, shift[0]),
            (scale, shift) => Self {
                map: Map::PerFeature(
                    scale
                        .iter()
                        .zip(&shift)
                        .map(|(&a, &b)| (F::of(a / 255.0), F::of(b)))
                        .collect(),
                ),
            },
        }
    }

    /// Encodes one image into `out`.
    ///
    /// **Errors**: [`DataError::SizeMismatch`] if `out` and `pixels` differ in
    /// length, or a per-feature encoder meets another number of pixels.
    pub fn encode(&self, pixels: &[u8], out: &mut [F]) -> Result<()> {
        self.check_width(pixels.len())?;
        if out.len() != pixels.len() {
            return Err(DataError::SizeMismatch {
                what: "output row",
                expected: pixels.len(),
                found: out.len(),
            });
        }
        self.encode_unchecked(pixels, out);
        Ok(())
    }

    fn check_width(&self, width: usize) -> Result<()> {
        match &self.map {
            Map::PerFeature(coefs) if coefs.len() != width => Err(DataError::SizeMismatch {
                what: "pixels per image",
                expected: coefs.len(),
                found: width,
            }),
            _ => Ok(()),
        }
    }

    fn encode_unchecked(&self, pixels: &[u8], out: &mut [F]) {
        match &self.map {
            Map::Global(table) => {
                for (o, &p) in out.iter_mut().zip(pixels) {
                    *o = table[usize::from(p)];
                }
            }
            Map::PerFeature(coefs) => {
                for ((o, &p), &(a, b)) in out.iter_mut().zip(pixels).zip(coefs) {
                    *o = F::from_u8(p) * a + b;
                }
            }
        }
    }
}

impl LabeledImages {
    /// Encodes the examples at `indices` into the reused buffer `x` (reshaped to
    /// `(indices.len(), features)` only when its shape differs, reusing its
    /// allocation) and writes their labels into `labels`.
    ///
    /// ```
    /// use data::{LabeledImages, PixelEncoder};
    /// use ndarray::{Array2, Array3};
    /// let set = LabeledImages::new(Array3::from_elem((4, 2, 2), 255), vec![0, 1, 2, 3])?;
    /// let (mut x, mut y) = (Array2::<f32>::zeros((0, 0)), Vec::new());
    /// set.gather(&[3, 1], &PixelEncoder::unit(), &mut x, &mut y)?;
    /// assert_eq!(x.dim(), (2, 4));
    /// assert_eq!(y, vec![3, 1]);
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: [`DataError::IndexOutOfRange`] and the errors of
    /// [`PixelEncoder::encode`]; `x` and `labels` are unspecified after an error.
    pub fn gather<F: Real>(
        &self,
        indices: &[usize],
        encoder: &PixelEncoder<F>,
        x: &mut Array2<F>,
        labels: &mut Vec<usize>,
    ) -> Result<()> {
        let d = self.features();
        encoder.check_width(d)?;
        reshape_reusing(x, indices.len(), d);
        labels.clear();
        let images = self.images();
        for (mut out, &i) in x.rows_mut().into_iter().zip(indices) {
            let i = self.check(i)?;
            let row = images.row(i);
            // Rows of a standard-layout array are contiguous.
            match (row.as_slice(), out.as_slice_mut()) {
                (Some(src), Some(dst)) => encoder.encode_unchecked(src, dst),
                _ => unreachable!("standard layout rows are contiguous"),
            }
            labels.push(usize::from(self.labels()[i]));
        }
        Ok(())
    }
}

/// Gives `x` the shape `(rows, cols)` in standard layout, keeping its
/// allocation when it is large enough. Contents are unspecified afterwards.
pub(crate) fn reshape_reusing<F: Clone + num_traits::Zero>(
    x: &mut Array2<F>,
    rows: usize,
    cols: usize,
) {
    if x.dim() == (rows, cols) && x.is_standard_layout() {
        return;
    }
    let (mut buf, _) = std::mem::replace(x, Array2::zeros((0, 0))).into_raw_vec_and_offset();
    buf.resize(rows * cols, F::zero());
    *x = Array2::from_shape_vec((rows, cols), buf).unwrap_or_else(|_| Array2::zeros((rows, cols)));
}
