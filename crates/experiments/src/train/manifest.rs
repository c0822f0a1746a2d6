//! A checkpoint's manifest: the SHA-256 of every file, written last at
//! save and verified before anything is loaded, so a truncated, corrupted
//! or half-replaced checkpoint is refused with the file it concerns.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ExperimentsError, Result};

/// The manifest's file name inside the checkpoint directory.
pub(crate) const MANIFEST: &str = "manifest.json";
/// Bumped when the manifest's layout changes.
const FORMAT: u32 = 1;

/// File name → lowercase hex SHA-256 of its bytes.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Manifest {
    format: u32,
    sha256: BTreeMap<String, String>,
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `bytes` to `path` (created with the umask's permissions, like
/// every other run file) and flushes it to disk.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e| ExperimentsError::io(path, e);
    let mut file = fs::File::create(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

impl Manifest {
    /// An empty manifest.
    pub(crate) fn new() -> Self {
        Manifest {
            format: FORMAT,
            sha256: BTreeMap::new(),
        }
    }

    /// Writes `bytes` as `dir/name` and records its hash.
    pub(crate) fn write(&mut self, dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
        write_synced(&dir.join(name), bytes)?;
        self.sha256.insert(name.to_string(), sha256_hex(bytes));
        Ok(())
    }

    /// Writes the manifest itself (last, once every file is on disk).
    pub(crate) fn commit(&self, dir: &Path) -> Result<()> {
        let path = dir.join(MANIFEST);
        let bytes = serde_json::to_vec_pretty(self).map_err(|source| ExperimentsError::Json {
            what: path.display().to_string(),
            source,
        })?;
        write_synced(&path, &bytes)
    }

    /// Reads `dir`'s manifest.
    ///
    /// **Errors**: [`ExperimentsError::Resume`] if it is missing or unreadable.
    pub(crate) fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(MANIFEST);
        let bad = |message: String| ExperimentsError::Resume {
            dir: path.clone(),
            message,
        };
        let bytes = fs::read(&path).map_err(|e| {
            bad(format!(
                "cannot read the checkpoint's manifest ({e}); it is written last, so the \
                 checkpoint is incomplete or was written by an older version"
            ))
        })?;
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("unreadable: {e}")))?;
        if manifest.format != FORMAT {
            return Err(bad(format!(
                "manifest format {} is not {FORMAT}",
                manifest.format
            )));
        }
        Ok(manifest)
    }

    /// Reads `dir/name` and checks it against the manifest.
    ///
    /// **Errors**: [`ExperimentsError::Checksum`] naming the file if its
    /// hash differs, [`ExperimentsError::Resume`] if the manifest does not
    /// list it, an I/O error if it cannot be read.
    pub(crate) fn read_verified(&self, dir: &Path, name: &str) -> Result<Vec<u8>> {
        let path = dir.join(name);
        let expected = self
            .sha256
            .get(name)
            .ok_or_else(|| ExperimentsError::Resume {
                dir: dir.join(MANIFEST),
                message: format!("the manifest does not list {name}"),
            })?;
        let bytes = fs::read(&path).map_err(|e| ExperimentsError::io(&path, e))?;
        let found = sha256_hex(&bytes);
        if &found != expected {
            return Err(ExperimentsError::Checksum {
                file: path,
                expected: expected.clone(),
                found,
            });
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_byte_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest::new();
        m.write(dir.path(), "a.bin", b"hello").unwrap();
        m.commit(dir.path()).unwrap();
        let m = Manifest::read(dir.path()).unwrap();
        assert_eq!(m.read_verified(dir.path(), "a.bin").unwrap(), b"hello");
        fs::write(dir.path().join("a.bin"), b"hellp").unwrap();
        let err = m.read_verified(dir.path(), "a.bin").unwrap_err();
        assert!(matches!(err, ExperimentsError::Checksum { .. }), "{err}");
        assert!(err.to_string().contains("a.bin"), "{err}");
        assert!(m.read_verified(dir.path(), "b.bin").is_err());
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
