//! Lifecycles as state machines: which move each state allows, which role may make it, and
//! what the move must carry. An illegal move is a typed error (the API answers 409); a role
//! that may not make it, 403; a missing requirement, 422 naming the field.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{string_enum, Status};
use crate::user::Role;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{action} is not allowed from {from}")]
    NotAllowed { from: &'static str, action: &'static str },
    #[error("{action} needs the role {needs}")]
    Forbidden { action: &'static str, needs: Role },
    #[error("{0} is required for this move")]
    Missing(&'static str),
    #[error("a review can only be requested within 30 days of the decision")]
    ReviewWindowClosed,
    #[error("verify the customer's identity before resolving a sensitive case")]
    IdentityUnverified,
}

impl TransitionError {
    /// The HTTP status the API answers with.
    pub fn status(&self) -> u16 {
        match self {
            TransitionError::NotAllowed { .. } | TransitionError::ReviewWindowClosed | TransitionError::IdentityUnverified => 409,
            TransitionError::Forbidden { .. } => 403,
            TransitionError::Missing(_) => 422,
        }
    }
}

fn need(role: Role, needs: Role, action: &'static str) -> Result<(), TransitionError> {
    if role.includes(needs) { Ok(()) } else { Err(TransitionError::Forbidden { action, needs }) }
}

fn present(text: &Option<String>, field: &'static str) -> Result<(), TransitionError> {
    match text {
        Some(t) if !t.trim().is_empty() => Ok(()),
        _ => Err(TransitionError::Missing(field)),
    }
}

// ---------------------------------------------------------------------------------------------
// Inquiries (and the case status of follow-ups): new → assigned → responded → resolved → closed;
// reopen. These moves act on the case's `Status`.

/// A move on an inquiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InquiryMove {
    /// Put in someone's hands. Which states allow it is decided here; who may put it in whose
    /// hands is `crate::assignment::check`'s rule, for every path that sets an assignee.
    Assign,
    Respond,
    Resolve { resolution: Option<String> },
    Close,
    Reopen { reason: Option<String> },
}

impl InquiryMove {
    fn name(&self) -> &'static str {
        match self {
            InquiryMove::Assign => "assign",
            InquiryMove::Respond => "respond",
            InquiryMove::Resolve { .. } => "resolve",
            InquiryMove::Close => "close",
            InquiryMove::Reopen { .. } => "reopen",
        }
    }
}

