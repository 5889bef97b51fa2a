//! Canned replies (admin): write, edit and retire the texts agents insert from the composer.

use domain::api::{CannedReply, CannedReplyInput};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{SaveBar, Saved};
use crate::api;
use crate::components::feedback::{ErrorPanel, Loading};
use crate::i18n::use_i18n;

#[component]
pub fn CannedSection() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let replies = LocalResource::new(|| api::canned_replies(String::new(), true));
    view! {
        <section class="card" data-testid="canned-section" aria-labelledby="canned-title">
            <h2 id="canned-title">{move || tr("常用回复", "Canned replies")}</h2>
            <p class="hint">{move || tr(
                "坐席在回复框中搜索并插入。可用占位符：{客户姓名}、{坐席}、{编号}（英文写法 {customer_name}、{agent_name}、{reference}），插入时自动替换。停用的回复不再提供给坐席。",
                "Agents search and insert these from the composer. Placeholders {customer_name}, {agent_name} and {reference} (or 客户姓名, 坐席, 编号 in braces) are filled in when inserted. A retired reply is no longer offered.")}</p>
            <CannedForm reply=None on_saved=Callback::new(move |_| replies.refetch())/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match replies.await {
                        Ok(list) => list.into_iter().map(|reply| view! { <CannedForm reply=Some(reply) on_saved=Callback::new(|_| ())/> }).collect_view().into_any(),
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| replies.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One reply's form; with `None`, the form for a new one (cleared after saving).
#[component]
fn CannedForm(reply: Option<CannedReply>, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let is_new = reply.is_none();
    let key = reply.as_ref().map_or_else(|| "new".to_string(), |r| r.id.clone());
    let title = RwSignal::new(reply.as_ref().map(|r| r.title.clone()).unwrap_or_default());
    let body = RwSignal::new(reply.as_ref().map(|r| r.body.clone()).unwrap_or_default());
    let active = RwSignal::new(reply.as_ref().is_none_or(|r| r.active));
    let version = RwSignal::new(reply.as_ref().map(|r| r.version));
    let status = RwSignal::new(Saved::Idle);
    let id = StoredValue::new(reply.map(|r| r.id));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CannedReplyInput { title: title.get_untracked(), body: body.get_untracked(), active: active.get_untracked(), version: version.get_untracked() };
        status.set(Saved::Saving);
        spawn_local(async move {
            let result = match id.get_value() {
                Some(id) => api::update_canned_reply(id, input).await,
                None => api::create_canned_reply(input).await,
            };
            match result {
                Ok(_) if is_new => {
                    title.set(String::new());
                    body.set(String::new());
                    status.set(Saved::Done);
                    on_saved.run(());
                }
                Ok(saved) => {
                    version.set(Some(saved.version));
                    status.set(Saved::Done);
                }
                Err(e) => status.set(Saved::Failed(e)),
            }
        });
    };
    let title_id = format!("canned-title-{key}");
    let body_id = format!("canned-body-{key}");
    let active_id = format!("canned-active-{key}");
    view! {
        <form class="team" on:submit=submit novalidate data-testid=if is_new { "canned-new" } else { "canned-form" }>
            <h3 class="form-title">{move || if is_new { tr("新建常用回复", "New canned reply") } else { "" }}</h3>
            <div class="field narrow-field">
                <label for=title_id.clone()>{move || tr("标题", "Title")}</label>
                <input id=title_id.clone() data-testid="canned-title" bind:value=title/>
            </div>
            <div class="field">
                <label for=body_id.clone()>{move || tr("内容", "Text")}</label>
                <textarea id=body_id.clone() rows="3" data-testid="canned-body" bind:value=body></textarea>
            </div>
            {(!is_new).then(|| view! {
                <label class="check" for=active_id.clone()>
                    <input type="checkbox" id=active_id.clone() data-testid="canned-active" bind:checked=active/>
                    {move || tr("启用（提供给坐席）", "Active (offered to agents)")}
                </label>
            })}
            <SaveBar status test_id="canned-save"/>
        </form>
    }
}
