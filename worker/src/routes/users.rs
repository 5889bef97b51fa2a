//! Staff accounts (admin): invite, change role or team, deactivate, reset a password; and the
//! passwords people set themselves, from an e-mailed link or by changing their own.

use domain::api::{check_password, AccountUpdate, FieldError, Invitation, LinkPurpose, PasswordChange, PasswordLink, PasswordSet};
use worker::Response;

use crate::auth::session_token;
use crate::config;
use crate::ctx::{json, no_content, Ctx};
use crate::db::events::Guard;
use crate::db::outbox::{insert_staff_email, StaffEmail};
use crate::db::{audit, password_links, sessions, sign_in, teams, users};
use crate::error::ApiError;
use crate::ids::{hash_password, new_id, new_token, token_hash, verify_password};

/// How long an invitation's link works: long enough for a weekend.
const INVITE_MS: i64 = 72 * 3_600_000;
/// How long a reset link works.
const RESET_MS: i64 = 24 * 3_600_000;

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &users::accounts(&ctx.db).await?)
}

/// 422 naming `team_id` unless it is a team.
async fn check_team(ctx: &Ctx, team_id: Option<&str>) -> Result<(), ApiError> {
    let Some(team_id) = team_id else { return Ok(()) };
    if teams::all(&ctx.db).await?.iter().any(|t| t.id == team_id) {
        Ok(())
    } else {
        Err(FieldError::invalid("team_id", "team_id is not a team").into())
    }
}

/// The statements that send a person a new link to set their password, ending any earlier one:
/// the link (its token's hash) and the e-mail that carries the token.
fn password_link_batch(ctx: &Ctx, user_id: &str, name: &str, actor: &str, purpose: LinkPurpose) -> Result<Vec<worker::D1PreparedStatement>, ApiError> {
    let now = ctx.now_ms();
    let token = new_token()?;
    let hash = token_hash(&token);
    let (valid_ms, kind) = match purpose {
        LinkPurpose::Invite => (INVITE_MS, "account_invitation"),
        LinkPurpose::Reset => (RESET_MS, "password_reset"),
    };
    let url = format!("{}/password/{token}", config::public_url(&ctx.env));
    let institution = config::institution(&ctx.env);
    let (subject, body) = match purpose {
        LinkPurpose::Invite => (
            "Kefu 账户邀请 / Your Kefu account".to_string(),
            format!(
                "{name}，您好：\n\n{actor} 邀请您使用{zh}客服系统 Kefu。请在 72 小时内打开以下链接设置密码：\n{url}\n\n如非预期，请忽略此邮件。\n\n---\n\nHello {name},\n\n{actor} has invited you to Kefu, the customer service system of {en}. Open this link within 72 hours to set your password:\n{url}\n\nIf you did not expect this, ignore this e-mail.",
                zh = institution.zh,
                en = institution.en
            ),
        ),
        LinkPurpose::Reset => (
            "Kefu 密码已重置 / Your Kefu password was reset".to_string(),
            format!(
                "{name}，您好：\n\n管理员 {actor} 重置了您的 Kefu 密码，您已在所有设备上退出。请在 24 小时内打开以下链接设置新密码：\n{url}\n\n如有疑问，请联系管理员。\n\n---\n\nHello {name},\n\n{actor}, an administrator, reset your Kefu password and you were signed out everywhere. Open this link within 24 hours to set a new one:\n{url}\n\nIf you have questions, ask your administrator."
            ),
        ),
    };
    let message_id = new_id()?;
    Ok(vec![
        password_links::expire_open(&ctx.db, user_id, now)?,
        password_links::insert(&ctx.db, &hash, user_id, purpose, now, now + valid_ms)?,
        insert_staff_email(
            &ctx.db,
            &StaffEmail { id: &message_id, dedupe_key: &format!("password_link:{hash}"), recipient_id: user_id, kind, subject: &subject, body: &body },
            now,
        )?,
    ])
}

/// `POST /api/users`: an account that signs in once its e-mailed link has set a password.
pub async fn invite(mut ctx: Ctx) -> Result<Response, ApiError> {
    let invitation: Invitation = ctx.body().await?;
    let admin = ctx.user()?.clone();
    if users::by_email(&ctx.db, invitation.email.trim()).await?.is_some() {
        let mut error = FieldError::invalid("email", "email already belongs to an account");
        error.code = "email_taken";
        return Err(error.into());
    }
    check_team(&ctx, invitation.team_id.as_deref()).await?;
    let id = new_id()?;
    let now = ctx.now_ms();
    let mut batch = vec![users::invite(&ctx.db, &id, &invitation, now)?];
    batch.extend(password_link_batch(&ctx, &id, invitation.name.trim(), &admin.name, LinkPurpose::Invite)?);
    batch.push(audit::record(&ctx.db, now, Some(&admin.id), "user_invited", "user", Some(&id), Guard::None)?);
    ctx.db.batch(batch).await?;
    json(201, &users::account_by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?)
}

/// `PUT /api/users/{id}`: name, role, team, active. Deactivating ends the person's sessions.
pub async fn update(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: AccountUpdate = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let admin = ctx.user()?.clone();
    let before = users::account_by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    // An admin cannot lock themselves out: another admin changes their role or deactivates them.
    if id == admin.id && body.role != before.role {
        return Err(own_account("role"));
    }
    if id == admin.id && !body.active {
        return Err(own_account("active"));
    }
    check_team(&ctx, body.team_id.as_deref()).await?;
    let was_active = before.status != domain::api::AccountStatus::Deactivated;
    let action = match (was_active, body.active) {
        (true, false) => "user_deactivated",
        (false, true) => "user_reactivated",
        _ if body.role != before.role => "user_role_changed",
        _ => "user_changed",
    };
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![
            users::update(&ctx.db, &id, &body)?,
            audit::record(&ctx.db, now, Some(&admin.id), action, "user", Some(&id), Guard::PreviousChanged)?,
            users::end_sessions_if_inactive(&ctx.db, &id)?,
        ])
        .await?;
    if !crate::db::first_changed(&results) {
        let now_row = users::account_by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
        return Err(if now_row.version != body.version { ApiError::VersionConflict } else { ApiError::LastAdmin });
    }
    json(200, &users::account_by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?)
}

