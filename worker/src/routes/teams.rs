//! Teams and skills (admin): what routing reads to send each case to the right people.

use domain::api::TeamUpdate;
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, teams};
use crate::error::ApiError;

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &teams::all(&ctx.db).await?)
}

pub async fn update(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: TeamUpdate = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![
            teams::update(&ctx.db, &id, &body)?,
            audit::record(&ctx.db, now, Some(&user.id), "team_changed", "team", Some(&id), Guard::PreviousChanged)?,
        ])
        .await?;
    let all = teams::all(&ctx.db).await?;
    let Some(team) = all.into_iter().find(|t| t.id == id) else {
        return Err(ApiError::NotFound);
    };
    if !crate::db::first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &team)
}

/// `GET /api/staff`: active staff, for handing a case over.
pub async fn staff(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &crate::db::users::staff(&ctx.db).await?)
}
