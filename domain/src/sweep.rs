//! The SLA sweep's rule for one case: which alerts are due now, what to remember, and the next
//! instant at which anything can change — the value the sweep's index is ordered by, so a run
//! reads only the cases whose state can have changed.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;
use crate::case::Step;

/// How far the current clock's alerts have gone. Ordered: each level includes the ones before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    #[default]
    None,
    DueSoon,
    Breached,
    Escalated,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::DueSoon => "due_soon",
            Level::Breached => "breached",
            Level::Escalated => "escalated",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        [Level::None, Level::DueSoon, Level::Breached, Level::Escalated].into_iter().find(|l| l.as_str() == text)
    }
}

/// What the sweep knows of an open case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub open: bool,
    /// The current clock (first response, then resolution): when it turns due soon and is due.
    pub due_soon_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// How far alerts went, and for which deadline: a new deadline starts again at `None`.
    pub alerted: Level,
    pub alerted_due: Option<DateTime<Utc>>,
    /// A complaint's current step and its deadline, and the step whose breach was announced.
    pub step: Option<(Step, DateTime<Utc>)>,
    pub step_alerted: Option<Step>,
}

/// One thing the sweep announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alert {
    DueSoon,
    Breached,
    /// The breach has lasted `escalate_after`: one level higher hears of it.
    Escalated,
    StepBreached(Step),
}

impl Alert {
    /// Whether the alert may go out at any hour (breaches); reminders wait for business hours.
    pub fn urgent(self) -> bool {
        !matches!(self, Alert::DueSoon)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Alert::DueSoon => "sla_due_soon",
            Alert::Breached => "sla_breached",
            Alert::Escalated => "sla_escalated",
            Alert::StepBreached(_) => "step_breached",
        }
    }
}

/// What one evaluation decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub alerts: Vec<Alert>,
    pub alerted: Level,
    pub alerted_due: Option<DateTime<Utc>>,
    pub step_alerted: Option<Step>,
    /// When to look again; `None` once nothing more can happen (closed, or fully escalated).
    pub next_check_at: Option<DateTime<Utc>>,
}

/// Evaluates a case at `now`. Alerts fire once per deadline and level: running it again at the
/// same instant, with what it returned remembered, fires nothing.
pub fn evaluate(w: &Watch, now: DateTime<Utc>, escalate_after: Duration) -> Evaluation {
    if !w.open {
        return Evaluation { alerts: Vec::new(), alerted: w.alerted, alerted_due: w.alerted_due, step_alerted: w.step_alerted, next_check_at: None };
    }
    let mut level = if w.alerted_due == Some(w.due_at) { w.alerted } else { Level::None };
    let mut alerts = Vec::new();
    let escalate_at = w.due_at + escalate_after;
    let reached = if now >= escalate_at {
        Level::Escalated
    } else if now >= w.due_at {
        Level::Breached
    } else if now >= w.due_soon_at {
        Level::DueSoon
    } else {
        Level::None
    };
    if reached > level {
        // A clock found already past due is announced as breached, not first as due soon.
        if reached >= Level::Breached && level < Level::Breached {
            alerts.push(Alert::Breached);
        } else if reached == Level::DueSoon {
            alerts.push(Alert::DueSoon);
        }
        if reached == Level::Escalated {
            alerts.push(Alert::Escalated);
        }
        level = reached;
    }
    let mut step_alerted = w.step_alerted;
    if let Some((step, due)) = w.step {
        if now >= due && step_alerted != Some(step) {
            alerts.push(Alert::StepBreached(step));
            step_alerted = Some(step);
        }
    }
    let mut next: Vec<DateTime<Utc>> = Vec::new();
    if level < Level::DueSoon {
        next.push(w.due_soon_at);
    }
    if level < Level::Breached {
        next.push(w.due_at);
    }
    if level < Level::Escalated {
        next.push(escalate_at);
    }
    if let Some((step, due)) = w.step {
        if step_alerted != Some(step) {
            next.push(due);
        }
    }
    Evaluation { alerts, alerted: level, alerted_due: Some(w.due_at), step_alerted, next_check_at: next.into_iter().min() }
}

