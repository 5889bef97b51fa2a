//! The case queue: views for mine, unassigned, all open, due soon and breached, soonest
//! deadline first, with live countdowns and keyboard navigation (j/k, Enter, n).
//!
//! The dashboard's drill-down opens it with a date range (`date=…&from=…&to=…`, and `met=`,
//! `cause=`, `team=`): the cases behind a figure, open or not, in that date's order. Supervisors
//! export whatever the page lists as CSV.

use domain::api::{AssigneeFilter, Case, CaseFilter, CsatFilter, DateField, Met, QueueCounts, RootCauseFilter, SlaFilter, StatusFilter};
use domain::case::CATEGORIES;
use domain::{CaseKind, Channel, Role, Status};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{self, ApiError};
use crate::components::feedback::{Empty, ErrorPanel, Loading};
use crate::components::sla_badge::SlaBadge;
use crate::i18n::{use_i18n, Lang, Texts};
use crate::session::use_session;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Mine,
    Team,
    Unassigned,
    Open,
    DueSoon,
    Breached,
}

impl View {
    const ALL: [View; 6] = [View::Mine, View::Team, View::Unassigned, View::Open, View::DueSoon, View::Breached];

    fn param(self) -> &'static str {
        match self {
            View::Mine => "mine",
            View::Team => "team",
            View::Unassigned => "unassigned",
            View::Open => "open",
            View::DueSoon => "due_soon",
            View::Breached => "breached",
        }
    }

    fn from_param(p: Option<&str>) -> View {
        View::ALL.into_iter().find(|v| Some(v.param()) == p).unwrap_or(View::Mine)
    }

    fn label(self, t: &'static Texts) -> &'static str {
        match self {
            View::Mine => t.view_mine,
            View::Team => t.view_team,
            View::Unassigned => t.view_unassigned,
            View::Open => t.view_open,
            View::DueSoon => t.view_due_soon,
            View::Breached => t.view_breached,
        }
    }

    fn count(self, c: &QueueCounts) -> u32 {
        match self {
            View::Mine => c.mine,
            View::Team => c.team,
            View::Unassigned => c.unassigned,
            View::Open => c.open,
            View::DueSoon => c.due_soon,
            View::Breached => c.breached,
        }
    }

    fn filter(self) -> CaseFilter {
        let open = CaseFilter { status: Some(StatusFilter::Open), ..CaseFilter::default() };
        match self {
            View::Mine => CaseFilter { assignee: Some(AssigneeFilter::Me), ..open },
            View::Team => CaseFilter { my_team: true, ..open },
            View::Unassigned => CaseFilter { assignee: Some(AssigneeFilter::Nobody), ..open },
            View::Open => open,
            View::DueSoon => CaseFilter { sla: Some(SlaFilter::DueSoon), ..open },
            View::Breached => CaseFilter { sla: Some(SlaFilter::Breached), ..open },
        }
    }
}

#[derive(Clone)]
enum Load {
    Loading,
    Failed(ApiError),
    Ready,
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let view = Memo::new(move |_| View::from_param(query.read().get("view").as_deref()));
    // Narrowing filters from the address: kind, channel, category, status (which replaces the
    // view's "open").
    let narrowing = Memo::new(move |_| {
        let q = query.read();
        CaseFilter {
            kind: q.get("kind").and_then(|k| k.parse().ok()),
            channel: q.get("channel").and_then(|c| c.parse().ok()),
            category: q.get("category").filter(|c| domain::case::is_category(c)),
            status: q.get("status").and_then(|s| s.parse().ok()).map(StatusFilter::Is),
            // The dashboard's drill-down: one team's cases.
            team_id: q.get("team").filter(|t| domain::api::is_id(t) && t != "mine"),
            ..CaseFilter::default()
        }
    });
    // A drill-down from the dashboard: the whole filter comes from the address, read by the
    // same parser as the API's (every parameter but the page's own `view`, whose "open" a
    // figure does not have: it counts closed cases too). An address that does not parse leaves it out.
    let drill_down = Memo::new(move |_| {
        let q = query.read();
        CaseFilter::from_query(q.latest_values().filter(|(k, _)| *k != "view").map(|(k, v)| (k.as_ref(), v))).ok().filter(|f| f.date.is_some())
    });
    // What the page lists: the drill-down's filter, or the view narrowed by the filters above.
    let current = move || -> CaseFilter {
        if let Some(f) = drill_down.get() {
            return f;
        }
        let n = narrowing.get();
        let base = view.get().filter();
        CaseFilter { kind: n.kind, channel: n.channel, category: n.category, status: n.status.or(base.status), team_id: n.team_id, ..base }
    };
    let session = use_session();
    let may_export = move || session.user.get().is_some_and(|u| u.role.includes(Role::Supervisor));
    let counts = LocalResource::new(api::case_counts);
    let cases = RwSignal::new(Vec::<Case>::new());
    let next = RwSignal::new(None::<String>);
    let load = RwSignal::new(Load::Loading);
    let selected = RwSignal::new(0usize);
    // Answers to an earlier view that arrive late are dropped.
    let generation = StoredValue::new(0u32);

