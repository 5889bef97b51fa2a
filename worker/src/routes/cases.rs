//! Cases: register, list, open, add to the timeline, and move along the lifecycle.

use chrono::{DateTime, Duration, Utc};
use domain::api::{page_limit, AssignmentReason, CaseDetail, CaseFilter, ComplaintRecord, FieldError, NewCase, NewEvent, Target, TransitionRequest};
use domain::lifecycle::{ComplaintMove, ComplaintState, Extension, InquiryMove, TransitionError};
use domain::regulatory::ComplaintFacts;
use domain::sla::{CaseDeadlines, Clock, Pause, PauseReason, Policy};
use domain::assignment::{self, Actor, Held, Move, Refusal};
use domain::{routing, CaseKind, Complexity, EventType, Status, Step};
use worker::{D1Database, D1PreparedStatement, D1Result, Response};

use crate::ctx::{json, Ctx};
use crate::db::cases::{CaseUpdate, ComplaintUpdate, Loaded, NewCaseRecord};
use crate::db::events::{Guard, NewEventRecord};
use crate::db::{cases, customers, events, first_changed, reads, settings, teams, users};
use crate::error::ApiError;
use crate::ids::new_id;
use crate::rules::{self, Rules};

async fn load(ctx: &Ctx, id: &str) -> Result<Loaded, ApiError> {
    cases::get(&ctx.db, id, ctx.now).await?.ok_or(ApiError::NotFound)
}

async fn detail(ctx: &Ctx, id: &str) -> Result<CaseDetail, ApiError> {
    detail_with(ctx, id, None).await
}

/// A case's page data, using `rules` when the caller has already loaded them.
async fn detail_with(ctx: &Ctx, id: &str, rules: Option<&Rules>) -> Result<CaseDetail, ApiError> {
    let (loaded, events) = cases::page(&ctx.db, id, ctx.now).await?.ok_or(ApiError::NotFound)?;
    let stored;
    let rules = match rules {
        None if regulatory_clock_runs(&loaded.case) => {
            stored = rules::load(&ctx.db).await?;
            Some(&stored)
        }
        given => given,
    };
    Ok(detail_of(loaded, events, rules))
}

/// An open complaint's regulatory clock is running: its page shows the next deadline.
fn regulatory_clock_runs(case: &domain::api::Case) -> bool {
    case.kind == CaseKind::Complaint && case.status.is_open()
}

/// A case's page data from what was read; `rules` are needed when its regulatory clock runs.
fn detail_of(Loaded { case, description, record, .. }: Loaded, events: Vec<domain::api::CaseEvent>, rules: Option<&Rules>) -> CaseDetail {
    let regulatory_next = match rules {
        Some(rules) if regulatory_clock_runs(&case) => rules.regime.next(&rules.calendar, &complaint_facts(case.created_at, case.complexity, &record)),
        _ => None,
    };
    let complaint = case.kind == CaseKind::Complaint;
    CaseDetail { case, description, regulatory_next, complaint: complaint.then_some(record), events }
}

/// What the regulatory clock knows of a complaint: appraisal pauses do not count, and an
/// approved extension lengthens it.
fn complaint_facts(received_at: DateTime<Utc>, complexity: Complexity, record: &ComplaintRecord) -> ComplaintFacts {
    let excluded = record
        .pauses
        .iter()
        .filter(|p| p.reason == PauseReason::ExternalAppraisal)
        .filter_map(|p| p.to.map(|to| to - p.from))
        .fold(Duration::zero(), |a, d| a + d);
    ComplaintFacts {
        received_at,
        complex: complexity == Complexity::Complex,
        extension_approved: record.extension == Extension::Approved,
        excluded,
        done: Vec::new(),
    }
}

fn event<'a>(id: &'a str, case_id: &'a str, kind: EventType, body: &'a str, author: &'a str, at: i64) -> NewEventRecord<'a> {
    NewEventRecord { id, case_id, kind, body, author_id: Some(author), at, status: None, step: None, assignee_id: None, outcome: None }
}

