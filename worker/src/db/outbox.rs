//! The outbox: notifications written with the event that caused them, delivered by the cron.

use domain::api::{InboxItem, OutboxMessage};
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::time;
use crate::error::ApiError;

/// Where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    InApp,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Email => "email",
        }
    }
}

/// A message about a case for a member of staff, one of a set written by one statement.
#[derive(Serialize)]
pub struct CaseMessage<'a> {
    pub id: String,
    pub dedupe_key: String,
    pub channel: &'static str,
    pub recipient_id: &'a str,
    pub kind: &'static str,
    pub case_id: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// When it may be sent (reminders wait for business hours).
    pub send_at: i64,
    /// The case's version when the message was decided on.
    pub version: i64,
}

/// Inserts the messages (a JSON array of [`CaseMessage`], bound as one parameter), each unless
/// one with its dedupe key exists, and only while its case is still at the version it was
/// decided on (so a sweep that read a case just before an agent changed it announces nothing).
/// In-app messages are written as sent.
pub fn insert_for_cases(db: &D1Database, messages: &str, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT OR IGNORE INTO outbox (id, dedupe_key, channel, recipient_id, kind, case_id, subject, body, status,
           attempts, next_attempt_at, created_at, sent_at)
         SELECT m.value ->> 'id', m.value ->> 'dedupe_key', m.value ->> 'channel', m.value ->> 'recipient_id', m.value ->> 'kind',
           m.value ->> 'case_id', m.value ->> 'subject', m.value ->> 'body',
           CASE m.value ->> 'channel' WHEN 'in_app' THEN 'sent' ELSE 'pending' END, 0, m.value ->> 'send_at', ?2,
           CASE m.value ->> 'channel' WHEN 'in_app' THEN ?2 END
         FROM json_each(?1) AS m JOIN cases c ON c.id = m.value ->> 'case_id' AND c.version = m.value ->> 'version'",
        messages,
        now
    )?)
}

/// A message due for delivery.
#[derive(Deserialize)]
pub struct Due {
    pub id: String,
    pub channel: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub attempts: u32,
    pub next_attempt_at: i64,
}

/// Pending e-mail and SMS whose attempt time has come, oldest first, survey invitations aside
/// (outbox_due_direct): staff alerts and replies are never queued behind a survey's million.
pub async fn due(db: &D1Database, now: i64, limit: u32) -> Result<Vec<Due>, ApiError> {
    Ok(query!(
        db,
        "SELECT o.id, o.channel, u.email, o.address, o.kind, o.subject, o.body, o.attempts, o.next_attempt_at
         FROM outbox o LEFT JOIN users u ON u.id = o.recipient_id
         WHERE o.status = 'pending' AND o.invitation_id IS NULL AND o.next_attempt_at <= ?1 ORDER BY o.next_attempt_at LIMIT ?2",
        now,
        limit
    )?
    .all()
    .await?
    .results()?)
}

/// Takes a message for this run: moves its attempt time on by `lease_ms` if nobody else has.
/// An overlapping run finds it moved and leaves it; a run that dies leaves it to the lease's end.
/// The statement changed a row when the message was taken.
pub fn claim(db: &D1Database, id: &str, seen_at: i64, now: i64, lease_ms: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "UPDATE outbox SET next_attempt_at = ?3 WHERE id = ?1 AND status = 'pending' AND next_attempt_at = ?2",
        id,
        seen_at,
        now + lease_ms
    )?)
}

/// Marks a message sent; a survey invitation's is counted on its run (survey_runs.delivered).
pub async fn delivered(db: &D1Database, id: &str, now: i64) -> Result<(), ApiError> {
    db.batch(vec![
        query!(db, "UPDATE outbox SET status = 'sent', sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1 AND status = 'pending'", id, now)?,
        query!(
            db,
            "UPDATE survey_runs SET delivered = delivered + 1
             WHERE id = (SELECT i.run_id FROM outbox o JOIN survey_invitations i ON i.id = o.invitation_id WHERE o.id = ?1) AND changes() = 1",
            id
        )?,
    ])
    .await?;
    Ok(())
}

/// Records a failed attempt: tried again at `retry_at`, or dead-lettered when `dead`.
pub async fn failed(db: &D1Database, id: &str, error: &str, retry_at: i64, dead: bool) -> Result<(), ApiError> {
    query!(
        db,
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3, status = ?4 WHERE id = ?1",
        id,
        error,
        retry_at,
        if dead { "dead" } else { "pending" }
    )?
    .run()
    .await?;
    Ok(())
}