    let fetch = move |append: bool| {
        let gen = generation.get_value() + u32::from(!append);
        generation.set_value(gen);
        let cursor = if append { next.get_untracked() } else { None };
        if !append {
            load.set(Load::Loading);
            selected.set(0);
        }
        let filter = untrack(current);
        spawn_local(async move {
            let result = api::list_cases(filter, cursor).await;
            if generation.get_value() != gen {
                return;
            }
            match result {
                Ok(page) => {
                    if append {
                        cases.update(|c| c.extend(page.items));
                    } else {
                        cases.set(page.items);
                    }
                    next.set(page.next_cursor);
                    load.set(Load::Ready);
                }
                Err(e) => load.set(Load::Failed(e)),
            }
        });
    };
    Effect::new(move |_| {
        view.track();
        narrowing.track();
        drill_down.track();
        fetch(false);
        counts.refetch();
    });
    let navigate_filters = use_navigate();
    let set_param = Callback::new(move |(key, value): (&'static str, String)| {
        let n = narrowing.get_untracked();
        let mut pairs = vec![("view", view.get_untracked().param().to_string())];
        let status = match n.status {
            Some(StatusFilter::Is(s)) => Some(s.as_str().to_string()),
            _ => None,
        };
        let current = [
            ("kind", n.kind.map(|k| k.as_str().to_string())),
            ("channel", n.channel.map(|c| c.as_str().to_string())),
            ("category", n.category),
            ("status", status),
            ("team", n.team_id),
        ];
        for (k, v) in current {
            let v = if k == key { Some(value.clone()).filter(|v| !v.is_empty()) } else { v };
            if let Some(v) = v {
                pairs.push((k, v));
            }
        }
        let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        navigate_filters(&format!("/queue?{}", query.join("&")), NavigateOptions::default());
    });

