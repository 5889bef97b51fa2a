//! Branch appointments: the slots a branch offers for a service, when a booking may be made or
//! changed, when its reminder goes, and the reference a customer quotes at the counter.
//!
//! A branch opens on the institution's working days (its business calendar: holidays closed,
//! make-up days open) between its own opening and closing times. A service's slots start at
//! opening and follow each other by the service's duration; the last ends by closing time.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::api::PublicAppointment;

use crate::calendar::BusinessCalendar;

/// How far ahead a customer may book.
pub const HORIZON_DAYS: i64 = 30;
/// How soon before its start a slot can still be booked or moved to.
pub const LEAD: Duration = Duration::minutes(30);
/// The local time on the day before an appointment at which its reminder goes.
pub const REMIND_AT: NaiveTime = match NaiveTime::from_hms_opt(10, 0, 0) {
    Some(t) => t,
    None => panic!("10:00 is a time"),
};

/// A branch's opening hours on the days it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// The start of every slot a service of `minutes` has at a branch on `day`: none when the
/// institution does not work that day.
pub fn slots(calendar: &BusinessCalendar, hours: Hours, minutes: i64, day: NaiveDate) -> Vec<DateTime<Utc>> {
    if !calendar.works_on(day) || minutes <= 0 {
        return Vec::new();
    }
    let length = Duration::minutes(minutes);
    let mut out = Vec::new();
    let mut start = hours.opens;
    loop {
        let (end, wrapped) = start.overflowing_add_signed(length);
        if wrapped != 0 || end > hours.closes {
            break;
        }
        out.push(calendar.at(day, start));
        start = end;
    }
    out
}

/// Why a time cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotBookable {
    /// Not the start of one of the service's slots at the branch that day.
    NotASlot,
    /// Less than [`LEAD`] from now, or past.
    TooSoon,
    /// More than [`HORIZON_DAYS`] ahead.
    TooFar,
}

/// Whether `start` is a slot of the service at the branch that can be booked at `now`.
pub fn bookable(calendar: &BusinessCalendar, hours: Hours, minutes: i64, start: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), NotBookable> {
    if start < now + LEAD {
        return Err(NotBookable::TooSoon);
    }
    if start > now + Duration::days(HORIZON_DAYS) {
        return Err(NotBookable::TooFar);
    }
    if !slots(calendar, hours, minutes, calendar.local_date(start)).contains(&start) {
        return Err(NotBookable::NotASlot);
    }
    Ok(())
}

/// When the reminder for an appointment at `start` goes: at [`REMIND_AT`] on the working or
/// other day before it; none when that moment is already past at booking (the confirmation,
/// sent at once, says everything a reminder would).
pub fn remind_at(calendar: &BusinessCalendar, start: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let day_before = calendar.local_date(start).pred_opt()?;
    Some(calendar.at(day_before, REMIND_AT)).filter(|t| *t > now)
}

/// The letters a reference is written in: no 0/O, 1/I/L, so it can be read out over a counter.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// An appointment's reference from random bytes: "YY" and eight characters (about 2^39
/// possibilities), e.g. "YY7K3M9QXA".
pub fn reference(random: [u8; 8]) -> String {
    let mut out = String::from("YY");
    out.extend(random.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char));
    out
}

