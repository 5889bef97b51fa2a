//! What the scheduled work shows people: the bell's notifications, and for admins the job log,
//! the outbox's pending messages and dead letters, and the retry of a dead letter.

use domain::api::{FieldError, Inbox, MarkRead, Page};
use worker::Response;

use crate::ctx::{json, no_content, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, first_changed, jobs, outbox};
use crate::error::ApiError;

/// Notifications the bell lists.
const INBOX_SIZE: u32 = 20;
/// Rows the admin lists show.
const ADMIN_LIST: u32 = 50;

pub async fn notifications(ctx: Ctx) -> Result<Response, ApiError> {
    let (unread, items) = outbox::inbox(&ctx.db, &ctx.user()?.id, INBOX_SIZE).await?;
    json(200, &Inbox { unread, items })
}

pub async fn mark_read(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: MarkRead = ctx.body().await?;
    outbox::mark_read(&ctx.db, &ctx.user()?.id, body.ids.as_deref(), ctx.now_ms()).await?;
    no_content()
}

pub async fn job_runs(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &Page { items: jobs::latest(&ctx.db, ADMIN_LIST).await?, next_cursor: None })
}

/// `?status=dead` (the default) or `pending`.
pub async fn outbox_list(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let status = query.iter().find(|(k, _)| k == "status").map_or("dead", |(_, v)| v.as_str());
    if !matches!(status, "dead" | "pending") {
        return Err(FieldError::invalid("status", "status must be dead or pending").into());
    }
    json(200, &Page { items: outbox::by_status(&ctx.db, status, ADMIN_LIST).await?, next_cursor: None })
}

/// Puts a dead letter back in the queue; the next */5 run tries it again from its first attempt.
pub async fn retry(ctx: Ctx) -> Result<Response, ApiError> {
    let id = ctx.param(0).to_string();
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![outbox::retry(&ctx.db, &id, now)?, audit::record(&ctx.db, now, Some(&user.id), "outbox_retried", "outbox", Some(&id), Guard::PreviousChanged)?])
        .await?;
    if !first_changed(&results) {
        // Unknown, or not a dead letter (already retried, or delivered).
        return Err(ApiError::NotFound);
    }
    no_content()
}