    let navigate = use_navigate();
    let keys = window_event_listener(ev::keydown, move |e: ev::KeyboardEvent| {
        let typing = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let count = cases.with_untracked(Vec::len);
        match e.key().as_str() {
            "j" if count > 0 => selected.update(|i| *i = (*i + 1).min(count - 1)),
            "k" => selected.update(|i| *i = i.saturating_sub(1)),
            "Enter" if count > 0 => {
                if let Some(case) = cases.with_untracked(|c| c.get(selected.get_untracked()).cloned()) {
                    navigate(&format!("/cases/{}", case.id), NavigateOptions::default());
                }
            }
            "n" => navigate("/cases/new", NavigateOptions::default()),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let t = move || i18n.get().t();
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <h1 id="page-title">{move || t().queue_title}</h1>
                <A href="/cases/new" attr:class="button primary" attr:data-testid="new-case">
                    {move || t().new_case}
                </A>
            </div>
            <nav class="tabs" aria-label=move || t().queue_views>
                {View::ALL.into_iter().map(|v| view! {
                    <A href=format!("/queue?view={}", v.param())
                        attr:class=move || if view.get() == v && drill_down.get().is_none() { "tab active" } else { "tab" }
                        attr:aria-current=move || (view.get() == v && drill_down.get().is_none()).then_some("page")
                        attr:data-testid=format!("view-{}", v.param())>
                        {move || v.label(t())}
                        <span class="count" data-testid=format!("count-{}", v.param())>
                            {move || counts.get().and_then(|c| c.ok()).map(|c| domain::api::count_label(v.count(&c))).unwrap_or_default()}
                        </span>
                    </A>
                }).collect_view()}
            </nav>
            {move || drill_down.get().map(|f| view! {
                <p class="notice" data-testid="drill-down">
                    {move || describe(i18n.get(), &f)}" "
                    <A href="/queue" attr:class="link">{move || i18n.get().tr("返回工单队列", "Back to the queue")}</A>
                </p>
            })}
            <div class="filters" hidden=move || drill_down.get().is_some()>
                <label for="filter-kind">{move || t().kind}</label>
                <select id="filter-kind" data-testid="filter-kind"
                    prop:value=move || narrowing.get().kind.map(|k| k.as_str().to_string()).unwrap_or_default()
                    on:change:target=move |ev| set_param.run(("kind", ev.target().value()))>
                    <option value="">{move || t().set_any}</option>
                    {CaseKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{move || i18n.get().kind(*k)}</option> }).collect_view()}
                </select>
                <label for="filter-channel">{move || t().channel}</label>
                <select id="filter-channel" data-testid="filter-channel"
                    prop:value=move || narrowing.get().channel.map(|c| c.as_str().to_string()).unwrap_or_default()
                    on:change:target=move |ev| set_param.run(("channel", ev.target().value()))>
                    <option value="">{move || t().set_any}</option>
                    {Channel::ALL.iter().map(|c| view! { <option value=c.as_str()>{move || i18n.get().channel(*c)}</option> }).collect_view()}
                </select>
                <label for="filter-status">{move || t().status}</label>
                <select id="filter-status" data-testid="filter-status"
                    prop:value=move || match narrowing.get().status { Some(StatusFilter::Is(s)) => s.as_str().to_string(), _ => String::new() }
                    on:change:target=move |ev| set_param.run(("status", ev.target().value()))>
                    <option value="">{move || i18n.get().tr("处理中（全部）", "Open (all)")}</option>
                    {Status::ALL.iter().map(|s| view! { <option value=s.as_str()>{move || i18n.get().status(*s)}</option> }).collect_view()}
                </select>
                <label for="filter-category">{move || t().category}</label>
                <select id="filter-category" data-testid="filter-category"
                    prop:value=move || narrowing.get().category.unwrap_or_default()
                    on:change:target=move |ev| set_param.run(("category", ev.target().value()))>
                    <option value="">{move || t().set_any}</option>
                    {CATEGORIES.iter().map(|c| view! { <option value=*c>{move || i18n.get().category(c)}</option> }).collect_view()}
                </select>
            </div>
            {move || narrowing.get().team_id.filter(|_| drill_down.get().is_none()).map(|team| view! {
                <p class="notice" data-testid="team-filter">
                    {move || i18n.get().tr("仅显示班组的工单：", "Only this team's cases: ")}<code>{team.clone()}</code>" "
                    <button type="button" class="link" on:click=move |_| set_param.run(("team", String::new()))>{move || i18n.get().tr("显示全部", "Show all")}</button>
                </p>
            })}
            <div class="list-tools">
                <p class="hint">{move || t().keyboard_hint}</p>
                <Show when=may_export>
                    // A plain download: the browser sends the session cookie and saves the stream.
                    <a class="button" data-testid="export-csv" download=""
                        href=move || api::export_cases_url(&current(), if i18n.get() == Lang::En { "en" } else { "zh" })>
                        {move || i18n.get().tr("导出 CSV", "Export CSV")}
                    </a>
                </Show>
            </div>
            {move || match load.get() {
                Load::Loading => view! { <Loading/> }.into_any(),
                Load::Failed(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| fetch(false))/> }.into_any(),
                Load::Ready if cases.with(Vec::is_empty) => view! {
                    <Empty title=Signal::derive(move || t().queue_empty) hint=Signal::derive(move || t().queue_empty_hint)/>
                }.into_any(),
                Load::Ready => view! { <CaseTable cases selected/> }.into_any(),
            }}
            <Show when=move || next.get().is_some()>
                <button type="button" class="button" data-testid="load-more" on:click=move |_| fetch(true)>
                    {move || t().load_more}
                </button>
            </Show>
        </section>
    }
}