/// Who hears of an alert: the assignee of a reminder; the assignee and their team's supervisor
/// of a breach (a supervisor alone when nobody is assigned); the admins, one level higher, of
/// an escalation.
pub fn recipients(alert: Alert, assignee: Option<&str>, staff: &[crate::routing::Staff]) -> Vec<String> {
    let supervisor = || crate::routing::supervisor_for(staff, assignee).map(|s| s.id.clone());
    let mut out: Vec<String> = match alert {
        Alert::DueSoon => assignee.map(str::to_string).into_iter().collect(),
        Alert::Breached | Alert::StepBreached(_) => assignee.map(str::to_string).into_iter().chain(supervisor()).collect(),
        Alert::Escalated => staff.iter().filter(|s| s.role == crate::user::Role::Admin).map(|s| s.id.clone()).collect(),
    };
    out.dedup();
    out
}

/// When a message about `alert`, raised at `now`, may be sent: breaches at once; reminders at
/// the next business-time instant, so nobody gets an e-mail at midnight.
pub fn send_at(alert: Alert, cal: &BusinessCalendar, now: DateTime<Utc>) -> DateTime<Utc> {
    if alert.urgent() {
        now
    } else {
        cal.next_opening(now).unwrap_or(now)
    }
}

/// The wait before a message's next delivery attempt, after `attempts` failed ones: 1, 2, 4 …
/// minutes, at most 6 hours.
pub fn retry_delay(attempts: u32) -> Duration {
    let minutes = 1i64 << attempts.saturating_sub(1).min(9);
    Duration::minutes(minutes.min(360))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::bj;

    const ESCALATE: i64 = 4;

    fn watch(alerted: Level) -> Watch {
        Watch {
            open: true,
            due_soon_at: bj(2026, 11, 24, 15, 0),
            due_at: bj(2026, 11, 24, 17, 0),
            alerted,
            alerted_due: Some(bj(2026, 11, 24, 17, 0)),
            step: None,
            step_alerted: None,
        }
    }

    fn run(w: &Watch, now: DateTime<Utc>) -> Evaluation {
        evaluate(w, now, Duration::hours(ESCALATE))
    }

    /// Applies what an evaluation remembered, as the sweep stores it.
    fn remember(w: &Watch, e: &Evaluation) -> Watch {
        Watch { alerted: e.alerted, alerted_due: e.alerted_due, step_alerted: e.step_alerted, ..w.clone() }
    }

    #[test]
    fn alerts_fire_once_each_at_their_instant_and_say_when_to_look_again() {
        let w = watch(Level::None);
        let early = run(&w, bj(2026, 11, 24, 14, 59));
        assert!(early.alerts.is_empty());
        assert_eq!(early.next_check_at, Some(bj(2026, 11, 24, 15, 0)));

        let soon = run(&w, bj(2026, 11, 24, 15, 0));
        assert_eq!(soon.alerts, vec![Alert::DueSoon]);
        assert_eq!(soon.next_check_at, Some(bj(2026, 11, 24, 17, 0)));
        let w = remember(&w, &soon);
        assert!(run(&w, bj(2026, 11, 24, 15, 0)).alerts.is_empty(), "the same instant again fires nothing");
        assert!(run(&w, bj(2026, 11, 24, 16, 59)).alerts.is_empty());

        let breached = run(&w, bj(2026, 11, 24, 17, 3));
        assert_eq!(breached.alerts, vec![Alert::Breached]);
        assert_eq!(breached.next_check_at, Some(bj(2026, 11, 24, 21, 0)), "escalation comes {ESCALATE} h later");
        let w = remember(&w, &breached);
        let escalated = run(&w, bj(2026, 11, 24, 21, 0));
        assert_eq!(escalated.alerts, vec![Alert::Escalated]);
        assert_eq!(escalated.next_check_at, None, "nothing more can happen");
        assert!(run(&remember(&w, &escalated), bj(2026, 11, 30, 9, 0)).alerts.is_empty());
    }

    #[test]
    fn a_clock_found_late_is_announced_as_breached_and_escalated_without_a_reminder() {
        let w = watch(Level::None);
        assert_eq!(run(&w, bj(2026, 11, 24, 17, 1)).alerts, vec![Alert::Breached]);
        assert_eq!(run(&w, bj(2026, 11, 25, 9, 0)).alerts, vec![Alert::Breached, Alert::Escalated]);
    }

    #[test]
    fn a_new_deadline_starts_its_alerts_again_and_closed_cases_are_left_alone() {
        // Alerts went to "breached" for the first-response clock; the reply started the
        // resolution clock, which has its own alerts.
        let w = Watch { alerted: Level::Breached, alerted_due: Some(bj(2026, 11, 23, 17, 0)), ..watch(Level::None) };
        assert_eq!(run(&w, bj(2026, 11, 24, 15, 30)).alerts, vec![Alert::DueSoon]);
        let closed = Watch { open: false, ..watch(Level::None) };
        let e = run(&closed, bj(2026, 11, 30, 9, 0));
        assert!(e.alerts.is_empty());
        assert_eq!(e.next_check_at, None);
    }

    #[test]
    fn a_complaint_step_breach_is_announced_once_per_step() {
        let w = Watch { step: Some((Step::Review, bj(2026, 11, 24, 10, 0))), ..watch(Level::None) };
        let first = run(&w, bj(2026, 11, 24, 10, 5));
        assert_eq!(first.alerts, vec![Alert::StepBreached(Step::Review)]);
        assert_eq!(first.next_check_at, Some(bj(2026, 11, 24, 15, 0)));
        assert!(run(&remember(&w, &first), bj(2026, 11, 24, 11, 0)).alerts.is_empty());
        let next_step = Watch { step: Some((Step::Investigation, bj(2026, 11, 24, 12, 0))), ..remember(&w, &first) };
        assert_eq!(run(&next_step, bj(2026, 11, 24, 12, 0)).alerts, vec![Alert::StepBreached(Step::Investigation)]);
        assert!(Alert::StepBreached(Step::Review).urgent() && Alert::Breached.urgent() && !Alert::DueSoon.urgent());
    }

    #[test]
    fn reminders_wait_for_business_hours_and_breaches_do_not() {
        let cal = BusinessCalendar::china_default();
        let saturday_night = bj(2026, 11, 28, 2, 0);
        assert_eq!(send_at(Alert::DueSoon, &cal, saturday_night), bj(2026, 11, 30, 9, 0));
        assert_eq!(send_at(Alert::Breached, &cal, saturday_night), saturday_night);
        let tuesday_morning = bj(2026, 11, 24, 10, 0);
        assert_eq!(send_at(Alert::DueSoon, &cal, tuesday_morning), tuesday_morning);
    }

    #[test]
    fn retries_back_off_from_a_minute_to_six_hours() {
        let minutes: Vec<i64> = (1..=10).map(|a| retry_delay(a).num_minutes()).collect();
        assert_eq!(minutes, vec![1, 2, 4, 8, 16, 32, 64, 128, 256, 360]);
    }

    #[test]
    fn reminders_go_to_the_assignee_breaches_also_to_the_supervisor_escalations_to_admins() {
        use crate::routing::Staff;
        use crate::user::Role;
        let person = |id: &str, role, team: &str| Staff { id: id.into(), role, team_id: Some(team.into()), last_assigned_at: None };
        let staff = vec![person("a1", Role::Agent, "t1"), person("s1", Role::Supervisor, "t1"), person("boss", Role::Admin, "t0")];
        assert_eq!(recipients(Alert::DueSoon, Some("a1"), &staff), ["a1"]);
        assert_eq!(recipients(Alert::Breached, Some("a1"), &staff), ["a1", "s1"]);
        assert_eq!(recipients(Alert::StepBreached(Step::Review), None, &staff), ["s1"]);
        assert_eq!(recipients(Alert::Escalated, Some("a1"), &staff), ["boss"]);
        assert_eq!(recipients(Alert::Breached, Some("s1"), &staff), ["s1"], "a supervisor's own case is not announced twice");
    }
}
