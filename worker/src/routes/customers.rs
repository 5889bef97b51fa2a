//! Customers: create, search, profile.

use domain::api::{CaseFilter, CustomerProfile, NewCustomer, Page, RelationshipRequest, RelationshipStatus, RevealRequest, Revealed};
use domain::customer::mask_id_number;
use domain::LeaveReason;
use serde::Deserialize;
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, cases, customers};
use crate::error::ApiError;
use crate::ids::new_id;

/// Cases shown on a profile.
const PROFILE_CASES: u32 = 50;
/// Survey answers shown on a profile.
const PROFILE_SURVEYS: u32 = 10;
/// Purchases the profile shows, newest first.
const PROFILE_PURCHASES: u32 = 20;

/// The product catalogue, for choosing a survey's audience and reading profiles.
pub async fn products(ctx: Ctx) -> Result<Response, ApiError> {
    let items = customers::products(&ctx.db).await?;
    json(200, &Page { items, next_cursor: None })
}

pub async fn create(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: NewCustomer = ctx.body().await?;
    let user = ctx.user()?;
    let id = new_id()?;
    let now = ctx.now_ms();
    ctx.db
        .batch(vec![
            customers::insert(&ctx.db, &id, &body, now)?,
            audit::record(&ctx.db, now, Some(&user.id), "customer_created", "customer", Some(&id), Guard::None)?,
        ])
        .await?;
    let customer = customers::get(&ctx.db, &id).await?.ok_or(ApiError::Internal("customer vanished after insert".into()))?;
    json(201, &customer)
}

/// Customers a page shows when it asks who left in a period.
const LEFT_PAGE: u32 = 50;

pub async fn search(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let param = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    // The dashboard's churn figure: the customers who left from one local date to another.
    if let (Some(from), Some(to)) = (param("left_from"), param("left_to")) {
        let (from, to) = (domain::api::params::date("left_from", from)?, domain::api::params::date("left_to", to)?);
        if to < from {
            return Err(domain::api::FieldError::invalid("left_to", "left_to is before left_from").into());
        }
        let zone = crate::rules::load(&ctx.db).await?.calendar.zone();
        let range = (domain::stats::day_span(from, zone).0.timestamp_millis(), domain::stats::day_span(to, zone).1.timestamp_millis());
        let reason = param("reason")
            .map(|r| r.parse::<LeaveReason>().map_err(|_| domain::api::FieldError::invalid("reason", "reason is not a reason for leaving")))
            .transpose()?;
        let after = param("cursor").map(cases::decode_cursor).transpose()?;
        return json(200, &customers::left_between(&ctx.db, range, reason, after, LEFT_PAGE).await?);
    }
    if param("reason").is_some() {
        return Err(domain::api::FieldError::invalid("reason", "reason needs left_from and left_to").into());
    }
    if param("left_from").is_some() != param("left_to").is_some() {
        let field = if param("left_from").is_some() { "left_to" } else { "left_from" };
        return Err(domain::api::FieldError::invalid(field, "left_from and left_to come together").into());
    }
    let q = param("q").unwrap_or("");
    if q.chars().count() > 100 {
        return Err(domain::api::FieldError::invalid("q", "q is longer than 100 characters").into());
    }
    let items = customers::search(&ctx.db, q).await?;
    json(200, &Page { items, next_cursor: None })
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let id = ctx.param(0);
    let customer = customers::get(&ctx.db, id).await?.ok_or(ApiError::NotFound)?;
    let details = customers::details(&ctx.db, id).await?.ok_or(ApiError::NotFound)?;
    let products = customers::holdings(&ctx.db, id).await?;
    let filter = CaseFilter { customer_id: Some(id.to_string()), ..CaseFilter::default() };
    let user = ctx.user()?;
    let cases = cases::list(&ctx.db, &filter, &cases::Viewer { user_id: &user.id, now: ctx.now, zone: None }, None, PROFILE_CASES).await?.items;
    let surveys = crate::db::surveys::for_customer(&ctx.db, id, PROFILE_SURVEYS).await?;
    let purchases = crate::db::follow_ups::of_customer(&ctx.db, id, PROFILE_PURCHASES).await?;
    json(
        200,
        &CustomerProfile {
            customer,
            id_number_masked: details.id_number.as_deref().map(mask_id_number),
            risk_tolerance: details.risk_tolerance,
            consent_contact: details.consent_contact != 0,
            products,
            cases,
            surveys,
            purchases,
        },
    )
}

