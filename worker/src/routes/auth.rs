//! Signing in and out.

use domain::api::{LoginRequest, LoginResponse};
use worker::Response;

use crate::auth::{clear_cookie, is_https, session_token, set_cookie, SESSION_HOURS};
use crate::ctx::{json, no_content, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, sessions, users};
use crate::error::ApiError;
use crate::ids::{new_token, token_hash, verify_password};

/// Checked against when the e-mail is unknown, so both failures take the same time.
const DECOY_HASH: &str = "pbkdf2_sha256$100000$6b6566752d6465636f792d73616c7421$0000000000000000000000000000000000000000000000000000000000000000";

pub async fn login(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: LoginRequest = ctx.body().await?;
    let found = users::by_email(&ctx.db, body.email.trim()).await?;
    let hash = found.as_ref().map_or(DECOY_HASH, |c| c.password_hash.as_str());
    let password_ok = verify_password(&body.password, hash).await?;
    let now = ctx.now_ms();
    let user = match found {
        Some(c) if password_ok && c.active => c.user,
        other => {
            let user_id = other.as_ref().map(|c| c.user.id.as_str());
            audit::record(&ctx.db, now, user_id, "sign_in_failed", "user", user_id, Guard::None)?.run().await?;
            return Err(ApiError::InvalidCredentials);
        }
    };
    let token = new_token()?;
    let expires = now + SESSION_HOURS * 3_600_000;
    ctx.db
        .batch(vec![
            sessions::insert(&ctx.db, &token_hash(&token), &user.id, now, expires)?,
            audit::record(&ctx.db, now, Some(&user.id), "signed_in", "user", Some(&user.id), Guard::None)?,
        ])
        .await?;
    let mut response = json(200, &LoginResponse { user })?;
    response.headers_mut().set("Set-Cookie", &set_cookie(&token, is_https(&ctx.req)))?;
    Ok(response)
}

pub async fn logout(ctx: Ctx) -> Result<Response, ApiError> {
    let user = ctx.user()?;
    if let Some(token) = session_token(&ctx.req)? {
        ctx.db
            .batch(vec![
                sessions::delete(&ctx.db, &token_hash(&token))?,
                audit::record(&ctx.db, ctx.now_ms(), Some(&user.id), "signed_out", "user", Some(&user.id), Guard::None)?,
            ])
            .await?;
    }
    let mut response = no_content()?;
    response.headers_mut().set("Set-Cookie", &clear_cookie(is_https(&ctx.req)))?;
    Ok(response)
}

pub fn me(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, ctx.user()?)
}
