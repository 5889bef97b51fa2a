//! The dashboard's daily tallies (0016_stats.sql): the facts a day's tally is made from, the
//! stored tallies, and the marks that say which stored days changed since.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::calendar::BusinessCalendar;
use domain::case::CaseKind;
use domain::follow_up::call::Ending;
use domain::follow_up::Reason;
use domain::stats::{day_span, live_runs, marked_days, resolution_met_at, tally_days, Counted, Fact, FollowUpFacts, Grain, Tally, ALL_TEAMS, HOUR_MS};
use serde::{Deserialize, Serialize};
use worker::{D1Database, D1PreparedStatement};

use super::{parse, time};
use crate::db::query;
use crate::error::ApiError;

/// How many statements [`facts`] makes: one per instant a case or answer may count on.
pub const FACTS_STATEMENTS: usize = 9;

/// The statements reading every fact (domain::stats::Fact) whose instant is in [from, to), for
/// the tallies of `grains`: one per instant, each by that instant's own index (0016–0018) and
/// with only the columns its figures need. Each row starts (instant, team, agent), the team
/// (by a join with the assignee) only for [`Grain::Team`], the agent only for [`Grain::Agent`];
/// every instant is in milliseconds after `from`. With `team`, only that team's facts (`""`:
/// the unassigned cases' and general surveys').
///
/// Each statement answers one row holding its rows as one JSON array of arrays (SQLite's
/// json_group_array): a live day of a large desk is thousands of facts, and handing them over
/// one JavaScript object and one field at a time cost more than reading them; the owners and
/// instants asked for are most of each row's text, so none is sent that is not needed. One
/// statement per instant keeps each text well under D1's 2 MB limit for a value.
pub fn facts(db: &D1Database, (from, to): (DateTime<Utc>, DateTime<Utc>), grains: &[Grain], team: Option<&str>) -> Result<Vec<D1PreparedStatement>, ApiError> {
    // In facts_from's order. Merged complaints count through the complaint they merged into.
    const CASES: [(&str, &str, &str, &str); 6] = [
        // (the instant, the rest, the range, more joins) — cases_by_created
        ("c.created_at - p.t", "c.kind, c.category", "c.created_at >= ?1 AND c.created_at < ?2", ""),
        // cases_by_first_response_due
        (
            "c.first_response_due_at - p.t",
            "c.first_responded_at - p.t, c.created_at - p.t",
            "c.first_response_due_at >= ?1 AND c.first_response_due_at < ?2",
            "",
        ),
        // cases_by_resolution_due, with a follow-up's own record (primary keys of follow_ups
        // and products)
        (
            "c.resolution_due_at - p.t",
            "c.kind, c.resolved_at - p.t, c.closed_at - p.t, c.unreachable, c.is_open, f.reason, pr.kind, f.ending, f.attempts, f.cooling_off_ends_at - p.t, f.mismatch",
            "c.resolution_due_at >= ?1 AND c.resolution_due_at < ?2",
            " LEFT JOIN follow_ups f ON f.case_id = c.id LEFT JOIN products pr ON pr.code = f.product_code",
        ),
        // cases_by_regulatory_due
        ("c.regulatory_due_at - p.t", "c.closed_at - p.t", "c.regulatory_due_at >= ?1 AND c.regulatory_due_at < ?2", ""),
        // cases_by_kind_closed
        (
            "c.closed_at - p.t",
            "c.category, c.root_cause, c.outcome, c.redress_amount, c.created_at - p.t",
            "c.kind = 'complaint' AND c.closed_at >= ?1 AND c.closed_at < ?2",
            "",
        ),
        // cases_by_step_due: complaints' current steps (0018)
        (
            "c.step_due_at - p.t",
            "c.step, NULL, COALESCE(c.step_started_at, c.created_at) - p.t",
            "c.step_due_at >= ?1 AND c.step_due_at < ?2 AND c.step IS NOT NULL",
            "",
        ),
    ];
    // The range's start as an integer (D1 binds numbers as reals), to count instants from.
    const START: &str = "(SELECT CAST(?1 AS INTEGER) AS t)";
    let (owners, join) = match (grains.contains(&Grain::Team) || team.is_some(), grains.contains(&Grain::Agent)) {
        (true, true) => ("u.team_id, c.assignee_id", "LEFT JOIN users u ON u.id = c.assignee_id"),
        (true, false) => ("u.team_id, NULL", "LEFT JOIN users u ON u.id = c.assignee_id"),
        (false, true) => ("NULL, c.assignee_id", ""),
        (false, false) => ("NULL, NULL", ""),
    };
    let only = if team.is_some() { " AND COALESCE(u.team_id, '') = ?3" } else { "" };
    let (from, to) = (from.timestamp_millis(), to.timestamp_millis());
    let bind = |sql: String| -> Result<D1PreparedStatement, ApiError> {
        Ok(match team {
            Some(team) => query!(db, sql, from, to, team)?,
            None => query!(db, sql, from, to)?,
        })
    };
    let mut statements = CASES
        .iter()
        .map(|(at, rest, range, more)| {
            let sql = format!(
                "SELECT json_group_array(json_array({at}, {owners}, {rest})) AS rows FROM {START} p, cases c {join}{more}
                 WHERE {range} AND c.merged_into IS NULL{only}"
            );
            bind(sql)
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    // complaint_steps_by_due: the steps complaints have left (0018)
    let sql = format!(
        "SELECT json_group_array(json_array(s.due_at - p.t, {owners}, s.step, s.ended_at - p.t, s.started_at - p.t)) AS rows
         FROM {START} p, complaint_steps s JOIN cases c ON c.id = s.case_id {join}
         WHERE s.due_at >= ?1 AND s.due_at < ?2 AND c.merged_into IS NULL{only}"
    );
    statements.push(bind(sql)?);
    // survey_answers_by_created
    let sql = format!(
        "SELECT json_group_array(json_array(a.created_at - p.t, {owners}, a.csat, a.nps)) AS rows
         FROM {START} p, survey_answers a LEFT JOIN cases c ON c.id = a.case_id {join} WHERE a.created_at >= ?1 AND a.created_at < ?2{only}"
    );
    statements.push(bind(sql)?);
    // customers_by_left: customers who left (0021), the institution's under no team and no
    // agent (in a team's tallies only as the unassigned's, "")
    let none = if team.is_some() { " AND ?3 = ''" } else { "" };
    let sql = format!(
        "SELECT json_group_array(json_array(cu.left_at - p.t, NULL, NULL, cu.leave_reason)) AS rows
         FROM {START} p, customers cu WHERE cu.left_at >= ?1 AND cu.left_at < ?2{none}"
    );
    statements.push(bind(sql)?);
    Ok(statements)
}

/// The rows one of [`facts`]' statements packed.
fn unpack<T: serde::de::DeserializeOwned>(result: &worker::D1Result) -> Result<Vec<T>, ApiError> {
    #[derive(Deserialize)]
    struct Packed {
        rows: String,
    }
    let packed: Vec<Packed> = result.results()?;
    match packed.first() {
        Some(p) => serde_json::from_str(&p.rows).map_err(|e| ApiError::Internal(format!("a day's facts: {e}"))),
        None => Ok(Vec::new()),
    }
}

/// A packed fact's team or agent.
type Who = Option<String>;

/// The facts of [`facts`]' results ([`FACTS_STATEMENTS`] of them), read for a range from `from`.
pub fn facts_from(results: &[worker::D1Result], from: DateTime<Utc>) -> Result<Vec<Fact>, ApiError> {
    let [received, first_response, resolution, regulatory, closed, current_steps, steps_left, answered, left] = results else {
        return Err(ApiError::Internal("a day's facts answered otherwise".into()));
    };
    let from = from.timestamp_millis();
    let at = |ms: i64| time(from + ms);
    let fact = |ms: i64, team_id: Who, agent_id: Who, counted| Fact { at: at(ms), team_id, agent_id, counted };
    let kind = |k: &str| parse::<CaseKind>("cases.kind", k);
    let mut out = Vec::new();
    for (ms, team, agent, k, category) in unpack::<(i64, Who, Who, String, String)>(received)? {
        out.push(fact(ms, team, agent, Counted::Received { kind: kind(&k)?, category }));
    }
    for (ms, team, agent, met, received) in unpack::<(i64, Who, Who, Option<i64>, i64)>(first_response)? {
        out.push(fact(ms, team, agent, Counted::FirstResponse { met_at: met.map(at), received: at(received) }));
    }
    type ResolutionRow = (i64, Who, Who, String, Option<i64>, Option<i64>, i64, i64, Option<String>, Option<String>, Option<String>, Option<u32>, Option<i64>, Option<i64>);
    for (ms, team, agent, k, resolved, closed, unreachable, open, reason, product_kind, ending, attempts, cooling_off, mismatch) in unpack::<ResolutionRow>(resolution)? {
        let k = kind(&k)?;
        let met_at = resolution_met_at(k, resolved.map(at), closed.map(at));
        let follow_up = match reason {
            Some(reason) => Some(FollowUpFacts {
                reason: Reason::parse(&reason).ok_or_else(|| ApiError::Internal("unknown value in column follow_ups.reason".into()))?,
                product_kind,
                ending: ending.as_deref().map(|e| Ending::parse(e).ok_or_else(|| ApiError::Internal("unknown value in column follow_ups.ending".into()))).transpose()?,
                attempts: attempts.unwrap_or(0),
                cooling_off_ends_at: cooling_off.map(at),
                mismatch: mismatch.unwrap_or(0) != 0,
            }),
            None => None,
        };
        // Only complaints record when they closed; any other case is closed once no longer open.
        let closed = closed.is_some() || open == 0;
        out.push(fact(ms, team, agent, Counted::Resolution { kind: k, met_at, closed, unreachable: unreachable != 0, follow_up }));
    }
    for (ms, team, agent, closed) in unpack::<(i64, Who, Who, Option<i64>)>(regulatory)? {
        out.push(fact(ms, team, agent, Counted::Regulatory { closed_at: closed.map(at) }));
    }
    type ClosedRow = (i64, Who, Who, String, Option<String>, Option<String>, Option<i64>, i64);
    for (ms, team, agent, category, root_cause, outcome, redress_amount, received) in unpack::<ClosedRow>(closed)? {
        let outcome = outcome.as_deref().map(|o| parse("cases.outcome", o)).transpose()?;
        out.push(fact(ms, team, agent, Counted::Closed { category, root_cause, outcome, redress_amount, received: at(received) }));
    }
    for part in [current_steps, steps_left] {
        for (ms, team, agent, step, ended, started) in unpack::<(i64, Who, Who, String, Option<i64>, i64)>(part)? {
            let step = parse("complaint_steps.step", &step)?;
            out.push(fact(ms, team, agent, Counted::Step { step, met_at: ended.map(at), started: at(started) }));
        }
    }
    let score = |s: Option<i64>| s.and_then(|s| u8::try_from(s).ok());
    for (ms, team, agent, csat, nps) in unpack::<(i64, Who, Who, Option<i64>, Option<i64>)>(answered)? {
        out.push(fact(ms, team, agent, Counted::Answered { csat: score(csat), nps: score(nps) }));
    }
    for (ms, team, agent, reason) in unpack::<(i64, Who, Who, String)>(left)? {
        out.push(fact(ms, team, agent, Counted::Left { reason: parse("customers.leave_reason", &reason)? }));
    }
    Ok(out)
}

#[derive(Deserialize)]
struct StoredRow {
    day: String,
    owner: String,
    tally: String,
}

/// Whose tallies a report reads.
#[derive(Debug, Clone, Copy)]
pub enum Owners<'a> {
    /// One team's, or (`None`) the total over all teams ([`ALL_TEAMS`]' row).
    Team(Option<&'a str>),
    /// Every agent's.
    Agents,
}

impl<'a> Owners<'a> {
    fn grain(self) -> Grain {
        match self {
            Owners::Team(_) => Grain::Team,
            Owners::Agents => Grain::Agent,
        }
    }

    /// The owners the facts are read with: none for the total over all teams.
    fn grains(self) -> &'static [Grain] {
        match self {
            Owners::Team(None) => &[],
            Owners::Team(Some(_)) => &[Grain::Team],
            Owners::Agents => &[Grain::Agent],
        }
    }

    /// The one team asked for, if one was.
    fn team(self) -> Option<&'a str> {
        match self {
            Owners::Team(team) => team,
            Owners::Agents => None,
        }
    }

    /// Of one day's tallies by owner, those asked for (the teams' total under [`ALL_TEAMS`]).
    fn pick(self, by_owner: BTreeMap<String, Tally>) -> BTreeMap<String, Tally> {
        match self {
            Owners::Team(None) => BTreeMap::from([(ALL_TEAMS.to_string(), Tally::total(by_owner.values()))]),
            Owners::Team(Some(team)) => by_owner.into_iter().filter(|(owner, _)| owner == team).collect(),
            Owners::Agents => by_owner,
        }
    }
}

