//! Delivery of pending e-mail and SMS through the configured provider: a JSON POST to
//! `NOTIFY_URL` with the secret `NOTIFY_SECRET` in `X-Kefu-Secret` and the message id in
//! `Idempotency-Key` (a provider that sees an id twice can drop the second). Failures are
//! retried with exponential backoff and dead-lettered after `MAX_ATTEMPTS`.
//!
//! Survey invitations go in batches instead, `{"messages": [...]}` with each message's own id
//! (SMS gateways and mail services take a list per request): [`BATCH`] per request and up to
//! [`BATCHES`] requests a run (as many as D1's queries per invocation allow after the sweep and
//! dispatch), so up to 1,200,000 an hour, none during their schedule's quiet hours.
//! Staff alerts are read apart and sent first, so they never wait behind a survey.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use domain::survey::Schedule;
use serde::Serialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, Fetch, Headers, Method, Request, RequestInit};

use crate::db::outbox;
use crate::db::surveys::encode;
use crate::error::ApiError;

/// Messages one run sends at most (each is one outbound request).
pub const PER_RUN: u32 = 25;
/// Survey invitations one provider request carries.
pub const BATCH: u32 = 1_000;
/// Provider requests for survey invitations one run makes at most.
pub const BATCHES: u32 = 100;
/// D1 queries one batch takes: read a page, take it, mark it sent (two statements).
pub const QUERIES_PER_BATCH: i64 = 4;
/// D1 queries the staff messages take at most: the read, a claim and two marks for each.
pub const DIRECT_QUERIES: i64 = 1 + 3 * PER_RUN as i64;
/// After this many failed attempts a message is dead-lettered for an admin to retry.
pub const MAX_ATTEMPTS: u32 = 8;
/// How long a run holds a message it is sending before another run may take it.
const LEASE_MS: i64 = 120_000;

/// The provider's address and secret; `None` when none is configured (local development).
pub struct Provider {
    pub url: String,
    pub secret: String,
}

#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    channel: &'a str,
    to: Option<&'a str>,
    kind: &'a str,
    subject: &'a str,
    body: &'a str,
}

async fn send(provider: &Provider, m: &outbox::Due) -> Result<(), String> {
    let to = m.address.as_deref().or(m.email.as_deref());
    let payload = Payload { id: &m.id, channel: &m.channel, to, kind: &m.kind, subject: &m.subject, body: &m.body };
    post(provider, &payload, &m.id).await
}

#[derive(Serialize)]
struct Batch<'a> {
    messages: Vec<Payload<'a>>,
}

/// One request: `payload` as JSON, with `key` as its Idempotency-Key.
async fn post(provider: &Provider, payload: &impl Serialize, key: &str) -> Result<(), String> {
    let json = serde_json::to_string(payload).map_err(|e| format!("encode: {e}"))?;
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|_| "headers".to_string());
    set("Content-Type", "application/json")?;
    set("X-Kefu-Secret", &provider.secret)?;
    set("Idempotency-Key", key)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(JsValue::from_str(&json)));
    let request = Request::new_with_init(&provider.url, &init).map_err(|_| "the provider URL is not valid".to_string())?;
    // The error text names the status only: nothing of the message or the provider's answer.
    match Fetch::Request(request).send().await {
        Ok(response) if (200..300).contains(&response.status_code()) => Ok(()),
        Ok(response) => Err(format!("provider answered {}", response.status_code())),
        Err(_) => Err("provider unreachable".to_string()),
    }
}

/// Sends what is due: staff messages, then survey invitations in at most `batches` requests.
pub async fn run(db: &D1Database, now: DateTime<Utc>, zone: Tz, provider: Option<&Provider>, batches: u32) -> Result<BTreeMap<String, i64>, ApiError> {
    let now_ms = now.timestamp_millis();
    let mut counts = BTreeMap::new();
    let Some(provider) = provider else {
        counts.insert("provider_configured".to_string(), 0);
        return Ok(counts);
    };
    direct(db, now_ms, provider, &mut counts).await?;
    invitations(db, now, zone, provider, batches, &mut counts).await?;
    Ok(counts)
}

