//! `cargo xtask test`: the whole test suite.
//!
//! First fetches MNIST and Fashion-MNIST into `<workspace>/data` (from
//! `$OPTILAB_DATA_MIRROR` if set, which CI points at `../shared/datasets`),
//! then runs `cargo test --workspace` with `OPTILAB_DATA_DIR` set to it, so
//! every crate's real-data tests find the files, then every bench once in
//! test mode (`cargo test --workspace --benches`).

use std::path::PathBuf;
use std::process::Command;

/// Root of the workspace (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Fetches both datasets, then runs `cargo test --workspace`, passing any
/// extra arguments through.
pub fn run(extra: &[String]) -> Result<(), String> {
    let root = workspace_root();
    let data_dir = root.join("data");
    crate::fetch_mnist::fetch(&data::Dataset::ALL, &data_dir, None)
        .map_err(|e| format!("fetching the datasets for the tests failed: {e}"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(cargo)
        .current_dir(&root)
        .env(data::DATA_DIR_ENV, &data_dir)
        .args(["test", "--workspace"])
        .args(extra)
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo test failed ({status})"));
    }
    // Each criterion bench once, in test mode, so a bench that panics at run
    // time is noticed.
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
        .current_dir(&root)
        .env(data::DATA_DIR_ENV, &data_dir)
        .args(["test", "--workspace", "--benches"])
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the benches failed in test mode ({status})"))
    }
}
