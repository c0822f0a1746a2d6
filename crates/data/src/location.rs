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
/// that fetches it.
pub fn find_file(root: &Path, dataset: Dataset, kind: FileKind) -> Result<PathBuf> {
    let raw = dataset_dir(root, dataset).join(kind.file_name());
    if raw.is_file() {
        return Ok(raw);
    }
    let gz = gz_path(&raw);
    if gz.is_file() {
        return Ok(gz);
    }
    Err(DataError::MissingFile { path: raw, dataset })
}

/// `path` with `.gz` appended.
pub(crate) fn gz_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".gz");
    PathBuf::from(name)
}