/// The stored tallies of the days from `from` to `to` (inclusive): one team's or the all-teams
/// row, one a day (the primary key's (grain, day) range, the owner picked from each day's
/// few), or every agent's (the same range, every row).
pub fn stored(db: &D1Database, from: NaiveDate, to: NaiveDate, owners: Owners) -> Result<D1PreparedStatement, ApiError> {
    let (from, to) = (from.to_string(), to.to_string());
    Ok(match owners {
        Owners::Team(team) => query!(
            db,
            "SELECT day, owner, tally FROM stats_daily WHERE grain = 'team' AND day >= ?1 AND day <= ?2 AND owner = ?3",
            from,
            to,
            team.unwrap_or(ALL_TEAMS)
        )?,
        Owners::Agents => query!(db, "SELECT day, owner, tally FROM stats_daily WHERE grain = 'agent' AND day >= ?1 AND day <= ?2", from, to)?,
    })
}

/// Each stored day's tallies by owner.
pub fn stored_from(result: &worker::D1Result) -> Result<BTreeMap<NaiveDate, BTreeMap<String, Tally>>, ApiError> {
    let mut out: BTreeMap<NaiveDate, BTreeMap<String, Tally>> = BTreeMap::new();
    for r in result.results::<StoredRow>()? {
        let day = r.day.parse().map_err(|_| ApiError::Internal("a stats day that is not a date".into()))?;
        let tally: Tally = serde_json::from_str(&r.tally).map_err(|e| ApiError::Internal(format!("a stored tally: {e}")))?;
        out.entry(day).or_default().insert(r.owner, tally);
    }
    Ok(out)
}