impl Status {
    /// The status after an inquiry move (no inquiry move needs a role beyond agent).
    pub fn apply(self, m: &InquiryMove) -> Result<Status, TransitionError> {
        use Status::*;
        let action = m.name();
        let not_allowed = Err(TransitionError::NotAllowed { from: self.as_str(), action });
        match (self, m) {
            (New, InquiryMove::Assign) => Ok(Assigned),
            (Assigned | Responded, InquiryMove::Assign) => Ok(self),
            (New | Assigned, InquiryMove::Respond) => Ok(Responded),
            (Responded, InquiryMove::Resolve { resolution }) => {
                present(resolution, "resolution")?;
                Ok(Resolved)
            }
            (Resolved, InquiryMove::Close) => Ok(Closed),
            (Resolved | Closed, InquiryMove::Reopen { reason }) => {
                present(reason, "reason")?;
                Ok(Assigned)
            }
            _ => not_allowed,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Complaints: registered → review → investigation → feedback → closed; pause and resume;
// extensions approved by a supervisor; merge; review (核查) after closing reopens.

string_enum! {
    ComplaintState {
        Registered = "registered",
        Review = "review",
        Investigation = "investigation",
        Feedback = "feedback",
        Closed = "closed",
        Merged = "merged",
    }
}

string_enum! {
    /// How the complaint was decided.
    Outcome {
        Upheld = "upheld",
        PartlyUpheld = "partly_upheld",
        NotUpheld = "not_upheld",
    }
}

string_enum! {
    RedressType {
        Refund = "refund",
        FeeWaiver = "fee_waiver",
        Compensation = "compensation",
        Apology = "apology",
        Correction = "correction",
    }
}

/// The root-cause codes complaints are analysed by (原因分析).
pub const ROOT_CAUSES: &[&str] = &[
    "system_error", "staff_conduct", "process_gap", "product_design", "fees_and_pricing",
    "third_party", "customer_misunderstanding", "fraud", "other",
];

/// What closing a complaint must record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Closing {
    pub outcome: Option<Outcome>,
    pub root_cause: Option<String>,
    pub prevention: Option<String>,
    /// The result was communicated to the customer.
    pub customer_informed: bool,
    pub redress_type: Option<RedressType>,
    /// In the smallest currency unit (fen); required with a redress type other than an apology.
    pub redress_amount: Option<i64>,
}

impl Closing {
    fn check(&self) -> Result<(), TransitionError> {
        let outcome = self.outcome.ok_or(TransitionError::Missing("outcome"))?;
        present(&self.root_cause, "root_cause")?;
        if !self.customer_informed {
            return Err(TransitionError::Missing("customer_informed"));
        }
        if matches!(outcome, Outcome::Upheld | Outcome::PartlyUpheld) {
            let kind = self.redress_type.ok_or(TransitionError::Missing("redress_type"))?;
            let needs_amount = !matches!(kind, RedressType::Apology | RedressType::Correction);
            if needs_amount && self.redress_amount.is_none_or(|a| a < 0) {
                return Err(TransitionError::Missing("redress_amount"));
            }
        }
        Ok(())
    }
}

string_enum! {
    /// An extension of the regulatory deadline, as it stands.
    #[derive(Default)]
    Extension {
        #[default]
        None = "none",
        Requested = "requested",
        Approved = "approved",
        Refused = "refused",
    }
}

string_enum! {
    /// The customer's opinion of how the complaint was handled.
    Opinion {
        Satisfied = "satisfied",
        Neutral = "neutral",
        Dissatisfied = "dissatisfied",
    }
}

/// A complaint's position: its step, whether its clocks are paused, and its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Complaint {
    pub state: ComplaintState,
    pub paused: bool,
    pub extension: Extension,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintMove {
    StartReview,
    /// Review → investigation → feedback, with what the finished step found.
    Advance { reason: Option<String> },
    Close(Closing),
    Pause { reason: Option<String> },
    Resume,
    RequestExtension { reason: Option<String> },
    DecideExtension { approve: bool, customer_informed: bool },
    /// A repeated complaint with no new facts joins an earlier one.
    Merge { into: Option<String> },
    /// The customer asks for a review (核查) of the decision.
    RequestReview { reason: Option<String> },
}

impl ComplaintMove {
    fn name(&self) -> &'static str {
        match self {
            ComplaintMove::StartReview => "start_review",
            ComplaintMove::Advance { .. } => "advance",
            ComplaintMove::Close(_) => "close",
            ComplaintMove::Pause { .. } => "pause",
            ComplaintMove::Resume => "resume",
            ComplaintMove::RequestExtension { .. } => "request_extension",
            ComplaintMove::DecideExtension { .. } => "decide_extension",
            ComplaintMove::Merge { .. } => "merge",
            ComplaintMove::RequestReview { .. } => "request_review",
        }
    }
}

/// How long after the decision a customer may ask for a review.
pub const REVIEW_WINDOW_DAYS: i64 = 30;

impl Complaint {
    pub fn registered() -> Self {
        Complaint { state: ComplaintState::Registered, paused: false, extension: Extension::None, closed_at: None }
    }

