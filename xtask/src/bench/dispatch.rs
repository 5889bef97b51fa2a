//! Survey dispatch's and delivery's cost, from the job log: a schedule is due at a known
//! instant; the hourly cron starts its run and the `*/5` cron continues it, five minutes apart
//! in the schedule's own clock, until every invitation is written and handed to the provider.
//! Measured twice on `size.audience` customers: one in ten of them invited (a segment), then
//! all of them.
//!
//! Before measuring, every customer is made reachable by SMS and consenting, so the invitees
//! are exactly known, and every case's sweep check is cleared, so the `*/5` runs time the
//! dispatch and not the SLA sweep.

use std::path::Path;
use std::sync::atomic::Ordering::Relaxed;

use anyhow::{bail, Result};
use chrono::{DateTime, Duration, Utc};
use domain::survey::{Audience, Cadence, Schedule, SurveyChannel};
use domain::Segment;
use rusqlite::{params, Connection, OpenFlags};
use serde::Serialize;

use super::data::{self, Size};
use super::provider::Counts;
use super::{get, last_job, Server};
use crate::setup::Paths;
use crate::step;

/// One invocation's dispatch work, as its job-log entry has it.
#[derive(Serialize, Clone, Default)]
pub struct Run {
    pub cron: &'static str,
    /// Minutes after the scheduled instant.
    pub minute: i64,
    pub wall_ms: i64,
    pub d1_ms: i64,
    pub queries: i64,
    pub rows_read: i64,
    pub rows_written: i64,
    pub chunks: i64,
    pub customers: i64,
    pub invited: i64,
    /// Delivery in the same invocation (`*/5` only): its wall time, invitations handed to the
    /// provider, and the requests that took.
    pub deliver_ms: i64,
    pub delivered: i64,
    pub requests: i64,
}

#[derive(Serialize)]
pub struct Scenario {
    pub customers: usize,
    pub invitees: usize,
    pub runs: Vec<Run>,
    /// From the scheduled instant to the last invitation written, and to the last one handed
    /// to the provider: that run's minute plus its wall time.
    pub dispatched_after_minutes: f64,
    pub delivered_after_minutes: f64,
    /// Requests the provider received, and messages in them.
    pub provider_requests: u64,
    pub provider_messages: u64,
}

const HOURLY: &str = "0+*+*+*+*";
const FIVE_MINUTES: &str = "*/5+*+*+*+*";