/// A reference as someone typed it: trimmed, upper-cased, spaces and dashes dropped.
pub fn normalize_reference(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// A time in the institution's zone as messages write it.
fn local(t: DateTime<Utc>, calendar: &BusinessCalendar) -> String {
    t.with_timezone(&calendar.zone()).format("%Y-%m-%d %H:%M").to_string()
}

/// Where a customer's messages go: their e-mail address if they gave one, else their phone.
pub fn address(phone: Option<&str>, email: Option<&str>) -> Option<(&'static str, String)> {
    match (email.filter(|e| !e.trim().is_empty()), phone.filter(|p| !p.trim().is_empty())) {
        (Some(e), _) => Some(("email", e.trim().to_string())),
        (None, Some(p)) => Some(("sms", p.trim().to_string())),
        (None, None) => None,
    }
}

/// A message to the customer about an appointment (`kind`: appointment_confirmed,
/// appointment_reminder, appointment_cancelled): its subject, and its body in Chinese then
/// English, with the manage link when given.
pub fn message(kind: &str, a: &PublicAppointment, calendar: &BusinessCalendar, institution: &str, link: Option<&str>) -> (String, String) {
    let when = local(a.start, calendar);
    let (zh, en) = match kind {
        "appointment_confirmed" => (
            format!("【{institution}】您已预约{}办理“{}”，时间：{when}（北京时间），预约号：{}。请携带{}按时到达。", a.branch.zh, a.service_name.zh, a.reference, a.bring.zh),
            format!("You have booked {} at {} on {when} (Beijing time), reference {}. Please bring {}.", a.service_name.en, a.branch.en, a.reference, a.bring.en),
        ),
        "appointment_reminder" => (
            format!("【{institution}】提醒：您预约的{}“{}”在 {when}（北京时间），预约号：{}。请携带{}。如需改约或取消，请使用预约确认信息中的链接。", a.branch.zh, a.service_name.zh, a.reference, a.bring.zh),
            format!("Reminder: your appointment for {} at {} is on {when} (Beijing time), reference {}. Please bring {}. To reschedule or cancel, use the link in your confirmation.", a.service_name.en, a.branch.en, a.reference, a.bring.en),
        ),
        _ => (
            format!("【{institution}】您在{} {when} 的预约（{}）已取消。", a.branch.zh, a.reference),
            format!("Your appointment at {} on {when} ({}) is cancelled.", a.branch.en, a.reference),
        ),
    };
    let subject = match kind {
        "appointment_confirmed" => format!("预约确认 Appointment confirmed {}", a.reference),
        "appointment_reminder" => format!("预约提醒 Appointment reminder {}", a.reference),
        _ => format!("预约已取消 Appointment cancelled {}", a.reference),
    };
    let link = link.map(|l| format!("\n改约或取消 Reschedule or cancel: {l}")).unwrap_or_default();
    (subject, format!("{zh}\n{en}{link}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn bj(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono::FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(y, m, d, h, min, 0).unwrap().to_utc()
    }

    const HOURS: Hours = Hours { opens: NaiveTime::from_hms_opt(9, 0, 0).unwrap(), closes: NaiveTime::from_hms_opt(17, 0, 0).unwrap() };

    #[test]
    fn slots_fill_the_opening_hours_of_working_days_only() {
        let cal = BusinessCalendar::china_default();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let day = slots(&cal, HOURS, 30, monday);
        assert_eq!(day.len(), 16);
        assert_eq!((day[0], day[15]), (bj(2026, 11, 23, 9, 0), bj(2026, 11, 23, 16, 30)));
        assert_eq!(slots(&cal, HOURS, 45, monday).len(), 10, "the last slot ends by closing time");
        assert!(slots(&cal, HOURS, 30, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).is_empty(), "Sunday");
        assert!(slots(&cal, HOURS, 30, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()).is_empty(), "National Day");
        assert_eq!(slots(&cal, HOURS, 30, NaiveDate::from_ymd_opt(2026, 10, 10).unwrap()).len(), 16, "a make-up Saturday");
    }

    #[test]
    fn only_a_slot_between_half_an_hour_and_thirty_days_ahead_can_be_booked() {
        let cal = BusinessCalendar::china_default();
        let now = bj(2026, 11, 23, 9, 50);
        assert_eq!(bookable(&cal, HOURS, 30, bj(2026, 11, 23, 10, 0), now), Err(NotBookable::TooSoon));
        assert_eq!(bookable(&cal, HOURS, 30, bj(2026, 11, 23, 10, 30), now), Ok(()));
        assert_eq!(bookable(&cal, HOURS, 30, bj(2026, 11, 23, 10, 40), now), Err(NotBookable::NotASlot));
        assert_eq!(bookable(&cal, HOURS, 30, bj(2026, 11, 22, 10, 0), now), Err(NotBookable::TooSoon));
        assert_eq!(bookable(&cal, HOURS, 30, bj(2026, 11, 29, 10, 0), now), Err(NotBookable::NotASlot), "Sunday");
        assert_eq!(bookable(&cal, HOURS, 30, bj(2027, 1, 4, 10, 0), now), Err(NotBookable::TooFar));
    }

    #[test]
    fn the_reminder_goes_at_ten_the_day_before_unless_that_is_past() {
        let cal = BusinessCalendar::china_default();
        assert_eq!(remind_at(&cal, bj(2026, 11, 25, 14, 0), bj(2026, 11, 23, 9, 0)), Some(bj(2026, 11, 24, 10, 0)));
        // A Monday appointment is reminded on Sunday.
        assert_eq!(remind_at(&cal, bj(2026, 11, 30, 9, 0), bj(2026, 11, 23, 9, 0)), Some(bj(2026, 11, 29, 10, 0)));
        assert_eq!(remind_at(&cal, bj(2026, 11, 25, 14, 0), bj(2026, 11, 24, 11, 0)), None, "booked after the reminder's time");
    }

    #[test]
    fn references_can_be_read_out_and_typed_back() {
        let r = reference([0, 1, 2, 3, 250, 251, 252, 255]);
        assert_eq!(r.len(), 10);
        assert!(r.starts_with("YY") && !r[2..].contains(['0', 'O', '1', 'I', 'L']), "{r}");
        assert_eq!(normalize_reference(" yy7k-3m9q xa "), "YY7K3M9QXA");
    }
}