/// The reads a report of the days from `from` to `to` starts with, to batch after its own:
/// the job's progress, the marks since, the stored tallies, and, when the period holds
/// `today`, today's facts. Today is always tallied live (the hourly job stores only days that
/// have ended), so reading its facts here saves the report a second round trip to D1 whenever
/// no stored day has changed since. [`days_from`] takes their results.
pub fn period(db: &D1Database, zone: Tz, (from, to): (NaiveDate, NaiveDate), today: NaiveDate, owners: Owners) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let mut read = vec![progress(db)?, dirty(db, day_span(from, zone).0, day_span(to, zone).1)?, stored(db, from, to, owners)?];
    if from <= today && today <= to {
        read.extend(facts(db, day_span(today, zone), owners.grains(), owners.team())?);
    }
    Ok(read)
}

/// Each day's tallies by owner from `from` to `to`: stored days as stored, and days not stored
/// yet or changed since (marked) tallied live from the cases, in runs of consecutive days, so
/// the figures always equal a count over the cases themselves. `read` is [`period`]'s results.
pub async fn days_from(
    db: &D1Database,
    calendar: &BusinessCalendar,
    now: DateTime<Utc>,
    (from, to): (NaiveDate, NaiveDate),
    owners: Owners<'_>,
    read: &[worker::D1Result],
) -> Result<BTreeMap<NaiveDate, BTreeMap<String, Tally>>, ApiError> {
    let [progress, marks, stored, ahead @ ..] = read else { return Err(ApiError::Internal("a period read answered otherwise".into())) };
    let zone = calendar.zone();
    let today = (!ahead.is_empty()).then(|| now.with_timezone(&zone).date_naive());
    let through = progress_from(progress)?;
    let marks: Vec<DirtyRow> = marks.results()?;
    let mut days = stored_from(stored)?;
    let runs = live_runs(from, to, through, &dirty_days(&marks, zone), today);
    let span = |(first, last): (NaiveDate, NaiveDate)| (day_span(first, zone).0, day_span(last, zone).1);
    let mut statements = Vec::new();
    for run in runs.iter().filter(|run| Some(run.0) != today) {
        statements.extend(facts(db, span(*run), owners.grains(), owners.team())?);
    }
    let found = if statements.is_empty() { Vec::new() } else { db.batch(statements).await? };
    let mut found = found.chunks(FACTS_STATEMENTS);
    for run in runs {
        let results = if Some(run.0) == today { ahead } else { found.next().unwrap_or_default() };
        for (day, by_owner) in tally_days(run, calendar, owners.grain(), &facts_from(results, span(run).0)?, now) {
            days.insert(day, owners.pick(by_owner));
        }
    }
    Ok(days)
}

