//! The SLA sweep: evaluates only the open cases whose next check has come (cases_next_check),
//! records each alert on the case's timeline and notifies the people it concerns, once.
//!
//! Writes are set-based: a round's remembered states, events and messages are each one
//! statement over a JSON array bound as a single parameter (`json_each`), so a run's query count
//! depends on how many rounds it takes, not on how many cases changed.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use domain::sweep::{self, Alert, Level, Watch};
use domain::{EventType, Step};
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use crate::db::meter::Meter;
use crate::db::outbox::{self, CaseMessage, Channel};
use crate::db::{parse, time};
use crate::error::ApiError;
use crate::rules;

/// Cases one round reads; a round's writes are one D1 batch (one transaction).
const ROUND: u32 = 500;
/// Rounds one run takes at most: 5,000 cases in ≤ 2 + 10 × (1 + 2 + 2 + 6) = 112 queries (a read,
/// then states, events and at most 3,000 messages in chunks), far below D1's 1,000 per
/// invocation. What is left waits for the next run, oldest check first.
const MAX_ROUNDS: u32 = 10;
/// Cases per write statement, so one JSON parameter stays well under D1's 2 MB a value.
const CHUNK: usize = 250;

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

/// A case's remembered sweep state, written only while the case is still at `version`.
#[derive(Serialize)]
struct Remember<'a> {
    id: &'a str,
    version: i64,
    alerted: &'static str,
    alerted_due: Option<i64>,
    step_alerted: Option<&'static str>,
    next_check_at: Option<i64>,
}

/// An alert on a case's timeline. The same alert for the same deadline always has the same id,
/// so a repeated or overlapping run inserts nothing new.
#[derive(Serialize)]
struct AlertEvent<'a> {
    id: String,
    case_id: &'a str,
    version: i64,
    r#type: &'static str,
    body: String,
    step: Option<&'static str>,
}

/// An alert's notification, before it is addressed to each recipient on each channel.
struct Notice {
    /// Index of the case's row in the round.
    row: usize,
    /// `case:alert:deadline`, the root of every message's dedupe key.
    cause: String,
    alert: Alert,
    body: String,
    send_at: i64,
    recipients: Vec<String>,
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

fn json<T: Serialize>(items: &[T]) -> Result<String, ApiError> {
    serde_json::to_string(items).map_err(|e| ApiError::Internal(format!("encode sweep writes: {e}")))
}

/// The round's writes: remembered states first, then events and messages, each guarded by the
/// case's version, chunked so each statement's one parameter stays small.
fn statements(db: &D1Database, remember: &[Remember], events: &[AlertEvent], messages: &[CaseMessage], now_ms: i64) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let mut out = Vec::new();
    for chunk in remember.chunks(CHUNK) {
        let chunk = json(chunk)?;
        // The case's primary key finds each row; a case changed since it was read keeps its state
        // (its change set next_check_at again, so the next run looks at it). sla_warned tells the
        // due-soon queue which part of it the case is in (0015_due_soon.sql).
        out.push(query!(
            db,
            "UPDATE cases SET alerted = r.value ->> 'alerted', alerted_due = r.value ->> 'alerted_due',
               step_alerted = r.value ->> 'step_alerted', next_check_at = r.value ->> 'next_check_at',
               sla_warned = cases.sla_due_soon_at <= ?2
             FROM json_each(?1) AS r WHERE cases.id = r.value ->> 'id' AND cases.version = r.value ->> 'version'",
            chunk,
            now_ms
        )?);
    }
    for chunk in events.chunks(CHUNK) {
        let chunk = json(chunk)?;
        out.push(query!(
            db,
            "INSERT OR IGNORE INTO case_events (id, case_id, type, body, author_id, created_at, step)
             SELECT e.value ->> 'id', e.value ->> 'case_id', e.value ->> 'type', e.value ->> 'body', NULL, ?2, e.value ->> 'step'
             FROM json_each(?1) AS e JOIN cases c ON c.id = e.value ->> 'case_id' AND c.version = e.value ->> 'version'",
            chunk,
            now_ms
        )?);
    }
    // A case has at most a handful of messages per alert; chunks of messages keep the same size.
    for chunk in messages.chunks(CHUNK * 2) {
        out.push(outbox::insert_for_cases(db, &json(chunk)?, now_ms)?);
    }
    Ok(out)
}

