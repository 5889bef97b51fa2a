//! The dashboard's statistics: what each case and survey answer contributes to a day's tally,
//! and how tallies add up to the figures supervisors read.
//!
//! A tally belongs to one day in the institution's zone and one owner (a team, or an agent).
//! Each figure counts a case on the day of the instant it is about, so a past day's tally
//! changes only when one of its cases is edited:
//! - received: the day the case was registered;
//! - a clock (first response, resolution, regulatory decision): the day it fell due. It is
//!   decided once met or once due; met on time when met no later than due;
//! - the first-response time: with its clock, for clocks that were met;
//! - a complaint's outcome, root cause and redress: the day it closed;
//! - a follow-up: with its resolution clock; done when closed having reached the customer
//!   (and split by why it was due and by the kind of product sold, with how the calls went);
//! - a survey answer: the day it was given;
//! - a complaint step: with its clock, on the day it fell due; its duration with it, once left.
//!
//! Merged complaints are left out: the complaint they merged into counts for them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;
use crate::case::{CaseKind, Step};
use crate::customer::LeaveReason;
use crate::follow_up::call::Ending;
use crate::follow_up::Reason;
use crate::lifecycle::Outcome;
use crate::regulatory::business_days_after;
use crate::metrics;

/// One clock's decided and on-time counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockTally {
    pub decided: u32,
    pub on_time: u32,
}

/// How a clock stands: decided once met or once due; met on time when met no later than due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockResult {
    Running,
    OnTime,
    Late,
}

impl ClockResult {
    pub fn of(due: DateTime<Utc>, met_at: Option<DateTime<Utc>>, as_of: DateTime<Utc>) -> ClockResult {
        match met_at {
            Some(m) if m <= due => ClockResult::OnTime,
            Some(_) => ClockResult::Late,
            None if due <= as_of => ClockResult::Late,
            None => ClockResult::Running,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClockResult::Running => "running",
            ClockResult::OnTime => "on_time",
            ClockResult::Late => "late",
        }
    }
}

/// When a case met its resolution clock: a follow-up by closing (the call made), any other case
/// by resolving (or closing, for a complaint closed without a separate resolution).
pub fn resolution_met_at(kind: CaseKind, resolved_at: Option<DateTime<Utc>>, closed_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    if kind == CaseKind::FollowUp {
        closed_at.or(resolved_at)
    } else {
        resolved_at.or(closed_at)
    }
}

impl ClockTally {
    fn count(&mut self, due: DateTime<Utc>, met_at: Option<DateTime<Utc>>, as_of: DateTime<Utc>) {
        match ClockResult::of(due, met_at, as_of) {
            ClockResult::Running => {}
            result => {
                self.decided += 1;
                self.on_time += u32::from(result == ClockResult::OnTime);
            }
        }
    }

    fn add(&mut self, other: &ClockTally) {
        self.decided += other.decided;
        self.on_time += other.on_time;
    }

    /// The share met on time (0–1); `None` when nothing was decided.
    pub fn attainment(&self) -> Option<f64> {
        (self.decided > 0).then(|| f64::from(self.on_time) / f64::from(self.decided))
    }
}

/// Decided follow-ups of one reason or product kind, and how their calls went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FollowUpCounts {
    /// Decided: closed, or past their deadline.
    pub due: u32,
    /// Closed having reached the customer: what the follow-up rate counts.
    pub done: u32,
    /// Ended with the customer on the line (done, or they declined to talk).
    pub reached: u32,
    /// The calls those took: the unanswered ones before, and the one that reached.
    pub calls_to_reach: u32,
    /// With a cooling-off period (犹豫期), and of those, reached before it ended.
    pub cooling_off: u32,
    pub cooling_off_in_time: u32,
    /// Following a sale that was a suitability mismatch.
    pub mismatched: u32,
}

impl FollowUpCounts {
    pub fn add(&mut self, other: &FollowUpCounts) {
        self.due += other.due;
        self.done += other.done;
        self.reached += other.reached;
        self.calls_to_reach += other.calls_to_reach;
        self.cooling_off += other.cooling_off;
        self.cooling_off_in_time += other.cooling_off_in_time;
        self.mismatched += other.mismatched;
    }

    /// Done over due (0–1), and whether that meets `target_percent`.
    pub fn rate(&self, target_percent: u8) -> Option<(f64, bool)> {
        metrics::follow_up_rate(self.due, self.done, target_percent)
    }

    /// Reached over due (0–1).
    pub fn reach_rate(&self) -> Option<f64> {
        (self.due > 0).then(|| f64::from(self.reached.min(self.due)) / f64::from(self.due))
    }

    /// The calls it took on average to reach a customer who was reached.
    pub fn calls_per_reach(&self) -> Option<f64> {
        (self.reached > 0).then(|| f64::from(self.calls_to_reach) / f64::from(self.reached))
    }

    /// Of the follow-ups with a cooling-off period, the share made inside it (0–1).
    pub fn cooling_off_share(&self) -> Option<f64> {
        (self.cooling_off > 0).then(|| f64::from(self.cooling_off_in_time) / f64::from(self.cooling_off))
    }

    /// The sum of counts.
    pub fn total<'a>(counts: impl IntoIterator<Item = &'a FollowUpCounts>) -> FollowUpCounts {
        let mut total = FollowUpCounts::default();
        for c in counts {
            total.add(c);
        }
        total
    }
}

/// What a follow-up's own record (why it was due, how its calls went) adds to its case's
/// resolution fact.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpFacts {
    pub reason: Reason,
    /// The kind of product sold, for a post-sale follow-up.
    pub product_kind: Option<String>,
    pub ending: Option<Ending>,
    /// Unanswered calls.
    pub attempts: u32,
    pub cooling_off_ends_at: Option<DateTime<Utc>>,
    pub mismatch: bool,
}

impl FollowUpFacts {
    /// What it counts once decided: `done` as the follow-up rate counts it, made at `met_at`.
    fn counts(&self, done: bool, met_at: Option<DateTime<Utc>>) -> FollowUpCounts {
        let reached = done && matches!(self.ending, Some(Ending::Done | Ending::Refused));
        let cooling_off = self.cooling_off_ends_at.is_some();
        FollowUpCounts {
            due: 1,
            done: u32::from(done),
            reached: u32::from(reached),
            calls_to_reach: if reached { self.attempts + 1 } else { 0 },
            cooling_off: u32::from(cooling_off),
            cooling_off_in_time: u32::from(reached && self.cooling_off_ends_at.zip(met_at).is_some_and(|(ends, met)| met <= ends)),
            mismatched: u32::from(self.mismatch),
        }
    }
}

