//! Assignment: the team by category, the agent by skill, then the least weighted open load,
//! round-robin on ties (whoever was assigned longest ago), skipping agents who are away and
//! never giving a complaint to an agent named in it or otherwise in conflict.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Complaints route on this skill, whatever their category.
pub const COMPLAINT_SKILL: &str = "complaint";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub id: String,
    /// Category codes (and `complaint`) the team handles.
    pub skills: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub id: String,
    pub team_id: Option<String>,
    pub skills: Vec<String>,
    pub away: bool,
    /// Open cases weighted by effort (see [`weight`]).
    pub load: u32,
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// What is being routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    pub category: &'a str,
    pub is_complaint: bool,
    /// Staff who may not handle it: named in the complaint, related to the customer, or the
    /// subject of the complaint.
    pub recused: &'a [String],
}

/// Why an agent was chosen, for the "assigned because" line agents see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub agent_id: String,
    pub team_id: Option<String>,
    /// The skill matched, or `None` when no eligible agent had it and the least loaded was taken.
    pub skill: Option<String>,
    pub load: u32,
    /// Several agents had the lowest load; the one assigned longest ago was taken.
    pub rotated: bool,
}

/// The effort a case adds to its agent's load.
pub fn weight(is_complaint: bool, complex: bool) -> u32 {
    match (is_complaint, complex) {
        (true, _) => 3,
        (false, true) => 2,
        (false, false) => 1,
    }
}

/// Picks the agent for a case; `None` when nobody eligible is available.
pub fn route(teams: &[Team], agents: &[Agent], req: &Request) -> Option<Assignment> {
    let skill = if req.is_complaint { COMPLAINT_SKILL } else { req.category };
    let eligible: Vec<&Agent> = agents.iter().filter(|a| !a.away && !req.recused.contains(&a.id)).collect();
    let team_ids: Vec<&str> = teams.iter().filter(|t| t.skills.iter().any(|s| s == skill)).map(|t| t.id.as_str()).collect();
    let in_team = |a: &&Agent| a.team_id.as_deref().is_some_and(|t| team_ids.contains(&t));
    let skilled = |a: &&Agent| a.skills.iter().any(|s| s == skill);

    // Narrow step by step, keeping the widest pool that still has someone in it.
    let team_pool: Vec<&Agent> = eligible.iter().copied().filter(in_team).collect();
    let pool = if team_pool.is_empty() { eligible } else { team_pool };
    let skilled_pool: Vec<&Agent> = pool.iter().copied().filter(skilled).collect();
    let (pool, matched) = if skilled_pool.is_empty() { (pool, None) } else { (skilled_pool, Some(skill.to_string())) };

    let lowest = pool.iter().map(|a| a.load).min()?;
    let tied: Vec<&Agent> = pool.into_iter().filter(|a| a.load == lowest).collect();
    // Round-robin: never assigned first, then longest ago; the id makes the order total.
    let chosen = tied.iter().min_by(|a, b| (a.last_assigned_at, &a.id).cmp(&(b.last_assigned_at, &b.id)))?;
    Some(Assignment {
        agent_id: chosen.id.clone(),
        team_id: chosen.team_id.clone(),
        skill: matched,
        load: lowest,
        rotated: tied.len() > 1,
    })
}

