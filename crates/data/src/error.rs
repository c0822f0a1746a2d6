//! Errors of the data crate.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use crate::Dataset;

/// Everything that can go wrong while reading, fetching or preparing data.
///
/// Malformed files and bad arguments are always an `Err`, never a panic.
///
/// ```
/// use data::{read_idx, DataError};
/// let err = read_idx(&[0x12, 0x34, 0x08, 0x01][..], 1).unwrap_err();
/// assert!(matches!(err, DataError::BadMagic { .. }));
/// ```
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DataError {
    /// An I/O error other than the ones below.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The first two bytes of an IDX file are not zero.
    #[error("not an IDX file: magic bytes {found:02x?} (the first two must be zero)")]
    BadMagic {
        /// The four magic bytes that were read.
        found: [u8; 4],
    },
    /// The element type code is not `0x08` (unsigned byte).
    #[error("unsupported IDX element type 0x{code:02x} (only 0x08, unsigned byte, is supported)")]
    UnsupportedElementType {
        /// The type code from the magic number.
        code: u8,
    },
    /// The magic number announces a different number of dimensions.
    #[error("the IDX magic announces {found} dimensions, expected {expected}")]
    DimensionCount {
        /// Dimensions the caller expects (3 for images, 1 for labels).
        expected: usize,
        /// Dimensions announced by the file.
        found: usize,
    },
    /// The product of the dimension sizes does not fit in memory addresses.
    #[error("IDX dimensions {dims:?} overflow")]
    SizeOverflow {
        /// The dimension sizes from the header.
        dims: Vec<u64>,
    },
    /// The header declares a payload larger than the file may hold; refused
    /// before anything is allocated or inflated.
    #[error(
        "the IDX header declares dimensions {dims:?} ({declared} bytes), more than the {limit} bytes allowed for this file"
    )]
    PayloadTooLarge {
        /// The dimension sizes from the header.
        dims: Vec<u64>,
        /// Payload bytes they amount to.
        declared: u64,
        /// The largest payload accepted.
        limit: u64,
    },
    /// A dataset file declares no examples (or examples of no values).
    #[error("the IDX header declares dimensions {dims:?}, which hold no examples")]
    EmptyDataset {
        /// The dimension sizes from the header.
        dims: Vec<usize>,
    },
    /// Something other than a regular file is where a file is expected.
    #[error("{} is {found}, not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What is there ("a directory", ...).
        found: &'static str,
    },
    /// The input ended inside the header.
    #[error("truncated IDX header: expected {expected} bytes, got {found}")]
    TruncatedHeader {
        /// Header length announced by the magic number.
        expected: u64,
        /// Bytes actually present.
        found: u64,
    },
    /// The input ended before the announced payload.
    #[error("truncated IDX payload: expected {expected} bytes, got {found}")]
    TruncatedPayload {
        /// Payload length from the dimension sizes.
        expected: u64,
        /// Bytes actually present.
        found: u64,
    },
    /// Bytes follow the announced payload.
    #[error("trailing data after the {payload} byte IDX payload")]
    TrailingData {
        /// Length of the payload that was read.
        payload: u64,
    },
    /// The gzip stream is corrupt (bad header, bad deflate data or bad CRC).
    #[error("corrupt gzip stream: {source}")]
    Gzip {
        /// What the decoder reported.
        source: std::io::Error,
    },
    /// An images file and a labels file disagree on the number of examples.
    #[error("{images} images but {labels} labels")]
    CountMismatch {
        /// Examples in the images file.
        images: usize,
        /// Examples in the labels file.
        labels: usize,
    },
    /// The images and labels files of a split disagree on the number of examples.
    #[error("{} holds {images} images but {} holds {labels} labels", images_path.display(), labels_path.display())]
    SplitMismatch {
        /// The images file.
        images_path: PathBuf,
        /// Examples in it.
        images: usize,
        /// The labels file.
        labels_path: PathBuf,
        /// Examples in it.
        labels: usize,
    },
    /// A label is not a class index.
    #[error("label {label} at index {index} is outside 0..{classes}")]
    LabelOutOfRange {
        /// Position of the offending label.
        index: usize,
        /// Its value.
        label: u8,
        /// Number of classes.
        classes: usize,
    },
    /// An error while reading a particular file.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file being read.
        path: PathBuf,
        /// What went wrong.
        source: Box<DataError>,
    },
    /// A dataset file is not in the data directory.
    #[error(
        "missing {} (neither it nor its .gz is there): run `cargo xtask fetch-mnist --dataset {dataset}`",
        path.display()
    )]
    MissingFile {
        /// Where the file was expected (without `.gz`).
        path: PathBuf,
        /// The dataset it belongs to.
        dataset: Dataset,
    },
    /// A payload's SHA-256 differs from the pinned one.
    #[error("checksum mismatch for {file}: expected sha256 {expected}, got {found}")]
    ChecksumMismatch {
        /// Upstream file name.
        file: String,
        /// Pinned digest (hex).
        expected: String,
        /// Digest of the bytes received (hex).
        found: String,
    },
    /// An example index is out of range.
    #[error("index {index} out of range for {len} examples")]
    IndexOutOfRange {
        /// The offending index.
        index: usize,
        /// Number of examples.
        len: usize,
    },
    /// Arrays disagree on a size.
    #[error("{what}: expected {expected}, got {found}")]
    SizeMismatch {
        /// Which size (e.g. "features").
        what: &'static str,
        /// Expected size.
        expected: usize,
        /// Size found.
        found: usize,
    },
    /// An argument is out of its valid range.
    #[error("invalid {name}: {reason}")]
    InvalidArgument {
        /// The argument.
        name: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// Saved statistics could not be (de)serialized.
    #[error("statistics JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A dataset name is not known.
    #[error("unknown dataset `{name}` (expected `mnist` or `fashion-mnist`)")]
    UnknownDataset {
        /// The name given.
        name: String,
    },
    /// A mirror URL is not `http://`, `https://` or `file://`.
    #[error("invalid mirror URL `{url}`: {reason}")]
    InvalidMirror {
        /// The URL given.
        url: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A server answered with an HTTP error status.
    #[error("{url}: HTTP status {status}")]
    HttpStatus {
        /// The URL requested.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The request failed below HTTP (refused connection, timeout, TLS, cut body).
    #[error("{url}: {source}")]
    Transport {
        /// The URL requested.
        url: String,
        /// What the client reported.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A response body is larger than the file can be.
    #[error("{url}: body larger than {limit} bytes")]
    BodyTooLarge {
        /// The URL requested.
        url: String,
        /// The largest acceptable body.
        limit: u64,
    },
    /// A download did not finish within its deadline.
    #[error("{url}: not complete after {}s ({received} bytes received)", deadline.as_secs_f64())]
    DeadlineExceeded {
        /// The URL requested.
        url: String,
        /// The deadline per file and mirror.
        deadline: Duration,
        /// Bytes received before giving up.
        received: u64,
    },
    /// A download was slower than the minimum throughput.
    #[error(
        "{url}: {rate} bytes/s over {}s, below the minimum of {minimum} bytes/s",
        window.as_secs_f64()
    )]
    TooSlow {
        /// The URL requested.
        url: String,
        /// Bytes per second measured over the window.
        rate: u64,
        /// The minimum required.
        minimum: u64,
        /// The span the rate was measured over.
        window: Duration,
    },
    /// No mirror delivered a valid file.
    #[error("could not fetch {file} from any mirror: {}", Failures(failures))]
    AllMirrorsFailed {
        /// Upstream file name.
        file: String,
        /// The last error of each mirror tried, in order.
        failures: Vec<MirrorFailure>,
    },
}

impl DataError {
    /// The error without [`DataError::InFile`] wrappers.
    ///
    /// ```
    /// use data::DataError;
    /// let inner = DataError::TrailingData { payload: 4 };
    /// let err = DataError::InFile { path: "x".into(), source: Box::new(inner) };
    /// assert!(matches!(err.root(), DataError::TrailingData { payload: 4 }));
    /// ```
    pub fn root(&self) -> &DataError {
        match self {
            DataError::InFile { source, .. } => source.root(),
            other => other,
        }
    }

    /// Wraps the error with the file it concerns.
    pub(crate) fn in_file(self, path: impl Into<PathBuf>) -> DataError {
        DataError::InFile {
            path: path.into(),
            source: Box::new(self),
        }
    }

    /// An [`DataError::InvalidArgument`].
    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> DataError {
        DataError::InvalidArgument {
            name,
            reason: reason.into(),
        }
    }
}

/// The final error of one mirror in [`DataError::AllMirrorsFailed`].
///
/// ```
/// use data::{DataError, MirrorFailure};
/// let f = MirrorFailure {
///     url: "http://127.0.0.1:9/x.gz".into(),
///     error: DataError::HttpStatus { url: "http://127.0.0.1:9/x.gz".into(), status: 404 },
/// };
/// assert!(f.to_string().contains("404"));
/// ```
#[derive(Debug)]
pub struct MirrorFailure {
    /// The URL tried.
    pub url: String,
    /// Its last error.
    pub error: DataError,
}

impl fmt::Display for MirrorFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)
    }
}

struct Failures<'a>(&'a [MirrorFailure]);

impl fmt::Display for Failures<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return write!(f, "no mirror serves this dataset");
        }
        for (i, failure) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{failure}")?;
        }
        Ok(())
    }
}

/// `Result` with [`DataError`].
pub type Result<T> = std::result::Result<T, DataError>;
