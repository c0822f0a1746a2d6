//! Loading MNIST and Fashion-MNIST from a data directory.

use std::path::Path;

use crate::{
    DataError, Dataset, FileKind, IdxArray, LabeledImages, Result, Split, find_file,
    read_idx_file_limited,
};

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
/// **Errors**: [`DataError::MissingFile`] if a file is absent,
/// [`DataError::NotAFile`] if a directory (or other non-file) is in its
/// place, [`DataError::Io`] if it cannot be examined or read (e.g. permission
/// denied), every IDX error of [`crate::read_idx`],
/// [`DataError::PayloadTooLarge`] if a header declares more than the upstream
/// file holds ([`FileKind::max_payload`]; checked before allocating) and
/// [`DataError::EmptyDataset`] if it declares no examples, all wrapped with
/// the file's path; [`DataError::SplitMismatch`] naming both files, and
/// [`DataError::LabelOutOfRange`] wrapped with the labels file's path.
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
    let images = read_dataset_file(&images_path, split.images())?;
    let labels = read_dataset_file(&labels_path, split.labels())?;
    let count = |a: &IdxArray| a.dims().first().copied().unwrap_or(0);
    if count(&images) != count(&labels) {
        return Err(DataError::SplitMismatch {
            images: count(&images),
            images_path,
            labels: count(&labels),
            labels_path,
        });
    }
    LabeledImages::from_idx(images, labels).map_err(|e| e.in_file(&labels_path))
}

/// Reads one dataset file, refusing sizes the upstream file does not have.
fn read_dataset_file(path: &Path, kind: FileKind) -> Result<IdxArray> {
    let array = read_idx_file_limited(path, kind.ndims(), kind.max_payload())?;
    if array.dims().contains(&0) {
        let dims = array.dims().to_vec();
        return Err(DataError::EmptyDataset { dims }.in_file(path));
    }
    Ok(array)
}