    pub fn apply(self, m: &ComplaintMove, role: Role, now: DateTime<Utc>) -> Result<Complaint, TransitionError> {
        use ComplaintState::*;
        let action = m.name();
        let not_allowed = TransitionError::NotAllowed { from: self.state.as_str(), action };
        let in_progress = matches!(self.state, Review | Investigation | Feedback);
        // A paused complaint only resumes (or closes, which stops its clocks).
        if self.paused && !matches!(m, ComplaintMove::Resume | ComplaintMove::Close(_)) {
            return Err(TransitionError::NotAllowed { from: "paused", action });
        }
        let next = match (self.state, m) {
            (Registered, ComplaintMove::StartReview) => Complaint { state: Review, ..self },
            (Review | Investigation, ComplaintMove::Advance { reason }) => {
                present(reason, "reason")?;
                let state = if self.state == Review { Investigation } else { Feedback };
                Complaint { state, ..self }
            }
            (Feedback, ComplaintMove::Close(closing)) => {
                closing.check()?;
                Complaint { state: Closed, paused: false, closed_at: Some(now), ..self }
            }
            (_, ComplaintMove::Pause { reason }) if in_progress => {
                present(reason, "reason")?;
                Complaint { paused: true, ..self }
            }
            (_, ComplaintMove::Resume) if self.paused => Complaint { paused: false, ..self },
            (Investigation | Feedback, ComplaintMove::RequestExtension { reason })
                if matches!(self.extension, Extension::None | Extension::Refused) =>
            {
                present(reason, "reason")?;
                Complaint { extension: Extension::Requested, ..self }
            }
            (_, ComplaintMove::DecideExtension { approve, customer_informed })
                if in_progress && self.extension == Extension::Requested =>
            {
                need(role, Role::Supervisor, action)?;
                if *approve && !customer_informed {
                    return Err(TransitionError::Missing("customer_informed"));
                }
                Complaint { extension: if *approve { Extension::Approved } else { Extension::Refused }, ..self }
            }
            (Registered | Review, ComplaintMove::Merge { into }) => {
                present(into, "into")?;
                Complaint { state: Merged, ..self }
            }
            (Closed, ComplaintMove::RequestReview { reason }) => {
                present(reason, "reason")?;
                let decided = self.closed_at.unwrap_or(now);
                if now - decided > Duration::days(REVIEW_WINDOW_DAYS) {
                    return Err(TransitionError::ReviewWindowClosed);
                }
                Complaint { state: Investigation, closed_at: None, ..self }
            }
            _ => return Err(not_allowed),
        };
        Ok(next)
    }
}

// ---------------------------------------------------------------------------------------------
// Follow-ups: planned → attempted (count) → reached / unreachable → done.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FollowUp {
    Planned,
    Attempted { attempts: u32 },
    Reached,
    /// Given up after the allowed number of attempts; counts as a follow-up done.
    Unreachable,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpMove {
    /// A call or message; `reached` when the customer answered.
    Attempt { reached: bool },
    Complete { notes: Option<String> },
}

impl FollowUp {
    /// Applies a move; `max_attempts` unanswered attempts make the customer unreachable.
    pub fn apply(self, m: &FollowUpMove, max_attempts: u32) -> Result<FollowUp, TransitionError> {
        let from = match self {
            FollowUp::Planned => "planned",
            FollowUp::Attempted { .. } => "attempted",
            FollowUp::Reached => "reached",
            FollowUp::Unreachable => "unreachable",
            FollowUp::Done => "done",
        };
        match (self, m) {
            (FollowUp::Planned | FollowUp::Attempted { .. }, FollowUpMove::Attempt { reached: true }) => Ok(FollowUp::Reached),
            (FollowUp::Planned, FollowUpMove::Attempt { reached: false }) => {
                Ok(if max_attempts <= 1 { FollowUp::Unreachable } else { FollowUp::Attempted { attempts: 1 } })
            }
            (FollowUp::Attempted { attempts }, FollowUpMove::Attempt { reached: false }) => {
                let attempts = attempts + 1;
                Ok(if attempts >= max_attempts { FollowUp::Unreachable } else { FollowUp::Attempted { attempts } })
            }
            (FollowUp::Reached, FollowUpMove::Complete { notes }) => {
                present(notes, "notes")?;
                Ok(FollowUp::Done)
            }
            (_, m) => Err(TransitionError::NotAllowed {
                from,
                action: match m {
                    FollowUpMove::Attempt { .. } => "attempt",
                    FollowUpMove::Complete { .. } => "complete",
                },
            }),
        }
    }

