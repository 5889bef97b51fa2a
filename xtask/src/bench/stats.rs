//! The dashboard's daily tallies (worker/src/jobs/stats.rs): the hourly job, run as of the
//! dataset's "now" until it has stored every day that has ended and re-tallied every day the
//! scenarios before changed, as a deployment's hourly runs would have. Measured per run.

use std::path::Path;

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::{get, last_job, Server};
use crate::step;

#[derive(Serialize, Clone)]
pub struct Run {
    pub wall_ms: i64,
    pub d1_ms: i64,
    pub queries: i64,
    pub rows_read: i64,
    pub rows_written: i64,
    pub days_stored: i64,
    pub days_retallied: i64,
}

pub fn catch_up(server: &Server, file: &Path, now: DateTime<Utc>) -> Result<Vec<Run>> {
    step("tallying the dashboard's days (the hourly job, until it has caught up)");
    let db = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut runs = Vec::new();
    for _ in 0..200 {
        let (status, _) = get(server.port, &format!("/__scheduled?cron=0+*+*+*+*&time={}", now.timestamp_millis()))?;
        if status != 200 {
            bail!("/__scheduled answered {status}");
        }
        let (wall_ms, c) = last_job(&db, "stats")?;
        let get = |k: &str| c.get(k).copied().unwrap_or(0);
        let run = Run {
            wall_ms,
            d1_ms: get("d1_ms"),
            queries: get("queries"),
            rows_read: get("rows_read"),
            rows_written: get("rows_written"),
            days_stored: get("days_stored"),
            days_retallied: get("days_retallied"),
        };
        let idle = run.days_stored == 0 && run.days_retallied == 0;
        runs.push(run);
        if idle {
            return Ok(runs);
        }
    }
    bail!("the stats job still had days to tally after 200 runs")
}