pub async fn create(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: NewCase = ctx.body().await?;
    let user = ctx.user()?;
    let keep = (body.assignee.as_deref() == Some("me")).then_some(user.id.as_str());
    if keep.is_some() {
        // Keeping the case one registers is an assignment like any other.
        let named = assignment::names(body.kind, &case_text(&body.subject, &body.description), &user.name);
        assignment::check(actor(user), Held { kind: body.kind, assignee: None }, Move::Keep, &user.id, named).map_err(|r| refused(r, "assignee"))?;
    }
    // What registration reads, in one round trip: the customer, the rules, and (unless the
    // agent keeps the case) routing's teams and agents.
    let mut reads = vec![customers::get_statement(&ctx.db, &body.customer_id)?, settings::all_statement(&ctx.db)?];
    if keep.is_none() {
        reads.extend(Staffing::statements(&ctx.db)?);
    }
    let read = ctx.db.batch(reads).await?;
    let (Some(customer), Some(stored)) = (read.first(), read.get(1)) else {
        return Err(ApiError::Internal("the registration reads answered short".into()));
    };
    let Some(customer) = customers::get_from(customer)? else {
        return Err(FieldError::invalid("customer_id", "customer_id names no customer").into());
    };
    if customer.erased_at.is_some() {
        return Err(FieldError::invalid("customer_id", "the customer's personal data has been erased; create the customer anew").into());
    }
    // Raised in a follow-up call: that call must be the same customer's.
    let raised_in = match &body.follow_up_id {
        Some(id) => match crate::db::follow_ups::get(&ctx.db, id).await? {
            Some(f) if f.customer_id == body.customer_id => Some(f),
            _ => return Err(FieldError::invalid("follow_up_id", "follow_up_id names no follow-up of this customer").into()),
        },
        None => None,
    };
    let rules = rules::from_settings(rules::settings_from(&settings::all_from(stored)?));
    let staffing = if keep.is_none() { Some(Staffing::from(read.get(2..).unwrap_or_default())?) } else { None };
    let how = Registration { segment: customer.segment, by: Some(&user.id), keep, follow_up_key: None };
    let (id, mut statements) = registration(&ctx.db, ctx.now, &body, how, &rules, staffing)?;
    if let Some(f) = raised_in {
        statements.extend(crate::db::follow_ups::raised(&ctx.db, &f, &id, &user.id, ctx.now_ms() + 2)?);
    }
    // The new case's page is read after the writes, in the same batch (one transaction).
    let written = statements.len();
    statements.extend(cases::page_statements(&ctx.db, &id, true)?);
    let results = ctx.db.batch(statements).await?;
    let (loaded, events) = cases::page_from(results.get(written..).unwrap_or_default(), ctx.now)?
        .ok_or_else(|| ApiError::Internal("a registered case was not read back".into()))?;
    json(201, &detail_of(loaded, events, Some(&rules)))
}

/// Routing's view of the desk: every team's skills, and the active agents with their loads and
/// names.
pub struct Staffing {
    teams: Vec<routing::Team>,
    agents: Vec<routing::Agent>,
    /// Each agent's name, in the same order.
    names: Vec<String>,
}

impl Staffing {
    /// The two statements that read it, for a caller that batches them with its other reads.
    pub fn statements(db: &D1Database) -> Result<[D1PreparedStatement; 2], ApiError> {
        Ok([teams::routing(db)?, users::routing_agents(db)?])
    }

    /// The staffing of [`Staffing::statements`]' results.
    pub fn from(results: &[D1Result]) -> Result<Self, ApiError> {
        match results {
            [teams, agents] => {
                let (agents, names) = users::routing_agents_from(agents)?.into_iter().unzip();
                Ok(Staffing { teams: teams::routing_from(teams)?, agents, names })
            }
            _ => Err(ApiError::Internal("the staffing reads answered otherwise".into())),
        }
    }

    async fn load(db: &D1Database) -> Result<Self, ApiError> {
        Self::from(&db.batch(Self::statements(db)?.into()).await?)
    }

    /// The agents at work (not away).
    pub fn at_work(&self) -> usize {
        self.agents.iter().filter(|a| !a.away).count()
    }

    /// Routing's choice for a case, counted on the chosen agent at once (its `weight`, as the
    /// load triggers count it), so that the next case routed from the same staffing sees it (a
    /// caller registering many in one batch); with the number of agents recused.
    fn route(&mut self, kind: CaseKind, text: &str, category: &str, is_complaint: bool, weight: u32, now: DateTime<Utc>) -> (Option<routing::Assignment>, u32) {
        // A complaint never goes to someone it names.
        let recused: Vec<String> =
            self.agents.iter().zip(&self.names).filter(|(_, name)| assignment::names(kind, text, name)).map(|(a, _)| a.id.clone()).collect();
        let choice = routing::route(&self.teams, &self.agents, &routing::Request { category, is_complaint, recused: &recused });
        if let Some(agent) = choice.as_ref().and_then(|c| self.agents.iter_mut().find(|a| a.id == c.agent_id)) {
            agent.load += weight;
            agent.last_assigned_at = Some(now);
        }
        (choice, recused.len() as u32)
    }
}

/// Who registers a case and how it is assigned.
#[derive(Clone, Copy)]
pub struct Registration<'a> {
    pub segment: domain::Segment,
    /// The member of staff who registered it; `None` when the customer filed it or the
    /// planner created it.
    pub by: Option<&'a str>,
    /// Keep it for this member of staff instead of routing it.
    pub keep: Option<&'a str>,
    /// For a planned follow-up: customer:reason:period. A case with the key already exists →
    /// nothing is written and the answer says so.
    pub follow_up_key: Option<&'a str>,
}

/// Registers a case (see [`registration`]) in one batch, reading routing's staffing first
/// unless it is kept. Answers the id and whether it was written (a follow-up whose key exists
/// is not).
pub async fn register(db: &D1Database, now: DateTime<Utc>, body: &NewCase, how: Registration<'_>, rules: &Rules) -> Result<(String, bool), ApiError> {
    let (id, statements) = registration_statements(db, now, body, how, rules).await?;
    let results = db.batch(statements).await?;
    Ok((id, first_changed(&results)))
}

/// [`register`]'s statements, for a caller that writes more in the same batch (a follow-up's
/// side, a purchase): the case's insert first.
pub async fn registration_statements(
    db: &D1Database,
    now: DateTime<Utc>,
    body: &NewCase,
    how: Registration<'_>,
    rules: &Rules,
) -> Result<(String, Vec<D1PreparedStatement>), ApiError> {
    let staffing = if how.keep.is_none() { Some(Staffing::load(db).await?) } else { None };
    registration(db, now, body, how, rules, staffing)
}

