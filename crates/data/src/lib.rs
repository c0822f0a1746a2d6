#![doc = include_str!("../README.md")]
//!
//! # Guarantees in detail
//!
//! - **Reading** ([`read_idx`], [`load`]): every header field is checked; the
//!   declared payload is compared with a limit *before* anything is allocated
//!   ([`MAX_IDX_PAYLOAD`] for any IDX file, the upstream size
//!   [`FileKind::max_payload`] for a dataset file), gzip is decoded as a
//!   stream that stops one byte after the declared payload, and no more than
//!   64 MiB is reserved ahead of the bytes that actually arrive. A gzip bomb or
//!   forged header costs at most the limit, never the declared size.
//! - **Errors name the file and the problem**: a missing file
//!   ([`DataError::MissingFile`], only when nothing is there), a directory in
//!   its place ([`DataError::NotAFile`]), a path that cannot be examined
//!   (permission denied: [`DataError::Io`] wrapped with the path), a file
//!   with no examples ([`DataError::EmptyDataset`]), images and labels files
//!   that disagree ([`DataError::SplitMismatch`], naming both).
//! - **Verified**: downloads are checked against the pinned SHA-256 of the
//!   decompressed payload ([`pinned_sha256`]) before they get their final
//!   name. [`load`] itself checks structure, not checksums; [`verify_file`]
//!   does both.
//! - **Downloads** (feature `download`): a file is written to
//!   `.<file>.<random>.part` in its folder and renamed into place only once
//!   verified, so a file under its final name is always complete and valid.
//!   Each file and mirror has a deadline and a minimum throughput; a stalled,
//!   trickling or silent mirror is abandoned for the next one.
//! - **What a kill can leave**: a process killed during a download (SIGKILL,
//!   and SIGINT/SIGTERM too: no signal handler is installed) leaves its
//!   `.part` temporary, never a partial file under the final name. The next
//!   fetch into the same folder removes our temporaries (that exact name
//!   pattern, nothing else) once unmodified for `Fetcher::stale_after`
//!   (5 min by default), which a live download never is.

#![warn(missing_docs)]

mod batch;
mod checksum;
mod dataset;
#[cfg(feature = "download")]
mod download;
mod encoder;
mod error;
mod idx;
mod images;
mod location;
#[cfg(feature = "download")]
mod mirror;
mod mnist;
mod real;
mod split;
mod standardize;
mod stats;
mod synthetic;

pub use batch::{Batches, EpochSampler, LastBatch, gather_labels, gather_rows};
pub use checksum::{payload_sha256, pinned_sha256, verify_file};
pub use dataset::{Dataset, FileKind, Split};
#[cfg(feature = "download")]
pub use download::{DEADLINE_ENV, FetchedFile, Fetcher, MIN_RATE_ENV, Outcome, Progress};
pub use encoder::PixelEncoder;
pub use error::{DataError, MirrorFailure, Result};
pub use idx::{
    Compression, IDX_UBYTE, IdxArray, MAX_IDX_PAYLOAD, read_idx, read_idx_file,
    read_idx_file_limited, read_idx_limited, write_idx,
};
pub use images::{LabeledImages, NUM_CLASSES};
pub use location::{DATA_DIR_ENV, data_dir, dataset_dir, find_file};
#[cfg(feature = "download")]
pub use mirror::{MIRROR_ENV, Mirror};
pub use mnist::{Splits, load, load_split};
pub use real::Real;
pub use split::{Holdout, TrainValidation, train_validation_split};
pub use standardize::{Granularity, Scaling, Standardizer};
pub use synthetic::{
    Basis, LinearRegression, LinearRegressionConfig, QuadraticBowl, QuadraticConfig, Spacing,
    TwoClass, TwoClassConfig,
};
