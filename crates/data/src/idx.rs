//! The IDX format of the MNIST family, raw or gzip-compressed.
//!
//! Layout: two zero bytes, an element type code (`0x08` = unsigned byte), the
//! number of dimensions `k`, then `k` big-endian `u32` sizes, then the payload
//! in row-major order. Nothing is trusted: every header field is checked and
//! the payload buffer never grows beyond the bytes actually present.

use std::fs::File;
use std::io::{self, Cursor, Read, Write};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;

use crate::{DataError, Result};

/// Element type code of unsigned bytes, the only one MNIST uses.
pub const IDX_UBYTE: u8 = 0x08;

/// The largest payload [`read_idx`] and [`read_idx_file`] accept (1 GiB):
/// above any IDX dataset in use (EMNIST's largest file holds 0.64 GB), far
/// below what a forged header can claim (2^32^k bytes).
pub const MAX_IDX_PAYLOAD: u64 = 1 << 30;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// The most reserved before the bytes arrive; beyond it the buffer grows with
/// the bytes actually decoded, so memory follows the real payload, never the
/// declared one nor the compression ratio.
const EAGER_RESERVE: u64 = 64 << 20;

/// An n-dimensional array of bytes read from (or to be written to) an IDX file.
///
/// ```
/// use data::IdxArray;
/// let a = IdxArray::new(vec![2, 3], vec![0, 1, 2, 3, 4, 5])?;
/// assert_eq!(a.dims(), &[2, 3]);
/// assert!(IdxArray::new(vec![2, 3], vec![0; 5]).is_err());
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxArray {
    dims: Vec<usize>,
    data: Vec<u8>,
}

impl IdxArray {
    /// An array of the given dimensions holding `data` in row-major order.
    ///
    /// **Errors**: [`DataError::SizeMismatch`] if `data` does not hold exactly
    /// the product of `dims`, [`DataError::SizeOverflow`] if that product
    /// overflows.
    pub fn new(dims: Vec<usize>, data: Vec<u8>) -> Result<Self> {
        let expected = element_count(&dims)?;
        if expected != data.len() {
            return Err(DataError::SizeMismatch {
                what: "IDX payload bytes",
                expected,
                found: data.len(),
            });
        }
        Ok(Self { dims, data })
    }

    /// The dimension sizes.
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// The payload, row-major.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The dimension sizes and the payload.
    pub fn into_parts(self) -> (Vec<usize>, Vec<u8>) {
        (self.dims, self.data)
    }
}

/// Whether [`write_idx`] compresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Plain IDX.
    None,
    /// gzip, like the upstream `.gz` files.
    Gzip,
}

/// Reads an IDX array with `ndims` dimensions of unsigned bytes from raw or
/// gzip-compressed bytes (detected from the first two bytes).
///
/// ```
/// use data::{read_idx, write_idx, Compression};
/// let mut bytes = Vec::new();
/// write_idx(&mut bytes, &[3], &[7, 8, 9], Compression::Gzip)?;
/// let labels = read_idx(&bytes[..], 1)?;
/// assert_eq!(labels.data(), &[7, 8, 9]);
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: [`DataError::BadMagic`], [`DataError::UnsupportedElementType`],
/// [`DataError::DimensionCount`], [`DataError::SizeOverflow`],
/// [`DataError::PayloadTooLarge`] (above [`MAX_IDX_PAYLOAD`]),
/// [`DataError::TruncatedHeader`], [`DataError::TruncatedPayload`],
/// [`DataError::TrailingData`], [`DataError::Gzip`] and [`DataError::Io`].
pub fn read_idx(reader: impl Read, ndims: usize) -> Result<IdxArray> {
    read_idx_limited(reader, ndims, MAX_IDX_PAYLOAD)
}

/// [`read_idx`] accepting at most `max_payload` payload bytes.
///
/// The declared size is checked against `max_payload` right after the header,
/// before any allocation, and decoding stops one byte after the declared
/// payload: a forged header or a gzip bomb costs no more memory than the
/// bytes that are really there, up to `max_payload`.
///
/// ```
/// use data::{read_idx_limited, write_idx, Compression, DataError};
/// let mut bytes = Vec::new();
/// write_idx(&mut bytes, &[3], &[7, 8, 9], Compression::Gzip)?;
/// assert_eq!(read_idx_limited(&bytes[..], 1, 3)?.data(), &[7, 8, 9]);
/// let err = read_idx_limited(&bytes[..], 1, 2).unwrap_err();
/// assert!(matches!(err, DataError::PayloadTooLarge { declared: 3, limit: 2, .. }));
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: as [`read_idx`], with `max_payload` as the limit.
pub fn read_idx_limited(reader: impl Read, ndims: usize, max_payload: u64) -> Result<IdxArray> {
    read_idx_sized(reader, ndims, None, max_payload)
}

