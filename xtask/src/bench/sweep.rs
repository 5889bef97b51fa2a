//! The SLA sweep's cost, from the job log the worker writes for every run: runs the `*/5` cron
//! at each breach set's instant until a run finds nothing more to examine.
//!
//! Scenarios: the first set among `size.open` open cases; the small set among as many (the
//! cost follows the changed cases); the last set after five times as many cases were opened
//! (the cost does not follow the open cases).

use std::path::Path;

use anyhow::{bail, Result};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::data::{self, Size};
use super::{get, last_job, Server};
use crate::setup::Paths;
use crate::step;

/// One run of the sweep, as its job-log entry has it.
#[derive(Serialize, Clone, Default)]
pub struct Run {
    pub wall_ms: i64,
    pub d1_ms: i64,
    pub queries: i64,
    pub rounds: i64,
    pub rows_read: i64,
    pub rows_written: i64,
    pub examined: i64,
    pub alerts: i64,
    pub messages: i64,
}

#[derive(Serialize)]
pub struct Scenario {
    pub open: usize,
    pub newly_breached: usize,
    pub total_cases: usize,
    /// Every run until one found nothing to do (that last one included).
    pub runs: Vec<Run>,
}

const CRON: &str = "*/5+*+*+*+*";

pub fn measure(server: &mut Server, paths: &Paths, file: &Path, size: Size, now: DateTime<Utc>) -> Result<Vec<Scenario>> {
    let mut out = Vec::new();
    let mut open = size.open;
    for (n, &(newly, day)) in size.sets.iter().enumerate() {
        if n == 2 {
            // Five times the open work, all of it quiet until after the last instant.
            server.stop();
            step(&format!("opening {} more cases", size.open * 4));
            reopen(file, size.open * 4, now)?;
            open += size.open * 4;
            server.restart(paths)?;
        }
        let at = now + Duration::days(day);
        if day > 0 {
            // The earlier sets' escalations fall due in between; they are done before measuring.
            until_idle(server.port, file, at - Duration::hours(1))?;
        }
        step(&format!("sweeping {newly} newly breached cases among {open} open ones"));
        let runs = until_idle(server.port, file, at)?;
        let found: i64 = runs.iter().map(|r| r.alerts).sum();
        if found != newly as i64 {
            bail!("the sweep raised {found} alerts at {at}, the dataset has {newly} cases breaching then");
        }
        out.push(Scenario { open, newly_breached: newly, total_cases: size.cases, runs });
    }
    Ok(out)
}

/// Runs the sweep as of `at` until a run examines nothing; returns every run's cost.
fn until_idle(port: u16, file: &Path, at: DateTime<Utc>) -> Result<Vec<Run>> {
    let db = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut runs = Vec::new();
    for _ in 0..100 {
        let (status, _) = get(port, &format!("/__scheduled?cron={CRON}&time={}", at.timestamp_millis()))?;
        if status != 200 {
            bail!("/__scheduled answered {status}");
        }
        let (wall_ms, c) = last_job(&db, "sla_sweep")?;
        let get = |k: &str| c.get(k).copied().unwrap_or(0);
        let run = Run {
            wall_ms,
            d1_ms: get("d1_ms"),
            queries: get("queries"),
            rounds: get("rounds"),
            rows_read: get("rows_read"),
            rows_written: get("rows_written"),
            examined: get("examined"),
            alerts: get("alerts"),
            messages: get("messages"),
        };
        let idle = run.examined == 0;
        runs.push(run);
        if idle {
            return Ok(runs);
        }
    }
    bail!("the sweep still had work after 100 runs")
}

/// Opens `count` closed cases, each quiet (next checked) until after the last breach instant.
fn reopen(file: &Path, count: usize, now: DateTime<Utc>) -> Result<()> {
    let db = Connection::open(file)?;
    let quiet = (now + Duration::days(4)).timestamp_millis();
    db.execute(
        "UPDATE cases SET is_open = 1, status = 'assigned', closed_at = NULL, resolved_at = NULL,
           sla_due_at = ?1 + (seq % 43200) * 60000, sla_due_soon_at = ?1 + (seq % 43200) * 60000 - 14400000,
           next_check_at = ?1 + (seq % 43200) * 60000 - 14400000, sla_warned = 0
         WHERE seq IN (SELECT seq FROM cases WHERE is_open = 0 AND seq >= ?2 ORDER BY seq LIMIT ?3)",
        rusqlite::params![quiet, data::FIRST_SEQ, count],
    )?;
    Ok(())
}
