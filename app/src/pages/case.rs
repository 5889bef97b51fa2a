//! One case: its header, every clock with its state, the description, the timeline (oldest
//! first), and the composer for replies, internal notes and call logs.

use domain::api::{Case, CaseDetail, NewEvent, TransitionRequest};
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

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = LocalResource::new(move || api::get_case(id()));
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
    view! {
        <section class="page" aria-labelledby="page-title" data-testid="case-page">
            <div class="page-head">
                <div>
                    <p class="mono muted" data-testid="case-reference">{c.reference.clone()}</p>
                    <h1 id="page-title" data-testid="case-subject">{c.subject.clone()}</h1>
                </div>
                <SlaBadge case=c.clone()/>
            </div>
            <dl class="facts">
                <div><dt>{move || t().customer}</dt><dd data-testid="case-customer">{c.customer_name.clone()}</dd></div>
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
                    view! {
                        <li class=format!("event event-{}", kind.as_str()) data-testid="event">
                            <div class="event-head">
                                <span class="event-type">{move || i18n.get().event(kind)}</span>
                                {moved_to.map(|s| view! { <span class="event-status" data-testid="event-status">"→ "{move || i18n.get().status(s)}</span> })}
                                <span class="muted">{e.author_name.clone().unwrap_or_default()}</span>
                                <time class="muted" datetime=e.created_at.to_rfc3339()>{full(e.created_at)}</time>
                            </div>
                            {(!e.body.is_empty()).then(|| view! { <p class="event-body">{e.body.clone()}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <Actions case=c.clone() on_change/>
            <Composer case_id=c.id.clone() version=c.version on_change/>
        </section>
    }
}

#[component]
fn Composer(case_id: String, version: i64, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let kind = RwSignal::new(EventType::Reply.as_str().to_string());
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let saving = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let event = NewEvent { kind: kind.get_untracked().parse().unwrap_or(EventType::Note), body: body.get_untracked(), version };
        let case_id = case_id.clone();
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::add_event(case_id, event).await;
            saving.set(false);
            match result {
                Ok(_) => {
                    body.set(String::new());
                    on_change.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="composer card" on:submit=submit novalidate data-testid="composer">
            <h2>{move || t().composer}</h2>
            <div class="field">
                <label for="event-type">{move || t().event_type}</label>
                <select id="event-type" data-testid="event-type" bind:value=kind>
                    {[EventType::Reply, EventType::Note, EventType::Call].into_iter().map(|k| view! {
                        <option value=k.as_str()>{move || i18n.get().event(k)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="event-body">{move || t().event_body}</label>
                <textarea id="event-body" rows="4" data-testid="event-body" bind:value=body></textarea>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> })}
            <button type="submit" class="button primary" data-testid="event-submit" disabled=move || saving.get()>
                {move || if saving.get() { t().saving } else { t().add_event }}
            </button>
        </form>
    }
}

/// The moves the lifecycle allows this user from here, and only those.
#[component]
fn Actions(case: Case, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let t = move || i18n.get().t();
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let role = session.user.get_untracked().map(|u| u.role);
    let from = case.status;
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
                match (probe.inquiry_move(from), role) {
                    (Some(m), Some(r)) => from.apply(&m, r).is_ok(),
                    _ => false,
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
        let req = request(to, text);
        let id = case_id.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::transition(id, req).await;
            busy.set(false);
            match result {
                Ok(_) => on_change.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let label = move |to: Status| match (from, to) {
        (Status::New, Status::Assigned) => t().act_take,
        (_, Status::Assigned) => t().act_reopen,
        (_, Status::Resolved) => t().act_resolve,
        _ => t().act_close,
    };
    let needs_note = allowed.iter().any(|s| matches!((from, s), (_, Status::Resolved) | (Status::Resolved | Status::Closed, Status::Assigned)));
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
