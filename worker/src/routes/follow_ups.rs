//! Follow-ups (回访): recording a purchase (which plans its post-sale follow-up), the call
//! list, and recording an attempt. A follow-up stays a case of kind follow_up, so its timeline,
//! audit, export and erasure are the case's.

use chrono::NaiveTime;
use domain::api::{AttemptRequest, FieldError, FollowUp, FollowUpFilter, NewCase, Page, ProductUpdate, PurchaseRequest};
use domain::follow_up::call::{after_attempt, Ending, Next};
use domain::follow_up::Reason;
use domain::sale::{self, Tolerance};
use domain::{CaseKind, Complexity, EventType, Status};
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::cases::CaseUpdate;
use crate::db::events::{Guard, NewEventRecord};
use crate::db::follow_ups::{self, Attempted, NewPurchase, Planned, Sold};
use crate::db::{audit, cases, events, first_changed, query};
use crate::error::ApiError;
use crate::ids::new_id;
use crate::routes::cases::{registration_statements, Registration};
use crate::rules;

/// The most follow-ups one list answers with (an agent's day is a few dozen calls).
const LIST_MAX: u32 = 200;

/// `POST /api/customers/{id}/products`: the purchase, its suitability, and (with the customer's
/// consent) its post-sale follow-up, due inside the cooling-off period when the product has
/// one: one batch with its audit event.
pub async fn purchase(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: PurchaseRequest = ctx.body().await?;
    let customer_id = ctx.param(0).to_string();
    let now = ctx.now;
    let purchased_at = body.purchased_at.unwrap_or(now);
    if purchased_at > now {
        return Err(FieldError::invalid("purchased_at", "purchased_at is in the future").into());
    }
    let buyer = follow_ups::buyer(&ctx.db, &customer_id).await?.ok_or(ApiError::NotFound)?;
    if buyer.erased_at.is_some() {
        return Err(ApiError::Conflict("the customer's personal data has been erased"));
    }
    let product = follow_ups::sale_product(&ctx.db, &body.product).await?.ok_or_else(|| FieldError::invalid("product", "product names no product"))?;
    let tolerance = buyer.risk_tolerance.as_deref().and_then(Tolerance::parse);
    let mismatch = sale::mismatch(product.risk_level, tolerance);
    let cooling_off_ends = sale::cooling_off_ends(purchased_at, product.cooling_off_hours);
    let rules = rules::load(&ctx.db).await?;
    let user = ctx.user()?;
    let id = new_id()?;
    let mut batch = Vec::new();
    let mut follow_up_id = None;
    if buyer.consent_contact != 0 {
        let (subject, description) = purchase_texts(&product.name_zh, cooling_off_ends.is_some(), mismatch);
        let case = NewCase {
            kind: CaseKind::FollowUp,
            channel: domain::Channel::Phone,
            customer_id: customer_id.clone(),
            subject,
            description,
            category: Some(if product.risk_level.is_some() { "wealth" } else { "account" }.to_string()),
            complexity: Some(Complexity::Ordinary),
            assignee: None,
            follow_up_id: None,
        };
        let key = format!("{customer_id}:purchase:{id}");
        let segment = crate::db::parse("customers.segment", &buyer.segment)?;
        let how = Registration { segment, by: Some(&user.id), keep: None, follow_up_key: Some(&key) };
        let (case_id, statements) = registration_statements(&ctx.db, now, &case, how, &rules).await?;
        batch.extend(statements);
        follow_up_id = Some(case_id);
    }
    let record = NewPurchase {
        id: &id,
        customer_id: &customer_id,
        product: &body.product,
        purchased_at: purchased_at.timestamp_millis(),
        channel: body.channel.as_str(),
        amount: body.amount,
        risk_level: product.risk_level,
        risk_tolerance: tolerance,
        mismatch,
        cooling_off_ends_at: cooling_off_ends.map(|t| t.timestamp_millis()),
        follow_up_id: follow_up_id.as_deref(),
        created_by: &user.id,
        now: ctx.now_ms(),
    };
    // The case, then the purchase naming it, then the follow-up naming both (foreign keys).
    batch.extend(follow_ups::insert_purchase(&ctx.db, &record)?);
    if let Some(case_id) = record.follow_up_id {
        let due = sale::follow_up_due(purchased_at, cooling_off_ends, rules.follow_up.first_after_days);
        let sold = Sold { id: &id, product: &body.product, mismatch, cooling_off_ends_at: record.cooling_off_ends_at, due_at: due.timestamp_millis() };
        batch.push(follow_ups::insert(&ctx.db, &Planned { case_id, reason: Reason::Purchase, purchase: Some(sold) })?);
    }
    batch.push(audit::record(&ctx.db, ctx.now_ms(), Some(&user.id), "purchase_recorded", "customer", Some(&customer_id), Guard::None)?);
    ctx.db.batch(batch).await?;
    let name = domain::questionnaire::Text { zh: product.name_zh.clone(), en: product.name_en.clone() };
    json(201, &follow_ups::purchase(&record, name, body.channel))
}

