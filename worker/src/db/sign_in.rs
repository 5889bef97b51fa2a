//! The sign-in throttle: leaky buckets of attempts per account and client, per client, and
//! per account (`domain::limits`), taken before the password is checked.
//!
//! [`admit`] is one statement: it reads the buckets, decides, and counts the attempt in all of
//! them only when every one has room. D1 runs one statement at a time, so forty parallel guesses
//! cannot all read "room for one more": exactly as many get through as there is room for.

use domain::limits::{Bucket, KNOWN_ADDRESS_DAYS, SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_ACCOUNT_AND_ADDRESS, SIGN_IN_PER_ADDRESS};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use crate::error::ApiError;
use crate::ids::token_hash;

/// The keys one attempt is counted under: the account from this client, this client, the
/// account; and the key that says this client is one the account signed in from lately.
pub struct Keys {
    pair: String,
    address: String,
    account: String,
    known: String,
}

impl Keys {
    /// The keys of an attempt on the account with `email` (known or not, alike) from the client
    /// at `address`. Hashes: neither is stored.
    pub fn new(email: &str, address: &str) -> Keys {
        let email = email.trim().to_lowercase();
        let client = domain::limits::address_key(address);
        Keys {
            pair: token_hash(&format!("sign_in:pair:{email}\n{client}")),
            address: token_hash(&format!("sign_in:address:{client}")),
            account: token_hash(&format!("sign_in:account:{email}")),
            known: token_hash(&format!("sign_in:known:{email}\n{client}")),
        }
    }
}

const DAY_MS: i64 = 86_400_000;

/// Counts one attempt in every bucket, if every bucket has room (the account's own bucket is
/// left out for a client the account signed in from lately); otherwise counts nothing and
/// answers 429 with the seconds until there is room.
pub async fn admit(db: &D1Database, keys: &Keys, now: i64) -> Result<(), ApiError> {
    let [pair, address, account] = [SIGN_IN_PER_ACCOUNT_AND_ADDRESS, SIGN_IN_PER_ADDRESS, SIGN_IN_PER_ACCOUNT];
    let known_since = now - KNOWN_ADDRESS_DAYS * DAY_MS;
    // Primary keys of sign_in_buckets and sign_in_known.
    let counted = query!(
        db,
        "WITH asked (key, capacity, leak_ms) AS (VALUES (?1, ?6, ?7), (?2, ?8, ?9), (?3, ?10, ?11)),
         counted AS (
           SELECT a.key, a.capacity, max(0.0, COALESCE(b.level, 0.0) - max(?5 - COALESCE(b.at, ?5), 0) * 1.0 / a.leak_ms) AS level
             FROM asked a LEFT JOIN sign_in_buckets b ON b.key = a.key
            WHERE a.key <> ?3 OR NOT EXISTS (SELECT 1 FROM sign_in_known WHERE key = ?4 AND last_at > ?12)
         )
         INSERT INTO sign_in_buckets (key, level, at)
         SELECT key, level + 1, ?5 FROM counted WHERE NOT EXISTS (SELECT 1 FROM counted WHERE level + 1 > capacity)
         ON CONFLICT (key) DO UPDATE SET level = excluded.level, at = excluded.at
         RETURNING key",
        &keys.pair,
        &keys.address,
        &keys.account,
        &keys.known,
        now,
        pair.capacity,
        pair.leak_ms,
        address.capacity,
        address.leak_ms,
        account.capacity,
        account.leak_ms,
        known_since
    )?
    .all()
    .await?;
    if !counted.results::<serde_json::Value>()?.is_empty() {
        return Ok(());
    }
    Err(ApiError::RateLimited(wait_seconds(db, keys, now).await?))
}

/// A bucket as stored.
#[derive(Deserialize)]
struct Row {
    key: String,
    level: f64,
    at: i64,
}

/// The seconds until every bucket that refused has room again (at least one).
async fn wait_seconds(db: &D1Database, keys: &Keys, now: i64) -> Result<u32, ApiError> {
    // Primary keys.
    let read = db
        .batch(vec![
            query!(db, "SELECT key, level, at FROM sign_in_buckets WHERE key IN (?1, ?2, ?3)", &keys.pair, &keys.address, &keys.account)?,
            query!(db, "SELECT 1 AS known FROM sign_in_known WHERE key = ?1 AND last_at > ?2", &keys.known, now - KNOWN_ADDRESS_DAYS * DAY_MS)?,
        ])
        .await?;
    let rows: Vec<Row> = read.first().map(|r| r.results()).transpose()?.unwrap_or_default();
    let known = read.get(1).map(|r| r.results::<serde_json::Value>()).transpose()?.is_some_and(|k| !k.is_empty());
    let mut buckets: Vec<(&String, Bucket)> = vec![(&keys.pair, SIGN_IN_PER_ACCOUNT_AND_ADDRESS), (&keys.address, SIGN_IN_PER_ADDRESS)];
    if !known {
        buckets.push((&keys.account, SIGN_IN_PER_ACCOUNT));
    }
    let wait = buckets
        .iter()
        .filter_map(|(key, bucket)| rows.iter().find(|r| &r.key == *key).map(|r| bucket.wait_ms(bucket.level(r.level, r.at, now))))
        .max()
        .unwrap_or(0);
    Ok(((wait + 999) / 1000).max(1) as u32)
}

/// After a right password: the account and client start afresh, the attempt is given back to
/// the client's and the account's buckets, and the client is one the account signed in from.
pub fn succeeded(db: &D1Database, keys: &Keys, now: i64) -> Result<Vec<D1PreparedStatement>, ApiError> {
    Ok(vec![
        query!(db, "DELETE FROM sign_in_buckets WHERE key = ?1", &keys.pair)?,
        query!(db, "UPDATE sign_in_buckets SET level = max(level - 1, 0) WHERE key IN (?1, ?2)", &keys.address, &keys.account)?,
        query!(
            db,
            "INSERT INTO sign_in_known (key, last_at) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET last_at = excluded.last_at",
            &keys.known,
            now
        )?,
        // sign_in_known_by_last: the clients not signed in from for the period.
        query!(db, "DELETE FROM sign_in_known WHERE last_at <= ?1", now - KNOWN_ADDRESS_DAYS * DAY_MS)?,
    ])
}

/// After a wrong password: buckets that have leaked empty since are deleted (the fullest
/// empties within an hour), so guesses at made-up e-mails leave nothing behind for long.
pub fn aged(db: &D1Database, now: i64) -> Result<D1PreparedStatement, ApiError> {
    let emptied_after = [SIGN_IN_PER_ACCOUNT_AND_ADDRESS, SIGN_IN_PER_ADDRESS, SIGN_IN_PER_ACCOUNT].iter().map(|b| i64::from(b.capacity) * b.leak_ms).max().unwrap_or(0);
    // sign_in_buckets_by_at.
    Ok(query!(db, "DELETE FROM sign_in_buckets WHERE at < ?1", now - emptied_after)?)
}
