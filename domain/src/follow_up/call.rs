//! A follow-up call and what it leads to: the outcomes an agent records, when the next attempt
//! may be made, and when the follow-up is over.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::Rules;
use crate::calendar::BusinessCalendar;
pub use crate::case::CallOutcome as Outcome;

/// How a follow-up ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The customer was reached: the follow-up is done.
    Done,
    /// The customer did not want to talk: made, and done, but no satisfaction recorded.
    Refused,
    /// `max_attempts` calls went unanswered, or the number is wrong.
    Unreachable,
    /// The customer withdrew consent to be contacted before the call.
    NoConsent,
}

impl Ending {
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::Done => "done",
            Ending::Refused => "refused",
            Ending::Unreachable => "unreachable",
            Ending::NoConsent => "no_consent",
        }
    }

    pub const ALL: [Ending; 4] = [Ending::Done, Ending::Refused, Ending::Unreachable, Ending::NoConsent];

    pub fn parse(text: &str) -> Option<Ending> {
        Ending::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// Whether the follow-up rate counts it as made.
    pub fn made(self) -> bool {
        matches!(self, Ending::Done | Ending::Refused)
    }
}

/// What one attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Call again, no earlier than this (a call-back: at this minute).
    CallAt(DateTime<Utc>),
    Ended(Ending),
}

/// Why an attempt is refused as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AttemptError {
    #[error("a call-back needs callback_at, a time from now to 30 days ahead")]
    CallbackTime,
    #[error("callback_at is only for a requested call-back")]
    CallbackUnasked,
    #[error("satisfaction is 1 to 5, and only for a call that reached the customer")]
    Satisfaction,
}

impl AttemptError {
    pub fn field(self) -> &'static str {
        match self {
            AttemptError::CallbackTime | AttemptError::CallbackUnasked => "callback_at",
            AttemptError::Satisfaction => "satisfaction",
        }
    }
}

/// The furthest ahead a call-back may be booked.
pub const CALLBACK_DAYS_MAX: i64 = 30;

/// What an attempt with `outcome` at `now` leads to, for a follow-up that has had `unanswered`
/// unanswered calls before it. An unanswered call is tried again `rules.retry_minutes` later at
/// the earliest, moved into the institution's opening hours (never at night); the last allowed
/// one ends it as unreachable. A requested call-back is kept to its minute.
pub fn after_attempt(
    rules: &Rules,
    calendar: &BusinessCalendar,
    outcome: Outcome,
    unanswered: u32,
    callback_at: Option<DateTime<Utc>>,
    satisfaction: Option<u8>,
    now: DateTime<Utc>,
) -> Result<Next, AttemptError> {
    if satisfaction.is_some() && (outcome != Outcome::Reached || !satisfaction.is_some_and(|s| (1..=5).contains(&s))) {
        return Err(AttemptError::Satisfaction);
    }
    match (outcome, callback_at) {
        (Outcome::CallbackRequested, Some(at)) if at > now && at <= now + Duration::days(CALLBACK_DAYS_MAX) => return Ok(Next::CallAt(at)),
        (Outcome::CallbackRequested, _) => return Err(AttemptError::CallbackTime),
        (_, Some(_)) => return Err(AttemptError::CallbackUnasked),
        _ => {}
    }
    Ok(match outcome {
        Outcome::Reached => Next::Ended(Ending::Done),
        Outcome::Refused => Next::Ended(Ending::Refused),
        Outcome::WrongNumber => Next::Ended(Ending::Unreachable),
        _ if super::unreachable(rules, unanswered + 1) => Next::Ended(Ending::Unreachable),
        _ => {
            let earliest = now + Duration::minutes(rules.retry_minutes);
            Next::CallAt(calendar.next_opening(earliest).unwrap_or(earliest))
        }
    })
}