/// A survey invitation due for delivery, with its schedule (for the quiet hours).
#[derive(Deserialize)]
pub struct DueInvitation {
    pub id: String,
    pub channel: String,
    pub address: Option<String>,
    pub subject: String,
    pub body: String,
    pub attempts: u32,
    pub next_attempt_at: i64,
    pub schedule: String,
}

/// Pending survey invitations whose time has come, oldest first (outbox_due).
pub async fn due_invitations(db: &D1Database, now: i64, limit: u32) -> Result<Vec<DueInvitation>, ApiError> {
    Ok(query!(
        db,
        "SELECT o.id, o.channel, o.address, o.subject, o.body, o.attempts, o.next_attempt_at, s.schedule
         FROM outbox o JOIN survey_invitations i ON i.id = o.invitation_id JOIN survey_schedules s ON s.id = i.schedule_id
         WHERE o.status = 'pending' AND o.invitation_id IS NOT NULL AND o.next_attempt_at <= ?1 ORDER BY o.next_attempt_at LIMIT ?2",
        now,
        limit
    )?
    .all()
    .await?
    .results()?)
}

/// A message to move to a new attempt time, if it is still where it was seen.
#[derive(Serialize)]
pub struct Move<'a> {
    pub id: &'a str,
    pub seen: i64,
    pub to: i64,
}

/// Takes or defers many messages at once (a JSON array of [`Move`]); returns the ids of those
/// moved, which this run now holds. Like [`claim`], an overlapping run finds them moved.
pub async fn claim_all(db: &D1Database, moves: &str) -> Result<Vec<String>, ApiError> {
    #[derive(Deserialize)]
    struct Taken {
        id: String,
    }
    let taken: Vec<Taken> = query!(
        db,
        "UPDATE outbox SET next_attempt_at = m.value ->> 'to' FROM json_each(?1) AS m
         WHERE outbox.id = m.value ->> 'id' AND outbox.status = 'pending' AND outbox.next_attempt_at = m.value ->> 'seen'
         RETURNING outbox.id",
        moves
    )?
    .all()
    .await?
    .results()?;
    Ok(taken.into_iter().map(|t| t.id).collect())
}

/// Marks many messages sent (a JSON array of ids), each counted once on its survey run.
pub async fn delivered_all(db: &D1Database, ids: &str, now: i64) -> Result<(), ApiError> {
    db.batch(vec![
        query!(
            db,
            "UPDATE survey_runs SET delivered = delivered + d.n
             FROM (SELECT i.run_id, count(*) AS n FROM json_each(?1) AS j JOIN outbox o ON o.id = j.value AND o.status = 'pending'
                   JOIN survey_invitations i ON i.id = o.invitation_id GROUP BY i.run_id) AS d
             WHERE survey_runs.id = d.run_id",
            ids
        )?,
        query!(
            db,
            "UPDATE outbox SET status = 'sent', sent_at = ?2, attempts = attempts + 1, last_error = NULL
             WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'pending'",
            ids,
            now
        )?,
    ])
    .await?;
    Ok(())
}

/// A failed attempt at one of many messages: tried again at `retry_at`, or dead-lettered.
#[derive(Serialize)]
pub struct Failure<'a> {
    pub id: &'a str,
    pub retry_at: i64,
    pub dead: bool,
}

