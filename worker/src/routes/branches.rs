//! Branches and services (admins): the hours a branch takes appointments, the services it
//! offers, and each service's length, places per slot and what to bring. A change applies to
//! the next slot shown; appointments already booked stay as they are.

use domain::api::{BranchInput, FieldError, Page, ServiceInput};
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, branches as db, first_changed};
use crate::error::ApiError;
use crate::ids::new_id;

/// The branch as the admin list shows it.
async fn answer(ctx: &Ctx, status: u16, id: &str) -> Result<Response, ApiError> {
    let branch = db::list(&ctx.db, ctx.now_ms()).await?.into_iter().find(|b| b.id == id).ok_or(ApiError::NotFound)?;
    json(status, &branch)
}

/// 422 `services` unless every code names a service.
async fn check_services(ctx: &Ctx, codes: &[String]) -> Result<(), ApiError> {
    let known = db::services(&ctx.db).await?;
    match codes.iter().find(|c| !known.iter().any(|s| &s.service.code == *c)) {
        Some(code) => Err(FieldError::invalid("services", format!("no service has the code {code}")).into()),
        None => Ok(()),
    }
}

/// `GET /api/branches`.
pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &Page { items: db::list(&ctx.db, ctx.now_ms()).await?, next_cursor: None })
}

/// `POST /api/branches`.
pub async fn create(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: BranchInput = ctx.body().await?;
    if body.version.is_some() {
        return Err(FieldError::invalid("version", "a new branch has no version yet").into());
    }
    check_services(&ctx, &body.services).await?;
    let user = ctx.user()?.id.clone();
    let id = new_id()?;
    let mut batch = db::insert(&ctx.db, &id, &body)?;
    batch.push(audit::record(&ctx.db, ctx.now_ms(), Some(&user), "branch_created", "branch", Some(&id), Guard::None)?);
    ctx.db.batch(batch).await?;
    answer(&ctx, 201, &id).await
}

/// `PUT /api/branches/{id}`: 409 when someone saved it since it was read.
pub async fn update(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: BranchInput = ctx.body().await?;
    let version = body.version.ok_or_else(|| FieldError::missing("version"))?;
    let id = ctx.param(0).to_string();
    if !db::list(&ctx.db, ctx.now_ms()).await?.iter().any(|b| b.id == id) {
        return Err(ApiError::NotFound);
    }
    check_services(&ctx, &body.services).await?;
    let user = ctx.user()?.id.clone();
    let mut batch = db::update(&ctx.db, &id, version, &body)?;
    batch.push(audit::record(&ctx.db, ctx.now_ms(), Some(&user), "branch_updated", "branch", Some(&id), Guard::PreviousChanged)?);
    let last = batch.len() - 2;
    let results = ctx.db.batch(batch).await?;
    if !first_changed(&results[last..]) {
        return Err(ApiError::VersionConflict);
    }
    answer(&ctx, 200, &id).await
}

/// `GET /api/services`.
pub async fn services(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &Page { items: db::services(&ctx.db).await?, next_cursor: None })
}

/// `POST /api/services`: 422 `code` when the code is taken.
pub async fn create_service(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: ServiceInput = ctx.body().await?;
    if body.version.is_some() {
        return Err(FieldError::invalid("version", "a new service has no version yet").into());
    }
    let code = body.code.clone().ok_or_else(|| FieldError::missing("code"))?;
    let user = ctx.user()?.id.clone();
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![
            db::insert_service(&ctx.db, &code, &body)?,
            audit::record(&ctx.db, now, Some(&user), "service_created", "service", Some(&code), Guard::PreviousChanged)?,
        ])
        .await?;
    if !first_changed(&results) {
        return Err(FieldError::invalid("code", "a service already has this code").into());
    }
    json(201, &db::service(&ctx.db, &code).await?.ok_or(ApiError::Internal("service vanished after insert".into()))?)
}

/// `PUT /api/services/{code}`: the code stays; 409 when someone saved it since it was read.
pub async fn update_service(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: ServiceInput = ctx.body().await?;
    let version = body.version.ok_or_else(|| FieldError::missing("version"))?;
    let code = ctx.param(0).to_string();
    if body.code.as_ref().is_some_and(|c| *c != code) {
        return Err(FieldError::invalid("code", "a service's code cannot change").into());
    }
    db::service(&ctx.db, &code).await?.ok_or(ApiError::NotFound)?;
    let user = ctx.user()?.id.clone();
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![
            db::update_service(&ctx.db, &code, version, &body)?,
            audit::record(&ctx.db, now, Some(&user), "service_updated", "service", Some(&code), Guard::PreviousChanged)?,
        ])
        .await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &db::service(&ctx.db, &code).await?.ok_or(ApiError::NotFound)?)
}
