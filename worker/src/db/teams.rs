//! Teams, their skills, and who is in them.

use domain::api::{Member, TeamUpdate, TeamView};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::parse;
use crate::error::ApiError;

#[derive(Deserialize)]
struct TeamRow {
    id: String,
    name: String,
    skills: String,
    version: i64,
}

#[derive(Deserialize)]
struct MemberRow {
    id: String,
    name: String,
    role: String,
    team_id: String,
}

fn skills(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Every team with its active members. Teams are few; members come in one query.
pub async fn all(db: &D1Database) -> Result<Vec<TeamView>, ApiError> {
    let teams: Vec<TeamRow> = query!(db, "SELECT id, name, skills, version FROM teams ORDER BY name").all().await?.results()?;
    let members: Vec<MemberRow> = query!(
        db,
        "SELECT id, name, role, team_id FROM users WHERE team_id IS NOT NULL AND active = 1 ORDER BY name"
    )
    .all()
    .await?
    .results()?;
    teams
        .into_iter()
        .map(|t| {
            let members = members
                .iter()
                .filter(|m| m.team_id == t.id)
                .map(|m| Ok(Member { id: m.id.clone(), name: m.name.clone(), role: parse("users.role", &m.role)? }))
                .collect::<Result<Vec<_>, ApiError>>()?;
            Ok(TeamView { skills: skills(&t.skills), id: t.id, name: t.name, version: t.version, members })
        })
        .collect()
}

#[derive(Deserialize)]
struct SkillsRow {
    id: String,
    skills: String,
}

/// Every team's skills, as routing sees them (teams are few); batched by the caller with its
/// other reads ([`routing_from`]).
pub fn routing(db: &D1Database) -> Result<D1PreparedStatement, ApiError> {
    // In name order, as the teams screen lists them: routing breaks ties in this order.
    Ok(query!(db, "SELECT id, skills FROM teams ORDER BY name"))
}

/// The teams of [`routing`]'s result.
pub fn routing_from(result: &worker::D1Result) -> Result<Vec<domain::routing::Team>, ApiError> {
    let rows: Vec<SkillsRow> = result.results()?;
    Ok(rows.into_iter().map(|t| domain::routing::Team { skills: skills(&t.skills), id: t.id }).collect())
}

/// The update of a team if it is still at the version the client saw.
pub fn update(db: &D1Database, id: &str, u: &TeamUpdate) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE teams SET name = ?1, skills = ?2, version = version + 1 WHERE id = ?3 AND version = ?4",
        u.name.trim(),
        u.skills.join(","),
        id,
        u.version
    )?)
}

#[derive(Deserialize)]
struct NameRow {
    id: String,
    name: String,
}

/// Every team's id and name, in name order (teams are few): what the dashboard offers to pick.
pub fn names(db: &D1Database) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "SELECT id, name FROM teams ORDER BY name"))
}

pub fn names_from(result: &worker::D1Result) -> Result<Vec<domain::api::TeamName>, ApiError> {
    Ok(result.results::<NameRow>()?.into_iter().map(|t| domain::api::TeamName { id: t.id, name: t.name }).collect())
}
