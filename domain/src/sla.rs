//! Service-level policies and clocks.
//!
//! A policy sets the time allowed per case kind × complexity (optionally narrowed to a customer
//! segment or channel), counted in calendar or business time. A clock runs from its start,
//! pauses (waiting on the customer, external appraisal) and resumes, and stops when its target
//! is met. Pausing never brings a deadline earlier: paused time simply does not count.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;
use crate::case::{CaseKind, Channel, Complexity, Step};
use crate::customer::Segment;

/// How a case's SLA stands at an instant, as the API reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    OnTrack,
    /// The configured share of the time allowed (e.g. 75%) has elapsed.
    DueSoon,
    Breached,
    Met,
}

impl SlaState {
    /// The state as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::OnTrack => "on_track",
            SlaState::DueSoon => "due_soon",
            SlaState::Breached => "breached",
            SlaState::Met => "met",
        }
    }
}

/// The state of a running clock from its two thresholds: the same rule in the worker and, for
/// live colours, in the browser.
pub fn state_between(now: DateTime<Utc>, due_soon_at: DateTime<Utc>, due: DateTime<Utc>) -> SlaState {
    if now >= due {
        SlaState::Breached
    } else if now >= due_soon_at {
        SlaState::DueSoon
    } else {
        SlaState::OnTrack
    }
}

/// Whether a policy counts every hour or only the institution's opening hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Calendar,
    Business,
}

impl Basis {
    /// The instant `amount` of this kind of time after `t`.
    pub fn add(self, cal: &BusinessCalendar, t: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        match self {
            Basis::Calendar => t + amount,
            Basis::Business => cal.add(t, amount),
        }
    }

    /// This kind of time between two instants.
    pub fn between(self, cal: &BusinessCalendar, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        match self {
            Basis::Calendar => (to - from).max(Duration::zero()),
            Basis::Business => cal.between(from, to),
        }
    }
}

/// Why a clock stopped counting for a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    WaitingOnCustomer,
    ExternalAppraisal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: DateTime<Utc>,
    /// `None` while the clock is still paused.
    pub to: Option<DateTime<Utc>>,
    pub reason: PauseReason,
}

/// A clock's state at an instant, with the instant it breached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    OnTrack,
    DueSoon,
    Breached { at: DateTime<Utc> },
    Met,
}

impl ClockState {
    pub fn sla(self) -> SlaState {
        match self {
            ClockState::OnTrack => SlaState::OnTrack,
            ClockState::DueSoon => SlaState::DueSoon,
            ClockState::Breached { .. } => SlaState::Breached,
            ClockState::Met => SlaState::Met,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the clock is already paused")]
    AlreadyPaused,
    #[error("the clock is not paused")]
    NotPaused,
    #[error("the clock has stopped")]
    Stopped,
    #[error("a pause cannot start before the clock or end before it began")]
    OutOfOrder,
}

/// One SLA clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub start: DateTime<Utc>,
    /// The time allowed, counted in `basis`.
    pub budget: Duration,
    pub basis: Basis,
    /// In order, not overlapping; only the last may be open.
    pub pauses: Vec<Pause>,
    pub met_at: Option<DateTime<Utc>>,
    /// The share of the budget, in percent, after which the clock is due soon.
    pub due_soon_percent: u8,
}

impl Clock {
    pub fn new(start: DateTime<Utc>, budget: Duration, basis: Basis, due_soon_percent: u8) -> Self {
        Clock { start, budget, basis, pauses: Vec::new(), met_at: None, due_soon_percent }
    }

    pub fn is_paused(&self) -> bool {
        self.pauses.last().is_some_and(|p| p.to.is_none())
    }

    pub fn pause(&mut self, at: DateTime<Utc>, reason: PauseReason) -> Result<(), ClockError> {
        if self.met_at.is_some() {
            return Err(ClockError::Stopped);
        }
        if self.is_paused() {
            return Err(ClockError::AlreadyPaused);
        }
        let earliest = self.pauses.last().and_then(|p| p.to).unwrap_or(self.start);
        if at < earliest {
            return Err(ClockError::OutOfOrder);
        }
        self.pauses.push(Pause { from: at, to: None, reason });
        Ok(())
    }

    pub fn resume(&mut self, at: DateTime<Utc>) -> Result<(), ClockError> {
        match self.pauses.last_mut() {
            Some(p) if p.to.is_none() => {
                if at < p.from {
                    return Err(ClockError::OutOfOrder);
                }
                p.to = Some(at);
                Ok(())
            }
            _ => Err(ClockError::NotPaused),
        }
    }

