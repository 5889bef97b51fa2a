//! Satisfaction survey schedules: when each runs next (in the institution's zone), who is in
//! its audience, one invitation per customer per run, quiet hours, and when links expire.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::customer::{Lifecycle, Segment};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum Cadence {
    /// On `day` of January, April, July and October (shifted by `month_offset` 0–2) at `time`.
    Quarterly { month_offset: u32, day: u32, time: NaiveTime },
    Monthly { day: u32, time: NaiveTime },
    Once { at: DateTime<Utc> },
    /// Not on a clock: each complaint, when it closes, gets an invitation this many hours later.
    AfterComplaint { delay_hours: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurveyChannel {
    Email,
    Sms,
}

impl Cadence {
    /// How a run scheduled at `at` is named in results, in the institution's zone: its quarter
    /// (`2026 Q3`), month (`2026-08`; after-complaint runs collect a month) or day.
    pub fn period(&self, at: DateTime<Utc>, zone: Tz) -> String {
        let local = at.with_timezone(&zone);
        match self {
            Cadence::Quarterly { .. } => format!("{} Q{}", local.year(), local.month0() / 3 + 1),
            Cadence::Monthly { .. } | Cadence::AfterComplaint { .. } => local.format("%Y-%m").to_string(),
            Cadence::Once { .. } => local.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Who a schedule invites. Empty lists mean "any".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Audience {
    #[serde(default)]
    pub segments: Vec<Segment>,
    #[serde(default)]
    pub lifecycles: Vec<Lifecycle>,
    /// Holds at least one of these products.
    #[serde(default)]
    pub products: Vec<String>,
    /// Not surveyed in the last this many days.
    #[serde(default)]
    pub not_surveyed_days: Option<i64>,
}

/// Local hours in which no invitation is sent, e.g. 21:00–09:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub cadence: Cadence,
    pub audience: Audience,
    pub channel: SurveyChannel,
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
    pub link_days: i64,
    pub active: bool,
}

/// What the audience filter needs to know about a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub id: String,
    pub segment: Segment,
    pub lifecycle: Lifecycle,
    pub products: Vec<String>,
    pub consented: bool,
    /// Has an address for the schedule's channel.
    pub reachable: bool,
    pub last_surveyed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ScheduleError {
    pub field: &'static str,
    pub message: &'static str,
}

fn local(zone: Tz, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&date.and_time(time)).earliest().map(|t| t.with_timezone(&Utc))
}

/// The longest "not surveyed within" an audience may ask for (ten years).
pub const NOT_SURVEYED_DAYS_MAX: i64 = 3650;

impl Schedule {
    pub fn validate(&self) -> Result<(), ScheduleError> {
        let err = |field, message| Err(ScheduleError { field, message });
        match self.cadence {
            Cadence::Quarterly { month_offset, day, .. } if month_offset > 2 || !(1..=28).contains(&day) => {
                err("cadence", "quarterly runs need a month offset 0–2 and a day 1–28")
            }
            Cadence::Monthly { day, .. } if !(1..=28).contains(&day) => err("cadence", "monthly runs need a day 1–28"),
            Cadence::AfterComplaint { delay_hours } if delay_hours > 720 => err("cadence", "the delay after a complaint is at most 720 hours"),
            _ if !(1..=90).contains(&self.link_days) => err("link_days", "links live 1 to 90 days"),
            // Bounded, so the audience's `now - last surveyed >= days` is always a duration.
            _ if self.audience.not_surveyed_days.is_some_and(|d| !(0..=NOT_SURVEYED_DAYS_MAX).contains(&d)) => {
                err("audience", "not_surveyed_days is 0 to 3650 days")
            }
            Cadence::Once { at } if crate::api::params::check_instant("cadence", at).is_err() => {
                err("cadence", "a one-off run is from 2000 to 2099")
            }
            _ => Ok(()),
        }
    }

    /// The first scheduled run strictly after `after`, in the institution's zone; `None` for a
    /// paused schedule or a one-off that has run.
    pub fn next_run(&self, zone: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.active {
            return None;
        }
        let (months, day, time): (&[u32], u32, NaiveTime) = match self.cadence {
            Cadence::Once { at } => return (at > after).then_some(at),
            Cadence::AfterComplaint { .. } => return None,
            Cadence::Monthly { day, time } => (&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], day, time),
            Cadence::Quarterly { month_offset, day, time } => {
                let months: &[u32] = match month_offset {
                    0 => &[1, 4, 7, 10],
                    1 => &[2, 5, 8, 11],
                    _ => &[3, 6, 9, 12],
                };
                (months, day, time)
            }
        };
        let year = after.with_timezone(&zone).year();
        (year..=year + 1)
            .flat_map(|y| months.iter().filter_map(move |m| NaiveDate::from_ymd_opt(y, *m, day)))
            .filter_map(|d| local(zone, d, time))
            .find(|t| *t > after)
    }

    /// Whether a customer is in this schedule's audience at `now`.
    pub fn includes(&self, c: &Invitee, now: DateTime<Utc>) -> bool {
        let a = &self.audience;
        c.consented
            && c.reachable
            && (a.segments.is_empty() || a.segments.contains(&c.segment))
            && (a.lifecycles.is_empty() || a.lifecycles.contains(&c.lifecycle))
            && (a.products.is_empty() || a.products.iter().any(|p| c.products.contains(p)))
            && a.not_surveyed_days.is_none_or(|days| c.last_surveyed_at.is_none_or(|t| now - t >= Duration::days(days)))
    }

    /// When an invitation due at `t` may go out: after the quiet hours if `t` falls in them.
    pub fn send_at(&self, zone: Tz, t: DateTime<Utc>) -> DateTime<Utc> {
        let Some(q) = self.quiet_hours else { return t };
        let l = t.with_timezone(&zone);
        let now = l.time();
        let quiet = if q.start <= q.end { now >= q.start && now < q.end } else { now >= q.start || now < q.end };
        if !quiet {
            return t;
        }
        let day = if q.start > q.end && now >= q.start { l.date_naive().succ_opt().unwrap_or(l.date_naive()) } else { l.date_naive() };
        local(zone, day, q.end).unwrap_or(t)
    }

    /// When a link sent at `sent_at` stops working.
    pub fn expires_at(&self, sent_at: DateTime<Utc>) -> DateTime<Utc> {
        sent_at + Duration::days(self.link_days)
    }
}

/// The customers to invite in one run: in the audience, and not already invited in this run
/// (`invited` answers for a customer id), so a repeated or overlapping run invites nobody twice.
pub fn invitees<'a>(
    schedule: &Schedule,
    customers: &'a [Invitee],
    now: DateTime<Utc>,
    invited: impl Fn(&str) -> bool,
) -> Vec<&'a Invitee> {
    customers.iter().filter(|c| schedule.includes(c, now) && !invited(&c.id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::bj;

    const SH: Tz = chrono_tz::Asia::Shanghai;


    fn ten() -> NaiveTime {
        NaiveTime::from_hms_opt(10, 0, 0).unwrap()
    }

    fn quarterly() -> Schedule {
        Schedule {
            cadence: Cadence::Quarterly { month_offset: 0, day: 1, time: ten() },
            audience: Audience::default(),
            channel: SurveyChannel::Sms,
            quiet_hours: Some(QuietHours { start: NaiveTime::from_hms_opt(21, 0, 0).unwrap(), end: NaiveTime::from_hms_opt(9, 0, 0).unwrap() }),
            link_days: 14,
            active: true,
        }
    }

    fn customer(id: &str) -> Invitee {
        Invitee { id: id.into(), segment: Segment::Mass, lifecycle: Lifecycle::Existing, products: vec!["debit-card".into()], consented: true, reachable: true, last_surveyed_at: None }
    }

    #[test]
    fn quarterly_runs_on_the_first_of_the_quarter_at_ten_beijing_time() {
        let s = quarterly();
        let table = [
            (bj(2026, 11, 23, 12, 0), bj(2027, 1, 1, 10, 0)),
            (bj(2027, 1, 1, 9, 59), bj(2027, 1, 1, 10, 0)),
            (bj(2027, 1, 1, 10, 0), bj(2027, 4, 1, 10, 0)),
            (bj(2026, 6, 15, 0, 0), bj(2026, 7, 1, 10, 0)),
        ];
        for (after, want) in table {
            assert_eq!(s.next_run(SH, after), Some(want), "after {after}");
        }
        // 10:00 in Beijing on 1 January is 02:00 UTC.
        assert_eq!(bj(2027, 1, 1, 10, 0), Utc.with_ymd_and_hms(2027, 1, 1, 2, 0, 0).unwrap());
        let feb = Schedule { cadence: Cadence::Quarterly { month_offset: 1, day: 15, time: ten() }, ..quarterly() };
        assert_eq!(feb.next_run(SH, bj(2026, 11, 23, 12, 0)), Some(bj(2027, 2, 15, 10, 0)));
    }

    #[test]
    fn runs_are_named_by_their_period_in_the_institutions_zone() {
        let q = quarterly().cadence;
        assert_eq!(q.period(bj(2026, 7, 1, 10, 0), SH), "2026 Q3");
        // 1 October 00:30 in Beijing is still 30 September in UTC.
        assert_eq!(q.period(bj(2026, 10, 1, 0, 30), SH), "2026 Q4");
        assert_eq!(Cadence::AfterComplaint { delay_hours: 24 }.period(bj(2026, 9, 1, 0, 30), SH), "2026-09");
        assert_eq!(Cadence::Once { at: bj(2026, 8, 3, 7, 0) }.period(bj(2026, 8, 3, 7, 0), SH), "2026-08-03");
    }

    #[test]
    fn monthly_once_and_paused_schedules() {
        let monthly = Schedule { cadence: Cadence::Monthly { day: 5, time: ten() }, ..quarterly() };
        assert_eq!(monthly.next_run(SH, bj(2026, 12, 5, 10, 0)), Some(bj(2027, 1, 5, 10, 0)));
        let at = bj(2026, 12, 1, 10, 0);
        let once = Schedule { cadence: Cadence::Once { at }, ..quarterly() };
        assert_eq!(once.next_run(SH, bj(2026, 11, 1, 0, 0)), Some(at));
        assert_eq!(once.next_run(SH, at), None);
        assert_eq!(Schedule { active: false, ..quarterly() }.next_run(SH, at), None);
    }

    #[test]
    fn the_audience_filters_by_segment_lifecycle_product_recency_and_consent() {
        let now = bj(2026, 11, 23, 10, 0);
        let s = Schedule {
            audience: Audience {
                segments: vec![Segment::Mass, Segment::Affluent],
                lifecycles: vec![Lifecycle::Existing],
                products: vec!["debit-card".into(), "mortgage".into()],
                not_surveyed_days: Some(90),
            },
            ..quarterly()
        };
        let table = [
            (customer("ok"), true),
            (Invitee { segment: Segment::Private, ..customer("x") }, false),
            (Invitee { lifecycle: Lifecycle::New, ..customer("x") }, false),
            (Invitee { products: vec!["fund-plan".into()], ..customer("x") }, false),
            (Invitee { consented: false, ..customer("x") }, false),
            (Invitee { reachable: false, ..customer("x") }, false),
            (Invitee { last_surveyed_at: Some(now - Duration::days(30)), ..customer("x") }, false),
            (Invitee { last_surveyed_at: Some(now - Duration::days(90)), ..customer("x") }, true),
        ];
        for (c, want) in table {
            assert_eq!(s.includes(&c, now), want, "{c:?}");
        }
    }

    #[test]
    fn nobody_is_invited_twice_in_a_run() {
        let customers = vec![customer("a"), customer("b"), customer("c")];
        let now = bj(2027, 1, 1, 10, 0);
        let first: Vec<&str> = invitees(&quarterly(), &customers, now, |_| false).iter().map(|c| c.id.as_str()).collect();
        assert_eq!(first, ["a", "b", "c"]);
        let again = invitees(&quarterly(), &customers, now, |id| first.contains(&id));
        assert!(again.is_empty());
    }

    #[test]
    fn quiet_hours_defer_sending_and_links_expire() {
        let s = quarterly();
        assert_eq!(s.send_at(SH, bj(2027, 1, 1, 10, 0)), bj(2027, 1, 1, 10, 0));
        assert_eq!(s.send_at(SH, bj(2027, 1, 1, 22, 30)), bj(2027, 1, 2, 9, 0));
        assert_eq!(s.send_at(SH, bj(2027, 1, 2, 3, 0)), bj(2027, 1, 2, 9, 0));
        assert_eq!(s.expires_at(bj(2027, 1, 1, 10, 0)), bj(2027, 1, 15, 10, 0));
    }

    #[test]
    fn schedules_that_make_no_sense_are_refused() {
        assert_eq!(quarterly().validate(), Ok(()));
        let bad = [
            (Schedule { cadence: Cadence::Quarterly { month_offset: 3, day: 1, time: ten() }, ..quarterly() }, "cadence"),
            (Schedule { cadence: Cadence::Monthly { day: 31, time: ten() }, ..quarterly() }, "cadence"),
            (Schedule { link_days: 0, ..quarterly() }, "link_days"),
            // Numbers and instants past what a duration or a date holds never reach the audience's
            // arithmetic (Duration::days(i64::MAX) panics).
            (Schedule { audience: Audience { not_surveyed_days: Some(i64::MAX), ..quarterly().audience }, ..quarterly() }, "audience"),
            (Schedule { audience: Audience { not_surveyed_days: Some(-1), ..quarterly().audience }, ..quarterly() }, "audience"),
            (Schedule { cadence: Cadence::Once { at: DateTime::<Utc>::MAX_UTC }, ..quarterly() }, "cadence"),
        ];
        for (s, field) in bad {
            assert_eq!(s.validate().unwrap_err().field, field);
        }
    }
}