/// The call list in the order it is worked: call-backs whose minute has come (or comes within
/// the hour) first, at their minute; then by deadline (a cooling-off's end before any other due
/// time, as the law's clock is the harder one), then by value tier (private, affluent, mass).
pub fn call_order(list: &mut [crate::api::FollowUp], now: DateTime<Utc>) {
    let soon = now + Duration::hours(1);
    let tier = |s: crate::Segment| match s {
        crate::Segment::Private => 0,
        crate::Segment::Affluent => 1,
        crate::Segment::Mass => 2,
    };
    list.sort_by_key(|f| {
        let callback = f.callback_at.filter(|at| *at <= soon);
        (callback.is_none(), callback, f.cooling_off_ends_at.is_none(), f.cooling_off_ends_at.unwrap_or(f.due_at), f.due_at, tier(f.segment), f.id.clone())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::bj;

    fn cal() -> BusinessCalendar {
        BusinessCalendar::china_default()
    }

    #[test]
    fn an_unanswered_call_is_tried_again_later_in_opening_hours_then_ends_as_unreachable() {
        let rules = Rules::default();
        // Monday 2026-11-02 09:00: no answer → again two hours later, at 11:00.
        let monday = bj(2026, 11, 2, 9, 0);
        let next = after_attempt(&rules, &cal(), Outcome::NoAnswer, 0, None, None, monday).unwrap();
        assert_eq!(next, Next::CallAt(monday + Duration::minutes(rules.retry_minutes)));
        // At 10:00, two hours on is the lunch break (12:00-13:30): after it.
        let ten = bj(2026, 11, 2, 10, 0);
        assert_eq!(after_attempt(&rules, &cal(), Outcome::NoAnswer, 0, None, None, ten), Ok(Next::CallAt(bj(2026, 11, 2, 13, 30))));
        // Friday 17:30, busy: not at night nor on the weekend, but Monday's opening.
        let friday = bj(2026, 11, 6, 17, 30);
        let next = after_attempt(&rules, &cal(), Outcome::Busy, 1, None, None, friday).unwrap();
        assert_eq!(next, Next::CallAt(bj(2026, 11, 9, 9, 0)));
        // The third unanswered call ends it.
        assert_eq!(after_attempt(&rules, &cal(), Outcome::NoAnswer, 2, None, None, monday), Ok(Next::Ended(Ending::Unreachable)));
    }

    #[test]
    fn a_call_back_is_kept_to_its_minute_and_must_be_one() {
        let rules = Rules::default();
        let now = bj(2026, 11, 2, 10, 0);
        let evening = bj(2026, 11, 2, 19, 45);
        assert_eq!(after_attempt(&rules, &cal(), Outcome::CallbackRequested, 0, Some(evening), None, now), Ok(Next::CallAt(evening)), "the customer's minute, even after hours");
        for bad in [None, Some(now), Some(now - Duration::minutes(1)), Some(now + Duration::days(31))] {
            assert_eq!(after_attempt(&rules, &cal(), Outcome::CallbackRequested, 0, bad, None, now), Err(AttemptError::CallbackTime), "{bad:?}");
        }
        assert_eq!(after_attempt(&rules, &cal(), Outcome::NoAnswer, 0, Some(evening), None, now).unwrap_err().field(), "callback_at");
    }

    #[test]
    fn a_reached_call_ends_it_with_the_customers_satisfaction() {
        let rules = Rules::default();
        let now = bj(2026, 11, 2, 10, 0);
        assert_eq!(after_attempt(&rules, &cal(), Outcome::Reached, 2, None, Some(5), now), Ok(Next::Ended(Ending::Done)));
        assert_eq!(after_attempt(&rules, &cal(), Outcome::Reached, 0, None, None, now), Ok(Next::Ended(Ending::Done)));
        assert_eq!(after_attempt(&rules, &cal(), Outcome::Refused, 0, None, None, now), Ok(Next::Ended(Ending::Refused)));
        assert_eq!(after_attempt(&rules, &cal(), Outcome::WrongNumber, 0, None, None, now), Ok(Next::Ended(Ending::Unreachable)));
        for (outcome, score) in [(Outcome::Reached, 0), (Outcome::Reached, 6), (Outcome::NoAnswer, 4)] {
            assert_eq!(after_attempt(&rules, &cal(), outcome, 0, None, Some(score), now), Err(AttemptError::Satisfaction), "{outcome:?} {score}");
        }
        assert!(Ending::Done.made() && Ending::Refused.made() && !Ending::Unreachable.made() && !Ending::NoConsent.made());
        assert!(Ending::ALL.iter().all(|e| Ending::parse(e.as_str()) == Some(*e)) && Ending::parse("x").is_none());
    }

    fn listed(id: &str, segment: crate::Segment, due: DateTime<Utc>, cooling_off: Option<DateTime<Utc>>, callback: Option<DateTime<Utc>>) -> crate::api::FollowUp {
        crate::api::FollowUp {
            id: id.into(),
            reference: String::new(),
            customer_id: String::new(),
            customer_name: String::new(),
            segment,
            reason: super::super::Reason::Periodic,
            product: None,
            product_name: None,
            product_kind: None,
            script: None,
            mismatch: false,
            due_at: due,
            cooling_off_ends_at: cooling_off,
            ready_at: due,
            callback_at: callback,
            attempts: 0,
            last_outcome: None,
            last_attempt_at: None,
            satisfaction: None,
            ending: None,
            assignee_id: None,
            assignee_name: None,
            version: 1,
        }
    }

    #[test]
    fn the_call_list_puts_call_backs_first_then_the_cooling_off_then_deadlines_then_value() {
        use crate::Segment::*;
        let now = bj(2026, 11, 2, 10, 0);
        let mut list = vec![
            listed("mass-late", Mass, bj(2026, 11, 5, 10, 0), None, None),
            listed("private-late", Private, bj(2026, 11, 5, 10, 0), None, None),
            listed("early", Mass, bj(2026, 11, 3, 10, 0), None, None),
            listed("cooling", Mass, bj(2026, 11, 9, 10, 0), Some(bj(2026, 11, 4, 10, 0)), None),
            listed("callback-later", Mass, bj(2026, 11, 9, 10, 0), None, Some(bj(2026, 11, 2, 15, 0))),
            listed("callback-now", Mass, bj(2026, 11, 9, 10, 0), None, Some(bj(2026, 11, 2, 10, 30))),
        ];
        call_order(&mut list, now);
        let ids: Vec<&str> = list.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["callback-now", "cooling", "early", "private-late", "mass-late", "callback-later"]);
    }
}
