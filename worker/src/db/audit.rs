//! The audit trail of actions outside a case's own timeline. Rows are only ever inserted
//! (triggers in 0001 refuse an update or a delete), and admins search them.

use chrono_tz::Tz;
use domain::api::{AuditCursor, AuditEntry, AuditQuery, Page};
use domain::stats::day_span;
use serde::Deserialize;
use wasm_bindgen::JsValue;
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

#[derive(Deserialize)]
struct EntryRow {
    id: i64,
    at: i64,
    actor_id: Option<String>,
    actor_name: Option<String>,
    action: String,
    entity: String,
    entity_id: Option<String>,
    entity_name: Option<String>,
}

/// One page of the audit search, newest first, and where the next starts. The most selective
/// filter picks the index (one record, then who acted, then the action, else time alone); the
/// others are checked on its rows, and the dates narrow its range.
pub async fn search(db: &D1Database, q: &AuditQuery, zone: Tz, limit: u32) -> Result<Page<AuditEntry>, ApiError> {
    // A record's events (entity and id) in audit_events_by_entity's (entity, entity_id, at)
    // order; a kind of record alone is no narrower than time, so it is a filter.
    let index = match (&q.entity_id, &q.actor, &q.action) {
        (Some(_), _, _) => "audit_events_by_entity",
        (None, Some(_), _) => "audit_events_by_actor",
        (None, None, Some(_)) => "audit_events_by_action",
        (None, None, None) => "audit_events_by_at",
    };
    let mut sql = format!(
        "SELECT a.id, a.at, a.actor_id, u.name AS actor_name, a.action, a.entity, a.entity_id, t.name AS entity_name
         FROM audit_events a INDEXED BY {index}
         LEFT JOIN users u ON u.id = a.actor_id
         LEFT JOIN users t ON a.entity = 'user' AND t.id = a.entity_id
         WHERE 1 = 1"
    );
    let mut args: Vec<JsValue> = Vec::new();
    let mut arg = |sql: &mut String, clause: &str, value: JsValue| {
        args.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(entity) = &q.entity {
        arg(&mut sql, " AND a.entity = ?", entity.as_str().into());
    }
    if let Some(entity_id) = &q.entity_id {
        arg(&mut sql, " AND a.entity_id = ?", entity_id.as_str().into());
    }
    if let Some(actor) = &q.actor {
        arg(&mut sql, " AND a.actor_id = ?", actor.as_str().into());
    }
    if let Some(action) = &q.action {
        arg(&mut sql, " AND a.action = ?", action.as_str().into());
    }
    let ms = |t: chrono::DateTime<chrono::Utc>| JsValue::from_f64(t.timestamp_millis() as f64);
    if let Some(from) = q.from {
        arg(&mut sql, " AND a.at >= ?", ms(day_span(from, zone).0));
    }
    if let Some(to) = q.to {
        arg(&mut sql, " AND a.at < ?", ms(day_span(to, zone).1));
    }
    if let Some(c) = q.cursor {
        arg(&mut sql, " AND (a.at, a.id) < (?", JsValue::from_f64(c.at as f64));
        arg(&mut sql, ", ?)", JsValue::from_f64(c.id as f64));
    }
    arg(&mut sql, " ORDER BY a.at DESC, a.id DESC LIMIT ?", JsValue::from(limit + 1));
    let rows: Vec<EntryRow> = crate::db::prepare(db, sql, &args)?.all().await?.results()?;
    let next_cursor = (rows.len() > limit as usize).then(|| rows.get(limit as usize - 1).map(|r| AuditCursor { at: r.at, id: r.id }.encode())).flatten();
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| AuditEntry {
            at: chrono::DateTime::from_timestamp_millis(r.at).unwrap_or_default(),
            id: r.id,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            entity_name: r.entity_name,
        })
        .collect();
    Ok(Page { items, next_cursor })
}
