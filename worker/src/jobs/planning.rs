//! Follow-up planning: for each customer whose next look has come, the domain's rules say which
//! follow-ups are due — the first one for new customers, periodic ones by segment, one after
//! each closed complaint — and each is registered as a follow-up case, routed like any other,
//! under a key that makes a repeated or overlapping run create nothing twice
//! (cases_by_follow_up_key). The customer's next look is set from the same rules.
//!
//! At bank scale the agents, not the planner, are the limit: a day gets no more follow-ups than
//! its agents at work can make (`daily_calls_per_agent`). Customers are taken most urgent first
//! (domain::follow_up::rank, kept in customers.plan_rank): those with a closed complaint always,
//! the rest only while the day has room; a customer whose follow-up waits keeps their due look
//! and is taken again, in the same order, when a day has room. Follow-ups after a complaint and
//! inside a cooling-off period (planned with the purchase) never wait, and take room too.
//!
//! A round reads up to [`CHUNK`] customers of each rank and writes what it decided in one batch
//! of set-based statements (one JSON array each, `json_each`), so a run's query count depends on
//! its rounds, not on how many follow-ups it creates.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::api::NewCase;
use domain::follow_up::{self, CustomerFacts, Reason, RANKS};
use domain::{CaseKind, Channel, Complexity};
use serde::{Deserialize, Serialize};
use worker::D1Database;

use crate::db::customers::{self, PlanRow};
use crate::db::meter::Meter;
use crate::db::query;
use crate::db::{cases, events, follow_ups, parse, time, users};
use crate::error::ApiError;
use crate::routes::cases::{Registered, Registration, Staffing};
use crate::rules::{self, Rules};

/// Customers one round reads of each rank.
pub const CHUNK: u32 = 500;
/// Rounds one run takes at most. With 1,000 follow-ups a round (1,000 customers, one each) a run
/// sends 3 + 10 × (5 + 2 + 22) = 293 queries (the staffing and the day's count; then per round
/// the reads by rank, the customers' complaints and keys, and the writes in chunks of
/// [`WRITE_CHUNK`]: cases 4, events 8, follow-up sides 4, agents 1, next looks 4, the count 1),
/// far below D1's 1,000 per invocation (the bench's busiest run: 215). What is left waits for
/// the next hour.
pub const ROUNDS: usize = 10;
/// Rows per write statement, so one JSON parameter stays well under D1's 2 MB a value.
const WRITE_CHUNK: usize = 250;

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

#[derive(Deserialize)]
struct Count {
    n: i64,
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

fn encode<T: Serialize + ?Sized>(what: &str, value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Internal(format!("encode {what}: {e}")))
}

/// What a run did, for the job log.
#[derive(Default)]
struct Tally {
    customers: i64,
    created: i64,
    already_there: i64,
    waited: i64,
    rounds: i64,
}