    /// Stops the clock: its target was met at `at`.
    pub fn meet(&mut self, at: DateTime<Utc>) -> Result<(), ClockError> {
        if self.met_at.is_some() {
            return Err(ClockError::Stopped);
        }
        if self.is_paused() {
            self.resume(at)?;
        }
        self.met_at = Some(at);
        Ok(())
    }

    /// The spans in which the clock runs; the last is open-ended unless the clock is paused.
    fn running(&self) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
        let mut spans = Vec::with_capacity(self.pauses.len() + 1);
        let mut from = Some(self.start);
        for p in &self.pauses {
            if let Some(f) = from {
                spans.push((f, Some(p.from.max(f))));
            }
            from = p.to;
        }
        if let Some(f) = from {
            spans.push((f, None));
        }
        spans
    }

    /// Counted time from the start to `t`.
    pub fn elapsed(&self, cal: &BusinessCalendar, t: DateTime<Utc>) -> Duration {
        self.running()
            .into_iter()
            .map(|(a, b)| self.basis.between(cal, a, b.map_or(t, |b| b.min(t))))
            .fold(Duration::zero(), |sum, d| sum + d)
    }

    /// The instant at which `amount` of counted time will have run, if the clock keeps running
    /// from its last resumption; `None` while it is paused short of that amount.
    fn reaches(&self, cal: &BusinessCalendar, amount: Duration) -> Option<DateTime<Utc>> {
        let mut left = amount;
        for (a, b) in self.running() {
            let end = self.basis.add(cal, a, left);
            match b {
                Some(b) if end > b => left -= self.basis.between(cal, a, b),
                _ => return Some(end),
            }
        }
        None
    }

    /// When the budget runs out; `None` while paused.
    pub fn deadline(&self, cal: &BusinessCalendar) -> Option<DateTime<Utc>> {
        self.reaches(cal, self.budget)
    }

    /// When the clock turns due soon; `None` while paused before that point.
    pub fn due_soon_at(&self, cal: &BusinessCalendar) -> Option<DateTime<Utc>> {
        self.reaches(cal, self.budget * i32::from(self.due_soon_percent) / 100)
    }

    pub fn state(&self, cal: &BusinessCalendar, now: DateTime<Utc>) -> ClockState {
        let breach = self.deadline(cal);
        if let Some(met) = self.met_at {
            return match breach {
                // Met late stays a breach: the record must show the target was missed.
                Some(at) if at < met => ClockState::Breached { at },
                _ => ClockState::Met,
            };
        }
        let elapsed = self.elapsed(cal, now);
        if elapsed >= self.budget {
            ClockState::Breached { at: breach.unwrap_or(now) }
        } else if elapsed * 100 >= self.budget * i32::from(self.due_soon_percent) {
            ClockState::DueSoon
        } else {
            ClockState::OnTrack
        }
    }

    /// The next instant after `now` at which the state changes by the passage of time alone.
    pub fn next_change(&self, cal: &BusinessCalendar, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.met_at.is_some() || self.is_paused() {
            return None;
        }
        [self.due_soon_at(cal), self.deadline(cal)].into_iter().flatten().find(|t| *t > now)
    }
}

/// A case's stored deadlines, from which its SLA state is read at any instant. The worker keeps
/// these columns; the app recomputes the state live from the same fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseDeadlines {
    pub first_response_due: DateTime<Utc>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolution_due: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// When the clock the case is judged by now turns due soon, and when it is due.
    pub current_due_soon_at: DateTime<Utc>,
    pub current_due: DateTime<Utc>,
}

impl CaseDeadlines {
    /// The deadlines of a new case under `policy`, received at `start`.
    pub fn start(policy: &Policy, cal: &BusinessCalendar, start: DateTime<Utc>) -> Self {
        let first = policy.first_response_clock(start);
        let due = first.deadline(cal).expect("a new clock is running");
        CaseDeadlines {
            first_response_due: due,
            first_responded_at: None,
            resolution_due: policy.resolution_clock(start).deadline(cal).expect("a new clock is running"),
            resolved_at: None,
            current_due_soon_at: first.due_soon_at(cal).expect("a new clock is running"),
            current_due: due,
        }
    }