/// One day's counts for one owner. Tallies add: a period's is the sum of its days'.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tally {
    /// Cases registered, by kind.
    pub received: BTreeMap<String, u32>,
    /// Complaints registered, by category.
    pub complaints_by_category: BTreeMap<String, u32>,
    pub first_response: ClockTally,
    pub resolution: ClockTally,
    pub regulatory: ClockTally,
    /// First-response times of the met clocks, by [`minutes_bucket`].
    pub first_response_minutes: BTreeMap<u32, u32>,
    pub complaints_closed: u32,
    /// Closed complaints upheld or partly upheld.
    pub upheld: u32,
    pub redress_total: i64,
    /// Closed complaints by root cause (`""` when none was recorded).
    pub root_causes: BTreeMap<String, u32>,
    /// Follow-ups decided (closed, or past their deadline) and done (closed, customer reached).
    pub follow_ups_due: u32,
    pub follow_ups_done: u32,
    /// The same follow-ups by why they were due ([`Reason`]), with how their calls went.
    pub follow_ups_by_reason: BTreeMap<String, FollowUpCounts>,
    /// The post-sale ones by the kind of product sold (`card`, `wealth`, `insurance`, …).
    pub follow_ups_by_product: BTreeMap<String, FollowUpCounts>,
    pub csat_answers: u32,
    /// CSAT answers of 4 or 5.
    pub csat_satisfied: u32,
    pub nps_answers: u32,
    pub promoters: u32,
    pub detractors: u32,
    /// The complaint return by product (the complaint's category): received on the day, and
    /// closed on the day by how long they took.
    pub return_by_product: BTreeMap<String, ReturnCounts>,
    /// The same for closed complaints by root cause (`""` when none was recorded).
    pub return_by_cause: BTreeMap<String, ReturnCounts>,
    /// Complaint steps' clocks by step (review, investigation, feedback).
    pub steps: BTreeMap<String, ClockTally>,
    /// How long the steps left took, by step and [`minutes_bucket`].
    pub step_minutes: BTreeMap<String, BTreeMap<u32, u32>>,
    /// Customers who ended their relationship (churn), and why. The institution's, not a
    /// team's: counted under no team and no agent.
    pub customers_left: u32,
    pub leave_reasons: BTreeMap<String, u32>,
}

/// One row of the regulatory complaint return: complaints received, and complaints closed by
/// how long they took in the FCA DISP 1.10 shape (by the close of the third business day after
/// receipt, within 4 weeks, 4 to 8 weeks, over 8 weeks) and in the China shape (within 15, 30,
/// 60 days, over 60), with the share upheld and the redress paid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReturnCounts {
    pub received: u32,
    pub closed: u32,
    pub fca: [u32; 4],
    pub china: [u32; 4],
    /// Closed upheld or partly upheld.
    pub upheld: u32,
    /// In fen.
    pub redress_total: i64,
}

impl ReturnCounts {
    /// A complaint closed at `closed`, received at `received`.
    pub fn closing(cal: &BusinessCalendar, received: DateTime<Utc>, closed: DateTime<Utc>, outcome: Option<Outcome>, redress: Option<i64>) -> ReturnCounts {
        let took = closed - received;
        let fca = if closed <= business_days_after(cal, received, 3) {
            0
        } else if took <= Duration::weeks(4) {
            1
        } else if took <= Duration::weeks(8) {
            2
        } else {
            3
        };
        let china = [15, 30, 60].iter().position(|d| took <= Duration::days(*d)).unwrap_or(3);
        let mut row = ReturnCounts { closed: 1, upheld: u32::from(matches!(outcome, Some(Outcome::Upheld | Outcome::PartlyUpheld))), redress_total: redress.unwrap_or(0), ..ReturnCounts::default() };
        row.fca[fca] = 1;
        row.china[china] = 1;
        row
    }

    pub fn add(&mut self, other: &ReturnCounts) {
        self.received += other.received;
        self.closed += other.closed;
        for i in 0..4 {
            self.fca[i] += other.fca[i];
            self.china[i] += other.china[i];
        }
        self.upheld += other.upheld;
        self.redress_total += other.redress_total;
    }

    /// The share of closed complaints upheld (0–1).
    pub fn upheld_share(&self) -> Option<f64> {
        (self.closed > 0).then(|| f64::from(self.upheld) / f64::from(self.closed))
    }

    /// The sum of rows.
    pub fn total<'a>(rows: impl IntoIterator<Item = &'a ReturnCounts>) -> ReturnCounts {
        let mut total = ReturnCounts::default();
        for r in rows {
            total.add(r);
        }
        total
    }
}