/// An active member of staff, as escalation and alerts see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: String,
    pub role: crate::user::Role,
    pub team_id: Option<String>,
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// The supervisor a case escalates to from `member` (its assignee, or whoever escalates): one
/// of the member's team, else any; among equals the one handed a case longest ago, so
/// escalations spread. `None` when the institution has no supervisor.
pub fn supervisor_for<'a>(staff: &'a [Staff], member: Option<&str>) -> Option<&'a Staff> {
    let team = member.and_then(|m| staff.iter().find(|s| s.id == m)).and_then(|s| s.team_id.as_deref());
    staff
        .iter()
        .filter(|s| s.role == crate::user::Role::Supervisor)
        .min_by_key(|s| (s.team_id.as_deref() != team || team.is_none(), s.last_assigned_at, s.id.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap() + Duration::hours(h)
    }

    fn agent(id: &str, team: &str, skills: &[&str], load: u32, last: Option<i64>) -> Agent {
        Agent {
            id: id.into(),
            team_id: Some(team.into()),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            away: false,
            load,
            last_assigned_at: last.map(t),
        }
    }

    fn teams() -> Vec<Team> {
        vec![
            Team { id: "retail-1".into(), skills: vec!["cards".into(), "payments".into()] },
            Team { id: "retail-2".into(), skills: vec!["loans".into(), "wealth".into()] },
            Team { id: "complaints".into(), skills: vec!["complaint".into()] },
        ]
    }

    fn staff() -> Vec<Agent> {
        vec![
            agent("chen", "retail-1", &["cards", "payments"], 4, Some(1)),
            agent("liu", "retail-1", &["cards"], 2, Some(3)),
            agent("yang", "retail-1", &["payments"], 1, Some(2)),
            agent("zhao", "retail-2", &["loans", "wealth"], 0, None),
            agent("xu", "complaints", &["complaint"], 5, Some(1)),
            agent("sun", "complaints", &["complaint"], 5, Some(0)),
        ]
    }

    fn ask<'a>(category: &'a str, is_complaint: bool, recused: &'a [String]) -> Request<'a> {
        Request { category, is_complaint, recused }
    }

    #[test]
    fn team_by_category_then_skill_then_lowest_load() {
        let a = route(&teams(), &staff(), &ask("cards", false, &[])).unwrap();
        assert_eq!((a.agent_id.as_str(), a.skill.as_deref(), a.load, a.rotated), ("liu", Some("cards"), 2, false));
        let a = route(&teams(), &staff(), &ask("payments", false, &[])).unwrap();
        assert_eq!(a.agent_id, "yang");
        let a = route(&teams(), &staff(), &ask("loans", false, &[])).unwrap();
        assert_eq!(a.agent_id, "zhao");
    }

    #[test]
    fn complaints_go_to_the_complaint_team_round_robin_on_ties() {
        let a = route(&teams(), &staff(), &ask("cards", true, &[])).unwrap();
        assert_eq!((a.agent_id.as_str(), a.rotated), ("sun", true), "sun was assigned longest ago");
        let mut later = staff();
        later.iter_mut().find(|a| a.id == "sun").unwrap().last_assigned_at = Some(t(9));
        assert_eq!(route(&teams(), &later, &ask("cards", true, &[])).unwrap().agent_id, "xu");
    }

    #[test]
    fn away_and_recused_agents_are_skipped() {
        let mut team = staff();
        team.iter_mut().find(|a| a.id == "liu").unwrap().away = true;
        assert_eq!(route(&teams(), &team, &ask("cards", false, &[])).unwrap().agent_id, "chen");
        let recused = vec!["sun".to_string()];
        assert_eq!(route(&teams(), &staff(), &ask("cards", true, &recused)).unwrap().agent_id, "xu");
        // With the whole complaint team recused, the complaint goes to the least-loaded other agent.
        let all = vec!["sun".to_string(), "xu".to_string()];
        let a = route(&teams(), &staff(), &ask("cards", true, &all)).unwrap();
        assert_eq!((a.agent_id.as_str(), a.skill), ("zhao", None));
        let everyone: Vec<String> = staff().into_iter().map(|a| a.id).collect();
        assert_eq!(route(&teams(), &staff(), &ask("cards", false, &everyone)), None);
    }

    #[test]
    fn an_unknown_category_falls_back_to_the_least_loaded_agent() {
        let a = route(&teams(), &staff(), &ask("other", false, &[])).unwrap();
        assert_eq!((a.agent_id.as_str(), a.skill), ("zhao", None));
    }

    #[test]
    fn weights_favour_complaints_and_complex_cases() {
        assert!(weight(true, false) > weight(false, true));
        assert!(weight(false, true) > weight(false, false));
    }

    proptest! {
        #[test]
        fn routing_never_picks_an_agent_who_is_away_or_recused(
            away in proptest::collection::vec(any::<bool>(), 6),
            recuse in proptest::collection::vec(any::<bool>(), 6),
            loads in proptest::collection::vec(0u32..5, 6),
            category in prop_oneof![Just("cards"), Just("loans"), Just("payments"), Just("other")],
            complaint in any::<bool>(),
        ) {
            let mut agents = staff();
            let mut recused = Vec::new();
            for (i, a) in agents.iter_mut().enumerate() {
                a.away = away[i];
                a.load = loads[i];
                if recuse[i] {
                    recused.push(a.id.clone());
                }
            }
            if let Some(chosen) = route(&teams(), &agents, &ask(category, complaint, &recused)) {
                let a = agents.iter().find(|a| a.id == chosen.agent_id).unwrap();
                prop_assert!(!a.away);
                prop_assert!(!recused.contains(&a.id));
            } else {
                prop_assert!(agents.iter().all(|a| a.away || recused.contains(&a.id)));
            }
        }
    }

    #[test]
    fn escalation_goes_to_a_supervisor_of_the_members_team_then_any() {
        use crate::user::Role;
        let at = |h| Some(chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 24, h, 0, 0).unwrap());
        let person = |id: &str, role, team: Option<&str>, last| Staff { id: id.into(), role, team_id: team.map(str::to_string), last_assigned_at: last };
        let staff = vec![
            person("a1", Role::Agent, Some("t1"), None),
            person("a2", Role::Agent, Some("t3"), None),
            person("s-other", Role::Supervisor, Some("t2"), None),
            person("s-busy", Role::Supervisor, Some("t1"), at(10)),
            person("s-idle", Role::Supervisor, Some("t1"), at(8)),
        ];
        assert_eq!(supervisor_for(&staff, Some("a1")).map(|s| s.id.as_str()), Some("s-idle"), "own team, longest since a case");
        assert_eq!(supervisor_for(&staff, Some("a2")).map(|s| s.id.as_str()), Some("s-other"), "no supervisor in the team: any, least recent first");
        assert_eq!(supervisor_for(&staff, None).map(|s| s.id.as_str()), Some("s-other"));
        assert_eq!(supervisor_for(&staff[..2], Some("a1")), None);
    }
}
