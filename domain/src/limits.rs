//! Who a rate limit counts: the client behind an address.
//!
//! An IPv4 address is one client. An IPv6 client is handed a whole /64 (RFC 6177, and every
//! residential and cloud provider does so), so one host can pick a new address for each request
//! from 2^64 of its own: a limit keyed on the full address would count each request alone.
//! Keying on the /64 counts that host once.

use std::net::{IpAddr, Ipv6Addr};

/// The part of a client's address that a rate limit counts: the IPv4 address itself (an
/// IPv4-mapped IPv6 address is read as the IPv4 one), or the /64 an IPv6 address lies in,
/// written as `2001:db8:1:2::/64`. Text that is no address (none is sent locally) is its own
/// key, trimmed, so a missing address still counts as one client.
pub fn address_key(address: &str) -> String {
    let text = address.trim();
    match text.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        Err(_) => text.to_string(),
    }
}

/// A leaky bucket of sign-in attempts: each attempt adds one, one leaks away every `leak_ms`,
/// and an attempt is let through only while the bucket has room for it. Unlike a fixed window
/// there is no boundary to straddle: after `capacity` attempts the next waits for one to leak,
/// however the attempts fall on the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub capacity: u32,
    pub leak_ms: i64,
}

impl Bucket {
    /// What is left of `level`, last set at `at`, by `now`.
    pub fn level(&self, level: f64, at: i64, now: i64) -> f64 {
        (level - (now - at).max(0) as f64 / self.leak_ms as f64).max(0.0)
    }

    /// Whether one more attempt fits in a bucket holding `level` (as of `now`).
    pub fn admits(&self, level: f64) -> bool {
        level + 1.0 <= f64::from(self.capacity)
    }

    /// Milliseconds until one more attempt fits (0 when it fits now).
    pub fn wait_ms(&self, level: f64) -> i64 {
        ((level + 1.0 - f64::from(self.capacity)) * self.leak_ms as f64).ceil().max(0.0) as i64
    }
}

/// Sign-in attempts one account may make from one client (its address, or IPv6 /64): 5, then
/// one more every 3 minutes. The lockout a guesser earns is theirs alone: the same account
/// signs in from any other address.
pub const SIGN_IN_PER_ACCOUNT_AND_ADDRESS: Bucket = Bucket { capacity: 5, leak_ms: 3 * 60_000 };
/// Attempts one client may make across all accounts: 20, then one more every 45 seconds (a
/// desk's shared address signs many people in; a script guessing across accounts makes more).
pub const SIGN_IN_PER_ADDRESS: Bucket = Bucket { capacity: 20, leak_ms: 45_000 };
/// Attempts one account may take from every address it has not recently signed in from: 30,
/// then one every 2 minutes (30 an hour). A guesser spread over many addresses gets no more
/// than that; the account's own person, from an address they signed in from in the last
/// [`KNOWN_ADDRESS_DAYS`] days, is not held back by it.
pub const SIGN_IN_PER_ACCOUNT: Bucket = Bucket { capacity: 30, leak_ms: 2 * 60_000 };
/// How long a successful sign-in makes its address a known one for the account.
pub const KNOWN_ADDRESS_DAYS: i64 = 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv4_client_is_its_address() {
        assert_eq!(address_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(address_key(" 203.0.113.7 "), "203.0.113.7");
        assert_ne!(address_key("203.0.113.7"), address_key("203.0.113.8"));
        // The same client written as IPv4-mapped IPv6.
        assert_eq!(address_key("::ffff:203.0.113.7"), "203.0.113.7");
    }

    #[test]
    fn every_address_of_an_ipv6_slash_64_is_one_client() {
        let key = address_key("2001:db8:1:2::1");
        assert_eq!(key, "2001:db8:1:2::/64");
        for other in ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0db8:0001:0002:1234:5678:9abc:def0", "2001:DB8:1:2::abcd"] {
            assert_eq!(address_key(other), key, "{other}");
        }
        // The next /64 is another client.
        assert_ne!(address_key("2001:db8:1:3::1"), key);
        assert_ne!(address_key("2001:db8:2:2::1"), key);
    }

    #[test]
    fn a_bucket_lets_its_capacity_through_then_one_per_leak() {
        let b = SIGN_IN_PER_ACCOUNT_AND_ADDRESS;
        let (mut level, mut at) = (0.0, 0);
        let mut admitted = 0;
        // Forty attempts in the same instant: five fit.
        for _ in 0..40 {
            let now_level = b.level(level, at, 0);
            if b.admits(now_level) {
                admitted += 1;
                level = now_level + 1.0;
                at = 0;
            }
        }
        assert_eq!(admitted, 5);
        assert_eq!(b.wait_ms(b.level(level, at, 0)), 3 * 60_000, "the next one waits for one to leak");
        // No window boundary to straddle: a second later there is still no room...
        assert!(!b.admits(b.level(level, at, 1_000)));
        // ...three minutes later there is room for exactly one.
        let later = b.level(level, at, 3 * 60_000);
        assert!(b.admits(later) && !b.admits(later + 1.0));
        // A quarter of an hour empties it.
        assert_eq!(b.level(level, at, 15 * 60_000), 0.0);
    }

    #[test]
    fn a_bucket_never_leaks_below_empty_nor_backwards() {
        let b = SIGN_IN_PER_ADDRESS;
        assert_eq!(b.level(3.0, 0, 10 * 3_600_000), 0.0);
        assert_eq!(b.level(3.0, 1_000, 0), 3.0, "a clock that went back leaks nothing");
        assert_eq!(b.wait_ms(0.0), 0);
    }

    #[test]
    fn no_address_is_one_client_too() {
        assert_eq!(address_key(""), "");
        assert_eq!(address_key("not an address"), "not an address");
    }
}
