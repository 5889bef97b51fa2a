//! The audit trail of actions outside a case's own timeline. Rows are only ever inserted.

use worker::{query, D1Database, D1PreparedStatement};

use crate::error::ApiError;

/// The insert of one audit event, to run in the same batch as the change it records.
pub fn record(
    db: &D1Database,
    at: i64,
    actor_id: Option<&str>,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO audit_events (at, actor_id, action, entity, entity_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        at,
        actor_id,
        action,
        entity,
        entity_id
    )?)
}

/// Like [`record`], but only if the statement before it in the batch changed exactly one row.
pub fn record_if_changed(
    db: &D1Database,
    at: i64,
    actor_id: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO audit_events (at, actor_id, action, entity, entity_id) SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1",
        at,
        actor_id,
        action,
        entity,
        entity_id
    )?)
}