/// What a drill-down lists, in words: "首次响应到期 2024-12-01 至 2024-12-31 · 超时".
fn describe(lang: Lang, f: &CaseFilter) -> String {
    let Some(range) = f.date else { return String::new() };
    let date = match range.field {
        DateField::Received => lang.tr("受理于", "Received"),
        DateField::FirstResponseDue => lang.tr("首次响应到期于", "First response due"),
        DateField::ResolutionDue => lang.tr("解决到期于", "Resolution due"),
        DateField::RegulatoryDue => lang.tr("监管时限到期于", "Regulatory deadline"),
        DateField::ComplaintClosed => lang.tr("投诉结案于", "Complaints closed"),
        DateField::Answered => lang.tr("问卷回复于", "Survey answered"),
        DateField::StepDue => lang.tr("投诉环节到期于", "Complaint steps due"),
    };
    let mut parts = vec![if range.from == range.to {
        format!("{date} {}", range.from)
    } else {
        format!("{date} {} {} {}", range.from, lang.tr("至", "to"), range.to)
    }];
    if let Some(step) = f.step {
        parts.push(lang.step(step).to_string());
    }
    match f.met {
        Some(Met::OnTime) => parts.push(lang.tr("按时", "on time").to_string()),
        Some(Met::Late) => parts.push(lang.tr("超时", "late").to_string()),
        None => {}
    }
    if let Some(kind) = f.kind {
        parts.push(lang.kind(kind).to_string());
    }
    if let Some(c) = &f.category {
        parts.push(lang.category(c).to_string());
    }
    match &f.root_cause {
        Some(RootCauseFilter::Is(c)) => parts.push(lang.root_cause(c).to_string()),
        Some(RootCauseFilter::NotRecorded) => parts.push(lang.tr("未填写原因", "no root cause recorded").to_string()),
        None => {}
    }
    match f.csat {
        Some(CsatFilter::Satisfied) => parts.push(lang.tr("满意（4–5 分）", "satisfied (4–5)").to_string()),
        Some(CsatFilter::Unsatisfied) => parts.push(lang.tr("不满意（1–3 分）", "not satisfied (1–3)").to_string()),
        None => {}
    }
    if let Some(reason) = f.reason {
        parts.push(crate::pages::follow_ups::reason_label(lang, reason).to_string());
    }
    if let Some(kind) = &f.product_kind {
        parts.push(lang.product_kind(kind).to_string());
    }
    if f.mismatch {
        parts.push(lang.tr("适当性不匹配", "suitability mismatch").to_string());
    }
    if let Some(team) = &f.team_id {
        parts.push(format!("{} {team}", lang.tr("班组", "team")));
    }
    if let Some(AssigneeFilter::User(id)) = &f.assignee {
        parts.push(format!("{} {id}", lang.tr("经办人", "assignee")));
    }
    if range.field == DateField::StepDue {
        parts.push(lang.tr("每个到期环节一行", "one row per step due").to_string());
    }
    format!("{}{}", lang.tr("仪表盘明细：", "From the dashboard: "), parts.join(" · "))
}

#[component]
fn CaseTable(cases: RwSignal<Vec<Case>>, selected: RwSignal<usize>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let navigate = use_navigate();
    view! {
        <table class="cases" data-testid="case-table">
            <thead>
                <tr>
                    <th scope="col">{move || t().col_reference}</th>
                    <th scope="col">{move || t().col_subject}</th>
                    <th scope="col">{move || t().col_customer}</th>
                    <th scope="col">{move || t().col_kind}</th>
                    <th scope="col">{move || t().col_status}</th>
                    <th scope="col">{move || t().col_assignee}</th>
                    <th scope="col">{move || t().col_deadline}</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || cases.get().into_iter().enumerate() key=|(i, c)| (*i, c.id.clone(), c.version) let:item>
                    {
                        let (index, case) = item;
                        let href = format!("/cases/{}", case.id);
                        let open = {
                            let navigate = navigate.clone();
                            let href = href.clone();
                            move |_| navigate(&href, NavigateOptions::default())
                        };
                        let is_selected = move || selected.get() == index;
                        let kind = case.kind;
                        let status = case.status;
                        view! {
                            <tr data-testid="case-row" data-reference=case.reference.clone()
                                class=move || if is_selected() { "selected" } else { "" }
                                aria-selected=move || is_selected().to_string()
                                on:click=open>
                                <td class="mono"><a href=href data-testid="case-link">{case.reference.clone()}</a></td>
                                <td class="subject">{let s = case.subject.clone(); move || i18n.get().or_erased(&s)}</td>
                                <td>{let n = case.customer_name.clone(); move || i18n.get().or_erased(&n)}</td>
                                <td>{move || i18n.get().kind(kind)}</td>
                                <td>{move || i18n.get().status(status)}</td>
                                <td>{
                                    let name = case.assignee_name.clone();
                                    move || name.clone().unwrap_or_else(|| t().unassigned.to_string())
                                }</td>
                                <td><SlaBadge case=case.clone()/></td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}