fn own_account(field: &'static str) -> ApiError {
    let mut error = FieldError::invalid(field, format!("{field} of your own account is changed by another admin"));
    error.code = "own_account";
    error.into()
}

/// `POST /api/users/{id}/reset-password`: the password stops working, the person is signed
/// out everywhere, and an e-mailed link lets them set a new one.
pub async fn reset_password(ctx: Ctx) -> Result<Response, ApiError> {
    let id = ctx.param(0).to_string();
    let admin = ctx.user()?.clone();
    if id == admin.id {
        return Err(ApiError::Conflict("change your own password from your account page"));
    }
    let account = users::account_by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    if account.status == domain::api::AccountStatus::Deactivated {
        return Err(ApiError::Conflict("the account is deactivated; reactivate it first"));
    }
    let now = ctx.now_ms();
    let mut batch = vec![users::set_password(&ctx.db, &id, "", false)?, sessions::delete_all(&ctx.db, &id)?];
    batch.extend(password_link_batch(&ctx, &id, &account.name, &admin.name, LinkPurpose::Reset)?);
    batch.push(audit::record(&ctx.db, now, Some(&admin.id), "user_password_reset", "user", Some(&id), Guard::None)?);
    ctx.db.batch(batch).await?;
    json(200, &users::account_by_id(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?)
}

/// `POST /api/me/password`: the current password, then a new one that meets the policy. Every
/// other session of the person ends; this one stays. Wrong current passwords count towards the
/// sign-in lockout, so this is no way around it.
pub async fn change_own(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: PasswordChange = ctx.body().await?;
    let user = ctx.user()?.clone();
    let now = ctx.now_ms();
    // Counted like a sign-in, before the check: guessing the current password is no way
    // around the sign-in throttle.
    let keys = sign_in::Keys::new(&user.email, &ctx.client_address()?);
    sign_in::admit(&ctx.db, &keys, now).await?;
    let stored = users::by_email(&ctx.db, &user.email).await?.ok_or(ApiError::Unauthenticated)?;
    if !verify_password(&body.current_password, &stored.password_hash).await? {
        ctx.db
            .batch(vec![audit::record(&ctx.db, now, Some(&user.id), "password_change_failed", "user", Some(&user.id), Guard::None)?, sign_in::aged(&ctx.db, now)?])
            .await?;
        let mut error = FieldError::invalid("current_password", "current_password is wrong");
        error.code = "wrong_password";
        return Err(error.into());
    }
    check_password("new_password", &body.new_password, &user.email, &user.name)?;
    let hash = hash_password(&body.new_password).await?;
    let current = token_hash(&session_token(&ctx.req)?.unwrap_or_default());
    let mut batch = vec![
        users::set_password(&ctx.db, &user.id, &hash, false)?,
        sessions::delete_others(&ctx.db, &user.id, &current)?,
        password_links::expire_open(&ctx.db, &user.id, now)?,
        audit::record(&ctx.db, now, Some(&user.id), "password_changed", "user", Some(&user.id), Guard::None)?,
    ];
    batch.extend(sign_in::succeeded(&ctx.db, &keys, now)?);
    ctx.db.batch(batch).await?;
    no_content()
}

/// The link a token names: 404 when there is none, 410 when used, expired or its account
/// deactivated.
async fn usable_link(ctx: &Ctx) -> Result<(String, password_links::Found), ApiError> {
    let hash = token_hash(ctx.param(0));
    let link = password_links::find(&ctx.db, &hash).await?.ok_or(ApiError::NotFound)?;
    if !link.usable(ctx.now_ms()) {
        return Err(ApiError::Gone);
    }
    Ok((hash, link))
}

/// `GET /api/public/password-links/{token}`: whom the link is for; records nothing.
pub async fn open_link(ctx: Ctx) -> Result<Response, ApiError> {
    let (_, link) = usable_link(&ctx).await?;
    let expires_at = chrono::DateTime::from_timestamp_millis(link.expires_at).unwrap_or_default();
    json(200, &PasswordLink { purpose: link.purpose(), name: link.name, email: link.email, expires_at })
}

/// `POST /api/public/password-links/{token}`: sets the password once; the link is used up in
/// the same batch, so two requests with one link set it once.
pub async fn use_link(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: PasswordSet = ctx.body().await?;
    let (hash, link) = usable_link(&ctx).await?;
    check_password("password", &body.password, &link.email, &link.name)?;
    let password_hash = hash_password(&body.password).await?;
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![
            password_links::take(&ctx.db, &hash, now)?,
            users::set_password(&ctx.db, &link.user_id, &password_hash, true)?,
            audit::record(&ctx.db, now, Some(&link.user_id), "password_set_from_link", "user", Some(&link.user_id), Guard::PreviousChanged)?,
        ])
        .await?;
    // Taken by this request and set (the account was still active): both statements changed a row.
    let set = results.get(1).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) == 1;
    if !crate::db::first_changed(&results) || !set {
        return Err(ApiError::Gone);
    }
    no_content()
}
