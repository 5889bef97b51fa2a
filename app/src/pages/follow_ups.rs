//! Follow-ups (回访): the day's call list, and the call itself — the customer's context, the
//! script for why they are called, and what came of the call.

use domain::api::{AttemptRequest, FollowUp};
use domain::case::CallOutcome;
use domain::follow_up::call::Ending;
use domain::follow_up::Reason;
use domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::feedback::{loader, Empty, ErrorPanel, Loading};
use crate::components::time::{from_local, full, use_now};
use crate::i18n::{use_i18n, Lang};
use crate::session::use_session;

/// The lists the page offers: the signed-in person's day and overdue ones; supervisors also
/// see the whole desk's day and what nobody holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    MyDay,
    MyOverdue,
    Team,
    Unassigned,
}

impl View {
    fn query(self) -> Vec<(&'static str, String)> {
        match self {
            View::MyDay => vec![("assignee", "me".into()), ("due", "today".into())],
            View::MyOverdue => vec![("assignee", "me".into()), ("due", "overdue".into())],
            View::Team => vec![("due", "today".into())],
            View::Unassigned => vec![("assignee", "none".into())],
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            View::MyDay => lang.tr("今日待拨", "Today's calls"),
            View::MyOverdue => lang.tr("已逾期", "Overdue"),
            View::Team => lang.tr("全部今日", "Everyone's today"),
            View::Unassigned => lang.tr("未分派", "Unassigned"),
        }
    }

    fn test_id(self) -> &'static str {
        match self {
            View::MyDay => "fu-view-mine",
            View::MyOverdue => "fu-view-overdue",
            View::Team => "fu-view-team",
            View::Unassigned => "fu-view-unassigned",
        }
    }
}

pub fn reason_label(lang: Lang, r: Reason) -> &'static str {
    match r {
        Reason::FirstProduct => lang.tr("新客户首次回访", "First follow-up"),
        Reason::Periodic => lang.tr("定期回访", "Periodic"),
        Reason::AfterComplaint => lang.tr("投诉后回访", "After a complaint"),
        Reason::Purchase => lang.tr("售后回访", "After a sale"),
    }
}

fn outcome_label(lang: Lang, o: CallOutcome) -> &'static str {
    crate::pages::case::composer::call_outcome_label(lang, o)
}

fn ending_label(lang: Lang, e: Ending) -> &'static str {
    match e {
        Ending::Done => lang.tr("已完成", "Done"),
        Ending::Refused => lang.tr("客户拒绝", "Refused"),
        Ending::Unreachable => lang.tr("无法联系", "Unreachable"),
        Ending::NoConsent => lang.tr("客户未同意联系", "No consent"),
    }
}

