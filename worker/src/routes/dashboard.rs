//! `GET /api/dashboard`: a period's tallies beside the previous period's, day by day, for one
//! team or all (0016_stats.sql, domain::stats). Stored days come from stats_daily; days not yet
//! stored or changed since (marked in stats_dirty) are tallied live from the cases, so the
//! figures always equal a count over the cases themselves.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::api::{CaseFilter, Dashboard, DashboardQuery, DaySummary, SlaFilter, StatusFilter};
use domain::stats::Tally;
use worker::Response;

use crate::ctx::{json, Ctx};
use crate::db::stats::Owners;
use crate::db::{cases, stats, teams};
use crate::error::ApiError;
use crate::rules;

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let rules = rules::load(&ctx.db).await?;
    let zone = rules.calendar.zone();
    let today = ctx.now.with_timezone(&zone).date_naive();
    let query = ctx.query()?;
    let q = DashboardQuery::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())), today)?;
    let owners = Owners::Team(q.team_id.as_deref());
    let (previous_from, previous_to) = q.previous();

    // Open and breached now, counted like the queue's tabs.
    let now_filters = [
        CaseFilter { status: Some(StatusFilter::Open), team_id: q.team_id.clone(), ..CaseFilter::default() },
        CaseFilter { status: Some(StatusFilter::Open), sla: Some(SlaFilter::Breached), team_id: q.team_id.clone(), ..CaseFilter::default() },
    ];
    let mut read = vec![teams::names(&ctx.db)?];
    read.extend(cases::count_statements(&ctx.db, &now_filters, &cases::Viewer { user_id: &ctx.user()?.id, now: ctx.now, zone: Some(zone) })?);
    read.extend(stats::period(&ctx.db, zone, (previous_from, q.to), today, owners)?);
    let results = ctx.db.batch(read).await?;
    let teams = teams::names_from(&results[0])?;
    let (open_now, breached_now) = (cases::count_from(&results[1])?, cases::count_from(&results[2])?);
    let by_day = stats::days_from(&ctx.db, &rules.calendar, ctx.now, (previous_from, q.to), owners, &results[3..]).await?;
    let days: BTreeMap<NaiveDate, Tally> = by_day.into_iter().map(|(day, by_owner)| (day, Tally::total(by_owner.values()))).collect();

    let sum = |from: NaiveDate, to: NaiveDate| Tally::total(days.range(from..=to).map(|(_, t)| t));
    let dashboard = Dashboard {
        from: q.from,
        to: q.to,
        previous_from,
        previous_to,
        current: sum(q.from, q.to),
        previous: sum(previous_from, previous_to),
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
