//! SHA-256 of the decompressed files, pinned in the code.
//!
//! Mirrors compress the same payload differently, so the `.gz` bytes differ
//! between honest mirrors while the decompressed bytes do not: the pins are
//! of the decompressed payload.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};

use crate::{DataError, Dataset, FileKind, Result};

/// The pinned SHA-256 (lowercase hex) of a decompressed dataset file.
///
/// ```
/// use data::{pinned_sha256, Dataset, FileKind};
/// assert!(pinned_sha256(Dataset::Mnist, FileKind::TrainLabels).starts_with("65a50cbb"));
/// ```
pub fn pinned_sha256(dataset: Dataset, kind: FileKind) -> &'static str {
    use FileKind::*;
    match (dataset, kind) {
        (Dataset::Mnist, TrainImages) => {
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
        }
        (Dataset::Mnist, TrainLabels) => {
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
        }
        (Dataset::Mnist, TestImages) => {
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
        }
        (Dataset::Mnist, TestLabels) => {
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
        }
        (Dataset::FashionMnist, TrainImages) => {
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
        }
        (Dataset::FashionMnist, TrainLabels) => {
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
        }
        (Dataset::FashionMnist, TestImages) => {
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
        }
        (Dataset::FashionMnist, TestLabels) => {
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
        }
    }
}

/// SHA-256 (lowercase hex) of the decompressed content of raw or gzip bytes.
///
/// ```
/// use data::payload_sha256;
/// let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// assert_eq!(payload_sha256(&b""[..])?, empty);
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: [`DataError::Gzip`] for a corrupt gzip stream, [`DataError::Io`].
pub fn payload_sha256(reader: impl Read) -> Result<String> {
    Ok(digest_payload(reader, u64::MAX)?.0)
}

/// Checks that a raw or `.gz` file holds exactly the pinned payload.
///
/// ```no_run
/// use data::{verify_file, Dataset, FileKind};
/// verify_file("data/mnist/train-labels-idx1-ubyte.gz", Dataset::Mnist, FileKind::TrainLabels)?;
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: [`DataError::ChecksumMismatch`] for other content, and read
/// errors, all wrapped in [`DataError::InFile`].
pub fn verify_file(path: impl AsRef<Path>, dataset: Dataset, kind: FileKind) -> Result<()> {
    let path = path.as_ref();
    let check = || -> Result<()> {
        let file = BufReader::new(File::open(path)?);
        verify_payload(file, dataset, kind)
    };
    check().map_err(|e| e.in_file(path))
}

/// Checks raw or gzip bytes against the pinned digest, reading at most one
/// byte more than the expected payload.
pub(crate) fn verify_payload(reader: impl Read, dataset: Dataset, kind: FileKind) -> Result<()> {
    let expected = pinned_sha256(dataset, kind);
    let (found, _) = digest_payload(reader, kind.payload_len() + 1)?;
    if found == expected {
        Ok(())
    } else {
        Err(DataError::ChecksumMismatch {
            file: kind.file_name().to_string(),
            expected: expected.to_string(),
            found,
        })
    }
}

/// Hex digest and length of the first `limit` decompressed bytes.
fn digest_payload(mut reader: impl Read, limit: u64) -> Result<(String, u64)> {
    let mut head = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(DataError::Io(e)),
        }
    }
    let all = Cursor::new(head).take(got as u64).chain(reader);
    let mut hasher = Sha256::new();
    let len = if got == 2 && head == [0x1f, 0x8b] {
        let gz = MultiGzDecoder::new(all).take(limit);
        hash_stream(gz, &mut hasher).map_err(|source| DataError::Gzip { source })?
    } else {
        hash_stream(all.take(limit), &mut hasher)?
    };
    Ok((hex(&hasher.finalize()), len))
}

fn hash_stream(mut reader: impl Read, hasher: &mut Sha256) -> io::Result<u64> {
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => {
                hasher.update(&buf[..n]);
                total += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
    }
    s
}
