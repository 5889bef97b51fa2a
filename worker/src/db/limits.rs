//! Fixed-window rate limits for anonymous requests.

use serde::Deserialize;
use worker::D1Database;

use crate::db::query;
use crate::error::ApiError;

/// Counts one request against each key in the window containing `now`, and answers 429 with
/// the seconds until the window ends when any key is over its limit. Keys are hashes, never
/// addresses. Earlier windows of the same keys are deleted in the same batch.
pub async fn check(db: &D1Database, keys: &[(&str, u32)], window_ms: i64, now: i64) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Count {
        count: u32,
    }
    let start = now - now.rem_euclid(window_ms);
    let mut batch = Vec::new();
    for (key, _) in keys {
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
    let results = db.batch(batch).await?;
    for (i, (_, limit)) in keys.iter().enumerate() {
        let count = results.get(i * 2 + 1).map(|r| r.results::<Count>()).transpose()?.and_then(|c| c.first().map(|c| c.count)).unwrap_or(0);
        if count > *limit {
            let retry_after = ((start + window_ms - now) / 1000).max(1) as u32;
            return Err(ApiError::RateLimited(retry_after));
        }
    }
    Ok(())
}
