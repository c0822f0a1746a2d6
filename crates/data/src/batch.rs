//! Minibatches: a seeded epoch sampler over example indices, and row gathering.
//!
//! The sampler yields slices of indices; the caller copies the rows into a
//! reused buffer ([`crate::LabeledImages::gather`] for images, [`gather_rows`]
//! for float arrays), so no epoch ever copies the whole set.

use ndarray::{Array2, ArrayView2};
use rand::Rng;
use rand::seq::SliceRandom;

use crate::encoder::reshape_reusing;
use crate::{DataError, Result};

/// What to do with the last batch of an epoch when it is smaller than the
/// batch size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastBatch {
    /// Yield it.
    Keep,
    /// Skip it, so every batch has the same size.
    Drop,
}

/// Reshuffles a set of example indices every epoch and cuts it into batches.
///
/// Determinism: the order depends only on the RNG passed to each
/// [`EpochSampler::epoch`] call (and on the previous epochs drawn from the
/// same sampler), so a seeded RNG reproduces every epoch.
///
/// ```
/// use data::{EpochSampler, LastBatch};
/// use rand::{SeedableRng, rngs::StdRng};
/// let mut rng = StdRng::seed_from_u64(7);
/// let mut sampler = EpochSampler::new(10, 4)?.last_batch(LastBatch::Drop);
/// let sizes: Vec<usize> = sampler.epoch(&mut rng).map(|b| b.len()).collect();
/// assert_eq!(sizes, vec![4, 4]);
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug)]
pub struct EpochSampler {
    order: Vec<usize>,
    batch_size: usize,
    last: LastBatch,
    fraction: f64,
}

impl EpochSampler {
    /// Samples the indices `0..n` in batches of `batch_size`, keeping the
    /// last partial batch and using the whole set every epoch.
    ///
    /// **Errors**: [`DataError::InvalidArgument`] if `batch_size` is zero.
    pub fn new(n: usize, batch_size: usize) -> Result<Self> {
        Self::over((0..n).collect(), batch_size)
    }

    /// Samples the given indices (for example a training split), in batches
    /// of `batch_size`.
    ///
    /// ```
    /// # use data::EpochSampler; use rand::{SeedableRng, rngs::StdRng};
    /// let mut sampler = EpochSampler::over(vec![10, 20, 30], 2)?;
    /// let mut seen: Vec<usize> = sampler.epoch(&mut StdRng::seed_from_u64(0)).flatten().copied().collect();
    /// seen.sort();
    /// assert_eq!(seen, vec![10, 20, 30]);
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: [`DataError::InvalidArgument`] if `batch_size` is zero.
    pub fn over(indices: Vec<usize>, batch_size: usize) -> Result<Self> {
        if batch_size == 0 {
            return Err(DataError::invalid("batch_size", "must be at least 1"));
        }
        Ok(Self {
            order: indices,
            batch_size,
            last: LastBatch::Keep,
            fraction: 1.0,
        })
    }

    /// Sets the policy for the last partial batch.
    pub fn last_batch(mut self, last: LastBatch) -> Self {
        self.last = last;
        self
    }

    /// Uses a random `fraction` of the indices each epoch (rounded, at least
    /// one when there are any): cheaper, more stochastic epochs.
    ///
    /// ```
    /// # use data::EpochSampler; use rand::{SeedableRng, rngs::StdRng};
    /// let mut sampler = EpochSampler::new(100, 10)?.subsample(0.25)?;
    /// assert_eq!(sampler.epoch_len(), 25);
    /// assert_eq!(sampler.epoch(&mut StdRng::seed_from_u64(1)).count(), 3);
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: [`DataError::InvalidArgument`] unless `0 < fraction <= 1`.
    pub fn subsample(mut self, fraction: f64) -> Result<Self> {
        if !(fraction > 0.0 && fraction <= 1.0) {
            return Err(DataError::invalid(
                "fraction",
                format!("must be in (0, 1], got {fraction}"),
            ));
        }
        self.fraction = fraction;
        Ok(self)
    }

    /// Examples drawn per epoch.
    pub fn epoch_len(&self) -> usize {
        let n = self.order.len();
        if self.fraction >= 1.0 || n == 0 {
            return n;
        }
        ((self.fraction * n as f64).round() as usize).clamp(1, n)
    }

    /// Batches per epoch.
    pub fn batches_per_epoch(&self) -> usize {
        let m = self.epoch_len();
        match self.last {
            LastBatch::Keep => m.div_ceil(self.batch_size),
            LastBatch::Drop => m / self.batch_size,
        }
    }

    /// Shuffles (or, when subsampling, draws a fresh random subset) and
    /// returns the epoch's batches of indices.
    pub fn epoch<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Batches<'_> {
        let m = self.epoch_len();
        let chosen: &[usize] = if m == self.order.len() {
            self.order.shuffle(rng);
            &self.order
        } else {
            self.order.partial_shuffle(rng, m).0
        };
        let usable = match self.last {
            LastBatch::Keep => chosen.len(),
            LastBatch::Drop => chosen.len() - chosen.len() % self.batch_size,
        };
        Batches {
            chunks: chosen[..usable].chunks(self.batch_size),
        }
    }
}

/// The batches of one epoch: slices of example indices.
#[derive(Clone, Debug)]
pub struct Batches<'a> {
    chunks: std::slice::Chunks<'a, usize>,
}

impl<'a> Iterator for Batches<'a> {
    type Item = &'a [usize];

    fn next(&mut self) -> Option<&'a [usize]> {
        self.chunks.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }
}

impl ExactSizeIterator for Batches<'_> {}

/// Copies the rows `indices` of `source` into the reused buffer `out`
/// (reshaped, keeping its allocation, only when its shape differs).
///
/// ```
/// use data::gather_rows;
/// use ndarray::{array, Array2};
/// let x = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let mut batch = Array2::zeros((0, 0));
/// gather_rows(x.view(), &[2, 0], &mut batch)?;
/// assert_eq!(batch, array![[5.0, 6.0], [1.0, 2.0]]);
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: [`DataError::IndexOutOfRange`].
pub fn gather_rows<F: Clone + num_traits::Zero>(
    source: ArrayView2<F>,
    indices: &[usize],
    out: &mut Array2<F>,
) -> Result<()> {
    let n = source.nrows();
    if let Some(&index) = indices.iter().find(|&&i| i >= n) {
        return Err(DataError::IndexOutOfRange { index, len: n });
    }
    reshape_reusing(out, indices.len(), source.ncols());
    for (mut row, &i) in out.rows_mut().into_iter().zip(indices) {
        row.assign(&source.row(i));
    }
    Ok(())
}

/// Copies the entries `indices` of `source` into the reused vector `out`.
///
/// ```
/// let mut y = Vec::new();
/// data::gather_labels(&[7u8, 8, 9], &[2, 2, 0], &mut y)?;
/// assert_eq!(y, vec![9, 9, 7]);
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: [`DataError::IndexOutOfRange`].
pub fn gather_labels<T: Copy>(source: &[T], indices: &[usize], out: &mut Vec<T>) -> Result<()> {
    out.clear();
    for &i in indices {
        let v = source.get(i).ok_or(DataError::IndexOutOfRange {
            index: i,
            len: source.len(),
        })?;
        out.push(*v);
    }
    Ok(())
}
