//! Fixed-window rate limits of anonymous requests (the web form, bookings, the FAQ). Sign-in
//! attempts have their own leaky buckets (`db::sign_in`).

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use crate::error::ApiError;

/// A key's count in one window, as the statements below return it.
#[derive(Deserialize)]
struct Count {
    count: u32,
}

/// The count one of the statements below returned (0 when the key has none in the window).
fn count_of(result: &worker::D1Result) -> Result<u32, ApiError> {
    Ok(result.results::<Count>()?.first().map_or(0, |c| c.count))
}

/// The start of the fixed window containing `now`.
fn window_start(window_ms: i64, now: i64) -> i64 {
    now - now.rem_euclid(window_ms)
}

/// Counts one request against each key in the window containing `now`, and answers 429 with
/// the seconds until the window ends when any key is over its limit. Keys are hashes, never
/// addresses. Earlier windows of the same keys are deleted in the same batch.
pub async fn check(db: &D1Database, keys: &[(&str, u32)], window_ms: i64, now: i64) -> Result<(), ApiError> {
    let names: Vec<&str> = keys.iter().map(|(key, _)| *key).collect();
    let results = db.batch(bump(db, &names, window_ms, now)?).await?;
    for (i, (_, limit)) in keys.iter().enumerate() {
        let count = results.get(i * 2 + 1).map(count_of).transpose()?.unwrap_or(0);
        if count > *limit {
            return Err(ApiError::RateLimited(retry_after(window_ms, now)));
        }
    }
    Ok(())
}

/// The statements that count one more for each key in the window containing `now` (two per
/// key: the earlier windows deleted, then the count, which the second returns).
fn bump(db: &D1Database, keys: &[&str], window_ms: i64, now: i64) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let start = window_start(window_ms, now);
    let mut batch = Vec::new();
    for key in keys {
        // Primary key (key, window_start).
        batch.push(query!(db, "DELETE FROM rate_limits WHERE key = ?1 AND window_start < ?2", *key, start)?);
        batch.push(query!(
            db,
            "INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
             ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count",
            *key,
            start
        )?);
    }
    Ok(batch)
}

/// The key counting one client's requests for `purpose` (a hash, never the address): the
/// IPv4 address, or the IPv6 /64 (`domain::limits::address_key`).
pub fn address_key(purpose: &str, address: &str) -> String {
    crate::ids::token_hash(&format!("{purpose}:address:{}", domain::limits::address_key(address)))
}

/// The key counting requests for `purpose` about one contact: the e-mail address (any case) if
/// given, else the phone number's digits.
pub fn contact_key(purpose: &str, phone: Option<&str>, email: Option<&str>) -> String {
    let contact = email.map(str::to_lowercase).or_else(|| phone.map(|p| p.chars().filter(char::is_ascii_digit).collect())).unwrap_or_default();
    crate::ids::token_hash(&format!("{purpose}:contact:{contact}"))
}

/// The seconds until the window containing `now` ends (at least one).
fn retry_after(window_ms: i64, now: i64) -> u32 {
    ((window_start(window_ms, now) + window_ms - now) / 1000).max(1) as u32
}