#[derive(Deserialize)]
struct ProgressRow {
    through: Option<String>,
}

/// The last day the hourly job has stored, if any.
pub fn progress(db: &D1Database) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(db, "SELECT through FROM stats_progress WHERE id = 1"))
}

pub fn progress_from(result: &worker::D1Result) -> Result<Option<NaiveDate>, ApiError> {
    let row = result.results::<ProgressRow>()?.into_iter().next();
    Ok(row.and_then(|r| r.through).and_then(|d| d.parse().ok()))
}

#[derive(Deserialize)]
pub struct DirtyRow {
    pub hour: i64,
    pub marks: i64,
}

/// The marked hours in [from, to) (stats_dirty's primary key range).
pub fn dirty(db: &D1Database, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<D1PreparedStatement, ApiError> {
    Ok(query!(
        db,
        "SELECT hour, marks FROM stats_dirty WHERE hour >= ?1 AND hour < ?2",
        from.timestamp_millis().div_euclid(HOUR_MS),
        to.timestamp_millis().div_euclid(HOUR_MS) + 1
    )?)
}

/// The days the marked hours of [`dirty`]'s rows touch in `zone`.
pub fn dirty_days(rows: &[DirtyRow], zone: Tz) -> BTreeSet<NaiveDate> {
    marked_days(rows.iter().map(|r| r.hour), zone)
}

#[derive(Serialize)]
struct StoreRow<'a> {
    grain: &'static str,
    owner: &'a str,
    tally: String,
}

