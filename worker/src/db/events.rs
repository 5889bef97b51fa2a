//! A case's timeline. Events are only ever inserted (triggers in the schema refuse the rest).

use domain::api::CaseEvent;
use domain::EventType;
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::{parse, time};
use crate::error::ApiError;

pub struct NewEventRecord<'a> {
    pub id: &'a str,
    pub case_id: &'a str,
    pub kind: EventType,
    pub body: &'a str,
    /// Staff who did it; `None` for what a customer filed themselves.
    pub author_id: Option<&'a str>,
    pub at: i64,
    /// For a status change: the status the case moved to.
    pub status: Option<domain::Status>,
    /// For a step change: the complaint step it moved to.
    pub step: Option<domain::Step>,
    /// For an assignment or escalation: who the case went to.
    pub assignee_id: Option<&'a str>,
    /// For a call: reached or unreachable.
    pub outcome: Option<domain::case::CallOutcome>,
}

/// Whether an event's insert depends on the statement before it in its batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Insert unconditionally.
    None,
    /// Insert only if the statement before it changed exactly one row: the event of a
    /// version-guarded update is never written without its change.
    PreviousChanged,
}

pub fn insert(db: &D1Database, e: &NewEventRecord, guard: Guard) -> Result<D1PreparedStatement, ApiError> {
    let sql = match guard {
        Guard::None => {
            "INSERT INTO case_events (id, case_id, type, body, author_id, created_at, status, step, assignee_id, call_outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        }
        Guard::PreviousChanged => {
            "INSERT INTO case_events (id, case_id, type, body, author_id, created_at, status, step, assignee_id, call_outcome)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE changes() = 1"
        }
    };
    Ok(query!(
        db,
        sql,
        e.id,
        e.case_id,
        e.kind.as_str(),
        e.body,
        e.author_id,
        e.at,
        e.status.map(|s| s.as_str()),
        e.step.map(|s| s.as_str()),
        e.assignee_id,
        e.outcome.map(|o| o.as_str())
    )?)
}

/// The events of cases inserted earlier in the same batch, one statement over a JSON array of
/// them (`json_each`): an event whose case was not written (a follow-up whose key was taken) is
/// not either. Primary key of cases.
pub fn insert_for_new_cases(db: &D1Database, records: &[NewEventRecord]) -> Result<D1PreparedStatement, ApiError> {
    let rows: Vec<serde_json::Value> = records
        .iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id, "case_id": e.case_id, "type": e.kind.as_str(), "body": e.body, "author_id": e.author_id, "at": e.at,
                "status": e.status.map(|s| s.as_str()), "step": e.step.map(|s| s.as_str()), "assignee_id": e.assignee_id,
                "outcome": e.outcome.map(|o| o.as_str()),
            })
        })
        .collect();
    let rows = serde_json::to_string(&rows).map_err(|e| ApiError::Internal(format!("encode events: {e}")))?;
    Ok(query!(
        db,
        "INSERT INTO case_events (id, case_id, type, body, author_id, created_at, status, step, assignee_id, call_outcome)
         SELECT r.value ->> 'id', r.value ->> 'case_id', r.value ->> 'type', r.value ->> 'body', r.value ->> 'author_id', r.value ->> 'at',
           r.value ->> 'status', r.value ->> 'step', r.value ->> 'assignee_id', r.value ->> 'outcome'
         FROM json_each(?1) AS r JOIN cases c ON c.id = r.value ->> 'case_id'",
        rows
    )?)
}

#[derive(Deserialize)]
struct EventRow {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    body: String,
    author_id: Option<String>,
    author_name: Option<String>,
    created_at: i64,
    status: Option<String>,
    step: Option<String>,
    assignee_id: Option<String>,
    assignee_name: Option<String>,
    call_outcome: Option<String>,
}

/// A case's timeline, oldest first.
pub async fn for_case(db: &D1Database, case_id: &str) -> Result<Vec<CaseEvent>, ApiError> {
    timeline_from(&timeline(db, case_id)?.all().await?)
}

/// The statement that reads a case's timeline (case_events_by_case: case_id, created_at, id).
pub fn timeline(db: &D1Database, case_id: &str) -> Result<worker::D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "SELECT e.id, e.type, e.body, e.author_id, u.name AS author_name, e.created_at, e.status, e.step,
           e.assignee_id, a.name AS assignee_name, e.call_outcome
         FROM case_events e LEFT JOIN users u ON u.id = e.author_id LEFT JOIN users a ON a.id = e.assignee_id
         WHERE e.case_id = ?1 ORDER BY e.created_at, e.id",
        case_id
    )?)
}

/// The events of [`timeline`]'s result.
pub fn timeline_from(result: &worker::D1Result) -> Result<Vec<CaseEvent>, ApiError> {
    let rows: Vec<EventRow> = result.results()?;
    rows.into_iter()
        .map(|r| {
            Ok(CaseEvent {
                kind: parse("case_events.type", &r.kind)?,
                status: r.status.as_deref().map(|s| parse("case_events.status", s)).transpose()?,
                step: r.step.as_deref().map(|s| parse("case_events.step", s)).transpose()?,
                id: r.id,
                body: r.body,
                author_id: r.author_id,
                author_name: r.author_name,
                assignee_id: r.assignee_id,
                assignee_name: r.assignee_name,
                outcome: r.call_outcome.as_deref().map(|o| parse("case_events.call_outcome", o)).transpose()?,
                created_at: time(r.created_at),
            })
        })
        .collect()
}