    /// The first response was given at `at`: from now on the case is judged by resolution.
    pub fn responded(&mut self, policy: &Policy, cal: &BusinessCalendar, created_at: DateTime<Utc>, at: DateTime<Utc>) {
        if self.first_responded_at.is_none() {
            self.first_responded_at = Some(at);
            let resolution = policy.resolution_clock(created_at);
            self.current_due = self.resolution_due;
            self.current_due_soon_at = resolution.due_soon_at(cal).unwrap_or(self.resolution_due);
        }
    }

    /// A missed first response stays a breach for the life of the case.
    pub fn state(&self, now: DateTime<Utc>) -> SlaState {
        let first_missed = match self.first_responded_at {
            Some(t) => t > self.first_response_due,
            None => now >= self.first_response_due,
        };
        if first_missed {
            return SlaState::Breached;
        }
        match self.resolved_at {
            Some(t) if t > self.resolution_due => SlaState::Breached,
            Some(_) => SlaState::Met,
            None => state_between(now, self.current_due_soon_at, self.current_due),
        }
    }
}

/// Time allowed for each complaint step, counted from the step's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTargets {
    pub review_minutes: i64,
    pub investigation_minutes: i64,
    pub feedback_minutes: i64,
}

impl StepTargets {
    pub fn for_step(&self, step: Step) -> Duration {
        Duration::minutes(match step {
            Step::Review => self.review_minutes,
            Step::Investigation => self.investigation_minutes,
            Step::Feedback => self.feedback_minutes,
        })
    }
}

/// The targets for a kind of case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub kind: CaseKind,
    pub complexity: Complexity,
    /// When set, the policy applies only to this segment.
    #[serde(default)]
    pub segment: Option<Segment>,
    /// When set, the policy applies only to this channel.
    #[serde(default)]
    pub channel: Option<Channel>,
    pub basis: Basis,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    #[serde(default)]
    pub steps: Option<StepTargets>,
    pub due_soon_percent: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PolicyError {
    pub field: &'static str,
    pub message: &'static str,
}

/// The longest target a policy may set, in minutes (a year).
pub const TARGET_MINUTES_MAX: i64 = 366 * 24 * 60;

impl Policy {
    /// A target is 1 minute to a year; due soon lies strictly between 0% and 100%; complaint steps
    /// fit within the resolution target.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let err = |field, message| Err(PolicyError { field, message });
        // Bounded, so every deadline counted from a case's start is a date (Duration::minutes
        // of a huge number panics) and the steps' sum cannot overflow.
        let minutes = 1..=TARGET_MINUTES_MAX;
        if !minutes.contains(&self.first_response_minutes) {
            return err("first_response_minutes", "must be 1 minute to a year");
        }
        if !minutes.contains(&self.resolution_minutes) {
            return err("resolution_minutes", "must be 1 minute to a year");
        }
        if self.resolution_minutes < self.first_response_minutes {
            return err("resolution_minutes", "must not be shorter than the first response");
        }
        if !(1..=99).contains(&self.due_soon_percent) {
            return err("due_soon_percent", "must be between 1 and 99");
        }
        if let Some(s) = self.steps {
            if [s.review_minutes, s.investigation_minutes, s.feedback_minutes].iter().any(|m| !minutes.contains(m)) {
                return err("steps", "every step needs a target of 1 minute to a year");
            }
            if s.review_minutes + s.investigation_minutes + s.feedback_minutes > self.resolution_minutes {
                return err("steps", "the steps must fit within the resolution target");
            }
        }
        Ok(())
    }

    /// How well this policy fits a case: `None` when it does not apply; more specific is higher.
    fn fit(&self, kind: CaseKind, complexity: Complexity, segment: Segment, channel: Channel) -> Option<u8> {
        if self.kind != kind || self.complexity != complexity {
            return None;
        }
        let seg = match self.segment {
            None => 0,
            Some(s) if s == segment => 2,
            Some(_) => return None,
        };
        let chan = match self.channel {
            None => 0,
            Some(c) if c == channel => 1,
            Some(_) => return None,
        };
        Some(seg + chan)
    }

    pub fn first_response_clock(&self, start: DateTime<Utc>) -> Clock {
        Clock::new(start, Duration::minutes(self.first_response_minutes), self.basis, self.due_soon_percent)
    }

    pub fn resolution_clock(&self, start: DateTime<Utc>) -> Clock {
        Clock::new(start, Duration::minutes(self.resolution_minutes), self.basis, self.due_soon_percent)
    }

    /// The clock of a complaint step that starts at `start`.
    pub fn step_clock(&self, step: Step, start: DateTime<Utc>) -> Option<Clock> {
        self.steps.map(|s| Clock::new(start, s.for_step(step), self.basis, self.due_soon_percent))
    }
}

