//! The time limits of a [`Fetcher`], set in code or from the environment.

use std::time::Duration;

use super::Fetcher;
use crate::{DataError, Result};

/// Environment variable: the deadline of one file's download from one
/// mirror, in whole seconds (see [`Fetcher::limits_from_env`]).
pub const DEADLINE_ENV: &str = "OPTILAB_DOWNLOAD_DEADLINE_SECS";
/// Environment variable: the minimum throughput in bytes per second, 0 to
/// disable (see [`Fetcher::limits_from_env`]).
pub const MIN_RATE_ENV: &str = "OPTILAB_DOWNLOAD_MIN_BYTES_PER_SEC";

impl Fetcher {
    /// Give up on one file from one mirror after this long (request,
    /// response and body), and try the next mirror.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.pace.deadline = deadline;
        self
    }

    /// Give up on a mirror that delivers fewer than `bytes_per_sec` averaged
    /// over a `window` (0 disables the check).
    pub fn min_throughput(mut self, bytes_per_sec: u64, window: Duration) -> Self {
        self.pace.min_rate = bytes_per_sec;
        self.pace.window = window;
        self
    }

    /// Remove our temporaries (`.<file>.<random>.part`) left in the dataset
    /// folder by killed downloads once unmodified for this long, and at least
    /// twice the stall timeout: a live download (in this or another process)
    /// writes more often than that, so it is never touched.
    pub fn stale_after(mut self, age: Duration) -> Self {
        self.stale_after = age;
        self
    }

    /// Applies [`DEADLINE_ENV`] and [`MIN_RATE_ENV`] when set and not empty.
    ///
    /// ```
    /// let fetcher = data::Fetcher::new(Vec::new()).limits_from_env()?;
    /// # Ok::<(), data::DataError>(())
    /// ```
    ///
    /// **Errors**: [`DataError::InvalidArgument`] naming the variable when its
    /// value is not a whole number (or a deadline of 0).
    pub fn limits_from_env(self) -> Result<Self> {
        self.limits_from(|name| std::env::var(name).ok())
    }

    /// [`Fetcher::limits_from_env`] with the variables looked up by `var`.
    ///
    /// ```
    /// use data::{Fetcher, DEADLINE_ENV};
    /// let lookup = |name: &str| (name == DEADLINE_ENV).then(|| "soon".to_string());
    /// assert!(Fetcher::new(Vec::new()).limits_from(lookup).is_err());
    /// ```
    ///
    /// **Errors**: as [`Fetcher::limits_from_env`].
    pub fn limits_from(mut self, var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let number =
            |name: &'static str| -> Result<Option<u64>> {
                match var(name).filter(|v| !v.trim().is_empty()) {
                    None => Ok(None),
                    Some(v) => v.trim().parse().map(Some).map_err(|_| {
                        DataError::invalid(name, format!("`{v}` is not a whole number"))
                    }),
                }
            };
        if let Some(secs) = number(DEADLINE_ENV)? {
            if secs == 0 {
                return Err(DataError::invalid(
                    DEADLINE_ENV,
                    "the deadline must be at least 1 s",
                ));
            }
            self.pace.deadline = Duration::from_secs(secs);
        }
        if let Some(rate) = number(MIN_RATE_ENV)? {
            self.pace.min_rate = rate;
        }
        Ok(self)
    }
}
