//! Staff accounts.

use domain::api::User;
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
    let rows: Vec<RosterRow> = query!(db, "SELECT id, role, team_id, last_assigned_at FROM users WHERE active = 1").all().await?.results()?;
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
