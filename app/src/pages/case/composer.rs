//! The case page's writing tools: the composer with canned replies and knowledge-base articles,
//! the suggested articles, and the hand-over card.

use domain::api::{AssignRequest, Case, EscalateRequest, NewEvent};
use domain::assignment::{self, Actor, Held, Move};
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
                <CannedPicker case=case.clone()/>
                <KnowledgePicker case_id=case.id.clone()/>
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
        CallOutcome::NoAnswer => lang.tr("无人接听", "No answer"),
        CallOutcome::Busy => lang.tr("占线", "Busy"),
        CallOutcome::WrongNumber => lang.tr("号码错误", "Wrong number"),
        CallOutcome::Refused => lang.tr("客户拒绝回访", "Refused"),
        CallOutcome::CallbackRequested => lang.tr("约定回拨", "Call-back booked"),
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
        add_to_draft(bench, &domain::canned::fill(&template, values));
        open.set(false);
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

/// Adds `text` to the draft as a reply and puts the cursor there.
fn add_to_draft(bench: Workbench, text: &str) {
    bench.draft.update(|d| {
        if !d.trim().is_empty() {
            d.push('\n');
        }
        d.push_str(text);
    });
    bench.kind.set(EventType::Reply.as_str().to_string());
    focus("event-body");
}

