//! Follow-up planning: which follow-ups a customer is due, each under a key that makes planning
//! idempotent — a repeated or overlapping run creates nothing twice.
//!
//! New customers get a first follow-up some days after their first product; existing ones get
//! periodic follow-ups by segment (high-value monthly, others quarterly); every closed complaint
//! gets one. Customers who have not consented to contact get none.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::customer::{Lifecycle, Segment};

pub mod call;
pub mod script;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    FirstProduct,
    Periodic,
    AfterComplaint,
    /// After a product was sold: inside its cooling-off period when it has one.
    Purchase,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::FirstProduct => "first_product",
            Reason::Periodic => "periodic",
            Reason::AfterComplaint => "after_complaint",
            Reason::Purchase => "purchase",
        }
    }

    pub const ALL: [Reason; 4] = [Reason::FirstProduct, Reason::Periodic, Reason::AfterComplaint, Reason::Purchase];

    pub fn parse(text: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Whether a follow-up for this reason may wait for a day the agents have room: one after
    /// a complaint, and one inside a sale's cooling-off period, never wait.
    pub fn may_wait(self) -> bool {
        matches!(self, Reason::FirstProduct | Reason::Periodic)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Monthly,
    Quarterly,
    Never,
}

/// The rules admins set for follow-ups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Days after a new customer's first product.
    pub first_after_days: i64,
    pub private: Cadence,
    pub affluent: Cadence,
    pub mass: Cadence,
    /// Unanswered attempts after which the customer counts as unreachable.
    pub max_attempts: u32,
    /// The share of due follow-ups that must be done.
    pub target_percent: u8,
    /// The least time between two unanswered attempts, in minutes.
    #[serde(default = "default_retry_minutes")]
    pub retry_minutes: i64,
    /// The follow-ups one agent can make in a day: the planner creates no more than this times
    /// the agents at work, save those that never wait ([`Reason::may_wait`]).
    #[serde(default = "default_daily_calls")]
    pub daily_calls_per_agent: u32,
}

fn default_retry_minutes() -> i64 {
    120
}

fn default_daily_calls() -> u32 {
    30
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            first_after_days: 7,
            private: Cadence::Monthly,
            affluent: Cadence::Monthly,
            mass: Cadence::Quarterly,
            max_attempts: 3,
            target_percent: 80,
            retry_minutes: default_retry_minutes(),
            daily_calls_per_agent: default_daily_calls(),
        }
    }
}

impl Rules {
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if !(0..=365).contains(&self.first_after_days) {
            return Err(("first_after_days", "must be 0 to 365 days"));
        }
        if !(1..=10).contains(&self.max_attempts) {
            return Err(("max_attempts", "must be 1 to 10"));
        }
        if !(1..=100).contains(&self.target_percent) {
            return Err(("target_percent", "must be 1 to 100"));
        }
        if !(15..=1440).contains(&self.retry_minutes) {
            return Err(("retry_minutes", "must be 15 minutes to a day"));
        }
        if !(1..=200).contains(&self.daily_calls_per_agent) {
            return Err(("daily_calls_per_agent", "must be 1 to 200 calls"));
        }
        Ok(())
    }

    /// The follow-ups `agents` agents at work can make in a day.
    pub fn daily_capacity(&self, agents: usize) -> u32 {
        u32::try_from(agents).unwrap_or(u32::MAX).saturating_mul(self.daily_calls_per_agent)
    }

    fn cadence(&self, segment: Segment) -> Cadence {
        match segment {
            Segment::Private => self.private,
            Segment::Affluent => self.affluent,
            Segment::Mass => self.mass,
        }
    }
}

/// What planning needs to know about a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerFacts {
    pub id: String,
    pub segment: Segment,
    pub lifecycle: Lifecycle,
    pub consented: bool,
    pub first_product_at: Option<DateTime<Utc>>,
    /// Complaints closed, by case id, with when they closed.
    pub closed_complaints: Vec<(String, DateTime<Utc>)>,
}

/// A follow-up to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub customer_id: String,
    pub reason: Reason,
    /// `customer:reason:period`: stored with a UNIQUE index, so it is created once.
    pub key: String,
    /// The complaint it follows, for follow-ups after a complaint.
    pub case_id: Option<String>,
}

/// The period a periodic follow-up belongs to, in the institution's zone: `2026-11` or `2026Q4`.
fn period(cadence: Cadence, zone: Tz, now: DateTime<Utc>) -> Option<String> {
    let local = now.with_timezone(&zone);
    match cadence {
        Cadence::Monthly => Some(format!("{}-{:02}", local.year(), local.month())),
        Cadence::Quarterly => Some(format!("{}Q{}", local.year(), (local.month() - 1) / 3 + 1)),
        Cadence::Never => None,
    }
}

