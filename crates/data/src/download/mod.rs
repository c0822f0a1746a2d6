//! Fetching the dataset files from mirrors (the `download` feature).
//!
//! Each file is written to a temporary file in its final folder, verified
//! against the pinned SHA-256 of its decompressed payload, and only then
//! renamed into place: an interrupted or corrupt download never leaves a file
//! that looks valid. A transient failure (refused connection, cut body, 5xx)
//! is retried with exponential backoff; any failure moves on to the next mirror.
//!
//! Every download of one file from one mirror has an overall deadline and a
//! minimum throughput ([`Fetcher::deadline`], [`Fetcher::min_throughput`],
//! also from the environment with [`Fetcher::limits_from_env`]): a mirror
//! that trickles is abandoned for the next one instead of hanging the fetch.
//!
//! A process killed during a download (SIGKILL, SIGTERM, SIGINT: no signal is
//! caught) leaves its `.<file>.<random>.part` temporary behind, never a file
//! under the final name. The next fetch into that folder removes such
//! temporaries once nobody has written to them for [`Fetcher::stale_after`].

mod limits;
mod pace;
mod stale;

use std::fs::{self, File};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tempfile::NamedTempFile;

use crate::checksum::verify_payload;
pub use limits::{DEADLINE_ENV, MIN_RATE_ENV};

use crate::location::{existing_file, gz_path};
use crate::mirror::Target;
use crate::{
    DataError, Dataset, FileKind, Mirror, MirrorFailure, Result, dataset_dir, verify_file,
};
use pace::{Pace, PaceLimits, copy_paced};
use stale::{remove_stale_temporaries, temp_affixes};

/// Whether to draw a progress bar on standard error while downloading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Draw one (only when standard error is a terminal).
    Bar,
    /// Draw nothing.
    Hidden,
}

/// What [`Fetcher::fetch_file`] did for one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A valid copy was already there.
    AlreadyPresent,
    /// Downloaded and verified.
    Downloaded {
        /// Where it came from.
        url: String,
    },
}

/// One file of a dataset, in place and verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedFile {
    /// Which file.
    pub kind: FileKind,
    /// Where it is (with `.gz` when the mirror served gzip).
    pub path: PathBuf,
    /// Whether it was downloaded.
    pub outcome: Outcome,
}

/// Downloads dataset files into a data directory.
///
/// ```no_run
/// use data::{data_dir, Dataset, Fetcher, Mirror};
/// let fetcher = Fetcher::new(Mirror::resolve(None)?);
/// for file in fetcher.fetch(Dataset::Mnist, &data_dir(None))? {
///     println!("{}", file.path.display());
/// }
/// # Ok::<(), data::DataError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Fetcher {
    mirrors: Vec<Mirror>,
    retries: u32,
    backoff: Duration,
    stall_timeout: Duration,
    pace: PaceLimits,
    stale_after: Duration,
    progress: Progress,
}

impl Fetcher {
    /// A fetcher trying `mirrors` in order, with 3 retries per mirror, backoff
    /// starting at 1 s, a 30 s stall timeout, a 10 min deadline per file and
    /// mirror, a minimum of 10,000 bytes/s over each 20 s, stale temporaries
    /// removed after 5 min, and a progress bar.
    pub fn new(mirrors: Vec<Mirror>) -> Self {
        Self {
            mirrors,
            retries: 3,
            backoff: Duration::from_secs(1),
            stall_timeout: Duration::from_secs(30),
            pace: PaceLimits {
                deadline: Duration::from_secs(600),
                min_rate: 10_000,
                window: Duration::from_secs(20),
            },
            stale_after: Duration::from_secs(300),
            progress: Progress::Bar,
        }
    }

    /// Retries after a transient failure, per mirror and file.
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Wait before the first retry; it doubles for each further retry.
    pub fn backoff(mut self, first: Duration) -> Self {
        self.backoff = first;
        self
    }

