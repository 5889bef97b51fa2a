//! The institution's business calendar: its time zone, weekly opening hours (split shifts),
//! public holidays and make-up working days (调休), and time arithmetic in business hours.
//!
//! Every day is worked out in the institution's zone, so a case at 00:30 Beijing time on a
//! Tuesday is on Tuesday even while UTC still says Monday.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How far ahead the calendar looks for open time before it gives up (ten years).
const HORIZON_DAYS: u32 = 3_660;

/// One opening span within a day, e.g. 09:00–12:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// A calendar as admins edit it and D1 stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSpec {
    /// An IANA zone name, e.g. `Asia/Shanghai`.
    pub zone: String,
    /// Opening hours for Monday (index 0) through Sunday (index 6).
    pub week: [Vec<Shift>; 7],
    /// Public holidays: closed whatever the weekday.
    pub holidays: Vec<NaiveDate>,
    /// Make-up working days (调休): open with the hours of the first working weekday.
    pub makeup_days: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("zone is not an IANA time zone")]
    UnknownZone,
    #[error("week[{0}] has a shift that does not end after it starts, or shifts that overlap")]
    BadShift(usize),
    #[error("the calendar must be open at least one hour a week")]
    NeverOpen,
    #[error("{0} is both a holiday and a make-up working day")]
    HolidayAndMakeup(NaiveDate),
}

impl CalendarError {
    /// The spec field an error is about, for the API's error body.
    pub fn field(&self) -> &'static str {
        match self {
            CalendarError::UnknownZone => "zone",
            CalendarError::BadShift(_) | CalendarError::NeverOpen => "week",
            CalendarError::HolidayAndMakeup(_) => "makeup_days",
        }
    }
}

/// A checked calendar, ready for arithmetic.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    zone: Tz,
    week: [Vec<Shift>; 7],
    makeup_shifts: Vec<Shift>,
    holidays: BTreeSet<NaiveDate>,
    makeup_days: BTreeSet<NaiveDate>,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Every date from `from` to `to`, inclusive.
