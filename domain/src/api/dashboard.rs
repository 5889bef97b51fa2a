//! The supervisor dashboard: the period asked for, and the tallies it answers with. Figures
//! (attainment, percentiles, rates) are computed from the tallies by `domain::stats`, the same
//! code in the app and in the tests.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::FieldError;
use std::collections::BTreeMap;

use crate::stats::{ClockTally, FollowUpCounts, ReturnCounts, Tally};

/// The longest period the dashboard compares, in days.
pub const PERIOD_MAX_DAYS: i64 = 366;
/// `GET /api/dashboard?from=&to=&team=`: local dates, both included, and optionally one team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub team_id: Option<String>,
}

impl DashboardQuery {
    /// Reads the query; without dates, the 30 days up to `today`.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, today: NaiveDate) -> Result<Self, FieldError> {
        let (mut from, mut to, mut team_id) = (None, None, None);
        for (key, value) in pairs {
            match key {
                "from" => from = Some(super::params::date("from", value)?),
                "to" => to = Some(super::params::date("to", value)?),
                "team" if value.is_empty() => {}
                "team" if super::is_id(value) => team_id = Some(value.to_string()),
                "team" => return Err(FieldError::invalid("team", "team is not a team id")),
                _ => {}
            }
        }
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::days(29));
        if from > to {
            return Err(FieldError::invalid("from", "from is after to"));
        }
        if (to - from).num_days() + 1 > PERIOD_MAX_DAYS {
            return Err(FieldError::invalid("to", format!("a period is at most {PERIOD_MAX_DAYS} days")));
        }
        Ok(DashboardQuery { from, to, team_id })
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> (NaiveDate, NaiveDate) {
        let days = (self.to - self.from).num_days() + 1;
        (self.from - Duration::days(days), self.from - Duration::days(1))
    }
}

/// One day's figures, for the charts: what they draw of the day's tally, no more, so a year of
/// days stays a small answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySummary {
    pub day: NaiveDate,
    pub received: u32,
    pub first_response: ClockTally,
    pub csat_answers: u32,
    pub csat_satisfied: u32,
    pub nps_answers: u32,
    pub promoters: u32,
    pub detractors: u32,
    /// Customers who left the institution that day.
    #[serde(default)]
    pub customers_left: u32,
}

impl DaySummary {
    pub fn of(day: NaiveDate, t: &Tally) -> Self {
        DaySummary {
            day,
            received: t.received.values().sum(),
            first_response: t.first_response,
            csat_answers: t.csat_answers,
            csat_satisfied: t.csat_satisfied,
            nps_answers: t.nps_answers,
            promoters: t.promoters,
            detractors: t.detractors,
            customers_left: t.customers_left,
        }
    }

    /// The day's satisfaction answers as a tally, to add up by quarter.
    pub fn satisfaction(&self) -> Tally {
        Tally {
            csat_answers: self.csat_answers,
            csat_satisfied: self.csat_satisfied,
            nps_answers: self.nps_answers,
            promoters: self.promoters,
            detractors: self.detractors,
            ..Tally::default()
        }
    }
}

/// The dashboard: the period's tally beside the previous period's, each day of the period for
/// the charts, the work open now, and the targets the figures are read against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    pub team_id: Option<String>,
    pub current: Tally,
    pub previous: Tally,
    /// Every day of the period, oldest first (days with nothing have zeros).
    pub days: Vec<DaySummary>,
    /// Open cases now, and how many of them are past their deadline; each counted up to
    /// [`super::COUNT_CAP`] like the queue's tabs.
    pub open_now: u32,
    pub breached_now: u32,
    /// The follow-up rate's target, in percent.
    pub follow_up_target_percent: u8,
    /// The teams the dashboard can be narrowed to.
    pub teams: Vec<TeamName>,
    pub as_of: DateTime<Utc>,
}

