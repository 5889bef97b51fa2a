//! The case page's writing tools: the composer with canned replies, and the hand-over card.

use domain::api::{AssignRequest, Case, EscalateRequest, NewEvent};
use domain::case::CallOutcome;
use domain::EventType;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{settle, Workbench};
use crate::api::{self, ApiError};
use crate::components::feedback::Loading;
use crate::i18n::use_i18n;
use crate::session::use_session;

/// Reply, internal note or call log. The draft lives in the page's `Workbench`, so it survives
/// a reload after someone else's change.
#[component]
pub fn Composer(case: Case, seen: Vec<String>, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let bench = expect_context::<Workbench>();
    let (kind, body) = (bench.kind, bench.draft);
    let outcome = RwSignal::new(CallOutcome::Reached.as_str().to_string());
    let error = RwSignal::new(None::<ApiError>);
    let saving = RwSignal::new(false);
    let version = case.version;
    let case_id = StoredValue::new(case.id.clone());
    let seen = StoredValue::new(seen);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let event_kind = kind.get_untracked().parse().unwrap_or(EventType::Note);
        let outcome = (event_kind == EventType::Call).then(|| outcome.get_untracked().parse().ok()).flatten();
        let event = NewEvent { kind: event_kind, body: body.get_untracked(), version, outcome };
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::add_event(case_id.get_value(), event).await;
            saving.set(false);
            if settle(result, bench, error, on_change, seen.get_value()) {
                body.set(String::new());
            }
        });
    };
    view! {
        <form class="composer card" on:submit=submit novalidate data-testid="composer">
            <h2>{move || t().composer}</h2>
            <div class="composer-head">
                <div class="field">
                    <label for="event-type">{move || t().event_type}</label>
                    <select id="event-type" data-testid="event-type" bind:value=kind>
                        {[EventType::Reply, EventType::Note, EventType::Call].into_iter().map(|k| view! {
                            <option value=k.as_str()>{move || i18n.get().event(k)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Show when=move || kind.get() == EventType::Call.as_str()>
                    <div class="field">
                        <label for="call-outcome">{move || i18n.get().tr("通话结果", "Call outcome")}</label>
                        <select id="call-outcome" data-testid="call-outcome" bind:value=outcome>
                            {[CallOutcome::Reached, CallOutcome::Unreachable].into_iter().map(|o| view! {
                                <option value=o.as_str()>{move || call_outcome_label(i18n.get(), o)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <CannedPicker case/>
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

pub fn call_outcome_label(lang: crate::i18n::Lang, o: CallOutcome) -> &'static str {
    match o {
        CallOutcome::Reached => lang.tr("已接通", "Reached"),
        CallOutcome::Unreachable => lang.tr("未接通", "Not reached"),
    }
}

/// Canned replies, searchable; choosing one fills in the customer's name, the agent's name and
/// the reference, and adds it to the draft as a reply.
#[component]
fn CannedPicker(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let session = use_session();
    let bench = expect_context::<Workbench>();
    let open = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    // Loaded when the picker first opens, then filtered on every keystroke.
    let replies = LocalResource::new(move || async move {
        if open.get() { api::canned_replies(String::new(), false).await.map(Some) } else { Ok(None) }
    });
    let customer = StoredValue::new(case.customer_name.clone());
    let reference = StoredValue::new(case.reference.clone());
    let choose = move |template: String| {
        let agent = session.user.get_untracked().map(|u| u.name).unwrap_or_default();
        let values = domain::canned::Values { customer_name: &customer.get_value(), agent_name: &agent, reference: &reference.get_value() };
        let text = domain::canned::fill(&template, values);
        bench.draft.update(|d| {
            if !d.trim().is_empty() {
                d.push('\n');
            }
            d.push_str(&text);
        });
        bench.kind.set(EventType::Reply.as_str().to_string());
        open.set(false);
        focus("event-body");
    };
    view! {
        <div class="canned">
            <button type="button" class="button ghost" data-testid="canned-open" aria-expanded=move || open.get().to_string()
                aria-controls="canned-panel" on:click=move |_| {
                    open.update(|o| *o = !*o);
                    focus("canned-search");
                }>
                {move || tr("插入常用回复", "Insert a canned reply")}
            </button>
            <Show when=move || open.get()>
                <div class="canned-panel" id="canned-panel" data-testid="canned-panel">
                    <label class="visually-hidden" for="canned-search">{move || tr("搜索常用回复", "Search canned replies")}</label>
                    <input id="canned-search" type="search" data-testid="canned-search"
                        placeholder=move || tr("按标题或内容搜索", "Search by title or text") bind:value=query/>
                    {move || match replies.get() {
                        None | Some(Ok(None)) => view! { <Loading/> }.into_any(),
                        Some(Err(e)) => view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> }.into_any(),
                        Some(Ok(Some(all))) => {
                            let q = query.get();
                            let shown: Vec<_> = all.into_iter().filter(|r| domain::canned::matches(&q, &r.title, &r.body)).collect();
                            if shown.is_empty() {
                                return view! { <p class="muted" data-testid="canned-empty">{move || tr("没有匹配的常用回复", "No canned reply matches")}</p> }.into_any();
                            }
                            view! {
                                <ul class="canned-list">
                                    {shown.into_iter().map(|r| {
                                        let body = r.body.clone();
                                        view! {
                                            <li>
                                                <button type="button" class="canned-item" data-testid="canned-item" on:click=move |_| choose(body.clone())>
                                                    <strong>{r.title.clone()}</strong>
                                                    <span class="muted">{r.body.chars().take(80).collect::<String>()}</span>
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }}
                </div>
            </Show>
        </div>
    }
}

/// Moves keyboard focus to an element once it is on the page.
fn focus(id: &'static str) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
}

/// Reassign to a colleague, or escalate to a supervisor, with the reason on the timeline.
#[component]
pub fn HandOver(case: Case, seen: Vec<String>, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let staff = LocalResource::new(api::staff);
    let bench = expect_context::<Workbench>();
    let to = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let case_id = StoredValue::new(case.id.clone());
    let seen = StoredValue::new(seen);
    let version = case.version;
    let current = case.assignee_id.clone();
    let send = move |escalate: bool| {
        let text = reason.get_untracked();
        let assignee_id = to.get_untracked();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = if escalate {
                api::escalate_case(case_id.get_value(), EscalateRequest { reason: text, version }).await
            } else {
                let reason = Some(text).filter(|r| !r.trim().is_empty());
                api::assign_case(case_id.get_value(), AssignRequest { assignee_id, version, reason }).await
            };
            busy.set(false);
            settle(result, bench, error, on_change, seen.get_value());
        });
    };
    view! {
        <section class="card" data-testid="hand-over" aria-labelledby="hand-over-title">
            <h2 id="hand-over-title">{move || tr("移交与升级", "Hand over")}</h2>
            <div class="grid-2">
                <div class="field">
                    <label for="hand-over-to">{move || tr("转交给", "Reassign to")}</label>
                    <select id="hand-over-to" data-testid="hand-over-to" bind:value=to>
                        <option value="">"—"</option>
                        {move || staff.get().and_then(Result::ok).unwrap_or_default().into_iter()
                            .filter(|m| Some(&m.id) != current.as_ref())
                            .map(|m| {
                                let role = m.role;
                                let team = m.team_name.clone().map(|t| format!(" · {t}")).unwrap_or_default();
                                view! { <option value=m.id.clone()>{m.name.clone()}" · "{move || i18n.get().role(role)}{team}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="hand-over-reason">{move || tr("原因（升级时必填）", "Reason (required to escalate)")}</label>
                    <input id="hand-over-reason" data-testid="hand-over-reason" bind:value=reason/>
                </div>
            </div>
            <div class="actions">
                <button type="button" class="button" data-testid="reassign" disabled=move || busy.get() || to.get().is_empty()
                    on:click=move |_| send(false)>
                    {move || tr("转交", "Reassign")}
                </button>
                <button type="button" class="button" data-testid="escalate" disabled=move || busy.get() on:click=move |_| send(true)>
                    {move || tr("升级至主管", "Escalate to a supervisor")}
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="hand-over-error">{e.message(i18n.get())}</p> })}
        </section>
    }
}
