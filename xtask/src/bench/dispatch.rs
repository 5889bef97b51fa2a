//! Survey dispatch's cost, from the job log: a schedule is due at a known instant; the hourly
//! cron starts its run and the `*/5` cron continues it, five minutes apart in the schedule's
//! own clock, until the run is finished. Measured twice on `size.audience` customers: one in
//! ten of them invited (a segment), then all of them.
//!
//! Before measuring, every customer is made reachable by SMS and consenting, so the invitees
//! are exactly known, and every case's sweep check is cleared, so the `*/5` runs time the
//! dispatch and not the SLA sweep.

use std::path::Path;

use anyhow::{bail, Result};
use chrono::{DateTime, Duration, Utc};
use domain::survey::{Audience, Cadence, Schedule, SurveyChannel};
use domain::Segment;
use rusqlite::{params, Connection, OpenFlags};
use serde::Serialize;

use super::data::{self, Size};
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
}

#[derive(Serialize)]
pub struct Scenario {
    pub customers: usize,
    pub invitees: usize,
    pub runs: Vec<Run>,
    /// From the scheduled instant to the last invitation written: the last run's minute plus
    /// its wall time.
    pub done_after_minutes: f64,
}

const HOURLY: &str = "0+*+*+*+*";
const FIVE_MINUTES: &str = "*/5+*+*+*+*";

pub fn measure(server: &mut Server, paths: &Paths, state: &Path, file: &Path, size: Size, now: DateTime<Utc>) -> Result<Vec<Scenario>> {
    server.stop();
    step(&format!("adding customers up to {} for the survey audience", size.audience));
    data::more_customers(file, size.audience, now)?;
    let (first, all) = (now + Duration::days(5), now + Duration::days(6));
    prepare(file, &[("bench-one-in-ten", first, vec![Segment::Private]), ("bench-all", all, Vec::new())], now)?;
    let work = state.parent().unwrap_or(state);
    *server = Server::start(paths, state, work)?;

    let mut out = Vec::new();
    for (id, at) in [("bench-one-in-ten", first), ("bench-all", all)] {
        let db = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let customers: usize = db.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?;
        let invitees: usize = if id == "bench-all" {
            customers
        } else {
            db.query_row("SELECT count(*) FROM customers WHERE segment = 'private'", [], |r| r.get(0))?
        };
        step(&format!("dispatching a survey to {invitees} of {customers} customers"));
        let mut runs = Vec::new();
        // Up to five hours of runs: a run that does not finish within the hour is reported as such.
        for n in 0..=60i64 {
            let cron = if n == 0 { HOURLY } else { FIVE_MINUTES };
            let instant = at + Duration::minutes(5 * n);
            let (status, _) = get(server.port, &format!("/__scheduled?cron={cron}&time={}", instant.timestamp_millis()))?;
            if status != 200 {
                bail!("/__scheduled answered {status}");
            }
            let (wall_ms, c) = last_job(&db, "survey_dispatch")?;
            let get = |k: &str| c.get(k).copied().unwrap_or(0);
            runs.push(Run {
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
            });
            let finished: Option<i64> = db.query_row("SELECT finished_at FROM survey_runs WHERE schedule_id = ?1", [id], |r| r.get(0))?;
            if finished.is_some() {
                break;
            }
        }
        let (invited, messages): (usize, usize) = db.query_row(
            "SELECT (SELECT count(*) FROM survey_invitations WHERE schedule_id = ?1),
                    (SELECT count(*) FROM outbox o JOIN survey_invitations i ON i.id = o.invitation_id WHERE i.schedule_id = ?1)",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if invited != invitees || messages != invitees {
            bail!("the run for {id} wrote {invited} invitations and {messages} messages; {invitees} customers are in its audience");
        }
        let last = runs.last().cloned().unwrap_or_default();
        let done_after_minutes = last.minute as f64 + last.wall_ms as f64 / 60_000.0;
        out.push(Scenario { customers, invitees, runs, done_after_minutes: (done_after_minutes * 10.0).round() / 10.0 });
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
