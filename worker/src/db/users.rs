//! Staff accounts.

use domain::api::{Account, AccountStatus, AccountUpdate, Invitation, User};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::parse;
use crate::error::ApiError;

#[derive(Deserialize)]
struct UserRow {
    id: String,
    name: String,
    email: String,
    role: String,
    password_hash: String,
    active: i64,
}

/// A user found by e-mail for signing in, with their stored password hash.
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub active: bool,
}

pub async fn by_email(db: &D1Database, email: &str) -> Result<Option<Credentials>, ApiError> {
    // users.email is UNIQUE COLLATE NOCASE, so this is an index lookup.
    let row: Option<UserRow> = query!(
        db,
        "SELECT id, name, email, role, password_hash, active FROM users WHERE email = ?1",
        email
    )?
    .first(None)
    .await?;
    row.map(|r| {
        Ok(Credentials {
            user: User { id: r.id, name: r.name, email: r.email, role: parse("users.role", &r.role)? },
            password_hash: r.password_hash,
            active: r.active != 0,
        })
    })
    .transpose()
}

#[derive(Deserialize)]
struct AgentRow {
    id: String,
    name: String,
    team_id: Option<String>,
    skills: String,
    away: i64,
    last_assigned_at: Option<i64>,
    open_load: i64,
}

/// Active agents as routing sees them, with their weighted open load (users.open_load, kept by
/// triggers on cases), and their names (for recusal when a complaint names them). Agents are a
/// few hundred at most; the caller batches this with its other reads ([`routing_agents_from`]).
pub fn routing_agents(db: &D1Database) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "SELECT id, name, team_id, skills, away, last_assigned_at, open_load FROM users WHERE role = 'agent' AND active = 1"))
}

/// The agents of [`routing_agents`]' result.
pub fn routing_agents_from(result: &worker::D1Result) -> Result<Vec<(domain::routing::Agent, String)>, ApiError> {
    let agents: Vec<AgentRow> = result.results()?;
    Ok(agents
        .into_iter()
        .map(|a| {
            let agent = domain::routing::Agent {
                skills: a.skills.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect(),
                id: a.id,
                team_id: a.team_id,
                away: a.away != 0,
                load: u32::try_from(a.open_load.max(0)).unwrap_or(u32::MAX),
                last_assigned_at: a.last_assigned_at.and_then(chrono::DateTime::from_timestamp_millis),
            };
            (agent, a.name)
        })
        .collect())
}

/// Records that an agent was just given a case, for round-robin among equals.
pub fn assigned(db: &D1Database, user_id: &str, at: i64) -> Result<worker::D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE users SET last_assigned_at = ?2 WHERE id = ?1", user_id, at)?)
}

/// [`assigned`] for many agents at once: `(agent, when)` pairs, one per agent.
pub fn assigned_all(db: &D1Database, pairs: &[(&str, i64)]) -> Result<worker::D1PreparedStatement, ApiError> {
    let rows = serde_json::to_string(pairs).map_err(|e| ApiError::Internal(format!("encode assignments: {e}")))?;
    Ok(query!(
        db,
        "UPDATE users SET last_assigned_at = r.value ->> 1 FROM json_each(?1) AS r WHERE users.id = r.value ->> 0",
        rows
    )?)
}

#[derive(Deserialize)]
struct StaffRow {
    id: String,
    name: String,
    role: String,
    team_name: Option<String>,
}

/// Every active member of staff, by name: the reassign picker. Staff are a few hundred at
/// most, so this reads the users table whole.
pub async fn staff(db: &D1Database) -> Result<Vec<domain::api::StaffMember>, ApiError> {
    let rows: Vec<StaffRow> = query!(
        db,
        "SELECT u.id, u.name, u.role, t.name AS team_name FROM users u LEFT JOIN teams t ON t.id = u.team_id
         WHERE u.active = 1 ORDER BY u.name"
    )
    .all()
    .await?
    .results()?;
    rows.into_iter()
        .map(|r| Ok(domain::api::StaffMember { role: parse("users.role", &r.role)?, id: r.id, name: r.name, team_name: r.team_name }))
        .collect()
}

/// An active member of staff by id (primary key).
pub async fn active(db: &D1Database, id: &str) -> Result<Option<domain::api::StaffMember>, ApiError> {
    let row: Option<StaffRow> = query!(
        db,
        "SELECT u.id, u.name, u.role, t.name AS team_name FROM users u LEFT JOIN teams t ON t.id = u.team_id
         WHERE u.id = ?1 AND u.active = 1",
        id
    )?
    .first(None)
    .await?;
    row.map(|r| Ok(domain::api::StaffMember { role: parse("users.role", &r.role)?, id: r.id, name: r.name, team_name: r.team_name }))
        .transpose()
}

#[derive(Deserialize)]
struct RosterRow {
    id: String,
    role: String,
    team_id: Option<String>,
    last_assigned_at: Option<i64>,
}

/// Every active member of staff with role, team and last assignment: what escalation and the
/// SLA sweep's alerts choose from (domain::routing::supervisor_for, domain::sweep::recipients).
pub async fn roster(db: &D1Database) -> Result<Vec<domain::routing::Staff>, ApiError> {
    roster_from(&roster_statement(db)?.all().await?)
}

/// The statement [`roster`] reads with (the users table: staff, not customers).
pub fn roster_statement(db: &D1Database) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "SELECT id, role, team_id, last_assigned_at FROM users WHERE active = 1"))
}

