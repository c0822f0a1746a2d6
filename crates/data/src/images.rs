//! Labelled images kept as bytes, with conversions to float arrays.

use ndarray::{Array2, Array3, ArrayView2, ArrayView3};

use crate::{DataError, IdxArray, Real, Result};

/// `p / 255` for every byte `p`, rounded once.
fn unit_table<F: Real>() -> Vec<F> {
    (0..=255u8).map(|p| F::of(f64::from(p) / 255.0)).collect()
}

/// Number of classes in MNIST and Fashion-MNIST.
pub const NUM_CLASSES: usize = 10;

/// `n` images of `rows x cols` bytes with a class label in `0..10` each.
///
/// Pixels stay `u8` (47 MB for the MNIST training set); float copies are made
/// on demand, whole ([`LabeledImages::pixels`]) or per minibatch
/// ([`LabeledImages::gather`]).
///
/// ```
/// use data::LabeledImages;
/// use ndarray::Array3;
/// let set = LabeledImages::new(Array3::from_elem((2, 2, 2), 255), vec![3, 7])?;
/// assert_eq!(set.len(), 2);
/// assert_eq!(set.images().dim(), (2, 4));
/// assert_eq!(set.pixels::<f32>()[[1, 3]], 1.0);
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabeledImages {
    images: Array2<u8>,
    labels: Vec<u8>,
    rows: usize,
    cols: usize,
}

impl LabeledImages {
    /// Images of shape (n, rows, cols) with their labels.
    ///
    /// **Errors**: [`DataError::CountMismatch`] and [`DataError::LabelOutOfRange`].
    pub fn new(images: Array3<u8>, labels: Vec<u8>) -> Result<Self> {
        let (n, rows, cols) = images.dim();
        let (data, _) = images
            .as_standard_layout()
            .into_owned()
            .into_raw_vec_and_offset();
        Self::from_parts(n, rows, cols, data, labels)
    }

    /// Pairs an images array (n, rows, cols) with a labels array (n), as read
    /// by [`crate::read_idx`].
    ///
    /// ```
    /// use data::{IdxArray, LabeledImages};
    /// let images = IdxArray::new(vec![1, 1, 2], vec![0, 9])?;
    /// let labels = IdxArray::new(vec![1], vec![10])?;
    /// assert!(LabeledImages::from_idx(images, labels).is_err()); // label 10
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: [`DataError::DimensionCount`], [`DataError::CountMismatch`]
    /// and [`DataError::LabelOutOfRange`].
    pub fn from_idx(images: IdxArray, labels: IdxArray) -> Result<Self> {
        let (dims, data) = images.into_parts();
        let &[n, rows, cols] = dims.as_slice() else {
            return Err(DataError::DimensionCount {
                expected: 3,
                found: dims.len(),
            });
        };
        let (label_dims, labels) = labels.into_parts();
        if label_dims.len() != 1 {
            return Err(DataError::DimensionCount {
                expected: 1,
                found: label_dims.len(),
            });
        }
        Self::from_parts(n, rows, cols, data, labels)
    }

    fn from_parts(
        n: usize,
        rows: usize,
        cols: usize,
        data: Vec<u8>,
        labels: Vec<u8>,
    ) -> Result<Self> {
        if labels.len() != n {
            return Err(DataError::CountMismatch {
                images: n,
                labels: labels.len(),
            });
        }
        if let Some((index, &label)) = labels
            .iter()
            .enumerate()
            .find(|&(_, &l)| usize::from(l) >= NUM_CLASSES)
        {
            return Err(DataError::LabelOutOfRange {
                index,
                label,
                classes: NUM_CLASSES,
            });
        }
        let features = rows.checked_mul(cols).ok_or(DataError::SizeOverflow {
            dims: vec![n as u64, rows as u64, cols as u64],
        })?;
        let found = data.len();
        let images =
            Array2::from_shape_vec((n, features), data).map_err(|_| DataError::SizeMismatch {
                what: "image bytes",
                expected: n.saturating_mul(features),
                found,
            })?;
        Ok(Self {
            images,
            labels,
            rows,
            cols,
        })
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// (rows, cols) of one image: (28, 28) for MNIST.
    pub fn image_shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// Pixels per image: 784 for MNIST.
    pub fn features(&self) -> usize {
        self.rows * self.cols
    }

    /// The raw pixels, one image per row: shape (n, rows * cols).
    pub fn images(&self) -> ArrayView2<'_, u8> {
        self.images.view()
    }