/// `/follow-ups`: the call list; supervisors also hand one or many to a colleague.
#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let session = use_session();
    let supervisor = move || session.user.with(|u| u.as_ref().is_some_and(|u| u.role.includes(Role::Supervisor)));
    let view = RwSignal::new(View::MyDay);
    // In the team view, whose follow-ups (an absent colleague's, to hand over); everyone's when empty.
    let holder = RwSignal::new(String::new());
    let (data, error, loading, reload) = loader(move || {
        let mut query = view.get_untracked().query();
        let whose = holder.get_untracked();
        if view.get_untracked() == View::Team && !whose.is_empty() {
            query.push(("assignee", whose));
        }
        api::follow_ups(query)
    });
    // The rows ticked for reassignment, with the version each was listed at.
    let selected = RwSignal::new(Vec::<(String, i64)>::new());
    Effect::new(move |_| {
        view.track();
        holder.track();
        selected.set(Vec::new());
        reload.run(());
    });
    let staff = LocalResource::new(api::staff);
    let now = use_now();
    let views = move || {
        let mut all = vec![View::MyDay, View::MyOverdue];
        if supervisor() {
            all.extend([View::Team, View::Unassigned]);
        }
        all
    };
    let selectable = move || supervisor() && matches!(view.get(), View::Team | View::Unassigned);
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || tr("回访", "Follow-ups")}</h1>
            <p class="hint">{move || tr(
                "按顺序拨打：到点的预约回拨优先，其次是犹豫期和到期时间，再按客户层级。犹豫期内的售后回访必须在截止前完成。",
                "Work down the list: call-backs whose time has come first, then by cooling-off and due time, then by value tier. A follow-up inside a cooling-off period must be made before it ends.",
            )}</p>
            <div class="tabs" role="tablist">
                {move || views().into_iter().map(|v| view! {
                    <button type="button" role="tab" class=move || if view.get() == v { "tab active" } else { "tab" } data-testid=v.test_id()
                        aria-selected=move || (view.get() == v).to_string()
                        on:click=move |_| view.set(v)>
                        {move || v.label(i18n.get())}
                    </button>
                }).collect_view()}
            </div>
            <Show when=move || supervisor() && view.get() == View::Team>
                <div class="filters">
                    <label for="fu-holder">{move || tr("回访人", "Held by")}</label>
                    <select id="fu-holder" data-testid="follow-up-holder-filter" bind:value=holder>
                        <option value="">{move || tr("全部", "Everyone")}</option>
                        {move || staff_options(staff)}
                    </select>
                </div>
            </Show>
            <Show when=selectable><Reassign selected reload staff/></Show>
            {move || error.get().map(|e| view! { <ErrorPanel error=e retry=reload/> })}
            {move || match (loading.get(), data.get()) {
                (true, None) => view! { <Loading/> }.into_any(),
                (_, Some(page)) if page.items.is_empty() => view! {
                    <Empty title=Signal::derive(move || tr("没有待拨的回访", "No follow-ups to call"))
                        hint=Signal::derive(move || tr("计划的回访到期后会出现在这里。", "Planned follow-ups appear here when they are due."))/>
                }.into_any(),
                (_, Some(page)) => {
                    let all: Vec<(String, i64)> = page.items.iter().map(|f| (f.id.clone(), f.version)).collect();
                    let count = all.len();
                    let pick = selectable();
                    view! {
                    <div class="table-wrap"><table class="grid-table" data-testid="follow-up-table">
                        <thead><tr>
                            {pick.then(|| view! {
                                <th scope="col"><input type="checkbox" data-testid="follow-up-select-all"
                                    aria-label=move || tr("全选", "Select all")
                                    prop:checked=move || selected.with(|s| s.len() == count)
                                    on:change:target=move |ev| selected.set(if ev.target().checked() { all.clone() } else { Vec::new() })/></th>
                            })}
                            <th scope="col">{move || tr("编号", "Ref.")}</th>
                            <th scope="col">{move || tr("原因", "Reason")}</th>
                            <th scope="col">{move || tr("客户", "Customer")}</th>
                            <th scope="col">{move || tr("产品", "Product")}</th>
                            <th scope="col">{move || tr("截止", "Due")}</th>
                            <th scope="col">{move || tr("已拨", "Tries")}</th>
                            <th scope="col">{move || tr("上次结果", "Last outcome")}</th>
                            {pick.then(|| view! { <th scope="col">{move || tr("回访人", "Held by")}</th> })}
                        </tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|f| row(f, now, pick.then_some(selected))).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()},
                (false, None) => ().into_any(),
            }}
        </section>
    }
}

