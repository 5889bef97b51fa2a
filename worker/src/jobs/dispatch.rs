//! Survey dispatch: starts a run for each schedule that is due (one per scheduled instant, even
//! when crons overlap), then walks the customers in id order in chunks, inviting each one in the
//! audience once, with a link whose token is stored only as its hash, and the message carrying
//! it into the outbox. A chunk's invitations, messages, the customers' "last surveyed" and the
//! run's cursor and counters are one D1 batch, so a run that dies resumes where it stopped.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use domain::survey::Cadence;
use domain::customer::{Lifecycle, Segment};
use domain::survey::{Invitee, Schedule, SurveyChannel};
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use crate::db::meter::Meter;
use crate::db::surveys::encode;
use crate::error::ApiError;
use crate::ids;

/// Customers a chunk looks at. Its invitations and messages are one JSON parameter each
/// (about 0.3 MB and 0.8 MB at most, under D1's 2 MB a value).
const CHUNK: u32 = 2_000;
/// Chunks one invocation writes at most: 240,000 customers, ≤ 120 × 5 queries (with the
/// sweep's ≤ 112 and delivery's in the same `*/5` invocation, under D1's 1,000 queries per
/// invocation). The hourly run and four `*/5` continuations invite 1,000,000 customers, so a
/// quarterly audience of that size is in the outbox some 20 minutes after its hour (bench).
/// Chunking alone meets the hour, so no queue is needed for the fan-out.
const MAX_CHUNKS: u32 = 120;

/// What a message needs to say and where it goes.
pub struct Message {
    pub institution: String,
    pub public_url: String,
}

#[derive(Deserialize)]
struct DueSchedule {
    id: String,
    template_id: String,
    schedule: String,
    next_run_at: i64,
}

#[derive(Deserialize)]
struct OpenRun {
    id: String,
    template_id: String,
    schedule_id: String,
    cursor: String,
    schedule: String,
}

#[derive(Deserialize)]
struct CustomerRow {
    id: String,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    segment: String,
    lifecycle: String,
    consent_contact: i64,
    language: String,
    last_surveyed_at: Option<i64>,
    left_at: Option<i64>,
    products: Option<String>,
}

#[derive(Serialize)]
struct NewInvitation<'a> {
    id: String,
    token_hash: String,
    customer_id: &'a str,
    expires_at: i64,
}

#[derive(Serialize)]
struct NewMessage<'a> {
    id: String,
    invitation_id: &'a str,
    dedupe_key: String,
    address: &'a str,
    body: String,
    subject: &'static str,
}

/// The message inviting a customer, in their language: institution, given name, link, expiry.
pub fn invitation_text(m: &Message, lang: &str, name: &str, token: &str, link_days: i64) -> String {
    let first = domain::questionnaire::first_name(name);
    let link = format!("{}/s/{token}", m.public_url.trim_end_matches('/'));
    if lang == "en" {
        format!("[{}] Dear {first}, please tell us how we did: {link} (valid for {link_days} days)", m.institution)
    } else {
        format!("【{}】{first}您好，诚邀您参加满意度调查：{link}（{link_days}天内有效）", m.institution)
    }
}

fn parse<T: std::str::FromStr>(text: &str) -> Option<T> {
    text.parse().ok()
}

/// The columns [`CustomerRow`] reads, from `customers c`.
const CUSTOMER_COLUMNS: &str = "c.id, c.name, c.phone, c.email, c.segment, c.lifecycle, c.consent_contact, c.language, c.last_surveyed_at, c.left_at,
   (SELECT group_concat(p.product_code) FROM customer_products p WHERE p.customer_id = c.id) AS products";

