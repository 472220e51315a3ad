//! Request limits for the endpoints an attacker would hammer: sign-in codes per number
//! and per client address, sign-in tries per client address. Fixed windows counted in
//! memory on the platform's clock (passed in, so tests move it); a refused request learns
//! how long to wait, which the API sends as `Retry-After`.
//!
//! Counts live in memory: a restart forgets them, which costs an attacker a restart of
//! ours and no more. An IPv6 client is counted by its /64. Behind a proxy the client
//! address is the proxy's; a deployment there gives the proxy the per-address limits.

use std::collections::HashMap;
use std::net::IpAddr;
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

/// Windows kept before the ended ones are first dropped; after a pruning the next one comes
/// when the map has doubled, so a busy hour does not scan it on every request.
const KEYS_BEFORE_PRUNING: usize = 10_000;

/// Windows kept at most (about 100 bytes each): past that, with every one still running, a
/// key not seen before is refused until some end, so many addresses cannot grow the map
/// without bound.
const MAX_KEYS: usize = 500_000;

/// The key one client address is counted under: an IPv4 address, or the /64 an IPv6
/// address is in (one subscriber is routinely given a whole /64, so counting single
/// addresses there would give each attacker 2⁶⁴ of them).
pub fn address_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Counts requests per key in fixed windows of one [`Limit`].
pub struct Limiter {
    limit: Limit,
    windows: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    by_key: HashMap<String, (DateTime<Utc>, u32)>,
    prune_at: usize,
}

impl Limiter {
    pub fn new(limit: Limit) -> Limiter {
        Limiter {
            limit,
            windows: Mutex::new(Windows {
                by_key: HashMap::new(),
                prune_at: KEYS_BEFORE_PRUNING,
            }),
        }
    }

    /// `Err(wait)` when `key`'s window is full, without counting anything: for limits that
    /// count only failures (then [`Limiter::take`] after each).
    pub fn full(&self, key: &str, now: DateTime<Utc>) -> Result<(), Duration> {
        let Ok(windows) = self.windows.lock() else {
            return Ok(());
        };
        match windows.by_key.get(key) {
            Some((start, count)) if *start + self.limit.per > now && *count >= self.limit.max => {
                Err(*start + self.limit.per - now)
            }
            _ => Ok(()),
        }
    }

    /// Counts one request for `key`; `Err(wait)` when the window is full, with how long
    /// until it ends.
    pub fn take(&self, key: &str, now: DateTime<Utc>) -> Result<(), Duration> {
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(()); // A panic elsewhere must not lock everyone out.
        };
        let per = self.limit.per;
        if windows.by_key.len() >= windows.prune_at {
            windows.by_key.retain(|_, (start, _)| *start + per > now);
            windows.prune_at = (windows.by_key.len() * 2).clamp(KEYS_BEFORE_PRUNING, MAX_KEYS);
        }
        if windows.by_key.len() >= MAX_KEYS && !windows.by_key.contains_key(key) {
            let first_end = windows.by_key.values().map(|(start, _)| *start + per).min();
            return Err(first_end.map_or(per, |end| end - now));
        }
        let window = windows.by_key.entry(key.to_owned()).or_insert((now, 0));
        if window.0 + per <= now {
            *window = (now, 0);
        }
        if window.1 >= self.limit.max {
            return Err(window.0 + per - now);
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
    fn full_looks_without_counting() {
        let limiter = Limiter::new(Limit::new(1, Duration::hours(1)));
        let t0 = at("2026-12-01T08:00:00Z");
        for _ in 0..3 {
            assert!(limiter.full("a", t0).is_ok());
        }
        assert!(limiter.take("a", t0).is_ok());
        assert_eq!(
            limiter.full("a", t0 + Duration::minutes(20)),
            Err(Duration::minutes(40))
        );
        assert!(limiter.full("a", t0 + Duration::hours(1)).is_ok());
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
        assert_eq!(limiter.windows.lock().unwrap().by_key.len(), 1);
    }

    #[test]
    fn past_the_cap_a_new_key_waits_for_the_first_window_to_end() {
        let limiter = Limiter::new(Limit::new(5, Duration::hours(1)));
        let t0 = at("2026-12-01T08:00:00Z");
        for n in 0..MAX_KEYS {
            limiter.take(&n.to_string(), t0).unwrap();
        }
        let later = t0 + Duration::minutes(20);
        assert_eq!(limiter.take("new", later), Err(Duration::minutes(40)));
        assert!(limiter.take("7", later).is_ok(), "a known key still counts");
        assert!(limiter.take("new", t0 + Duration::hours(1)).is_ok());
        assert_eq!(limiter.windows.lock().unwrap().by_key.len(), 1);
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(other));
        assert_eq!(address_key(a), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(address_key(mapped), "192.0.2.7");
        assert_eq!(address_key("192.0.2.7".parse().unwrap()), "192.0.2.7");
    }
}