/// The institution's policies, from which each case takes the most specific that applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySet {
    pub policies: Vec<Policy>,
}

impl PolicySet {
    /// The standard of the seed documents: inquiries answered within 24 h (complex 48 h), in
    /// calendar time, as promised to customers; complaints handled within 72 h — review 24 h,
    /// investigation 36 h, feedback 12 h; follow-ups within two and three business days.
    pub fn standard() -> Self {
        let hours = |h: i64| h * 60;
        let policy = |kind, complexity, basis, first, resolution, steps| Policy {
            kind,
            complexity,
            segment: None,
            channel: None,
            basis,
            first_response_minutes: first,
            resolution_minutes: resolution,
            steps,
            due_soon_percent: 75,
        };
        let complaint_steps = Some(StepTargets { review_minutes: hours(24), investigation_minutes: hours(36), feedback_minutes: hours(12) });
        PolicySet {
            policies: vec![
                policy(CaseKind::Inquiry, Complexity::Ordinary, Basis::Calendar, hours(24), hours(48), None),
                policy(CaseKind::Inquiry, Complexity::Complex, Basis::Calendar, hours(48), hours(96), None),
                policy(CaseKind::Complaint, Complexity::Ordinary, Basis::Calendar, hours(24), hours(72), complaint_steps),
                policy(CaseKind::Complaint, Complexity::Complex, Basis::Calendar, hours(24), hours(72), complaint_steps),
                policy(CaseKind::FollowUp, Complexity::Ordinary, Basis::Business, hours(14), hours(21), None),
                policy(CaseKind::FollowUp, Complexity::Complex, Basis::Business, hours(21), hours(35), None),
            ],
        }
    }