/// The statements that register a case, the case's insert first, with the events that record
/// it (see [`Registered`]).
fn registration(
    db: &D1Database,
    now: DateTime<Utc>,
    body: &NewCase,
    how: Registration<'_>,
    rules: &Rules,
    mut staffing: Option<Staffing>,
) -> Result<(String, Vec<D1PreparedStatement>), ApiError> {
    let registered = Registered::decide(now, body, how, rules, staffing.as_mut())?;
    // With a follow-up key the insert may find its case already there: the events then follow
    // only the insert that happened.
    let guard = if how.follow_up_key.is_some() { Guard::PreviousChanged } else { Guard::None };
    let (created, assigned) = registered.events(how);
    let mut batch = vec![cases::insert(db, &registered.record(body, how))?, events::insert(db, &created, guard)?];
    if let Some(assigned) = assigned {
        batch.push(events::insert(db, &assigned, guard)?);
        batch.extend(registered.assigned_agent().map(|agent| users::assigned(db, agent, registered.at)).transpose()?);
    }
    Ok((registered.id, batch))
}

/// What registration decided for a case: its clocks from the SLA policy, its complaint step and
/// regulatory clock, and its assignee (`keep`, or routing's choice from the staffing), with the
/// ids of the events that record it. Owned, so that a caller registering many cases at once
/// (the follow-up planner) can keep them all and write them in one set-based batch.
pub struct Registered {
    pub id: String,
    at: i64,
    created_at: DateTime<Utc>,
    category: String,
    complexity: Complexity,
    status: Status,
    assignee_id: Option<String>,
    deadlines: CaseDeadlines,
    step: Option<(Step, DateTime<Utc>)>,
    regulatory_due_at: Option<DateTime<Utc>>,
    sensitive: bool,
    created_event: String,
    /// Routing's choice: the assignment event's id and its reason, as JSON.
    routed: Option<(String, String)>,
}

impl Registered {
    pub fn decide(now: DateTime<Utc>, body: &NewCase, how: Registration<'_>, rules: &Rules, staffing: Option<&mut Staffing>) -> Result<Self, ApiError> {
        let suggestion = rules.classifier.classify(&body.subject, &body.description);
        let complexity = body.complexity.unwrap_or(suggestion.complexity);
        let category = body.category.clone().unwrap_or(suggestion.category);
        let cal = &rules.calendar;
        let policy = rules.policies.for_case(body.kind, complexity, how.segment, body.channel);
        let complaint = body.kind == CaseKind::Complaint;
        let step_due = policy.step_clock(Step::Review, now).and_then(|c| c.deadline(cal));
        let empty = ComplaintRecord::default();
        // The agent may keep the case; otherwise routing picks the team and agent.
        let (assignee_id, routed) = match (how.keep, staffing) {
            (Some(keep), _) => (Some(keep.to_string()), None),
            (None, Some(staffing)) => {
                let text = case_text(&body.subject, &body.description);
                let is_complaint = complaint || suggestion.is_complaint;
                let weight = routing::weight(complaint, complexity == Complexity::Complex);
                match staffing.route(body.kind, &text, &category, is_complaint, weight, now) {
                    (Some(choice), recused) => {
                        let reason = AssignmentReason { skill: choice.skill.clone(), load: choice.load, rotated: choice.rotated, recused };
                        let reason = serde_json::to_string(&reason).map_err(|e| ApiError::Internal(format!("encode reason: {e}")))?;
                        (Some(choice.agent_id), Some((new_id()?, reason)))
                    }
                    (None, _) => (None, None),
                }
            }
            (None, None) => return Err(ApiError::Internal("routing without staffing".into())),
        };
        Ok(Registered {
            id: new_id()?,
            at: now.timestamp_millis(),
            created_at: now,
            status: if assignee_id.is_some() { Status::Assigned } else { Status::New },
            assignee_id,
            deadlines: CaseDeadlines::start(&policy, cal, now),
            step: complaint.then_some(step_due.map(|due| (Step::Review, due))).flatten(),
            regulatory_due_at: complaint.then(|| rules.regime.final_due(cal, &complaint_facts(now, complexity, &empty))),
            sensitive: domain::case::is_sensitive(&body.subject, &body.description),
            category,
            complexity,
            created_event: new_id()?,
            routed,
        })
    }

    /// The case's row.
    pub fn record<'a>(&'a self, body: &'a NewCase, how: Registration<'a>) -> NewCaseRecord<'a> {
        NewCaseRecord {
            id: &self.id,
            kind: body.kind,
            channel: body.channel,
            category: &self.category,
            complexity: self.complexity,
            status: self.status,
            customer_id: &body.customer_id,
            assignee_id: self.assignee_id.as_deref(),
            subject: body.subject.trim(),
            description: body.description.trim(),
            created_by: how.by,
            created_at: self.created_at,
            deadlines: self.deadlines,
            step: self.step,
            regulatory_due_at: self.regulatory_due_at,
            sensitive: self.sensitive,
            follow_up_key: how.follow_up_key,
        }
    }

    /// The events that record it: its registration, and routing's decision a millisecond on.
    pub fn events<'a>(&'a self, how: Registration<'a>) -> (NewEventRecord<'a>, Option<NewEventRecord<'a>>) {
        let created = NewEventRecord { author_id: how.by, ..event(&self.created_event, &self.id, EventType::Created, "", "", self.at) };
        let assigned = self.routed.as_ref().map(|(event_id, reason)| NewEventRecord {
            author_id: how.by,
            assignee_id: self.assignee_id.as_deref(),
            ..event(event_id, &self.id, EventType::Assigned, reason, "", self.at + 1)
        });
        (created, assigned)
    }

    /// The agent routing chose, if it did.
    pub fn assigned_agent(&self) -> Option<&str> {
        self.routed.as_ref().and(self.assignee_id.as_deref())
    }
}