    /// Whether the follow-up counts as done for the follow-up rate.
    pub fn is_finished(self) -> bool {
        matches!(self, FollowUp::Done | FollowUp::Unreachable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap()
    }

    fn text(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn every_inquiry_move_from_every_state() {
        use Status::*;
        let moves = [
            InquiryMove::Assign,
            InquiryMove::Respond,
            InquiryMove::Resolve { resolution: text("已解答") },
            InquiryMove::Close,
            InquiryMove::Reopen { reason: text("客户仍有疑问") },
        ];
        // Expected result for a supervisor, per state, per move (None = not allowed).
        let table: [(Status, [Option<Status>; 5]); 5] = [
            (New, [Some(Assigned), Some(Responded), None, None, None]),
            (Assigned, [Some(Assigned), Some(Responded), None, None, None]),
            (Responded, [Some(Responded), None, Some(Resolved), None, None]),
            (Resolved, [None, None, None, Some(Closed), Some(Assigned)]),
            (Closed, [None, None, None, None, Some(Assigned)]),
        ];
        for (from, expected) in table {
            for (m, want) in moves.iter().zip(expected) {
                let got = from.apply(m);
                match want {
                    Some(to) => assert_eq!(got, Ok(to), "{from} {m:?}"),
                    None => assert!(matches!(got, Err(TransitionError::NotAllowed { .. })), "{from} {m:?}: {got:?}"),
                }
            }
        }
    }

    #[test]
    fn assigning_is_a_move_of_open_states() {
        // Who may put a case in whose hands is assignment::check's rule alone.
        use Status::*;
        assert_eq!(New.apply(&InquiryMove::Assign), Ok(Assigned));
        assert_eq!(Responded.apply(&InquiryMove::Assign), Ok(Responded));
        assert!(Closed.apply(&InquiryMove::Assign).is_err());
    }

    #[test]
    fn inquiry_moves_need_their_text() {
        use Status::*;
        let err = Responded.apply(&InquiryMove::Resolve { resolution: text("  ") }).unwrap_err();
        assert_eq!((err.clone(), err.status()), (TransitionError::Missing("resolution"), 422));
        assert_eq!(Closed.apply(&InquiryMove::Reopen { reason: None }), Err(TransitionError::Missing("reason")));
    }

    fn closing() -> Closing {
        Closing {
            outcome: Some(Outcome::Upheld),
            root_cause: text("system_error"),
            prevention: text("修复扣款批处理"),
            customer_informed: true,
            redress_type: Some(RedressType::Refund),
            redress_amount: Some(12_000),
        }
    }

    #[test]
    fn a_complaint_passes_review_investigation_feedback_then_closes() {
        let c = Complaint::registered();
        let c = c.apply(&ComplaintMove::StartReview, Role::Agent, now()).unwrap();
        assert_eq!(c.state, ComplaintState::Review);
        let c = c.apply(&ComplaintMove::Advance { reason: text("材料齐全") }, Role::Agent, now()).unwrap();
        assert_eq!(c.state, ComplaintState::Investigation);
        let c = c.apply(&ComplaintMove::Advance { reason: text("核实重复扣款") }, Role::Agent, now()).unwrap();
        assert_eq!(c.state, ComplaintState::Feedback);
        let closed = c.apply(&ComplaintMove::Close(closing()), Role::Agent, now()).unwrap();
        assert_eq!((closed.state, closed.closed_at), (ComplaintState::Closed, Some(now())));
        // No skipping steps, no moves after closing but a review.
        let skip = Complaint::registered().apply(&ComplaintMove::Close(closing()), Role::Admin, now()).unwrap_err();
        assert_eq!(skip.status(), 409);
        let again = closed.apply(&ComplaintMove::Advance { reason: text("x") }, Role::Admin, now()).unwrap_err();
        assert_eq!(again.status(), 409);
    }

    #[test]
    fn closing_requires_outcome_root_cause_customer_informed_and_redress_when_upheld() {
        let feedback = Complaint { state: ComplaintState::Feedback, ..Complaint::registered() };
        let table = [
            (Closing { outcome: None, ..closing() }, "outcome"),
            (Closing { root_cause: None, ..closing() }, "root_cause"),
            (Closing { customer_informed: false, ..closing() }, "customer_informed"),
            (Closing { redress_type: None, ..closing() }, "redress_type"),
            (Closing { redress_amount: None, ..closing() }, "redress_amount"),
            (Closing { outcome: Some(Outcome::PartlyUpheld), redress_amount: Some(-1), ..closing() }, "redress_amount"),
        ];
        for (c, field) in table {
            assert_eq!(feedback.apply(&ComplaintMove::Close(c), Role::Agent, now()), Err(TransitionError::Missing(field)));
        }
        // Not upheld needs no redress; an apology needs no amount.
        let not_upheld = Closing { outcome: Some(Outcome::NotUpheld), redress_type: None, redress_amount: None, ..closing() };
        assert!(feedback.apply(&ComplaintMove::Close(not_upheld), Role::Agent, now()).is_ok());
        let apology = Closing { redress_type: Some(RedressType::Apology), redress_amount: None, ..closing() };
        assert!(feedback.apply(&ComplaintMove::Close(apology), Role::Agent, now()).is_ok());
    }

    #[test]
    fn pause_and_resume_only_while_in_progress() {
        let review = Complaint { state: ComplaintState::Review, ..Complaint::registered() };
        let paused = review.apply(&ComplaintMove::Pause { reason: text("等待客户补充材料") }, Role::Agent, now()).unwrap();
        assert!(paused.paused);
        let blocked = paused.apply(&ComplaintMove::Advance { reason: text("x") }, Role::Agent, now()).unwrap_err();
        assert_eq!(blocked, TransitionError::NotAllowed { from: "paused", action: "advance" });
        assert_eq!(paused.apply(&ComplaintMove::Pause { reason: text("x") }, Role::Agent, now()).unwrap_err().status(), 409);
        let resumed = paused.apply(&ComplaintMove::Resume, Role::Agent, now()).unwrap();
        assert!(!resumed.paused);
        assert_eq!(resumed.apply(&ComplaintMove::Resume, Role::Agent, now()).unwrap_err().status(), 409);
        let registered = Complaint::registered().apply(&ComplaintMove::Pause { reason: text("x") }, Role::Agent, now());
        assert_eq!(registered.unwrap_err().status(), 409);
        assert_eq!(review.apply(&ComplaintMove::Pause { reason: None }, Role::Agent, now()), Err(TransitionError::Missing("reason")));
    }

    #[test]
    fn extensions_are_requested_by_agents_and_decided_by_supervisors() {
        let inv = Complaint { state: ComplaintState::Investigation, ..Complaint::registered() };
        let requested = inv.apply(&ComplaintMove::RequestExtension { reason: text("需外部鉴定") }, Role::Agent, now()).unwrap();
        assert_eq!(requested.extension, Extension::Requested);
        assert_eq!(requested.apply(&ComplaintMove::RequestExtension { reason: text("x") }, Role::Agent, now()).unwrap_err().status(), 409);
        let approve = ComplaintMove::DecideExtension { approve: true, customer_informed: true };
        assert_eq!(requested.apply(&approve, Role::Agent, now()).unwrap_err().status(), 403);
        assert_eq!(requested.apply(&approve, Role::Supervisor, now()).unwrap().extension, Extension::Approved);
        let uninformed = ComplaintMove::DecideExtension { approve: true, customer_informed: false };
        assert_eq!(requested.apply(&uninformed, Role::Supervisor, now()), Err(TransitionError::Missing("customer_informed")));
        let refuse = ComplaintMove::DecideExtension { approve: false, customer_informed: false };
        let refused = requested.apply(&refuse, Role::Admin, now()).unwrap();
        assert_eq!(refused.extension, Extension::Refused);
        assert_eq!(inv.apply(&approve, Role::Supervisor, now()).unwrap_err().status(), 409, "nothing to decide");
        let review = Complaint { state: ComplaintState::Review, ..Complaint::registered() };
        assert_eq!(review.apply(&ComplaintMove::RequestExtension { reason: text("x") }, Role::Agent, now()).unwrap_err().status(), 409);
    }

    #[test]
    fn repeated_complaints_merge_early_and_reviews_reopen_within_30_days() {
        let merged = Complaint::registered().apply(&ComplaintMove::Merge { into: text("case-0001") }, Role::Agent, now()).unwrap();
        assert_eq!(merged.state, ComplaintState::Merged);
        let feedback = Complaint { state: ComplaintState::Feedback, ..Complaint::registered() };
        assert_eq!(feedback.apply(&ComplaintMove::Merge { into: text("case-0001") }, Role::Agent, now()).unwrap_err().status(), 409);
        assert_eq!(Complaint::registered().apply(&ComplaintMove::Merge { into: None }, Role::Agent, now()), Err(TransitionError::Missing("into")));

        let closed = Complaint { state: ComplaintState::Closed, closed_at: Some(now()), ..Complaint::registered() };
        let review = ComplaintMove::RequestReview { reason: text("对结果有异议") };
        let reopened = closed.apply(&review, Role::Agent, now() + Duration::days(30)).unwrap();
        assert_eq!((reopened.state, reopened.closed_at), (ComplaintState::Investigation, None));
        assert_eq!(closed.apply(&review, Role::Agent, now() + Duration::days(31)), Err(TransitionError::ReviewWindowClosed));
        assert_eq!(merged.apply(&review, Role::Agent, now()).unwrap_err().status(), 409);
    }

    #[test]
    fn follow_ups_count_attempts_until_reached_or_unreachable() {
        let miss = FollowUpMove::Attempt { reached: false };
        let hit = FollowUpMove::Attempt { reached: true };
        let f = FollowUp::Planned.apply(&miss, 3).unwrap();
        assert_eq!(f, FollowUp::Attempted { attempts: 1 });
        let f = f.apply(&miss, 3).unwrap();
        assert_eq!(f, FollowUp::Attempted { attempts: 2 });
        assert_eq!(f.apply(&miss, 3), Ok(FollowUp::Unreachable));
        assert!(FollowUp::Unreachable.is_finished());
        assert_eq!(f.apply(&hit, 3), Ok(FollowUp::Reached));
        assert_eq!(FollowUp::Planned.apply(&miss, 1), Ok(FollowUp::Unreachable));
        let done = FollowUp::Reached.apply(&FollowUpMove::Complete { notes: text("客户满意") }, 3).unwrap();
        assert_eq!(done, FollowUp::Done);
        assert_eq!(FollowUp::Reached.apply(&FollowUpMove::Complete { notes: None }, 3), Err(TransitionError::Missing("notes")));
        for from in [FollowUp::Done, FollowUp::Unreachable] {
            assert_eq!(from.apply(&hit, 3).unwrap_err().status(), 409);
        }
        assert_eq!(FollowUp::Planned.apply(&FollowUpMove::Complete { notes: text("x") }, 3).unwrap_err().status(), 409);
    }
}

/// A sensitive case is resolved or closed only once the customer's identity is verified.
pub fn check_identity(sensitive: bool, identity: crate::case::Identity, finishing: bool) -> Result<(), TransitionError> {
    if sensitive && finishing && identity == crate::case::Identity::NotVerified {
        Err(TransitionError::IdentityUnverified)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod identity_tests {
    use super::*;
    use crate::case::Identity;

    #[test]
    fn sensitive_cases_need_a_verified_identity_to_finish() {
        assert_eq!(check_identity(true, Identity::NotVerified, true), Err(TransitionError::IdentityUnverified));
        assert_eq!(TransitionError::IdentityUnverified.status(), 409);
        assert_eq!(check_identity(true, Identity::SmsCode, true), Ok(()));
        assert_eq!(check_identity(true, Identity::NotVerified, false), Ok(()), "other moves are fine");
        assert_eq!(check_identity(false, Identity::NotVerified, true), Ok(()));
    }
}