/// A complaint closed longer ago than this when the planner looks gets no follow-up (complaints
/// brought over from an earlier system, say): a call about it would come too late to ask how
/// its handling went.
pub const AFTER_COMPLAINT_DAYS: i64 = 30;

/// The follow-ups a customer is due at `now`, leaving out any whose key `exists`.
pub fn plan(rules: &Rules, zone: Tz, c: &CustomerFacts, now: DateTime<Utc>, exists: impl Fn(&str) -> bool) -> Vec<Planned> {
    if !c.consented {
        return Vec::new();
    }
    let make = |reason: Reason, period: &str, case_id: Option<&str>| Planned {
        customer_id: c.id.clone(),
        reason,
        key: format!("{}:{}:{period}", c.id, reason.as_str()),
        case_id: case_id.map(str::to_string),
    };
    let mut out = Vec::new();
    if c.lifecycle == Lifecycle::New {
        if let Some(first) = c.first_product_at {
            if now >= first + Duration::days(rules.first_after_days) {
                out.push(make(Reason::FirstProduct, "once", None));
            }
        }
    } else if let Some(p) = period(rules.cadence(c.segment), zone, now) {
        out.push(make(Reason::Periodic, &p, None));
    }
    for (case_id, closed_at) in &c.closed_complaints {
        if *closed_at <= now && now - *closed_at <= Duration::days(AFTER_COMPLAINT_DAYS) {
            out.push(make(Reason::AfterComplaint, case_id, Some(case_id)));
        }
    }
    out.retain(|p| !exists(&p.key));
    out
}

/// The order in which customers due a look are taken while the day has room, most urgent
/// first: one with a closed complaint to follow up (`urgent`), then a new customer's first
/// follow-up, then by segment, private to mass. A customer whose follow-up waits stays due and
/// is taken again, in this order, when a day has room. The customers table keeps the same order
/// in its generated column `plan_rank` (migration 0032), which the planner reads by.
pub fn rank(urgent: bool, lifecycle: Lifecycle, segment: Segment) -> u8 {
    match (urgent, lifecycle, segment) {
        (true, _, _) => 0,
        (false, Lifecycle::New, _) => 1,
        (false, Lifecycle::Existing, Segment::Private) => 2,
        (false, Lifecycle::Existing, Segment::Affluent) => 3,
        (false, Lifecycle::Existing, Segment::Mass) => 4,
    }
}

/// Every rank, most urgent first.
pub const RANKS: std::ops::RangeInclusive<u8> = 0..=4;

/// Of the follow-ups [`plan`] found for one customer, those to create with `room` follow-ups
/// left in the day (taken from it), and whether any must wait for a day with room. Those that
/// never wait are created even with no room left, and take room too.
pub fn admit(planned: Vec<Planned>, room: &mut u32) -> (Vec<Planned>, bool) {
    let mut waits = false;
    let admitted = planned
        .into_iter()
        .filter(|p| {
            if !p.reason.may_wait() {
                *room = room.saturating_sub(1);
                true
            } else if *room > 0 {
                *room -= 1;
                true
            } else {
                waits = true;
                false
            }
        })
        .collect();
    (admitted, waits)
}

/// The start of `now`'s day in the institution's zone, and of the next: follow-ups created
/// between count against the day's capacity.
pub fn day(zone: Tz, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |t: DateTime<Utc>| {
        let midnight = t.with_timezone(&zone).date_naive().and_hms_opt(0, 0, 0).unwrap_or_default();
        zone.from_local_datetime(&midnight).earliest().map_or(t, |m| m.with_timezone(&Utc))
    };
    let today = start(now);
    (today, start(today + Duration::hours(36)))
}

/// When the planner should next look at a customer, given what it has just planned (`exists`
/// now includes it): a new customer when their first follow-up falls due; an existing one at the
/// start of the next period of their cadence. `None` when nothing more can fall due on its own
/// (a closed complaint sets the customer to be looked at again).
pub fn next_look(rules: &Rules, zone: Tz, c: &CustomerFacts, now: DateTime<Utc>, exists: impl Fn(&str) -> bool) -> Option<DateTime<Utc>> {
    if !c.consented {
        return None;
    }
    if c.lifecycle == Lifecycle::New {
        let first = c.first_product_at? + Duration::days(rules.first_after_days);
        let key = format!("{}:{}:once", c.id, Reason::FirstProduct.as_str());
        return (!exists(&key)).then_some(first.max(now));
    }
    let months = match rules.cadence(c.segment) {
        Cadence::Monthly => 1,
        Cadence::Quarterly => 3,
        Cadence::Never => return None,
    };
    let local = now.with_timezone(&zone);
    let index = local.year() * 12 + local.month0() as i32;
    let next = (index / months + 1) * months;
    let start = zone.with_ymd_and_hms(next / 12, (next % 12) as u32 + 1, 1, 0, 0, 0).single()?;
    Some(start.with_timezone(&Utc))
}