pub async fn list(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let filter = CaseFilter::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let limit = page_limit(get("limit"))?;
    let user = ctx.user()?;
    let viewer = cases::Viewer { user_id: &user.id, now: ctx.now, zone: drill_down_zone(&ctx, &filter).await? };
    let mut page = cases::list(&ctx.db, &filter, &viewer, get("cursor"), limit).await?;
    page.items.iter_mut().for_each(domain::api::Case::mask_for_list);
    // Paging on past the first page is what copying the list looks like: counted.
    if get("cursor").is_some() {
        reads::note(&ctx.db, user, page.items.len() as u32, ctx.now_ms()).await?;
    }
    json(200, &page)
}

/// The institution's zone, read from the settings only when a drill-down range needs it.
pub async fn drill_down_zone(ctx: &Ctx, filter: &CaseFilter) -> Result<Option<chrono_tz::Tz>, ApiError> {
    Ok(match filter.date {
        Some(_) => Some(rules::load(&ctx.db).await?.calendar.zone()),
        None => None,
    })
}

/// The number of cases in each queue view.
pub async fn counts(ctx: Ctx) -> Result<Response, ApiError> {
    use domain::api::{AssigneeFilter, QueueCounts, SlaFilter, StatusFilter};
    let open = CaseFilter { status: Some(StatusFilter::Open), ..CaseFilter::default() };
    let views = [
        CaseFilter { assignee: Some(AssigneeFilter::Me), ..open.clone() },
        CaseFilter { my_team: true, ..open.clone() },
        CaseFilter { assignee: Some(AssigneeFilter::Nobody), ..open.clone() },
        open.clone(),
        CaseFilter { sla: Some(SlaFilter::DueSoon), ..open.clone() },
        CaseFilter { sla: Some(SlaFilter::Breached), ..open },
    ];
    let user = ctx.user()?;
    let n = cases::counts(&ctx.db, &views, &cases::Viewer { user_id: &user.id, now: ctx.now, zone: None }).await?;
    json(200, &QueueCounts { mine: n[0], team: n[1], unassigned: n[2], open: n[3], due_soon: n[4], breached: n[5] })
}

pub async fn get(ctx: Ctx) -> Result<Response, ApiError> {
    let case = detail(&ctx, ctx.param(0)).await?;
    reads::note(&ctx.db, ctx.user()?, 1, ctx.now_ms()).await?;
    json(200, &case)
}

pub async fn add_event(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: NewEvent = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let Loaded { case: current, segment, .. } = load(&ctx, &id).await?;
    if current.version != body.version {
        return Err(ApiError::VersionConflict);
    }
    let user = ctx.user()?;
    use domain::case::CallOutcome;
    // A reply, or a call that reached the customer, is the first response.
    let responds = body.kind == EventType::Reply || (body.kind == EventType::Call && body.outcome == Some(CallOutcome::Reached));
    let first_reply = responds && current.first_responded_at.is_none();
    let mut status = match current.status {
        Status::New | Status::Assigned if first_reply => Status::Responded,
        other => other,
    };
    let mut deadlines = current.deadlines();
    let unanswered_follow_up = current.kind == CaseKind::FollowUp && current.status.is_open() && body.outcome.is_some_and(CallOutcome::unanswered);
    let mut unreachable = false;
    if first_reply || unanswered_follow_up {
        let rules = rules::load(&ctx.db).await?;
        if first_reply {
            let policy = rules.policies.for_case(current.kind, current.complexity, segment, current.channel);
            deadlines.responded(&policy, &rules.calendar, current.created_at, ctx.now);
        }
        if unanswered_follow_up {
            // After the allowed attempts the follow-up closes as unreachable; the follow-up
            // rate counts it as done.
            let before = events::for_case(&ctx.db, &id).await?.iter().filter(|e| e.outcome.is_some_and(CallOutcome::unanswered)).count() as u32;
            if domain::follow_up::unreachable(&rules.follow_up, before + 1) {
                unreachable = true;
                status = Status::Closed;
                deadlines.resolved_at = Some(ctx.now);
            }
        }
    }
    let update = CaseUpdate { id: &id, version: body.version, status, assignee_id: current.assignee_id.as_deref(), deadlines, now: ctx.now };
    let event_id = new_id()?;
    let mut new_event = event(&event_id, &id, body.kind, body.body.trim(), &user.id, ctx.now_ms());
    new_event.status = (status != current.status).then_some(status);
    new_event.outcome = body.outcome;
    let mut batch = vec![cases::update(&ctx.db, &update)?, events::insert(&ctx.db, &new_event, Guard::PreviousChanged)?];
    if let (CaseKind::FollowUp, EventType::Call, Some(outcome)) = (current.kind, body.kind, body.outcome) {
        // A call logged from the composer counts on the follow-up like an attempt.
        batch.push(crate::db::follow_ups::call_logged(&ctx.db, &id, outcome.as_str(), outcome.unanswered(), ctx.now_ms())?);
    }
    if unreachable {
        batch.push(cases::mark_unreachable(&ctx.db, &id)?);
    }
    let results = ctx.db.batch(batch).await?;
    if !first_changed(&results) {
        // Someone saved between our read and our write: nothing of ours was stored.
        return Err(ApiError::VersionConflict);
    }
    json(201, &detail(&ctx, &id).await?)
}

