//! Sign-in sessions, stored under the hash of their token.

use domain::api::User;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::parse;
use crate::error::ApiError;

pub fn insert(
    db: &D1Database,
    token_hash: &str,
    user_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at) VALUES (?1, ?2, ?3, ?4, ?3)",
        token_hash,
        user_id,
        now,
        expires_at
    )?)
}

pub fn delete(db: &D1Database, token_hash: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "DELETE FROM sessions WHERE id = ?1", token_hash)?)
}

/// Ends every session of a user (sessions_by_user): signing out everywhere.
pub fn delete_all(db: &D1Database, user_id: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "DELETE FROM sessions WHERE user_id = ?1", user_id)?)
}

/// Ends every session of a user but one (sessions_by_user): a changed password signs out
/// every other browser, and keeps the one that changed it.
pub fn delete_others(db: &D1Database, user_id: &str, keep: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "DELETE FROM sessions WHERE user_id = ?1 AND id <> ?2", user_id, keep)?)
}

/// A session unused this long has ended, whatever its expiry: a desk left signed in.
pub const IDLE_MS: i64 = 30 * 60_000;
/// How often a session in use records that it is: at most one write a minute per session,
/// so the idle clock is right to within a minute.
const TOUCH_MS: i64 = 60_000;

#[derive(Deserialize)]
struct SessionRow {
    id: String,
    name: String,
    email: String,
    role: String,
    last_seen_at: i64,
}

/// The active user of a session that has neither expired nor been idle for [`IDLE_MS`]; a
/// session in use is marked seen (at most once a [`TOUCH_MS`]).
pub async fn user(db: &D1Database, token_hash: &str, now: i64) -> Result<Option<User>, ApiError> {
    // Primary-key lookup on sessions, then on users.
    let row: Option<SessionRow> = query!(
        db,
        "SELECT u.id, u.name, u.email, u.role, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?2 - ?3 AND u.active = 1",
        token_hash,
        now,
        IDLE_MS
    )?
    .first(None)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if now - row.last_seen_at >= TOUCH_MS {
        query!(db, "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1 AND last_seen_at < ?2", token_hash, now)?.run().await?;
    }
    Ok(Some(User { id: row.id, name: row.name, email: row.email, role: parse("users.role", &row.role)? }))
}
