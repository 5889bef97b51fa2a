//! `GET /api/dashboard`: a period's tallies beside the previous period's, day by day, for one
//! team or all (0016_stats.sql, domain::stats). Stored days come from stats_daily; days not yet
//! stored or changed since (marked in stats_dirty) are tallied live from the cases, so the
//! figures always equal a count over the cases themselves.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::api::{CaseFilter, Dashboard, DashboardQuery, DaySummary, SlaFilter, StatusFilter};
use domain::stats::{day_span, live_runs, tally_day, Grain, Tally};
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::{cases, stats, teams};
use crate::error::ApiError;
use crate::rules;

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let rules = rules::load(&ctx.db).await?;
    let zone = rules.calendar.zone();
    let today = ctx.now.with_timezone(&zone).date_naive();
    let query = ctx.query()?;
    let q = DashboardQuery::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())), today)?;
    let team = q.team_id.as_deref();
    let (previous_from, previous_to) = q.previous();
    let (span_start, _) = day_span(previous_from, zone);
    let (_, span_end) = day_span(q.to, zone);

    // Open and breached now, counted like the queue's tabs.
    let now_filters = [
        CaseFilter { status: Some(StatusFilter::Open), team_id: q.team_id.clone(), ..CaseFilter::default() },
        CaseFilter { status: Some(StatusFilter::Open), sla: Some(SlaFilter::Breached), team_id: q.team_id.clone(), ..CaseFilter::default() },
    ];
    let mut read = vec![
        stats::progress(&ctx.db)?,
        stats::dirty(&ctx.db, span_start, span_end)?,
        stats::stored(&ctx.db, previous_from, q.to, team)?,
        teams::names(&ctx.db)?,
    ];
    read.extend(cases::count_statements(&ctx.db, &now_filters, &ctx.user()?.id, ctx.now)?);
    let results = ctx.db.batch(read).await?;
    let teams = teams::names_from(&results[3])?;
    let (open_now, breached_now) = (cases::count_from(&results[4])?, cases::count_from(&results[5])?);
    let through = stats::progress_from(&results[0])?;
    let marks: Vec<stats::DirtyRow> = results[1].results()?;
    let changed = stats::dirty_days(&marks, zone);
    let mut days = stats::stored_from(&results[2])?;

    // Days not stored yet, or changed since: tallied live, in runs of consecutive days.
    let runs = live_runs(previous_from, q.to, through, &changed);
    let mut statements = Vec::new();
    for (first, last) in &runs {
        statements.extend(stats::facts(&ctx.db, day_span(*first, zone).0, day_span(*last, zone).1)?);
    }
    let found = if statements.is_empty() { Vec::new() } else { ctx.db.batch(statements).await? };
    for ((first, last), results) in runs.iter().zip(found.chunks(2)) {
        let (case_facts, answers) = stats::facts_from(&results[0], &results[1])?;
        for day in first.iter_days().take_while(|d| d <= last) {
            let by_owner = tally_day(day, zone, Grain::Team, &case_facts, &answers, ctx.now);
            days.insert(day, Tally::total(by_owner.iter().filter(|(owner, _)| team.is_none_or(|t| t == *owner)).map(|(_, t)| t)));
        }
    }

    let sum = |from: NaiveDate, to: NaiveDate, days: &BTreeMap<NaiveDate, Tally>| Tally::total(days.range(from..=to).map(|(_, t)| t));
    let dashboard = Dashboard {
        from: q.from,
        to: q.to,
        previous_from,
        previous_to,
        current: sum(q.from, q.to, &days),
        previous: sum(previous_from, previous_to, &days),
        days: q.from.iter_days().take_while(|d| *d <= q.to).map(|day| DaySummary::of(day, &days.get(&day).cloned().unwrap_or_default())).collect(),
        team_id: q.team_id,
        open_now,
        breached_now,
        teams,
        follow_up_target_percent: rules.follow_up.target_percent,
        as_of: ctx.now,
    };
    json(200, &dashboard)
}
