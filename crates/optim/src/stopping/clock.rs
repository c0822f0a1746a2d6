//! Clocks for the wall-clock budget, injectable for tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A monotonic clock: time since an arbitrary origin.
///
/// ```
/// use optim::{Clock, ManualClock};
/// let clock = ManualClock::new();
/// let t0 = clock.now();
/// clock.advance(std::time::Duration::from_secs(2));
/// assert_eq!(clock.now() - t0, std::time::Duration::from_secs(2));
/// ```
pub trait Clock {
    /// Time since the clock's origin.
    ///
    /// ```
    /// use optim::{Clock, ManualClock};
    /// assert_eq!(ManualClock::new().now(), std::time::Duration::ZERO);
    /// ```
    fn now(&self) -> Duration;
}

/// The real monotonic clock ([`Instant`]).
///
/// ```
/// use optim::{Clock, SystemClock};
/// let clock = SystemClock::new();
/// assert!(clock.now() <= clock.now());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    /// A clock whose origin is now.
    ///
    /// ```
    /// let _ = optim::SystemClock::new();
    /// ```
    pub fn new() -> Self {
        SystemClock {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// A clock that moves only when told to; clones share the same time, so a
/// test keeps one clone and hands the other to a criterion.
///
/// ```
/// use optim::{Clock, ManualClock};
/// let clock = ManualClock::new();
/// let shared = clock.clone();
/// clock.advance(std::time::Duration::from_millis(5));
/// assert_eq!(shared.now().as_millis(), 5);
/// ```
#[derive(Clone, Debug, Default)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at time zero.
    ///
    /// ```
    /// use optim::{Clock, ManualClock};
    /// assert_eq!(ManualClock::new().now().as_nanos(), 0);
    /// ```
    pub fn new() -> Self {
        ManualClock::default()
    }

    /// Moves the clock forward (saturating at about 584 years).
    ///
    /// ```
    /// let clock = optim::ManualClock::new();
    /// clock.advance(std::time::Duration::from_secs(1));
    /// ```
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        let _ = self
            .nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                Some(n.saturating_add(by))
            });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }
}
