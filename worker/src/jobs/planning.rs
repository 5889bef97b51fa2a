//! Follow-up planning: for each customer whose next look has come (customers_next_plan), the
//! domain's rules say which follow-ups are due — the first one for new customers, periodic ones
//! by segment, one after each closed complaint — and each is registered as a follow-up case,
//! routed like any other, under a key that makes a repeated or overlapping run create nothing
//! twice (cases_by_follow_up_key). The customer's next look is set from the same rules.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::api::NewCase;
use domain::follow_up::{self, CustomerFacts, Reason};
use domain::{CaseKind, Channel, Complexity};
use serde::Deserialize;
use worker::D1Database;

use crate::db::query;
use crate::db::{customers, first_changed, follow_ups, parse, time};
use crate::error::ApiError;
use crate::routes::cases::{registration_statements, Registration};
use crate::rules;

/// Customers one run looks at; each costs a handful of queries and at most a few inserts, so a
/// run stays well inside D1's 1,000 queries per invocation. The rest wait for the next hour.
pub const CUSTOMERS_PER_RUN: u32 = 40;

#[derive(Deserialize)]
struct Closed {
    customer_id: String,
    id: String,
    closed_at: i64,
}

#[derive(Deserialize)]
struct Key {
    customer_id: String,
    follow_up_key: String,
}

fn subject(reason: Reason) -> (&'static str, &'static str) {
    match reason {
        Reason::FirstProduct => ("新客户首次回访", "了解客户开户及首笔业务的体验，解答疑问。"),
        Reason::Periodic => ("客户定期回访", "按客户层级定期回访，了解需求与满意度。"),
        Reason::AfterComplaint => ("投诉办结后回访", "投诉办结后回访客户，确认处理结果并了解满意度。"),
        // Planned when the purchase is recorded (routes::follow_ups::purchase), not here.
        Reason::Purchase => ("售后回访", "回访客户的购买体验。"),
    }
}

pub async fn run(db: &D1Database, now: DateTime<Utc>) -> Result<BTreeMap<String, i64>, ApiError> {
    let now_ms = now.timestamp_millis();
    let due = customers::due_for_planning(db, now_ms, CUSTOMERS_PER_RUN).await?;
    let mut counts = BTreeMap::new();
    counts.insert("customers".to_string(), due.len() as i64);
    if due.is_empty() {
        return Ok(counts);
    }
    let rules = rules::load(db).await?;
    let zone = rules.calendar.zone();
    let (mut created, mut existing) = (0i64, 0i64);
    // The run's customers' closed complaints and planned follow-ups, in one batch of two
    // queries (cases_by_customer, by its customer_id prefix).
    let ids = serde_json::to_string(&due.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()).map_err(|e| ApiError::Internal(format!("encode ids: {e}")))?;
    let results = db
        .batch(vec![
            query!(
                db,
                "SELECT customer_id, id, closed_at FROM cases WHERE customer_id IN (SELECT value FROM json_each(?1))
                   AND kind = 'complaint' AND closed_at IS NOT NULL AND merged_into IS NULL",
                &ids
            )?,
            query!(db, "SELECT customer_id, follow_up_key FROM cases WHERE customer_id IN (SELECT value FROM json_each(?1)) AND follow_up_key IS NOT NULL", &ids)?,
        ])
        .await?;
    let all_closed: Vec<Closed> = results.first().map(|r| r.results()).transpose()?.unwrap_or_default();
    let all_keys: Vec<Key> = results.get(1).map(|r| r.results()).transpose()?.unwrap_or_default();
    for row in &due {
        let closed: Vec<&Closed> = all_closed.iter().filter(|c| c.customer_id == row.id).collect();
        let keys: Vec<String> = all_keys.iter().filter(|k| k.customer_id == row.id).map(|k| k.follow_up_key.clone()).collect();
        let segment = parse("customers.segment", &row.segment)?;
        let facts = CustomerFacts {
            id: row.id.clone(),
            segment,
            lifecycle: parse("customers.lifecycle", &row.lifecycle)?,
            consented: row.consent_contact != 0,
            // A customer becomes one with their first product; without products on file, when
            // they were registered.
            first_product_at: Some(time(row.first_product_at.unwrap_or(row.created_at))),
            closed_complaints: closed.iter().map(|c| (c.id.clone(), time(c.closed_at))).collect(),
        };
        let mut planned_keys = keys.clone();
        for planned in follow_up::plan(&rules.follow_up, zone, &facts, now, |k| keys.iter().any(|x| x == k)) {
            let (title, text) = subject(planned.reason);
            let case = NewCase {
                kind: CaseKind::FollowUp,
                channel: Channel::Phone,
                customer_id: row.id.clone(),
                subject: title.to_string(),
                description: text.to_string(),
                category: Some("account".to_string()),
                complexity: Some(Complexity::Ordinary),
                assignee: None,
                follow_up_id: None,
            };
            let how = Registration { segment, by: None, keep: None, follow_up_key: Some(&planned.key) };
            // The case and its follow-up side in one batch (the side only with a case written).
            let (case_id, mut statements) = registration_statements(db, now, &case, how, &rules).await?;
            statements.push(follow_ups::insert(db, &follow_ups::Planned { case_id: &case_id, reason: planned.reason, purchase: None })?);
            let written = first_changed(&db.batch(statements).await?);
            if written { created += 1 } else { existing += 1 }
            planned_keys.push(planned.key);
        }
        let next = follow_up::next_look(&rules.follow_up, zone, &facts, now, |k| planned_keys.iter().any(|x| x == k));
        customers::set_next_plan(db, &row.id, next.map(|t| t.timestamp_millis()))?.run().await?;
    }
    counts.insert("created".to_string(), created);
    counts.insert("already_there".to_string(), existing);
    Ok(counts)
}
