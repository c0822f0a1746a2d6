//! Locating the real datasets for tests.

use std::path::{Path, PathBuf};

use data::{Dataset, FileKind, find_file};

/// A data directory holding all files of both datasets: `$OPTILAB_DATA_DIR`
/// if it has them, else the shared copy `<workspace>/../shared/datasets`.
///
/// Panics with instructions when neither has them: real-data tests must not
/// pass silently.
pub fn real_data_dir() -> PathBuf {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets");
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os(data::DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        candidates.push(PathBuf::from(dir));
    }
    candidates.push(shared);
    for dir in &candidates {
        if has_all_files(dir) {
            return dir.clone();
        }
    }
    panic!(
        "the real MNIST and Fashion-MNIST files are in none of {candidates:?}: \
         run `cargo xtask fetch-mnist --dataset all` and set {}=<that data dir>",
        data::DATA_DIR_ENV
    );
}

fn has_all_files(dir: &Path) -> bool {
    Dataset::ALL
        .iter()
        .all(|&d| FileKind::ALL.iter().all(|&k| find_file(dir, d, k).is_ok()))
}
