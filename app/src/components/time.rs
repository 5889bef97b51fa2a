//! Times as staff read them: in the institution's zone, and as a live countdown to a deadline.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use leptos::prelude::*;

use crate::i18n::Lang;

/// The institution's zone. Asia/Shanghai has had no daylight saving since 1991, so a fixed
/// offset is exact; configurable zones arrive with the business calendars.
fn zone() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn now_utc() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Today's date in the institution's zone.
pub fn today() -> chrono::NaiveDate {
    date_of(now_utc())
}

/// The date of an instant in the institution's zone.
pub fn date_of(t: DateTime<Utc>) -> chrono::NaiveDate {
    t.with_timezone(&zone()).date_naive()
}

/// "11-24 18:47", in the institution's zone.
pub fn short(t: DateTime<Utc>) -> String {
    t.with_timezone(&zone()).format("%m-%d %H:%M").to_string()
}

/// The instant a `datetime-local` input's "2026-11-24T18:47" means in the institution's zone.
pub fn from_local(text: &str) -> Option<DateTime<Utc>> {
    let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()?;
    local.and_local_timezone(zone()).single().map(|t| t.with_timezone(&Utc))
}

/// "18:47", in the institution's zone.
pub fn clock(t: DateTime<Utc>) -> String {
    t.with_timezone(&zone()).format("%H:%M").to_string()
}

/// "2026-11-24 18:47", in the institution's zone.
pub fn full(t: DateTime<Utc>) -> String {
    t.with_timezone(&zone()).format("%Y-%m-%d %H:%M").to_string()
}

/// "剩余 5小时12分钟" / "5 h 12 min left", or "已超时 …" / "overdue by …".
pub fn countdown(lang: Lang, due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let t = lang.t();
    let span = if due >= now { due - now } else { now - due };
    let amount = if span >= Duration::days(2) {
        format!("{}{}", span.num_days(), t.days_short)
    } else if span >= Duration::hours(1) {
        format!("{}{} {}{}", span.num_hours(), t.hours_short, span.num_minutes() % 60, t.minutes_short)
    } else {
        format!("{}{}", span.num_minutes().max(1), t.minutes_short)
    };
    match (lang, due >= now) {
        (Lang::Zh, true) => format!("{} {amount}", t.left),
        (Lang::Zh, false) => format!("{} {amount}", t.overdue_by),
        (Lang::En, true) => format!("{amount} {}", t.left),
        (Lang::En, false) => format!("{} {amount}", t.overdue_by),
    }
}

/// The current time, ticking every 30 seconds so countdowns and colours stay live.
#[derive(Clone, Copy)]
pub struct Now(pub RwSignal<DateTime<Utc>>);

impl Now {
    pub fn provide() {
        let now = Now(RwSignal::new(now_utc()));
        let handle = set_interval_with_handle(move || now.0.set(now_utc()), std::time::Duration::from_secs(30));
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
        provide_context(now);
    }
}

pub fn use_now() -> RwSignal<DateTime<Utc>> {
    expect_context::<Now>().0
}
