//! Request limits for the endpoints an attacker would hammer: sign-in codes per number
//! and per client address, sign-in tries per client address. Fixed windows counted in
//! memory on the platform's clock (passed in, so tests move it); a refused request learns
//! how long to wait, which the API sends as `Retry-After`.
//!
//! Counts live in memory: a restart forgets them, which costs an attacker a restart of
//! ours and no more. Behind a proxy the client address is the proxy's; a deployment
//! there gives the proxy the per-address limits.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// At most `max` requests per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub per: Duration,
}

impl Limit {
    pub const fn new(max: u32, per: Duration) -> Limit {
        Limit { max, per }
    }
}

/// The platform's limits, in [`crate::Config`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sign-in codes sent to one number (texts cost money and annoy their owner).
    pub codes_per_number: Limit,
    /// Sign-in codes asked for from one client address.
    pub codes_per_address: Limit,
    /// Sign-in tries (tourist and gate staff) from one client address.
    pub sign_ins_per_address: Limit,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            codes_per_number: Limit::new(10, Duration::days(1)),
            codes_per_address: Limit::new(30, Duration::hours(1)),
            sign_ins_per_address: Limit::new(60, Duration::hours(1)),
        }
    }
}

/// Windows kept at most before the ended ones are dropped.
const KEYS_BEFORE_PRUNING: usize = 10_000;

/// Counts requests per key in fixed windows of one [`Limit`].
pub struct Limiter {
    limit: Limit,
    windows: Mutex<HashMap<String, (DateTime<Utc>, u32)>>,
}

impl Limiter {
    pub fn new(limit: Limit) -> Limiter {
        Limiter {
            limit,
            windows: Mutex::default(),
        }
    }

    /// Counts one request for `key`; `Err(wait)` when the window is full, with how long
    /// until it ends.
    pub fn take(&self, key: &str, now: DateTime<Utc>) -> Result<(), Duration> {
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(()); // A panic elsewhere must not lock everyone out.
        };
        if windows.len() >= KEYS_BEFORE_PRUNING {
            let per = self.limit.per;
            windows.retain(|_, (start, _)| *start + per > now);
        }
        let window = windows.entry(key.to_owned()).or_insert((now, 0));
        if window.0 + self.limit.per <= now {
            *window = (now, 0);
        }
        if window.1 >= self.limit.max {
            return Err(window.0 + self.limit.per - now);
        }
        window.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn a_full_window_refuses_until_it_ends() {
        let limiter = Limiter::new(Limit::new(2, Duration::hours(1)));
        let t0 = at("2026-12-01T08:00:00Z");
        assert!(limiter.take("a", t0).is_ok());
        assert!(limiter.take("a", t0 + Duration::minutes(1)).is_ok());
        assert_eq!(
            limiter.take("a", t0 + Duration::minutes(10)),
            Err(Duration::minutes(50))
        );
        // Another key has its own window.
        assert!(limiter.take("b", t0 + Duration::minutes(10)).is_ok());
        assert!(limiter.take("a", t0 + Duration::hours(1)).is_ok());
    }

    #[test]
    fn ended_windows_are_pruned() {
        let limiter = Limiter::new(Limit::new(1, Duration::minutes(1)));
        let t0 = at("2026-12-01T08:00:00Z");
        for n in 0..KEYS_BEFORE_PRUNING {
            limiter.take(&n.to_string(), t0).unwrap();
        }
        limiter.take("late", t0 + Duration::minutes(2)).unwrap();
        assert_eq!(limiter.windows.lock().unwrap().len(), 1);
    }
}