    /// Give up on a connection that sends nothing for this long.
    pub fn stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = timeout;
        self
    }

    /// Progress bar or not.
    pub fn progress(mut self, progress: Progress) -> Self {
        self.progress = progress;
        self
    }

    /// Makes sure the four files of `dataset` are in `<dir>/<dataset>/` and valid.
    ///
    /// **Errors**: as [`Fetcher::fetch_file`]; files fetched before the error stay.
    pub fn fetch(&self, dataset: Dataset, dir: &Path) -> Result<Vec<FetchedFile>> {
        FileKind::ALL
            .iter()
            .map(|&kind| self.fetch_file(dataset, kind, dir))
            .collect()
    }

    /// Makes sure one file is in `<dir>/<dataset>/` and valid: keeps a valid
    /// copy, removes an invalid one, downloads it otherwise. First removes
    /// stale temporaries of killed downloads from the folder.
    ///
    /// **Errors**: [`DataError::AllMirrorsFailed`] with each mirror's last
    /// error ([`DataError::HttpStatus`], [`DataError::Transport`],
    /// [`DataError::ChecksumMismatch`], [`DataError::BodyTooLarge`],
    /// [`DataError::DeadlineExceeded`], [`DataError::TooSlow`], ...);
    /// [`DataError::NotAFile`] if a directory is where the file goes, and
    /// [`DataError::Io`] naming the path if the folder cannot be written.
    pub fn fetch_file(&self, dataset: Dataset, kind: FileKind, dir: &Path) -> Result<FetchedFile> {
        let folder = dataset_dir(dir, dataset);
        fs::create_dir_all(&folder).map_err(|e| DataError::Io(e).in_file(&folder))?;
        // A live download writes within two stall timeouts (connect, then each read).
        let stale = self.stale_after.max(self.stall_timeout.saturating_mul(2));
        remove_stale_temporaries(&folder, stale)?;
        let raw = folder.join(kind.file_name());
        if let Some(path) = keep_valid_copy(&raw, dataset, kind)? {
            return Ok(FetchedFile {
                kind,
                path,
                outcome: Outcome::AlreadyPresent,
            });
        }
        let mut failures = Vec::new();
        for url in self.mirrors.iter().filter_map(|m| m.url(dataset, kind)) {
            match self.download_with_retries(&url, &raw, dataset, kind) {
                Ok(path) => {
                    let outcome = Outcome::Downloaded { url };
                    return Ok(FetchedFile {
                        kind,
                        path,
                        outcome,
                    });
                }
                Err(error) => failures.push(MirrorFailure { url, error }),
            }
        }
        Err(DataError::AllMirrorsFailed {
            file: kind.file_name().to_string(),
            failures,
        })
    }

    fn download_with_retries(
        &self,
        url: &str,
        raw: &Path,
        dataset: Dataset,
        kind: FileKind,
    ) -> Result<PathBuf> {
        let mut attempt = 0;
        loop {
            match self.download(url, raw, dataset, kind) {
                Err(e) if attempt < self.retries && is_transient(&e) => {
                    std::thread::sleep(self.backoff.saturating_mul(1 << attempt.min(16)));
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// One attempt: download into a temporary file, verify, rename.
    fn download(&self, url: &str, raw: &Path, dataset: Dataset, kind: FileKind) -> Result<PathBuf> {
        let folder = raw.parent().unwrap_or(Path::new("."));
        let (prefix, suffix) = temp_affixes(kind);
        let mut tmp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(suffix)
            .tempfile_in(folder)
            .map_err(|e| DataError::Io(e).in_file(folder))?;
        // The body can be gzip or, if a server decompressed it, raw IDX.
        let limit = kind.payload_len() + kind.payload_len() / 8 + (1 << 16);
        let in_tmp = |e: DataError, tmp: &tempfile::NamedTempFile| match e {
            DataError::Io(_) => e.in_file(tmp.path()),
            e => e,
        };
        self.copy_body(url, tmp.as_file_mut(), limit, kind)
            .map_err(|e| in_tmp(e, &tmp))?;
        let is_gzip = verify_temp(&mut tmp, dataset, kind).map_err(|e| in_tmp(e, &tmp))?;
        let path = if is_gzip {
            gz_path(raw)
        } else {
            raw.to_path_buf()
        };
        readable_by_all(tmp.as_file()).map_err(|e| in_tmp(e, &tmp))?;
        tmp.persist(&path)
            .map_err(|e| DataError::Io(e.error).in_file(&path))?;
        Ok(path)
    }

    fn copy_body(&self, url: &str, out: &mut File, limit: u64, kind: FileKind) -> Result<u64> {
        let mut pace = Pace::start(self.pace);
        match Target::of(url) {
            Target::File(path) => {
                let file = File::open(&path).map_err(|e| DataError::Io(e).in_file(&path))?;
                let len = file.metadata().ok().map(|m| m.len());
                let bar = self.bar(len, kind);
                let on_read = |e| DataError::Io(e).in_file(&path);
                copy_paced(file, out, limit, url, &mut pace, &bar, on_read)
            }
            Target::Http(url) => {
                let response = self.agent(&url).get(&url).call().map_err(|e| {
                    if pace.expired() {
                        pace.deadline_error(&url)
                    } else {
                        transport(&url, e)
                    }
                })?;
                let status = response.status().as_u16();
                if !(200..300).contains(&status) {
                    return Err(DataError::HttpStatus { url, status });
                }
                let bar = self.bar(response.body().content_length(), kind);
                let body = response.into_body().into_reader();
                let on_read = |e| transport(&url, e);
                copy_paced(body, out, limit, &url, &mut pace, &bar, on_read)
            }
        }
    }

    fn agent(&self, url: &str) -> ureq::Agent {
        let host = url.split("://").nth(1).unwrap_or("");
        let loopback = ["127.", "localhost", "[::1]"]
            .iter()
            .any(|h| host.starts_with(h));
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(self.pace.deadline))
            .timeout_connect(Some(self.stall_timeout))
            .timeout_per_read(Some(self.stall_timeout))
            .user_agent(concat!("optilab-data/", env!("CARGO_PKG_VERSION")));
        let config = if loopback { config.proxy(None) } else { config };
        config.build().into()
    }

    fn bar(&self, len: Option<u64>, kind: FileKind) -> ProgressBar {
        if self.progress == Progress::Hidden {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{msg:28} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(kind.file_name());
        bar
    }
}

/// The path of a valid existing copy, after removing invalid ones.
fn keep_valid_copy(raw: &Path, dataset: Dataset, kind: FileKind) -> Result<Option<PathBuf>> {
    let mut valid = None;
    for path in [raw.to_path_buf(), gz_path(raw)] {
        if !existing_file(&path)? {
            continue;
        }
        match verify_file(&path, dataset, kind) {
            Ok(()) if valid.is_none() => valid = Some(path),
            Ok(()) => {}
            Err(e) if matches!(e.root(), DataError::Io(_)) => return Err(e),
            Err(_) => fs::remove_file(&path).map_err(|e| DataError::Io(e).in_file(&path))?,
        }
    }
    Ok(valid)
}

/// Verifies the downloaded bytes; returns whether they are gzip.
fn verify_temp(tmp: &mut NamedTempFile, dataset: Dataset, kind: FileKind) -> Result<bool> {
    let file = tmp.as_file_mut();
    file.flush()?;
    file.seek(SeekFrom::Start(0))?;
    let mut head = [0u8; 2];
    let is_gzip = file.read_exact(&mut head).is_ok() && head == [0x1f, 0x8b];
    file.seek(SeekFrom::Start(0))?;
    verify_payload(BufReader::new(&*file), dataset, kind)?;
    Ok(is_gzip)
}

fn transport(url: &str, e: impl std::error::Error + Send + Sync + 'static) -> DataError {
    DataError::Transport {
        url: url.to_string(),
        source: Box::new(e),
    }
}

/// Whether trying the same URL again may succeed.
fn is_transient(e: &DataError) -> bool {
    match e {
        DataError::Transport { .. } => true,
        DataError::HttpStatus { status, .. } => *status >= 500 || *status == 408 || *status == 429,
        _ => false,
    }
}

#[cfg(unix)]
fn readable_by_all(file: &File) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o644))?;
    Ok(())
}

#[cfg(not(unix))]
fn readable_by_all(_file: &File) -> Result<()> {
    Ok(())
}
