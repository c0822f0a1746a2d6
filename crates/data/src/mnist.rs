//! Loading MNIST and Fashion-MNIST from a data directory.

use std::path::Path;

use crate::{Dataset, LabeledImages, Result, Split, find_file, read_idx_file};

/// The training and test sets of a dataset.
///
/// ```no_run
/// let mnist = data::load(data::Dataset::Mnist, &data::data_dir(None))?;
/// assert_eq!(mnist.train.len(), 60_000);
/// assert_eq!(mnist.test.images().dim(), (10_000, 784));
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Splits {
    /// 60,000 training examples.
    pub train: LabeledImages,
    /// 10,000 test examples.
    pub test: LabeledImages,
}

/// Loads both splits of `dataset` from the data directory `dir` (see
/// [`crate::data_dir`]). Checksums are not verified here; see
/// [`crate::verify_file`].
///
/// ```no_run
/// let fashion = data::load(data::Dataset::FashionMnist, "data".as_ref())?;
/// assert_eq!(fashion.train.image_shape(), (28, 28));
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: [`crate::DataError::MissingFile`] if a file is absent, and every
/// IDX error of [`crate::read_idx`] (wrapped with the file's path), plus
/// [`crate::DataError::CountMismatch`] and [`crate::DataError::LabelOutOfRange`].
pub fn load(dataset: Dataset, dir: &Path) -> Result<Splits> {
    Ok(Splits {
        train: load_split(dataset, Split::Train, dir)?,
        test: load_split(dataset, Split::Test, dir)?,
    })
}

/// Loads one split of `dataset` from the data directory `dir`.
///
/// ```no_run
/// use data::{load_split, Dataset, Split};
/// let test = load_split(Dataset::Mnist, Split::Test, "data".as_ref())?;
/// assert_eq!(test.len(), 10_000);
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: as [`load`].
pub fn load_split(dataset: Dataset, split: Split, dir: &Path) -> Result<LabeledImages> {
    let images_path = find_file(dir, dataset, split.images())?;
    let labels_path = find_file(dir, dataset, split.labels())?;
    let images = read_idx_file(&images_path, split.images().ndims())?;
    let labels = read_idx_file(&labels_path, split.labels().ndims())?;
    LabeledImages::from_idx(images, labels)
}