/// Reads an IDX file (raw or `.gz`) with `ndims` dimensions; errors name the file.
///
/// ```no_run
/// let labels = data::read_idx_file("data/mnist/t10k-labels-idx1-ubyte.gz", 1)?;
/// assert_eq!(labels.dims(), &[10_000]);
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: as [`read_idx`], wrapped in [`DataError::InFile`], and
/// [`DataError::NotAFile`] for a directory or other non-regular file.
pub fn read_idx_file(path: impl AsRef<Path>, ndims: usize) -> Result<IdxArray> {
    read_idx_file_limited(path, ndims, MAX_IDX_PAYLOAD)
}

/// [`read_idx_file`] accepting at most `max_payload` payload bytes (see
/// [`read_idx_limited`]).
///
/// **Errors**: as [`read_idx_file`].
pub fn read_idx_file_limited(
    path: impl AsRef<Path>,
    ndims: usize,
    max_payload: u64,
) -> Result<IdxArray> {
    let path = path.as_ref();
    let read = || -> Result<IdxArray> {
        let file = File::open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(not_a_file(path, &meta));
        }
        read_idx_sized(file, ndims, Some(meta.len()), max_payload)
    };
    read().map_err(|e| match e {
        e @ DataError::NotAFile { .. } => e,
        e => e.in_file(path),
    })
}

/// [`DataError::NotAFile`] describing what `meta` says is at `path`.
pub(crate) fn not_a_file(path: &Path, meta: &std::fs::Metadata) -> DataError {
    let found = if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file (a device, socket or pipe)"
    };
    DataError::NotAFile {
        path: path.to_path_buf(),
        found,
    }
}

/// Writes `data` with dimension sizes `dims` as an IDX array of unsigned bytes.
///
/// ```
/// use data::{read_idx, write_idx, Compression};
/// let mut bytes = Vec::new();
/// write_idx(&mut bytes, &[1, 2, 2], &[1, 2, 3, 4], Compression::None)?;
/// assert_eq!(&bytes[..4], &[0, 0, 0x08, 3]);
/// assert_eq!(read_idx(&bytes[..], 3)?.dims(), &[1, 2, 2]);
/// # Ok::<(), data::DataError>(())
/// ```
///
/// **Errors**: [`DataError::SizeMismatch`] if `data.len()` is not the product
/// of `dims`, [`DataError::InvalidArgument`] for more than 255 dimensions or a
/// size above `u32::MAX`, and [`DataError::Io`].
pub fn write_idx(
    writer: impl Write,
    dims: &[usize],
    data: &[u8],
    compression: Compression,
) -> Result<()> {
    let ndims = u8::try_from(dims.len())
        .map_err(|_| DataError::invalid("dims", "an IDX file has at most 255 dimensions"))?;
    let expected = element_count(dims)?;
    if expected != data.len() {
        return Err(DataError::SizeMismatch {
            what: "IDX payload bytes",
            expected,
            found: data.len(),
        });
    }
    let mut header = vec![0, 0, IDX_UBYTE, ndims];
    for &d in dims {
        let d = u32::try_from(d)
            .map_err(|_| DataError::invalid("dims", format!("size {d} exceeds u32::MAX")))?;
        header.extend_from_slice(&d.to_be_bytes());
    }
    match compression {
        Compression::None => write_all(writer, &header, data),
        Compression::Gzip => {
            let mut gz = GzEncoder::new(writer, flate2::Compression::default());
            write_all(&mut gz, &header, data)?;
            gz.finish()?;
            Ok(())
        }
    }
}

fn write_all(mut writer: impl Write, header: &[u8], data: &[u8]) -> Result<()> {
    writer.write_all(header)?;
    writer.write_all(data)?;
    writer.flush()?;
    Ok(())
}

/// How much to read and what bounds the buffer.
#[derive(Clone, Copy)]
struct Limits {
    /// The largest payload accepted.
    max_payload: u64,
    /// Bytes of a raw input, when known: nothing beyond can arrive.
    raw_len: Option<u64>,
}

