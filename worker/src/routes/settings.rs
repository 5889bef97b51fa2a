//! Settings admins edit: read them all, or replace one, checked by the domain's own rules.

use domain::api::{FieldError, RegimeSetting, SettingUpdate, Validate};
use domain::calendar::CalendarSpec;
use domain::classify;
use domain::follow_up;
use domain::sla::PolicySet;
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, settings};
use crate::error::ApiError;
use crate::rules;

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &rules::settings(&ctx.db).await?)
}

pub async fn update(ctx: Ctx) -> Result<Response, ApiError> {
    match ctx.param(0) {
        "calendar" => save::<CalendarSpec>(ctx, "calendar").await,
        "sla_policies" => save::<PolicySet>(ctx, "sla_policies").await,
        "regime" => save::<RegimeSetting>(ctx, "regime").await,
        "classifier" => save::<classify::Rules>(ctx, "classifier").await,
        "follow_up" => save::<follow_up::Rules>(ctx, "follow_up").await,
        "follow_up_scripts" => save::<follow_up::script::Scripts>(ctx, "follow_up_scripts").await,
        _ => Err(ApiError::NotFound),
    }
}

async fn save<T>(mut ctx: Ctx, key: &'static str) -> Result<Response, ApiError>
where
    T: DeserializeOwned + Serialize,
    SettingUpdate<T>: Validate,
{
    let body: SettingUpdate<T> = ctx.body().await?;
    if body.version < 0 {
        return Err(FieldError::invalid("version", "version can't be negative").into());
    }
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![
            settings::save(&ctx.db, key, &body.value, body.version, now, &user.id)?,
            audit::record(&ctx.db, now, Some(&user.id), "setting_changed", "setting", Some(key), Guard::PreviousChanged)?,
        ])
        .await?;
    if !crate::db::first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &rules::settings(&ctx.db).await?)
}
