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

/// Reminders one run writes at most (three queries each).
const PER_RUN: u32 = 50;

/// The reminder job (five-minute cron): each booked appointment whose reminder is due is taken
/// (so an overlapping run skips it) and its reminder written to the outbox in the same batch;
/// delivery sends it in the same run.
pub async fn run(db_: &D1Database, now: DateTime<Utc>, calendar: &BusinessCalendar, institution: &str) -> Result<BTreeMap<String, i64>, ApiError> {
    let due = db::due_reminders(db_, now.timestamp_millis(), PER_RUN).await?;
    let mut sent = 0;
    for d in &due {
        let Some(stored) = db::by_id(db_, &d.id).await? else { continue };
        let mut batch = vec![db::take_reminder(db_, &d.id)?];
        if let Some((channel, to)) = address(stored.phone.as_deref(), stored.email.as_deref()) {
            let (subject, body) = message("appointment_reminder", &stored.appointment.public, calendar, institution, None);
            let key = format!("appointment:{}:reminder:{}", d.id, stored.appointment.public.start.timestamp_millis());
            batch.push(db::insert_message(db_, &Message { id: &new_id()?, dedupe_key: &key, channel, address: &to, kind: "appointment_reminder", subject: &subject, body: &body }, now.timestamp_millis())?);
        }
        let results = db_.batch(batch).await?;
        if results.get(1).and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes) == Some(1) {
            sent += 1;
        }
    }
    Ok([("due".to_string(), due.len() as i64), ("reminders".to_string(), sent), ("queries".to_string(), 1 + 3 * due.len() as i64)].into_iter().collect())
}
