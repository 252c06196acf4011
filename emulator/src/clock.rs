//! The server's clock: wall time plus an offset that tests can move forward.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A clock shared by everything time-based (tokens, OTP expiry, intervals, TOTP).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_micros: Arc<AtomicI64>,
}

impl Clock {
    /// A clock at wall time.
    pub fn new() -> Self {
        Self::default()
    }

    /// Microseconds since the Unix epoch, offset included.
    pub fn now_micros(&self) -> i64 {
        let wall =
            SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0);
        wall + self.offset_micros.load(Ordering::SeqCst)
    }

    /// Whole seconds since the Unix epoch, offset included.
    pub fn now_secs(&self) -> i64 {
        self.now_micros().div_euclid(1_000_000)
    }

    /// Moves the clock forward (or back, with a negative value) by `seconds`.
    pub fn advance(&self, seconds: f64) {
        self.offset_micros.fetch_add((seconds * 1e6) as i64, Ordering::SeqCst);
    }

    /// Back to wall time.
    pub fn reset(&self) {
        self.offset_micros.store(0, Ordering::SeqCst);
    }
}

/// Seconds (possibly fractional) as microseconds.
pub fn secs(s: f64) -> i64 {
    (s * 1e6) as i64
}
