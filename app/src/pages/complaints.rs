//! The complaint register for supervisors: every complaint, newest first, with the fields a
//! regulator asks about — step and its deadline, the regulatory deadline, pauses, extension,
//! outcome, root cause, redress, when it closed and what the customer thought of the handling.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use domain::api::{ComplaintEntry, ComplaintFilter};
use domain::case::CATEGORIES;
use domain::lifecycle::Outcome;
use leptos::prelude::*;

use crate::api;
use crate::components::feedback::{Empty, ErrorPanel, Loading};
use crate::components::paged::Paged;
use crate::components::time::full;
use crate::i18n::use_i18n;

/// Midnight at the start of a date in the institution's zone (UTC+8).
fn day_start(date: &str) -> Option<DateTime<Utc>> {
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let zone = FixedOffset::east_opt(8 * 3600)?;
    zone.from_local_datetime(&day.and_hms_opt(0, 0, 0)?).single().map(|t| t.with_timezone(&Utc))
}

#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    // The dashboard's drill-down opens the register already filtered (?category=&from=&to=).
    let query = leptos_router::hooks::use_query_map();
    let initial = |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let status = RwSignal::new(initial("status"));
    let category = RwSignal::new(initial("category"));
    let outcome = RwSignal::new(initial("outcome"));
    let from = RwSignal::new(initial("from"));
    let to = RwSignal::new(initial("to"));
    let list = Paged::<ComplaintEntry>::new();
    let filter = move || ComplaintFilter {
        open: match status.get().as_str() {
            "open" => Some(true),
            "closed" => Some(false),
            _ => None,
        },
        category: Some(category.get()).filter(|c| !c.is_empty()),
        outcome: outcome.get().parse().ok(),
        from: day_start(&from.get()),
        // "To" is inclusive: up to the start of the next day.
        to: day_start(&to.get()).map(|t| t + chrono::Duration::days(1)),
    };
    let fetch = move |more: bool| {
        let f = filter();
        list.load(more, move |cursor| api::complaints(f, cursor));
    };
    // Reload from the first page whenever a filter changes.
    Effect::new(move |_| {
        let _ = filter();
        fetch(false);
    });
    let select = |id: &'static str, label: Signal<&'static str>, value: RwSignal<String>, options: Vec<(String, Signal<&'static str>)>| {
        view! {
            <label for=id>{label}</label>
            <select id=id data-testid=id bind:value=value>
                <option value="">{move || i18n.get().t().set_any}</option>
                {options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
        }
    };
    let status_options = vec![
        ("open".to_string(), Signal::derive(move || tr("处理中", "Open"))),
        ("closed".to_string(), Signal::derive(move || tr("已办结", "Closed"))),
    ];
    let category_options = CATEGORIES.iter().map(|c| (c.to_string(), Signal::derive(move || i18n.get().category(c)))).collect();
    let outcome_options = Outcome::ALL.iter().map(|o| (o.as_str().to_string(), Signal::derive(move || i18n.get().outcome(*o)))).collect();
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <h1 id="page-title">{move || tr("投诉登记簿", "Complaint register")}</h1>
                    <p class="muted">{move || tr("每件投诉的监管要素：环节时限、监管时限、暂停、延期、处理结果、根因、补偿与客户评价。",
                        "Every complaint with its regulatory fields: step deadlines, the regulatory deadline, pauses, extension, outcome, root cause, redress and the customer's opinion.")}</p>
                </div>
            </div>
            <div class="filters">
                {select("register-status", Signal::derive(move || i18n.get().t().status), status, status_options)}
                {select("register-category", Signal::derive(move || i18n.get().t().category), category, category_options)}
                {select("register-outcome", Signal::derive(move || i18n.get().t().cmp_outcome), outcome, outcome_options)}
                <label for="register-from">{move || tr("受理日期自", "Received from")}</label>
                <input id="register-from" type="date" data-testid="register-from" bind:value=from/>
                <label for="register-to">{move || tr("至", "to")}</label>
                <input id="register-to" type="date" data-testid="register-to" bind:value=to/>
            </div>
            {move || match (list.error.get(), list.first_loading()) {
                (Some(e), _) => view! { <ErrorPanel error=e retry=Callback::new(move |_| fetch(false))/> }.into_any(),
                (None, true) => view! { <Loading/> }.into_any(),
                (None, false) if list.items.with(Vec::is_empty) => view! {
                    <Empty title=Signal::derive(move || tr("没有符合条件的投诉", "No complaint matches"))
                        hint=Signal::derive(move || tr("放宽筛选条件再试。", "Widen the filters and try again."))/>
                }.into_any(),
                (None, false) => view! { <Register items=list.items/> }.into_any(),
            }}
            <Show when=move || list.next.get().is_some()>
                <button type="button" class="button" data-testid="register-more" disabled=move || list.loading.get() on:click=move |_| fetch(true)>
                    {move || i18n.get().t().load_more}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn Register(items: RwSignal<Vec<ComplaintEntry>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let t = move || i18n.get().t();
    let time = |t: Option<DateTime<Utc>>| t.map(full).unwrap_or_else(|| "—".into());
    view! {
        <div class="table-wrap">
            <table class="cases register" data-testid="complaint-register">
                <thead><tr>
                    <th scope="col">{move || t().col_reference}</th>
                    <th scope="col">{move || tr("受理时间", "Received")}</th>
                    <th scope="col">{move || t().col_customer}</th>
                    <th scope="col">{move || t().category}</th>
                    <th scope="col">{move || tr("环节 / 状态", "Step / status")}</th>
                    <th scope="col">{move || t().step_due}</th>
                    <th scope="col">{move || t().regulatory_due}</th>
                    <th scope="col">{move || t().cmp_extension}</th>
                    <th scope="col">{move || tr("暂停次数", "Pauses")}</th>
                    <th scope="col">{move || t().cmp_outcome}</th>
                    <th scope="col">{move || t().cmp_root_cause}</th>
                    <th scope="col">{move || t().cmp_redress_type}</th>
                    <th scope="col">{move || t().cmp_closed_at}</th>
                    <th scope="col">{move || t().cmp_opinion}</th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|e| (e.case.id.clone(), e.case.version) let:entry>
                        {
                            let c = entry.case.clone();
                            let r = entry.complaint.clone();
                            let (status, step, category) = (c.status, c.step, c.category.clone());
                            let extension = r.extension;
                            let merged = r.merged_into.is_some();
                            let outcome = r.outcome;
                            let cause = r.root_cause.clone();
                            let opinion = r.customer_opinion;
                            let redress = r.redress_type.map(|kind| (kind, r.redress_amount.map(|a| format!(" ¥{:.2}", a as f64 / 100.0)).unwrap_or_default()));
                            view! {
                                <tr data-testid="register-row" data-reference=c.reference.clone()>
                                    <td class="mono"><a href=format!("/cases/{}", c.id)>{c.reference.clone()}</a></td>
                                    <td>{full(c.created_at)}</td>
                                    <td>{let n = c.customer_name.clone(); move || i18n.get().or_erased(&n)}</td>
                                    <td>{move || i18n.get().category(&category)}</td>
                                    <td>{move || match (step, merged) {
                                        (Some(s), _) => i18n.get().step(s),
                                        (None, true) => tr("已合并", "Merged"),
                                        (None, false) => i18n.get().status(status),
                                    }}{r.paused.then(|| view! { <span class="warn">{move || format!(" · {}", tr("已暂停", "paused"))}</span> })}</td>
                                    <td>{time(c.step_due_at)}</td>
                                    <td>{time(c.regulatory_due_at)}</td>
                                    <td>{move || i18n.get().extension(extension)}</td>
                                    <td>{r.pauses.len()}</td>
                                    <td data-testid="register-outcome-cell">{move || outcome.map(|o| i18n.get().outcome(o)).unwrap_or("—")}</td>
                                    <td>{move || cause.as_deref().map(|c| i18n.get().root_cause(c)).unwrap_or("—")}</td>
                                    <td>{move || redress.clone().map(|(k, amount)| format!("{}{amount}", i18n.get().redress(k))).unwrap_or_else(|| "—".into())}</td>
                                    <td>{time(r.closed_at)}</td>
                                    <td>{move || opinion.map(|o| i18n.get().opinion(o)).unwrap_or("—")}</td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
    }
}