fn bump<K: Ord>(map: &mut BTreeMap<K, u32>, key: K, n: u32) {
    *map.entry(key).or_default() += n;
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        for (k, n) in &other.received {
            bump(&mut self.received, k.clone(), *n);
        }
        for (k, n) in &other.complaints_by_category {
            bump(&mut self.complaints_by_category, k.clone(), *n);
        }
        self.first_response.add(&other.first_response);
        self.resolution.add(&other.resolution);
        self.regulatory.add(&other.regulatory);
        for (k, n) in &other.first_response_minutes {
            bump(&mut self.first_response_minutes, *k, *n);
        }
        self.complaints_closed += other.complaints_closed;
        self.upheld += other.upheld;
        self.redress_total += other.redress_total;
        for (k, n) in &other.root_causes {
            bump(&mut self.root_causes, k.clone(), *n);
        }
        self.follow_ups_due += other.follow_ups_due;
        self.follow_ups_done += other.follow_ups_done;
        for (k, c) in &other.follow_ups_by_reason {
            self.follow_ups_by_reason.entry(k.clone()).or_default().add(c);
        }
        for (k, c) in &other.follow_ups_by_product {
            self.follow_ups_by_product.entry(k.clone()).or_default().add(c);
        }
        self.csat_answers += other.csat_answers;
        self.csat_satisfied += other.csat_satisfied;
        self.nps_answers += other.nps_answers;
        self.promoters += other.promoters;
        self.detractors += other.detractors;
        for (k, r) in &other.return_by_product {
            self.return_by_product.entry(k.clone()).or_default().add(r);
        }
        for (k, r) in &other.return_by_cause {
            self.return_by_cause.entry(k.clone()).or_default().add(r);
        }
        for (k, c) in &other.steps {
            self.steps.entry(k.clone()).or_default().add(c);
        }
        for (k, minutes) in &other.step_minutes {
            let mine = self.step_minutes.entry(k.clone()).or_default();
            for (bucket, n) in minutes {
                bump(mine, *bucket, *n);
            }
        }
        self.customers_left += other.customers_left;
        for (k, n) in &other.leave_reasons {
            bump(&mut self.leave_reasons, k.clone(), *n);
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }

    /// The `p`-th percentile of first-response minutes (nearest rank), as its bucket's upper
    /// bound; `None` when no clock was met.
    pub fn first_response_percentile(&self, p: u8) -> Option<u32> {
        percentile(&self.first_response_minutes, p)
    }

    /// The `p`-th percentile of how long a step took, as [`Tally::first_response_percentile`];
    /// `None` when no such step was left.
    pub fn step_percentile(&self, step: Step, p: u8) -> Option<u32> {
        self.step_minutes.get(step.as_str()).and_then(|m| percentile(m, p))
    }

    /// A step's clock.
    pub fn step(&self, step: Step) -> ClockTally {
        self.steps.get(step.as_str()).copied().unwrap_or_default()
    }

    /// Every step's clock together.
    pub fn all_steps(&self) -> ClockTally {
        let mut all = ClockTally::default();
        for c in self.steps.values() {
            all.add(c);
        }
        all
    }

    /// Follow-ups done over due (0–1), and whether that meets `target_percent`.
    pub fn follow_up_rate(&self, target_percent: u8) -> Option<(f64, bool)> {
        metrics::follow_up_rate(self.follow_ups_due, self.follow_ups_done, target_percent)
    }

    /// Every follow-up decided, with how its calls went (the sum over reasons).
    pub fn follow_up_counts(&self) -> FollowUpCounts {
        FollowUpCounts::total(self.follow_ups_by_reason.values())
    }

    /// The share of CSAT answers that are 4 or 5.
    pub fn csat(&self) -> Option<f64> {
        metrics::csat_share(self.csat_satisfied, self.csat_answers)
    }

    /// Promoters minus detractors, in percent of NPS answers (−100 to 100).
    pub fn nps(&self) -> Option<f64> {
        metrics::nps_score(self.promoters, self.detractors, self.nps_answers)
    }

    /// The sum of tallies.
    pub fn total<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> Tally {
        let mut total = Tally::default();
        for t in tallies {
            total.add(t);
        }
        total
    }
}

/// The `p`-th percentile (nearest rank) of a histogram by [`minutes_bucket`], as its bucket's
/// upper bound; `None` when it is empty.
fn percentile(minutes: &BTreeMap<u32, u32>, p: u8) -> Option<u32> {
    let total: u64 = minutes.values().map(|n| u64::from(*n)).sum();
    if total == 0 {
        return None;
    }
    let rank = ((f64::from(p.min(100)) / 100.0 * total as f64).ceil() as u64).clamp(1, total);
    let mut seen = 0u64;
    minutes.iter().find_map(|(bucket, n)| {
        seen += u64::from(*n);
        (seen >= rank).then_some(*bucket)
    })
}

/// The bucket of a first-response time, as its upper bound in minutes: to the minute within
/// the first 2 hours, to 5 minutes within a day, to 15 minutes within 3 days, then to the
/// hour (capped at 30 days). Percentiles are read to this resolution.
pub fn minutes_bucket(elapsed: Duration) -> u32 {
    let m = (elapsed.num_seconds().max(0) + 59) / 60;
    let up = |step: i64| (m + step - 1) / step * step;
    let bucket = match m {
        0..=120 => m,
        121..=1440 => up(5),
        1441..=4320 => up(15),
        _ => up(60).min(30 * 24 * 60),
    };
    bucket as u32
}

/// The owner of a day's total over every team, stored beside the teams' own tallies.
pub const ALL_TEAMS: &str = "*";

/// Who a tally is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    /// By the assignee's team (`""` for unassigned cases and general surveys).
    Team,
    /// By the assignee; unassigned cases and general surveys are not counted.
    Agent,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Team => "team",
            Grain::Agent => "agent",
        }
    }

    fn owner<'a>(self, team_id: &'a Option<String>, agent_id: &'a Option<String>) -> Option<&'a str> {
        match self {
            Grain::Team => Some(team_id.as_deref().unwrap_or_default()),
            Grain::Agent => agent_id.as_deref(),
        }
    }
}

/// The instants a local date spans in `zone`: [start, end).
pub fn day_span(day: NaiveDate, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).expect("midnight exists");
        // A zone that skips midnight starts the day at the first instant after the gap.
        (0..=180)
            .find_map(|m| zone.from_local_datetime(&(midnight + Duration::minutes(m))).earliest())
            .map_or_else(|| Utc.from_utc_datetime(&midnight), |t| t.with_timezone(&Utc))
    };
    (start(day), start(day.succ_opt().expect("a next day")))
}

/// What one case or survey answer adds to the day of one of its instants ([`Fact::at`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Counted {
    /// Registered.
    Received { kind: CaseKind, category: String },
    /// The first-response clock, due then.
    FirstResponse { met_at: Option<DateTime<Utc>>, received: DateTime<Utc> },
    /// The resolution clock, due then; met as [`resolution_met_at`] says. A follow-up's own
    /// record comes with it.
    Resolution { kind: CaseKind, met_at: Option<DateTime<Utc>>, closed: bool, unreachable: bool, follow_up: Option<FollowUpFacts> },
    /// The regulatory decision's clock, due then; met by closing.
    Regulatory { closed_at: Option<DateTime<Utc>> },
    /// A complaint closed.
    Closed { category: String, root_cause: Option<String>, outcome: Option<Outcome>, redress_amount: Option<i64>, received: DateTime<Utc> },
    /// A survey answered.
    Answered { csat: Option<u8>, nps: Option<u8> },
    /// A complaint step's clock, due then: left at `met_at` (`None`: still the current step).
    Step { step: Step, met_at: Option<DateTime<Utc>>, started: DateTime<Utc> },
    /// A customer left the institution then.
    Left { reason: LeaveReason },
}

/// One instant a case or answer counts on, with whose it is and what it adds. A day's tally
/// needs only the facts whose instant falls on it, so they can be read by each instant's own
/// index, each with only the columns it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub at: DateTime<Utc>,
    pub team_id: Option<String>,
    pub agent_id: Option<String>,
    pub counted: Counted,
}

