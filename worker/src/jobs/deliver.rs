//! Delivery of pending e-mail and SMS through the configured provider: a JSON POST to
//! `NOTIFY_URL` with the secret `NOTIFY_SECRET` in `X-Kefu-Secret` and the message id in
//! `Idempotency-Key` (a provider that sees an id twice can drop the second). Failures are
//! retried with exponential backoff and dead-lettered after `MAX_ATTEMPTS`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, Fetch, Headers, Method, Request, RequestInit};

use crate::db::outbox;
use crate::error::ApiError;

/// Messages one run sends at most (each is one outbound request).
pub const PER_RUN: u32 = 25;
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
    let json = serde_json::to_string(&payload).map_err(|e| format!("encode: {e}"))?;
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|_| "headers".to_string());
    set("Content-Type", "application/json")?;
    set("X-Kefu-Secret", &provider.secret)?;
    set("Idempotency-Key", &m.id)?;
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

pub async fn run(db: &D1Database, now: DateTime<Utc>, provider: Option<&Provider>) -> Result<BTreeMap<String, i64>, ApiError> {
    let now_ms = now.timestamp_millis();
    let mut counts = BTreeMap::new();
    let Some(provider) = provider else {
        counts.insert("provider_configured".to_string(), 0);
        return Ok(counts);
    };
    let due = outbox::due(db, now_ms, PER_RUN).await?;
    let (mut sent, mut retried, mut dead, mut skipped) = (0, 0, 0, 0);
    if due.is_empty() {
        counts.insert("due".to_string(), 0);
        return Ok(counts);
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
    Ok(counts)
}
