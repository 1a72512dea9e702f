//! Randomness that needs to be unpredictable, not secret: the jitter of retry waits (so
//! that many clients do not retry in lockstep) and multipart boundaries (so that one does
//! not occur in a body by accident).
//!
//! Each value is std's SipHash, keyed at random from the operating system (what
//! `HashMap` uses against collision attacks), of a process-wide counter: a crate less for
//! every user than a random-number crate would be.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// A random `u64`.
pub(crate) fn u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

/// A random number in `0..=max` (the modulo bias, below 2^-32 for the waits this serves,
/// does not matter for jitter).
pub(crate) fn up_to(max: u64) -> u64 {
    match max.checked_add(1) {
        Some(bound) => u64() % bound,
        None => u64(),
    }
}

/// `len` random ASCII letters and digits.
pub(crate) fn alphanumeric(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| char::from(CHARS[(u64() % CHARS.len() as u64) as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_in_range_and_vary() {
        for max in [0, 1, 7, 1_000_000_000, u64::MAX] {
            for _ in 0..100 {
                assert!(up_to(max) <= max);
            }
        }
        assert_eq!(up_to(0), 0);
        let draws: std::collections::BTreeSet<u64> = (0..300).map(|_| up_to(9)).collect();
        // 300 draws of ten values miss one with probability 10 * 0.9^300, about 2e-13.
        assert_eq!(draws.len(), 10, "{draws:?}");
    }

    #[test]
    fn boundaries_are_alphanumeric_and_differ() {
        let a = alphanumeric(24);
        let b = alphanumeric(24);
        assert_eq!(a.len(), 24);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, b);
    }
}
