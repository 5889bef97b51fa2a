//! Cases: register, list, open, and add to the timeline.

use domain::api::{page_limit, CaseDetail, CaseFilter, FieldError, NewCase, NewEvent, TransitionRequest};
use domain::lifecycle::TransitionError;
use domain::regulatory::ComplaintFacts;
use domain::sla::CaseDeadlines;
use domain::{CaseKind, EventType, Status, Step};
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::cases::{CaseUpdate, NewCaseRecord};
use crate::db::events::{Guard, NewEventRecord};
use crate::db::{cases, customers, events};
use crate::error::ApiError;
use crate::rules;
use crate::ids::new_id;

async fn detail(ctx: &Ctx, id: &str) -> Result<CaseDetail, ApiError> {
    let (case, _, description) = cases::get(&ctx.db, id, ctx.now).await?.ok_or(ApiError::NotFound)?;
    let events = events::for_case(&ctx.db, id).await?;
    let regulatory_next = if case.kind == CaseKind::Complaint && case.status.is_open() {
        let rules = rules::load(&ctx.db).await?;
        rules.regime.next(&rules.calendar, &complaint_facts(case.created_at, case.complexity))
    } else {
        None
    };
    Ok(CaseDetail { case, description, regulatory_next, events })
}

/// What the regulatory clock knows of a complaint. Extensions and appraisal pauses are
/// recorded with the complaint workflow; until then a complaint has neither.
fn complaint_facts(received_at: chrono::DateTime<chrono::Utc>, complexity: domain::Complexity) -> ComplaintFacts {
    ComplaintFacts {
        received_at,
        complex: complexity == domain::Complexity::Complex,
        extension_approved: false,
        excluded: chrono::Duration::zero(),
        done: Vec::new(),
    }
}

pub async fn create(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: NewCase = ctx.body().await?;
    let user = ctx.user()?;
    let Some(customer) = customers::get(&ctx.db, &body.customer_id).await? else {
        return Err(FieldError::invalid("customer_id", "customer_id names no customer").into());
    };
    let rules = rules::load(&ctx.db).await?;
    let suggestion = rules.classifier.classify(&body.subject, &body.description);
    let complexity = body.complexity.unwrap_or(suggestion.complexity);
    let category = body.category.as_deref().unwrap_or(&suggestion.category);
    let cal = &rules.calendar;
    let policy = rules.policies.for_case(body.kind, complexity, customer.segment, body.channel);
    let deadlines = CaseDeadlines::start(&policy, cal, ctx.now);
    let complaint = body.kind == CaseKind::Complaint;
    let step_due = policy.step_clock(Step::Review, ctx.now).and_then(|c| c.deadline(cal));
    let facts = complaint_facts(ctx.now, complexity);
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
        deadlines,
        step: complaint.then_some(step_due.map(|due| (Step::Review, due))).flatten(),
        regulatory_due_at: complaint.then(|| rules.regime.final_due(cal, &facts)),
    };
    let event_id = new_id()?;
    let created = NewEventRecord {
        id: &event_id,
        case_id: &id,
        kind: EventType::Created,
        body: "",
        author_id: &user.id,
        at: ctx.now_ms(),
        status: None,
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
    let (current, segment, _) = cases::get(&ctx.db, &id, ctx.now).await?.ok_or(ApiError::NotFound)?;
    if current.version != body.version {
        return Err(ApiError::VersionConflict);
    }
    let user = ctx.user()?;
    let first_reply = body.kind == EventType::Reply && current.first_responded_at.is_none();
    let status = match current.status {
        Status::New | Status::Assigned if first_reply => Status::Responded,
        other => other,
    };
    let mut deadlines = current.deadlines();
    if first_reply {
        let rules = rules::load(&ctx.db).await?;
        let policy = rules.policies.for_case(current.kind, current.complexity, segment, current.channel);
        deadlines.responded(&policy, &rules.calendar, current.created_at, ctx.now);
    }
    let update = CaseUpdate { id: &id, version: body.version, status, assignee_id: current.assignee_id.as_deref(), deadlines, now: ctx.now };
    let event_id = new_id()?;
    let event = NewEventRecord {
        id: &event_id,
        case_id: &id,
        kind: body.kind,
        body: body.body.trim(),
        author_id: &user.id,
        at: ctx.now_ms(),
        status: (status != current.status).then_some(status),
    };
    let results = ctx.db.batch(vec![cases::update(&ctx.db, &update)?, events::insert(&ctx.db, &event, Guard::PreviousChanged)?]).await?;
    let changed = results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    if changed != 1 {
        // Someone saved between our read and our write: nothing of ours was stored.
        return Err(ApiError::VersionConflict);
    }
    json(201, &detail(&ctx, &id).await?)
}

/// Moves an inquiry or follow-up along its lifecycle: take, resolve, close, reopen. Complaint
/// steps have their own workflow, with the records each step needs.
pub async fn transition(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: TransitionRequest = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let (current, _, _) = cases::get(&ctx.db, &id, ctx.now).await?.ok_or(ApiError::NotFound)?;
    if current.version != body.version {
        return Err(ApiError::VersionConflict);
    }
    let user = ctx.user()?;
    let not_allowed = TransitionError::NotAllowed { from: current.status.as_str(), action: body.to.as_str() };
    if current.kind == CaseKind::Complaint {
        return Err(not_allowed.into());
    }
    let step = body.inquiry_move(current.status).ok_or(not_allowed)?;
    let status = current.status.apply(&step, user.role)?;

    let mut deadlines = current.deadlines();
    let mut assignee = current.assignee_id.clone();
    let text = match &step {
        domain::lifecycle::InquiryMove::Assign { .. } => {
            assignee = Some(user.id.clone());
            String::new()
        }
        domain::lifecycle::InquiryMove::Resolve { resolution } => {
            deadlines.resolved_at = Some(ctx.now);
            resolution.clone().unwrap_or_default()
        }
        domain::lifecycle::InquiryMove::Reopen { reason } => {
            deadlines.resolved_at = None;
            reason.clone().unwrap_or_default()
        }
        _ => String::new(),
    };
    let update = CaseUpdate { id: &id, version: body.version, status, assignee_id: assignee.as_deref(), deadlines, now: ctx.now };
    let event_id = new_id()?;
    let event = NewEventRecord {
        id: &event_id,
        case_id: &id,
        kind: EventType::StatusChanged,
        body: text.trim(),
        author_id: &user.id,
        at: ctx.now_ms(),
        status: Some(status),
    };
    let results = ctx.db.batch(vec![cases::update(&ctx.db, &update)?, events::insert(&ctx.db, &event, Guard::PreviousChanged)?]).await?;
    let changed = results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0);
    if changed != 1 {
        return Err(ApiError::VersionConflict);
    }
    json(200, &detail(&ctx, &id).await?)
}