/// `GET /api/reports/complaints`: the regulatory complaint return for a period, over every
/// team: complaints received, and closed by how long they took (FCA DISP 1.10 and the China
/// shape), upheld and redress paid, by product (category) and by root cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintReturn {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: ReturnCounts,
    pub by_product: BTreeMap<String, ReturnCounts>,
    /// Closed complaints by root cause (`""`: none recorded).
    pub by_cause: BTreeMap<String, ReturnCounts>,
    pub as_of: DateTime<Utc>,
}

impl ComplaintReturn {
    pub fn of(from: NaiveDate, to: NaiveDate, period: &Tally, as_of: DateTime<Utc>) -> Self {
        ComplaintReturn {
            from,
            to,
            total: ReturnCounts::total(period.return_by_product.values()),
            by_product: period.return_by_product.clone(),
            by_cause: period.return_by_cause.clone(),
            as_of,
        }
    }
}

/// `GET /api/scorecards`: each agent's figures for a period, for KPI reviews.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecards {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub team_id: Option<String>,
    /// Active agents and supervisors (of the team, if one was asked for), by name.
    pub agents: Vec<Scorecard>,
    pub teams: Vec<TeamName>,
    pub follow_up_target_percent: u8,
    pub as_of: DateTime<Utc>,
}

/// One agent's figures: cases received for them, their clocks, first-response median,
/// complaint timeliness (the regulatory clock), follow-ups and the CSAT of their cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub agent_id: String,
    pub name: String,
    pub team_id: Option<String>,
    pub handled: u32,
    pub first_response: ClockTally,
    pub resolution: ClockTally,
    pub regulatory: ClockTally,
    /// Every complaint step's clock together.
    pub complaint_steps: ClockTally,
    /// Minutes, to its bucket's resolution (domain::stats::minutes_bucket).
    pub first_response_median: Option<u32>,
    pub follow_ups_due: u32,
    pub follow_ups_done: u32,
    /// Their follow-ups with how the calls went (reached, calls to reach, cooling-off in time).
    #[serde(default)]
    pub follow_ups: FollowUpCounts,
    pub csat_answers: u32,
    pub csat_satisfied: u32,
}

impl Scorecard {
    pub fn of(agent_id: String, name: String, team_id: Option<String>, t: &Tally) -> Self {
        Scorecard {
            agent_id,
            name,
            team_id,
            handled: t.received.values().sum(),
            first_response: t.first_response,
            resolution: t.resolution,
            regulatory: t.regulatory,
            complaint_steps: t.all_steps(),
            first_response_median: t.first_response_percentile(50),
            follow_ups_due: t.follow_ups_due,
            follow_ups_done: t.follow_ups_done,
            follow_ups: t.follow_up_counts(),
            csat_answers: t.csat_answers,
            csat_satisfied: t.csat_satisfied,
        }
    }

    pub fn csat(&self) -> Option<f64> {
        crate::metrics::csat_share(self.csat_satisfied, self.csat_answers)
    }
}

/// A team as a choice in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamName {
    pub id: String,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_defaults_to_thirty_days_and_names_its_bad_field() {
        let today = day("2026-11-24");
        let q = DashboardQuery::from_query([], today).unwrap();
        assert_eq!((q.from, q.to, q.team_id), (day("2026-10-26"), today, None));
        let q = DashboardQuery::from_query([("from", "2026-10-01"), ("to", "2026-10-31"), ("team", "team-retail")], today).unwrap();
        assert_eq!(q.previous(), (day("2026-08-31"), day("2026-09-30")));
        assert_eq!(q.team_id.as_deref(), Some("team-retail"));
        let field = |pairs: &[(&str, &str)]| DashboardQuery::from_query(pairs.iter().copied(), today).unwrap_err().field;
        assert_eq!(field(&[("from", "2026-13-01")]), "from");
        assert_eq!(field(&[("from", "2026-11-02"), ("to", "2026-11-01")]), "from");
        assert_eq!(field(&[("from", "2025-01-01"), ("to", "2026-11-01")]), "to");
        assert_eq!(field(&[("team", "x'; --")]), "team");
        assert_eq!(field(&[("to", "262143-12-31")]), "to", "a date chrono can hold, but not a period");
        assert_eq!(field(&[("from", "1999-12-31"), ("to", "2000-01-31")]), "from");
    }
}
