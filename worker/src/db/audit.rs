//! The audit trail of actions outside a case's own timeline. Rows are only ever inserted.

use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::events::Guard;
use crate::error::ApiError;

/// The insert of one audit event, to run in the same batch as the change it records; with
/// `Guard::PreviousChanged` only if that change (the statement before it) changed a row.
pub fn record(
    db: &D1Database,
    at: i64,
    actor_id: Option<&str>,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    guard: Guard,
) -> Result<D1PreparedStatement, ApiError> {
    let sql = match guard {
        Guard::None => "INSERT INTO audit_events (at, actor_id, action, entity, entity_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        Guard::PreviousChanged => {
            "INSERT INTO audit_events (at, actor_id, action, entity, entity_id) SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1"
        }
    };
    Ok(query!(db, sql, at, actor_id, action, entity, entity_id)?)
}