    /// The raw pixels as (n, rows, cols).
    pub fn images_3d(&self) -> ArrayView3<'_, u8> {
        let shape = (self.len(), self.rows, self.cols);
        self.images
            .view()
            .into_shape_with_order(shape)
            .expect("images are stored contiguous with n * rows * cols bytes")
    }

    /// The labels, one per image, each in `0..10`.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Pixels divided by 255, shape (n, rows * cols).
    ///
    /// ```
    /// # use data::LabeledImages; use ndarray::Array3;
    /// let set = LabeledImages::new(Array3::from_elem((1, 1, 2), 51), vec![0])?;
    /// assert_eq!(set.pixels::<f64>()[[0, 1]], 0.2);
    /// # Ok::<(), data::DataError>(())
    /// ```
    pub fn pixels<F: Real>(&self) -> Array2<F> {
        let table = unit_table::<F>();
        self.images.mapv(|p| table[usize::from(p)])
    }

    /// Pixels divided by 255, shape (n, rows, cols).
    pub fn pixels_3d<F: Real>(&self) -> Array3<F> {
        let table = unit_table::<F>();
        self.images_3d().mapv(|p| table[usize::from(p)])
    }

    /// Labels as one-hot rows, shape (n, 10).
    ///
    /// ```
    /// # use data::LabeledImages; use ndarray::Array3;
    /// let set = LabeledImages::new(Array3::zeros((2, 1, 1)), vec![2, 0])?;
    /// let y = set.one_hot::<f32>();
    /// assert_eq!(y.row(0).to_vec(), vec![0., 0., 1., 0., 0., 0., 0., 0., 0., 0.]);
    /// # Ok::<(), data::DataError>(())
    /// ```
    pub fn one_hot<F: Real>(&self) -> Array2<F> {
        let mut y = Array2::zeros((self.len(), NUM_CLASSES));
        for (mut row, &label) in y.rows_mut().into_iter().zip(&self.labels) {
            row[usize::from(label)] = F::one();
        }
        y
    }

    /// How many examples each class has.
    ///
    /// ```
    /// # use data::LabeledImages; use ndarray::Array3;
    /// let set = LabeledImages::new(Array3::zeros((3, 1, 1)), vec![2, 0, 2])?;
    /// assert_eq!(set.class_counts()[2], 2);
    /// # Ok::<(), data::DataError>(())
    /// ```
    pub fn class_counts(&self) -> [usize; NUM_CLASSES] {
        let mut counts = [0; NUM_CLASSES];
        for &label in &self.labels {
            counts[usize::from(label)] += 1;
        }
        counts
    }

    /// A new set holding the given examples, in the given order.
    ///
    /// ```
    /// # use data::LabeledImages; use ndarray::Array3;
    /// let set = LabeledImages::new(Array3::zeros((3, 1, 1)), vec![4, 5, 6])?;
    /// assert_eq!(set.select(&[2, 0])?.labels(), &[6, 4]);
    /// assert!(set.select(&[3]).is_err());
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: [`DataError::IndexOutOfRange`].
    pub fn select(&self, indices: &[usize]) -> Result<Self> {
        let d = self.features();
        let mut data = Vec::with_capacity(indices.len() * d);
        let mut labels = Vec::with_capacity(indices.len());
        for &i in indices {
            let row = self.images.row(self.check(i)?);
            data.extend(row.iter().copied());
            labels.push(self.labels[i]);
        }
        Self::from_parts(indices.len(), self.rows, self.cols, data, labels)
    }

    /// `i` if it is a valid example index.
    pub(crate) fn check(&self, i: usize) -> Result<usize> {
        if i < self.len() {
            Ok(i)
        } else {
            Err(DataError::IndexOutOfRange {
                index: i,
                len: self.len(),
            })
        }
    }
}