/// Shows one masked detail in full. The audit event (who, which customer, which detail) is
/// written in the same batch as the read, so no reveal goes unrecorded.
pub async fn reveal(mut ctx: Ctx) -> Result<Response, ApiError> {
    #[derive(Deserialize)]
    struct Value {
        value: Option<String>,
    }
    let body: RevealRequest = ctx.body().await?;
    let id = ctx.param(0).to_string();
    customers::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    let user = ctx.user()?;
    let action = format!("customer_revealed_{}", body.field.as_str());
    let results = ctx
        .db
        .batch(vec![
            audit::record(&ctx.db, ctx.now_ms(), Some(&user.id), &action, "customer", Some(&id), Guard::None)?,
            customers::reveal(&ctx.db, &id, body.field)?,
        ])
        .await?;
    let value = results.get(1).map(|r| r.results::<Value>()).transpose()?.and_then(|rows| rows.into_iter().next()).and_then(|v| v.value);
    json(200, &Revealed { field: body.field, value })
}

/// Records that a customer has left the institution (churn, counted on the dashboard on its
/// day) or is a customer again. The change, its audit event and the customer as it now is are
/// one batch; an unknown customer answers 404 and one already so 409, and nothing is written.
pub async fn relationship(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: RelationshipRequest = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let (left, action) = match body.status {
        RelationshipStatus::Left => (body.reason, "customer_left"),
        RelationshipStatus::Active => (None, "customer_returned"),
    };
    let results = ctx
        .db
        .batch(vec![
            customers::set_relationship(&ctx.db, &id, left, now)?,
            audit::record(&ctx.db, now, Some(&user.id), action, "customer", Some(&id), Guard::PreviousChanged)?,
            customers::get_statement(&ctx.db, &id)?,
        ])
        .await?;
    let customer = results.get(2).map(customers::get_from).transpose()?.flatten().ok_or(ApiError::NotFound)?;
    if !crate::db::first_changed(&results) {
        let message = match body.status {
            RelationshipStatus::Left => "the customer is already recorded as left",
            RelationshipStatus::Active => "the customer is not recorded as left",
        };
        return Err(ApiError::Conflict(message));
    }
    json(200, &customer)
}

/// A customer's personal data, whole and unmasked, as a JSON file to hand them (a
/// subject-access request). The export is an audit event written in the same batch as the reads.
pub async fn export(ctx: Ctx) -> Result<Response, ApiError> {
    let id = ctx.param(0).to_string();
    customers::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let audit = audit::record(&ctx.db, now, Some(&user.id), "customer_data_exported", "customer", Some(&id), Guard::None)?;
    let export = customers::export(&ctx.db, &id, now, audit).await?.ok_or(ApiError::NotFound)?;
    let response = json(200, &export)?;
    let headers = response.headers().clone();
    headers.set("Content-Disposition", &format!("attachment; filename=\"kefu-customer-{id}.json\""))?;
    Ok(response.with_headers(headers))
}

/// Erases a customer's personal data where the law allows (domain::privacy): their record keeps
/// its id, segment and dates; their cases stay as anonymised shells, so reports count the same.
/// The erasure, its audit event and every blanking are one batch, and the holds are checked in
/// the batch's first statement, so a case opened meanwhile stops it. 409 names the hold.
pub async fn erase(ctx: Ctx) -> Result<Response, ApiError> {
    let id = ctx.param(0).to_string();
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let cutoff = domain::privacy::complaint_hold_cutoff(ctx.now).timestamp_millis();
    let audit = audit::record(&ctx.db, now, Some(&user.id), "customer_erased", "customer", Some(&id), Guard::PreviousChanged)?;
    let results = ctx.db.batch(customers::erase(&ctx.db, &id, now, cutoff, audit)?).await?;
    if !crate::db::first_changed(&results) {
        let facts = customers::erasure_facts(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
        let hold = domain::privacy::erasure_hold(&facts, ctx.now).ok_or(ApiError::Conflict("the customer changed meanwhile; try again"))?;
        return Err(hold.into());
    }
    let customer = customers::get(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    json(200, &customer)
}
