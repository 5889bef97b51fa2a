//! Signing in and out.

use domain::api::{LoginRequest, LoginResponse};
use worker::Response;

use crate::auth::{clear_cookie, is_https, session_token, set_cookie, SESSION_HOURS};
use crate::ctx::{json, no_content, Ctx};
use crate::db::events::Guard;
use crate::db::{audit, sessions, sign_in, users};
use crate::error::ApiError;
use crate::ids::{new_token, token_hash, verify_password};

/// Checked against when the e-mail is unknown, so both failures take the same time.
const DECOY_HASH: &str = "pbkdf2_sha256$100000$6b6566752d6465636f792d73616c7421$0000000000000000000000000000000000000000000000000000000000000000";

pub async fn login(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: LoginRequest = ctx.body().await?;
    let now = ctx.now_ms();
    let email = body.email.trim();
    let keys = sign_in::Keys::new(email, &ctx.client_address()?);
    // The attempt is counted before the password is checked (checking is the costly part, and
    // counting after it would let parallel guesses all pass): 429 when a bucket is full.
    sign_in::admit(&ctx.db, &keys, now).await?;
    let found = users::by_email(&ctx.db, email).await?;
    // An account awaiting its password (invited or reset) has none to check: the decoy takes
    // the same time, so the answer's timing does not tell such an account apart.
    let hash = found.as_ref().map(|c| c.password_hash.as_str()).filter(|h| !h.is_empty()).unwrap_or(DECOY_HASH);
    let password_ok = verify_password(&body.password, hash).await?;
    let user = match found {
        Some(c) if password_ok && c.active => c.user,
        other => {
            let user_id = other.as_ref().map(|c| c.user.id.as_str());
            ctx.db
                .batch(vec![audit::record(&ctx.db, now, user_id, "sign_in_failed", "user", user_id, Guard::None)?, sign_in::aged(&ctx.db, now)?])
                .await?;
            return Err(ApiError::InvalidCredentials);
        }
    };
    let token = new_token()?;
    let expires = now + SESSION_HOURS * 3_600_000;
    let mut batch = vec![
        sessions::insert(&ctx.db, &token_hash(&token), &user.id, now, expires)?,
        audit::record(&ctx.db, now, Some(&user.id), "signed_in", "user", Some(&user.id), Guard::None)?,
        users::signed_in(&ctx.db, &user.id, now)?,
    ];
    batch.extend(sign_in::succeeded(&ctx.db, &keys, now)?);
    // A new session on every sign-in: the one the browser held before (if any) ends, so a
    // session fixed before sign-in is never the signed-in one.
    if let Some(old) = session_token(&ctx.req)? {
        batch.push(sessions::delete(&ctx.db, &token_hash(&old))?);
    }
    ctx.db.batch(batch).await?;
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
    signed_out(&ctx)
}

/// Signs the user out on every browser and device: a lost phone, a shared desk.
pub async fn logout_everywhere(ctx: Ctx) -> Result<Response, ApiError> {
    let user = ctx.user()?;
    ctx.db
        .batch(vec![
            sessions::delete_all(&ctx.db, &user.id)?,
            audit::record(&ctx.db, ctx.now_ms(), Some(&user.id), "signed_out_everywhere", "user", Some(&user.id), Guard::None)?,
        ])
        .await?;
    signed_out(&ctx)
}

/// 204, and the browser forgets its session.
fn signed_out(ctx: &Ctx) -> Result<Response, ApiError> {
    let mut response = no_content()?;
    response.headers_mut().set("Set-Cookie", &clear_cookie(is_https(&ctx.req)))?;
    Ok(response)
}

pub fn me(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, ctx.user()?)
}