/// Records a failed attempt at many messages (a JSON array of [`Failure`]).
pub async fn failed_all(db: &D1Database, failures: &str, error: &str) -> Result<(), ApiError> {
    query!(
        db,
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = f.value ->> 'retry_at',
           status = CASE WHEN f.value ->> 'dead' THEN 'dead' ELSE 'pending' END
         FROM json_each(?1) AS f WHERE outbox.id = f.value ->> 'id'",
        failures,
        error
    )?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct InboxRow {
    id: String,
    kind: String,
    case_id: Option<String>,
    seq: Option<i64>,
    subject: String,
    body: String,
    created_at: i64,
    read_at: Option<i64>,
}

/// A user's latest in-app messages (outbox_inbox) and how many are unread (outbox_unread).
pub async fn inbox(db: &D1Database, user_id: &str, limit: u32) -> Result<(u32, Vec<InboxItem>), ApiError> {
    #[derive(Deserialize)]
    struct Count {
        n: u32,
    }
    let results = db
        .batch(vec![
            query!(db, "SELECT COUNT(*) AS n FROM outbox WHERE recipient_id = ?1 AND channel = 'in_app' AND read_at IS NULL", user_id)?,
            query!(
                db,
                "SELECT o.id, o.kind, o.case_id, c.seq, o.subject, o.body, o.created_at, o.read_at
                 FROM outbox o LEFT JOIN cases c ON c.id = o.case_id
                 WHERE o.recipient_id = ?1 AND o.channel = 'in_app' ORDER BY o.created_at DESC LIMIT ?2",
                user_id,
                limit
            )?,
        ])
        .await?;
    let unread = results.first().map(|r| r.results::<Count>()).transpose()?.and_then(|c| c.first().map(|c| c.n)).unwrap_or(0);
    let rows: Vec<InboxRow> = results.get(1).map(|r| r.results()).transpose()?.unwrap_or_default();
    let items = rows
        .into_iter()
        .map(|r| InboxItem {
            id: r.id,
            kind: r.kind,
            case_id: r.case_id,
            case_reference: r.seq.map(domain::case::reference),
            subject: r.subject,
            body: r.body,
            created_at: time(r.created_at),
            read: r.read_at.is_some(),
        })
        .collect();
    Ok((unread, items))
}

/// Marks a user's in-app messages read: the ones named, or all.
pub async fn mark_read(db: &D1Database, user_id: &str, ids: Option<&[String]>, now: i64) -> Result<(), ApiError> {
    match ids {
        Some(ids) => {
            let list = serde_json::to_string(ids).map_err(|e| ApiError::Internal(format!("encode ids: {e}")))?;
            query!(
                db,
                "UPDATE outbox SET read_at = ?3 WHERE recipient_id = ?1 AND channel = 'in_app' AND read_at IS NULL
                   AND id IN (SELECT value FROM json_each(?2))",
                user_id,
                &list,
                now
            )?
            .run()
            .await?
        }
        None => query!(db, "UPDATE outbox SET read_at = ?2 WHERE recipient_id = ?1 AND channel = 'in_app' AND read_at IS NULL", user_id, now)?.run().await?,
    };
    Ok(())
}

#[derive(Deserialize)]
struct MessageRow {
    id: String,
    case_id: Option<String>,
    channel: String,
    kind: String,
    recipient_name: Option<String>,
    subject: String,
    status: String,
    attempts: u32,
    next_attempt_at: i64,
    last_error: Option<String>,
    created_at: i64,
}

/// Messages in one delivery state, for admins: dead letters newest first (outbox_dead), or
/// pending ones by their next attempt (outbox_due).
pub async fn by_status(db: &D1Database, status: &str, limit: u32) -> Result<Vec<OutboxMessage>, ApiError> {
    // The status is written into the statement, not bound: only then can SQLite use the
    // partial index that holds just that status.
    let (status, order) = if status == "dead" { ("dead", "o.created_at DESC") } else { ("pending", "o.next_attempt_at") };
    let sql = format!(
        "SELECT o.id, o.case_id, o.channel, o.kind, u.name AS recipient_name, o.subject, o.status, o.attempts, o.next_attempt_at,
           o.last_error, o.created_at
         FROM outbox o LEFT JOIN users u ON u.id = o.recipient_id WHERE o.status = '{status}' AND o.channel != 'in_app'
         ORDER BY {order} LIMIT ?1"
    );
    let rows: Vec<MessageRow> = query!(db, &sql, limit)?.all().await?.results()?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxMessage {
            id: r.id,
            case_id: r.case_id,
            channel: r.channel,
            kind: r.kind,
            recipient_name: r.recipient_name,
            subject: r.subject,
            status: r.status,
            attempts: r.attempts,
            next_attempt_at: time(r.next_attempt_at),
            last_error: r.last_error,
            created_at: time(r.created_at),
        })
        .collect())
}

/// Puts a dead letter back in the queue for the next run, if it is still dead.
pub fn retry(db: &D1Database, id: &str, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?2, last_error = NULL WHERE id = ?1 AND status = 'dead'", id, now)?)
}

/// An e-mail to one member of staff that is about no case (an invitation, a password link),
/// delivered to their address on the users table by the next run.
pub struct StaffEmail<'a> {
    pub id: &'a str,
    pub dedupe_key: &'a str,
    pub recipient_id: &'a str,
    pub kind: &'static str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub fn insert_staff_email(db: &D1Database, m: &StaffEmail, now: i64) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "INSERT INTO outbox (id, dedupe_key, channel, recipient_id, kind, subject, body, status, attempts, next_attempt_at, created_at)
         VALUES (?1, ?2, 'email', ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7)",
        m.id,
        m.dedupe_key,
        m.recipient_id,
        m.kind,
        m.subject,
        m.body,
        now
    )?)
}
