//! One case: its header, every clock with its state, the description, the timeline (oldest
//! first), and the composer for replies, internal notes and call logs.

use domain::api::{AssignmentReason, Case, CaseDetail, ComplaintAction, ComplaintRecord, TransitionRequest};
use domain::lifecycle::{InquiryMove, Opinion, Outcome, RedressType, ROOT_CAUSES};
use domain::sla::PauseReason;
use domain::{CaseKind, EventType, Status};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorPanel, Loading};
use crate::components::sla_badge::SlaBadge;
use crate::components::time::full;
use crate::i18n::use_i18n;
use crate::session::use_session;

pub(crate) mod composer;
use composer::{Composer, HandOver, SuggestedArticles};
use crate::pages::appointments::BookForCustomer;

/// What outlives a reload of the case: the composer's draft, and the events the user had seen
/// when their save met someone else's change (a 409), so the page can show what changed.
#[derive(Clone, Copy)]
struct Workbench {
    draft: RwSignal<String>,
    kind: RwSignal<String>,
    seen: RwSignal<Option<Vec<String>>>,
}

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = LocalResource::new(move || api::get_case(id()));
    let bench = Workbench {
        draft: RwSignal::new(String::new()),
        kind: RwSignal::new(EventType::Reply.as_str().to_string()),
        seen: RwSignal::new(None),
    };
    provide_context(bench);
    // A draft belongs to its case: opening another case starts a fresh one.
    Effect::new(move |previous: Option<String>| {
        let current = id();
        if previous.is_some_and(|p| p != current) {
            bench.draft.set(String::new());
            bench.kind.set(EventType::Reply.as_str().to_string());
            bench.seen.set(None);
        }
        current
    });
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(case) => view! { <CaseView case on_change=Callback::new(move |_| detail.refetch())/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| detail.refetch())/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn is_conflict(e: &ApiError) -> bool {
    matches!(e, ApiError::Api { code, .. } if code == "version_conflict")
}

/// Handles the answer to a change: reload on success; on a version conflict remember what the
/// user had seen and reload, so the banner shows what changed and their input stays; otherwise
/// show the error.
/// Runs after an `await`, outside any reactive owner: the caller passes the page's `Workbench`.
fn settle<T>(result: Result<T, ApiError>, bench: Workbench, error: RwSignal<Option<ApiError>>, on_change: Callback<()>, seen: Vec<String>) -> bool {
    match result {
        Ok(_) => {
            bench.seen.set(None);
            on_change.run(());
            true
        }
        Err(e) if is_conflict(&e) => {
            bench.seen.set(Some(seen));
            on_change.run(());
            false
        }
        Err(e) => {
            error.set(Some(e));
            false
        }
    }
}

