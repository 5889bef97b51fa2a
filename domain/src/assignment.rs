//! Who may put a case in whose hands: the one rule every path that sets an assignee follows
//! (keeping a case one registers, taking one from the queue, handing over, escalating), and
//! recusal.
//!
//! A bank's desk hands work over all day, so the person holding an inquiry or a follow-up may
//! give it to a colleague, and anyone may take an unassigned one. Taking a case someone else
//! holds, and deciding who handles a complaint, are a supervisor's calls: a complaint goes to
//! the complaint team by routing or by a supervisor, never to whoever picked it up. An agent
//! may still escalate what they hold (or what nobody holds) to a supervisor. And whoever
//! assigns, a complaint is never put in the hands of someone it names (CBIRC 2020 No. 3: the
//! handler has no interest in the matter).

use crate::case::CaseKind;
use crate::user::Role;

/// How the case would change hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Registered and kept by the person registering it.
    Keep,
    /// Taken from the queue by the person asking.
    Take,
    /// Given to someone (possibly the person asking).
    Give,
    /// Handed to a supervisor for help.
    Escalate,
}

/// The person asking.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: &'a str,
    pub role: Role,
}

/// The case as the rule needs it.
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    pub kind: CaseKind,
    /// Who holds it now (`None`: nobody, or a case being registered).
    pub assignee: Option<&'a str>,
}

/// Why a case may not go where it was asked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("only a supervisor decides who handles a complaint")]
    ComplaintNeedsSupervisor,
    #[error("only a supervisor moves a case someone else holds")]
    HeldBySomeoneElse,
    #[error("an unassigned case can only be taken for oneself; a supervisor assigns it to others")]
    OnlyForOneself,
    #[error("the complaint names this person: they may not handle it")]
    Recused,
}

/// Whether `actor` may move `case` into the hands of `to` (`to_recused`: the case is a complaint
/// that names them; see [`names`]).
pub fn check(actor: Actor, case: Held, how: Move, to: &str, to_recused: bool) -> Result<(), Refusal> {
    if to_recused {
        return Err(Refusal::Recused);
    }
    if actor.role.includes(Role::Supervisor) {
        return Ok(());
    }
    let holds = case.assignee == Some(actor.id);
    match how {
        Move::Escalate if holds || case.assignee.is_none() => Ok(()),
        Move::Escalate => Err(Refusal::HeldBySomeoneElse),
        _ if case.kind == CaseKind::Complaint => Err(Refusal::ComplaintNeedsSupervisor),
        _ if holds => Ok(()),
        _ if case.assignee.is_some() => Err(Refusal::HeldBySomeoneElse),
        _ if to == actor.id => Ok(()),
        _ => Err(Refusal::OnlyForOneself),
    }
}

/// Whether a case of `kind` with this text is about the person called `name`: a complaint that
/// names them (two characters or more, so a one-character name matches nothing by chance).
pub fn names(kind: CaseKind, text: &str, name: &str) -> bool {
    kind == CaseKind::Complaint && name.trim().chars().count() >= 2 && text.contains(name.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseKind::*;
    use Move::*;

    const ME: &str = "agent-1";
    const COLLEAGUE: &str = "agent-2";

    fn agent() -> Actor<'static> {
        Actor { id: ME, role: Role::Agent }
    }

    #[test]
    fn an_agent_hands_over_what_they_hold_and_takes_what_nobody_holds() {
        for kind in [Inquiry, FollowUp] {
            let mine = Held { kind, assignee: Some(ME) };
            assert_eq!(check(agent(), mine, Give, COLLEAGUE, false), Ok(()), "{kind:?}: to a colleague");
            assert_eq!(check(agent(), mine, Escalate, "sup", false), Ok(()));
            let free = Held { kind, assignee: None };
            assert_eq!(check(agent(), free, Take, ME, false), Ok(()));
            assert_eq!(check(agent(), free, Keep, ME, false), Ok(()));
            assert_eq!(check(agent(), free, Give, ME, false), Ok(()));
            assert_eq!(check(agent(), free, Give, COLLEAGUE, false), Err(Refusal::OnlyForOneself));
            assert_eq!(check(agent(), free, Escalate, "sup", false), Ok(()));
        }
    }

    #[test]
    fn an_agent_moves_nothing_someone_else_holds() {
        for kind in [Inquiry, FollowUp, Complaint] {
            let theirs = Held { kind, assignee: Some(COLLEAGUE) };
            for how in [Take, Give, Escalate] {
                for to in [ME, COLLEAGUE, "agent-3"] {
                    assert!(check(agent(), theirs, how, to, false).is_err(), "{kind:?} {how:?} → {to}");
                }
            }
        }
    }

    #[test]
    fn who_handles_a_complaint_is_a_supervisors_call() {
        for assignee in [None, Some(ME)] {
            let complaint = Held { kind: Complaint, assignee };
            for how in [Keep, Take, Give] {
                assert_eq!(check(agent(), complaint, how, ME, false), Err(Refusal::ComplaintNeedsSupervisor), "{assignee:?} {how:?}");
            }
            // Asking a supervisor for help is not deciding.
            assert_eq!(check(agent(), complaint, Escalate, "sup", false), Ok(()));
        }
        for role in [Role::Supervisor, Role::Admin] {
            let boss = Actor { id: "sup", role };
            for assignee in [None, Some(ME), Some(COLLEAGUE)] {
                for how in [Keep, Take, Give, Escalate] {
                    assert_eq!(check(boss, Held { kind: Complaint, assignee }, how, COLLEAGUE, false), Ok(()));
                }
            }
        }
    }

    #[test]
    fn recusal_holds_for_everyone_on_every_path() {
        for role in [Role::Agent, Role::Supervisor, Role::Admin] {
            let actor = Actor { id: ME, role };
            for assignee in [None, Some(ME)] {
                for how in [Keep, Take, Give, Escalate] {
                    let case = Held { kind: Complaint, assignee };
                    assert_eq!(check(actor, case, how, COLLEAGUE, true), Err(Refusal::Recused), "{role:?} {how:?}");
                }
            }
        }
    }

    #[test]
    fn a_complaint_names_a_person_by_their_full_name() {
        assert!(names(Complaint, "投诉客服张伟态度差", "张伟"));
        assert!(!names(Complaint, "投诉客服张伟态度差", "王芳"));
        assert!(!names(Complaint, "投诉张三", "张"), "one character names nobody");
        assert!(!names(Inquiry, "请张伟回电", "张伟"), "recusal is for complaints");
        assert!(names(Complaint, "complaint about Li Wei", " Li Wei "));
    }
}