impl Tally {
    /// Adds what `counted` adds on the day of its instant `at`, as of `as_of`.
    fn count(&mut self, at: DateTime<Utc>, counted: &Counted, cal: &BusinessCalendar, as_of: DateTime<Utc>) {
        match counted {
            Counted::Received { kind, category } => {
                bump(&mut self.received, kind.as_str().to_string(), 1);
                if *kind == CaseKind::Complaint {
                    bump(&mut self.complaints_by_category, category.clone(), 1);
                    self.return_by_product.entry(category.clone()).or_default().received += 1;
                }
            }
            Counted::FirstResponse { met_at, received } => {
                self.first_response.count(at, *met_at, as_of);
                if let Some(met) = met_at {
                    bump(&mut self.first_response_minutes, minutes_bucket(*met - *received), 1);
                }
            }
            Counted::Resolution { kind, met_at, closed, unreachable, follow_up } => {
                self.resolution.count(at, *met_at, as_of);
                if *kind == CaseKind::FollowUp && (met_at.is_some() || at <= as_of) {
                    let done = *closed && !unreachable;
                    self.follow_ups_due += 1;
                    self.follow_ups_done += u32::from(done);
                    if let Some(f) = follow_up {
                        let counts = f.counts(done, *met_at);
                        self.follow_ups_by_reason.entry(f.reason.as_str().to_string()).or_default().add(&counts);
                        if let Some(product) = &f.product_kind {
                            self.follow_ups_by_product.entry(product.clone()).or_default().add(&counts);
                        }
                    }
                }
            }
            Counted::Regulatory { closed_at } => self.regulatory.count(at, *closed_at, as_of),
            Counted::Closed { category, root_cause, outcome, redress_amount, received } => {
                let row = ReturnCounts::closing(cal, *received, at, *outcome, *redress_amount);
                let cause = root_cause.clone().unwrap_or_default();
                self.return_by_product.entry(category.clone()).or_default().add(&row);
                self.return_by_cause.entry(cause.clone()).or_default().add(&row);
                self.complaints_closed += 1;
                self.upheld += row.upheld;
                self.redress_total += row.redress_total;
                bump(&mut self.root_causes, cause, 1);
            }
            Counted::Step { step, met_at, started } => {
                // A step still running adds nothing, not even its name.
                let mut clock = ClockTally::default();
                clock.count(at, *met_at, as_of);
                if clock.decided > 0 {
                    self.steps.entry(step.as_str().to_string()).or_default().add(&clock);
                }
                if let Some(ended) = met_at {
                    bump(self.step_minutes.entry(step.as_str().to_string()).or_default(), minutes_bucket(*ended - *started), 1);
                }
            }
            Counted::Left { reason } => {
                self.customers_left += 1;
                bump(&mut self.leave_reasons, reason.as_str().to_string(), 1);
            }
            Counted::Answered { csat, nps } => {
                if let Some(satisfied) = csat.and_then(metrics::csat_satisfied) {
                    self.csat_answers += 1;
                    self.csat_satisfied += u32::from(satisfied);
                }
                if let Some(class) = nps.and_then(metrics::nps_class) {
                    self.nps_answers += 1;
                    self.promoters += u32::from(class > 0);
                    self.detractors += u32::from(class < 0);
                }
            }
        }
    }
}

/// Each day's tallies by owner from `first` to `last` (every day present, empty when nothing
/// counted on it), from the facts that may count on them (others are ignored), as of `as_of`: a
/// clock due later than that and not met is still running. Owners whose facts added nothing
/// are left out.
pub fn tally_days(
    (first, last): (NaiveDate, NaiveDate),
    cal: &BusinessCalendar,
    grain: Grain,
    facts: &[Fact],
    as_of: DateTime<Utc>,
) -> BTreeMap<NaiveDate, BTreeMap<String, Tally>> {
    let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    // Where each day starts, and where the last one ends.
    let mut bounds: Vec<DateTime<Utc>> = days.iter().map(|d| day_span(*d, cal.zone()).0).collect();
    bounds.extend(days.last().map(|d| day_span(*d, cal.zone()).1));
    let mut out: Vec<BTreeMap<String, Tally>> = vec![BTreeMap::new(); days.len()];
    for f in facts {
        let Some(owner) = grain.owner(&f.team_id, &f.agent_id) else { continue };
        let i = bounds.partition_point(|start| *start <= f.at);
        if i == 0 || i > days.len() {
            continue;
        }
        let by_owner = &mut out[i - 1];
        if !by_owner.contains_key(owner) {
            by_owner.insert(owner.to_string(), Tally::default());
        }
        by_owner.get_mut(owner).expect("just inserted").count(f.at, &f.counted, cal, as_of);
    }
    days.into_iter()
        .zip(out)
        .map(|(day, mut by_owner)| {
            by_owner.retain(|_, t| !t.is_empty());
            (day, by_owner)
        })
        .collect()
}

/// One day's tallies by owner; see [`tally_days`].
pub fn tally_day(day: NaiveDate, cal: &BusinessCalendar, grain: Grain, facts: &[Fact], as_of: DateTime<Utc>) -> BTreeMap<String, Tally> {
    tally_days((day, day), cal, grain, facts, as_of).remove(&day).unwrap_or_default()
}

/// How a change marks the days it can move (the triggers of 0016_stats.sql): by the hour of each
/// instant, epoch milliseconds / this.
pub const HOUR_MS: i64 = 3_600_000;

/// The days marked hours touch in `zone`: an hour may straddle two days where the zone's offset
/// is not whole hours.
pub fn marked_days(hours: impl IntoIterator<Item = i64>, zone: Tz) -> BTreeSet<NaiveDate> {
    let day = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or_default().with_timezone(&zone).date_naive();
    hours.into_iter().flat_map(|h| [day(h * HOUR_MS), day(h * HOUR_MS + HOUR_MS - 1)]).collect()
}

/// The days from `from` to `to` whose stored tallies cannot be used, in runs of consecutive
/// days: those after `through` (the last stored day) and those a change has marked since.
/// `alone`, if live, is a run of its own (a day whose facts were read ahead: today's).
pub fn live_runs(
    from: NaiveDate,
    to: NaiveDate,
    through: Option<NaiveDate>,
    marked: &BTreeSet<NaiveDate>,
    alone: Option<NaiveDate>,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for day in from.iter_days().take_while(|d| *d <= to) {
        if through.is_some_and(|t| day <= t) && !marked.contains(&day) {
            continue;
        }
        match runs.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(day) && alone != Some(day) && alone != Some(*last) => *last = day,
            _ => runs.push((day, day)),
        }
    }
    runs
}

