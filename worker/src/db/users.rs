//! Staff accounts.

use domain::api::User;
use serde::Deserialize;
use worker::{query, D1Database};

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
}

#[derive(Deserialize)]
struct LoadRow {
    assignee_id: String,
    kind: String,
    complexity: String,
    n: i64,
}

/// Active agents as routing sees them, with their weighted open load, and their names (for
/// recusal when a complaint names them).
pub async fn routing_agents(db: &D1Database) -> Result<Vec<(domain::routing::Agent, String)>, ApiError> {
    let agents: Vec<AgentRow> = query!(
        db,
        "SELECT id, name, team_id, skills, away, last_assigned_at FROM users WHERE role = 'agent' AND active = 1"
    )
    .all()
    .await?
    .results()?;
    // cases_assignee_open_by_due starts (assignee_id, is_open): a range scan of open cases.
    let loads: Vec<LoadRow> = query!(
        db,
        "SELECT assignee_id, kind, complexity, COUNT(*) AS n FROM cases
         WHERE assignee_id IS NOT NULL AND is_open = 1 GROUP BY assignee_id, kind, complexity"
    )
    .all()
    .await?
    .results()?;
    Ok(agents
        .into_iter()
        .map(|a| {
            let load = loads
                .iter()
                .filter(|l| l.assignee_id == a.id)
                .map(|l| domain::routing::weight(l.kind == "complaint", l.complexity == "complex") * l.n as u32)
                .sum();
            let agent = domain::routing::Agent {
                skills: a.skills.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect(),
                id: a.id,
                team_id: a.team_id,
                away: a.away != 0,
                load,
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
