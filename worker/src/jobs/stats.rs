//! The hourly tally of the dashboard's days (0016_stats.sql): each day that has ended since the
//! last run is tallied and stored, and so is each stored day a change has marked since. The
//! dashboard reads stored days and tallies the rest (today, and marked days) live, so what it
//! shows is the same either way; this job only keeps the live part small.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::BusinessCalendar;
use domain::stats::{day_span, tally_day, Grain, Tally, ALL_TEAMS};
use worker::D1Database;

use crate::db::meter::Meter;
use crate::db::stats::{self, DirtyRow};
use crate::error::ApiError;

/// Days one run tallies at most (each is 2 round trips); the rest wait for the next run, oldest
/// first. Catching up three years of history takes a day of hourly runs; the dashboard is exact
/// meanwhile, only slower.
const MAX_DAYS: usize = 40;

pub async fn run(db: &D1Database, now: DateTime<Utc>, calendar: &BusinessCalendar) -> Result<BTreeMap<String, i64>, ApiError> {
    let zone = calendar.zone();
    let mut meter = Meter::default();
    let today = now.with_timezone(&zone).date_naive();
    let (today_start, _) = day_span(today, zone);
    let read = vec![stats::progress(db)?, stats::dirty(db, DateTime::UNIX_EPOCH, today_start)?];
    let results = meter.time(2, async { Ok(db.batch(read).await?) }).await?;
    meter.rows(&results);
    let through = stats::progress_from(&results[0])?;
    let marks: Vec<DirtyRow> = results[1].results()?;

    let first = match through {
        Some(day) => day.succ_opt(),
        None => meter.time(1, stats::first_case_at(db)).await?.map(|t| t.with_timezone(&zone).date_naive()),
    };
    let ended: Vec<NaiveDate> = first.map(|f| f.iter_days().take_while(|d| *d < today).take(MAX_DAYS).collect()).unwrap_or_default();
    // Stored days a change has marked since (later marked days are among `ended`). A day that
    // has not ended by `now` stays marked: tallied before its end, a clock still running would
    // be counted as running for good. (Only the test clock runs a job "before" a stored day.)
    let changed: BTreeSet<NaiveDate> = stats::dirty_days(&marks, zone).into_iter().filter(|d| through.is_some_and(|t| *d <= t) && *d < today).collect();
    let days: Vec<NaiveDate> = changed.iter().copied().chain(ended.iter().copied()).take(MAX_DAYS).collect();

    for &day in &days {
        let (start, end) = day_span(day, zone);
        let statements = stats::facts(db, (start, end), &[Grain::Team, Grain::Agent], None)?;
        let found = meter.time(statements.len(), async { Ok(db.batch(statements).await?) }).await?;
        meter.rows(&found);
        let facts = stats::facts_from(&found, start)?;
        let tally = |grain| tally_day(day, calendar, grain, &facts, now);
        let mut teams = tally(Grain::Team);
        // The day's total under "*" (not a team id): the all-teams dashboard reads one row a day.
        let total = Tally::total(teams.values());
        if !total.is_empty() {
            teams.insert(ALL_TEAMS.to_string(), total);
        }
        let tallies = [(Grain::Team, teams), (Grain::Agent, tally(Grain::Agent))];
        let writes = stats::store_day(db, day, zone, &tallies, &marks)?;
        let written = meter.time(writes.len(), async { Ok(db.batch(writes).await?) }).await?;
        meter.rows(&written);
    }
    let mut counts = BTreeMap::new();
    meter.report(&mut counts);
    // Marked days come first and are all stored already (up to `through`), ended days after it.
    let retallied = changed.len().min(days.len());
    counts.insert("days_stored".into(), (days.len() - retallied) as i64);
    counts.insert("days_retallied".into(), retallied as i64);
    Ok(counts)
}