/// Hands the ticked follow-ups to one colleague, one assignment each (each checked, audited and
/// on its timeline as any assignment), then says how many moved.
#[component]
fn Reassign(selected: RwSignal<Vec<(String, i64)>>, reload: Callback<()>, staff: LocalResource<Result<Vec<domain::api::StaffMember>, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let to = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<(usize, Option<ApiError>)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (chosen, assignee) = (selected.get_untracked(), to.get_untracked());
        if chosen.is_empty() || assignee.is_empty() {
            return;
        }
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let (mut moved, mut failed) = (0, None);
            for (id, version) in chosen {
                let request = domain::api::AssignRequest { assignee_id: assignee.clone(), version, reason: Some("回访重新分派".into()) };
                match api::assign_case(id, request).await {
                    Ok(_) => moved += 1,
                    Err(e) => failed = Some(e),
                }
            }
            busy.set(false);
            selected.set(Vec::new());
            outcome.set(Some((moved, failed)));
            reload.run(());
        });
    };
    view! {
        <form class="filters" on:submit=submit data-testid="reassign-form">
            <label for="fu-reassign">{move || format!("{} {}", tr("已选", "Selected"), selected.with(Vec::len))}{move || tr(" 条，分派给", ", hand to")}</label>
            <select id="fu-reassign" data-testid="reassign-to" bind:value=to>
                <option value="">{move || tr("选择同事…", "Choose a colleague…")}</option>
                {move || staff_options(staff)}
            </select>
            <button type="submit" class="button primary" data-testid="reassign-save"
                disabled=move || busy.get() || to.get().is_empty() || selected.with(Vec::is_empty)>{move || tr("分派", "Hand over")}</button>
            <span aria-live="polite" data-testid="reassign-outcome">{move || outcome.get().map(|(moved, failed)| {
                let lang = i18n.get();
                let mut text = format!("{} {moved} {}", lang.tr("已分派", "Handed over"), lang.tr("条", "follow-up(s)"));
                if let Some(e) = failed {
                    text.push_str(&format!(" · {} {}", lang.tr("部分未分派：", "some were not:"), e.message(lang)));
                }
                text
            })}</span>
        </form>
    }
}

/// The staff as choices: name and team.
fn staff_options(staff: LocalResource<Result<Vec<domain::api::StaffMember>, ApiError>>) -> impl IntoView {
    staff.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|m| {
        let label = format!("{}{}", m.name, m.team_name.map(|t| format!(" · {t}")).unwrap_or_default());
        view! { <option value=m.id>{label}</option> }
    }).collect_view()
}

fn row(f: FollowUp, now: RwSignal<chrono::DateTime<chrono::Utc>>, selected: Option<RwSignal<Vec<(String, i64)>>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let deadline = f.cooling_off_ends_at.unwrap_or(f.due_at);
    let cooling = f.cooling_off_ends_at.is_some();
    let callback = f.callback_at;
    let (reason, segment, outcome) = (f.reason, f.segment, f.last_outcome);
    let (id, version) = (f.id.clone(), f.version);
    let holder = f.assignee_name.clone();
    view! {
        <tr data-testid="follow-up-row" data-id=f.id.clone()>
            {selected.map(|selected| {
                let key = id.clone();
                view! {
                    <td><input type="checkbox" data-testid="follow-up-select" aria-label=move || format!("{} {}", tr("选择", "Select"), key)
                        prop:checked={let id = id.clone(); move || selected.with(|s| s.iter().any(|(i, _)| *i == id))}
                        on:change:target={let id = id.clone(); move |ev| selected.update(|s| {
                            s.retain(|(i, _)| *i != id);
                            if ev.target().checked() {
                                s.push((id.clone(), version));
                            }
                        })}/></td>
                }
            })}
            <td><a href=format!("/follow-ups/{}", f.id) data-testid="follow-up-open">{f.reference.clone()}</a></td>
            <td>{move || reason_label(i18n.get(), reason)}
                {callback.map(|at| view! { <span class="badge" data-testid="follow-up-callback">{move || tr("约定回拨 ", "Call back ")}{full(at)}</span> })}
            </td>
            <td>{f.customer_name.clone()}" · "{move || i18n.get().segment(segment)}</td>
            <td>{let name = f.product_name.clone(); move || name.as_ref().map(|n| n.get(i18n.get().code()).to_string()).unwrap_or_default()}
                {f.mismatch.then(|| view! { <span class="badge bad" data-testid="follow-up-mismatch">{move || tr("适当性不匹配", "Suitability mismatch")}</span> })}
            </td>
            <td class=move || if deadline < now.get() { "overdue" } else { "" } data-testid="follow-up-deadline">
                {full(deadline)}{cooling.then(|| view! { <span class="badge">{move || tr("犹豫期", "Cooling-off")}</span> })}
            </td>
            <td>{f.attempts}</td>
            <td>{move || outcome.map(|o| outcome_label(i18n.get(), o)).unwrap_or("—")}</td>
            {selected.map(|_| view! { <td data-testid="follow-up-holder">{holder.clone().unwrap_or_else(|| "—".into())}</td> })}
        </tr>
    }
}

