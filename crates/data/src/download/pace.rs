//! Bounding a transfer in size, time and throughput.
//!
//! A per-read timeout alone lets a server that sends one byte every few
//! seconds hold a download forever; here every file has an overall deadline
//! and a minimum throughput measured over consecutive windows.

use std::fs::File;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::{DataError, Result};

/// How long and how slowly one download may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PaceLimits {
    /// The whole download of one file from one mirror, request included.
    pub deadline: Duration,
    /// Bytes per second, averaged over each window; 0 disables the check.
    pub min_rate: u64,
    /// The span the throughput is averaged over.
    pub window: Duration,
}

/// The clock of one download.
pub(crate) struct Pace {
    limits: PaceLimits,
    start: Instant,
    window_start: Instant,
    window_bytes: u64,
    received: u64,
}

impl Pace {
    /// Starts the clock.
    pub(crate) fn start(limits: PaceLimits) -> Self {
        let now = Instant::now();
        Self {
            limits,
            start: now,
            window_start: now,
            window_bytes: 0,
            received: 0,
        }
    }

    /// Whether the deadline has passed.
    pub(crate) fn expired(&self) -> bool {
        self.start.elapsed() >= self.limits.deadline
    }

    /// [`DataError::DeadlineExceeded`] for `url`.
    pub(crate) fn deadline_error(&self, url: &str) -> DataError {
        DataError::DeadlineExceeded {
            url: url.to_string(),
            deadline: self.limits.deadline,
            received: self.received,
        }
    }

    /// Accounts for `n` more bytes; fails past the deadline or when the last
    /// window was slower than the minimum.
    fn advance(&mut self, url: &str, n: u64) -> Result<()> {
        self.received += n;
        self.window_bytes += n;
        if self.expired() {
            return Err(self.deadline_error(url));
        }
        let span = self.window_start.elapsed();
        if self.limits.min_rate > 0 && span >= self.limits.window {
            let rate = (self.window_bytes as f64 / span.as_secs_f64()) as u64;
            if rate < self.limits.min_rate {
                return Err(DataError::TooSlow {
                    url: url.to_string(),
                    rate,
                    minimum: self.limits.min_rate,
                    window: span,
                });
            }
            self.window_start = Instant::now();
            self.window_bytes = 0;
        }
        Ok(())
    }
}

/// Copies at most `limit` bytes within the pace limits; read errors go
/// through `on_read` (a read that fails past the deadline is
/// [`DataError::DeadlineExceeded`]).
pub(crate) fn copy_paced(
    mut from: impl Read,
    to: &mut File,
    limit: u64,
    url: &str,
    pace: &mut Pace,
    bar: &ProgressBar,
    on_read: impl Fn(io::Error) -> DataError,
) -> Result<u64> {
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) if pace.expired() => return Err(pace.deadline_error(url)),
            Err(e) => return Err(on_read(e)),
        };
        total += n as u64;
        if total > limit {
            return Err(DataError::BodyTooLarge {
                url: url.to_string(),
                limit,
            });
        }
        to.write_all(&buf[..n])?;
        bar.inc(n as u64);
        pace.advance(url, n as u64)?;
    }
    bar.finish_and_clear();
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_window_fails_and_a_fast_one_restarts_the_count() {
        let limits = PaceLimits {
            deadline: Duration::from_secs(60),
            min_rate: 1000,
            window: Duration::from_millis(20),
        };
        let mut pace = Pace::start(limits);
        pace.advance("u", 10_000).unwrap();
        std::thread::sleep(Duration::from_millis(25));
        pace.advance("u", 10_000).unwrap(); // 20 kB in ~25 ms
        std::thread::sleep(Duration::from_millis(25));
        let err = pace.advance("u", 1).unwrap_err();
        assert!(
            matches!(err, DataError::TooSlow { minimum: 1000, .. }),
            "{err}"
        );
    }

    #[test]
    fn the_deadline_counts_from_the_start() {
        let limits = PaceLimits {
            deadline: Duration::from_millis(10),
            min_rate: 0,
            window: Duration::from_millis(1),
        };
        let mut pace = Pace::start(limits);
        pace.advance("u", 5).unwrap();
        std::thread::sleep(Duration::from_millis(15));
        let err = pace.advance("u", 5).unwrap_err();
        assert!(
            matches!(err, DataError::DeadlineExceeded { received: 10, .. }),
            "{err}"
        );
    }
}
