//! Temporary files left by killed downloads.
//!
//! A download writes `.<file>.<random>.part` next to its destination and
//! renames it into place once verified; an error or a panic removes it. A
//! process killed by a signal (SIGKILL, or SIGINT/SIGTERM, which are not
//! caught) cannot, so the next fetch into the same folder removes our
//! temporaries that nobody has written to for a while. A live download writes
//! at least once per stall timeout or gives up, so an older temporary has no
//! owner left.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::{DataError, FileKind, Result};

/// The prefix and suffix of the temporary file of `kind`.
pub(crate) fn temp_affixes(kind: FileKind) -> (String, &'static str) {
    (format!(".{}.", kind.file_name()), ".part")
}

/// Whether `name` is one of our temporaries (`.<upstream name>.<random>.part`).
fn is_ours(name: &str) -> bool {
    FileKind::ALL.iter().any(|&kind| {
        let (prefix, suffix) = temp_affixes(kind);
        name.len() > prefix.len() + suffix.len()
            && name.starts_with(&prefix)
            && name.ends_with(suffix)
    })
}

/// Removes our temporaries in `folder` not modified for `older_than`;
/// returns how many were removed. Other files are never touched.
///
/// **Errors**: [`DataError::Io`] wrapped with the path of a folder that cannot
/// be listed or of a temporary that cannot be removed.
pub(crate) fn remove_stale_temporaries(folder: &Path, older_than: Duration) -> Result<usize> {
    let entries = fs::read_dir(folder).map_err(|e| DataError::Io(e).in_file(folder))?;
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries {
        let entry = entry.map_err(|e| DataError::Io(e).in_file(folder))?;
        let path = entry.path();
        if !entry.file_name().to_str().is_some_and(is_ours) {
            continue;
        }
        // Symlinks are not followed; only regular files are ours.
        let Ok(meta) = entry.metadata() else { continue };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or(Duration::ZERO);
        if meta.is_file() && age >= older_than {
            match fs::remove_file(&path) {
                Ok(()) => removed += 1,
                // Another fetch removed it first.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(DataError::Io(e).in_file(&path)),
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_pattern_matches() {
        assert!(is_ours(".train-images-idx3-ubyte.a1B2c3.part"));
        assert!(is_ours(".t10k-labels-idx1-ubyte.x.part"));
        assert!(!is_ours(".t10k-labels-idx1-ubyte..part"));
        assert!(!is_ours("train-images-idx3-ubyte.a1B2c3.part"));
        assert!(!is_ours(".train-images-idx3-ubyte.a1B2c3"));
        assert!(!is_ours(".other-file.a1B2c3.part"));
        assert!(!is_ours("t10k-labels-idx1-ubyte.gz"));
    }
}
