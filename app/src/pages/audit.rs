//! The audit trail (admin): who did what to which record, and when, newest first. Narrowed by
//! person, action, record and dates; a user's row in settings opens their record's trail.

use domain::api::{Account, AuditEntry, AUDIT_ACTIONS};
use domain::Role;
use leptos::prelude::*;

use crate::api;
use crate::components::feedback::{Empty, ErrorPanel, Loading};
use crate::components::paged::Paged;
use crate::components::time::full;
use crate::i18n::{use_i18n, Lang};
use crate::session::use_session;

/// The kinds of record the trail names, with their names.
const ENTITIES: &[(&str, &str, &str)] = &[
    ("user", "用户", "User"),
    ("customer", "客户", "Customer"),
    ("export", "导出", "Export"),
    ("setting", "设置", "Setting"),
    ("team", "团队", "Team"),
    ("canned_reply", "常用回复", "Canned reply"),
    ("survey_template", "问卷模板", "Survey template"),
    ("survey_schedule", "调查计划", "Survey schedule"),
    ("outbox", "消息", "Message"),
];

fn named(list: &'static [(&'static str, &'static str, &'static str)], code: &str, lang: Lang) -> String {
    list.iter().find(|(c, _, _)| *c == code).map_or_else(|| code.to_string(), |(_, zh, en)| lang.tr(zh, en).to_string())
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let admin = move || session.user.get().is_some_and(|u| u.role.includes(Role::Admin));
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.get().t().nav_audit}</h1>
            <Show when=admin fallback=move || view! { <p class="notice" data-testid="forbidden">{move || i18n.get().t().forbidden_page}</p> }>
                <AuditSearch/>
            </Show>
        </section>
    }
}

#[component]
fn AuditSearch() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let query = leptos_router::hooks::use_query_map();
    let initial = |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let actor = RwSignal::new(initial("actor"));
    let action = RwSignal::new(initial("action"));
    let entity = RwSignal::new(initial("entity"));
    let entity_id = RwSignal::new(initial("entity_id"));
    let from = RwSignal::new(initial("from"));
    let to = RwSignal::new(initial("to"));
    let list = Paged::<AuditEntry>::new();
    let people = LocalResource::new(api::accounts);
    let filters = move || {
        vec![
            ("actor", actor.get()),
            ("action", action.get()),
            ("entity", entity.get()),
            ("entity_id", entity_id.get().trim().to_string()),
            ("from", from.get()),
            ("to", to.get()),
        ]
    };
    let fetch = move |more: bool| {
        let f = filters();
        list.load(more, move |cursor| api::audit(f, cursor));
    };
    Effect::new(move |_| {
        let _ = filters();
        fetch(false);
    });
    view! {
        <p class="muted">{move || tr(
            "系统记录的每一次登录、设置与用户变更、客户信息查看与导出。记录不可修改或删除，至少保存 3 年。",
            "Every sign-in, change of settings or users, and every reveal and export of customer data Kefu recorded. Events cannot be changed or deleted and are kept at least 3 years.")}</p>
        <div class="filters">
            <label for="audit-actor">{move || tr("操作人", "Who")}</label>
            <select id="audit-actor" data-testid="audit-actor" bind:value=actor>
                <option value="">{move || i18n.get().t().set_any}</option>
                {move || people.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|a: Account| {
                    let id = a.id.clone();
                    let selected = actor.get_untracked() == id;
                    view! { <option value=id selected=selected>{a.name}</option> }
                }).collect_view()}
            </select>
            <label for="audit-action">{move || tr("操作", "Action")}</label>
            <select id="audit-action" data-testid="audit-action" bind:value=action>
                <option value="">{move || i18n.get().t().set_any}</option>
                {AUDIT_ACTIONS.iter().map(|(code, zh, en)| view! { <option value=*code>{move || i18n.get().tr(zh, en)}</option> }).collect_view()}
            </select>
            <label for="audit-entity">{move || tr("对象", "Record")}</label>
            <select id="audit-entity" data-testid="audit-entity" bind:value=entity>
                <option value="">{move || i18n.get().t().set_any}</option>
                {ENTITIES.iter().map(|(code, zh, en)| view! { <option value=*code>{move || i18n.get().tr(zh, en)}</option> }).collect_view()}
            </select>
            <label for="audit-entity-id">{move || tr("对象编号", "Record id")}</label>
            <input id="audit-entity-id" data-testid="audit-entity-id" bind:value=entity_id disabled=move || entity.get().is_empty()/>
            <label for="audit-from">{move || tr("日期自", "From")}</label>
            <input id="audit-from" type="date" data-testid="audit-from" bind:value=from/>
            <label for="audit-to">{move || tr("至", "to")}</label>
            <input id="audit-to" type="date" data-testid="audit-to" bind:value=to/>
        </div>
        {move || match (list.error.get(), list.first_loading()) {
            (Some(e), _) => view! { <ErrorPanel error=e retry=Callback::new(move |_| fetch(false))/> }.into_any(),
            (None, true) => view! { <Loading/> }.into_any(),
            (None, false) if list.items.with(Vec::is_empty) => view! {
                <Empty title=Signal::derive(move || tr("没有符合条件的记录", "No event matches"))
                    hint=Signal::derive(move || tr("放宽筛选条件再试。", "Widen the filters and try again."))/>
            }.into_any(),
            (None, false) => view! { <Trail items=list.items/> }.into_any(),
        }}
        <Show when=move || list.next.get().is_some()>
            <button type="button" class="button" data-testid="audit-more" disabled=move || list.loading.get() on:click=move |_| fetch(true)>
                {move || i18n.get().t().load_more}
            </button>
        </Show>
    }
}

/// Where a record can be opened in the app, if it can.
fn record_link(entry: &AuditEntry) -> Option<String> {
    let id = entry.entity_id.as_deref()?;
    match entry.entity.as_str() {
        "customer" => Some(format!("/customers/{id}")),
        "export" => Some(format!("/queue?{id}")),
        _ => None,
    }
}

#[component]
fn Trail(items: RwSignal<Vec<AuditEntry>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    view! {
        <div class="table-wrap">
            <table class="cases" data-testid="audit-table">
                <thead><tr>
                    <th scope="col">{move || tr("时间", "When")}</th>
                    <th scope="col">{move || tr("操作人", "Who")}</th>
                    <th scope="col">{move || tr("操作", "Action")}</th>
                    <th scope="col">{move || tr("对象", "Record")}</th>
                </tr></thead>
                <tbody>
                    <For each=move || items.get() key=|e| e.id let:entry>
                        {
                            let who = entry.actor_name.clone().or(entry.actor_id.clone());
                            let (action, entity) = (entry.action.clone(), entry.entity.clone());
                            let record = entry.entity_name.clone().or(entry.entity_id.clone()).unwrap_or_default();
                            let link = record_link(&entry);
                            view! {
                                <tr data-testid="audit-row" data-action=entry.action.clone()>
                                    <td class="mono">{full(entry.at)}</td>
                                    <td>{move || who.clone().unwrap_or_else(|| tr("客户或系统", "A customer or the system").to_string())}</td>
                                    <td>{move || named(AUDIT_ACTIONS, &action, i18n.get())}</td>
                                    <td>
                                        {move || named(ENTITIES, &entity, i18n.get())}" "
                                        {match link {
                                            Some(href) => view! { <a href=href class="mono">{record.clone()}</a> }.into_any(),
                                            None => view! { <span class="mono">{record.clone()}</span> }.into_any(),
                                        }}
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
    }
}
