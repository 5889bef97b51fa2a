//! Follow-up planning at bank scale: the hourly planner on the whole book (`size.audience`
//! customers, each holding the products they bought over the years), from empty — nobody has
//! been looked at yet, so every customer is due — for three simulated days at the default
//! capacity (`daily_calls_per_agent` × the agents at work), then a few runs with room for
//! everyone, which show how many customers one run can look at (the planner's ceiling) against
//! how many fall due an hour.
//!
//! Customers with a complaint closed in the month before are marked as a closing does
//! (plan_urgent), so their follow-ups come first and never wait.

use std::path::Path;

use anyhow::{bail, Result};
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::follow_up::{Cadence, Rules};
use rusqlite::{params, Connection, OpenFlags};
use serde::Serialize;

use super::{get, last_job, Server};
use crate::setup::Paths;
use crate::step;

const HOURLY: &str = "0+*+*+*+*";
/// Days simulated at the default capacity.
const DAYS: i64 = 3;
/// Runs with room for everyone.
const CEILING_RUNS: i64 = 3;
/// A complaint closed this many days before the start still gets its follow-up (domain::follow_up).
const RECENT_COMPLAINT_DAYS: i64 = domain::follow_up::AFTER_COMPLAINT_DAYS;

/// One hourly run, as its job-log entry has it.
#[derive(Serialize, Clone, Default)]
pub struct Run {
    pub day: i64,
    pub hour: i64,
    pub wall_ms: i64,
    pub d1_ms: i64,
    pub queries: i64,
    pub rounds: i64,
    pub customers: i64,
    pub created: i64,
    pub waited: i64,
    pub room: i64,
}

/// One simulated day, counted from the follow-ups and customers afterwards.
#[derive(Serialize)]
pub struct Day {
    pub day: i64,
    pub created: i64,
    /// Of them, those that never wait (after a complaint).
    pub never_wait: i64,
    /// Customers still due a look when the day ended.
    pub waiting_at_end: i64,
}

#[derive(Serialize)]
pub struct Planning {
    pub customers: i64,
    pub agents_at_work: i64,
    pub calls_per_agent: i64,
    pub capacity: i64,
    /// Follow-ups the rules make due a day, on average, in this book: periodic ones by the
    /// segments' cadences, first ones of new customers, those after complaints.
    pub due_per_day: f64,
    pub runs: Vec<Run>,
    pub days: Vec<Day>,
    /// The runs with room for everyone (200 calls per agent a day).
    pub ceiling: Vec<Run>,
}