/// Whether a follow-up with this many unanswered calls is closed as unreachable.
pub fn unreachable(rules: &Rules, unanswered_calls: u32) -> bool {
    unanswered_calls >= rules.max_attempts
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::collections::HashSet;

    fn bj(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Shanghai.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    fn customer(segment: Segment, lifecycle: Lifecycle) -> CustomerFacts {
        CustomerFacts { id: "c1".into(), segment, lifecycle, consented: true, first_product_at: None, closed_complaints: vec![] }
    }

    fn keys(list: &[Planned]) -> Vec<&str> {
        list.iter().map(|p| p.key.as_str()).collect()
    }

    const SH: Tz = chrono_tz::Asia::Shanghai;

    #[test]
    fn new_customers_are_called_days_after_their_first_product() {
        let rules = Rules::default();
        let c = CustomerFacts { first_product_at: Some(bj(2026, 11, 1, 10)), ..customer(Segment::Mass, Lifecycle::New) };
        assert!(plan(&rules, SH, &c, bj(2026, 11, 7, 10), |_| false).is_empty(), "six days is too early");
        assert_eq!(keys(&plan(&rules, SH, &c, bj(2026, 11, 8, 10), |_| false)), ["c1:first_product:once"]);
        assert!(plan(&rules, SH, &customer(Segment::Mass, Lifecycle::New), bj(2026, 11, 8, 10), |_| false).is_empty(), "no product yet");
    }

    #[test]
    fn existing_customers_are_called_each_period_of_their_segment() {
        let rules = Rules::default();
        let at = bj(2026, 11, 20, 10);
        let table = [
            (Segment::Private, "c1:periodic:2026-11"),
            (Segment::Affluent, "c1:periodic:2026-11"),
            (Segment::Mass, "c1:periodic:2026Q4"),
        ];
        for (segment, key) in table {
            assert_eq!(keys(&plan(&rules, SH, &customer(segment, Lifecycle::Existing), at, |_| false)), [key]);
        }
        // 1 January 00:30 in Beijing is still 31 December in UTC: the period is Beijing's.
        let new_year = bj(2027, 1, 1, 0) + Duration::minutes(30);
        assert_eq!(keys(&plan(&rules, SH, &customer(Segment::Mass, Lifecycle::Existing), new_year, |_| false)), ["c1:periodic:2027Q1"]);
        let never = Rules { mass: Cadence::Never, ..rules };
        assert!(plan(&never, SH, &customer(Segment::Mass, Lifecycle::Existing), at, |_| false).is_empty());
    }

    #[test]
    fn every_closed_complaint_gets_one_and_nothing_is_planned_twice() {
        let rules = Rules::default();
        let at = bj(2026, 11, 20, 10);
        let c = CustomerFacts {
            closed_complaints: vec![("case-7".into(), bj(2026, 11, 19, 9)), ("case-9".into(), bj(2026, 11, 21, 9))],
            ..customer(Segment::Private, Lifecycle::Existing)
        };
        let first = plan(&rules, SH, &c, at, |_| false);
        assert_eq!(keys(&first), ["c1:periodic:2026-11", "c1:after_complaint:case-7"]);
        assert_eq!(first[1].case_id.as_deref(), Some("case-7"));
        let done: HashSet<String> = first.iter().map(|p| p.key.clone()).collect();
        assert!(plan(&rules, SH, &c, at + Duration::hours(1), |k| done.contains(k)).is_empty(), "a second run plans nothing");
        // A complaint closed more than AFTER_COMPLAINT_DAYS before the planner sees it gets none.
        let old = CustomerFacts { closed_complaints: vec![("case-1".into(), at - Duration::days(AFTER_COMPLAINT_DAYS + 1))], ..c };
        assert_eq!(keys(&plan(&rules, SH, &old, at, |_| false)), ["c1:periodic:2026-11"]);
    }

    #[test]
    fn customers_without_consent_are_not_called() {
        let c = CustomerFacts { consented: false, ..customer(Segment::Private, Lifecycle::Existing) };
        assert!(plan(&Rules::default(), SH, &c, bj(2026, 11, 20, 10), |_| false).is_empty());
    }

    #[test]
    fn rules_are_checked() {
        assert_eq!(Rules::default().validate(), Ok(()));
        assert_eq!(Rules { max_attempts: 0, ..Rules::default() }.validate().unwrap_err().0, "max_attempts");
        assert_eq!(Rules { target_percent: 0, ..Rules::default() }.validate().unwrap_err().0, "target_percent");
        assert_eq!(Rules { first_after_days: -1, ..Rules::default() }.validate().unwrap_err().0, "first_after_days");
        assert_eq!(Rules { retry_minutes: 5, ..Rules::default() }.validate().unwrap_err().0, "retry_minutes");
        assert_eq!(Rules { daily_calls_per_agent: 0, ..Rules::default() }.validate().unwrap_err().0, "daily_calls_per_agent");
        assert_eq!(Rules::default().daily_capacity(200), 6_000);
        // Rules stored before retry_minutes and daily_calls_per_agent existed read with their defaults.
        let stored: Rules = serde_json::from_str(r#"{"first_after_days":7,"private":"monthly","affluent":"monthly","mass":"quarterly","max_attempts":3,"target_percent":80}"#).unwrap();
        assert_eq!(stored, Rules::default());
    }

    #[test]
    fn the_planner_looks_again_when_the_next_follow_up_can_fall_due() {
        let rules = Rules::default();
        let none = |_: &str| false;
        let new = CustomerFacts { first_product_at: Some(bj(2026, 11, 1, 10)), ..customer(Segment::Mass, Lifecycle::New) };
        assert_eq!(next_look(&rules, SH, &new, bj(2026, 11, 2, 10), none), Some(bj(2026, 11, 8, 10)));
        assert_eq!(next_look(&rules, SH, &new, bj(2026, 11, 9, 10), |k| k == "c1:first_product:once"), None, "the first follow-up is planned once");
        let mass = customer(Segment::Mass, Lifecycle::Existing);
        assert_eq!(next_look(&rules, SH, &mass, bj(2026, 11, 20, 10), none), Some(bj(2027, 1, 1, 0)), "quarterly: next quarter");
        let private = customer(Segment::Private, Lifecycle::Existing);
        assert_eq!(next_look(&rules, SH, &private, bj(2026, 12, 31, 23), none), Some(bj(2027, 1, 1, 0)), "monthly, across the year");
        let silent = CustomerFacts { consented: false, ..mass };
        assert_eq!(next_look(&rules, SH, &silent, bj(2026, 11, 20, 10), none), None);
        assert!(!unreachable(&rules, 2) && unreachable(&rules, 3));
    }

    fn due(reason: Reason) -> Planned {
        Planned { customer_id: "c1".into(), reason, key: format!("c1:{}:x", reason.as_str()), case_id: None }
    }

    #[test]
    fn with_no_room_left_only_complaint_follow_ups_are_created_and_the_rest_wait() {
        let mut room = 1;
        let (now, waits) = admit(vec![due(Reason::Periodic), due(Reason::AfterComplaint)], &mut room);
        assert_eq!(now.iter().map(|p| p.reason).collect::<Vec<_>>(), [Reason::Periodic, Reason::AfterComplaint]);
        assert!(!waits);
        assert_eq!(room, 0, "the complaint's follow-up takes room too");
        let (now, waits) = admit(vec![due(Reason::FirstProduct), due(Reason::AfterComplaint)], &mut room);
        assert_eq!(now.iter().map(|p| p.reason).collect::<Vec<_>>(), [Reason::AfterComplaint], "never deferred");
        assert!(waits, "the first follow-up waits for another day");
        assert_eq!(room, 0);
        assert!(!Reason::Purchase.may_wait() && !Reason::AfterComplaint.may_wait());
    }

    #[test]
    fn customers_due_a_look_are_taken_most_urgent_first_and_the_day_starts_at_local_midnight() {
        let order = [
            rank(true, Lifecycle::Existing, Segment::Mass),
            rank(false, Lifecycle::New, Segment::Mass),
            rank(false, Lifecycle::Existing, Segment::Private),
            rank(false, Lifecycle::Existing, Segment::Affluent),
            rank(false, Lifecycle::Existing, Segment::Mass),
        ];
        assert_eq!(order.to_vec(), RANKS.collect::<Vec<_>>());
        // 00:30 in Beijing is 16:30 UTC the evening before; the day began at Beijing's midnight.
        assert_eq!(day(SH, bj(2026, 11, 21, 0) + Duration::minutes(30)), (bj(2026, 11, 21, 0), bj(2026, 11, 22, 0)));
        assert_eq!(day(SH, bj(2026, 12, 31, 23)), (bj(2026, 12, 31, 0), bj(2027, 1, 1, 0)));
        // A day of 23 hours (daylight saving begins) ends at the next midnight all the same.
        let paris = chrono_tz::Europe::Paris;
        let sunday = paris.with_ymd_and_hms(2026, 3, 29, 12, 0, 0).unwrap().with_timezone(&Utc);
        let (from, to) = day(paris, sunday);
        assert_eq!((to - from).num_hours(), 23);
    }
}