/// The banner after a 409: the events saved by others since the user last loaded the case.
/// It sits above the composer, where the user just tried to save.
#[component]
fn ConflictBanner(case: CaseDetail) -> impl IntoView {
    let i18n = use_i18n();
    let bench = expect_context::<Workbench>();
    let changes = move || {
        let seen = bench.seen.get()?;
        Some(case.events.iter().filter(|e| !seen.contains(&e.id)).cloned().collect::<Vec<_>>())
    };
    move || {
        changes().map(|events| view! {
            <section class="conflict" role="alert" data-testid="conflict" aria-labelledby="conflict-title">
                <h2 id="conflict-title">{move || i18n.get().tr("有人刚刚修改了这个案件", "Someone changed this case while you were working")}</h2>
                <p>{move || i18n.get().tr(
                    "您的操作没有保存，以免覆盖对方的修改。以下是对方所做的更改；您填写的内容仍然保留，请核对后重新提交。",
                    "Your change was not saved, so theirs is not overwritten. Here is what they changed; what you typed is kept: check it and send again.")}</p>
                <ul data-testid="conflict-changes">
                    {events.into_iter().map(|e| {
                        let kind = e.kind;
                        view! {
                            <li>
                                <strong>{move || i18n.get().event(kind)}</strong>" · "
                                {e.author_name.clone().unwrap_or_default()}" · "
                                <time datetime=e.created_at.to_rfc3339()>{full(e.created_at)}</time>
                                {(!e.body.is_empty() && kind != EventType::Assigned).then(|| view! { <span class="muted">" — "{e.body.chars().take(120).collect::<String>()}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <button type="button" class="button" data-testid="conflict-dismiss" on:click=move |_| bench.seen.set(None)>
                    {move || i18n.get().tr("知道了", "Got it")}
                </button>
            </section>
        })
    }
}

#[component]
fn CaseView(case: CaseDetail, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let c = case.case.clone();
    let (kind, status, channel, complexity, category, step) = (c.kind, c.status, c.channel, c.complexity, c.category.clone(), c.step);
    let assignee = c.assignee_name.clone();
    let frd = c.first_response_due_at;
    let responded = c.first_responded_at;
    let resolution = c.resolution_due_at;
    let step_due = c.step_due_at;
    let regulatory = c.regulatory_due_at;
    let seen: Vec<String> = case.events.iter().map(|e| e.id.clone()).collect();
    view! {
        <section class="page" aria-labelledby="page-title" data-testid="case-page">
            <div class="page-head">
                <div>
                    <p class="mono muted" data-testid="case-reference">{c.reference.clone()}</p>
                    <h1 id="page-title" data-testid="case-subject">{let s = c.subject.clone(); move || i18n.get().or_erased(&s)}</h1>
                </div>
                <SlaBadge case=c.clone()/>
            </div>
            {c.sensitive.then(|| view! { <FraudWarning case=c.clone() seen=seen.clone() on_change/> })}
            <dl class="facts">
                <div><dt>{move || t().customer}</dt><dd data-testid="case-customer"><a href=format!("/customers/{}", c.customer_id) data-testid="case-customer-link">{let n = c.customer_name.clone(); move || i18n.get().or_erased(&n)}</a></dd></div>
                <div><dt>{move || t().kind}</dt><dd data-testid="case-kind">{move || i18n.get().kind(kind)}</dd></div>
                <div><dt>{move || t().status}</dt><dd data-testid="case-status">{move || i18n.get().status(status)}</dd></div>
                <div><dt>{move || t().channel}</dt><dd>{move || i18n.get().channel(channel)}</dd></div>
                <div><dt>{move || t().category}</dt><dd>{move || i18n.get().category(&category)}</dd></div>
                <div><dt>{move || t().complexity}</dt><dd data-testid="case-complexity">{move || i18n.get().complexity(complexity)}</dd></div>
                <div><dt>{move || t().assignee}</dt><dd>{move || assignee.clone().unwrap_or_else(|| t().unassigned.to_string())}</dd></div>
                <div><dt>{move || t().created_at}</dt><dd>{full(c.created_at)}</dd></div>
            </dl>
            <h2>{move || t().clocks}</h2>
            <dl class="facts clocks">
                <div>
                    <dt>{move || t().first_response_due}</dt>
                    <dd><time data-testid="first-response-due" datetime=frd.to_rfc3339()>{full(frd)}</time></dd>
                </div>
                {responded.map(|r| view! {
                    <div><dt>{move || t().responded_at}</dt><dd><time datetime=r.to_rfc3339()>{full(r)}</time></dd></div>
                })}
                <div>
                    <dt>{move || t().resolution_due}</dt>
                    <dd><time data-testid="resolution-due" datetime=resolution.to_rfc3339()>{full(resolution)}</time></dd>
                </div>
                {step.map(|s| view! {
                    <div><dt>{move || t().current_step}</dt><dd data-testid="case-step">{move || i18n.get().step(s)}</dd></div>
                })}
                {step_due.map(|d| view! {
                    <div><dt>{move || t().step_due}</dt><dd><time datetime=d.to_rfc3339()>{full(d)}</time></dd></div>
                })}
                {regulatory.map(|d| view! {
                    <div><dt>{move || t().regulatory_due}</dt><dd><time data-testid="regulatory-due" datetime=d.to_rfc3339()>{full(d)}</time></dd></div>
                })}
                {case.regulatory_next.map(|next| view! {
                    <div>
                        <dt>{move || t().next_obligation}</dt>
                        <dd data-testid="regulatory-next">
                            {move || i18n.get().obligation(next.obligation)}" · "
                            <time datetime=next.due_at.to_rfc3339()>{full(next.due_at)}</time>
                        </dd>
                    </div>
                })}
            </dl>
            <h2>{move || t().description_heading}</h2>
            <p class="description" data-testid="case-description">{case.description.clone()}</p>
            <h2>{move || t().timeline}</h2>
            <ol class="timeline" data-testid="timeline">
                {case.events.iter().map(|e| {
                    let kind = e.kind;
                    let moved_to = e.status;
                    let step_to = e.step;
                    view! {
                        <li class=format!("event event-{}", kind.as_str()) data-testid="event">
                            <div class="event-head">
                                <span class="event-type">{move || i18n.get().event(kind)}</span>
                                {moved_to.map(|s| view! { <span class="event-status" data-testid="event-status">"→ "{move || i18n.get().status(s)}</span> })}
                                {step_to.map(|s| view! { <span class="event-status">"→ "{move || i18n.get().step(s)}</span> })}
                                {e.assignee_name.clone().map(|name| view! { <span class="event-status" data-testid="event-assignee">"→ "{name}</span> })}
                                {e.outcome.map(|o| view! { <span class="event-status" data-testid="event-outcome">{move || composer::call_outcome_label(i18n.get(), o)}</span> })}
                                <span class="muted">{e.author_name.clone().unwrap_or_default()}</span>
                                <time class="muted" datetime=e.created_at.to_rfc3339()>{full(e.created_at)}</time>
                            </div>
                            {match (kind, serde_json::from_str::<AssignmentReason>(&e.body)) {
                                (EventType::Assigned, Ok(why)) => view! { <p class="event-body" data-testid="assignment-reason">{move || assignment_text(i18n.get(), &why)}</p> }.into_any(),
                                // The sweep's alerts carry the deadline they are about.
                                (EventType::SlaDueSoon | EventType::SlaBreached | EventType::SlaEscalated | EventType::StepBreached, _) => {
                                    let due = chrono::DateTime::parse_from_rfc3339(&e.body).ok().map(|t| full(t.to_utc()));
                                    due.map(|d| view! { <p class="event-body">{move || i18n.get().tr("期限：", "Deadline: ")}{d.clone()}</p> }).into_any()
                                }
                                _ => (!e.body.is_empty()).then(|| view! { <p class="event-body">{e.body.clone()}</p> }).into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {match case.complaint.clone() {
                Some(record) => view! { <ComplaintPanel case=c.clone() record seen=seen.clone() on_change/> }.into_any(),
                None => view! { <Actions case=c.clone() seen=seen.clone() on_change/> }.into_any(),
            }}
            {c.status.is_open().then(|| view! { <HandOver case=c.clone() seen=seen.clone() on_change/> })}
            <ConflictBanner case=case.clone()/>
            {(c.kind == CaseKind::Inquiry && c.status.is_open()).then(|| view! { <SuggestedArticles case_id=c.id.clone()/> })}
            {(c.status.is_open() && !c.customer_name.is_empty()).then(|| view! { <BookForCustomer customer_id=c.customer_id.clone() case_id=c.id.clone()/> })}
            <Composer case=c.clone() seen on_change/>
        </section>
    }
}

/// Sends a transition; on success the page reloads the case, on failure it shows why.
fn send_transition(case_id: String, request: TransitionRequest, bench: Workbench, busy: RwSignal<bool>, error: RwSignal<Option<ApiError>>, on_change: Callback<()>, seen: Vec<String>) {
    busy.set(true);
    error.set(None);
    spawn_local(async move {
        let result = api::transition(case_id, request).await;
        busy.set(false);
        settle(result, bench, error, on_change, seen);
    });
}

/// The moves the lifecycle allows this user from here, and only those.
#[component]
fn Actions(case: Case, seen: Vec<String>, on_change: Callback<()>) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let i18n = use_i18n();
    let session = use_session();
    let t = move || i18n.get().t();
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let me = session.user.get_untracked();
    let from = case.status;
    // Taking the case is an assignment: the worker's rule decides it (domain::assignment).
    let may_take = me.as_ref().is_some_and(|u| {
        let held = domain::assignment::Held { kind: case.kind, assignee: case.assignee_id.as_deref() };
        domain::assignment::check(domain::assignment::Actor { id: &u.id, role: u.role }, held, domain::assignment::Move::Take, &u.id, false).is_ok()
    });
    let version = case.version;
    let request = move |to: Status, text: Option<String>| TransitionRequest {
        to: Some(to.as_str().to_string()),
        version,
        resolution: text.clone(),
        reason: text,
        ..TransitionRequest::default()
    };
    // Complaint steps move in the complaint workflow, with the records each step needs.
    let allowed: Vec<Status> = if case.kind == CaseKind::Complaint {
        Vec::new()
    } else {
        [Status::Assigned, Status::Resolved, Status::Closed]
            .into_iter()
            .filter(|to| {
                let probe = request(*to, Some("-".into()));
                match probe.inquiry_move(from) {
                    Some(InquiryMove::Assign) => may_take && from.apply(&InquiryMove::Assign).is_ok(),
                    Some(m) => me.is_some() && from.apply(&m).is_ok(),
                    None => false,
                }
            })
            .collect()
    };
    if allowed.is_empty() {
        return ().into_any();
    }
    let case_id = case.id.clone();
    let run = move |to: Status| {
        let text = Some(note.get_untracked()).filter(|n| !n.trim().is_empty());
        send_transition(case_id.clone(), request(to, text), bench, busy, error, on_change, seen.clone());
    };
    let label = move |to: Status| match (from, to) {
        (Status::New, Status::Assigned) => t().act_take,
        (_, Status::Assigned) => t().act_reopen,
        (_, Status::Resolved) => t().act_resolve,
        _ => t().act_close,
    };
    // A move needs a note when the lifecycle refuses it without one.
    let needs_note = allowed.iter().any(|to| {
        let bare = request(*to, None);
        bare.inquiry_move(from).is_some_and(|m| matches!(from.apply(&m), Err(domain::lifecycle::TransitionError::Missing(_))))
    });
    view! {
        <section class="card actions-card" data-testid="actions" aria-labelledby="actions-title">
            <h2 id="actions-title">{move || t().act_title}</h2>
            {needs_note.then(|| view! {
                <div class="field">
                    <label for="action-note">{move || t().act_note}</label>
                    <input id="action-note" data-testid="action-note" bind:value=note/>
                </div>
            })}
            <div class="actions">
                {allowed.into_iter().map(|to| {
                    let run = run.clone();
                    view! {
                        <button type="button" class="button" data-testid=format!("to-{}", to.as_str())
                            disabled=move || busy.get() on:click=move |_| run(to)>
                            {move || label(to)}
                        </button>
                    }
                }).collect_view()}
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="action-error">{e.message(i18n.get())}</p> })}
        </section>
    }
    .into_any()
}

/// What an agent can do with a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Investigate,
    Feedback,
    Pause,
    Resume,
    RequestExtension,
    ApproveExtension,
    RefuseExtension,
    Close,
    Review,
}

impl Act {
    const ALL: [Act; 9] = [
        Act::Investigate, Act::Feedback, Act::Pause, Act::Resume, Act::RequestExtension,
        Act::ApproveExtension, Act::RefuseExtension, Act::Close, Act::Review,
    ];

    fn test_id(self) -> &'static str {
        match self {
            Act::Investigate => "cmp-investigation",
            Act::Feedback => "cmp-feedback",
            Act::Pause => "cmp-pause",
            Act::Resume => "cmp-resume",
            Act::RequestExtension => "cmp-request-extension",
            Act::ApproveExtension => "cmp-approve-extension",
            Act::RefuseExtension => "cmp-refuse-extension",
            Act::Close => "cmp-close",
            Act::Review => "cmp-review",
        }
    }

    fn label(self, t: &'static crate::i18n::Texts) -> &'static str {
        match self {
            Act::Investigate => t.cmp_advance_investigation,
            Act::Feedback => t.cmp_advance_feedback,
            Act::Pause => t.cmp_pause,
            Act::Resume => t.cmp_resume,
            Act::RequestExtension => t.cmp_request_extension,
            Act::ApproveExtension => t.cmp_approve_extension,
            Act::RefuseExtension => t.cmp_refuse_extension,
            Act::Close => t.cmp_close,
            Act::Review => t.cmp_request_review,
        }
    }

    /// The request for this act, from what the form holds.
    fn request(self, version: i64, f: &ComplaintFields) -> TransitionRequest {
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let base = TransitionRequest { version, reason: text(f.reason), ..TransitionRequest::default() };
        let action = |a| TransitionRequest { action: Some(a), ..base.clone() };
        match self {
            Act::Investigate => TransitionRequest { to: Some("investigation".into()), ..base },
            Act::Feedback => TransitionRequest { to: Some("feedback".into()), ..base },
            Act::Pause => TransitionRequest {
                pause_reason: Some(if f.appraisal.get_untracked() { PauseReason::ExternalAppraisal } else { PauseReason::WaitingOnCustomer }),
                ..action(ComplaintAction::Pause)
            },
            Act::Resume => action(ComplaintAction::Resume),
            Act::RequestExtension => action(ComplaintAction::RequestExtension),
            Act::ApproveExtension => TransitionRequest { customer_informed: Some(f.informed.get_untracked()), ..action(ComplaintAction::ApproveExtension) },
            Act::RefuseExtension => action(ComplaintAction::RefuseExtension),
            Act::Review => action(ComplaintAction::RequestReview),
            Act::Close => TransitionRequest {
                to: Some("closed".into()),
                outcome: f.outcome.get_untracked().parse().ok(),
                root_cause: text(f.root_cause),
                prevention: text(f.prevention),
                redress_type: f.redress.get_untracked().parse().ok(),
                redress_amount: f.amount.get_untracked().trim().parse::<f64>().ok().map(|y| (y * 100.0).round() as i64),
                customer_informed: Some(f.informed.get_untracked()),
                customer_opinion: f.opinion.get_untracked().parse().ok(),
                ..base
            },
        }
    }

    /// Whether the lifecycle allows this act now for this role (probed with complete input).
    fn allowed(self, record: &ComplaintRecord, case: &Case, role: domain::Role) -> bool {
        let probe = ComplaintFields::complete();
        let req = self.request(case.version, &probe);
        let position = record.position(case.status, case.step);
        let next_step_matches = match self {
            Act::Investigate => position.state == domain::lifecycle::ComplaintState::Review,
            Act::Feedback => position.state == domain::lifecycle::ComplaintState::Investigation,
            _ => true,
        };
        next_step_matches
            && req.complaint_move().is_some_and(|m| position.apply(&m, role, crate::components::time::now_utc()).is_ok())
    }
}

/// The complaint form's fields, shared by every act.
#[derive(Clone, Copy)]
struct ComplaintFields {
    reason: RwSignal<String>,
    appraisal: RwSignal<bool>,
    outcome: RwSignal<String>,
    root_cause: RwSignal<String>,
    prevention: RwSignal<String>,
    redress: RwSignal<String>,
    amount: RwSignal<String>,
    informed: RwSignal<bool>,
    opinion: RwSignal<String>,
}

impl ComplaintFields {
    fn new() -> Self {
        let s = |v: &str| RwSignal::new(v.to_string());
        ComplaintFields {
            reason: s(""),
            appraisal: RwSignal::new(false),
            outcome: s(""),
            root_cause: s(""),
            prevention: s(""),
            redress: s(""),
            amount: s(""),
            informed: RwSignal::new(false),
            opinion: s(""),
        }
    }

    /// Fields filled in, to ask the lifecycle whether an act is possible at all.
    fn complete() -> Self {
        let s = |v: &str| RwSignal::new(v.to_string());
        ComplaintFields {
            reason: s("-"),
            appraisal: RwSignal::new(false),
            outcome: s("not_upheld"),
            root_cause: s("other"),
            prevention: s(""),
            redress: s(""),
            amount: s(""),
            informed: RwSignal::new(true),
            opinion: s(""),
        }
    }
}

#[component]
fn ComplaintPanel(case: Case, record: ComplaintRecord, seen: Vec<String>, on_change: Callback<()>) -> impl IntoView {
    let bench = expect_context::<Workbench>();
    let i18n = use_i18n();
    let session = use_session();
    let t = move || i18n.get().t();
    let role = session.user.get_untracked().map(|u| u.role).unwrap_or(domain::Role::Agent);
    let acts: Vec<Act> = Act::ALL.into_iter().filter(|a| a.allowed(&record, &case, role)).collect();
    let active = RwSignal::new(None::<Act>);
    let fields = ComplaintFields::new();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let version = case.version;
    let case_id = StoredValue::new(case.id.clone());
    let seen = StoredValue::new(seen);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(act) = active.get_untracked() else { return };
        send_transition(case_id.get_value(), act.request(version, &fields), bench, busy, error, on_change, seen.get_value());
    };
    let needs_reason = move || matches!(active.get(), Some(Act::Investigate | Act::Feedback | Act::Pause | Act::RequestExtension | Act::Review));
    let record_view = view! {
        <dl class="facts">
            {record.paused.then(|| view! { <div><dt>{move || t().cmp_title}</dt><dd class="warn" data-testid="cmp-paused">{move || t().cmp_paused_now}</dd></div> })}
            <div><dt>{move || t().cmp_extension}</dt><dd data-testid="cmp-extension">{let e = record.extension; move || i18n.get().extension(e)}</dd></div>
            {record.outcome.map(|o| view! { <div><dt>{move || t().cmp_outcome}</dt><dd data-testid="cmp-outcome">{move || i18n.get().outcome(o)}</dd></div> })}
            {record.root_cause.clone().map(|r| view! { <div><dt>{move || t().cmp_root_cause}</dt><dd>{move || i18n.get().root_cause(&r)}</dd></div> })}
            {record.redress_type.map(|r| {
                let amount = record.redress_amount.map(|a| format!(" ¥{:.2}", a as f64 / 100.0)).unwrap_or_default();
                view! { <div><dt>{move || t().cmp_redress_type}</dt><dd>{move || i18n.get().redress(r)}{amount.clone()}</dd></div> }
            })}
            {record.customer_opinion.map(|o| view! { <div><dt>{move || t().cmp_opinion}</dt><dd>{move || i18n.get().opinion(o)}</dd></div> })}
            {record.closed_at.map(|c| view! { <div><dt>{move || t().cmp_closed_at}</dt><dd><time datetime=c.to_rfc3339()>{full(c)}</time></dd></div> })}
            {record.merged_into.clone().map(|m| view! { <div><dt>{move || t().cmp_merged_into}</dt><dd><a href=format!("/cases/{m}")>{m.clone()}</a></dd></div> })}
        </dl>
    };
    view! {
        <section class="card" data-testid="complaint-panel" aria-labelledby="complaint-title">
            <h2 id="complaint-title">{move || t().cmp_title}</h2>
            {record_view}
            <div class="actions wrap">
                {acts.iter().map(|act| {
                    let act = *act;
                    view! {
                        <button type="button" data-testid=act.test_id()
                            class=move || if active.get() == Some(act) { "button primary" } else { "button" }
                            aria-pressed=move || (active.get() == Some(act)).to_string()
                            on:click=move |_| { error.set(None); active.set(Some(act)); }>
                            {move || act.label(i18n.get().t())}
                        </button>
                    }
                }).collect_view()}
            </div>
            <Show when=move || active.get().is_some()>
                <form class="inline-form" on:submit=submit novalidate data-testid="complaint-form">
                    <Show when=needs_reason>
                        <div class="field">
                            <label for="cmp-reason">{move || t().cmp_reason}</label>
                            <textarea id="cmp-reason" rows="2" data-testid="cmp-reason" bind:value=fields.reason></textarea>
                        </div>
                    </Show>
                    <Show when=move || active.get() == Some(Act::Pause)>
                        <p class="form-title">{move || t().cmp_pause_reason}</p>
                        <label class="check"><input type="checkbox" data-testid="cmp-appraisal" bind:checked=fields.appraisal/>
                            {move || i18n.get().pause_reason(PauseReason::ExternalAppraisal)}</label>
                    </Show>
                    <Show when=move || active.get() == Some(Act::ApproveExtension)>
                        <label class="check"><input type="checkbox" data-testid="cmp-informed-ext" bind:checked=fields.informed/>{move || t().cmp_informed_ext}</label>
                    </Show>
                    <Show when=move || active.get() == Some(Act::Close)>
                        <div class="grid-2">
                            <div class="field">
                                <label for="cmp-outcome">{move || t().cmp_outcome}</label>
                                <select id="cmp-outcome" data-testid="cmp-outcome-select" bind:value=fields.outcome>
                                    <option value="">"—"</option>
                                    {Outcome::ALL.iter().map(|o| view! { <option value=o.as_str()>{move || i18n.get().outcome(*o)}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="cmp-root">{move || t().cmp_root_cause}</label>
                                <select id="cmp-root" data-testid="cmp-root-cause" bind:value=fields.root_cause>
                                    <option value="">"—"</option>
                                    {ROOT_CAUSES.iter().map(|c| view! { <option value=*c>{move || i18n.get().root_cause(c)}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="cmp-redress">{move || t().cmp_redress_type}</label>
                                <select id="cmp-redress" data-testid="cmp-redress" bind:value=fields.redress>
                                    <option value="">{move || t().cmp_none}</option>
                                    {RedressType::ALL.iter().map(|r| view! { <option value=r.as_str()>{move || i18n.get().redress(*r)}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="cmp-amount">{move || t().cmp_redress_amount}</label>
                                <input id="cmp-amount" inputmode="decimal" data-testid="cmp-amount" bind:value=fields.amount/>
                            </div>
                            <div class="field">
                                <label for="cmp-prevention">{move || t().cmp_prevention}</label>
                                <input id="cmp-prevention" bind:value=fields.prevention/>
                            </div>
                            <div class="field">
                                <label for="cmp-opinion">{move || t().cmp_opinion}</label>
                                <select id="cmp-opinion" data-testid="cmp-opinion" bind:value=fields.opinion>
                                    <option value="">"—"</option>
                                    {Opinion::ALL.iter().map(|o| view! { <option value=o.as_str()>{move || i18n.get().opinion(*o)}</option> }).collect_view()}
                                </select>
                            </div>
                        </div>
                        <label class="check"><input type="checkbox" data-testid="cmp-informed" bind:checked=fields.informed/>{move || t().cmp_informed}</label>
                    </Show>
                    {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="cmp-error">{e.message(i18n.get())}</p> })}
                    <button type="submit" class="button primary" data-testid="cmp-submit" disabled=move || busy.get()>
                        {move || if busy.get() { t().saving } else { t().cmp_submit }}
                    </button>
                </form>
            </Show>
        </section>
    }
}

/// "By skill: Cards · current load 2 · rotated among equals", in the user's language.
fn assignment_text(lang: crate::i18n::Lang, why: &AssignmentReason) -> String {
    let t = lang.t();
    let mut parts = vec![match &why.skill {
        Some(s) if s == domain::routing::COMPLAINT_SKILL => format!("{}: {}", t.why_skill, lang.kind(CaseKind::Complaint)),
        Some(s) => format!("{}: {}", t.why_skill, lang.category(s)),
        None => t.why_no_skill.to_string(),
    }];
    parts.push(format!("{} {}", t.why_load, why.load));
    if why.rotated {
        parts.push(t.why_rotated.to_string());
    }
    if why.recused > 0 {
        parts.push(t.why_recused.to_string());
    }
    parts.join(" · ")
}

/// The fraud-risk warning of a sensitive case, with how identity was verified.
#[component]
fn FraudWarning(case: Case, seen: Vec<String>, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let method = RwSignal::new(domain::Identity::SmsCode.as_str().to_string());
    let error = RwSignal::new(None::<ApiError>);
    let verified = case.identity != domain::Identity::NotVerified;
    let identity = case.identity;
    let id = StoredValue::new(case.id.clone());
    let version = case.version;
    let seen = StoredValue::new(seen);
    let bench = expect_context::<Workbench>();
    let record = move |_| {
        let check = domain::api::IdentityCheck { method: method.get_untracked().parse().unwrap_or(domain::Identity::SmsCode), version };
        spawn_local(async move {
            let result = api::verify_identity(id.get_value(), check).await;
            settle(result, bench, error, on_change, seen.get_value());
        });
    };
    view! {
        <section class="fraud" role="note" data-testid="fraud-warning" aria-labelledby="fraud-title">
            <h2 id="fraud-title">{move || t().fraud_title}</h2>
            <p>{move || t().fraud_body}</p>
            <p>
                <strong>{move || t().identity}": "</strong>
                <span data-testid="identity">{move || i18n.get().identity(identity)}</span>
            </p>
            {(!verified).then(|| view! {
                <div class="actions">
                    <label class="visually-hidden" for="identity-method">{move || t().identity}</label>
                    <select id="identity-method" data-testid="identity-method" class="inline-select" bind:value=method>
                        {[domain::Identity::SmsCode, domain::Identity::Face, domain::Identity::IdDocument].into_iter().map(|m| view! {
                            <option value=m.as_str()>{move || i18n.get().identity(m)}</option>
                        }).collect_view()}
                    </select>
                    <button type="button" class="button" data-testid="identity-record" on:click=record>{move || t().identity_record}</button>
                </div>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> })}
        </section>
    }
}
