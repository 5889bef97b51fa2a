//! Service-level targets and the state of a case's clocks at a given instant.
//!
//! The targets here count calendar hours. Business calendars (opening hours, holidays, make-up
//! working days) arrive with the calendar rules; the functions keep their shape so callers do not
//! change when they do.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{CaseKind, Complexity, Step};

/// How a clock stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    OnTrack,
    /// Three quarters or more of the time allowed has elapsed.
    DueSoon,
    Breached,
    Met,
}

/// The time allowed for a first response and for resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub first_response: Duration,
    pub resolution: Duration,
}

/// The institution's standard: ordinary inquiries answered within 24 h, complex ones within 48 h;
/// complaints handled end to end within 72 h.
pub fn targets(kind: CaseKind, complexity: Complexity) -> Targets {
    let hours = Duration::hours;
    match (kind, complexity) {
        (CaseKind::Complaint, _) => Targets { first_response: hours(24), resolution: hours(72) },
        (_, Complexity::Ordinary) => Targets { first_response: hours(24), resolution: hours(48) },
        (_, Complexity::Complex) => Targets { first_response: hours(48), resolution: hours(96) },
    }
}

/// When each complaint step is due, counted from receipt: review within 24 h, investigation
/// by 60 h, and the result fed back by 72 h.
pub fn step_due(received_at: DateTime<Utc>, step: Step) -> DateTime<Utc> {
    let hours = match step {
        Step::Review => 24,
        Step::Investigation => 60,
        Step::Feedback => 72,
    };
    received_at + Duration::hours(hours)
}

/// The regulator's decision deadline under China's 2020 measures: 15 days, 30 when complex.
pub fn regulatory_due(received_at: DateTime<Utc>, complexity: Complexity) -> DateTime<Utc> {
    let days = match complexity {
        Complexity::Ordinary => 15,
        Complexity::Complex => 30,
    };
    received_at + Duration::days(days)
}

/// The instant from which a clock running from `start` to `due` counts as due soon.
pub fn due_soon_at(start: DateTime<Utc>, due: DateTime<Utc>) -> DateTime<Utc> {
    start + (due - start) * 3 / 4
}

/// One clock: started, due, and perhaps stopped because its target was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub start: DateTime<Utc>,
    pub due: DateTime<Utc>,
    pub met_at: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn state(&self, now: DateTime<Utc>) -> SlaState {
        match self.met_at {
            Some(met) if met <= self.due => SlaState::Met,
            // Met late stays a breach: the record must show the target was missed.
            Some(_) => SlaState::Breached,
            None if now >= self.due => SlaState::Breached,
            None if now >= due_soon_at(self.start, self.due) => SlaState::DueSoon,
            None => SlaState::OnTrack,
        }
    }

    /// The next instant at which this clock's state changes by the passage of time alone.
    pub fn next_change(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.met_at.is_some() {
            return None;
        }
        [due_soon_at(self.start, self.due), self.due].into_iter().find(|t| *t > now)
    }
}

/// The clocks of one case, and which of them the case is currently judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseClocks {
    pub first_response: Clock,
    pub resolution: Clock,
}

impl CaseClocks {
    /// The clocks of a case received at `created_at`.
    pub fn start(kind: CaseKind, complexity: Complexity, created_at: DateTime<Utc>) -> Self {
        let t = targets(kind, complexity);
        CaseClocks {
            first_response: Clock { start: created_at, due: created_at + t.first_response, met_at: None },
            resolution: Clock { start: created_at, due: created_at + t.resolution, met_at: None },
        }
    }

    /// The clock the queue shows: first response until it is met, then resolution.
    pub fn current(&self) -> &Clock {
        if self.first_response.met_at.is_none() {
            &self.first_response
        } else {
            &self.resolution
        }
    }