/// The calendar quarter of a date, as `2026-Q4`.
pub fn quarter(day: NaiveDate) -> String {
    format!("{}-Q{}", day.year(), (day.month() - 1) / 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::bj;

    const ZONE: Tz = chrono_tz::Asia::Shanghai;

    fn cal() -> BusinessCalendar {
        BusinessCalendar::china_default()
    }

    #[test]
    fn the_complaint_return_buckets_closings_by_how_long_they_took() {
        // Received on Monday 2 November 2026 at 10:00; Thursday the 5th is the third business day.
        let received = bj(2026, 11, 2, 10, 0);
        let row = |closed| ReturnCounts::closing(&cal(), received, closed, Some(Outcome::Upheld), Some(5000));
        let buckets = |closed| (row(closed).fca, row(closed).china);
        assert_eq!(buckets(bj(2026, 11, 5, 23, 0)), ([1, 0, 0, 0], [1, 0, 0, 0]), "by the close of the third business day");
        assert_eq!(buckets(bj(2026, 11, 6, 9, 0)), ([0, 1, 0, 0], [1, 0, 0, 0]), "the fourth day: within 4 weeks");
        assert_eq!(buckets(received + Duration::days(20)), ([0, 1, 0, 0], [0, 1, 0, 0]));
        assert_eq!(buckets(received + Duration::weeks(4) + Duration::minutes(1)), ([0, 0, 1, 0], [0, 1, 0, 0]));
        assert_eq!(buckets(received + Duration::days(45)), ([0, 0, 1, 0], [0, 0, 1, 0]));
        assert_eq!(buckets(received + Duration::days(70)), ([0, 0, 0, 1], [0, 0, 0, 1]));
        // A weekend between: received Friday the 6th, the third business day is Wednesday the 11th.
        let friday = bj(2026, 11, 6, 16, 0);
        assert_eq!(ReturnCounts::closing(&cal(), friday, bj(2026, 11, 11, 18, 0), None, None).fca, [1, 0, 0, 0]);
        assert_eq!(ReturnCounts::closing(&cal(), friday, bj(2026, 11, 12, 9, 0), None, None).fca, [0, 1, 0, 0]);
        let mut total = row(received + Duration::days(1));
        total.add(&ReturnCounts::closing(&cal(), received, received + Duration::days(2), Some(Outcome::NotUpheld), None));
        assert_eq!((total.closed, total.upheld, total.redress_total, total.upheld_share()), (2, 1, 5000, Some(0.5)));
    }

    // A whole case and a survey answer as tests write them, turned into the facts the worker
    // reads by instant.
    /// What one case contributes: its instants and the attributes the figures are split by.
    #[derive(Debug, Clone, PartialEq)]
    struct CaseFacts {
        pub kind: CaseKind,
        pub category: String,
        pub team_id: Option<String>,
        pub agent_id: Option<String>,
        pub created_at: DateTime<Utc>,
        pub first_response_due_at: DateTime<Utc>,
        pub first_responded_at: Option<DateTime<Utc>>,
        pub resolution_due_at: DateTime<Utc>,
        pub resolved_at: Option<DateTime<Utc>>,
        pub regulatory_due_at: Option<DateTime<Utc>>,
        pub closed_at: Option<DateTime<Utc>>,
        pub outcome: Option<Outcome>,
        pub root_cause: Option<String>,
        /// Redress paid, in the currency's minor unit (fen).
        pub redress_amount: Option<i64>,
        /// A follow-up closed because the customer could not be reached.
        pub unreachable: bool,
        pub merged: bool,
        pub follow_up: Option<FollowUpFacts>,
    }

    /// What one survey answer contributes.
    #[derive(Debug, Clone, PartialEq)]
    struct AnswerFacts {
        pub answered_at: DateTime<Utc>,
        /// The team of the case the survey asked about, if it asked about one.
        pub team_id: Option<String>,
        pub agent_id: Option<String>,
        pub csat: Option<u8>,
        pub nps: Option<u8>,
    }

    impl CaseFacts {
        /// The instants this case counts on (none when merged into another).
        fn facts(&self) -> Vec<Fact> {
            if self.merged {
                return Vec::new();
            }
            let fact = |at, counted| Fact { at, team_id: self.team_id.clone(), agent_id: self.agent_id.clone(), counted };
            let mut out = vec![
                fact(self.created_at, Counted::Received { kind: self.kind, category: self.category.clone() }),
                fact(self.first_response_due_at, Counted::FirstResponse { met_at: self.first_responded_at, received: self.created_at }),
                fact(
                    self.resolution_due_at,
                    Counted::Resolution {
                        kind: self.kind,
                        met_at: resolution_met_at(self.kind, self.resolved_at, self.closed_at),
                        closed: self.closed_at.is_some(),
                        unreachable: self.unreachable,
                        follow_up: self.follow_up.clone(),
                    },
                ),
            ];
            if let Some(due) = self.regulatory_due_at {
                out.push(fact(due, Counted::Regulatory { closed_at: self.closed_at }));
            }
            if let Some(closed) = self.closed_at.filter(|_| self.kind == CaseKind::Complaint) {
                out.push(fact(
                    closed,
                    Counted::Closed {
                        category: self.category.clone(),
                        root_cause: self.root_cause.clone(),
                        outcome: self.outcome,
                        redress_amount: self.redress_amount,
                        received: self.created_at,
                    },
                ));
            }
            out
        }
    }

    impl AnswerFacts {
        fn fact(&self) -> Fact {
            Fact { at: self.answered_at, team_id: self.team_id.clone(), agent_id: self.agent_id.clone(), counted: Counted::Answered { csat: self.csat, nps: self.nps } }
        }
    }

    fn facts_of(cases: &[CaseFacts], answers: &[AnswerFacts]) -> Vec<Fact> {
        cases.iter().flat_map(CaseFacts::facts).chain(answers.iter().map(AnswerFacts::fact)).collect()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn inquiry(created: DateTime<Utc>) -> CaseFacts {
        CaseFacts {
            kind: CaseKind::Inquiry,
            category: "cards".into(),
            team_id: Some("team-a".into()),
            agent_id: Some("agent-1".into()),
            created_at: created,
            first_response_due_at: created + Duration::hours(24),
            first_responded_at: None,
            resolution_due_at: created + Duration::hours(48),
            resolved_at: None,
            regulatory_due_at: None,
            closed_at: None,
            outcome: None,
            root_cause: None,
            redress_amount: None,
            unreachable: false,
            merged: false,
            follow_up: None,
        }
    }

    #[test]
    fn a_day_is_the_institutions_day_not_utcs() {
        let (start, end) = day_span(day(2026, 11, 24), ZONE);
        assert_eq!((start, end), (bj(2026, 11, 24, 0, 0), bj(2026, 11, 25, 0, 0)));
        let (start, end) = day_span(day(2026, 3, 8), chrono_tz::America::New_York);
        assert_eq!(end - start, Duration::hours(23), "the day clocks spring forward is 23 hours long");
    }

    #[test]
    fn received_counts_on_the_local_day_at_its_edges() {
        let just_before = inquiry(bj(2026, 11, 23, 23, 59));
        let midnight = inquiry(bj(2026, 11, 24, 0, 0));
        let cases = [just_before, midnight];
        let tallies = tally_day(day(2026, 11, 24), &cal(), Grain::Team, &facts_of(&cases, &[]), bj(2026, 11, 30, 0, 0));
        assert_eq!(tallies["team-a"].received.get("inquiry"), Some(&1));
        let before = tally_day(day(2026, 11, 23), &cal(), Grain::Team, &facts_of(&cases, &[]), bj(2026, 11, 30, 0, 0));
        assert_eq!(before["team-a"].received.get("inquiry"), Some(&1));
    }

    #[test]
    fn a_clock_counts_on_its_due_day_once_decided() {
        let created = bj(2026, 11, 23, 10, 0);
        let on_time = CaseFacts { first_responded_at: Some(created + Duration::minutes(37)), ..inquiry(created) };
        let late = CaseFacts { first_responded_at: Some(created + Duration::hours(30)), ..inquiry(created) };
        let unanswered = inquiry(created);
        let cases = [on_time, late, unanswered];
        let due_day = day(2026, 11, 24);
        // At 09:00 on the due day: the met clocks are decided, the unanswered one still runs.
        let morning = tally_day(due_day, &cal(), Grain::Team, &facts_of(&cases, &[]), bj(2026, 11, 24, 9, 0));
        assert_eq!(morning["team-a"].first_response, ClockTally { decided: 2, on_time: 1 });
        // From its deadline (10:00), it is a breach.
        let later = tally_day(due_day, &cal(), Grain::Team, &facts_of(&cases, &[]), bj(2026, 11, 24, 10, 0));
        assert_eq!(later["team-a"].first_response, ClockTally { decided: 3, on_time: 1 });
        assert_eq!(later["team-a"].first_response.attainment(), Some(1.0 / 3.0));
        assert_eq!(later["team-a"].first_response_minutes, BTreeMap::from([(37, 1), (1800, 1)]));
        // Not counted on the day it was received.
        let received_day = tally_day(day(2026, 11, 23), &cal(), Grain::Team, &facts_of(&cases, &[]), bj(2026, 11, 30, 0, 0));
        assert_eq!(received_day["team-a"].first_response, ClockTally::default());
    }

    #[test]
    fn buckets_and_percentiles() {
        assert_eq!(minutes_bucket(Duration::seconds(61)), 2, "a started minute counts whole");
        assert_eq!(minutes_bucket(Duration::minutes(120)), 120);
        assert_eq!(minutes_bucket(Duration::minutes(121)), 125);
        assert_eq!(minutes_bucket(Duration::minutes(1441)), 1455);
        assert_eq!(minutes_bucket(Duration::minutes(4321)), 4380);
        assert_eq!(minutes_bucket(Duration::days(90)), 43200);
        assert_eq!(minutes_bucket(Duration::seconds(-5)), 0);
        let tally = Tally { first_response_minutes: BTreeMap::from([(10, 5), (30, 4), (125, 1)]), ..Tally::default() };
        assert_eq!(tally.first_response_percentile(50), Some(10));
        assert_eq!(tally.first_response_percentile(90), Some(30));
        assert_eq!(tally.first_response_percentile(100), Some(125));
        assert_eq!(Tally::default().first_response_percentile(50), None);
    }

    #[test]
    fn follow_ups_count_by_reason_and_product_with_how_their_calls_went() {
        let planned = bj(2026, 11, 2, 9, 0);
        let follow_up = |reason, product: Option<&str>, ending, attempts, cooling_off_ends_at, mismatch| FollowUpFacts {
            reason,
            product_kind: product.map(str::to_string),
            ending,
            attempts,
            cooling_off_ends_at,
            mismatch,
        };
        let cooling_off_ends = Some(bj(2026, 11, 3, 12, 0));
        let case = |closed: Option<DateTime<Utc>>, unreachable, f| CaseFacts {
            kind: CaseKind::FollowUp,
            closed_at: closed,
            unreachable,
            follow_up: Some(f),
            resolution_due_at: bj(2026, 11, 4, 18, 0),
            ..inquiry(planned)
        };
        let cases = [
            // Reached on the third call, inside the cooling-off period: a mismatched sale.
            case(Some(bj(2026, 11, 3, 9, 0)), false, follow_up(Reason::Purchase, Some("wealth"), Some(Ending::Done), 2, cooling_off_ends, true)),
            // Reached at once, but after the cooling-off ended.
            case(Some(bj(2026, 11, 4, 10, 0)), false, follow_up(Reason::Purchase, Some("insurance"), Some(Ending::Done), 0, cooling_off_ends, false)),
            // Never reached.
            case(Some(bj(2026, 11, 4, 11, 0)), true, follow_up(Reason::Periodic, None, Some(Ending::Unreachable), 3, None, false)),
            // Reached, and declined to talk: made, on the first call.
            case(Some(bj(2026, 11, 4, 12, 0)), false, follow_up(Reason::AfterComplaint, None, Some(Ending::Refused), 0, None, false)),
            // Still open with its deadline to come: not decided.
            case(None, false, follow_up(Reason::Periodic, None, None, 1, None, false)),
        ];
        let as_of = bj(2026, 11, 4, 13, 0);
        let t = &tally_day(day(2026, 11, 4), &cal(), Grain::Team, &facts_of(&cases, &[]), as_of)["team-a"];
        assert_eq!((t.follow_ups_due, t.follow_ups_done), (4, 3));
        let all = t.follow_up_counts();
        assert_eq!(all, FollowUpCounts { due: 4, done: 3, reached: 3, calls_to_reach: 5, cooling_off: 2, cooling_off_in_time: 1, mismatched: 1 });
        assert_eq!(all.rate(80), Some((0.75, false)));
        assert_eq!(all.reach_rate(), Some(0.75));
        assert_eq!(all.calls_per_reach(), Some(5.0 / 3.0));
        assert_eq!(all.cooling_off_share(), Some(0.5));
        assert_eq!(t.follow_ups_by_reason["periodic"], FollowUpCounts { due: 1, ..FollowUpCounts::default() });
        assert_eq!(t.follow_ups_by_reason["purchase"].calls_to_reach, 4);
        assert_eq!(t.follow_ups_by_product.keys().collect::<Vec<_>>(), ["insurance", "wealth"], "only post-sale ones have a product");
        assert_eq!(t.follow_ups_by_product["wealth"].cooling_off_in_time, 1);
        assert_eq!(t.follow_ups_by_product["insurance"].cooling_off_in_time, 0);
        // The tallies add up.
        let mut twice = t.clone();
        twice.add(t);
        assert_eq!(twice.follow_up_counts().calls_to_reach, 10);
        assert_eq!(FollowUpCounts::default().calls_per_reach(), None);
    }

    #[test]
    fn complaints_follow_ups_and_answers() {
        let created = bj(2026, 11, 2, 10, 0);
        let complaint = CaseFacts {
            kind: CaseKind::Complaint,
            category: "loans".into(),
            regulatory_due_at: Some(bj(2026, 11, 17, 10, 0)),
            closed_at: Some(bj(2026, 11, 4, 16, 0)),
            resolved_at: Some(bj(2026, 11, 4, 16, 0)),
            outcome: Some(Outcome::PartlyUpheld),
            root_cause: Some("process".into()),
            redress_amount: Some(5_000),
            ..inquiry(created)
        };
        let merged = CaseFacts { merged: true, ..complaint.clone() };
        let reached = CaseFacts { kind: CaseKind::FollowUp, closed_at: Some(bj(2026, 11, 3, 9, 0)), ..inquiry(bj(2026, 11, 2, 9, 0)) };
        let unreachable = CaseFacts { unreachable: true, ..reached.clone() };
        let cases = [complaint, merged, reached, unreachable];
        let late = bj(2026, 12, 31, 0, 0);
        let closed_day = tally_day(day(2026, 11, 4), &cal(), Grain::Team, &facts_of(&cases, &[]), late);
        let t = &closed_day["team-a"];
        assert_eq!((t.complaints_closed, t.upheld, t.redress_total), (1, 1, 5_000));
        assert_eq!(t.root_causes, BTreeMap::from([("process".to_string(), 1)]));
        // Closed two days after receipt: within three business days, by product and by cause.
        let closing = ReturnCounts { closed: 1, fca: [1, 0, 0, 0], china: [1, 0, 0, 0], upheld: 1, redress_total: 5_000, received: 0 };
        assert_eq!(t.return_by_product, BTreeMap::from([("loans".to_string(), closing)]));
        assert_eq!(t.return_by_cause, BTreeMap::from([("process".to_string(), closing)]));
        // Due on the 4th: the complaint (resolved at 16:00, six hours late) and both follow-ups
        // (closed on the 3rd).
        assert_eq!(t.resolution, ClockTally { decided: 3, on_time: 2 });
        let received = tally_day(day(2026, 11, 2), &cal(), Grain::Team, &facts_of(&cases, &[]), late);
        assert_eq!(received["team-a"].complaints_by_category, BTreeMap::from([("loans".to_string(), 1)]), "the merged one left out");
        let regulatory = tally_day(day(2026, 11, 17), &cal(), Grain::Team, &facts_of(&cases, &[]), late);
        assert_eq!(regulatory["team-a"].regulatory, ClockTally { decided: 1, on_time: 1 });
        let follow_ups = tally_day(day(2026, 11, 4), &cal(), Grain::Agent, &facts_of(&cases, &[]), late);
        assert_eq!((follow_ups["agent-1"].follow_ups_due, follow_ups["agent-1"].follow_ups_done), (2, 1));
        assert_eq!(follow_ups["agent-1"].follow_up_rate(80), Some((0.5, false)));

        let answers = [
            AnswerFacts { answered_at: bj(2026, 11, 4, 12, 0), team_id: None, agent_id: None, csat: Some(5), nps: Some(10) },
            AnswerFacts { answered_at: bj(2026, 11, 4, 13, 0), team_id: Some("team-a".into()), agent_id: Some("agent-1".into()), csat: Some(2), nps: Some(3) },
            AnswerFacts { answered_at: bj(2026, 11, 4, 14, 0), team_id: None, agent_id: None, csat: None, nps: Some(8) },
        ];
        let by_team = tally_day(day(2026, 11, 4), &cal(), Grain::Team, &facts_of(&[], &answers), late);
        assert_eq!((by_team[""].csat(), by_team[""].nps()), (Some(1.0), Some(50.0)));
        assert_eq!((by_team["team-a"].csat(), by_team["team-a"].nps()), (Some(0.0), Some(-100.0)));
        let by_agent = tally_day(day(2026, 11, 4), &cal(), Grain::Agent, &facts_of(&[], &answers), late);
        assert_eq!(by_agent.keys().collect::<Vec<_>>(), ["agent-1"], "general surveys have no agent");
    }

    #[test]
    fn tallies_add_up() {
        let created = bj(2026, 11, 23, 10, 0);
        let cases: Vec<CaseFacts> = (0..4).map(|i| CaseFacts { first_responded_at: Some(created + Duration::hours(i * 10)), ..inquiry(created) }).collect();
        let all = tally_day(day(2026, 11, 24), &cal(), Grain::Team, &facts_of(&cases, &[]), bj(2026, 12, 1, 0, 0));
        let mut sum = Tally::default();
        for chunk in cases.chunks(2) {
            sum.add(&tally_day(day(2026, 11, 24), &cal(), Grain::Team, &facts_of(chunk, &[]), bj(2026, 12, 1, 0, 0))["team-a"]);
        }
        assert_eq!(sum, all["team-a"]);
        assert_eq!(quarter(day(2026, 11, 24)), "2026-Q4");
    }

    #[test]
    fn complaint_steps_count_on_their_due_day_with_how_long_they_took() {
        let due = bj(2026, 11, 24, 16, 0);
        let step = |step, started: DateTime<Utc>, met_at| Fact {
            at: due,
            team_id: Some("team-c".into()),
            agent_id: Some("agent-9".into()),
            counted: Counted::Step { step, met_at, started },
        };
        let started = bj(2026, 11, 24, 9, 0);
        let facts = [
            // Left 90 minutes in, on time; left a minute late; still under way past its due;
            // under way, due later than "now" (running: not counted yet).
            step(Step::Review, started, Some(started + Duration::minutes(90))),
            step(Step::Review, started, Some(due + Duration::minutes(1))),
            step(Step::Investigation, started, None),
        ];
        let at_five = tally_day(day(2026, 11, 24), &cal(), Grain::Team, &facts, bj(2026, 11, 24, 17, 0));
        let t = &at_five["team-c"];
        assert_eq!(t.step(Step::Review), ClockTally { decided: 2, on_time: 1 });
        assert_eq!(t.step(Step::Investigation), ClockTally { decided: 1, on_time: 0 });
        assert_eq!(t.step(Step::Feedback), ClockTally::default());
        assert_eq!(t.all_steps(), ClockTally { decided: 3, on_time: 1 });
        // 90 minutes, and 7 h 1 min (to 5 minutes within the day): the median is the first.
        assert_eq!((t.step_percentile(Step::Review, 50), t.step_percentile(Step::Review, 90)), (Some(90), Some(425)));
        assert_eq!(t.step_percentile(Step::Investigation, 50), None, "no investigation has been left");
        let at_noon = tally_day(day(2026, 11, 24), &cal(), Grain::Team, &facts, bj(2026, 11, 24, 12, 0));
        assert_eq!(at_noon["team-c"].step(Step::Investigation), ClockTally::default(), "still running at noon");
        assert!(!at_noon["team-c"].steps.contains_key("investigation"), "a running step adds nothing");
        // Steps add up like the rest.
        let mut sum = at_noon["team-c"].clone();
        sum.add(&at_five["team-c"]);
        assert_eq!(sum.step(Step::Review), ClockTally { decided: 4, on_time: 2 });
        assert_eq!(sum.step_minutes["review"].values().sum::<u32>(), 4);
    }

    #[test]
    fn a_run_of_days_tallies_each_day_as_alone() {
        // Received on the 23rd at the last minute, answered and first response due on the 24th,
        // resolution due on the 25th (met late, by closing on the 26th, after the run).
        let created = bj(2026, 11, 23, 23, 59);
        let complaint = CaseFacts {
            kind: CaseKind::Complaint,
            first_responded_at: Some(bj(2026, 11, 24, 9, 0)),
            closed_at: Some(bj(2026, 11, 26, 0, 0)),
            ..inquiry(created)
        };
        let answers = [AnswerFacts { answered_at: bj(2026, 11, 24, 0, 0), team_id: Some("team-a".into()), agent_id: None, csat: Some(4), nps: None }];
        let facts = facts_of(&[complaint], &answers);
        let (first, last) = (day(2026, 11, 23), day(2026, 11, 25));
        let run = tally_days((first, last), &cal(), Grain::Team, &facts, bj(2026, 11, 30, 0, 0));
        assert_eq!(run.keys().copied().collect::<Vec<_>>(), [first, day(2026, 11, 24), last], "every day of the run, none after");
        for (d, by_owner) in &run {
            assert_eq!(*by_owner, tally_day(*d, &cal(), Grain::Team, &facts, bj(2026, 11, 30, 0, 0)), "{d}");
            assert!(!by_owner.is_empty(), "{d} has a fact");
        }
        assert_eq!(run[&first]["team-a"].received["complaint"], 1);
        assert_eq!(run[&day(2026, 11, 24)]["team-a"].csat_answers, 1);
        assert_eq!(run[&day(2026, 11, 24)]["team-a"].first_response, ClockTally { decided: 1, on_time: 1 });
        assert_eq!(run[&last]["team-a"].resolution, ClockTally { decided: 1, on_time: 0 });
        assert_eq!(tally_day(day(2026, 11, 26), &cal(), Grain::Team, &facts, bj(2026, 11, 30, 0, 0))["team-a"].complaints_closed, 1);
    }

    #[test]
    fn marked_hours_name_their_days_and_live_days_come_in_runs() {
        let hour = |t: DateTime<Utc>| t.timestamp_millis() / HOUR_MS;
        // 23:00–23:59 in Beijing is the 24th; in Kolkata (UTC+5:30) that UTC hour straddles midnight.
        let late = hour(bj(2026, 11, 24, 23, 0));
        assert_eq!(marked_days([late], ZONE), BTreeSet::from([day(2026, 11, 24)]));
        let straddling = hour(chrono_tz::Asia::Kolkata.with_ymd_and_hms(2026, 11, 24, 23, 30, 0).unwrap().with_timezone(&Utc));
        assert_eq!(marked_days([straddling], chrono_tz::Asia::Kolkata), BTreeSet::from([day(2026, 11, 24), day(2026, 11, 25)]));

        let marked = BTreeSet::from([day(2026, 11, 3), day(2026, 11, 4), day(2026, 11, 8)]);
        let runs = live_runs(day(2026, 11, 1), day(2026, 11, 12), Some(day(2026, 11, 9)), &marked, None);
        assert_eq!(runs, [(day(2026, 11, 3), day(2026, 11, 4)), (day(2026, 11, 8), day(2026, 11, 8)), (day(2026, 11, 10), day(2026, 11, 12))]);
        let today = live_runs(day(2026, 11, 1), day(2026, 11, 12), Some(day(2026, 11, 9)), &marked, Some(day(2026, 11, 11)));
        assert_eq!(
            today,
            [(day(2026, 11, 3), day(2026, 11, 4)), (day(2026, 11, 8), day(2026, 11, 8)), (day(2026, 11, 10), day(2026, 11, 10)), (day(2026, 11, 11), day(2026, 11, 11)), (day(2026, 11, 12), day(2026, 11, 12))],
            "a day read ahead is a run of its own"
        );
        let stored = live_runs(day(2026, 11, 1), day(2026, 11, 12), Some(day(2026, 11, 9)), &marked, Some(day(2026, 11, 5)));
        assert_eq!(stored, runs, "a stored day read ahead is not live");
        assert_eq!(live_runs(day(2026, 11, 1), day(2026, 11, 2), None, &BTreeSet::new(), None), [(day(2026, 11, 1), day(2026, 11, 2))], "nothing stored yet");
        assert_eq!(quarter(day(2026, 1, 1)), "2026-Q1");
    }

    #[test]
    fn customers_who_left_count_on_their_day_by_reason_and_for_no_agent() {
        let left = |at, reason| Fact { at, team_id: None, agent_id: None, counted: Counted::Left { reason } };
        let facts = [
            left(bj(2026, 11, 24, 9, 0), LeaveReason::FeesOrRates),
            left(bj(2026, 11, 24, 23, 59), LeaveReason::FeesOrRates),
            left(bj(2026, 11, 25, 0, 0), LeaveReason::Service),
        ];
        let as_of = bj(2026, 11, 26, 0, 0);
        let days = tally_days((day(2026, 11, 24), day(2026, 11, 25)), &cal(), Grain::Team, &facts, as_of);
        let (first, second) = (&days[&day(2026, 11, 24)][""], &days[&day(2026, 11, 25)][""]);
        assert_eq!(first.customers_left, 2, "up to the day's last minute in Beijing");
        assert_eq!(first.leave_reasons, BTreeMap::from([("fees_or_rates".to_string(), 2)]));
        assert_eq!(second.customers_left, 1);
        let mut period = first.clone();
        period.add(second);
        assert_eq!(period.leave_reasons, BTreeMap::from([("fees_or_rates".to_string(), 2), ("service".to_string(), 1)]), "tallies add");
        let agents = tally_days((day(2026, 11, 24), day(2026, 11, 25)), &cal(), Grain::Agent, &facts, as_of);
        assert!(agents.values().all(BTreeMap::is_empty), "no agent's scorecard counts churn");
    }
}