/// Moves a case along its lifecycle: inquiries and follow-ups take, resolve, close and reopen;
/// complaints pass their steps, pause, extend, close with their records, merge and are reviewed.
pub async fn transition(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: TransitionRequest = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let loaded = load(&ctx, &id).await?;
    if loaded.case.version != body.version {
        return Err(ApiError::VersionConflict);
    }
    if loaded.case.kind == CaseKind::Complaint {
        complaint_transition(ctx, body, loaded).await
    } else {
        inquiry_transition(ctx, body, loaded).await
    }
}

async fn inquiry_transition(ctx: Ctx, body: TransitionRequest, loaded: Loaded) -> Result<Response, ApiError> {
    let current = &loaded.case;
    let id = current.id.clone();
    let user = ctx.user()?;
    let not_allowed = TransitionError::NotAllowed { from: current.status.as_str(), action: if body.action.is_some() { "action" } else { "transition" } };
    let step = body.inquiry_move(current.status).filter(|_| body.action.is_none()).ok_or(not_allowed)?;
    let status = current.status.apply(&step)?;
    if matches!(step, InquiryMove::Assign) {
        let held = Held { kind: current.kind, assignee: current.assignee_id.as_deref() };
        let named = assignment::names(current.kind, &case_text(&current.subject, &loaded.description), &user.name);
        assignment::check(actor(user), held, Move::Take, &user.id, named).map_err(|r| refused(r, "to"))?;
    }
    let finishing = matches!(step, InquiryMove::Resolve { .. } | InquiryMove::Close);
    domain::lifecycle::check_identity(current.sensitive, current.identity, finishing)?;

    let mut deadlines = current.deadlines();
    let mut assignee = current.assignee_id.clone();
    let text = match &step {
        InquiryMove::Assign { .. } => {
            assignee = Some(user.id.clone());
            String::new()
        }
        InquiryMove::Resolve { resolution } => {
            deadlines.resolved_at = Some(ctx.now);
            resolution.clone().unwrap_or_default()
        }
        InquiryMove::Reopen { reason } => {
            deadlines.resolved_at = None;
            reason.clone().unwrap_or_default()
        }
        _ => String::new(),
    };
    let update = CaseUpdate { id: &id, version: body.version, status, assignee_id: assignee.as_deref(), deadlines, now: ctx.now };
    let event_id = new_id()?;
    let mut new_event = event(&event_id, &id, EventType::StatusChanged, text.trim(), &user.id, ctx.now_ms());
    new_event.status = Some(status);
    if matches!(step, InquiryMove::Assign { .. }) {
        new_event.assignee_id = assignee.as_deref();
    }
    let results = ctx.db.batch(vec![cases::update(&ctx.db, &update)?, events::insert(&ctx.db, &new_event, Guard::PreviousChanged)?]).await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &detail(&ctx, &id).await?)
}

/// A clock of `budget` from `start`, with the pauses that fall after its start.
fn clock(policy: &Policy, start: DateTime<Utc>, budget: Duration, pauses: &[Pause]) -> Clock {
    let mut c = Clock::new(start, budget, policy.basis, policy.due_soon_percent);
    c.pauses = pauses.iter().filter(|p| p.to.is_none_or(|to| to > start)).map(|p| Pause { from: p.from.max(start), ..*p }).collect();
    c
}