/// The address to invite a customer at, if they are in the schedule's audience now.
fn invitee<'a>(row: &'a CustomerRow, schedule: &Schedule, now: DateTime<Utc>) -> Option<&'a str> {
    let address = match schedule.channel {
        SurveyChannel::Email => row.email.as_deref(),
        SurveyChannel::Sms => row.phone.as_deref(),
    }
    .filter(|a| !a.trim().is_empty());
    let invitee = Invitee {
        id: row.id.clone(),
        segment: parse::<Segment>(&row.segment).unwrap_or(Segment::Mass),
        lifecycle: parse::<Lifecycle>(&row.lifecycle).unwrap_or(Lifecycle::Existing),
        products: row.products.as_deref().unwrap_or("").split(',').filter(|p| !p.is_empty()).map(str::to_string).collect(),
        consented: row.consent_contact != 0,
        reachable: address.is_some(),
        last_surveyed_at: row.last_surveyed_at.and_then(DateTime::from_timestamp_millis),
    };
    schedule.includes(&invitee, now).then_some(address).flatten()
}

fn channel(schedule: &Schedule) -> &'static str {
    match schedule.channel {
        SurveyChannel::Email => "email",
        SurveyChannel::Sms => "sms",
    }
}

/// The survey a closing complaint's customer is sent when an after-complaint schedule is
/// active and they are in its audience: statements for the close's own batch, each written only
/// if the case moved to `version` (the close happened), sent `delay_hours` later (after quiet
/// hours). The month's run collects these invitations, so results read per month.
pub async fn after_complaint(
    db: &D1Database,
    case_id: &str,
    customer_id: &str,
    version: i64,
    now: DateTime<Utc>,
    zone: Tz,
    message: &Message,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    #[derive(Deserialize)]
    struct Active {
        id: String,
        template_id: String,
        schedule: String,
    }
    // survey_schedules_by_trigger
    let active: Option<Active> = query!(
        db,
        "SELECT id, template_id, schedule FROM survey_schedules WHERE trigger = 'after_complaint' AND active = 1 ORDER BY created_at LIMIT 1"
    )
    .first(None)
    .await?;
    let Some(active) = active else { return Ok(Vec::new()) };
    let Ok(schedule) = serde_json::from_str::<Schedule>(&active.schedule) else { return Ok(Vec::new()) };
    let Cadence::AfterComplaint { delay_hours } = schedule.cadence else { return Ok(Vec::new()) };
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE c.id = ?1");
    let Some(row) = query!(db, &sql, customer_id)?.first::<CustomerRow>(None).await? else { return Ok(Vec::new()) };
    let Some(address) = invitee(&row, &schedule, now) else { return Ok(Vec::new()) };

    let local = now.with_timezone(&zone);
    let month_start = zone.with_ymd_and_hms(local.year(), local.month(), 1, 0, 0, 0).earliest().map_or(now, |t| t.with_timezone(&Utc));
    let run_id = format!("{}:{}", active.id, local.format("%Y-%m"));
    let send_at = schedule.send_at(zone, now + Duration::hours(i64::from(delay_hours)));
    let token = ids::new_token()?;
    let invitation_id = ids::new_id()?;
    let message_id = ids::new_id()?;
    let now_ms = now.timestamp_millis();
    Ok(vec![
        query!(
            db,
            "INSERT OR IGNORE INTO survey_runs (id, schedule_id, template_id, scheduled_for, started_at, finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            &run_id,
            &active.id,
            &active.template_id,
            month_start.timestamp_millis(),
            now_ms
        )?,
        query!(
            db,
            "INSERT OR IGNORE INTO survey_invitations (id, token_hash, run_id, schedule_id, template_id, customer_id, case_id, channel, created_at, expires_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?7 AND version = ?11)",
            &invitation_id,
            ids::token_hash(&token),
            &run_id,
            &active.id,
            &active.template_id,
            customer_id,
            case_id,
            channel(&schedule),
            now_ms,
            schedule.expires_at(send_at).timestamp_millis(),
            version
        )?,
        query!(db, "UPDATE survey_runs SET invited = invited + 1 WHERE id = ?1 AND changes() = 1", &run_id)?,
        query!(
            db,
            "INSERT OR IGNORE INTO outbox (id, dedupe_key, channel, address, kind, case_id, subject, body, status, attempts, next_attempt_at, created_at, invitation_id)
             SELECT ?1, ?2, ?3, ?4, 'survey', ?5, ?6, ?7, 'pending', 0, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM survey_invitations WHERE id = ?10)",
            &message_id,
            format!("survey:case:{case_id}"),
            channel(&schedule),
            address,
            case_id,
            "投诉处理满意度回访 / How did we handle your complaint?",
            invitation_text(message, &row.language, &row.name, &token, schedule.link_days),
            send_at.timestamp_millis(),
            now_ms,
            &invitation_id
        )?,
    ])
}