pub fn measure(server: &mut Server, paths: &Paths, file: &Path, now: DateTime<Utc>) -> Result<Planning> {
    server.stop();
    // Midnight in Beijing a week on, after the survey scenarios' instants.
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    let local = (now + Duration::days(8)).with_timezone(&beijing).date_naive();
    let start = beijing.from_local_datetime(&local.and_hms_opt(0, 0, 0).expect("midnight")).single().expect("a valid instant").to_utc();
    let rules = Rules::default();
    let (customers, due_per_day) = prepare(file, start, &rules)?;
    server.restart(paths)?;
    step(&format!("planning follow-ups for {customers} customers from empty, {DAYS} days of hourly runs"));
    let db = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut runs = Vec::new();
    let mut days = Vec::new();
    for day in 0..DAYS {
        for hour in 0..24 {
            runs.push(run(server.port, &db, start, day, hour)?);
        }
        let (from, to) = ((start + Duration::days(day)).timestamp_millis(), (start + Duration::days(day + 1)).timestamp_millis());
        let (created, never_wait): (i64, i64) = db.query_row(
            "SELECT COUNT(*), COALESCE(SUM(reason IN ('after_complaint', 'purchase')), 0) FROM follow_ups WHERE created_at >= ?1 AND created_at < ?2",
            params![from, to],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let waiting_at_end: i64 = db.query_row("SELECT COUNT(*) FROM customers WHERE next_plan_at < ?1", [to], |r| r.get(0))?;
        days.push(Day { day: day + 1, created, never_wait, waiting_at_end });
    }
    let capacity = runs.first().map_or(0, |r| r.room);
    let calls_per_agent = i64::from(rules.daily_calls_per_agent);
    for d in &days {
        if d.created - d.never_wait > capacity {
            bail!("day {} got {} follow-ups that could wait, beyond the capacity of {capacity}", d.day, d.created - d.never_wait);
        }
    }

    // Room for everyone: how many customers a run can look at.
    server.stop();
    set_rules(file, &Rules { daily_calls_per_agent: 200, ..rules.clone() }, now)?;
    server.restart(paths)?;
    step("planning with room for everyone: the planner's ceiling");
    let db = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let ceiling = (0..CEILING_RUNS).map(|hour| run(server.port, &db, start, DAYS, hour)).collect::<Result<Vec<_>>>()?;
    server.stop();
    set_rules(file, &rules, now)?;
    server.restart(paths)?;
    Ok(Planning { customers, agents_at_work: capacity / calls_per_agent.max(1), calls_per_agent, capacity, due_per_day, runs, days, ceiling })
}

/// Runs the hourly cron at `start` + `day` days + `hour` hours; the planner's entry.
fn run(port: u16, db: &Connection, start: DateTime<Utc>, day: i64, hour: i64) -> Result<Run> {
    let at = start + Duration::days(day) + Duration::hours(hour);
    let (status, _) = get(port, &format!("/__scheduled?cron={HOURLY}&time={}", at.timestamp_millis()))?;
    if status != 200 {
        bail!("/__scheduled answered {status}");
    }
    let (wall_ms, c) = last_job(db, "follow_up_planning")?;
    let get = |k: &str| c.get(k).copied().unwrap_or(0);
    Ok(Run {
        day: day + 1,
        hour,
        wall_ms,
        d1_ms: get("d1_ms"),
        queries: get("queries"),
        rounds: get("rounds"),
        customers: get("customers"),
        created: get("created"),
        waited: get("waited"),
        room: get("room"),
    })
}

/// Makes every customer due a look (as migration 0011 did for the customers it found), marks
/// those with a recent complaint closed, and keeps the default rules; answers the customers and
/// the follow-ups the rules make due a day in this book.
fn prepare(file: &Path, start: DateTime<Utc>, rules: &Rules) -> Result<(i64, f64)> {
    let db = Connection::open(file)?;
    let recent = (start - Duration::days(RECENT_COMPLAINT_DAYS)).timestamp_millis();
    db.execute("UPDATE customers SET next_plan_at = CASE WHEN left_at IS NULL AND erased_at IS NULL THEN created_at END, plan_urgent = 0", [])?;
    db.execute(
        "UPDATE customers SET plan_urgent = 1 WHERE id IN (SELECT customer_id FROM cases WHERE kind = 'complaint' AND closed_at >= ?1 AND closed_at < ?2)",
        params![recent, start.timestamp_millis()],
    )?;
    db.execute("DELETE FROM settings WHERE key = 'follow_up'", [])?;
    let count = |sql: &str| -> Result<i64> { Ok(db.query_row(sql, [], |r| r.get(0))?) };
    let customers = count("SELECT COUNT(*) FROM customers WHERE next_plan_at IS NOT NULL")?;
    let per_day = |cadence: Cadence| match cadence {
        Cadence::Monthly => 12.0 / 365.25,
        Cadence::Quarterly => 4.0 / 365.25,
        Cadence::Never => 0.0,
    };
    let existing = |segment: &str| count(&format!("SELECT COUNT(*) FROM customers WHERE next_plan_at IS NOT NULL AND consent_contact = 1 AND lifecycle = 'existing' AND segment = '{segment}'"));
    // A customer is new for their first 60 days (the dataset's rule), and gets one first
    // follow-up in them.
    let new = count("SELECT COUNT(*) FROM customers WHERE next_plan_at IS NOT NULL AND consent_contact = 1 AND lifecycle = 'new'")? as f64 / 60.0;
    let complaints: i64 = db.query_row(
        "SELECT COUNT(*) FROM cases WHERE kind = 'complaint' AND closed_at >= ?1 AND closed_at < ?2",
        params![recent, start.timestamp_millis()],
        |r| r.get(0),
    )?;
    let due_per_day = existing("private")? as f64 * per_day(rules.private)
        + existing("affluent")? as f64 * per_day(rules.affluent)
        + existing("mass")? as f64 * per_day(rules.mass)
        + new
        + complaints as f64 / RECENT_COMPLAINT_DAYS as f64;
    Ok((customers, due_per_day))
}

fn set_rules(file: &Path, rules: &Rules, now: DateTime<Utc>) -> Result<()> {
    let db = Connection::open(file)?;
    db.execute(
        "INSERT INTO settings (key, value, version, updated_at) VALUES ('follow_up', ?1, 1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = version + 1",
        params![serde_json::to_string(rules)?, now.timestamp_millis()],
    )?;
    Ok(())
}
