//! Cases: register, list, open, and add to the timeline.

use domain::api::{page_limit, CaseDetail, CaseFilter, FieldError, NewCase, NewEvent};
use domain::classify::classify;
use domain::sla::{regulatory_due, step_due, CaseClocks};
use domain::{CaseKind, EventType, Status, Step};
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::cases::{CaseUpdate, NewCaseRecord};
use crate::db::events::{Guard, NewEventRecord};
use crate::db::{cases, customers, events};
use crate::error::ApiError;
use crate::ids::new_id;

async fn detail(ctx: &Ctx, id: &str) -> Result<CaseDetail, ApiError> {
    let (case, description) = cases::get(&ctx.db, id, ctx.now).await?.ok_or(ApiError::NotFound)?;
    let events = events::for_case(&ctx.db, id).await?;
    Ok(CaseDetail { case, description, events })
}

pub async fn create(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: NewCase = ctx.body().await?;
    let user = ctx.user()?;
    if customers::get(&ctx.db, &body.customer_id).await?.is_none() {
        return Err(FieldError::invalid("customer_id", "customer_id names no customer").into());
    }
    let suggestion = classify(&body.subject, &body.description);
    let complexity = body.complexity.unwrap_or(suggestion.complexity);
    let category = body.category.as_deref().unwrap_or(suggestion.category);
    let clocks = CaseClocks::start(body.kind, complexity, ctx.now);
    let complaint = body.kind == CaseKind::Complaint;
    let id = new_id()?;
    // The agent who takes the call owns the case; routing rules come with the workspace.
    let record = NewCaseRecord {
        id: &id,
        kind: body.kind,
        channel: body.channel,
        category,
        complexity,
        status: Status::Assigned,
        customer_id: &body.customer_id,
        assignee_id: Some(&user.id),
        subject: body.subject.trim(),
        description: body.description.trim(),
        created_by: &user.id,
        created_at: ctx.now,
        clocks,
        step: complaint.then(|| (Step::Review, step_due(ctx.now, Step::Review))),
        regulatory_due_at: complaint.then(|| regulatory_due(ctx.now, complexity)),
    };
    let event_id = new_id()?;
    let created = NewEventRecord {
        id: &event_id,
        case_id: &id,
        kind: EventType::Created,
        body: "",
        author_id: &user.id,
        at: ctx.now_ms(),
    };
    ctx.db.batch(vec![cases::insert(&ctx.db, &record)?, events::insert(&ctx.db, &created, Guard::None)?]).await?;
    json(201, &detail(&ctx, &id).await?)
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let filter = CaseFilter::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let limit = page_limit(get("limit"))?;
    let user = ctx.user()?;
    let page = cases::list(&ctx.db, &filter, &user.id, get("cursor"), limit, ctx.now).await?;
    json(200, &page)
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &detail(&ctx, ctx.param(0)).await?)
}

pub async fn add_event(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: NewEvent = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let (current, _) = cases::get(&ctx.db, &id, ctx.now).await?.ok_or(ApiError::NotFound)?;
    if current.version != body.version {
        return Err(ApiError::VersionConflict);
    }
    let user = ctx.user()?;
    let first_reply = body.kind == EventType::Reply && current.first_responded_at.is_none();
    let first_responded_at = if first_reply { Some(ctx.now) } else { current.first_responded_at };
    let status = match current.status {
        Status::New | Status::Assigned if first_reply => Status::Responded,
        other => other,
    };
    let mut clocks = CaseClocks::start(current.kind, current.complexity, current.created_at);
    clocks.first_response.due = current.first_response_due_at;
    clocks.first_response.met_at = first_responded_at;
    clocks.resolution.due = current.resolution_due_at;
    clocks.resolution.met_at = current.resolved_at;
    let update = CaseUpdate { id: &id, version: body.version, status, first_responded_at, clocks, now: ctx.now };
    let event_id = new_id()?;
    let event = NewEventRecord {
        id: &event_id,
        case_id: &id,
        kind: body.kind,
        body: body.body.trim(),
        author_id: &user.id,
        at: ctx.now_ms(),
    };
    let results = ctx.db.batch(vec![cases::update(&ctx.db, &update)?, events::insert(&ctx.db, &event, Guard::PreviousChanged)?]).await?;
    let changed = results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    if changed != 1 {
        // Someone saved between our read and our write: nothing of ours was stored.
        return Err(ApiError::VersionConflict);
    }
    json(201, &detail(&ctx, &id).await?)
}
