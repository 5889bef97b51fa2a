//! Appointment reminders (five-minute cron, before delivery): the day before, at 10:00 in the
//! institution's zone, each booked appointment's reminder goes to the customer's e-mail or phone.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::appointment::{address, message};
use domain::calendar::BusinessCalendar;
use worker::D1Database;

use crate::db::appointments::{self as db, Message};
use crate::error::ApiError;
use crate::ids::new_id;

/// Reminders one run writes at most (in one batch of up to two statements each).
const PER_RUN: u32 = 50;

/// The reminder job (five-minute cron): each booked appointment whose reminder is due is taken
/// (so an overlapping run skips it) and its reminder written to the outbox right after, guarded
/// by the take; all of a run's in one batch. Delivery sends them in the same run.
pub async fn run(db_: &D1Database, now: DateTime<Utc>, calendar: &BusinessCalendar, institution: &str) -> Result<BTreeMap<String, i64>, ApiError> {
    let due = db::due_reminders(db_, now.timestamp_millis(), PER_RUN).await?;
    let mut batch = Vec::new();
    // Where each reminder's outbox insert stands in the batch.
    let mut messages = Vec::new();
    for stored in &due {
        let a = &stored.appointment;
        batch.push(db::take_reminder(db_, &a.id)?);
        if let Some((channel, to)) = address(stored.phone.as_deref(), stored.email.as_deref()) {
            let (subject, body) = message("appointment_reminder", &a.public, calendar, institution, None);
            let key = format!("appointment:{}:reminder:{}", a.id, a.public.start.timestamp_millis());
            messages.push(batch.len());
            batch.push(db::insert_message(db_, &Message { id: &new_id()?, appointment_id: &a.id, dedupe_key: &key, channel, address: &to, kind: "appointment_reminder", subject: &subject, body: &body }, now.timestamp_millis())?);
        }
    }
    // D1 counts each statement against an invocation's queries: the read, then the batch's.
    let queries = 1 + batch.len() as i64;
    let results = if batch.is_empty() { Vec::new() } else { db_.batch(batch).await? };
    let sent = messages.iter().filter(|i| results.get(**i).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes) == Some(1)).count();
    Ok([("due".to_string(), due.len() as i64), ("reminders".to_string(), sent as i64), ("queries".to_string(), queries)].into_iter().collect())
}