fn span(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

impl CalendarSpec {
    /// A mainland Chinese bank's service desk: Asia/Shanghai, Monday to Friday 09:00–12:00 and
    /// 13:30–17:30, with the 2026 public holidays and make-up working days of the State
    /// Council's notice. Admins add each new year's dates when they are published.
    pub fn china_default() -> Self {
        let day = vec![Shift { start: hm(9, 0), end: hm(12, 0) }, Shift { start: hm(13, 30), end: hm(17, 30) }];
        let holidays = [
            (date(2026, 1, 1), date(2026, 1, 3)),   // New Year
            (date(2026, 2, 15), date(2026, 2, 23)), // Spring Festival
            (date(2026, 4, 4), date(2026, 4, 6)),   // Qingming
            (date(2026, 5, 1), date(2026, 5, 5)),   // Labour Day
            (date(2026, 6, 19), date(2026, 6, 21)), // Dragon Boat
            (date(2026, 9, 25), date(2026, 9, 27)), // Mid-Autumn
            (date(2026, 10, 1), date(2026, 10, 7)), // National Day
        ]
        .into_iter()
        .flat_map(|(from, to)| span(from, to))
        .collect();
        CalendarSpec {
            zone: "Asia/Shanghai".into(),
            week: [day.clone(), day.clone(), day.clone(), day.clone(), day, Vec::new(), Vec::new()],
            holidays,
            makeup_days: vec![
                date(2026, 1, 4),
                date(2026, 2, 14),
                date(2026, 2, 28),
                date(2026, 5, 9),
                date(2026, 9, 20),
                date(2026, 10, 10),
            ],
        }
    }
}

impl BusinessCalendar {
    /// Checks a spec: a known zone, shifts that end after they start and do not overlap, and
    /// at least one open hour a week.
    pub fn new(spec: &CalendarSpec) -> Result<Self, CalendarError> {
        let zone: Tz = spec.zone.parse().map_err(|_| CalendarError::UnknownZone)?;
        let mut week = spec.week.clone();
        let mut open = Duration::zero();
        for (i, shifts) in week.iter_mut().enumerate() {
            shifts.sort_by_key(|s| s.start);
            let mut last_end: Option<NaiveTime> = None;
            for s in shifts.iter() {
                if s.end <= s.start || last_end.is_some_and(|e| s.start < e) {
                    return Err(CalendarError::BadShift(i));
                }
                last_end = Some(s.end);
                open += s.end - s.start;
            }
        }
        if open < Duration::hours(1) {
            return Err(CalendarError::NeverOpen);
        }
        if let Some(d) = spec.makeup_days.iter().find(|d| spec.holidays.contains(d)) {
            return Err(CalendarError::HolidayAndMakeup(*d));
        }
        let makeup_shifts = week.iter().find(|s| !s.is_empty()).cloned().unwrap_or_default();
        Ok(BusinessCalendar {
            zone,
            week,
            makeup_shifts,
            holidays: spec.holidays.iter().copied().collect(),
            makeup_days: spec.makeup_days.iter().copied().collect(),
        })
    }

    /// The institution's default calendar.
    pub fn china_default() -> Self {
        Self::new(&CalendarSpec::china_default()).expect("the default calendar is valid")
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The date in the institution's zone at an instant.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    fn shifts_on(&self, day: NaiveDate) -> &[Shift] {
        if self.holidays.contains(&day) {
            &[]
        } else if self.makeup_days.contains(&day) {
            &self.makeup_shifts
        } else {
            &self.week[day.weekday().num_days_from_monday() as usize]
        }
    }

    /// A local wall-clock time as an instant. In a daylight-saving gap the clock has jumped
    /// forward, so the first instant after the gap is used; in an overlap the earlier one.
    fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let mut probe = local;
        for _ in 0..=180 {
            if let Some(t) = self.zone.from_local_datetime(&probe).earliest() {
                return t.with_timezone(&Utc);
            }
            probe += Duration::minutes(1);
        }
        Utc.from_utc_datetime(&local)
    }

    /// The open spans of a local date, as instants.
    fn open_on(&self, day: NaiveDate) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        self.shifts_on(day).iter().map(move |s| (self.instant(day.and_time(s.start)), self.instant(day.and_time(s.end))))
    }

    /// The open spans from the local date of `from` onwards, in order.
    fn open_from(&self, from: DateTime<Utc>) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        self.local_date(from).iter_days().take(HORIZON_DAYS as usize).flat_map(move |d| self.open_on(d))
    }

    /// Whether the institution works on a local date (its branches open then).
    pub fn works_on(&self, day: NaiveDate) -> bool {
        !self.shifts_on(day).is_empty()
    }

    /// A local date and wall-clock time in the institution's zone, as an instant.
    pub fn at(&self, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        self.instant(day.and_time(time))
    }

    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        self.open_on(self.local_date(t)).any(|(s, e)| s <= t && t < e)
    }

    /// The first instant at or after `t` when the institution is open.
    pub fn next_opening(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.open_from(t).find(|(_, e)| *e > t).map(|(s, _)| s.max(t))
    }

    /// The instant `amount` of business time after `t`. A calendar that stays closed for ten
    /// years (every day a holiday) falls back to calendar time rather than never answering.
    pub fn add(&self, t: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        if amount <= Duration::zero() {
            return t;
        }
        let mut left = amount;
        for (s, e) in self.open_from(t) {
            let s = s.max(t);
            if e <= s {
                continue;
            }
            if left <= e - s {
                return s + left;
            }
            left -= e - s;
        }
        t + amount
    }

    /// The business time between two instants (zero when `to` is not after `from`).
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let last = self.local_date(to);
        let mut total = Duration::zero();
        for day in span(self.local_date(from), last) {
            for (s, e) in self.open_on(day) {
                let (s, e) = (s.max(from), e.min(to));
                if e > s {
                    total += e - s;
                }
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::bj;
    use proptest::prelude::*;


    fn cal() -> BusinessCalendar {
        BusinessCalendar::china_default()
    }

    #[test]
    fn open_hours_have_a_lunch_break_and_an_exclusive_end() {
        let table = [
            (bj(2026, 11, 23, 8, 59), false),
            (bj(2026, 11, 23, 9, 0), true),
            (bj(2026, 11, 23, 11, 59), true),
            (bj(2026, 11, 23, 12, 0), false),
            (bj(2026, 11, 23, 13, 29), false),
            (bj(2026, 11, 23, 13, 30), true),
            (bj(2026, 11, 23, 17, 29), true),
            (bj(2026, 11, 23, 17, 30), false),
            (bj(2026, 11, 21, 10, 0), false), // Saturday
            (bj(2026, 10, 1, 10, 0), false),  // National Day, a Thursday
            (bj(2026, 9, 20, 10, 0), true),   // make-up Sunday
            (bj(2026, 2, 14, 14, 0), true),   // make-up Saturday before Spring Festival
            (bj(2026, 2, 18, 10, 0), false),  // Spring Festival, a Wednesday
        ];
        for (t, open) in table {
            assert_eq!(cal().is_open(t), open, "{}", t.with_timezone(&chrono_tz::Asia::Shanghai));
        }
    }

    #[test]
    fn a_case_opened_friday_1725_with_24_business_hours() {
        // Friday 17:25–17:30 (5 min), Mon/Tue/Wed 7 h each (21 h 5 min), then 2 h 55 min on Thursday.
        let opened = bj(2026, 11, 20, 17, 25);
        assert_eq!(cal().add(opened, Duration::hours(24)), bj(2026, 11, 26, 11, 55));
        assert_eq!(cal().between(opened, bj(2026, 11, 26, 11, 55)), Duration::hours(24));
    }

    #[test]
    fn a_clock_spanning_spring_festival_counts_the_make_up_saturday() {
        let opened = bj(2026, 2, 13, 16, 0);
        // Friday 1.5 h, then the make-up Saturday: 3 h before lunch and 3.5 h after.
        assert_eq!(cal().add(opened, Duration::hours(8)), bj(2026, 2, 14, 17, 0));
        // Friday 1.5 h + Saturday 7 h; closed 15–23 February; Tuesday 24th 7 h; Wednesday 0.5 h.
        assert_eq!(cal().add(opened, Duration::hours(16)), bj(2026, 2, 25, 9, 30));
        assert_eq!(cal().next_opening(bj(2026, 2, 14, 18, 0)), Some(bj(2026, 2, 24, 9, 0)));
    }

    #[test]
    fn days_are_taken_in_beijing_while_utc_is_still_on_the_day_before() {
        // 16:30 UTC on Monday 23 November is 00:30 on Tuesday in Beijing.
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 16, 30, 0).unwrap();
        assert_eq!(cal().local_date(t), date(2026, 11, 24));
        assert!(!cal().is_open(t));
        assert_eq!(cal().next_opening(t), Some(Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap()));
        assert_eq!(cal().add(t, Duration::hours(1)), Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).unwrap());
        // 16:30 UTC on Sunday is 00:30 on Monday in Beijing: Monday's hours apply.
        let sunday_utc = Utc.with_ymd_and_hms(2026, 11, 22, 16, 30, 0).unwrap();
        assert_eq!(cal().next_opening(sunday_utc), Some(bj(2026, 11, 23, 9, 0)));
    }

    #[test]
    fn business_time_between_skips_nights_weekends_and_lunch() {
        let table = [
            (bj(2026, 11, 20, 17, 0), bj(2026, 11, 23, 10, 0), Duration::minutes(90)),
            (bj(2026, 11, 23, 11, 0), bj(2026, 11, 23, 14, 0), Duration::minutes(90)),
            (bj(2026, 11, 23, 9, 0), bj(2026, 11, 24, 9, 0), Duration::hours(7)),
            (bj(2026, 11, 23, 14, 0), bj(2026, 11, 23, 11, 0), Duration::zero()),
            (bj(2026, 9, 30, 17, 0), bj(2026, 10, 8, 9, 30), Duration::minutes(60)),
        ];
        for (from, to, want) in table {
            assert_eq!(cal().between(from, to), want, "{from} → {to}");
        }
    }

    #[test]
    fn bad_calendars_are_refused_naming_the_field() {
        let mut spec = CalendarSpec::china_default();
        spec.zone = "Mars/Olympus".into();
        assert_eq!(BusinessCalendar::new(&spec).unwrap_err().field(), "zone");

        let mut spec = CalendarSpec::china_default();
        spec.week = Default::default();
        assert_eq!(BusinessCalendar::new(&spec).unwrap_err(), CalendarError::NeverOpen);

        let mut spec = CalendarSpec::china_default();
        spec.week[0] = vec![Shift { start: hm(9, 0), end: hm(12, 0) }, Shift { start: hm(11, 0), end: hm(13, 0) }];
        assert_eq!(BusinessCalendar::new(&spec).unwrap_err(), CalendarError::BadShift(0));

        let mut spec = CalendarSpec::china_default();
        spec.week[2] = vec![Shift { start: hm(12, 0), end: hm(9, 0) }];
        assert_eq!(BusinessCalendar::new(&spec).unwrap_err(), CalendarError::BadShift(2));

        let mut spec = CalendarSpec::china_default();
        spec.makeup_days.push(date(2026, 10, 1));
        assert_eq!(BusinessCalendar::new(&spec).unwrap_err().field(), "makeup_days");
    }

    #[test]
    fn zones_with_daylight_saving_keep_their_local_hours() {
        let mut spec = CalendarSpec::china_default();
        spec.zone = "Europe/London".into();
        let london = BusinessCalendar::new(&spec).unwrap();
        // Monday 30 March 2026 is the first working day of British Summer Time: 09:00 is 08:00 UTC.
        let sunday = Utc.with_ymd_and_hms(2026, 3, 29, 12, 0, 0).unwrap();
        assert_eq!(london.next_opening(sunday), Some(Utc.with_ymd_and_hms(2026, 3, 30, 8, 0, 0).unwrap()));
    }

    #[test]
    fn the_calendar_round_trips_through_json() {
        let spec = CalendarSpec::china_default();
        let json = serde_json::to_string(&spec).unwrap();
        assert!(json.contains("\"09:00:00\""));
        assert_eq!(serde_json::from_str::<CalendarSpec>(&json).unwrap(), spec);
    }

    proptest! {
        #[test]
        fn adding_business_time_is_monotonic_and_measured_back_exactly(
            start in 0i64..(400 * 24 * 60), a in 0i64..(30 * 7 * 60), b in 0i64..(30 * 7 * 60)
        ) {
            let cal = cal();
            let t = bj(2026, 1, 1, 0, 0) + Duration::minutes(start);
            let (small, large) = (Duration::minutes(a.min(b)), Duration::minutes(a.max(b)));
            let (d1, d2) = (cal.add(t, small), cal.add(t, large));
            prop_assert!(d1 >= t);
            prop_assert!(d1 <= d2);
            prop_assert_eq!(cal.between(t, d2), large);
            prop_assert!(cal.add(t + Duration::minutes(7), small) >= d1);
        }
    }
}