/// Staff alerts and replies, one request each.
async fn direct(db: &D1Database, now_ms: i64, provider: &Provider, counts: &mut BTreeMap<String, i64>) -> Result<(), ApiError> {
    let due = outbox::due(db, now_ms, PER_RUN).await?;
    let (mut sent, mut retried, mut dead, mut skipped) = (0, 0, 0, 0);
    if due.is_empty() {
        counts.insert("due".to_string(), 0);
        return Ok(());
    }
    // Take them all in one batch; the ones another run took first are left to it.
    let claims = due.iter().map(|m| outbox::claim(db, &m.id, m.next_attempt_at, now_ms, LEASE_MS)).collect::<Result<Vec<_>, _>>()?;
    let taken: Vec<bool> = db.batch(claims).await?.iter().map(|r| r.meta().ok().flatten().and_then(|m| m.changes) == Some(1)).collect();
    for (m, taken) in due.iter().zip(taken) {
        if !taken {
            skipped += 1;
            continue;
        }
        match send(provider, m).await {
            Ok(()) => {
                outbox::delivered(db, &m.id, now_ms).await?;
                sent += 1;
            }
            Err(error) => {
                let attempts = m.attempts + 1;
                let give_up = attempts >= MAX_ATTEMPTS;
                outbox::failed(db, &m.id, &error, now_ms + domain::sweep::retry_delay(attempts).num_milliseconds(), give_up).await?;
                if give_up { dead += 1 } else { retried += 1 }
            }
        }
    }
    counts.insert("due".to_string(), due.len() as i64);
    counts.insert("sent".to_string(), sent);
    counts.insert("retry".to_string(), retried);
    counts.insert("dead".to_string(), dead);
    counts.insert("skipped".to_string(), skipped);
    Ok(())
}

/// Survey invitations, in batches: each page is taken (or, in its schedule's quiet hours,
/// moved to their end) in one statement, sent in one request, and marked in one batch.
async fn invitations(db: &D1Database, now: DateTime<Utc>, zone: Tz, provider: &Provider, batches: u32, counts: &mut BTreeMap<String, i64>) -> Result<(), ApiError> {
    let now_ms = now.timestamp_millis();
    let (mut sent, mut deferred, mut failed, mut requests) = (0i64, 0i64, 0i64, 0i64);
    let mut schedules: BTreeMap<String, Option<i64>> = BTreeMap::new();
    for _ in 0..batches {
        let page = outbox::due_invitations(db, now_ms, BATCH).await?;
        if page.is_empty() {
            break;
        }
        let full = page.len() == BATCH as usize;
        // The end of each message's schedule's quiet hours, if they are now; else it is sent.
        let quiet_until: Vec<Option<i64>> = page
            .iter()
            .map(|m| {
                if let Some(until) = schedules.get(&m.schedule) {
                    return *until;
                }
                let send_at = serde_json::from_str::<Schedule>(&m.schedule).ok().map(|s| s.send_at(zone, now).timestamp_millis());
                let until = send_at.filter(|&t| t > now_ms);
                schedules.insert(m.schedule.clone(), until);
                until
            })
            .collect();
        let moves: Vec<outbox::Move> = page
            .iter()
            .zip(&quiet_until)
            .map(|(m, until)| outbox::Move { id: &m.id, seen: m.next_attempt_at, to: until.unwrap_or(now_ms + LEASE_MS) })
            .collect();
        let taken = outbox::claim_all(db, &encode(&moves)?).await?;
        let taken: std::collections::BTreeSet<&str> = taken.iter().map(String::as_str).collect();
        let mut sending = Vec::new();
        for (m, until) in page.iter().zip(&quiet_until) {
            match (taken.contains(m.id.as_str()), until) {
                (false, _) => {}
                (true, Some(_)) => deferred += 1,
                (true, None) => sending.push(m),
            }
        }
        if !sending.is_empty() {
            let batch = Batch {
                messages: sending
                    .iter()
                    .map(|m| Payload { id: &m.id, channel: &m.channel, to: m.address.as_deref(), kind: "survey", subject: &m.subject, body: &m.body })
                    .collect(),
            };
            requests += 1;
            match post(provider, &batch, &format!("batch:{}", sending[0].id)).await {
                Ok(()) => {
                    let ids: Vec<&str> = sending.iter().map(|m| m.id.as_str()).collect();
                    outbox::delivered_all(db, &encode(&ids)?, now_ms).await?;
                    sent += sending.len() as i64;
                }
                Err(error) => {
                    let failures: Vec<outbox::Failure> = sending
                        .iter()
                        .map(|m| {
                            let attempts = m.attempts + 1;
                            outbox::Failure {
                                id: &m.id,
                                retry_at: now_ms + domain::sweep::retry_delay(attempts).num_milliseconds(),
                                dead: attempts >= MAX_ATTEMPTS,
                            }
                        })
                        .collect();
                    outbox::failed_all(db, &encode(&failures)?, &error).await?;
                    failed += sending.len() as i64;
                    // The provider is down: the rest waits for the next run.
                    break;
                }
            }
        }
        if !full {
            break;
        }
    }
    counts.insert("survey_sent".to_string(), sent);
    counts.insert("survey_deferred".to_string(), deferred);
    counts.insert("survey_failed".to_string(), failed);
    counts.insert("survey_requests".to_string(), requests);
    Ok(())
}
