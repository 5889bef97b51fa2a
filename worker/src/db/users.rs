//! Staff accounts.

use domain::api::User;
use serde::Deserialize;
use worker::{query, D1Database};

use super::parse;
use crate::error::ApiError;

#[derive(Deserialize)]
struct UserRow {
    id: String,
    name: String,
    email: String,
    role: String,
    password_hash: String,
    active: i64,
}

/// A user found by e-mail for signing in, with their stored password hash.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub active: bool,
}

pub async fn by_email(db: &D1Database, email: &str) -> Result<Option<Credentials>, ApiError> {
    // users.email is UNIQUE COLLATE NOCASE, so this is an index lookup.
    let row: Option<UserRow> = query!(
        db,
        "SELECT id, name, email, role, password_hash, active FROM users WHERE email = ?1",
        email
    )?
    .first(None)
    .await?;
    row.map(|r| {
        Ok(Credentials {
            user: User { id: r.id, name: r.name, email: r.email, role: parse("users.role", &r.role)? },
            password_hash: r.password_hash,
            active: r.active != 0,
        })
    })
    .transpose()
}