pub async fn run(db: &D1Database, now: DateTime<Utc>) -> Result<BTreeMap<String, i64>, ApiError> {
    let now_ms = now.timestamp_millis();
    let rules = rules::load(db).await?;
    let zone = rules.calendar.zone();
    // Routing's staffing and what today's capacity has been spent on, in one round trip.
    let mut reads = Staffing::statements(db)?.to_vec();
    let (day, next_day) = follow_up::day(zone, now);
    reads.push(follow_ups::created_between(db, day.timestamp_millis(), next_day.timestamp_millis())?);
    let mut meter = Meter::default();
    let read = meter.time(reads.len(), async { Ok(db.batch(reads).await?) }).await?;
    meter.rows(&read);
    let mut staffing = Staffing::from(read.get(..2).unwrap_or_default())?;
    let today = read.get(2).map(|r| r.results::<Count>()).transpose()?.and_then(|c| c.first().map(|c| c.n)).unwrap_or(0);
    let capacity = rules.follow_up.daily_capacity(staffing.at_work());
    let mut room = capacity.saturating_sub(u32::try_from(today).unwrap_or(u32::MAX));
    let room_at_start = room;
    let mut tally = Tally::default();
    for _ in 0..ROUNDS {
        // Urgent customers always; the others only as many as the day still has room for.
        let others = room.min(CHUNK);
        let mut selects = Vec::new();
        for rank in RANKS {
            let limit = if rank == 0 { CHUNK } else { others };
            if limit > 0 {
                selects.push(customers::due_for_planning(db, rank, now_ms, limit)?);
            }
        }
        let results = meter.time(selects.len(), async { Ok(db.batch(selects).await?) }).await?;
        meter.rows(&results);
        let mut by_rank = results.iter().map(|r| r.results::<PlanRow>());
        let mut due = by_rank.next().transpose()?.unwrap_or_default();
        let urgent_full = due.len() >= CHUNK as usize;
        let mut rest = Vec::new();
        for rows in by_rank {
            rest.extend(rows?);
        }
        let others_full = others > 0 && rest.len() >= others as usize;
        rest.truncate(others as usize);
        due.extend(rest);
        if due.is_empty() {
            break;
        }
        tally.rounds += 1;
        round(db, now, &rules, &mut staffing, &due, &mut room, &mut tally, &mut meter).await?;
        if !urgent_full && !others_full {
            break;
        }
    }
    let mut counts = BTreeMap::new();
    meter.report(&mut counts);
    for (name, n) in [
        ("customers", tally.customers),
        ("created", tally.created),
        ("already_there", tally.already_there),
        ("waited", tally.waited),
        ("rounds", tally.rounds),
        ("capacity", i64::from(capacity)),
        ("room", i64::from(room_at_start)),
    ] {
        counts.insert(name.to_string(), n);
    }
    Ok(counts)
}

