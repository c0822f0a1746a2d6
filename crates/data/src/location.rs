//! Where the dataset files live.
//!
//! A data directory holds one folder per dataset with the upstream file
//! names, compressed or not:
//!
//! ```text
//! <dir>/mnist/train-images-idx3-ubyte.gz      (or without .gz)
//! <dir>/fashion-mnist/t10k-labels-idx1-ubyte
//! ```

use std::path::{Path, PathBuf};

use crate::idx::not_a_file;
use crate::{DataError, Dataset, FileKind, Result};

/// Environment variable that overrides the default data directory.
pub const DATA_DIR_ENV: &str = "OPTILAB_DATA_DIR";

/// The data directory: `explicit` if given, else `$OPTILAB_DATA_DIR` if set
/// and not empty, else `data` (relative to the current directory).
///
/// ```
/// use std::path::Path;
/// assert_eq!(data::data_dir(Some(Path::new("/tmp/d"))), Path::new("/tmp/d"));
/// ```
pub fn data_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from("data"),
    }
}

/// The folder of one dataset inside a data directory.
///
/// ```
/// use std::path::Path;
/// let dir = data::dataset_dir(Path::new("data"), data::Dataset::FashionMnist);
/// assert_eq!(dir, Path::new("data/fashion-mnist"));
/// ```
pub fn dataset_dir(root: &Path, dataset: Dataset) -> PathBuf {
    root.join(dataset.dir_name())
}

/// The path of a dataset file: the raw file if present, else the `.gz`.
///
/// ```
/// use data::{find_file, DataError, Dataset, FileKind};
/// let err = find_file("/nonexistent".as_ref(), Dataset::Mnist, FileKind::TestLabels).unwrap_err();
/// assert!(matches!(err, DataError::MissingFile { .. }));
/// assert!(err.to_string().contains("cargo xtask fetch-mnist"));
/// ```
///
/// **Errors**: [`DataError::MissingFile`], naming the file and the command
/// that fetches it, only when neither path exists;
/// [`DataError::NotAFile`] when a directory (or other non-file) is there,
/// and [`DataError::Io`] wrapped with the path when it cannot be examined
/// (e.g. permission denied on the folder).
pub fn find_file(root: &Path, dataset: Dataset, kind: FileKind) -> Result<PathBuf> {
    let raw = dataset_dir(root, dataset).join(kind.file_name());
    for path in [raw.clone(), gz_path(&raw)] {
        if existing_file(&path)? {
            return Ok(path);
        }
    }
    Err(DataError::MissingFile { path: raw, dataset })
}

/// Whether a regular file is at `path` (`false` if nothing is there).
///
/// **Errors**: [`DataError::NotAFile`] for anything else at `path`, and
/// [`DataError::Io`] wrapped with the path when it cannot be examined.
pub(crate) fn existing_file(path: &Path) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(true),
        Ok(meta) => Err(not_a_file(path, &meta)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(DataError::Io(e).in_file(path)),
    }
}

/// `path` with `.gz` appended.
pub(crate) fn gz_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".gz");
    PathBuf::from(name)
}