async fn complaint_transition(ctx: Ctx, body: TransitionRequest, loaded: Loaded) -> Result<Response, ApiError> {
    let Loaded { case: current, segment, mut record, .. } = loaded;
    let id = current.id.clone();
    let user = ctx.user()?;
    let now = ctx.now;
    let position = record.position(current.status, current.step);
    let not_allowed = TransitionError::NotAllowed { from: position.state.as_str(), action: "transition" };
    let step_move = body.complaint_move().ok_or(not_allowed)?;
    let next = position.apply(&step_move, user.role, now)?;
    domain::lifecycle::check_identity(current.sensitive, current.identity, matches!(step_move, ComplaintMove::Close(_)))?;

    let rules: Rules = rules::load(&ctx.db).await?;
    let cal = &rules.calendar;
    let policy = rules.policies.for_case(current.kind, current.complexity, segment, current.channel);
    let mut status = current.status;
    let mut step = current.step;
    let mut step_started_at = record.step_started_at.or(Some(current.created_at));
    let current_step_started = step_started_at.unwrap_or(current.created_at);
    let mut deadlines = current.deadlines();
    let mut resolution_start = current.created_at;
    let note = body.reason.clone().unwrap_or_default();
    let (kind, text, mut moved_status, mut moved_step) = match &step_move {
        ComplaintMove::Advance { .. } => {
            step = match next.state {
                ComplaintState::Investigation => Some(Step::Investigation),
                _ => Some(Step::Feedback),
            };
            // Steps are never skipped: `to` must name the step that comes next.
            if body.target().ok() != step.map(Target::Step) {
                return Err(TransitionError::NotAllowed { from: position.state.as_str(), action: "skip_step" }.into());
            }
            step_started_at = Some(now);
            (EventType::StepChanged, note, None, step)
        }
        ComplaintMove::Close(closing) => {
            status = Status::Closed;
            step = None;
            deadlines.resolved_at = Some(now);
            record.outcome = closing.outcome;
            record.root_cause = closing.root_cause.clone();
            record.prevention = closing.prevention.clone();
            record.redress_type = closing.redress_type;
            record.redress_amount = closing.redress_amount;
            record.customer_informed = closing.customer_informed;
            record.customer_opinion = body.customer_opinion;
            record.closed_at = Some(now);
            (EventType::StatusChanged, closing.root_cause.clone().unwrap_or_default(), Some(Status::Closed), None)
        }
        ComplaintMove::Pause { .. } => {
            record.paused = true;
            (EventType::Paused, note, None, None)
        }
        ComplaintMove::Resume => {
            record.paused = false;
            if let Some(open) = record.pauses.iter_mut().find(|p| p.to.is_none()) {
                open.to = Some(now);
            }
            (EventType::Resumed, String::new(), None, None)
        }
        ComplaintMove::RequestExtension { .. } => {
            record.extension = Extension::Requested;
            (EventType::ExtensionRequested, note, None, None)
        }
        ComplaintMove::DecideExtension { approve, .. } => {
            record.extension = next.extension;
            (if *approve { EventType::ExtensionApproved } else { EventType::ExtensionRefused }, note, None, None)
        }
        ComplaintMove::Merge { into } => {
            let into = into.clone().unwrap_or_default();
            let earlier = cases::get(&ctx.db, &into, now).await?;
            let fits = earlier.as_ref().is_some_and(|e| {
                e.case.kind == CaseKind::Complaint && e.case.customer_id == current.customer_id && e.case.id != id && e.case.created_at <= current.created_at
            });
            if !fits {
                return Err(FieldError::invalid("into", "into must be an earlier complaint of the same customer").into());
            }
            status = Status::Closed;
            step = None;
            record.merged_into = Some(into.clone());
            record.closed_at = Some(now);
            (EventType::Merged, into, Some(Status::Closed), None)
        }
        ComplaintMove::RequestReview { .. } => {
            // The review (核查) reopens the complaint at investigation, with fresh clocks.
            status = Status::Assigned;
            step = Some(Step::Investigation);
            step_started_at = Some(now);
            record.closed_at = None;
            deadlines.resolved_at = None;
            resolution_start = now;
            (EventType::ReviewRequested, note, Some(Status::Assigned), Some(Step::Investigation))
        }
        // Complaints start their review when registered; the API has no separate move for it.
        ComplaintMove::StartReview => return Err(TransitionError::NotAllowed { from: position.state.as_str(), action: "start_review" }.into()),
    };

    // Recompute the running clocks with every pause so far (pausing never shortens them).
    let mut pauses = record.pauses.clone();
    if matches!(step_move, ComplaintMove::Pause { .. }) {
        pauses.push(Pause { from: now, to: None, reason: body.pause_reason.unwrap_or(PauseReason::WaitingOnCustomer) });
    }
    let resolution = clock(&policy, resolution_start, Duration::minutes(policy.resolution_minutes), &pauses);
    if let Some(due) = resolution.deadline(cal) {
        deadlines.resolution_due = due;
        if deadlines.first_responded_at.is_some() {
            deadlines.current_due = due;
            deadlines.current_due_soon_at = resolution.due_soon_at(cal).unwrap_or(due);
        }
    }
    let step_due_at = match (step, step_started_at, policy.steps) {
        (Some(s), Some(start), Some(t)) => clock(&policy, start, t.for_step(s), &pauses).deadline(cal).or(current.step_due_at),
        _ => None,
    };
    let regulatory_due_at = Some(rules.regime.final_due(cal, &complaint_facts(current.created_at, current.complexity, &ComplaintRecord { pauses: pauses.clone(), ..record.clone() })));
    if status == Status::Closed {
        moved_status = Some(Status::Closed);
        moved_step = None;
    }

    let update = ComplaintUpdate {
        id: &id,
        version: body.version,
        status,
        deadlines,
        step,
        step_started_at: if step.is_some() { step_started_at } else { None },
        step_due_at,
        regulatory_due_at,
        record: &record,
        now,
    };
    let event_id = new_id()?;
    let mut new_event = event(&event_id, &id, kind, text.trim(), &user.id, ctx.now_ms());
    new_event.status = moved_status;
    new_event.step = moved_step;
    let mut batch = vec![cases::update_complaint(&ctx.db, &update)?];
    let closing = matches!(step_move, ComplaintMove::Close(_));
    match step_move {
        ComplaintMove::Pause { .. } => {
            batch.push(cases::open_pause(&ctx.db, &id, ctx.now_ms(), body.pause_reason.unwrap_or(PauseReason::WaitingOnCustomer))?)
        }
        ComplaintMove::Resume => batch.push(cases::close_pause(&ctx.db, &id, ctx.now_ms())?),
        _ => {}
    }
    batch.push(events::insert(&ctx.db, &new_event, Guard::PreviousChanged)?);
    // Moving on, closing and merging each end the step the complaint was in.
    if let Some(left) = current.step.filter(|s| step != Some(*s)) {
        batch.push(cases::step_left(&ctx.db, &id, left, current_step_started, current.step_due_at, now)?);
    }
    if closing {
        // Every closed complaint gets a follow-up: the planner looks at the customer next hour.
        batch.push(customers::plan_soon(&ctx.db, &current.customer_id, ctx.now_ms())?);
        // And, when admins have an after-complaint survey active, an invitation to rate how the
        // complaint was handled.
        let message = crate::jobs::dispatch::Message { institution: crate::config::institution(&ctx.env).zh, public_url: crate::config::public_url(&ctx.env) };
        batch.extend(crate::jobs::dispatch::after_complaint(&ctx.db, &id, &current.customer_id, body.version + 1, ctx.now, rules.calendar.zone(), &message).await?);
    }
    let results = ctx.db.batch(batch).await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &detail_with(&ctx, &id, Some(&rules)).await?)
}