#[derive(Serialize)]
struct Mark {
    hour: i64,
    marks: i64,
}

/// The writes that store one day's tallies (replacing what was stored), remove the marks read
/// for it unless marked again since, and move the progress on to it if it is the next day.
pub fn store_day(
    db: &D1Database,
    day: NaiveDate,
    zone: Tz,
    tallies: &[(Grain, BTreeMap<String, Tally>)],
    marks: &[DirtyRow],
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let encode = |e: serde_json::Error| ApiError::Internal(format!("encode tallies: {e}"));
    let mut rows = Vec::new();
    for (grain, by_owner) in tallies {
        for (owner, tally) in by_owner {
            rows.push(StoreRow { grain: grain.as_str(), owner, tally: serde_json::to_string(tally).map_err(encode)? });
        }
    }
    let (start, end) = day_span(day, zone);
    let (first, last) = (start.timestamp_millis().div_euclid(HOUR_MS), (end.timestamp_millis() - 1).div_euclid(HOUR_MS));
    let marks: Vec<Mark> = marks.iter().filter(|m| first <= m.hour && m.hour <= last).map(|m| Mark { hour: m.hour, marks: m.marks }).collect();
    let day_text = day.to_string();
    let (rows, marks) = (serde_json::to_string(&rows).map_err(encode)?, serde_json::to_string(&marks).map_err(encode)?);
    Ok(vec![
        query!(db, "DELETE FROM stats_daily WHERE grain IN ('team', 'agent') AND day = ?1", &day_text)?,
        query!(
            db,
            "INSERT INTO stats_daily (grain, day, owner, tally)
             SELECT r.value ->> 'grain', ?2, r.value ->> 'owner', r.value ->> 'tally' FROM json_each(?1) AS r",
            rows,
            &day_text
        )?,
        query!(
            db,
            "DELETE FROM stats_dirty WHERE (hour, marks) IN (SELECT m.value ->> 'hour', m.value ->> 'marks' FROM json_each(?1) AS m)",
            marks
        )?,
        query!(
            db,
            "UPDATE stats_progress SET through = ?1 WHERE id = 1 AND (through IS NULL OR through < ?1)",
            &day_text
        )?,
    ])
}

#[derive(Deserialize)]
struct FirstRow {
    first: Option<i64>,
}

/// When the first case was registered (cases_by_created's first entry), if there is one.
pub async fn first_case_at(db: &D1Database) -> Result<Option<DateTime<Utc>>, ApiError> {
    let rows: Vec<FirstRow> = query!(db, "SELECT MIN(created_at) AS first FROM cases").all().await?.results()?;
    Ok(rows.into_iter().next().and_then(|r| r.first).map(time))
}