pub fn roster_from(result: &worker::D1Result) -> Result<Vec<domain::routing::Staff>, ApiError> {
    let rows: Vec<RosterRow> = result.results()?;
    rows.into_iter()
        .map(|r| {
            Ok(domain::routing::Staff {
                role: parse("users.role", &r.role)?,
                id: r.id,
                team_id: r.team_id,
                last_assigned_at: r.last_assigned_at.and_then(chrono::DateTime::from_timestamp_millis),
            })
        })
        .collect()
}

/// Every active member of staff's id and name (recusal: whom a complaint names).
pub fn names_statement(db: &D1Database) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "SELECT id, name FROM users WHERE active = 1"))
}

pub fn names_from(result: &worker::D1Result) -> Result<Vec<(String, String)>, ApiError> {
    #[derive(Deserialize)]
    struct NameRow {
        id: String,
        name: String,
    }
    Ok(result.results::<NameRow>()?.into_iter().map(|r| (r.id, r.name)).collect())
}

/// A member of staff a scorecard can be about.
#[derive(Deserialize)]
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub team_id: Option<String>,
    pub active: i64,
}

/// Everyone who handles cases (agents and supervisors, active or not, for the figures of a
/// past period), by name. Staff are a few hundred at most: the users table whole.
pub fn handlers(db: &D1Database) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "SELECT id, name, team_id, active FROM users WHERE role IN ('agent', 'supervisor') ORDER BY name, id"))
}

#[derive(Deserialize)]
struct AccountRow {
    id: String,
    name: String,
    email: String,
    role: String,
    team_id: Option<String>,
    active: i64,
    awaiting_password: i64,
    last_sign_in_at: Option<i64>,
    version: i64,
}

const ACCOUNT_COLUMNS: &str =
    "SELECT id, name, email, role, team_id, active, password_hash = '' AS awaiting_password, last_sign_in_at, version FROM users";

fn account(r: AccountRow) -> Result<Account, ApiError> {
    let status = match (r.active != 0, r.awaiting_password != 0) {
        (false, _) => AccountStatus::Deactivated,
        (true, true) => AccountStatus::AwaitingPassword,
        (true, false) => AccountStatus::Active,
    };
    Ok(Account {
        role: parse("users.role", &r.role)?,
        id: r.id,
        name: r.name,
        email: r.email,
        team_id: r.team_id,
        status,
        last_sign_in_at: r.last_sign_in_at.and_then(chrono::DateTime::from_timestamp_millis),
        version: r.version,
    })
}

/// Every account, active or not, by name: the user management screen. Staff are a few
/// hundred at most, so this reads the users table whole.
pub async fn accounts(db: &D1Database) -> Result<Vec<Account>, ApiError> {
    let rows: Vec<AccountRow> = query!(db, &format!("{ACCOUNT_COLUMNS} ORDER BY name, id")).all().await?.results()?;
    rows.into_iter().map(account).collect()
}

/// One account by id (primary key).
pub async fn account_by_id(db: &D1Database, id: &str) -> Result<Option<Account>, ApiError> {
    let row: Option<AccountRow> = query!(db, &format!("{ACCOUNT_COLUMNS} WHERE id = ?1"), id)?.first(None).await?;
    row.map(account).transpose()
}

/// The insert of an invited account: active, with no password until the invitation's link
/// sets one.
pub fn invite(db: &D1Database, id: &str, invitation: &Invitation, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO users (id, email, name, role, team_id, password_hash, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, '', 1, ?6)",
        id,
        invitation.email.trim(),
        invitation.name.trim(),
        invitation.role.as_str(),
        invitation.team_id,
        now
    )?)
}

/// The update of an account if it is still at the version the admin saw, and only if an
/// active admin remains afterwards: the check and the change are one statement, so two admins
/// demoting each other at once cannot leave none.
pub fn update(db: &D1Database, id: &str, u: &AccountUpdate) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE users SET name = ?2, role = ?3, team_id = ?4, active = ?5, version = version + 1
         WHERE id = ?1 AND version = ?6
           AND (?3 = 'admin' AND ?5 = 1 OR role <> 'admin' OR active = 0
                OR EXISTS (SELECT 1 FROM users o WHERE o.role = 'admin' AND o.active = 1 AND o.id <> ?1))",
        id,
        u.name.trim(),
        u.role.as_str(),
        u.team_id,
        i32::from(u.active),
        u.version
    )?)
}

/// Ends the sessions of an account the statement before deactivated (sessions_by_user).
pub fn end_sessions_if_inactive(db: &D1Database, id: &str) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "DELETE FROM sessions WHERE user_id = ?1 AND (SELECT active FROM users WHERE id = ?1) = 0", id)?)
}

/// Sets a new password hash; with `after_change`, only if the statement before changed a row
/// (the link that allows it was taken by this request).
pub fn set_password(db: &D1Database, id: &str, hash: &str, after_change: bool) -> Result<D1PreparedStatement, ApiError> {
    let sql = if after_change {
        "UPDATE users SET password_hash = ?2, version = version + 1 WHERE id = ?1 AND active = 1 AND changes() = 1"
    } else {
        "UPDATE users SET password_hash = ?2, version = version + 1 WHERE id = ?1 AND active = 1"
    };
    Ok(query!(db, sql, id, hash)?)
}

/// Records a successful sign-in.
pub fn signed_in(db: &D1Database, id: &str, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE users SET last_sign_in_at = ?2 WHERE id = ?1", id, now)?)
}
