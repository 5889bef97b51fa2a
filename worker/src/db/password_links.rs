//! The e-mailed links that set a password: an invitation's first one, or one after an admin's
//! reset. Stored under the hash of their token, used once.

use domain::api::LinkPurpose;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use crate::error::ApiError;

fn purpose_str(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::Invite => "invite",
        LinkPurpose::Reset => "reset",
    }
}

/// Ends a person's unused links (password_links_open): a new link, or a password set another
/// way, leaves no older link that still works.
pub fn expire_open(db: &D1Database, user_id: &str, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE password_links SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL", user_id, now)?)
}

pub fn insert(
    db: &D1Database,
    token_hash: &str,
    user_id: &str,
    purpose: LinkPurpose,
    now: i64,
    expires_at: i64,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO password_links (id, user_id, purpose, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        token_hash,
        user_id,
        purpose_str(purpose),
        now,
        expires_at
    )?)
}

/// A link as found by its token, with whom it is for.
#[derive(Deserialize)]
pub struct Found {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub purpose: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub active: i64,
}

impl Found {
    /// Whether the link can still set a password at `now`.
    pub fn usable(&self, now: i64) -> bool {
        self.used_at.is_none() && self.expires_at > now && self.active != 0
    }

    pub fn purpose(&self) -> LinkPurpose {
        if self.purpose == "invite" { LinkPurpose::Invite } else { LinkPurpose::Reset }
    }
}

/// The link with this token hash (primary key), used or not.
pub async fn find(db: &D1Database, token_hash: &str) -> Result<Option<Found>, ApiError> {
    Ok(query!(
        db,
        "SELECT l.user_id, u.name, u.email, l.purpose, l.expires_at, l.used_at, u.active
         FROM password_links l JOIN users u ON u.id = l.user_id WHERE l.id = ?1",
        token_hash
    )?
    .first(None)
    .await?)
}

/// Takes the link for this request: marks it used if it still is usable. The statement changed
/// a row only for the one request that took it.
pub fn take(db: &D1Database, token_hash: &str, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE password_links SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL AND expires_at > ?2", token_hash, now)?)
}
