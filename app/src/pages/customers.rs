//! Customers: search, and the 360° profile — who they are, what they hold, and every case,
//! complaint and follow-up in one timeline. Personal details stay masked until an agent reveals
//! one, which the server records in the audit trail.

use domain::api::{CustomerProfile, RevealField};
use domain::LeaveReason;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::components::A;

use crate::api::{self, ApiError};
use crate::components::feedback::{Empty, ErrorPanel, Loading};
use crate::components::sla_badge::SlaBadge;
use crate::components::time::full;
use crate::i18n::use_i18n;

#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let left = move || query.with(|q| q.get("left_from").zip(q.get("left_to")).map(|(from, to)| (from, to, q.get("reason"))));
    view! {
        {move || match left() {
            Some((from, to, reason)) => view! { <LeftList from=from to=to reason=reason/> }.into_any(),
            None => view! { <SearchPage/> }.into_any(),
        }}
    }
}

/// The dashboard's churn figure, drilled down: the customers who left in its period (for one
/// reason, from its chart), in the order they left, with why; a page at a time.
#[component]
fn LeftList(from: String, to: String, reason: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let rows = RwSignal::new(Vec::<domain::api::Customer>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let loading = RwSignal::new(true);
    let why = reason.as_deref().and_then(|r| r.parse::<LeaveReason>().ok());
    let (from, to, reason) = (StoredValue::new(from), StoredValue::new(to), StoredValue::new(reason));
    let load = Callback::new(move |cursor: Option<String>| {
        loading.set(true);
        spawn_local(async move {
            match api::customers_left(from.get_value(), to.get_value(), reason.get_value(), cursor).await {
                Ok(page) => {
                    rows.update(|r| r.extend(page.items));
                    next.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    });
    load.run(None);
    view! {
        <section class="page" aria-labelledby="page-title">
            <div class="page-head">
                <div>
                    <p class="muted">{move || tr("看板 · 客户流失", "Dashboard · customers who left")}</p>
                    <h1 id="page-title" data-testid="left-title">{move || {
                        let why = why.map(|r| format!(" · {}", i18n.get().leave_reason(r))).unwrap_or_default();
                        format!("{} {} – {}{why}", tr("流失客户", "Customers who left"), from.get_value(), to.get_value())
                    }}</h1>
                </div>
                // Back to the period drilled from (the churn figure is the institution's, so no team).
                <A href=move || format!("/dashboard?from={}&to={}", from.get_value(), to.get_value()) attr:class="button ghost" attr:data-testid="back-to-dashboard">
                    {move || tr("返回看板", "Back to the dashboard")}
                </A>
            </div>
            {move || error.get().map(|e| view! { <ErrorPanel error=e retry=Callback::new(move |_| load.run(next.get_untracked()))/> })}
            <Show when=move || !loading.get() && error.get().is_none() && rows.with(Vec::is_empty)>
                <Empty title=Signal::derive(move || tr("这段时间没有客户流失", "No customer left in this period"))
                    hint=Signal::derive(move || tr("在客户 360° 视图中记录客户流失。", "Record a customer's leaving on their 360° profile."))/>
            </Show>
            <Show when=move || rows.with(|r| !r.is_empty())>
                <div class="table-wrap">
                    <table class="cases" data-testid="left-customers">
                        <thead><tr>
                            <th scope="col">{move || i18n.get().t().customer_name}</th>
                            <th scope="col">{move || tr("流失时间", "Left on")}</th>
                            <th scope="col">{move || tr("流失原因", "Why they left")}</th>
                            <th scope="col">{move || tr("客户层级", "Segment")}</th>
                        </tr></thead>
                        <tbody>
                            {move || rows.get().into_iter().map(|c| {
                                let (segment, reason) = (c.segment, c.leave_reason);
                                view! {
                                    <tr data-testid="left-row">
                                        <td><a href=format!("/customers/{}", c.id) data-testid="customer-link">{
                                                let name = c.name.clone();
                                                move || i18n.get().or_erased(&name)
                                            }</a></td>
                                        <td>{c.left_at.map(full).unwrap_or_default()}</td>
                                        <td>{move || reason.map(|r| i18n.get().leave_reason(r)).unwrap_or_default()}</td>
                                        <td>{move || i18n.get().segment(segment)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || loading.get()><Loading/></Show>
            <Show when=move || next.with(Option::is_some) && !loading.get()>
                <button type="button" class="button ghost" data-testid="left-more" on:click=move |_| load.run(next.get_untracked())>
                    {move || tr("加载更多", "Load more")}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let query = use_query_map();
    let navigate = leptos_router::hooks::use_navigate();
    let q = move || query.read().get("q").unwrap_or_default();
    let text = RwSignal::new(q());
    let results = LocalResource::new(move || {
        let q = q();
        async move { if q.trim().is_empty() { Ok(None) } else { api::search_customers(q).await.map(Some) } }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = text.get_untracked();
        navigate(&format!("/customers?q={}", js_sys::encode_uri_component(q.trim())), Default::default());
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || tr("客户", "Customers")}</h1>
            <form class="search-row" role="search" on:submit=submit>
                <label for="customer-q">{move || tr("姓名、手机号后四位或电子邮件", "Name, last digits of the phone, or e-mail")}</label>
                <div class="actions">
                    <input id="customer-q" type="search" data-testid="customer-q" bind:value=text autofocus/>
                    <button type="submit" class="button primary" data-testid="customer-search">{move || tr("搜索", "Search")}</button>
                </div>
            </form>
            {move || match results.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e retry=Callback::new(move |_| results.refetch())/> }.into_any(),
                Some(Ok(None)) => view! {
                    <Empty title=Signal::derive(move || tr("查找客户", "Find a customer"))
                        hint=Signal::derive(move || tr("输入姓名开头、手机号后四位或完整电子邮件。", "Type the start of a name, the last four phone digits, or a full e-mail address."))/>
                }.into_any(),
                Some(Ok(Some(found))) if found.is_empty() => view! {
                    <Empty title=Signal::derive(move || tr("没有找到客户", "No customer found"))
                        hint=Signal::derive(move || tr("换个写法再试，或在新建案件时创建客户。", "Try another spelling, or create the customer when you register a case."))/>
                }.into_any(),
                Some(Ok(Some(found))) => view! {
                    <div class="table-wrap">
                        <table class="cases" data-testid="customer-results">
                            <thead><tr>
                                <th scope="col">{move || i18n.get().t().customer_name}</th>
                                <th scope="col">{move || i18n.get().t().phone}</th>
                                <th scope="col">{move || tr("电子邮件", "E-mail")}</th>
                                <th scope="col">{move || tr("客户层级", "Segment")}</th>
                                <th scope="col">{move || tr("客户类型", "Lifecycle")}</th>
                            </tr></thead>
                            <tbody>
                                {found.into_iter().map(|c| {
                                    let (segment, lifecycle) = (c.segment, c.lifecycle);
                                    view! {
                                        <tr data-testid="customer-row">
                                            <td><a href=format!("/customers/{}", c.id) data-testid="customer-link">{c.name.clone()}</a></td>
                                            <td class="mono">{c.phone_masked.clone().unwrap_or_default()}</td>
                                            <td>{c.email_masked.clone().unwrap_or_default()}</td>
                                            <td>{move || i18n.get().segment(segment)}</td>
                                            <td>{move || i18n.get().lifecycle(lifecycle)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// The suitability assessment's risk level (C1–C5 in Chinese banks' terms).
fn risk_label(lang: crate::i18n::Lang, code: Option<&str>) -> &'static str {
    match code {
        Some("conservative") => lang.tr("保守型（C1）", "Conservative (C1)"),
        Some("moderate") => lang.tr("稳健型（C2）", "Moderate (C2)"),
        Some("balanced") => lang.tr("平衡型（C3）", "Balanced (C3)"),
        Some("growth") => lang.tr("成长型（C4）", "Growth (C4)"),
        Some("aggressive") => lang.tr("进取型（C5）", "Aggressive (C5)"),
        Some(_) => lang.tr("其他", "Other"),
        None => lang.tr("未评估", "Not assessed"),
    }
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let profile = LocalResource::new(move || api::customer(id()));
    let reload = Callback::new(move |_| profile.refetch());
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! { <Profile profile=p reload=reload/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| profile.refetch())/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Profile(profile: CustomerProfile, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let c = profile.customer.clone();
    let (segment, lifecycle) = (c.segment, c.lifecycle);
    let consent = profile.consent_contact;
    let risk = profile.risk_tolerance.clone();
    let cases = profile.cases.clone();
    view! {
        <section class="page" aria-labelledby="page-title" data-testid="customer-page">
            <div class="page-head">
                <div>
                    <p class="muted">{move || tr("客户 360° 视图", "Customer 360°")}</p>
                    <h1 id="page-title" data-testid="customer-title">{
                        let name = c.name.clone();
                        move || i18n.get().or_erased(&name)
                    }</h1>
                </div>
                <A href="/customers" attr:class="button ghost">{move || tr("返回客户搜索", "Back to customer search")}</A>
            </div>
            {c.erased_at.map(|at| view! {
                <p class="notice" data-testid="customer-erased" role="status">
                    {move || format!("{} {}{}", tr("此客户的个人数据已于", "This customer's personal data was erased on"), full(at),
                        tr("删除；其案件保留为匿名记录，报表不受影响。", "; their cases remain as anonymised records, so reports are unchanged."))}
                </p>
            })}
            <dl class="facts">
                <div><dt>{move || tr("客户层级", "Segment")}</dt><dd data-testid="customer-segment">{move || i18n.get().segment(segment)}</dd></div>
                <div><dt>{move || tr("客户类型", "Lifecycle")}</dt><dd>{move || i18n.get().lifecycle(lifecycle)}</dd></div>
                <div><dt>{move || tr("风险承受能力", "Risk tolerance")}</dt><dd>{move || risk_label(i18n.get(), risk.as_deref())}</dd></div>
                <Consent customer_id=c.id.clone() consent erased=c.erased_at.is_some() reload/>
                <div><dt>{move || tr("客户起始日", "Customer since")}</dt><dd>{full(c.created_at)}</dd></div>
                <Masked customer_id=c.id.clone() field=RevealField::Phone masked=c.phone_masked.clone()/>
                <Masked customer_id=c.id.clone() field=RevealField::Email masked=c.email_masked.clone()/>
                <Masked customer_id=c.id.clone() field=RevealField::IdNumber masked=profile.id_number_masked.clone()/>
                <Relationship customer=c.clone()/>
            </dl>
            <h2>{move || tr("持有产品", "Products held")}</h2>
            {if profile.products.is_empty() {
                view! { <p class="muted">{move || tr("未持有本行产品。", "Holds no products with us.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="chips" data-testid="customer-products">
                        {profile.products.iter().map(|p| {
                            let (zh, en) = (p.name_zh.clone(), p.name_en.clone());
                            let since = p.since.format("%Y-%m").to_string();
                            view! { <li class="chip">{move || if i18n.get() == crate::i18n::Lang::Zh { zh.clone() } else { en.clone() }}<span class="muted">" · "{since}</span></li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h2>{move || tr("购买记录", "Purchases")}</h2>
            {if profile.purchases.is_empty() {
                view! { <p class="muted" data-testid="customer-purchases-empty">{move || tr("没有购买记录。", "No purchases recorded.")}</p> }.into_any()
            } else {
                let mismatches = profile.purchases.iter().filter(|p| p.mismatch).count();
                view! {
                    {(mismatches > 0).then(|| view! {
                        <p class="notice bad" role="alert" data-testid="customer-mismatch">{move || format!("{}{mismatches}{}",
                            tr("适当性不匹配：", "Suitability mismatches: "),
                            tr(" 笔购买的产品风险等级高于客户风险承受能力。", " purchase(s) of a product above the customer's risk tolerance."))}</p>
                    })}
                    <div class="table-wrap"><table class="grid-table" data-testid="customer-purchases">
                        <thead><tr>
                            <th scope="col">{move || tr("购买时间", "Bought")}</th>
                            <th scope="col">{move || tr("产品", "Product")}</th>
                            <th scope="col" class="num">{move || tr("金额", "Amount")}</th>
                            <th scope="col">{move || tr("风险等级", "Risk level")}</th>
                            <th scope="col">{move || tr("犹豫期截止", "Cooling-off ends")}</th>
                            <th scope="col">{move || tr("售后回访", "Follow-up")}</th>
                        </tr></thead>
                        <tbody>{profile.purchases.iter().cloned().map(|p| {
                            let name = p.product_name.clone();
                            view! {
                                <tr data-testid="customer-purchase">
                                    <td>{full(p.purchased_at)}</td>
                                    <td>{move || name.get(i18n.get().code()).to_string()}</td>
                                    <td class="num">{p.amount.map_or("—".into(), |a| format!("¥{:.2}", a as f64 / 100.0))}</td>
                                    <td>{p.risk_level.map_or("—".into(), |r| format!("R{r}"))}
                                        {p.mismatch.then(|| view! { " "<span class="badge bad" data-testid="purchase-mismatch">{move || tr("适当性不匹配", "Mismatch")}</span> })}</td>
                                    <td>{p.cooling_off_ends_at.map_or("—".into(), full)}</td>
                                    <td>{p.follow_up_id.clone().map(|id| view! { <a href=format!("/follow-ups/{id}")>{move || tr("回访", "Follow-up")}</a> })}</td>
                                </tr>
                            }
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
            <h2>{move || tr("满意度调查", "Satisfaction surveys")}</h2>
            {if profile.surveys.is_empty() {
                view! { <p class="muted" data-testid="customer-surveys-empty">{move || tr("尚未回答过满意度调查。", "Has not answered a satisfaction survey.")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="grid-table" data-testid="customer-surveys">
                        <thead><tr>
                            <th scope="col">{move || tr("调查", "Survey")}</th>
                            <th scope="col" class="num">"CSAT"</th>
                            <th scope="col" class="num">"NPS"</th>
                            <th scope="col">{move || tr("意见", "Comment")}</th>
                            <th scope="col">{move || tr("回答时间", "Answered")}</th>
                            <th scope="col">{move || tr("相关案件", "Cases")}</th>
                        </tr></thead>
                        <tbody>{profile.surveys.iter().cloned().map(|a| view! {
                            <tr>
                                <td><a href=format!("/surveys/{}", a.schedule_id)>{a.schedule_name.clone()}</a>
                                    {a.low.then(|| view! { " "<span class="sla sla-breached">{move || tr("低分", "Low score")}</span> })}</td>
                                <td class="num">{a.csat.map_or("—".into(), |s| format!("{s}/5"))}</td>
                                <td class="num">{a.nps.map_or("—".into(), |s| s.to_string())}</td>
                                <td>{a.comment.clone().unwrap_or_default()}</td>
                                <td>{full(a.answered_at)}</td>
                                <td>
                                    {a.case_id.clone().map(|id| view! { <a href=format!("/cases/{id}")>{move || tr("投诉", "Complaint")}</a>" " })}
                                    {a.recovery_case_id.clone().map(|id| view! { <a href=format!("/cases/{id}")>{move || tr("回访", "Recovery follow-up")}</a> })}
                                </td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
            <h2>{move || tr("服务记录", "Service history")}</h2>
            <p class="hint">{move || tr("咨询、投诉与回访，最新在前。", "Inquiries, complaints and follow-ups, newest first.")}</p>
            {if cases.is_empty() {
                view! { <Empty title=Signal::derive(move || tr("暂无服务记录", "No cases yet")) hint=Signal::derive(move || tr("该客户还没有咨询、投诉或回访。", "This customer has no inquiries, complaints or follow-ups."))/> }.into_any()
            } else {
                view! {
                    <ol class="timeline" data-testid="customer-timeline">
                        {cases.into_iter().map(|case| {
                            let (kind, status) = (case.kind, case.status);
                            view! {
                                <li class=format!("event event-{}", kind.as_str()) data-testid="customer-case">
                                    <div class="event-head">
                                        <span class="event-type">{move || i18n.get().kind(kind)}</span>
                                        <a class="mono" href=format!("/cases/{}", case.id)>{case.reference.clone()}</a>
                                        <span class="event-status">{move || i18n.get().status(status)}</span>
                                        <time class="muted" datetime=case.created_at.to_rfc3339()>{full(case.created_at)}</time>
                                        {status.is_open().then(|| view! { <SlaBadge case=case.clone()/> })}
                                    </div>
                                    <p class="event-body">{
                                        let subject = case.subject.clone();
                                        move || i18n.get().or_erased(&subject)
                                    }</p>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <PersonalData customer=c.clone() reload=reload/>
        </section>
    }
}

/// The customer's rights over their personal data: a supervisor exports it whole (a
/// subject-access request, audited); an admin erases it where the law allows, after saying what
/// that does (the server refuses while a case is open or a complaint's file must be kept).
#[component]
fn PersonalData(customer: domain::api::Customer, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let session = crate::session::use_session();
    let role = move |r: domain::Role| session.user.get().is_some_and(|u| u.role.includes(r));
    let id = StoredValue::new(customer.id.clone());
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let erase = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::erase_customer(id.get_value()).await {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    customer.erased_at.is_none().then(|| view! {
        <h2>{move || tr("个人数据", "Personal data")}</h2>
        <div class="actions" data-testid="personal-data">
            <Show when=move || role(domain::Role::Supervisor)>
                <a class="button ghost" data-testid="export-personal-data" href=api::customer_export_url(&id.get_value()) download="">
                    {move || tr("导出个人数据（JSON）", "Export personal data (JSON)")}
                </a>
            </Show>
            <Show when=move || role(domain::Role::Admin) && !confirming.get()>
                <button type="button" class="button danger" data-testid="erase-customer" on:click=move |_| confirming.set(true)>
                    {move || tr("删除个人数据…", "Erase personal data…")}
                </button>
            </Show>
        </div>
        <p class="hint">{move || tr("导出与删除均记入审计日志。", "Exports and erasures are recorded in the audit trail.")}</p>
        <Show when=move || confirming.get()>
            <div class="confirm" role="alertdialog" aria-labelledby="erase-title" aria-describedby="erase-what" data-testid="erase-confirm">
                <p id="erase-title"><strong>{move || tr("删除该客户的个人数据？", "Erase this customer's personal data?")}</strong></p>
                <p id="erase-what">{move || tr(
                    "姓名、联系方式、证件号、案件内容、调查意见、网点预约上的姓名与联系方式和发给客户的消息将被永久清除，无法恢复；尚未到期的预约将被取消。案件与预约本身保留为匿名记录，报表不变。",
                    "Their name, contact details, ID number, what was written on their cases, survey comments, the names and contact details on their branch appointments and messages to them are removed for good; appointments still to come are cancelled. Cases and appointments stay as anonymised records; reports do not change.",
                )}</p>
                <div class="actions">
                    <button type="button" class="button danger" data-testid="erase-confirm-button" disabled=move || busy.get() on:click=erase>
                        {move || tr("永久删除", "Erase for good")}
                    </button>
                    <button type="button" class="button ghost" on:click=move |_| { confirming.set(false); error.set(None); }>
                        {move || tr("取消", "Cancel")}
                    </button>
                </div>
            </div>
        </Show>
        {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="erase-error">{e.message(i18n.get())}</p> })}
    })
}

/// Whether the customer is still the institution's, and the control that records that they
/// left (with why: churn, counted on the dashboard) or, to correct a mistake or a return, that
/// they are a customer again. Both are audited server-side.
/// Whether the customer agrees to be contacted, and recording that they withdraw it (their open
/// follow-ups end) or give it again, with how they said so.
#[component]
fn Consent(customer_id: String, consent: bool, erased: bool, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let id = StoredValue::new(customer_id);
    let notes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let notes = Some(notes.get_untracked()).filter(|n| !n.trim().is_empty());
        spawn_local(async move {
            match api::consent(id.get_value(), !consent, notes).await {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="relationship">
            <dt>{move || tr("同意联系", "Consented to contact")}</dt>
            <dd data-testid="customer-consent" aria-live="polite">
                <span data-testid="customer-consent-value">{move || if consent { tr("是", "Yes") } else { tr("否（不回访、不发调查）", "No (no follow-ups, no surveys)") }}</span>
                {(!erased).then(|| view! {
                    <form class="inline-form" on:submit=change>
                        <label class="visually-hidden" for="consent-notes">{move || tr("客户如何表示", "How the customer said so")}</label>
                        <input id="consent-notes" type="text" data-testid="consent-notes" bind:value=notes
                            placeholder=move || tr("客户如何表示（来电、书面…）", "How they said so (a call, a letter…)")/>
                        <button type="submit" class="button ghost" data-testid="consent-change" disabled=move || busy.get()>
                            {move || if consent { tr("客户撤回联系同意", "Customer withdraws consent") } else { tr("客户同意联系", "Customer consents") }}
                        </button>
                    </form>
                })}
                {move || error.get().map(|e| view! { <span class="form-error" role="alert">{e.message(i18n.get())}</span> })}
            </dd>
        </div>
    }
}

#[component]
fn Relationship(customer: domain::api::Customer) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let id = StoredValue::new(customer.id.clone());
    let left = RwSignal::new(customer.left_at.zip(customer.leave_reason));
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let save = move |to_left: Option<LeaveReason>| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::relationship(id.get_value(), to_left).await {
                Ok(c) => {
                    left.set(c.left_at.zip(c.leave_reason));
                    reason.set(String::new());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let record = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(r) = reason.get_untracked().parse::<LeaveReason>() {
            save(Some(r));
        }
    };
    view! {
        <div class="relationship">
            <dt>{move || tr("客户关系", "Relationship")}</dt>
            <dd data-testid="customer-relationship" aria-live="polite">
                {move || match left.get() {
                    Some((at, why)) => view! {
                        <span data-testid="customer-left">
                            {format!("{} {} · {}", tr("已流失", "Left on"), full(at), i18n.get().leave_reason(why))}
                        </span>
                        <button type="button" class="button ghost" data-testid="customer-returned" disabled=move || busy.get()
                            on:click=move |_| save(None)>{move || tr("恢复为在册客户", "Customer again")}</button>
                    }.into_any(),
                    None => view! {
                        <form class="inline-form" on:submit=record>
                            <span>{move || tr("在册", "Active")}</span>
                            <label class="visually-hidden" for="leave-reason">{move || tr("流失原因", "Why they left")}</label>
                            <select id="leave-reason" data-testid="leave-reason" prop:value=move || reason.get()
                                on:change:target=move |ev| reason.set(ev.target().value())>
                                <option value="">{move || tr("流失原因…", "Why they left…")}</option>
                                {LeaveReason::ALL.iter().map(|r| view! {
                                    <option value=r.as_str()>{move || i18n.get().leave_reason(*r)}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit" class="button ghost" data-testid="record-left" disabled=move || busy.get() || reason.get().is_empty()>
                                {move || tr("记录客户流失", "Record that the customer left")}
                            </button>
                        </form>
                    }.into_any(),
                }}
                {move || error.get().map(|e| view! { <span class="form-error" role="alert">{e.message(i18n.get())}</span> })}
            </dd>
        </div>
    }
}

/// A masked personal detail with a button that reveals it; the reveal is audited server-side.
#[component]
fn Masked(customer_id: String, field: RevealField, masked: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let shown = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let has_value = masked.is_some();
    let masked = masked.unwrap_or_else(|| "—".into());
    let id = StoredValue::new(customer_id);
    let label = move || match field {
        RevealField::Phone => i18n.get().t().phone,
        RevealField::Email => tr("电子邮件", "E-mail"),
        RevealField::IdNumber => tr("身份证号", "ID number"),
    };
    let reveal = move |_| {
        spawn_local(async move {
            match api::reveal(id.get_value(), field).await {
                Ok(r) => shown.set(Some(r.value.unwrap_or_default())),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div>
            <dt>{label}</dt>
            <dd class="mono" data-testid=format!("customer-{}", field.as_str()) aria-live="polite">
                {move || shown.get().unwrap_or_else(|| masked.clone())}
                {(has_value).then(|| view! {
                    <Show when=move || shown.get().is_none()>
                        <button type="button" class="button ghost reveal" data-testid=format!("reveal-{}", field.as_str()) on:click=reveal
                            title=move || tr("查看完整信息（将记入审计日志）", "Show in full (recorded in the audit trail)")>
                            {move || tr("查看", "Reveal")}
                        </button>
                    </Show>
                })}
                {move || error.get().map(|e| view! { <span class="form-error" role="alert">{e.message(i18n.get())}</span> })}
            </dd>
        </div>
    }
}