    /// The most specific policy for a case; the standard one when none applies.
    pub fn for_case(&self, kind: CaseKind, complexity: Complexity, segment: Segment, channel: Channel) -> Policy {
        self.policies
            .iter()
            .filter_map(|p| p.fit(kind, complexity, segment, channel).map(|f| (f, p)))
            .max_by_key(|(f, _)| *f)
            .map(|(_, p)| p.clone())
            .or_else(|| {
                let standard = PolicySet::standard();
                standard.policies.into_iter().find(|p| p.kind == kind && p.complexity == complexity)
            })
            .expect("the standard set covers every kind and complexity")
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


    fn at(h: i64) -> DateTime<Utc> {
        bj(2026, 11, 20, 9, 30) + Duration::hours(h)
    }

    #[test]
    fn standard_policies_follow_the_service_standard() {
        let set = PolicySet::standard();
        for p in &set.policies {
            assert_eq!(p.validate(), Ok(()), "{p:?}");
        }
        let ordinary = set.for_case(CaseKind::Inquiry, Complexity::Ordinary, Segment::Mass, Channel::Phone);
        assert_eq!(ordinary.first_response_clock(at(0)).deadline(&cal()), Some(at(24)));
        let complex = set.for_case(CaseKind::Inquiry, Complexity::Complex, Segment::Mass, Channel::Phone);
        assert_eq!(complex.first_response_clock(at(0)).deadline(&cal()), Some(at(48)));
        let complaint = set.for_case(CaseKind::Complaint, Complexity::Ordinary, Segment::Private, Channel::Branch);
        assert_eq!(complaint.resolution_clock(at(0)).deadline(&cal()), Some(at(72)));
        let steps = complaint.steps.unwrap();
        assert_eq!(steps.review_minutes + steps.investigation_minutes + steps.feedback_minutes, 72 * 60);
        assert_eq!(complaint.step_clock(Step::Review, at(0)).unwrap().deadline(&cal()), Some(at(24)));
    }

    #[test]
    fn the_most_specific_policy_wins() {
        let mut set = PolicySet::standard();
        let base = set.policies[0].clone();
        set.policies.push(Policy { segment: Some(Segment::Private), first_response_minutes: 120, ..base.clone() });
        set.policies.push(Policy { channel: Some(Channel::Email), basis: Basis::Business, first_response_minutes: 420, ..base.clone() });
        set.policies.push(Policy { segment: Some(Segment::Private), channel: Some(Channel::Email), first_response_minutes: 60, ..base });
        let pick = |seg, chan| set.for_case(CaseKind::Inquiry, Complexity::Ordinary, seg, chan).first_response_minutes;
        assert_eq!(pick(Segment::Mass, Channel::Phone), 24 * 60);
        assert_eq!(pick(Segment::Private, Channel::Phone), 120);
        assert_eq!(pick(Segment::Mass, Channel::Email), 420);
        assert_eq!(pick(Segment::Private, Channel::Email), 60);
        // An empty set still answers with the standard.
        let empty = PolicySet { policies: vec![] };
        assert_eq!(empty.for_case(CaseKind::FollowUp, Complexity::Ordinary, Segment::Mass, Channel::Phone).basis, Basis::Business);
    }

    #[test]
    fn a_business_time_policy_counts_only_opening_hours() {
        let policy = Policy { basis: Basis::Business, ..PolicySet::standard().policies[0].clone() };
        // Friday 17:25 + 24 business hours = Thursday 11:55 (see the calendar's own test).
        let clock = policy.first_response_clock(bj(2026, 11, 20, 17, 25));
        assert_eq!(clock.deadline(&cal()), Some(bj(2026, 11, 26, 11, 55)));
        // 75% of 24 h = 18 h: Fri 5 min + Mon 7 h + Tue 7 h = 14 h 5 min; 3 h 55 min into Wednesday.
        assert_eq!(clock.due_soon_at(&cal()), Some(bj(2026, 11, 25, 14, 25)));
        assert_eq!(clock.state(&cal(), bj(2026, 11, 23, 20, 0)).sla(), SlaState::OnTrack);
        assert_eq!(clock.state(&cal(), bj(2026, 11, 25, 15, 0)).sla(), SlaState::DueSoon);
        assert_eq!(clock.state(&cal(), bj(2026, 11, 26, 11, 55)), ClockState::Breached { at: bj(2026, 11, 26, 11, 55) });
    }

    #[test]
    fn states_over_time_and_met_late_stays_breached() {
        let clock = Clock::new(at(0), Duration::hours(24), Basis::Calendar, 75);
        let table = [
            (at(0), SlaState::OnTrack),
            (at(17), SlaState::OnTrack),
            (at(18), SlaState::DueSoon),
            (at(23), SlaState::DueSoon),
            (at(24), SlaState::Breached),
            (at(100), SlaState::Breached),
        ];
        for (now, want) in table {
            assert_eq!(clock.state(&cal(), now).sla(), want, "at {now}");
        }
        let mut met = clock.clone();
        met.meet(at(5)).unwrap();
        assert_eq!(met.state(&cal(), at(100)), ClockState::Met);
        assert_eq!(met.meet(at(6)), Err(ClockError::Stopped));
        let mut late = clock.clone();
        late.meet(at(30)).unwrap();
        assert_eq!(late.state(&cal(), at(100)), ClockState::Breached { at: at(24) });
        assert_eq!(clock.next_change(&cal(), at(1)), Some(at(18)));
        assert_eq!(clock.next_change(&cal(), at(18)), Some(at(24)));
        assert_eq!(clock.next_change(&cal(), at(24)), None);
        assert_eq!(state_between(at(18), at(18), at(24)), SlaState::DueSoon);
    }

    #[test]
    fn pause_and_resume_move_the_deadline_by_the_paused_time() {
        let mut clock = Clock::new(at(0), Duration::hours(24), Basis::Calendar, 75);
        clock.pause(at(10), PauseReason::WaitingOnCustomer).unwrap();
        assert!(clock.is_paused());
        assert_eq!(clock.deadline(&cal()), None, "no deadline while paused");
        assert_eq!(clock.next_change(&cal(), at(11)), None);
        // Paused 10 h past the deadline the clock would have had: still not breached.
        assert_eq!(clock.state(&cal(), at(34)).sla(), SlaState::OnTrack);
        assert_eq!(clock.pause(at(12), PauseReason::ExternalAppraisal), Err(ClockError::AlreadyPaused));
        clock.resume(at(40)).unwrap();
        assert_eq!(clock.resume(at(41)), Err(ClockError::NotPaused));
        assert_eq!(clock.deadline(&cal()), Some(at(54)));
        assert_eq!(clock.elapsed(&cal(), at(44)), Duration::hours(14));
        // A second pause, ended by meeting the target.
        clock.pause(at(44), PauseReason::ExternalAppraisal).unwrap();
        clock.meet(at(60)).unwrap();
        assert_eq!(clock.state(&cal(), at(70)), ClockState::Met);
        assert_eq!(clock.pauses.len(), 2);
        assert_eq!(clock.pause(at(61), PauseReason::WaitingOnCustomer), Err(ClockError::Stopped));

        let mut early = Clock::new(at(0), Duration::hours(24), Basis::Calendar, 75);
        assert_eq!(early.pause(at(-1), PauseReason::WaitingOnCustomer), Err(ClockError::OutOfOrder));
    }

    #[test]
    fn policies_that_make_no_sense_are_refused() {
        let base = PolicySet::standard().policies[2].clone();
        let bad = [
            (Policy { first_response_minutes: 0, ..base.clone() }, "first_response_minutes"),
            (Policy { resolution_minutes: 10, ..base.clone() }, "resolution_minutes"),
            (Policy { due_soon_percent: 100, ..base.clone() }, "due_soon_percent"),
            (Policy { steps: Some(StepTargets { review_minutes: 0, investigation_minutes: 1, feedback_minutes: 1 }), ..base.clone() }, "steps"),
            (Policy { steps: Some(StepTargets { review_minutes: 5000, investigation_minutes: 1, feedback_minutes: 1 }), ..base.clone() }, "steps"),
            // Targets past what a duration holds never reach the clocks' arithmetic.
            (Policy { first_response_minutes: i64::MAX, ..base.clone() }, "first_response_minutes"),
            (Policy { resolution_minutes: i64::MAX, ..base.clone() }, "resolution_minutes"),
            (Policy { steps: Some(StepTargets { review_minutes: i64::MAX / 2, investigation_minutes: i64::MAX / 2, feedback_minutes: 4 }), ..base }, "steps"),
        ];
        for (policy, field) in bad {
            assert_eq!(policy.validate().unwrap_err().field, field);
        }
    }

    #[test]
    fn a_case_is_judged_by_first_response_then_resolution() {
        let policy = PolicySet::standard().for_case(CaseKind::Inquiry, Complexity::Ordinary, Segment::Mass, Channel::Phone);
        let mut case = CaseDeadlines::start(&policy, &cal(), at(0));
        assert_eq!((case.current_due, case.current_due_soon_at), (at(24), at(18)));
        assert_eq!(case.state(at(19)), SlaState::DueSoon);
        case.responded(&policy, &cal(), at(0), at(2));
        assert_eq!((case.current_due, case.current_due_soon_at), (at(48), at(36)));
        assert_eq!(case.state(at(3)), SlaState::OnTrack);
        assert_eq!(case.state(at(40)), SlaState::DueSoon);
        assert_eq!(case.state(at(48)), SlaState::Breached);
        case.resolved_at = Some(at(30));
        assert_eq!(case.state(at(100)), SlaState::Met);

        let mut late = CaseDeadlines::start(&policy, &cal(), at(0));
        late.responded(&policy, &cal(), at(0), at(30));
        assert_eq!(late.state(at(31)), SlaState::Breached);
    }

    proptest! {
        #[test]
        fn pausing_never_brings_a_deadline_earlier(
            start in 0i64..(300 * 24 * 60), budget in 1i64..(5 * 24 * 60),
            pause_at in 0i64..(10 * 24 * 60), pause_for in 0i64..(5 * 24 * 60), business in any::<bool>()
        ) {
            let basis = if business { Basis::Business } else { Basis::Calendar };
            let t0 = bj(2026, 1, 1, 0, 0) + Duration::minutes(start);
            let plain = Clock::new(t0, Duration::minutes(budget), basis, 75);
            let mut paused = plain.clone();
            paused.pause(t0 + Duration::minutes(pause_at), PauseReason::WaitingOnCustomer).unwrap();
            paused.resume(t0 + Duration::minutes(pause_at + pause_for)).unwrap();
            let (a, b) = (plain.deadline(&cal()).unwrap(), paused.deadline(&cal()).unwrap());
            prop_assert!(a >= t0, "a deadline is never before its start");
            prop_assert!(b >= a, "pausing never brings the deadline earlier");
            prop_assert!(plain.due_soon_at(&cal()).unwrap() <= a);
        }
    }
}
