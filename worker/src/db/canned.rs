//! Canned replies admins write for the composer.

use domain::api::{CannedReply, CannedReplyInput};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::time;
use crate::error::ApiError;

/// Most replies the table holds; the composer searches them in memory.
pub const MAX_REPLIES: u32 = 1000;

#[derive(Deserialize)]
struct Row {
    id: String,
    title: String,
    body: String,
    active: i64,
    version: i64,
    updated_at: i64,
}

impl From<Row> for CannedReply {
    fn from(r: Row) -> Self {
        CannedReply { id: r.id, title: r.title, body: r.body, active: r.active != 0, version: r.version, updated_at: time(r.updated_at) }
    }
}

/// Replies by title; only active ones unless `all` (canned_replies_by_title).
pub async fn list(db: &D1Database, all: bool) -> Result<Vec<CannedReply>, ApiError> {
    let rows: Vec<Row> = if all {
        query!(db, "SELECT id, title, body, active, version, updated_at FROM canned_replies ORDER BY title LIMIT ?1", MAX_REPLIES)?
    } else {
        query!(db, "SELECT id, title, body, active, version, updated_at FROM canned_replies WHERE active = 1 ORDER BY title LIMIT ?1", MAX_REPLIES)?
    }
    .all()
    .await?
    .results()?;
    Ok(rows.into_iter().map(CannedReply::from).collect())
}

pub async fn get(db: &D1Database, id: &str) -> Result<Option<CannedReply>, ApiError> {
    let row: Option<Row> = query!(db, "SELECT id, title, body, active, version, updated_at FROM canned_replies WHERE id = ?1", id)?.first(None).await?;
    Ok(row.map(CannedReply::from))
}

pub fn insert(db: &D1Database, id: &str, r: &CannedReplyInput, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO canned_replies (id, title, body, active, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
        id,
        r.title.trim(),
        r.body.trim(),
        i64::from(r.active),
        now
    )?)
}

/// The update of a reply, if it is still at `version`.
pub fn update(db: &D1Database, id: &str, version: i64, r: &CannedReplyInput, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE canned_replies SET title = ?1, body = ?2, active = ?3, updated_at = ?4, version = version + 1 WHERE id = ?5 AND version = ?6",
        r.title.trim(),
        r.body.trim(),
        i64::from(r.active),
        now,
        id,
        version
    )?)
}
