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

#[derive(Deserialize)]
struct SessionRow {
    id: String,
    name: String,
    email: String,
    role: String,
}

/// The active user of an unexpired session.
pub async fn user(db: &D1Database, token_hash: &str, now: i64) -> Result<Option<User>, ApiError> {
    // Primary-key lookup on sessions, then on users.
    let row: Option<SessionRow> = query!(
        db,
        "SELECT u.id, u.name, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = ?1 AND s.expires_at > ?2 AND u.active = 1",
        token_hash,
        now
    )?
    .first(None)
    .await?;
    row.map(|r| Ok(User { id: r.id, name: r.name, email: r.email, role: parse("users.role", &r.role)? }))
        .transpose()
}