/// Reads raw or gzip IDX; `input_len` bounds the buffer of a raw input.
fn read_idx_sized(
    mut reader: impl Read,
    ndims: usize,
    input_len: Option<u64>,
    max_payload: u64,
) -> Result<IdxArray> {
    let mut magic = [0u8; 4];
    let got = read_up_to(&mut reader, &mut magic).map_err(DataError::Io)?;
    let head = Cursor::new(magic).take(got as u64);
    if got >= 2 && magic[..2] == GZIP_MAGIC {
        let decoder = MultiGzDecoder::new(head.chain(reader));
        let limits = Limits {
            max_payload,
            raw_len: None,
        };
        return read_raw(decoder, ndims, limits, Source::Gzip);
    }
    let limits = Limits {
        max_payload,
        raw_len: input_len,
    };
    read_raw(head.chain(reader), ndims, limits, Source::Plain)
}

#[derive(Clone, Copy)]
enum Source {
    Plain,
    Gzip,
}

impl Source {
    fn error(self, e: io::Error) -> DataError {
        match self {
            Source::Plain => DataError::Io(e),
            Source::Gzip => DataError::Gzip { source: e },
        }
    }
}

/// Parses an uncompressed IDX stream.
fn read_raw(mut r: impl Read, ndims: usize, limits: Limits, src: Source) -> Result<IdxArray> {
    let dims = read_header(&mut r, ndims, src)?;
    let header_len = 4 + 4 * ndims as u64;
    let total = dims
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d))
        .filter(|&t| usize::try_from(t).is_ok())
        .ok_or_else(|| DataError::SizeOverflow { dims: dims.clone() })?;
    if total > limits.max_payload {
        return Err(DataError::PayloadTooLarge {
            dims,
            declared: total,
            limit: limits.max_payload,
        });
    }
    // Reserve no more than the input can hold; grow with what arrives.
    let available = limits
        .raw_len
        .map_or(EAGER_RESERVE, |n| n.saturating_sub(header_len));
    let mut data = Vec::new();
    data.try_reserve_exact(total.min(available) as usize)
        .map_err(|_| DataError::SizeOverflow { dims: dims.clone() })?;
    (&mut r)
        .take(total)
        .read_to_end(&mut data)
        .map_err(|e| src.error(e))?;
    if (data.len() as u64) < total {
        return Err(DataError::TruncatedPayload {
            expected: total,
            found: data.len() as u64,
        });
    }
    let mut extra = [0u8; 1];
    if read_up_to(&mut r, &mut extra).map_err(|e| src.error(e))? > 0 {
        return Err(DataError::TrailingData { payload: total });
    }
    // Each size came from a u32 and their product fits in usize.
    let dims = dims.into_iter().map(|d| d as usize).collect();
    Ok(IdxArray { dims, data })
}

/// Reads and checks the magic number and the `ndims` dimension sizes.
fn read_header(r: &mut impl Read, ndims: usize, src: Source) -> Result<Vec<u64>> {
    let mut magic = [0u8; 4];
    let got = read_up_to(r, &mut magic).map_err(|e| src.error(e))?;
    if got < 4 {
        return Err(DataError::TruncatedHeader {
            expected: 4,
            found: got as u64,
        });
    }
    if magic[0] != 0 || magic[1] != 0 {
        return Err(DataError::BadMagic { found: magic });
    }
    if magic[2] != IDX_UBYTE {
        return Err(DataError::UnsupportedElementType { code: magic[2] });
    }
    if usize::from(magic[3]) != ndims {
        return Err(DataError::DimensionCount {
            expected: ndims,
            found: usize::from(magic[3]),
        });
    }
    let mut sizes = vec![0u8; 4 * ndims];
    let got = read_up_to(r, &mut sizes).map_err(|e| src.error(e))?;
    if got < sizes.len() {
        return Err(DataError::TruncatedHeader {
            expected: 4 + sizes.len() as u64,
            found: 4 + got as u64,
        });
    }
    Ok(sizes
        .chunks_exact(4)
        .map(|b| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
        .collect())
}

/// Fills `buf` as far as the input allows; returns the number of bytes read.
fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Product of the dimension sizes.
fn element_count(dims: &[usize]) -> Result<usize> {
    dims.iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| DataError::SizeOverflow {
            dims: dims.iter().map(|&d| d as u64).collect(),
        })
}