/// One run as of `now`. Returns what it did and what its D1 work cost.
pub async fn run(db: &D1Database, now: DateTime<Utc>, escalate_after: Duration) -> Result<BTreeMap<String, i64>, ApiError> {
    let now_ms = now.timestamp_millis();
    let mut meter = Meter::default();
    let mut counts = BTreeMap::new();
    let (mut examined, mut alerts, mut messages, mut rounds) = (0i64, 0i64, 0i64, 0i64);
    let mut context = None;
    for _ in 0..MAX_ROUNDS {
        // cases_next_check: only cases whose state can have changed since they were last looked
        // at. A round's writes move each case's next_check_at past now, so the next round reads on.
        let read = query!(
            db,
            "SELECT id, seq, subject, is_open, assignee_id, sla_due_soon_at, sla_due_at, step, step_due_at, alerted, alerted_due,
               step_alerted, version
             FROM cases WHERE next_check_at <= ?1 ORDER BY next_check_at LIMIT ?2",
            now_ms,
            ROUND
        )?;
        let result = meter.time(1, async { Ok(read.all().await?) }).await?;
        meter.rows(std::slice::from_ref(&result));
        let rows: Vec<Row> = result.results()?;
        if rows.is_empty() {
            break;
        }
        rounds += 1;
        examined += rows.len() as i64;
        if context.is_none() {
            let staff = meter.time(1, crate::db::users::roster(db)).await?;
            let calendar = meter.time(1, rules::load(db)).await?.calendar;
            context = Some((staff, calendar));
        }
        let (staff, calendar) = context.as_ref().expect("loaded above");

        let mut remember = Vec::with_capacity(rows.len());
        let mut events = Vec::new();
        let mut notices: Vec<Notice> = Vec::new();
        for (index, row) in rows.iter().enumerate() {
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
            remember.push(Remember {
                id: &row.id,
                version: row.version,
                alerted: e.alerted.as_str(),
                alerted_due: e.alerted_due.map(|t| t.timestamp_millis()),
                step_alerted: e.step_alerted.map(|s| s.as_str()),
                next_check_at: e.next_check_at.map(|t| t.timestamp_millis()),
            });
            let reference = domain::case::reference(row.seq);
            for &alert in &e.alerts {
                alerts += 1;
                let due = match alert {
                    Alert::StepBreached(_) => row.step_due_at.map(time).unwrap_or(watch.due_at),
                    _ => watch.due_at,
                };
                let cause = format!("{}:{}:{}", row.id, match alert { Alert::StepBreached(s) => s.as_str(), other => other.as_str() }, due.timestamp_millis());
                events.push(AlertEvent {
                    id: format!("sla:{cause}"),
                    case_id: &row.id,
                    version: row.version,
                    r#type: event_type(alert).as_str(),
                    body: due.to_rfc3339(),
                    step: match alert { Alert::StepBreached(s) => Some(s.as_str()), _ => None },
                });
                notices.push(Notice {
                    row: index,
                    body: message(alert, &reference, &row.subject, due),
                    send_at: sweep::send_at(alert, calendar, now).timestamp_millis(),
                    recipients: sweep::recipients(alert, row.assignee_id.as_deref(), staff),
                    cause,
                    alert,
                });
            }
        }
        let mut outgoing = Vec::new();
        for notice in &notices {
            let row = &rows[notice.row];
            for recipient in &notice.recipients {
                for channel in [Channel::InApp, Channel::Email] {
                    outgoing.push(CaseMessage {
                        id: crate::ids::new_id()?,
                        dedupe_key: format!("{}:{recipient}:{}", notice.cause, channel.as_str()),
                        channel: channel.as_str(),
                        recipient_id: recipient,
                        kind: notice.alert.as_str(),
                        case_id: &row.id,
                        subject: &row.subject,
                        body: &notice.body,
                        send_at: notice.send_at,
                        version: row.version,
                    });
                }
            }
        }
        messages += outgoing.len() as i64;
        // One batch is one transaction: a round's states, events and messages land together.
        let writes = statements(db, &remember, &events, &outgoing, now_ms)?;
        let n = writes.len();
        let results = meter.time(n, async { Ok(db.batch(writes).await?) }).await?;
        meter.rows(&results);
        if rows.len() < ROUND as usize {
            break;
        }
    }
    counts.insert("examined".to_string(), examined);
    counts.insert("alerts".to_string(), alerts);
    counts.insert("messages".to_string(), messages);
    counts.insert("rounds".to_string(), rounds);
    meter.report(&mut counts);
    Ok(counts)
}