/// The post-sale follow-up's subject and what the call must ask.
fn purchase_texts(product: &str, cooling_off: bool, mismatch: bool) -> (String, String) {
    let mut text = format!("客户购买了「{product}」。请回访了解购买体验，确认客户已了解产品风险，且销售过程符合要求（双录、风险揭示、适当性评估）。");
    if cooling_off {
        text.push_str("本产品有犹豫期：须在犹豫期内完成回访，并告知客户犹豫期内可申请撤销。");
    }
    if mismatch {
        text.push_str("注意：产品风险等级高于客户风险承受能力（适当性不匹配），请重点核实客户是否知悉并确认。");
    }
    (format!("售后回访：{product}"), text)
}

/// `GET /api/follow-ups`: open follow-ups, by when they may be called; `due=today` is the call
/// list, in the order it is worked (`domain::follow_up::call::call_order`).
pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let filter = FollowUpFilter::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let limit = domain::api::page_limit(query.iter().find(|(k, _)| k == "limit").map(|(_, v)| v.as_str()))?.min(LIST_MAX);
    let calendar = rules::load(&ctx.db).await?.calendar;
    let today = calendar.local_date(ctx.now);
    let today_ends = calendar.at(today.succ_opt().unwrap_or(today), NaiveTime::MIN);
    let user = ctx.user()?;
    let mut items = follow_ups::open(&ctx.db, &filter, &user.id, ctx.now, today_ends, limit).await?;
    if filter.due == Some(domain::api::FollowUpDue::Today) {
        domain::follow_up::call::call_order(&mut items, ctx.now);
    }
    items.iter_mut().for_each(|f| f.customer_name = domain::export::mask_name(&f.customer_name));
    json(200, &Page { items, next_cursor: None })
}

/// `GET /api/follow-ups/{id}`.
pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let follow_up = follow_ups::get(&ctx.db, ctx.param(0)).await?.ok_or(ApiError::NotFound)?;
    json(200, &with_script(follow_up, &rules::load(&ctx.db).await?))
}

/// One follow-up as its call screen shows it: with the script for its reason and product kind.
fn with_script(mut follow_up: FollowUp, rules: &rules::Rules) -> FollowUp {
    follow_up.script = Some(rules.scripts.for_call(follow_up.reason, follow_up.product_kind.as_deref()));
    follow_up
}

/// `POST /api/follow-ups/{id}/attempts`: one call and what came of it, on the timeline, in the
/// follow-up and on the case (a reached call is the first response; an ending closes it), in
/// one batch guarded by the case's version.
pub async fn attempt(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: AttemptRequest = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let follow_up = follow_ups::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    let loaded = cases::get(&ctx.db, &id, ctx.now).await?.ok_or(ApiError::NotFound)?;
    let current = loaded.case;
    if current.version != body.version {
        return Err(ApiError::VersionConflict);
    }
    if follow_up.ending.is_some() || !current.status.is_open() {
        return Err(domain::lifecycle::TransitionError::NotAllowed { from: current.status.as_str(), action: "attempt" }.into());
    }
    let rules = rules::load(&ctx.db).await?;
    let next = after_attempt(&rules.follow_up, &rules.calendar, body.outcome, follow_up.attempts, body.callback_at, body.satisfaction, ctx.now)
        .map_err(|e| FieldError::invalid(e.field(), e.to_string()))?;
    let user = ctx.user()?;
    let now_ms = ctx.now_ms();
    let mut deadlines = current.deadlines();
    let mut status = current.status;
    if body.outcome == domain::case::CallOutcome::Reached && current.first_responded_at.is_none() {
        let policy = rules.policies.for_case(current.kind, current.complexity, loaded.segment, current.channel);
        deadlines.responded(&policy, &rules.calendar, current.created_at, ctx.now);
        status = Status::Responded;
    }
    let ending = match next {
        Next::Ended(ending) => {
            status = Status::Closed;
            deadlines.resolved_at = Some(ctx.now);
            Some(ending)
        }
        Next::CallAt(_) => None,
    };
    let update = CaseUpdate { id: &id, version: body.version, status, assignee_id: current.assignee_id.as_deref(), deadlines, now: ctx.now };
    let event_id = new_id()?;
    let notes = body.notes.as_deref().unwrap_or("").trim().to_string();
    let text = match (body.satisfaction, body.callback_at) {
        (Some(score), _) => format!("满意度 {score}/5 · {notes}"),
        (_, Some(at)) => format!("约定回拨 {} · {notes}", at.with_timezone(&rules.calendar.zone()).format("%Y-%m-%d %H:%M")),
        _ => notes,
    };
    let record = NewEventRecord {
        id: &event_id,
        case_id: &id,
        kind: EventType::Call,
        body: text.trim_end_matches(" · ").trim(),
        author_id: Some(&user.id),
        at: now_ms,
        status: (status != current.status).then_some(status),
        step: None,
        assignee_id: None,
        outcome: Some(body.outcome),
    };
    let unanswered = follow_up.attempts + u32::from(body.outcome.unanswered());
    let attempted = Attempted {
        id: &id,
        outcome: body.outcome.as_str(),
        attempts: unanswered,
        ready_at: match next {
            Next::CallAt(at) => Some(at.timestamp_millis()),
            Next::Ended(_) => None,
        },
        callback_at: body.callback_at.map(|t| t.timestamp_millis()),
        satisfaction: body.satisfaction,
        ending,
        at: now_ms,
    };
    // Each statement after the case's version-guarded update writes only if the one before it did.
    let mut batch = vec![cases::update(&ctx.db, &update)?, follow_ups::attempted(&ctx.db, &attempted)?, events::insert(&ctx.db, &record, Guard::PreviousChanged)?];
    if matches!(ending, Some(Ending::Unreachable | Ending::NoConsent)) {
        // As the composer's call log marks it: the follow-up rate does not count it as made.
        batch.push(cases::mark_unreachable(&ctx.db, &id)?);
    }
    let results = ctx.db.batch(batch).await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(201, &with_script(follow_ups::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?, &rules))
}

