//! The bell: in-app notifications (SLA reminders, breaches, escalations) with the unread count,
//! checked every minute and whenever the list is opened.

use domain::api::{Inbox, MarkRead};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::time::full;
use crate::i18n::{use_i18n, Lang};

fn kind_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "sla_due_soon" => lang.tr("即将超时", "Due soon"),
        "sla_breached" => lang.tr("已超时", "Breached"),
        "sla_escalated" => lang.tr("超时升级", "Breach escalated"),
        "step_breached" => lang.tr("投诉环节超时", "Complaint step breached"),
        "bulk_reading" => lang.tr("批量读取提醒", "Unusual reading volume"),
        _ => lang.tr("通知", "Notice"),
    }
}

#[component]
pub fn Bell() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let inbox = RwSignal::new(None::<Inbox>);
    let open = RwSignal::new(false);
    let load = move || {
        spawn_local(async move {
            // A failed check leaves the last known state; the next minute tries again.
            if let Ok(found) = api::notifications().await {
                inbox.set(Some(found));
            }
        })
    };
    load();
    let timer = set_interval_with_handle(load, std::time::Duration::from_secs(60));
    on_cleanup(move || {
        if let Ok(t) = timer {
            t.clear();
        }
    });
    let unread = move || inbox.with(|i| i.as_ref().map_or(0, |i| i.unread));
    let read_all = move |_| {
        spawn_local(async move {
            if api::mark_read(MarkRead { ids: None }).await.is_ok() {
                load();
            }
        })
    };
    view! {
        <div class="bell">
            <button type="button" class="button ghost bell-button" data-testid="bell" aria-expanded=move || open.get().to_string()
                aria-controls="bell-panel"
                aria-label=move || format!("{} ({} {})", tr("通知", "Notifications"), unread(), tr("条未读", "unread"))
                on:click=move |_| {
                    open.update(|o| *o = !*o);
                    if open.get_untracked() {
                        load();
                    }
                }>
                <svg class="bell-icon" aria-hidden="true" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/>
                    <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/>
                </svg>
                <Show when=move || { unread() > 0 }>
                    <span class="bell-count" data-testid="bell-count">{unread}</span>
                </Show>
            </button>
            <Show when=move || open.get()>
                <div class="bell-panel" id="bell-panel" data-testid="bell-panel" role="region" aria-label=move || tr("通知", "Notifications")>
                    <div class="bell-head">
                        <strong>{move || tr("通知", "Notifications")}</strong>
                        <button type="button" class="button ghost small" data-testid="bell-read-all" on:click=read_all disabled=move || unread() == 0>
                            {move || tr("全部标为已读", "Mark all read")}
                        </button>
                    </div>
                    {move || {
                        let items = inbox.get().map(|i| i.items).unwrap_or_default();
                        if items.is_empty() {
                            return view! { <p class="muted" data-testid="bell-empty">{move || tr("暂无通知", "No notifications")}</p> }.into_any();
                        }
                        view! {
                            <ul class="bell-list">
                                {items.into_iter().map(|n| {
                                    let kind = n.kind.clone();
                                    let href = n.case_id.clone().map(|id| format!("/cases/{id}")).unwrap_or_else(|| "/queue".into());
                                    view! {
                                        <li class=if n.read { "read" } else { "unread" } data-testid="bell-item">
                                            <a href=href on:click=move |_| open.set(false)>
                                                <strong>{move || kind_label(i18n.get(), &kind)}</strong>" "
                                                <span class="mono">{n.case_reference.clone().unwrap_or_default()}</span>" "
                                                <span>{n.subject.clone()}</span>
                                            </a>
                                            <time class="muted" datetime=n.created_at.to_rfc3339()>{full(n.created_at)}</time>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
            </Show>
        </div>
    }
}
