//! Branch appointments: customers book from the public page and reschedule or cancel from their
//! link; agents book for a customer from the case page; branch staff look a booking up by its
//! reference, check the customer in against their ID document, or record that they did not come.

use chrono::{DateTime, Duration, Utc};
use domain::api::{Appointment, AppointmentStatus, BookingReceipt, BookingRequest, Branch, PublicAppointment, StaffBookingRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::feedback::{Empty, ErrorPanel, Loading};
use crate::components::shell::PublicHead;
use crate::components::time::{clock, date_of, full, today};
use crate::i18n::{use_i18n, Lang};
use crate::pages::faq::in_lang;

pub fn status_label(lang: Lang, s: AppointmentStatus) -> &'static str {
    match s {
        AppointmentStatus::Booked => lang.tr("已预约", "Booked"),
        AppointmentStatus::Cancelled => lang.tr("已取消", "Cancelled"),
        AppointmentStatus::CheckedIn => lang.tr("已到店（已核验证件）", "Checked in (ID checked)"),
        AppointmentStatus::NoShow => lang.tr("未到", "Did not come"),
    }
}

/// Chooses a date and one of its free slots for a service at a branch; `chosen` holds the
/// slot's start.
#[component]
fn SlotPicker(#[prop(into)] branch: Signal<String>, #[prop(into)] service: Signal<String>, chosen: RwSignal<Option<DateTime<Utc>>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let date = RwSignal::new((today() + Duration::days(1)).format("%Y-%m-%d").to_string());
    let day = LocalResource::new(move || {
        let (b, s, d) = (branch.get(), service.get(), date.get());
        async move {
            if b.is_empty() || s.is_empty() { Ok(None) } else { api::slots(b, s, d).await.map(Some) }
        }
    });
    let (min, max) = (today().format("%Y-%m-%d").to_string(), (today() + Duration::days(30)).format("%Y-%m-%d").to_string());
    view! {
        <div class="field">
            <label for="slot-date">{move || tr("日期", "Date")}</label>
            <input id="slot-date" type="date" data-testid="slot-date" min=min max=max prop:value=move || date.get()
                on:change=move |ev| { date.set(event_target_value(&ev)); chosen.set(None); }/>
        </div>
        <fieldset class="field">
            <legend>{move || tr("时段", "Time")}</legend>
            {move || match day.get() {
                None => view! { <Loading/> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> }.into_any(),
                Some(Ok(None)) => view! { <p class="muted">{move || tr("请先选择网点和业务。", "Choose a branch and a service first.")}</p> }.into_any(),
                Some(Ok(Some(d))) if !d.open => view! { <p class="muted" data-testid="slots-closed">{move || tr("该日网点不营业，请选择其他日期。", "The branch is closed that day; choose another date.")}</p> }.into_any(),
                Some(Ok(Some(d))) if d.slots.iter().all(|s| s.left == 0) => view! { <p class="muted" data-testid="slots-full">{move || tr("该日已约满或已过可预约时间，请选择其他日期。", "No time left that day; choose another date.")}</p> }.into_any(),
                Some(Ok(Some(d))) => view! {
                    <div class="slots" data-testid="slots">
                        {d.slots.into_iter().map(|s| {
                            let start = s.start;
                            let full = s.left == 0;
                            view! {
                                <button type="button" class="slot" data-testid="slot" disabled=full
                                    aria-pressed=move || (chosen.get() == Some(start)).to_string()
                                    on:click=move |_| chosen.set(Some(start))>
                                    <strong>{clock(start)}</strong>
                                    <span class="small">{move || if full { tr("已约满", "Full").to_string() } else { format!("{} {}", tr("余", "left"), s.left) }}</span>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                }.into_any(),
            }}
        </fieldset>
    }
}

/// What the customer needs to know at the counter.
#[component]
fn AppointmentCard(appointment: PublicAppointment) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let a = appointment;
    let (branch, address, service, bring) = (a.branch.clone(), a.address.clone(), a.service_name.clone(), a.bring.clone());
    let status = a.status;
    view! {
        <dl class="appointment-facts" data-testid="appointment">
            <dt>{move || tr("预约号", "Reference")}</dt><dd class="mono" data-testid="appointment-reference">{a.reference.clone()}</dd>
            <dt>{move || tr("状态", "Status")}</dt><dd data-testid="appointment-status">{move || status_label(i18n.get(), status)}</dd>
            <dt>{move || tr("时间", "When")}</dt><dd data-testid="appointment-time">{full(a.start)}" – "{clock(a.end)}{move || tr("（北京时间）", " (Beijing time)")}</dd>
            <dt>{move || tr("网点", "Branch")}</dt><dd>{move || in_lang(&branch, i18n.get())}<br/><span class="muted">{move || in_lang(&address, i18n.get())}</span></dd>
            <dt>{move || tr("业务", "Service")}</dt><dd>{move || in_lang(&service, i18n.get())}</dd>
            <dt>{move || tr("请携带", "Bring")}</dt><dd>{move || in_lang(&bring, i18n.get())}</dd>
        </dl>
    }
}

/// `/book`: a customer books a branch appointment without an account.
#[component]
pub fn BookPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let branches = LocalResource::new(api::branches);
    let branch = RwSignal::new(String::new());
    let service = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<DateTime<Utc>>);
    let (name, phone, email) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<ApiError>);
    let sending = RwSignal::new(false);
    let receipt = RwSignal::new(None::<BookingReceipt>);
    let offered = move || -> Vec<Branch> { branches.get().and_then(Result::ok).unwrap_or_default() };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(start) = chosen.get_untracked() else {
            error.set(Some(ApiError::Api { status: 422, code: "invalid_field".into(), field: Some("start".into()) }));
            return;
        };
        let optional = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let request = BookingRequest { branch_id: branch.get_untracked(), service: service.get_untracked(), start, name: name.get_untracked(), phone: optional(phone), email: optional(email) };
        sending.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::book(request).await;
            sending.set(false);
            match result {
                Ok(r) => receipt.set(Some(r)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let invalid = move |field: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field()) == Some(field)).to_string();
    view! {
        <main class="public-page" id="main" lang=move || i18n.get().code()>
            <PublicHead/>
            <h1>{move || tr("网点预约", "Book a branch appointment")}</h1>
            <p class="muted">{move || tr("大额取现、开户、补卡等须到网点本人办理的业务，可提前预约，减少等候。", "Business that must be done in person at a branch, such as large cash withdrawals, opening an account or replacing a card, can be booked ahead to save waiting.")}</p>
            {move || match receipt.get() {
                Some(r) => view! {
                    <section class="receipt" role="status" data-testid="booking-receipt">
                        <p>{move || tr("预约成功。请保存预约号，到网点时出示身份证件。", "You are booked. Keep the reference and show your ID at the branch.")}</p>
                        <AppointmentCard appointment=r.appointment.clone()/>
                        <p><a href=r.manage_path.clone() data-testid="manage-link">{move || tr("改约或取消预约", "Reschedule or cancel")}</a></p>
                        <p class="muted small">{move || tr("此链接也已随确认信息发送给您，请勿转发他人。", "This link is also in your confirmation; do not share it.")}</p>
                    </section>
                }.into_any(),
                None => view! {
                    <form class="form card" on:submit=submit novalidate data-testid="booking-form">
                        {move || match branches.get() {
                            None => view! { <Loading/> }.into_any(),
                            Some(Err(e)) => view! { <ErrorPanel error=e/> }.into_any(),
                            Some(Ok(list)) if list.is_empty() => view! {
                                <Empty title=Signal::derive(move || tr("暂无可预约网点", "No branch takes appointments yet")) hint=Signal::derive(move || tr("请致电客服热线。", "Please call us."))/>
                            }.into_any(),
                            Some(Ok(_)) => view! {
                                <div class="grid-2">
                                    <div class="field">
                                        <label for="book-branch">{move || tr("网点", "Branch")}</label>
                                        <select id="book-branch" data-testid="book-branch" aria-invalid=invalid("branch_id") on:change=move |ev| {
                                            branch.set(event_target_value(&ev));
                                            service.set(String::new());
                                            chosen.set(None);
                                        }>
                                            <option value="">{move || tr("请选择", "Choose")}</option>
                                            {move || offered().into_iter().map(|b| {
                                                let name = b.name.clone();
                                                view! { <option value=b.id.clone()>{move || in_lang(&name, i18n.get())}</option> }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="book-service">{move || tr("业务", "Service")}</label>
                                        <select id="book-service" data-testid="book-service" aria-invalid=invalid("service") prop:value=move || service.get()
                                            on:change=move |ev| { service.set(event_target_value(&ev)); chosen.set(None); }>
                                            <option value="">{move || tr("请选择", "Choose")}</option>
                                            {move || offered().into_iter().filter(|b| b.id == branch.get()).flat_map(|b| b.services).map(|s| {
                                                let name = s.name.clone();
                                                let minutes = s.minutes;
                                                view! { <option value=s.code.clone()>{move || format!("{}（{minutes} {}）", in_lang(&name, i18n.get()), tr("分钟", "min"))}</option> }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                </div>
                            }.into_any(),
                        }}
                        <SlotPicker branch service chosen/>
                        <div class="field">
                            <label for="book-name">{move || tr("姓名（与身份证件一致）", "Name (as on your ID)")}</label>
                            <input id="book-name" autocomplete="name" data-testid="book-name" aria-invalid=invalid("name") bind:value=name/>
                        </div>
                        <div class="grid-2">
                            <div class="field">
                                <label for="book-phone">{move || tr("手机号码", "Mobile number")}</label>
                                <input id="book-phone" type="tel" autocomplete="tel" data-testid="book-phone" aria-invalid=invalid("phone") bind:value=phone/>
                            </div>
                            <div class="field">
                                <label for="book-email">{move || tr("电子邮件", "E-mail")}</label>
                                <input id="book-email" type="email" autocomplete="email" data-testid="book-email" aria-invalid=invalid("email") bind:value=email/>
                            </div>
                        </div>
                        <p class="hint">{move || tr("手机号码和电子邮件至少填写一项，用于发送确认和前一天的提醒。", "Give a mobile number or an e-mail address for the confirmation and the reminder the day before.")}</p>
                        {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="booking-error">{booking_error(&e, i18n.get())}</p> })}
                        <button type="submit" class="button primary" data-testid="book-submit" disabled=move || sending.get()>
                            {move || if sending.get() { i18n.get().t().saving } else { tr("确认预约", "Book") }}
                        </button>
                    </form>
                }.into_any(),
            }}
        </main>
    }
}

fn booking_error(e: &ApiError, lang: Lang) -> String {
    let what = match e.field() {
        Some("start") => lang.tr("请选择一个可预约的时段", "choose an open time"),
        Some("branch_id") | Some("branch") => lang.tr("请选择网点", "choose a branch"),
        Some("service") => lang.tr("请选择业务", "choose a service"),
        Some("name") => lang.tr("请填写姓名", "give your name"),
        Some("phone") => lang.tr("请填写手机号码或电子邮件", "give a mobile number or an e-mail address"),
        Some("email") => lang.tr("请检查电子邮件", "check the e-mail address"),
        _ => return e.message(lang),
    };
    what.to_string()
}

/// `/appointments/:token`: the customer's link: their appointment, to reschedule or cancel.
#[component]
pub fn ManageAppointmentPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let current = RwSignal::new(None::<PublicAppointment>);
    let load_error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| {
        let t = token();
        spawn_local(async move {
            match api::managed_appointment(t).await {
                Ok(a) => current.set(Some(a)),
                Err(e) => load_error.set(Some(e)),
            }
        });
    });
    let moving = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let chosen = RwSignal::new(None::<DateTime<Utc>>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<&'static str>);
    let act = move |cancel: bool| {
        let t = token();
        let start = chosen.get_untracked();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = match (cancel, start) {
                (true, _) => api::cancel_appointment(t).await,
                (false, Some(start)) => api::reschedule(t, start).await,
                (false, None) => Err(ApiError::Api { status: 422, code: "invalid_field".into(), field: Some("start".into()) }),
            };
            busy.set(false);
            match result {
                Ok(a) => {
                    current.set(Some(a));
                    moving.set(false);
                    confirming.set(false);
                    done.set(Some(if cancel { "cancelled" } else { "moved" }));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <main class="public-page" id="main" lang=move || i18n.get().code()>
            <PublicHead/>
            <h1>{move || tr("我的网点预约", "My branch appointment")}</h1>
            {move || load_error.get().map(|e| match e {
                // The link is dead once the appointment is cancelled, done or past.
                ApiError::Api { status: 410, .. } => view! {
                    <p class="notice" role="status" data-testid="manage-gone">{move || tr(
                        "该预约已取消、已办理或已过时，此链接不再显示预约详情。如需办理业务，请重新预约。",
                        "This appointment is cancelled, done or past, so this link no longer shows it. Book again if you still need to come in.",
                    )}</p>
                }.into_any(),
                e => view! { <ErrorPanel error=e/> }.into_any(),
            })}
            {move || match (current.get(), load_error.with(Option::is_some)) {
                (None, false) => view! { <Loading/> }.into_any(),
                (None, true) => ().into_any(),
                (Some(a), _) => {
                    let changeable = a.status == AppointmentStatus::Booked && a.start > crate::components::time::now_utc();
                    let (branch, service) = (a.branch_id.clone(), a.service.clone());
                    view! {
                        <section class="card">
                            {move || done.get().map(|what| view! {
                                <p class="notice" role="status" data-testid="manage-done">{move || if what == "cancelled" {
                                    tr("预约已取消，名额已释放。", "Your appointment is cancelled and its place freed.")
                                } else {
                                    tr("已改约，新的确认信息已发送给您。", "Rescheduled; a new confirmation is on its way.")
                                }}</p>
                            })}
                            <AppointmentCard appointment=a.clone()/>
                            {if !changeable {
                                view! { <p class="muted" data-testid="manage-closed">{move || tr("该预约已取消、已办理或已过时，无法再更改。", "This appointment is cancelled, done or past, and can no longer be changed.")}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="actions">
                                        <button type="button" class="button" data-testid="reschedule-open" on:click=move |_| moving.update(|m| *m = !*m)>{move || tr("改约", "Reschedule")}</button>
                                        <button type="button" class="button danger" data-testid="cancel-open" on:click=move |_| confirming.set(true)>{move || tr("取消预约", "Cancel")}</button>
                                    </div>
                                    <Show when=move || moving.get()>
                                        <div class="form" data-testid="reschedule-form">
                                            <SlotPicker branch=Signal::derive({ let b = branch.clone(); move || b.clone() }) service=Signal::derive({ let s = service.clone(); move || s.clone() }) chosen/>
                                            <button type="button" class="button primary" data-testid="reschedule-submit" disabled=move || busy.get() || chosen.get().is_none()
                                                on:click=move |_| act(false)>{move || tr("确认改约", "Move my appointment")}</button>
                                        </div>
                                    </Show>
                                    <Show when=move || confirming.get()>
                                        <div class="notice" role="alertdialog" aria-labelledby="cancel-q" data-testid="cancel-confirm">
                                            <p id="cancel-q">{move || tr("确定取消这个预约吗？取消后名额将释放给其他客户。", "Cancel this appointment? Its place goes to other customers.")}</p>
                                            <div class="actions">
                                                <button type="button" class="button danger" data-testid="cancel-submit" disabled=move || busy.get() on:click=move |_| act(true)>{move || tr("确定取消", "Yes, cancel")}</button>
                                                <button type="button" class="button" on:click=move |_| confirming.set(false)>{move || tr("不取消", "Keep it")}</button>
                                            </div>
                                        </div>
                                    </Show>
                                }.into_any()
                            }}
                            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="manage-error">{booking_error(&e, i18n.get())}</p> })}
                        </section>
                    }.into_any()
                }
            }}
            <p class="faq-more"><a href="/book">{move || tr("预约其他业务", "Book another appointment")}</a>" · "<a href="/faq">{move || tr("常见问题", "FAQ")}</a></p>
        </main>
    }
}

/// An agent books a branch appointment for the customer of a case; the confirmation goes to the
/// customer's contact details on file.
#[component]
pub fn BookForCustomer(customer_id: String, case_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let open = RwSignal::new(false);
    let branches = LocalResource::new(move || async move { if open.get() { api::branches().await } else { Ok(Vec::new()) } });
    let branch = RwSignal::new(String::new());
    let service = RwSignal::new(String::new());
    let chosen = RwSignal::new(None::<DateTime<Utc>>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let booked = RwSignal::new(None::<Appointment>);
    let ids = StoredValue::new((customer_id, case_id));
    let existing = LocalResource::new(move || {
        let (customer, _) = ids.get_value();
        let _ = booked.get();
        async move { api::appointments(vec![("customer_id", customer)]).await }
    });
    let offered = move || branches.get().and_then(Result::ok).unwrap_or_default();
    let book = move |_| {
        let Some(start) = chosen.get_untracked() else { return };
        let (customer_id, case_id) = ids.get_value();
        let request = StaffBookingRequest { branch_id: branch.get_untracked(), service: service.get_untracked(), start, customer_id, case_id: Some(case_id) };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::book_for_customer(request).await;
            busy.set(false);
            match result {
                Ok(a) => {
                    booked.set(Some(a));
                    open.set(false);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="book-title" data-testid="book-for-customer">
            <h2 id="book-title">{move || tr("网点预约", "Branch appointments")}</h2>
            {move || match existing.get() {
                Some(Ok(list)) if !list.is_empty() => view! {
                    <ul class="plain-list" data-testid="customer-appointments">
                        {list.into_iter().map(|a| {
                            let (branch, service, status) = (a.public.branch.clone(), a.public.service_name.clone(), a.public.status);
                            view! { <li><span class="mono">{a.public.reference.clone()}</span>" · "{full(a.public.start)}" · "{move || in_lang(&branch, i18n.get())}" · "{move || in_lang(&service, i18n.get())}" · "<strong>{move || status_label(i18n.get(), status)}</strong></li> }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Some(Ok(_)) => view! { <p class="muted">{move || tr("该客户暂无网点预约。", "No branch appointments for this customer.")}</p> }.into_any(),
                _ => ().into_any(),
            }}
            {move || booked.get().map(|a| view! { <p class="notice" role="status" data-testid="booked-for-customer">{move || tr("已预约，预约号 ", "Booked, reference ")}<span class="mono">{a.public.reference.clone()}</span>{move || tr("；确认信息已发送给客户。", "; the confirmation is on its way to the customer.")}</p> })}
            <button type="button" class="button" data-testid="book-for-customer-open" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                {move || tr("为客户预约网点办理", "Book a branch appointment for the customer")}
            </button>
            <Show when=move || open.get()>
                <div class="form">
                    <div class="grid-2">
                        <div class="field">
                            <label for="staff-branch">{move || tr("网点", "Branch")}</label>
                            <select id="staff-branch" data-testid="staff-branch" on:change=move |ev| { branch.set(event_target_value(&ev)); service.set(String::new()); chosen.set(None); }>
                                <option value="">{move || tr("请选择", "Choose")}</option>
                                {move || offered().into_iter().map(|b| { let name = b.name.clone(); view! { <option value=b.id.clone()>{move || in_lang(&name, i18n.get())}</option> } }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="staff-service">{move || tr("业务", "Service")}</label>
                            <select id="staff-service" data-testid="staff-service" prop:value=move || service.get() on:change=move |ev| { service.set(event_target_value(&ev)); chosen.set(None); }>
                                <option value="">{move || tr("请选择", "Choose")}</option>
                                {move || offered().into_iter().filter(|b| b.id == branch.get()).flat_map(|b| b.services).map(|s| { let name = s.name.clone(); view! { <option value=s.code.clone()>{move || in_lang(&name, i18n.get())}</option> } }).collect_view()}
                            </select>
                        </div>
                    </div>
                    <SlotPicker branch service chosen/>
                    {move || error.get().map(|e| view! { <p class="form-error" role="alert">{booking_error(&e, i18n.get())}</p> })}
                    <button type="button" class="button primary" data-testid="staff-book" disabled=move || busy.get() || chosen.get().is_none() on:click=book>{move || tr("预约", "Book")}</button>
                </div>
            </Show>
        </section>
    }
}

/// `/appointments`: the branch counter: look a booking up by the reference the customer reads
/// out, check their ID document against it and check them in, or record that they did not come.
#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let typed = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Result<Vec<Appointment>, ApiError>>);
    let id_checked = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let look_up = move || {
        let reference = typed.get_untracked();
        id_checked.set(false);
        error.set(None);
        spawn_local(async move { found.set(Some(api::appointments(vec![("reference", reference)]).await)) });
    };
    let act = move |a: Appointment, check_in: bool| {
        error.set(None);
        spawn_local(async move {
            let result = if check_in { api::check_in(a.id, a.version).await } else { api::no_show(a.id, a.version).await };
            match result {
                Ok(updated) => found.set(Some(Ok(vec![updated]))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || tr("网点预约签到", "Appointments at the counter")}</h1>
            <form class="search-row" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); look_up(); }>
                <label for="desk-reference">{move || tr("预约号", "Reference")}</label>
                <div class="actions">
                    <input id="desk-reference" data-testid="desk-reference" autocomplete="off" bind:value=typed placeholder="YY……"/>
                    <button type="submit" class="button primary" data-testid="desk-look-up">{move || tr("查询", "Look up")}</button>
                </div>
            </form>
            {move || match found.get() {
                None => ().into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <Empty title=Signal::derive(move || tr("没有这个预约号", "No appointment has this reference")) hint=Signal::derive(move || tr("请核对客户出示的预约号。", "Check the reference the customer shows."))/>
                }.into_any(),
                Some(Ok(list)) => list.into_iter().map(|a| {
                    let booked = a.public.status == AppointmentStatus::Booked;
                    let started = a.public.start <= crate::components::time::now_utc();
                    // The counter works today's bookings; another day's is said plainly before anyone checks it in.
                    let other_day = date_of(a.public.start) != today();
                    let (for_check, for_missed) = (a.clone(), a.clone());
                    view! {
                        <section class="card" data-testid="desk-appointment">
                            <p><strong data-testid="desk-name">{a.name.clone()}</strong>" "<span class="muted">{a.phone.clone().unwrap_or_default()}</span></p>
                            {(booked && other_day).then(|| view! {
                                <p class="notice warn" role="alert" data-testid="desk-other-day">{move || tr("注意：该预约不是今天的，请核对预约日期。", "Note: this booking is not for today; check its date.")}</p>
                            })}
                            <AppointmentCard appointment=a.public.clone()/>
                            {a.checked_in_at.map(|t| view! { <p class="muted">{move || tr("签到时间 ", "Checked in ")}{full(t)}" · "{a.checked_in_by.clone().unwrap_or_default()}</p> })}
                            {booked.then(|| view! {
                                <label class="check"><input type="checkbox" data-testid="desk-id-checked" prop:checked=move || id_checked.get()
                                    on:change=move |ev| id_checked.set(event_target_checked(&ev))/>
                                    {move || tr("已核对客户身份证件原件，姓名与预约一致", "I checked the customer's original ID document and the name matches the booking")}</label>
                                <div class="actions">
                                    <button type="button" class="button primary" data-testid="desk-check-in" disabled=move || !id_checked.get()
                                        on:click=move |_| act(for_check.clone(), true)>{move || tr("签到", "Check in")}</button>
                                    {started.then(|| view! {
                                        <button type="button" class="button" data-testid="desk-no-show" on:click=move |_| act(for_missed.clone(), false)>{move || tr("记录未到", "Did not come")}</button>
                                    })}
                                </div>
                            })}
                        </section>
                    }
                }).collect_view().into_any(),
            }}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> })}
        </section>
    }
}