/// `POST /api/customers/{id}/consent`: the customer agrees to be contacted, or withdraws it.
/// Withdrawn, every open follow-up of theirs ends as `no_consent` (closed, on its timeline, not
/// counted as made), in the batch with the change and its audit event; each follow-up's
/// closing is guarded by its case's version, and all of it by the consent having changed.
pub async fn consent(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: domain::api::ConsentRequest = ctx.body().await?;
    let customer_id = ctx.param(0).to_string();
    let buyer = follow_ups::buyer(&ctx.db, &customer_id).await?.ok_or(ApiError::NotFound)?;
    if buyer.erased_at.is_some() {
        return Err(ApiError::Conflict("the customer's personal data has been erased"));
    }
    if (buyer.consent_contact != 0) == body.consent_contact {
        return Err(ApiError::Conflict(if body.consent_contact { "the customer has already consented" } else { "the customer has not consented" }));
    }
    let user = ctx.user()?;
    let now_ms = ctx.now_ms();
    let action = if body.consent_contact { "consent_given" } else { "consent_withdrawn" };
    let mut batch = vec![
        crate::db::customers::set_consent(&ctx.db, &customer_id, body.consent_contact, now_ms)?,
        audit::record(&ctx.db, now_ms, Some(&user.id), action, "customer", Some(&customer_id), Guard::PreviousChanged)?,
    ];
    if !body.consent_contact {
        let notes = body.notes.as_deref().unwrap_or("").trim();
        let text = format!("客户撤回联系同意，回访结束 · {notes}");
        for id in follow_ups::open_of_customer(&ctx.db, &customer_id).await? {
            let Some(loaded) = cases::get(&ctx.db, &id, ctx.now).await? else { continue };
            let current = loaded.case;
            let mut deadlines = current.deadlines();
            deadlines.resolved_at = Some(ctx.now);
            let update = CaseUpdate { id: &id, version: current.version, status: Status::Closed, assignee_id: current.assignee_id.as_deref(), deadlines, now: ctx.now };
            let event_id = new_id()?;
            let record = NewEventRecord {
                id: &event_id,
                case_id: &id,
                kind: EventType::StatusChanged,
                body: text.trim_end_matches(" · "),
                author_id: Some(&user.id),
                at: now_ms,
                status: Some(Status::Closed),
                step: None,
                assignee_id: None,
                outcome: None,
            };
            // Only once consent is withdrawn; each statement after the one before it.
            batch.extend([
                cases::update_without_consent(&ctx.db, &update, &customer_id)?,
                follow_ups::ended(&ctx.db, &id, Ending::NoConsent)?,
                events::insert(&ctx.db, &record, Guard::PreviousChanged)?,
                cases::mark_unreachable(&ctx.db, &id)?,
            ]);
        }
    }
    let results = ctx.db.batch(batch).await?;
    if !first_changed(&results) {
        return Err(ApiError::Conflict("the customer's consent changed meanwhile; try again"));
    }
    json(200, &crate::db::customers::get(&ctx.db, &customer_id).await?.ok_or(ApiError::NotFound)?)
}

/// `PUT /api/products/{code}` (admins): a product's risk level and cooling-off period, guarded
/// by its version, with the audit event in the same batch. Purchases recorded before keep what
/// their product was then.
pub async fn update_product(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: ProductUpdate = ctx.body().await?;
    let code = ctx.param(0).to_string();
    let user = ctx.user()?;
    // Primary key of products.
    let results = ctx
        .db
        .batch(vec![
            query!(
                &ctx.db,
                "UPDATE products SET risk_level = ?2, cooling_off_hours = ?3, version = version + 1 WHERE code = ?1 AND version = ?4",
                &code,
                body.risk_level,
                body.cooling_off_hours,
                body.version
            )?,
            audit::record(&ctx.db, ctx.now_ms(), Some(&user.id), "product_updated", "product", Some(&code), Guard::PreviousChanged)?,
        ])
        .await?;
    let products = crate::db::customers::products(&ctx.db).await?;
    let product = products.into_iter().find(|p| p.code == code).ok_or(ApiError::NotFound)?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &product)
}