/// The knowledge base from the composer: opened, it suggests the articles most related to the
/// case; a search finds others. Each can go into the reply as a link to the public FAQ or as
/// its excerpt with the link.
#[component]
fn KnowledgePicker(case_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let searched = RwSignal::new(String::new());
    let case_id = StoredValue::new(case_id);
    let found = LocalResource::new(move || async move {
        let q = searched.get();
        match (open.get(), q.trim().is_empty()) {
            (false, _) => Ok(None),
            (true, true) => api::case_articles(case_id.get_value()).await.map(Some),
            (true, false) => api::articles(q, String::new()).await.map(Some),
        }
    });
    let search = move || searched.set(typed.get_untracked());
    view! {
        <div class="canned">
            <button type="button" class="button ghost" data-testid="kb-open" aria-expanded=move || open.get().to_string()
                aria-controls="kb-panel" on:click=move |_| {
                    open.update(|o| *o = !*o);
                    focus("kb-picker-search");
                }>
                {move || tr("插入知识库文章", "Insert from the knowledge base")}
            </button>
            <Show when=move || open.get()>
                <div class="canned-panel" id="kb-panel" data-testid="kb-panel">
                    <div class="inline-search">
                        <label class="visually-hidden" for="kb-picker-search">{move || tr("搜索知识库", "Search the knowledge base")}</label>
                        <input id="kb-picker-search" type="search" data-testid="kb-picker-search" bind:value=typed
                            placeholder=move || tr("输入关键词后按回车", "Type words and press Enter")
                            on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); search(); }/>
                        <button type="button" class="button" data-testid="kb-picker-go" on:click=move |_| search()>{move || tr("搜索", "Search")}</button>
                    </div>
                    <p class="hint">{move || if searched.get().trim().is_empty() { tr("与本工单相关的文章：", "Articles related to this case:") } else { tr("搜索结果：", "Results:") }}</p>
                    {move || match found.get() {
                        None | Some(Ok(None)) => view! { <Loading/> }.into_any(),
                        Some(Err(e)) => view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> }.into_any(),
                        Some(Ok(Some(items))) if items.is_empty() => view! {
                            <p class="muted" data-testid="kb-empty">{move || tr("没有找到相关文章", "No article found")}</p>
                        }.into_any(),
                        Some(Ok(Some(items))) => view! {
                            <ul class="canned-list">
                                {items.into_iter().map(|a| view! { <li><ArticleToInsert article=a on_insert=Callback::new(move |_| open.set(false))/></li> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }}
                </div>
            </Show>
        </div>
    }
}

/// One article with the two ways to put it into the reply.
#[component]
pub fn ArticleToInsert(article: domain::api::ArticleHit, #[prop(optional)] on_insert: Option<Callback<()>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let bench = expect_context::<Workbench>();
    let link = format!("{}/faq/{}", window().location().origin().unwrap_or_default(), article.id);
    let (title, excerpt) = (article.title.clone(), article.excerpt.clone());
    let title_for_link = title.clone();
    let insert = move |text: String| {
        add_to_draft(bench, &text);
        if let Some(done) = on_insert {
            done.run(());
        }
    };
    let link_text = {
        let link = link.clone();
        move || format!("{}：{link}", crate::pages::faq::in_lang(&title_for_link, i18n.0.get_untracked()))
    };
    let excerpt_text = {
        let (title, excerpt) = (title.clone(), excerpt.clone());
        move || {
            let lang = i18n.0.get_untracked();
            format!("{}\n{}\n{link}", crate::pages::faq::in_lang(&title, lang), crate::pages::faq::in_lang(&excerpt, lang))
        }
    };
    view! {
        <div class="kb-item" data-testid="kb-item">
            <strong>{move || crate::pages::faq::in_lang(&title, i18n.get())}</strong>
            <span class="muted">{move || crate::pages::faq::in_lang(&excerpt, i18n.get())}</span>
            <span class="actions">
                <button type="button" class="button small" data-testid="kb-insert-link" on:click=move |_| insert(link_text())>{move || tr("插入链接", "Insert link")}</button>
                <button type="button" class="button small" data-testid="kb-insert-excerpt" on:click=move |_| insert(excerpt_text())>{move || tr("插入摘要", "Insert excerpt")}</button>
            </span>
        </div>
    }
}

/// The articles most related to an inquiry, shown as the agent opens it.
#[component]
pub fn SuggestedArticles(case_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let found = LocalResource::new(move || api::case_articles(case_id.clone()));
    view! {
        {move || match found.get() {
            Some(Ok(items)) if !items.is_empty() => view! {
                <section class="card" aria-labelledby="suggested-title" data-testid="suggested-articles">
                    <h2 id="suggested-title">{move || tr("可能有用的知识库文章", "Knowledge-base articles that may answer this")}</h2>
                    <ul class="plain-list">
                        {items.into_iter().map(|a| view! { <li><ArticleToInsert article=a/></li> }).collect_view()}
                    </ul>
                </section>
            }.into_any(),
            // Suggestions are a help, not the case: nothing found or failing, they stay out of the way.
            _ => ().into_any(),
        }}
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
    // What the worker's rule (domain::assignment) lets this person do with this case: the
    // buttons it would refuse are not offered.
    let session = use_session();
    let (kind, holder) = (case.kind, case.assignee_id.clone());
    let allowed = move |how: Move| {
        session.user.with_untracked(|u| {
            u.as_ref().is_some_and(|u| {
                let actor = Actor { id: &u.id, role: u.role };
                // A colleague stands for anyone handed to; recusal is the worker's to check.
                assignment::check(actor, Held { kind, assignee: holder.as_deref() }, how, "", false).is_ok()
            })
        })
    };
    let may_give = allowed(Move::Give);
    let may_escalate = allowed(Move::Escalate);
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
    if !may_give && !may_escalate {
        return ().into_any();
    }
    view! {
        <section class="card" data-testid="hand-over" aria-labelledby="hand-over-title">
            <h2 id="hand-over-title">{move || tr("移交与升级", "Hand over")}</h2>
            <div class="grid-2">
                {may_give.then(|| view! {
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
                })}
                <div class="field">
                    <label for="hand-over-reason">{move || tr("原因（升级时必填）", "Reason (required to escalate)")}</label>
                    <input id="hand-over-reason" data-testid="hand-over-reason" bind:value=reason/>
                </div>
            </div>
            <div class="actions">
                {may_give.then(|| view! {
                    <button type="button" class="button" data-testid="reassign" disabled=move || busy.get() || to.get().is_empty()
                        on:click=move |_| send(false)>
                        {move || tr("转交", "Reassign")}
                    </button>
                })}
                {may_escalate.then(|| view! {
                    <button type="button" class="button" data-testid="escalate" disabled=move || busy.get() on:click=move |_| send(true)>
                        {move || tr("升级至主管", "Escalate to a supervisor")}
                    </button>
                })}
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="hand-over-error">{e.message(i18n.get())}</p> })}
        </section>
    }
    .into_any()
}