/// Records how the customer's identity was verified (SMS code, face, ID document at a branch).
pub async fn verify_identity(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: domain::api::IdentityCheck = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let current = load(&ctx, &id).await?.case;
    if current.version != body.version {
        return Err(ApiError::VersionConflict);
    }
    let user = ctx.user()?;
    let event_id = new_id()?;
    let record = event(&event_id, &id, EventType::IdentityVerified, body.method.as_str(), &user.id, ctx.now_ms());
    let results = ctx
        .db
        .batch(vec![cases::set_identity(&ctx.db, &id, body.version, body.method, ctx.now_ms())?, events::insert(&ctx.db, &record, Guard::PreviousChanged)?])
        .await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &detail(&ctx, &id).await?)
}

/// Hands an open case to a colleague (`assign`) or to a supervisor (`escalate`): the case keeps
/// its clocks; a new case becomes assigned.
async fn hand_over(ctx: &Ctx, current: domain::api::Case, version: i64, to: &str, kind: EventType, text: &str) -> Result<Response, ApiError> {
    let id = current.id.as_str();
    if current.version != version {
        return Err(ApiError::VersionConflict);
    }
    open(&current, kind)?;
    let user = ctx.user()?;
    let status = if current.status == Status::New { Status::Assigned } else { current.status };
    let update = CaseUpdate { id, version, status, assignee_id: Some(to), deadlines: current.deadlines(), now: ctx.now };
    let event_id = new_id()?;
    let mut record = event(&event_id, id, kind, text, &user.id, ctx.now_ms());
    record.assignee_id = Some(to);
    record.status = (status != current.status).then_some(status);
    let results = ctx
        .db
        .batch(vec![
            cases::update(&ctx.db, &update)?,
            events::insert(&ctx.db, &record, Guard::PreviousChanged)?,
            users::assigned(&ctx.db, to, ctx.now_ms())?,
        ])
        .await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &detail(ctx, id).await?)
}

/// Only an open case changes hands: 409 otherwise.
fn open(current: &domain::api::Case, kind: EventType) -> Result<(), ApiError> {
    if current.status.is_open() {
        return Ok(());
    }
    let action = if kind == EventType::Escalated { "escalate" } else { "assign" };
    Err(TransitionError::NotAllowed { from: current.status.as_str(), action }.into())
}

/// `POST /api/cases/{id}/assign`: to an active member of staff, as `domain::assignment` allows
/// the caller (an agent hands over what they hold; a supervisor assigns anything; nobody
/// assigns a complaint to someone it names).
pub async fn assign(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: domain::api::AssignRequest = ctx.body().await?;
    let Some(to) = users::active(&ctx.db, &body.assignee_id).await? else {
        return Err(FieldError::invalid("assignee_id", "assignee_id names no active member of staff").into());
    };
    let reason = body.reason.as_deref().unwrap_or("").trim();
    let Loaded { case: current, description, .. } = load(&ctx, ctx.param(0)).await?;
    open(&current, EventType::Assigned)?;
    let held = Held { kind: current.kind, assignee: current.assignee_id.as_deref() };
    let named = assignment::names(current.kind, &case_text(&current.subject, &description), &to.name);
    assignment::check(actor(ctx.user()?), held, Move::Give, &to.id, named).map_err(|r| refused(r, "assignee_id"))?;
    hand_over(&ctx, current, body.version, &body.assignee_id, EventType::Assigned, reason).await
}

/// `POST /api/cases/{id}/escalate`: to a supervisor of the assignee's team (or the caller's),
/// else any supervisor; never to one the complaint names.
pub async fn escalate(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: domain::api::EscalateRequest = ctx.body().await?;
    let id = ctx.param(0);
    let Loaded { case: current, description, .. } = load(&ctx, id).await?;
    open(&current, EventType::Escalated)?;
    let member = current.assignee_id.clone().or_else(|| ctx.user.as_ref().map(|u| u.id.clone()));
    let text = case_text(&current.subject, &description);
    let read = ctx.db.batch(vec![users::roster_statement(&ctx.db)?, users::names_statement(&ctx.db)?]).await?;
    let (Some(roster), Some(names)) = (read.first(), read.get(1)) else {
        return Err(ApiError::Internal("the escalation reads answered short".into()));
    };
    let recused: Vec<String> = users::names_from(names)?.into_iter().filter(|(_, name)| assignment::names(current.kind, &text, name)).map(|(id, _)| id).collect();
    let staff: Vec<routing::Staff> = users::roster_from(roster)?.into_iter().filter(|s| !recused.contains(&s.id)).collect();
    let Some(supervisor) = routing::supervisor_for(&staff, member.as_deref()) else {
        return Err(TransitionError::NotAllowed { from: current.status.as_str(), action: "escalate" }.into());
    };
    let held = Held { kind: current.kind, assignee: current.assignee_id.as_deref() };
    assignment::check(actor(ctx.user()?), held, Move::Escalate, &supervisor.id, false).map_err(|r| refused(r, "assignee_id"))?;
    let to = supervisor.id.clone();
    hand_over(&ctx, current, body.version, &to, EventType::Escalated, body.reason.trim()).await
}