/// One round: the customers' closed complaints and planned follow-ups read in one batch, the
/// domain's plan for each within the day's room, and everything written in one batch.
#[allow(clippy::too_many_arguments)]
async fn round(
    db: &D1Database,
    now: DateTime<Utc>,
    rules: &Rules,
    staffing: &mut Staffing,
    due: &[PlanRow],
    room: &mut u32,
    tally: &mut Tally,
    meter: &mut Meter,
) -> Result<(), ApiError> {
    let zone = rules.calendar.zone();
    let ids = encode("ids", &due.iter().map(|r| r.id.as_str()).collect::<Vec<_>>())?;
    // cases_by_customer, by its customer_id prefix.
    let reads = vec![
        query!(
            db,
            "SELECT customer_id, id, closed_at FROM cases WHERE customer_id IN (SELECT value FROM json_each(?1))
               AND kind = 'complaint' AND closed_at IS NOT NULL AND merged_into IS NULL",
            &ids
        )?,
        query!(db, "SELECT customer_id, follow_up_key FROM cases WHERE customer_id IN (SELECT value FROM json_each(?1)) AND follow_up_key IS NOT NULL", &ids)?,
    ];
    let results = meter.time(reads.len(), async { Ok(db.batch(reads).await?) }).await?;
    meter.rows(&results);
    let all_closed: Vec<Closed> = results.first().map(|r| r.results()).transpose()?.unwrap_or_default();
    let all_keys: Vec<Key> = results.get(1).map(|r| r.results()).transpose()?.unwrap_or_default();

    // What the rules plan for each customer, as far as the day has room, and when to look next.
    let mut planned = Vec::new();
    let mut looks = Vec::new();
    for row in due {
        let closed: Vec<&Closed> = all_closed.iter().filter(|c| c.customer_id == row.id).collect();
        let keys: Vec<&str> = all_keys.iter().filter(|k| k.customer_id == row.id).map(|k| k.follow_up_key.as_str()).collect();
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
        let (admitted, waits) = follow_up::admit(follow_up::plan(&rules.follow_up, zone, &facts, now, |k| keys.contains(&k)), room);
        // A customer whose follow-up waits keeps their place: due since when they were.
        let next = if waits {
            tally.waited += 1;
            Some(row.next_plan_at)
        } else {
            let planned_keys: Vec<&str> = keys.iter().copied().chain(admitted.iter().map(|p| p.key.as_str())).collect();
            follow_up::next_look(&rules.follow_up, zone, &facts, now, |k| planned_keys.contains(&k)).map(|t| t.timestamp_millis())
        };
        looks.push(serde_json::json!({ "id": row.id, "next": next, "urgent": row.plan_urgent }));
        planned.extend(admitted.into_iter().map(|p| (segment, p)));
    }
    tally.customers += due.len() as i64;

    // Each follow-up's case, routed from the staffing as it fills.
    let bodies: Vec<NewCase> = planned
        .iter()
        .map(|(_, p)| {
            let (title, text) = subject(p.reason);
            NewCase {
                kind: CaseKind::FollowUp,
                channel: Channel::Phone,
                customer_id: p.customer_id.clone(),
                subject: title.to_string(),
                description: text.to_string(),
                category: Some("account".to_string()),
                complexity: Some(Complexity::Ordinary),
                assignee: None,
                follow_up_id: None,
            }
        })
        .collect();
    let hows: Vec<Registration> = planned.iter().map(|(segment, p)| Registration { segment: *segment, by: None, keep: None, follow_up_key: Some(&p.key) }).collect();
    let registered = bodies.iter().zip(&hows).map(|(body, how)| Registered::decide(now, body, *how, rules, Some(staffing))).collect::<Result<Vec<_>, _>>()?;
    let records: Vec<_> = registered.iter().zip(bodies.iter().zip(&hows)).map(|(r, (body, how))| r.record(body, *how)).collect();
    let mut timeline = Vec::new();
    for (r, how) in registered.iter().zip(&hows) {
        let (created, assigned) = r.events(*how);
        timeline.push(created);
        timeline.extend(assigned);
    }
    // Every case of the round was assigned now: each agent routing chose, once.
    let chosen: std::collections::BTreeSet<&str> = registered.iter().filter_map(Registered::assigned_agent).collect();
    let agents: Vec<(&str, i64)> = chosen.into_iter().map(|a| (a, now.timestamp_millis())).collect();
    let sides: Vec<follow_ups::Planned> = registered.iter().zip(&planned).map(|(r, (_, p))| follow_ups::Planned { case_id: &r.id, reason: p.reason, purchase: None }).collect();

    // The cases, their events and follow-up sides (each only where its case was written), the
    // agents' round-robin times and the customers' next looks, in one batch; then which of the
    // new ids are there, to tell created from already there.
    let mut batch = Vec::new();
    for chunk in records.chunks(WRITE_CHUNK) {
        batch.push(cases::insert_all(db, chunk)?);
    }
    for chunk in timeline.chunks(WRITE_CHUNK) {
        batch.push(events::insert_for_new_cases(db, chunk)?);
    }
    for chunk in sides.chunks(WRITE_CHUNK) {
        batch.push(follow_ups::insert_all(db, chunk)?);
    }
    if !agents.is_empty() {
        batch.push(users::assigned_all(db, &agents)?);
    }
    for chunk in looks.chunks(WRITE_CHUNK) {
        batch.push(customers::set_next_plans(db, &encode("looks", chunk)?)?);
    }
    let new_ids = encode("case ids", &registered.iter().map(|r| r.id.as_str()).collect::<Vec<_>>())?;
    // Primary key of cases.
    batch.push(query!(db, "SELECT COUNT(*) AS n FROM json_each(?1) AS r JOIN cases c ON c.id = r.value", &new_ids)?);
    let results = meter.time(batch.len(), async { Ok(db.batch(batch).await?) }).await?;
    meter.rows(&results);
    let written = results.last().map(|r| r.results::<Count>()).transpose()?.and_then(|c| c.first().map(|c| c.n)).unwrap_or(0);
    tally.created += written;
    tally.already_there += registered.len() as i64 - written;
    Ok(())
}
