//! Branches and appointment services (admin): the hours each branch takes appointments, the
//! services it offers, and each service's length, places per slot and what to bring. A change
//! applies to the next slots customers see; appointments already booked stay as they are.

use domain::api::{BranchInput, BranchRecord, ServiceInput, ServiceRecord};
use domain::questionnaire::Text;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{local_error, SaveBar, Saved};
use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorPanel, Loading};
use crate::i18n::use_i18n;
use crate::pages::faq::in_lang;

#[component]
pub fn BranchesSection() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let service_list = LocalResource::new(api::service_records);
    let branch_list = LocalResource::new(api::branch_records);
    view! {
        <section class="card" data-testid="branches-section" aria-labelledby="branches-title">
            <h2 id="branches-title">{move || tr("网点与预约业务", "Branches and appointment services")}</h2>
            <p class="hint">{move || tr(
                "客户在“网点预约”页面按网点的营业时间（工作日以营业日历为准）和业务的时长预约；每个时段可约人数即同时办理该业务的柜台数。修改只影响之后的预约，已预约的客户不受影响；停用的网点或业务不再接受新预约。",
                "Customers book at a branch's hours (on the business calendar's working days) in slots as long as the service takes; the customers per slot are the counters serving it at once. A change applies to bookings from now on; customers already booked keep their appointments. An inactive branch or a retired service takes no new bookings.")}</p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    let services = match service_list.await {
                        Ok(s) => s,
                        Err(e) => return view! { <ErrorPanel error=e retry=Callback::new(move |_| service_list.refetch())/> }.into_any(),
                    };
                    match branch_list.await {
                        Ok(branches) => {
                            let all = StoredValue::new(services.clone());
                            view! {
                                <h3>{move || tr("预约业务", "Services")}</h3>
                                <ServiceForm service=None on_saved=Callback::new(move |_| service_list.refetch())/>
                                <ul class="plain-list" data-testid="service-list">
                                    {services.into_iter().map(|service| view! { <li><ServiceForm service=Some(service) on_saved=Callback::new(|_| ())/></li> }).collect_view()}
                                </ul>
                                <h3>{move || tr("网点", "Branches")}</h3>
                                <BranchForm branch=None services=all on_saved=Callback::new(move |_| branch_list.refetch())/>
                                <ul class="plain-list" data-testid="branch-list">
                                    {branches.into_iter().map(|branch| view! { <li><BranchForm branch=Some(branch) services=all on_saved=Callback::new(|_| ())/></li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| branch_list.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// What a record's form does with a save's answer.
#[derive(Clone, Copy)]
struct Form {
    is_new: bool,
    version: RwSignal<Option<i64>>,
    status: RwSignal<Saved>,
    /// Run after a new record is saved: the list shows it (and the new form is drawn empty).
    on_saved: Callback<()>,
}

/// A save's answer (the version saved): an existing record's form takes the new version; a new
/// one's hands over to the list.
fn settle(result: Result<i64, ApiError>, form: Form) {
    match result {
        Ok(_) if form.is_new => {
            form.status.set(Saved::Done);
            form.on_saved.run(());
        }
        Ok(saved) => {
            form.version.set(Some(saved));
            form.status.set(Saved::Done);
        }
        Err(e) => form.status.set(Saved::Failed(e)),
    }
}

/// A record's one-line summary, a button that shows its form below it (and hides it again,
/// keeping what was typed).
#[component]
fn Record(test_id: &'static str, summary: Signal<String>, children: Children) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="record" data-testid=test_id>
            <button type="button" class="record-toggle" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                <span aria-hidden="true">{move || if open.get() { "▾" } else { "▸" }}</span>
                " "{summary}
            </button>
            <div hidden=move || !open.get()>{children()}</div>
        </div>
    }
}

/// Whether the last save failed on `field`, for the field's `aria-invalid`.
fn invalid(status: RwSignal<Saved>, field: &'static str) -> impl Fn() -> &'static str + Copy {
    move || if status.with(|s| matches!(s, Saved::Failed(e) if e.field() == Some(field))) { "true" } else { "false" }
}

/// A number typed into a field, or the field's error.
fn number(value: RwSignal<String>, field: &'static str) -> Result<i64, ApiError> {
    value.get_untracked().trim().parse().map_err(|_| local_error(field))
}

/// A text input with its label; `test_id` also makes the element's id unique on the page.
#[component]
fn TextField(
    label: Signal<&'static str>,
    value: RwSignal<String>,
    test_id: String,
    invalid: Signal<&'static str>,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] kind: &'static str,
) -> impl IntoView {
    let id = format!("field-{test_id}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=if kind.is_empty() { "text" } else { kind } data-testid=test_id placeholder=placeholder aria-invalid=invalid bind:value=value/>
        </div>
    }
}

/// One service's form; with `None`, the form for a new one (cleared after saving).
#[component]
fn ServiceForm(service: Option<ServiceRecord>, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let is_new = service.is_none();
    let p = if is_new { "service-new".to_string() } else { format!("service-{}", service.as_ref().map_or("", |s| s.service.code.as_str())) };
    let text = |f: fn(&ServiceRecord) -> String| RwSignal::new(service.as_ref().map(f).unwrap_or_default());
    let code = text(|s| s.service.code.clone());
    let name_zh = text(|s| s.service.name.zh.clone());
    let name_en = text(|s| s.service.name.en.clone());
    let minutes = RwSignal::new(service.as_ref().map_or_else(|| "30".to_string(), |s| s.service.minutes.to_string()));
    let capacity = RwSignal::new(service.as_ref().map_or_else(|| "1".to_string(), |s| s.service.capacity.to_string()));
    let bring_zh = text(|s| s.service.bring.zh.clone());
    let bring_en = text(|s| s.service.bring.en.clone());
    let active = RwSignal::new(service.as_ref().is_none_or(|s| s.active));
    let version = RwSignal::new(service.as_ref().map(|s| s.version));
    let status = RwSignal::new(Saved::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (minutes, capacity) = match (number(minutes, "minutes"), number(capacity, "capacity")) {
            (Ok(m), Ok(c)) => (m, c),
            (Err(e), _) | (_, Err(e)) => return status.set(Saved::Failed(e)),
        };
        let input = ServiceInput {
            code: is_new.then(|| code.get_untracked().trim().to_string()),
            name: Text { zh: name_zh.get_untracked(), en: name_en.get_untracked() },
            minutes,
            capacity,
            bring: Text { zh: bring_zh.get_untracked(), en: bring_en.get_untracked() },
            active: active.get_untracked(),
            version: version.get_untracked(),
        };
        status.set(Saved::Saving);
        spawn_local(async move {
            let result = if is_new { api::create_service(input).await } else { api::update_service(code.get_untracked(), input).await };
            settle(result.map(|saved| saved.version), Form { is_new, version, status, on_saved });
        });
    };
    let label = move |zh, en| Signal::derive(move || tr(zh, en));
    let bad = move |field| Signal::derive(invalid(status, field));
    let fields = view! {
        <div class="grid-3">
            {is_new.then(|| view! {
                <TextField label=label("业务代码（英文小写，如 safe_box）", "Code (lower case, e.g. safe_box)") value=code test_id=format!("{p}-code") invalid=bad("code")/>
            })}
            <TextField label=label("中文名称", "Chinese name") value=name_zh test_id=format!("{p}-name-zh") invalid=bad("name.zh")/>
            <TextField label=label("英文名称", "English name") value=name_en test_id=format!("{p}-name-en") invalid=bad("name.en")/>
            <TextField label=label("每次时长（分钟，5–480）", "Minutes each (5–480)") value=minutes test_id=format!("{p}-minutes") invalid=bad("minutes") kind="number"/>
            <TextField label=label("每时段可约人数（1–50）", "Customers per slot (1–50)") value=capacity test_id=format!("{p}-capacity") invalid=bad("capacity") kind="number"/>
        </div>
        <div class="grid-2">
            <TextField label=label("所需材料（中文）", "What to bring (Chinese)") value=bring_zh test_id=format!("{p}-bring-zh") invalid=bad("bring.zh")/>
            <TextField label=label("所需材料（英文）", "What to bring (English)") value=bring_en test_id=format!("{p}-bring-en") invalid=bad("bring.en")/>
        </div>
    };
    let active_id = format!("{p}-active");
    let form = view! {
        <form class="team" on:submit=submit novalidate data-testid=if is_new { "service-new" } else { "service-form" }>
            {is_new.then(|| view! { <h4 class="form-title">{move || tr("新增预约业务", "New service")}</h4> })}
            {fields}
            {(!is_new).then(|| view! {
                <label class="check" for=active_id.clone()>
                    <input type="checkbox" id=active_id.clone() data-testid=active_id.clone() bind:checked=active/>
                    {move || tr("接受预约（取消勾选即停用）", "Taking bookings (untick to retire)")}
                </label>
            })}
            <SaveBar status test_id=if is_new { "service-new-save" } else { "service-save" }/>
        </form>
    };
    if is_new {
        return form.into_any();
    }
    let summary = move || {
        let lang = i18n.get();
        let mut parts = vec![in_lang(&Text { zh: name_zh.get(), en: name_en.get() }, lang), format!("{} {}", minutes.get(), tr("分钟", "min")), format!("{} {}", tr("每时段", "per slot:"), capacity.get())];
        if !active.get() {
            parts.push(tr("已停用", "retired").to_string());
        }
        parts.join(" · ")
    };
    let code_text = code.get_untracked();
    view! {
        <Record test_id="service-record" summary=Signal::derive(move || format!("{code_text} {}", summary()))>{form}</Record>
    }
    .into_any()
}

/// One branch's form; with `None`, the form for a new one (cleared after saving).
#[component]
fn BranchForm(branch: Option<BranchRecord>, services: StoredValue<Vec<ServiceRecord>>, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let is_new = branch.is_none();
    let id = StoredValue::new(branch.as_ref().map(|b| b.id.clone()));
    let p = if is_new { "branch-new".to_string() } else { format!("branch-{}", branch.as_ref().map_or("", |b| b.id.as_str())) };
    let text = |f: fn(&BranchRecord) -> String| RwSignal::new(branch.as_ref().map(f).unwrap_or_default());
    let name_zh = text(|b| b.name.zh.clone());
    let name_en = text(|b| b.name.en.clone());
    let address_zh = text(|b| b.address.zh.clone());
    let address_en = text(|b| b.address.en.clone());
    let phone = text(|b| b.phone.clone());
    let opens = RwSignal::new(branch.as_ref().map_or_else(|| "09:00".to_string(), |b| b.opens.clone()));
    let closes = RwSignal::new(branch.as_ref().map_or_else(|| "17:00".to_string(), |b| b.closes.clone()));
    let offered = RwSignal::new(branch.as_ref().map(|b| b.services.clone()).unwrap_or_default());
    let active = RwSignal::new(branch.as_ref().is_none_or(|b| b.active));
    let version = RwSignal::new(branch.as_ref().map(|b| b.version));
    let upcoming = branch.as_ref().map_or(0, |b| b.upcoming);
    let status = RwSignal::new(Saved::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = BranchInput {
            name: Text { zh: name_zh.get_untracked(), en: name_en.get_untracked() },
            address: Text { zh: address_zh.get_untracked(), en: address_en.get_untracked() },
            phone: phone.get_untracked(),
            opens: opens.get_untracked().trim().to_string(),
            closes: closes.get_untracked().trim().to_string(),
            services: offered.get_untracked(),
            active: active.get_untracked(),
            version: version.get_untracked(),
        };
        status.set(Saved::Saving);
        spawn_local(async move {
            let result = match id.get_value() {
                Some(id) => api::update_branch(id, input).await,
                None => api::create_branch(input).await,
            };
            settle(result.map(|saved| saved.version), Form { is_new, version, status, on_saved });
        });
    };
    let label = move |zh, en| Signal::derive(move || tr(zh, en));
    let bad = move |field| Signal::derive(invalid(status, field));
    let choices = services
        .get_value()
        .into_iter()
        .map(|s| {
            let code = StoredValue::new(s.service.code.clone());
            let box_id = format!("{p}-offers-{}", s.service.code);
            let toggle = move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                offered.update(|o| {
                    o.retain(|c| *c != code.get_value());
                    if on {
                        o.push(code.get_value());
                    }
                });
            };
            let name = s.service.name.clone();
            let retired = !s.active;
            view! {
                <label class="check" for=box_id.clone()>
                    <input type="checkbox" id=box_id.clone() data-testid=box_id.clone() prop:checked=move || offered.with(|o| o.contains(&code.get_value())) on:change=toggle/>
                    {move || in_lang(&name, i18n.get())}
                    {retired.then(|| view! { <span class="muted">{move || tr("（已停用）", " (retired)")}</span> })}
                </label>
            }
        })
        .collect_view();
    let active_id = format!("{p}-active");
    let form = view! {
        <form class="team" on:submit=submit novalidate data-testid=if is_new { "branch-new" } else { "branch-form" }>
            {is_new.then(|| view! { <h4 class="form-title">{move || tr("新增网点", "New branch")}</h4> })}
            <div class="grid-2">
                <TextField label=label("中文名称", "Chinese name") value=name_zh test_id=format!("{p}-name-zh") invalid=bad("name.zh")/>
                <TextField label=label("英文名称", "English name") value=name_en test_id=format!("{p}-name-en") invalid=bad("name.en")/>
                <TextField label=label("中文地址", "Chinese address") value=address_zh test_id=format!("{p}-address-zh") invalid=bad("address.zh")/>
                <TextField label=label("英文地址", "English address") value=address_en test_id=format!("{p}-address-en") invalid=bad("address.en")/>
            </div>
            <div class="grid-3">
                <TextField label=label("电话", "Phone") value=phone test_id=format!("{p}-phone") invalid=bad("phone") kind="tel"/>
                <TextField label=label("开门时间（如 09:00）", "Opens (e.g. 09:00)") value=opens test_id=format!("{p}-opens") invalid=bad("opens") placeholder="09:00"/>
                <TextField label=label("关门时间（最后一个时段在此之前结束）", "Closes (the last slot ends by then)") value=closes test_id=format!("{p}-closes") invalid=bad("closes") placeholder="17:00"/>
            </div>
            <fieldset class="offered" aria-invalid=bad("services")>
                <legend>{move || tr("可预约的业务", "Services booked here")}</legend>
                {choices}
            </fieldset>
            {(!is_new).then(|| view! {
                <label class="check" for=active_id.clone()>
                    <input type="checkbox" id=active_id.clone() data-testid=active_id.clone() bind:checked=active/>
                    {move || tr("接受预约（取消勾选即停止）", "Taking bookings (untick to stop)")}
                </label>
                {(upcoming > 0).then(|| view! {
                    <p class="hint" data-testid="branch-upcoming">{move || format!("{} {upcoming} {}", tr("尚有", "This branch has"), tr(
                        "个未到期的预约：修改时间、业务或停止预约都不会取消它们，如需调整请联系客户。",
                        "appointments still to come: changing its hours or services, or stopping bookings, does not cancel them; contact the customers if they must move."))}</p>
                })}
            })}
            <SaveBar status test_id=if is_new { "branch-new-save" } else { "branch-save" }/>
        </form>
    };
    if is_new {
        return form.into_any();
    }
    let summary = move || {
        let lang = i18n.get();
        let mut parts = vec![
            in_lang(&Text { zh: name_zh.get(), en: name_en.get() }, lang),
            format!("{}–{}", opens.get(), closes.get()),
            format!("{} {}", offered.with(Vec::len), tr("项业务", "services")),
        ];
        if !active.get() {
            parts.push(tr("已停止预约", "not taking bookings").to_string());
        }
        parts.join(" · ")
    };
    view! {
        <Record test_id="branch-record" summary=Signal::derive(summary)>{form}</Record>
    }
    .into_any()
}