/// The person asking, as `domain::assignment` sees them.
fn actor(user: &domain::api::User) -> Actor<'_> {
    Actor { id: &user.id, role: user.role }
}

/// What a case says, for recusal: its subject and description.
fn case_text(subject: &str, description: &str) -> String {
    format!("{subject}\n{description}")
}

/// A refused assignment: 422 naming `field` when the person is recused, else 403.
fn refused(refusal: Refusal, field: &'static str) -> ApiError {
    match refusal {
        Refusal::Recused => FieldError { field: field.to_string(), code: "recused", message: format!("{field}: {refusal}") }.into(),
        other => ApiError::Refused(other),
    }
}

/// `GET /api/complaints`: the complaint register for supervisors, with every regulatory field.
pub async fn complaints(ctx: Ctx) -> Result<Response, ApiError> {
    let query = ctx.query()?;
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let filter = domain::api::ComplaintFilter::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let limit = page_limit(get("limit"))?;
    let mut page = cases::complaint_register(&ctx.db, &filter, get("cursor"), limit, ctx.now).await?;
    page.items.iter_mut().for_each(|entry| entry.case.mask_for_list());
    if get("cursor").is_some() {
        reads::note(&ctx.db, ctx.user()?, page.items.len() as u32, ctx.now_ms()).await?;
    }
    json(200, &page)
}

/// `POST /api/classify`: the classifier's suggestion for a case being typed, with the rules
/// admins set, so the new-case form shows what saving would choose.
pub async fn classify(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: domain::api::ClassifyRequest = ctx.body().await?;
    let rules = rules::load(&ctx.db).await?;
    json(200, &rules.classifier.classify(&body.subject, &body.description))
}

/// How many cases an export reads a round trip.
const EXPORT_PAGE: u32 = 500;

/// What the export's stream carries from one page to the next.
struct Export {
    db: worker::D1Database,
    filter: CaseFilter,
    user_id: String,
    now: chrono::DateTime<chrono::Utc>,
    zone: chrono_tz::Tz,
    /// Text read but not yet sent (the header and the first page).
    pending: Option<String>,
    /// The cursor of the page to read next; none when the last was read.
    next: Option<String>,
}

/// The CSV text of export rows.
fn export_csv(rows: &[domain::export::ExportCase], zone: chrono_tz::Tz, now: chrono::DateTime<chrono::Utc>) -> String {
    domain::export::csv(rows.iter().map(|r| domain::export::cells(r, zone, now)))
}

/// `GET /api/cases/export`: the cases any queue filter selects, one CSV row each with every
/// clock and regulatory field (domain::export), in the list's order. Streamed a page at a
/// time, so the worker holds one page however many rows there are. The first page is read
/// before answering: a bad filter or a failing read is an error response, not a cut-off file.
pub async fn export(ctx: Ctx) -> Result<Response, ApiError> {
    use domain::export::{header, Language, BOM};
    use futures_util::stream;

    let query = ctx.query()?;
    let filter = CaseFilter::from_query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let language = Language::from_param(query.iter().find(|(k, _)| k == "lang").map(|(_, v)| v.as_str()))?;
    let zone = rules::load(&ctx.db).await?.calendar.zone();
    let user_id = ctx.user()?.id.clone();
    let viewer = cases::Viewer { user_id: &user_id, now: ctx.now, zone: Some(zone) };
    let (first, next) = cases::export_page(&ctx.db, &filter, &viewer, None, EXPORT_PAGE).await?;
    // Who took which cases out of Kefu: the filter as asked (ids and codes, no personal data).
    let asked: String = ctx.req.url()?.query().unwrap_or_default().chars().take(500).collect();
    crate::db::audit::record(&ctx.db, ctx.now_ms(), Some(&user_id), "cases_exported", "export", Some(&asked), Guard::None)?.run().await?;
    let head = format!("{BOM}{}{}", domain::export::csv([header(language)]), export_csv(&first, zone, ctx.now));
    let filename = format!("kefu-cases-{}.csv", ctx.now.with_timezone(&zone).format("%Y%m%d-%H%M"));
    let state = Export { db: ctx.db, filter, user_id, now: ctx.now, zone, pending: Some(head), next };

    let chunks = stream::try_unfold(state, |mut s| async move {
        if let Some(text) = s.pending.take() {
            return Ok(Some((text, s)));
        }
        let Some(cursor) = s.next.take() else { return Ok(None) };
        let viewer = cases::Viewer { user_id: &s.user_id, now: s.now, zone: Some(s.zone) };
        match cases::export_page(&s.db, &s.filter, &viewer, Some(&cursor), EXPORT_PAGE).await {
            Ok((rows, next)) => {
                s.next = next;
                let text = export_csv(&rows, s.zone, s.now);
                Ok(Some((text, s)))
            }
            Err(e) => {
                // Headers are sent: the client sees the body end early. The cause names the
                // failing step, never request data.
                let cause = match e {
                    ApiError::Internal(cause) => cause,
                    other => other.to_string(),
                };
                worker::console_error!("export stopped: {cause}");
                Err(worker::Error::RustError("the export stopped".into()))
            }
        }
    });
    crate::ctx::csv_download(Response::from_stream(chunks)?, &filename)
}