pub async fn run(db: &D1Database, now: DateTime<Utc>, zone: Tz, message: &Message) -> Result<BTreeMap<String, i64>, ApiError> {
    let now_ms = now.timestamp_millis();
    let mut meter = Meter::default();
    let mut counts = BTreeMap::new();

    // Start a run for each schedule that is due (survey_schedules_due). The run is unique per
    // schedule and instant, and the schedule moves on only from the instant it was read at.
    let due: Vec<DueSchedule> = meter
        .time(1, async {
            Ok(query!(db, "SELECT id, template_id, schedule, next_run_at FROM survey_schedules WHERE next_run_at <= ?1 ORDER BY next_run_at LIMIT 20", now_ms)?
                .all()
                .await?
                .results()?)
        })
        .await?;
    let mut started = 0;
    for s in &due {
        let Ok(schedule) = serde_json::from_str::<Schedule>(&s.schedule) else { continue };
        let next = schedule.next_run(zone, now).map(|t| t.timestamp_millis());
        let run_id = format!("{}:{}", s.id, s.next_run_at);
        let statements = vec![
            query!(
                db,
                "INSERT OR IGNORE INTO survey_runs (id, schedule_id, template_id, scheduled_for, started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                &run_id,
                &s.id,
                &s.template_id,
                s.next_run_at,
                now_ms
            )?,
            query!(db, "UPDATE survey_schedules SET next_run_at = ?3, last_run_id = ?4 WHERE id = ?1 AND next_run_at = ?2", &s.id, s.next_run_at, next, &run_id)?,
        ];
        meter.time(2, async { Ok(db.batch(statements).await?) }).await?;
        started += 1;
    }
    counts.insert("runs_started".to_string(), started);

    // Continue the runs still inviting, oldest first (survey_runs_unfinished); a paused
    // schedule's run waits where it is until the schedule is resumed.
    let runs: Vec<OpenRun> = meter
        .time(1, async {
            Ok(query!(
                db,
                "SELECT r.id, r.template_id, r.schedule_id, r.cursor, s.schedule FROM survey_runs r JOIN survey_schedules s ON s.id = r.schedule_id
                 WHERE r.finished_at IS NULL AND s.active = 1 ORDER BY r.started_at LIMIT 10"
            )
            .all()
            .await?
            .results()?)
        })
        .await?;
    let (mut looked_at, mut invited, mut chunks) = (0i64, 0i64, 0u32);
    'runs: for run in &runs {
        let schedule: Schedule = serde_json::from_str(&run.schedule).map_err(|_| ApiError::Internal("unreadable survey schedule".into()))?;
        let mut cursor = run.cursor.clone();
        // Sent once the quiet hours are over; the link lives from then.
        let sending = schedule.send_at(zone, now);
        let (send_at, expires_at) = (sending.timestamp_millis(), schedule.expires_at(sending).timestamp_millis());
        loop {
            if chunks == MAX_CHUNKS {
                break 'runs;
            }
            chunks += 1;
            // The customers after the cursor, by primary key, with the products each holds.
            let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers c WHERE c.id > ?1 ORDER BY c.id LIMIT ?2");
            let rows: Vec<CustomerRow> = meter
                .time(1, async {
                    Ok(query!(
                        db,
                        &sql,
                        &cursor,
                        CHUNK
                    )?
                    .all()
                    .await?
                    .results()?)
                })
                .await?;
            let done = rows.len() < CHUNK as usize;
            let last = rows.last().map(|r| r.id.clone()).unwrap_or_else(|| cursor.clone());
            let mut tokens = Vec::new();
            for row in &rows {
                // Customers who have left the institution are no longer asked (the survey after
                // a complaint still asks them about its handling).
                if let Some(address) = invitee(row, &schedule, now).filter(|_| row.left_at.is_none()) {
                    tokens.push((row, address, ids::new_token()?));
                }
            }
            let invitations: Vec<NewInvitation> = tokens
                .iter()
                .map(|(row, _, token)| Ok(NewInvitation { id: ids::new_id()?, token_hash: ids::token_hash(token), customer_id: &row.id, expires_at }))
                .collect::<Result<_, ApiError>>()?;
            let messages: Vec<NewMessage> = tokens
                .iter()
                .zip(&invitations)
                .map(|((row, address, token), inv)| {
                    Ok(NewMessage {
                        id: ids::new_id()?,
                        invitation_id: &inv.id,
                        dedupe_key: format!("survey:{}:{}", run.id, row.id),
                        address,
                        body: invitation_text(message, &row.language, &row.name, token, schedule.link_days),
                        subject: "满意度调查 / Satisfaction survey",
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            let channel = channel(&schedule);
            let invitation_json = encode(&invitations)?;
            let message_json = encode(&messages)?;
            let statements = vec![
                // The cursor moves only from where this run read it: an overlapping run that
                // wrote the same chunk first has moved it, and the counts are not added twice.
                query!(
                    db,
                    "UPDATE survey_runs SET cursor = ?3, looked_at = looked_at + ?4, invited = invited + ?5, finished_at = ?6 WHERE id = ?1 AND cursor = ?2",
                    &run.id,
                    &cursor,
                    &last,
                    rows.len() as i64,
                    invitations.len() as i64,
                    done.then_some(now_ms)
                )?,
                // Unique per run and customer: a chunk written twice invites nobody twice.
                query!(
                    db,
                    "INSERT OR IGNORE INTO survey_invitations (id, token_hash, run_id, schedule_id, template_id, customer_id, channel, created_at, expires_at)
                     SELECT i.value ->> 'id', i.value ->> 'token_hash', ?2, ?3, ?4, i.value ->> 'customer_id', ?5, ?6, i.value ->> 'expires_at'
                     FROM json_each(?1) AS i",
                    &invitation_json,
                    &run.id,
                    &run.schedule_id,
                    &run.template_id,
                    channel,
                    now_ms
                )?,
                // A message only for an invitation this chunk wrote (its id is in the table).
                query!(
                    db,
                    "INSERT OR IGNORE INTO outbox (id, dedupe_key, channel, address, kind, subject, body, status, attempts, next_attempt_at, created_at, invitation_id)
                     SELECT m.value ->> 'id', m.value ->> 'dedupe_key', ?2, m.value ->> 'address', 'survey', m.value ->> 'subject', m.value ->> 'body',
                       'pending', 0, ?3, ?4, m.value ->> 'invitation_id'
                     FROM json_each(?1) AS m JOIN survey_invitations i ON i.id = m.value ->> 'invitation_id'",
                    &message_json,
                    channel,
                    send_at,
                    now_ms
                )?,
                query!(
                    db,
                    "UPDATE customers SET last_surveyed_at = ?2
                     WHERE id IN (SELECT s.customer_id FROM json_each(?1) AS i JOIN survey_invitations s ON s.id = i.value ->> 'id')",
                    &invitation_json,
                    now_ms
                )?,
            ];
            let results = meter.time(4, async { Ok(db.batch(statements).await?) }).await?;
            meter.rows(&results);
            looked_at += rows.len() as i64;
            invited += invitations.len() as i64;
            cursor = last;
            if done {
                break;
            }
        }
    }
    counts.insert("customers".to_string(), looked_at);
    counts.insert("invited".to_string(), invited);
    counts.insert("chunks".to_string(), i64::from(chunks));
    meter.report(&mut counts);
    Ok(counts)
}