pub fn measure(server: &mut Server, paths: &Paths, file: &Path, size: Size, now: DateTime<Utc>, provider: &Counts) -> Result<Vec<Scenario>> {
    server.stop();
    step(&format!("adding customers up to {} for the survey audience", size.audience));
    data::more_customers(file, size.audience, now)?;
    let (first, all) = (now + Duration::days(5), now + Duration::days(6));
    prepare(file, &[("bench-one-in-ten", first, vec![Segment::Private]), ("bench-all", all, Vec::new())], now)?;
    server.restart(paths)?;

    let mut out = Vec::new();
    for (id, at) in [("bench-one-in-ten", first), ("bench-all", all)] {
        let db = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let customers: usize = db.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?;
        // Customers who have left (about one in 97 of the generated ones) are never surveyed.
        let invitees: usize = if id == "bench-all" {
            db.query_row("SELECT count(*) FROM customers WHERE left_at IS NULL", [], |r| r.get(0))?
        } else {
            db.query_row("SELECT count(*) FROM customers WHERE segment = 'private' AND left_at IS NULL", [], |r| r.get(0))?
        };
        step(&format!("dispatching a survey to {invitees} of {customers} customers"));
        let (requests_before, messages_before) = (provider.requests.load(Relaxed), provider.messages.load(Relaxed));
        let mut runs = Vec::new();
        let (mut dispatched_after, mut delivered_after) = (None, None);
        // Up to ten hours of runs: whatever is not done by then is reported as not done.
        for n in 0..=120i64 {
            let cron = if n == 0 { HOURLY } else { FIVE_MINUTES };
            let instant = at + Duration::minutes(5 * n);
            let (status, _) = get(server.port, &format!("/__scheduled?cron={cron}&time={}", instant.timestamp_millis()))?;
            if status != 200 {
                bail!("/__scheduled answered {status}");
            }
            let (wall_ms, c) = last_job(&db, "survey_dispatch")?;
            let get = |k: &str| c.get(k).copied().unwrap_or(0);
            let mut run = Run {
                cron: if n == 0 { "0 * * * *" } else { "*/5 * * * *" },
                minute: 5 * n,
                wall_ms,
                d1_ms: get("d1_ms"),
                queries: get("queries"),
                rows_read: get("rows_read"),
                rows_written: get("rows_written"),
                chunks: get("chunks"),
                customers: get("customers"),
                invited: get("invited"),
                ..Run::default()
            };
            if n > 0 {
                let (deliver_ms, d) = last_job(&db, "deliver")?;
                run.deliver_ms = deliver_ms;
                run.delivered = d.get("survey_sent").copied().unwrap_or(0);
                run.requests = d.get("survey_requests").copied().unwrap_or(0);
            }
            let minutes = |ms: i64| ((5 * n) as f64 + ms as f64 / 60_000.0).max(0.0);
            let (finished, invited, delivered): (Option<i64>, i64, i64) =
                db.query_row("SELECT finished_at, invited, delivered FROM survey_runs WHERE schedule_id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            if finished.is_some() && dispatched_after.is_none() {
                dispatched_after = Some(minutes(run.wall_ms));
            }
            let done = finished.is_some() && delivered == invited;
            if done {
                delivered_after = Some(minutes(run.wall_ms + run.deliver_ms));
            }
            runs.push(run);
            if done {
                break;
            }
        }
        let (Some(dispatched_after), Some(delivered_after)) = (dispatched_after, delivered_after) else {
            bail!("the survey to {invitees} customers was not dispatched and delivered within ten hours");
        };
        let (invited, messages): (usize, usize) = db.query_row(
            "SELECT (SELECT count(*) FROM survey_invitations WHERE schedule_id = ?1),
                    (SELECT count(*) FROM outbox WHERE status = 'sent' AND invitation_id IN (SELECT id FROM survey_invitations WHERE schedule_id = ?1))",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if invited != invitees || messages != invitees {
            bail!("the run for {id} wrote {invited} invitations and sent {messages} messages; {invitees} customers are in its audience");
        }
        let tenth = |m: f64| (m * 10.0).round() / 10.0;
        out.push(Scenario {
            customers,
            invitees,
            runs,
            dispatched_after_minutes: tenth(dispatched_after),
            delivered_after_minutes: tenth(delivered_after),
            provider_requests: provider.requests.load(Relaxed) - requests_before,
            provider_messages: provider.messages.load(Relaxed) - messages_before,
        });
    }
    Ok(out)
}

/// Makes the invitees exactly known (every customer consenting and reachable by SMS, never
/// surveyed; one in ten, by row, in the private segment), quiets the sweep, and adds one
/// schedule per scenario, due once at its instant.
fn prepare(file: &Path, schedules: &[(&str, DateTime<Utc>, Vec<Segment>)], now: DateTime<Utc>) -> Result<()> {
    let db = Connection::open(file)?;
    db.execute_batch(
        "UPDATE cases SET next_check_at = NULL WHERE next_check_at IS NOT NULL;
         UPDATE customers SET consent_contact = 1, last_surveyed_at = NULL,
           phone = coalesce(nullif(trim(phone), ''), '1390000' || printf('%04d', rowid % 10000)),
           segment = CASE WHEN rowid % 10 = 0 THEN 'private' WHEN segment = 'private' THEN 'affluent' ELSE segment END;",
    )?;
    for (id, at, segments) in schedules {
        let schedule = Schedule {
            cadence: Cadence::Once { at: *at },
            audience: Audience { segments: segments.clone(), ..Audience::default() },
            channel: SurveyChannel::Sms,
            quiet_hours: None,
            link_days: 14,
            active: true,
        };
        db.execute(
            "INSERT INTO survey_schedules (id, name, template_id, schedule, trigger, active, next_run_at, created_at, updated_at, version)
             VALUES (?1, ?1, 'tpl-quarterly', ?2, 'clock', 1, ?3, ?4, ?4, 1)",
            params![id, serde_json::to_string(&schedule)?, at.timestamp_millis(), now.timestamp_millis()],
        )?;
    }
    Ok(())
}