/// `/follow-ups/:id`: one call.
#[component]
pub fn FollowUpCallPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let (data, error, loading, reload) = loader(move || api::follow_up(id()));
    Effect::new(move |_| {
        id();
        reload.run(());
    });
    view! {
        <section class="page" aria-labelledby="page-title">
            <p><a href="/follow-ups" data-testid="follow-up-back">{move || tr("← 回访列表", "← Follow-ups")}</a></p>
            <h1 id="page-title">{move || tr("回访电话", "Follow-up call")}</h1>
            {move || error.get().map(|e| view! { <ErrorPanel error=e retry=reload/> })}
            {move || match (loading.get(), data.get()) {
                (true, None) => view! { <Loading/> }.into_any(),
                (_, Some(f)) => view! { <Call follow_up=f data/> }.into_any(),
                (false, None) => ().into_any(),
            }}
        </section>
    }
}

#[component]
fn Call(follow_up: FollowUp, data: RwSignal<Option<FollowUp>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let f = follow_up;
    let reason = f.reason;
    let script = f.script.clone();
    let outcome = RwSignal::new(CallOutcome::Reached.as_str().to_string());
    let satisfaction = RwSignal::new(String::new());
    let callback = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let (id, version) = (StoredValue::new(f.id.clone()), f.version);
    let chosen = move || outcome.get().parse::<CallOutcome>().unwrap_or(CallOutcome::Reached);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let outcome = chosen();
        let callback_at = match (outcome, callback.get_untracked().trim()) {
            (CallOutcome::CallbackRequested, "") => None,
            (CallOutcome::CallbackRequested, text) => match from_local(text) {
                Some(at) => Some(at),
                None => {
                    error.set(Some(ApiError::Api { status: 422, code: "invalid_field".into(), field: Some("callback_at".into()) }));
                    return;
                }
            },
            _ => None,
        };
        let satisfaction = (outcome == CallOutcome::Reached).then(|| satisfaction.get_untracked().parse::<u8>().ok()).flatten();
        let notes = Some(notes.get_untracked()).filter(|n| !n.trim().is_empty());
        let request = AttemptRequest { outcome, notes, satisfaction, callback_at, version };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::attempt_follow_up(id.get_value(), request).await;
            busy.set(false);
            match result {
                Ok(next) => data.set(Some(next)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let outcomes = [CallOutcome::Reached, CallOutcome::NoAnswer, CallOutcome::Busy, CallOutcome::CallbackRequested, CallOutcome::Refused, CallOutcome::WrongNumber];
    view! {
        <div class="grid-2">
            <section class="card" aria-labelledby="fu-about" data-testid="follow-up-about">
                <h2 id="fu-about">{move || reason_label(i18n.get(), reason)}" · "{f.reference.clone()}</h2>
                {f.mismatch.then(|| view! {
                    <p class="notice bad" role="alert" data-testid="follow-up-mismatch">{move || tr(
                        "适当性不匹配：产品风险等级高于客户的风险承受能力。请重点确认客户知悉风险并自愿购买。",
                        "Suitability mismatch: the product's risk level is above the customer's tolerance. Make sure they understood the risk and bought of their own will.",
                    )}</p>
                })}
                <dl class="facts">
                    <div><dt>{move || tr("客户", "Customer")}</dt><dd><a href=format!("/customers/{}", f.customer_id) data-testid="follow-up-customer">{move || tr("查看客户档案", "Open the customer's profile")}</a></dd></div>
                    {f.product_name.clone().map(|p| view! { <div><dt>{move || tr("产品", "Product")}</dt><dd data-testid="follow-up-product">{move || p.get(i18n.get().code()).to_string()}</dd></div> })}
                    <div><dt>{move || tr("截止", "Due")}</dt><dd data-testid="follow-up-due">{full(f.due_at)}</dd></div>
                    {f.cooling_off_ends_at.map(|at| view! { <div><dt>{move || tr("犹豫期截止", "Cooling-off ends")}</dt><dd data-testid="follow-up-cooling-off">{full(at)}</dd></div> })}
                    <div><dt>{move || tr("已拨未通", "Unanswered calls")}</dt><dd data-testid="follow-up-attempts">{f.attempts}</dd></div>
                    {f.callback_at.map(|at| view! { <div><dt>{move || tr("约定回拨", "Call back at")}</dt><dd data-testid="follow-up-callback-at">{full(at)}</dd></div> })}
                    {f.last_outcome.map(|o| view! { <div><dt>{move || tr("上次结果", "Last outcome")}</dt><dd data-testid="follow-up-last">{move || outcome_label(i18n.get(), o)}</dd></div> })}
                    <div><dt>{move || tr("工单", "Case")}</dt><dd><a href=format!("/cases/{}", f.id)>{move || tr("时间线", "Timeline")}</a></dd></div>
                </dl>
                <h3>{move || tr("话术", "Script")}</h3>
                <ol class="script" data-testid="follow-up-script">
                    {move || {
                        let lang = i18n.get().code();
                        let text = script.as_ref().map(|t| t.get(lang).to_string()).unwrap_or_default();
                        text.lines().filter(|l| !l.trim().is_empty()).map(|line| view! { <li>{line.to_string()}</li> }).collect_view()
                    }}
                </ol>
            </section>
            {match f.ending {
                Some(ending) => view! {
                    <section class="card" data-testid="follow-up-ended">
                        <h2>{move || ending_label(i18n.get(), ending)}</h2>
                        {f.satisfaction.map(|s| view! { <p data-testid="follow-up-satisfaction">{move || tr("客户满意度：", "Satisfaction: ")}{s}"/5"</p> })}
                        <p><a class="button" href=format!("/cases/new?customer={}&follow_up={}", f.customer_id, f.id) data-testid="follow-up-new-case">{move || tr("为客户登记新工单", "Open a new case for the customer")}</a></p>
                        <p><a href="/follow-ups">{move || tr("返回回访列表", "Back to the follow-ups")}</a></p>
                    </section>
                }.into_any(),
                None => view! {
                    <form class="card form" on:submit=submit novalidate data-testid="attempt-form">
                        <h2>{move || tr("通话结果", "How the call went")}</h2>
                        <fieldset class="plain">
                            <legend>{move || tr("结果", "Outcome")}</legend>
                            {outcomes.into_iter().map(|o| view! {
                                <label class="check">
                                    <input type="radio" name="outcome" value=o.as_str() data-testid=format!("outcome-{}", o.as_str())
                                        prop:checked=move || outcome.get() == o.as_str()
                                        on:change=move |_| outcome.set(o.as_str().to_string())/>
                                    {move || outcome_label(i18n.get(), o)}
                                </label>
                            }).collect_view()}
                        </fieldset>
                        <Show when=move || chosen() == CallOutcome::Reached>
                            <div class="field">
                                <label for="fu-satisfaction">{move || tr("客户满意度（1-5）", "Customer's satisfaction (1-5)")}</label>
                                <select id="fu-satisfaction" data-testid="attempt-satisfaction" bind:value=satisfaction>
                                    <option value="">"—"</option>
                                    {(1..=5).rev().map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                                </select>
                            </div>
                        </Show>
                        <Show when=move || chosen() == CallOutcome::CallbackRequested>
                            <div class="field">
                                <label for="fu-callback">{move || tr("约定回拨时间", "Call back at")}</label>
                                <input id="fu-callback" type="datetime-local" data-testid="attempt-callback" bind:value=callback/>
                            </div>
                        </Show>
                        <div class="field">
                            <label for="fu-notes">{move || tr("通话记录", "Notes")}</label>
                            <textarea id="fu-notes" rows="4" data-testid="attempt-notes" bind:value=notes></textarea>
                        </div>
                        {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="attempt-error">{e.message(i18n.get())}</p> })}
                        <div class="actions">
                            <button type="submit" class="button primary" data-testid="attempt-save" disabled=move || busy.get()>{move || tr("记录通话", "Record the call")}</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </div>
    }
}
