//! Reports from the daily tallies (0016_stats.sql, domain::stats), each read like the
//! dashboard: stored days, and the rest tallied live, so they equal a count over the cases.
//! - `GET /api/reports/complaints`: the regulatory complaint return for a period (JSON, or CSV
//!   with `format=csv`), over every team.
//! - `GET /api/scorecards`: each agent's figures for a period, for KPI reviews.

use domain::api::{ComplaintReturn, DashboardQuery, FieldError, Scorecard, Scorecards};
use domain::export::{return_csv, Language};
use domain::stats::Tally;
use worker::Response;

use crate::ctx::{csv_download, json, Ctx};
use crate::db::stats::Owners;
use crate::db::{stats, teams, users};
use crate::error::ApiError;
use crate::rules;

pub async fn complaint_return(ctx: Ctx) -> Result<Response, ApiError> {
    let rules = rules::load(&ctx.db).await?;
    let zone = rules.calendar.zone();
    let query = ctx.query()?;
    let today = ctx.now.with_timezone(&zone).date_naive();
    let q = DashboardQuery::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())), today)?;
    if q.team_id.is_some() {
        return Err(FieldError::invalid("team", "the complaint return covers every team").into());
    }
    let csv = match query.iter().find(|(k, _)| k == "format").map(|(_, v)| v.as_str()) {
        None | Some("json") => None,
        Some("csv") => Some(Language::from_param(query.iter().find(|(k, _)| k == "lang").map(|(_, v)| v.as_str()))?),
        Some(_) => return Err(FieldError::invalid("format", "format must be json or csv").into()),
    };
    let owners = Owners::Team(None);
    let read = ctx.db.batch(stats::period(&ctx.db, zone, (q.from, q.to), today, owners)?).await?;
    let days = stats::days_from(&ctx.db, &rules.calendar, ctx.now, (q.from, q.to), owners, &read).await?;
    let period = Tally::total(days.values().flat_map(|by_owner| by_owner.values()));
    let report = ComplaintReturn::of(q.from, q.to, &period, ctx.now);
    match csv {
        None => json(200, &report),
        Some(language) => {
            csv_download(Response::ok(return_csv(&report, language))?, &format!("kefu-complaint-return-{}-{}.csv", q.from, q.to))
        }
    }
}

pub async fn scorecards(ctx: Ctx) -> Result<Response, ApiError> {
    let rules = rules::load(&ctx.db).await?;
    let zone = rules.calendar.zone();
    let query = ctx.query()?;
    let today = ctx.now.with_timezone(&zone).date_naive();
    let q = DashboardQuery::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())), today)?;
    let owners = Owners::Agents;
    let mut read = vec![users::handlers(&ctx.db)?, teams::names(&ctx.db)?];
    read.extend(stats::period(&ctx.db, zone, (q.from, q.to), today, owners)?);
    let results = ctx.db.batch(read).await?;
    let staff: Vec<users::MemberRow> = results[0].results()?;
    let team_names = teams::names_from(&results[1])?;
    let days = stats::days_from(&ctx.db, &rules.calendar, ctx.now, (q.from, q.to), owners, &results[2..]).await?;

    let mut by_agent: std::collections::BTreeMap<&str, Tally> = std::collections::BTreeMap::new();
    for (owner, tally) in days.values().flat_map(|by_owner| by_owner.iter()) {
        by_agent.entry(owner.as_str()).or_default().add(tally);
    }
    // Everyone active in the team (with zeros if they had nothing), and anyone since moved
    // or deactivated who has figures in the period.
    let agents = staff
        .into_iter()
        .filter(|m| q.team_id.is_none() || m.team_id == q.team_id)
        .filter_map(|m| {
            let tally = by_agent.get(m.id.as_str()).cloned().unwrap_or_default();
            (m.active != 0 || !tally.is_empty()).then(|| Scorecard::of(m.id, m.name, m.team_id, &tally))
        })
        .collect();
    json(
        200,
        &Scorecards {
            from: q.from,
            to: q.to,
            team_id: q.team_id,
            agents,
            teams: team_names,
            follow_up_target_percent: rules.follow_up.target_percent,
            as_of: ctx.now,
        },
    )
}
