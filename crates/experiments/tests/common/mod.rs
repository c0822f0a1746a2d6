//! Real data for the training tests: `$OPTILAB_DATA_DIR` (set by `cargo
//! xtask test`), else the shared copy beside the workspace.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use data::{Dataset, Splits};

/// The data directory holding `mnist/` and `fashion-mnist/`.
///
/// **Panics** with instructions if neither location has the files.
pub fn data_dir() -> PathBuf {
    let candidates: Vec<PathBuf> = match std::env::var_os("OPTILAB_DATA_DIR") {
        Some(dir) if !dir.is_empty() => vec![PathBuf::from(dir)],
        _ => vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets")],
    };
    for dir in &candidates {
        if data::find_file(dir, Dataset::Mnist, data::FileKind::ALL[0]).is_ok() {
            return dir.clone();
        }
    }
    panic!(
        "MNIST not found in {candidates:?}: run `cargo xtask fetch-mnist --dataset all --dir DIR` \
         and set OPTILAB_DATA_DIR=DIR (or use `cargo xtask test`)"
    );
}

/// `dataset`, loaded once per test binary.
pub fn splits(dataset: Dataset) -> &'static Splits {
    static MNIST: OnceLock<Splits> = OnceLock::new();
    static FASHION: OnceLock<Splits> = OnceLock::new();
    let cell = match dataset {
        Dataset::Mnist => &MNIST,
        _ => &FASHION,
    };
    cell.get_or_init(|| {
        data::load(dataset, &data_dir())
            .unwrap_or_else(|e| panic!("cannot load {dataset} from {:?}: {e}", data_dir()))
    })
}

/// MNIST.
pub fn mnist() -> &'static Splits {
    splits(Dataset::Mnist)
}
