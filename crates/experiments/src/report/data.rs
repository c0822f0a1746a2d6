//! Writing a study's measured data as CSV and JSON.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::{ExperimentsError, Result};

/// Writes a CSV file with a header row; values are written with full
/// precision (`{}` of `f64`, which round-trips), non-finite as `NaN`/`inf`.
///
/// **Errors**: [`ExperimentsError::Io`] naming the file.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("loss.csv");
/// experiments::report::write_csv(&path, &["epoch", "loss"], &[vec![1.0, 0.5], vec![2.0, 0.25]]).unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "epoch,loss\n1,0.5\n2,0.25\n");
/// ```
pub fn write_csv(path: &Path, header: &[&str], rows: &[Vec<f64>]) -> Result<()> {
    let io = |e| ExperimentsError::io(path, e);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    writeln!(out, "{}", header.join(",")).map_err(io)?;
    for row in rows {
        let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        writeln!(out, "{}", cells.join(",")).map_err(io)?;
    }
    out.flush().map_err(io)
}

/// Writes any serializable value as pretty JSON.
///
/// **Errors**: [`ExperimentsError::Json`] or [`ExperimentsError::Io`].
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("summary.json");
/// experiments::report::write_json(&path, &serde_json::json!({"iterations": 42})).unwrap();
/// assert!(std::fs::read_to_string(&path).unwrap().contains("42"));
/// ```
pub fn write_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|source| ExperimentsError::Json {
        what: path.display().to_string(),
        source,
    })?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ExperimentsError::io(parent, e))?;
    }
    std::fs::write(path, text + "\n").map_err(|e| ExperimentsError::io(path, e))
}