    /// A case's SLA state: a missed first response stays breached even after it was answered.
    pub fn state(&self, now: DateTime<Utc>) -> SlaState {
        match (self.first_response.state(now), self.current().state(now)) {
            (SlaState::Breached, _) => SlaState::Breached,
            (_, current) => current,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap() + Duration::hours(h)
    }

    #[test]
    fn first_response_is_24h_ordinary_and_48h_complex() {
        let t0 = at(0);
        for kind in [CaseKind::Inquiry, CaseKind::FollowUp] {
            let ordinary = CaseClocks::start(kind, Complexity::Ordinary, t0);
            let complex = CaseClocks::start(kind, Complexity::Complex, t0);
            assert_eq!(ordinary.first_response.due, at(24));
            assert_eq!(complex.first_response.due, at(48));
        }
        let complaint = CaseClocks::start(CaseKind::Complaint, Complexity::Complex, t0);
        assert_eq!(complaint.resolution.due, at(72));
    }

    #[test]
    fn complaint_steps_end_within_72h_and_regulator_allows_15_or_30_days() {
        assert_eq!(step_due(at(0), Step::Review), at(24));
        assert_eq!(step_due(at(0), Step::Investigation), at(60));
        assert_eq!(step_due(at(0), Step::Feedback), at(72));
        assert_eq!(regulatory_due(at(0), Complexity::Ordinary), at(15 * 24));
        assert_eq!(regulatory_due(at(0), Complexity::Complex), at(30 * 24));
    }

    #[test]
    fn clock_states_over_time() {
        let clock = Clock { start: at(0), due: at(24), met_at: None };
        let table = [
            (at(0), SlaState::OnTrack),
            (at(17), SlaState::OnTrack),
            (at(18), SlaState::DueSoon),
            (at(23), SlaState::DueSoon),
            (at(24), SlaState::Breached),
            (at(100), SlaState::Breached),
        ];
        for (now, want) in table {
            assert_eq!(clock.state(now), want, "at {now}");
        }
        let met = Clock { met_at: Some(at(5)), ..clock };
        assert_eq!(met.state(at(100)), SlaState::Met);
        let late = Clock { met_at: Some(at(30)), ..clock };
        assert_eq!(late.state(at(100)), SlaState::Breached);
    }

    #[test]
    fn next_change_is_due_soon_then_due_then_nothing() {
        let clock = Clock { start: at(0), due: at(24), met_at: None };
        assert_eq!(clock.next_change(at(1)), Some(at(18)));
        assert_eq!(clock.next_change(at(18)), Some(at(24)));
        assert_eq!(clock.next_change(at(24)), None);
        assert_eq!(Clock { met_at: Some(at(2)), ..clock }.next_change(at(3)), None);
    }

    #[test]
    fn case_is_judged_by_first_response_then_resolution() {
        let mut case = CaseClocks::start(CaseKind::Inquiry, Complexity::Ordinary, at(0));
        assert_eq!(case.current().due, at(24));
        case.first_response.met_at = Some(at(2));
        assert_eq!(case.current().due, at(48));
        assert_eq!(case.state(at(3)), SlaState::OnTrack);
        assert_eq!(case.state(at(40)), SlaState::DueSoon);

        let mut late = CaseClocks::start(CaseKind::Inquiry, Complexity::Ordinary, at(0));
        late.first_response.met_at = Some(at(30));
        assert_eq!(late.state(at(31)), SlaState::Breached);
    }

    proptest! {
        #[test]
        fn deadlines_never_precede_their_start(offset in -1_000_000i64..1_000_000, complex in any::<bool>()) {
            let start = at(0) + Duration::minutes(offset);
            let complexity = if complex { Complexity::Complex } else { Complexity::Ordinary };
            for kind in CaseKind::ALL {
                let clocks = CaseClocks::start(*kind, complexity, start);
                prop_assert!(clocks.first_response.due > start);
                prop_assert!(clocks.resolution.due >= clocks.first_response.due);
                prop_assert!(due_soon_at(start, clocks.first_response.due) > start);
            }
        }

        #[test]
        fn state_only_worsens_as_time_passes(a in 0i64..10_000, b in 0i64..10_000) {
            let clock = Clock { start: at(0), due: at(24), met_at: None };
            let rank = |s: SlaState| match s { SlaState::OnTrack => 0, SlaState::DueSoon => 1, _ => 2 };
            let (early, late) = (a.min(b), a.max(b));
            prop_assert!(rank(clock.state(at(0) + Duration::minutes(early))) <= rank(clock.state(at(0) + Duration::minutes(late))));
        }
    }
}
