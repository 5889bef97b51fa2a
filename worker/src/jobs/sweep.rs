//! The SLA sweep: evaluates only the open cases whose next check has come (cases_next_check),
//! records each alert on the case's timeline and notifies the people it concerns, once.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use domain::sweep::{self, Alert, Level, Watch};
use domain::{EventType, Step};
use serde::Deserialize;
use worker::{query, D1Database, D1PreparedStatement};

use crate::db::outbox::{self, Channel, NewMessage};
use crate::db::{parse, time};
use crate::error::ApiError;
use crate::rules;

/// Cases one run evaluates at most; the rest wait for the next run, oldest check first. With
/// at most ~12 statements a case, a run stays far below D1's 1,000 queries per invocation.
pub const CASES_PER_RUN: u32 = 60;
/// Statements per D1 batch.
const BATCH: usize = 90;

#[derive(Deserialize)]
struct Row {
    id: String,
    seq: i64,
    subject: String,
    is_open: i64,
    assignee_id: Option<String>,
    sla_due_soon_at: i64,
    sla_due_at: i64,
    step: Option<String>,
    step_due_at: Option<i64>,
    alerted: String,
    alerted_due: Option<i64>,
    step_alerted: Option<String>,
    version: i64,
}

fn message(alert: Alert, reference: &str, subject: &str, due: DateTime<Utc>) -> String {
    let due = due.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8")).format("%Y-%m-%d %H:%M");
    match alert {
        Alert::DueSoon => format!("{reference}「{subject}」将于 {due} 到期 / is due at {due}"),
        Alert::Breached => format!("{reference}「{subject}」已于 {due} 超时 / breached its deadline at {due}"),
        Alert::Escalated => format!("{reference}「{subject}」超时未处理，已升级 / still breached since {due}, escalated"),
        Alert::StepBreached(step) => format!("{reference}「{subject}」投诉环节 {} 已于 {due} 超时 / complaint step breached", step.as_str()),
    }
}

fn event_type(alert: Alert) -> EventType {
    match alert {
        Alert::DueSoon => EventType::SlaDueSoon,
        Alert::Breached => EventType::SlaBreached,
        Alert::Escalated => EventType::SlaEscalated,
        Alert::StepBreached(_) => EventType::StepBreached,
    }
}

/// One run as of `now`. Returns what it did.
pub async fn run(db: &D1Database, now: DateTime<Utc>, escalate_after: Duration) -> Result<BTreeMap<String, i64>, ApiError> {
    let now_ms = now.timestamp_millis();
    // cases_next_check: only cases whose state can have changed since they were last looked at.
    let rows: Vec<Row> = query!(
        db,
        "SELECT id, seq, subject, is_open, assignee_id, sla_due_soon_at, sla_due_at, step, step_due_at, alerted, alerted_due,
           step_alerted, version
         FROM cases WHERE next_check_at <= ?1 ORDER BY next_check_at LIMIT ?2",
        now_ms,
        CASES_PER_RUN
    )?
    .all()
    .await?
    .results()?;
    let mut counts = BTreeMap::new();
    counts.insert("examined".to_string(), rows.len() as i64);
    if rows.is_empty() {
        return Ok(counts);
    }
    let staff = crate::db::users::roster(db).await?;
    let calendar = rules::load(db).await?.calendar;

    // Each case's statements, kept together: a batch is one transaction, so a case's remembered
    // state, its events and its messages are written all or not at all.
    let mut groups: Vec<Vec<D1PreparedStatement>> = Vec::new();
    let (mut alerts, mut messages) = (0i64, 0i64);
    for row in &rows {
        let mut statements: Vec<D1PreparedStatement> = Vec::new();
        let step = row.step.as_deref().map(|s| parse::<Step>("cases.step", s)).transpose()?;
        let watch = Watch {
            open: row.is_open != 0,
            due_soon_at: time(row.sla_due_soon_at),
            due_at: time(row.sla_due_at),
            alerted: Level::parse(&row.alerted).unwrap_or_default(),
            alerted_due: row.alerted_due.map(time),
            step: step.zip(row.step_due_at.map(time)),
            step_alerted: row.step_alerted.as_deref().and_then(|s| s.parse().ok()),
        };
        let e = sweep::evaluate(&watch, now, escalate_after);
        // Remembered only if nobody changed the case since it was read (version unchanged);
        // a change sets next_check_at again and the case is looked at in the next run.
        statements.push(query!(
            db,
            "UPDATE cases SET alerted = ?1, alerted_due = ?2, step_alerted = ?3, next_check_at = ?4 WHERE id = ?5 AND version = ?6",
            e.alerted.as_str(),
            e.alerted_due.map(|t| t.timestamp_millis()),
            e.step_alerted.map(|s| s.as_str()),
            e.next_check_at.map(|t| t.timestamp_millis()),
            &row.id,
            row.version
        )?);
        let reference = domain::case::reference(row.seq);
        for alert in &e.alerts {
            let alert = *alert;
            alerts += 1;
            let due = match alert {
                Alert::StepBreached(_) => row.step_due_at.map(time).unwrap_or(watch.due_at),
                _ => watch.due_at,
            };
            // The same alert for the same deadline always has the same id and keys, so a
            // repeated or overlapping run inserts nothing new.
            let cause = format!("{}:{}:{}", row.id, match alert { Alert::StepBreached(s) => s.as_str(), other => other.as_str() }, due.timestamp_millis());
            let event_id = format!("sla:{cause}");
            let text = message(alert, &reference, &row.subject, due);
            statements.push(query!(
                db,
                "INSERT OR IGNORE INTO case_events (id, case_id, type, body, author_id, created_at, step)
                 SELECT ?1, ?2, ?3, ?4, NULL, ?5, ?6 WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?2 AND version = ?7)",
                &event_id,
                &row.id,
                event_type(alert).as_str(),
                due.to_rfc3339(),
                now_ms,
                match alert { Alert::StepBreached(s) => Some(s.as_str()), _ => None },
                row.version
            )?);
            let send_at = sweep::send_at(alert, &calendar, now).timestamp_millis();
            for recipient in sweep::recipients(alert, row.assignee_id.as_deref(), &staff) {
                for channel in [Channel::InApp, Channel::Email] {
                    let key = format!("{cause}:{recipient}:{}", channel.as_str());
                    let id = crate::ids::new_id()?;
                    let m = NewMessage {
                        id: &id,
                        dedupe_key: &key,
                        channel,
                        recipient_id: &recipient,
                        kind: alert.as_str(),
                        case_id: &row.id,
                        subject: &row.subject,
                        body: &text,
                        send_at,
                        now: now_ms,
                    };
                    statements.push(outbox::insert_for_case(db, &m, row.version)?);
                    messages += 1;
                }
            }
        }
        groups.push(statements);
    }
    let total = groups.iter().map(Vec::len).sum::<usize>() as i64;
    let mut batch: Vec<D1PreparedStatement> = Vec::new();
    for group in groups {
        if !batch.is_empty() && batch.len() + group.len() > BATCH {
            db.batch(std::mem::take(&mut batch)).await?;
        }
        batch.extend(group);
    }
    if !batch.is_empty() {
        db.batch(batch).await?;
    }
    counts.insert("alerts".to_string(), alerts);
    counts.insert("messages".to_string(), messages);
    counts.insert("statements".to_string(), total);
    Ok(counts)
}
