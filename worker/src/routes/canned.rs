//! Canned replies: agents search them from the composer; admins write, edit and retire them.

use domain::api::{CannedReplyInput, FieldError, Page};
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, canned, first_changed};
use crate::error::ApiError;
use crate::ids::new_id;

/// `?q=` narrows by words in the title or body; `?all=1` (admins) includes retired replies.
pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let q = get("q").unwrap_or("");
    if q.chars().count() > 100 {
        return Err(FieldError::invalid("q", "q is longer than 100 characters").into());
    }
    let all = get("all") == Some("1") && ctx.user()?.role.includes(domain::Role::Admin);
    let items = canned::list(&ctx.db, all).await?.into_iter().filter(|r| domain::canned::matches(q, &r.title, &r.body)).collect();
    json(200, &Page { items, next_cursor: None })
}

pub async fn create(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: CannedReplyInput = ctx.body().await?;
    if body.version.is_some() {
        return Err(FieldError::invalid("version", "a new reply has no version yet").into());
    }
    let user = ctx.user()?;
    let id = new_id()?;
    let now = ctx.now_ms();
    ctx.db
        .batch(vec![
            canned::insert(&ctx.db, &id, &body, now)?,
            audit::record(&ctx.db, now, Some(&user.id), "canned_reply_created", "canned_reply", Some(&id), Guard::None)?,
        ])
        .await?;
    json(201, &canned::get(&ctx.db, &id).await?.ok_or(ApiError::Internal("canned reply vanished after insert".into()))?)
}

pub async fn update(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: CannedReplyInput = ctx.body().await?;
    let version = body.version.ok_or_else(|| FieldError::missing("version"))?;
    let id = ctx.param(0).to_string();
    canned::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![
            canned::update(&ctx.db, &id, version, &body, now)?,
            audit::record(&ctx.db, now, Some(&user.id), "canned_reply_updated", "canned_reply", Some(&id), Guard::PreviousChanged)?,
        ])
        .await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &canned::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?)
}
