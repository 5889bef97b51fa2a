//! Surveys (admin): schedules with their next run and their last run's progress, a new
//! schedule, pause and resume; the templates, previewed as the customer sees them; and each
//! schedule's results per period with the answers behind them.

use chrono::NaiveTime;
use domain::api::{PeriodResult, SurveySchedule, SurveyScheduleInput, SurveySchedulePatch, SurveyTemplate};
use domain::questionnaire::QuestionKind;
use domain::survey::{Audience, Cadence, QuietHours, SurveyChannel};
use domain::api::Product;
use domain::{Lifecycle, Role, Segment};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorPanel, Loading};
use crate::components::time::{from_local, full};
use crate::i18n::{use_i18n, Lang};
use crate::pages::survey::SurveyPreview;
use crate::pages::survey_editor::TemplateEditor;
use crate::session::use_session;

fn cadence_text(lang: Lang, c: &Cadence) -> String {
    match c {
        Cadence::Quarterly { month_offset, day, time } => {
            let months = ["1/4/7/10", "2/5/8/11", "3/6/9/12"][(*month_offset as usize).min(2)];
            if lang == Lang::En { format!("Quarterly: months {months}, day {day}, {}", time.format("%H:%M")) } else { format!("每季度：{months} 月 {day} 日 {}", time.format("%H:%M")) }
        }
        Cadence::Monthly { day, time } => if lang == Lang::En { format!("Monthly: day {day}, {}", time.format("%H:%M")) } else { format!("每月 {day} 日 {}", time.format("%H:%M")) },
        Cadence::Once { at } => format!("{} {}", lang.tr("一次：", "Once:"), full(*at)),
        Cadence::AfterComplaint { delay_hours } => if lang == Lang::En { format!("{delay_hours} h after each complaint closes") } else { format!("每件投诉结案后 {delay_hours} 小时") },
    }
}

/// Adds `item` to the list, or takes it out if it is there.
fn toggle<T: PartialEq>(list: &mut Vec<T>, item: T) {
    match list.iter().position(|x| *x == item) {
        Some(at) => {
            list.remove(at);
        }
        None => list.push(item),
    }
}

fn percent(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.0}%", v * 100.0))
}

#[component]
pub fn SurveysPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let session = use_session();
    let admin = move || session.user.get().is_some_and(|u| u.role.includes(Role::Admin));
    // One list for both cards: a template saved below is offered in the schedule form at once.
    let templates = LocalResource::new(api::survey_templates);
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || tr("满意度调查", "Satisfaction surveys")}</h1>
            <Show when=admin fallback=move || view! { <p class="notice" data-testid="forbidden">{move || i18n.get().t().forbidden_page}</p> }>
                <Schedules templates/>
                <Templates templates/>
            </Show>
        </section>
    }
}

#[component]
fn Schedules(templates: LocalResource<Result<Vec<SurveyTemplate>, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let schedules = LocalResource::new(api::survey_schedules);
    let products = LocalResource::new(api::products);
    view! {
        <section class="card" aria-labelledby="schedules-title" data-testid="survey-schedules">
            <h2 id="schedules-title">{move || tr("调查计划", "Schedules")}</h2>
            <p class="hint">{move || tr("时间按机构所在时区（北京时间）。每次运行向受众中每位客户发送一次邀请；只邀请同意接收联系且有联系方式的客户。",
                "Times are in the institution's zone (Beijing time). Each run invites every customer in the audience once; only customers who agreed to be contacted and can be reached.")}</p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match schedules.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty" data-testid="schedules-empty">{move || tr("还没有调查计划。", "No schedules yet.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap"><table class="grid-table" data-testid="schedule-table">
                                <thead><tr>
                                    <th scope="col">{move || tr("名称", "Name")}</th>
                                    <th scope="col">{move || tr("周期", "Cadence")}</th>
                                    <th scope="col">{move || tr("下次运行", "Next run")}</th>
                                    <th scope="col">{move || tr("上次运行：邀请 / 送达 / 回答", "Last run: invited / delivered / answered")}</th>
                                    <th scope="col">{move || tr("操作", "Actions")}</th>
                                </tr></thead>
                                <tbody>{list.into_iter().map(|s| view! { <ScheduleRow s on_change=Callback::new(move |_| schedules.refetch())/> }).collect_view()}</tbody>
                            </table></div>
                        }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| schedules.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let products = products.await.unwrap_or_default();
                    templates.await.ok().map(|t| view! {
                        <NewSchedule templates=t.into_iter().filter(|t| t.active).collect() products on_saved=Callback::new(move |_| schedules.refetch())/>
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ScheduleRow(s: SurveySchedule, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let error = RwSignal::new(None::<ApiError>);
    let (id, version, active) = (s.id.clone(), s.version, s.active);
    let toggle = move |_| {
        let id = id.clone();
        spawn_local(async move {
            match api::patch_survey_schedule(id, SurveySchedulePatch { version, active: Some(!active), ..SurveySchedulePatch::default() }).await {
                Ok(_) => on_change.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let cadence = s.cadence;
    let progress = s.last_run.clone().map(|r| (format!("{} / {} / {} ", r.invited, r.delivered, r.answered), r.finished_at.is_some()));
    view! {
        <tr data-testid="schedule-row">
            <td>{s.name.clone()}<br/><span class="muted">{s.template_name.clone()}</span></td>
            <td>{move || cadence_text(i18n.get(), &cadence)}</td>
            <td data-testid="schedule-next">{match s.next_run_at {
                Some(t) => format!("{} ({})", full(t), s.zone),
                None => "—".into(),
            }}</td>
            <td><span data-testid="schedule-progress">{match progress {
                Some((counts, done)) => view! { {counts}<span class="muted">{move || if done { tr("已完成", "done") } else { tr("进行中", "running") }}</span> }.into_any(),
                None => "—".into_any(),
            }}</span></td>
            <td>
                <div class="actions">
                    <button type="button" class="button ghost" data-testid="schedule-toggle" on:click=toggle>
                        {move || if active { tr("暂停", "Pause") } else { tr("恢复", "Resume") }}
                    </button>
                    <A href=format!("/surveys/{}", s.id) attr:class="button ghost" attr:data-testid="schedule-results">{move || tr("结果", "Results")}</A>
                </div>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> })}
            </td>
        </tr>
    }
}

#[component]
fn NewSchedule(templates: Vec<SurveyTemplate>, products: Vec<Product>, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let name = RwSignal::new(String::new());
    let template = RwSignal::new(templates.first().map(|t| t.id.clone()).unwrap_or_default());
    let every = RwSignal::new("quarterly".to_string());
    let months = RwSignal::new("0".to_string());
    let once_at = RwSignal::new(String::new());
    let day = RwSignal::new("1".to_string());
    let time = RwSignal::new("10:00".to_string());
    let delay = RwSignal::new("24".to_string());
    let channel = RwSignal::new("sms".to_string());
    let link_days = RwSignal::new("14".to_string());
    let recent = RwSignal::new("80".to_string());
    let quiet = RwSignal::new(true);
    let segments = RwSignal::new(Vec::<Segment>::new());
    let lifecycles = RwSignal::new(Vec::<Lifecycle>::new());
    let held = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<ApiError>);
    let saving = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let at = NaiveTime::parse_from_str(&time.get_untracked(), "%H:%M").unwrap_or(NaiveTime::MIN);
        let day_n = day.get_untracked().trim().parse().unwrap_or(0);
        let cadence = match every.get_untracked().as_str() {
            "monthly" => Cadence::Monthly { day: day_n, time: at },
            // An instant that cannot be read is sent as one long past, which the API refuses
            // naming the cadence.
            "once" => Cadence::Once { at: from_local(&once_at.get_untracked()).unwrap_or_default() },
            "after_complaint" => Cadence::AfterComplaint { delay_hours: delay.get_untracked().trim().parse().unwrap_or(u32::MAX) },
            _ => Cadence::Quarterly { month_offset: months.get_untracked().parse().unwrap_or(0), day: day_n, time: at },
        };
        let input = SurveyScheduleInput {
            name: name.get_untracked(),
            template_id: template.get_untracked(),
            cadence,
            audience: Audience {
                segments: segments.get_untracked(),
                lifecycles: lifecycles.get_untracked(),
                products: held.get_untracked(),
                not_surveyed_days: recent.get_untracked().trim().parse().ok(),
            },
            channel: if channel.get_untracked() == "email" { SurveyChannel::Email } else { SurveyChannel::Sms },
            quiet_hours: quiet.get_untracked().then(|| QuietHours { start: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(), end: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default() }),
            link_days: link_days.get_untracked().trim().parse().unwrap_or(0),
            active: true,
        };
        saving.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::create_survey_schedule(input).await;
            saving.set(false);
            match result {
                Ok(_) => {
                    name.set(String::new());
                    on_saved.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let invalid = move |field: &'static str| move || error.with(|e| e.as_ref().and_then(|e| e.field()) == Some(field)).to_string();
    view! {
        <form class="form" on:submit=submit novalidate data-testid="schedule-new">
            <h3 class="form-title">{move || tr("新建调查计划", "New schedule")}</h3>
            <div class="grid-2">
                <div class="field">
                    <label for="schedule-name">{move || tr("名称", "Name")}</label>
                    <input id="schedule-name" data-testid="schedule-name" aria-invalid=invalid("name") bind:value=name/>
                </div>
                <div class="field">
                    <label for="schedule-template">{move || tr("调查模板", "Template")}</label>
                    <select id="schedule-template" data-testid="schedule-template" on:change=move |ev| template.set(event_target_value(&ev))>
                        {templates.iter().map(|t| view! { <option value=t.id.clone()>{t.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="schedule-every">{move || tr("周期", "Cadence")}</label>
                    <select id="schedule-every" data-testid="schedule-every" aria-invalid=invalid("cadence") on:change=move |ev| every.set(event_target_value(&ev))>
                        <option value="quarterly">{move || tr("每季度（1、4、7、10 月）", "Quarterly (Jan, Apr, Jul, Oct)")}</option>
                        <option value="monthly">{move || tr("每月", "Monthly")}</option>
                        <option value="once">{move || tr("一次", "Once")}</option>
                        <option value="after_complaint">{move || tr("投诉结案后", "After each complaint closes")}</option>
                    </select>
                </div>
                {move || match every.get().as_str() {
                    "after_complaint" => view! {
                        <div class="field">
                            <label for="schedule-delay">{move || tr("结案后延迟（小时）", "Delay after closing (hours)")}</label>
                            <input id="schedule-delay" type="number" min="0" max="720" data-testid="schedule-delay" bind:value=delay/>
                        </div>
                    }.into_any(),
                    "once" => view! {
                        <div class="field">
                            <label for="schedule-at">{move || tr("发送时间（北京时间）", "When (Beijing time)")}</label>
                            <input id="schedule-at" type="datetime-local" data-testid="schedule-at" aria-invalid=invalid("cadence") bind:value=once_at/>
                        </div>
                    }.into_any(),
                    every_kind => {
                        let quarterly = every_kind == "quarterly";
                        view! {
                            {quarterly.then(|| view! {
                                <div class="field">
                                    <label for="schedule-months">{move || tr("月份", "Months")}</label>
                                    <select id="schedule-months" data-testid="schedule-months" on:change=move |ev| months.set(event_target_value(&ev))>
                                        {[("0", "1、4、7、10 月", "Jan, Apr, Jul, Oct"), ("1", "2、5、8、11 月", "Feb, May, Aug, Nov"), ("2", "3、6、9、12 月", "Mar, Jun, Sep, Dec")]
                                            .into_iter().map(|(v, zh, en)| view! { <option value=v selected=move || months.get() == v>{move || tr(zh, en)}</option> }).collect_view()}
                                    </select>
                                </div>
                            })}
                            <div class="field">
                                <label for="schedule-day">{move || tr("日期（1–28）与时间", "Day (1–28) and time")}</label>
                                <div class="inline">
                                    <input id="schedule-day" type="number" min="1" max="28" data-testid="schedule-day" aria-invalid=invalid("cadence") bind:value=day/>
                                    <input type="time" aria-label=move || tr("时间", "Time") data-testid="schedule-time" bind:value=time/>
                                </div>
                            </div>
                        }.into_any()
                    }
                }}
                <div class="field">
                    <label for="schedule-channel">{move || tr("渠道", "Channel")}</label>
                    <select id="schedule-channel" data-testid="schedule-channel" on:change=move |ev| channel.set(event_target_value(&ev))>
                        <option value="sms">{move || tr("短信", "SMS")}</option>
                        <option value="email">{move || tr("电子邮件", "E-mail")}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="schedule-link">{move || tr("链接有效期（天，1–90）", "Link lifetime (days, 1–90)")}</label>
                    <input id="schedule-link" type="number" min="1" max="90" data-testid="schedule-link" aria-invalid=invalid("link_days") bind:value=link_days/>
                </div>
                <div class="field">
                    <label for="schedule-recent">{move || tr("不邀请最近 N 天内已调查的客户", "Skip customers surveyed in the last N days")}</label>
                    <input id="schedule-recent" type="number" min="0" data-testid="schedule-recent" aria-invalid=invalid("audience") bind:value=recent/>
                </div>
            </div>
            <div class="grid-2 audience">
                <fieldset class="field">
                    <legend>{move || tr("客户分层（不选即全部）", "Segments (none: all)")}</legend>
                    {[Segment::Mass, Segment::Affluent, Segment::Private].into_iter().map(|seg| view! {
                        <label class="check"><input type="checkbox" data-testid=format!("schedule-segment-{}", seg.as_str()) prop:checked=move || segments.with(|s| s.contains(&seg))
                            on:change=move |_| segments.update(|s| toggle(s, seg))/>
                            {move || i18n.get().segment(seg)}</label>
                    }).collect_view()}
                </fieldset>
                <fieldset class="field">
                    <legend>{move || tr("客户阶段（不选即全部）", "Lifecycle (none: all)")}</legend>
                    {[Lifecycle::New, Lifecycle::Existing].into_iter().map(|l| view! {
                        <label class="check"><input type="checkbox" data-testid=format!("schedule-lifecycle-{}", l.as_str()) prop:checked=move || lifecycles.with(|s| s.contains(&l))
                            on:change=move |_| lifecycles.update(|s| toggle(s, l))/>
                            {move || i18n.get().lifecycle(l)}</label>
                    }).collect_view()}
                </fieldset>
            </div>
            <fieldset class="field products" aria-invalid=invalid("audience.products")>
                <legend>{move || tr("持有产品（持有其一即可；不选即全部）", "Products held (any of them; none: all)")}</legend>
                {products.into_iter().map(|p| {
                    let code = StoredValue::new(p.code.clone());
                    view! {
                        <label class="check"><input type="checkbox" data-testid=format!("schedule-product-{}", p.code) prop:checked=move || held.with(|h| code.with_value(|c| h.contains(c)))
                            on:change=move |_| held.update(|h| toggle(h, code.get_value()))/>
                            {move || if i18n.get() == Lang::En { p.name_en.clone() } else { p.name_zh.clone() }}</label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="check"><input type="checkbox" data-testid="schedule-quiet" bind:checked=quiet/>{move || tr("免打扰时段 21:00–09:00（期间不发送）", "Quiet hours 21:00–09:00 (nothing is sent then)")}</label>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="schedule-error">{e.message(i18n.get())}</p> })}
            <div class="actions">
                <button type="submit" class="button primary" data-testid="schedule-create" disabled=move || saving.get()>
                    {move || if saving.get() { i18n.get().t().saving } else { tr("创建", "Create") }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn Templates(templates: LocalResource<Result<Vec<SurveyTemplate>, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let preview = RwSignal::new(None::<String>);
    // None: no editor; Some(None): a new template; Some(Some(t)): changing t.
    let editing = RwSignal::new(None::<Option<SurveyTemplate>>);
    let done = Callback::new(move |saved: Option<SurveyTemplate>| {
        editing.set(None);
        if saved.is_some() {
            templates.refetch();
        }
    });
    view! {
        <section class="card" aria-labelledby="templates-title" data-testid="survey-templates">
            <h2 id="templates-title">{move || tr("调查模板", "Templates")}</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match templates.await {
                        Ok(list) if list.is_empty() => view! { <p class="empty">{move || tr("还没有调查模板。", "No templates yet.")}</p> }.into_any(),
                        Ok(list) => list.into_iter().map(|t| {
                            let id = t.id.clone();
                            let shown = Signal::derive({ let id = id.clone(); move || preview.get().as_deref() == Some(id.as_str()) });
                            let count = t.questions.len();
                            let (title, questions) = (t.title.clone(), t.questions.clone());
                            let edit = StoredValue::new(t.clone());
                            view! {
                                <div class="template" data-testid="template-row">
                                    <p><strong>{t.name.clone()}</strong>" · "{move || if i18n.get() == Lang::En { format!("{count} questions") } else { format!("{count} 个问题") }}
                                        {(!t.active).then(|| view! { <span class="muted">{move || tr("（已停用）", " (retired)")}</span> })}
                                        " "<button type="button" class="button ghost" data-testid="template-preview" aria-expanded=move || shown.get().to_string()
                                            on:click=move |_| preview.update(|p| *p = if p.as_deref() == Some(id.as_str()) { None } else { Some(id.clone()) })>
                                            {move || tr("预览（客户所见）", "Preview (as the customer sees it)")}</button>
                                        " "<button type="button" class="button ghost" data-testid="template-edit"
                                            on:click=move |_| { preview.set(None); editing.set(Some(Some(edit.get_value()))); }>{move || tr("编辑", "Edit")}</button></p>
                                    <Show when=move || shown.get()>
                                        <SurveyPreview title=title.clone() questions=questions.clone()/>
                                    </Show>
                                </div>
                            }
                        }).collect_view().into_any(),
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| templates.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
            {move || match editing.get() {
                None => view! {
                    <button type="button" class="button" data-testid="template-new" on:click=move |_| { preview.set(None); editing.set(Some(None)); }>
                        {move || tr("新建模板", "New template")}</button>
                }.into_any(),
                Some(template) => view! { <TemplateEditor template on_done=done/> }.into_any(),
            }}
        </section>
    }
}

/// `/surveys/:id`: a schedule's results, newest period first.
#[component]
pub fn SurveyResultsPage() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let params = use_params_map();
    let results = LocalResource::new(move || api::survey_results(params.with(|p| p.get("id").unwrap_or_default())));
    view! {
        <section class="page" aria-labelledby="page-title">
            <p><A href="/surveys">{move || tr("← 满意度调查", "← Surveys")}</A></p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(r) => view! {
                            <h1 id="page-title">{r.name.clone()}</h1>
                            {if r.periods.is_empty() {
                                view! { <p class="empty" data-testid="results-empty">{move || tr("还没有运行过。", "It has not run yet.")}</p> }.into_any()
                            } else {
                                view! {
                                    <Trend periods=r.periods.clone()/>
                                    {r.periods.into_iter().map(|p| view! { <Period p/> }).collect_view()}
                                }.into_any()
                            }}
                        }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| results.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The periods side by side, oldest first, so a change from one quarter to the next reads at
/// a glance.
#[component]
fn Trend(periods: Vec<PeriodResult>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let mut periods = periods;
    periods.reverse();
    view! {
        <section class="card" aria-labelledby="trend-title" data-testid="results-trend">
            <h2 id="trend-title">{move || tr("各期趋势", "Trend")}</h2>
            <div class="table-wrap"><table class="grid-table">
                <thead><tr>
                    <th scope="col">{move || tr("期间", "Period")}</th>
                    <th scope="col" class="num">{move || tr("邀请", "Invited")}</th>
                    <th scope="col" class="num">{move || tr("回答", "Answered")}</th>
                    <th scope="col" class="num">{move || tr("回答率", "Response rate")}</th>
                    <th scope="col" class="num">"CSAT"</th>
                    <th scope="col" class="num">"NPS"</th>
                </tr></thead>
                <tbody>{periods.into_iter().map(|p| view! { <tr>
                    <th scope="row">{p.period}</th>
                    <td class="num">{p.invited}</td>
                    <td class="num">{p.answered}</td>
                    <td class="num">{percent(p.response_rate)}</td>
                    <td class="num">{percent(p.csat)}</td>
                    <td class="num">{p.nps.map_or("—".into(), |v| format!("{v:.0}"))}</td>
                </tr> }).collect_view()}</tbody>
            </table></div>
        </section>
    }
}

#[component]
fn Period(p: PeriodResult) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    view! {
        <section class="card" data-testid="results-period">
            <h2>{p.period.clone()}</h2>
            <dl class="figures">
                <div><dt>{move || tr("邀请", "Invited")}</dt><dd data-testid="results-invited">{p.invited}</dd></div>
                <div><dt>{move || tr("回答", "Answered")}</dt><dd data-testid="results-answered">{p.answered}</dd></div>
                <div><dt>{move || tr("回答率", "Response rate")}</dt><dd>{percent(p.response_rate)}</dd></div>
                <div><dt>{move || tr("满意度 (4–5 分占比)", "CSAT (share 4–5)")}</dt><dd data-testid="results-csat">{percent(p.csat)}</dd></div>
                <div><dt>"NPS"</dt><dd data-testid="results-nps">{p.nps.map_or("—".into(), |v| format!("{v:.0}"))}</dd></div>
            </dl>
            {p.questions.into_iter().filter(|q| !q.counts.is_empty()).map(|q| {
                let total: u32 = q.counts.iter().sum::<u32>().max(1);
                let text = q.text.clone();
                let kind = q.kind;
                let labels: Vec<_> = q.options.clone();
                view! {
                    <div class="bars">
                        <h3>{move || text.get(i18n.get().code()).to_string()}</h3>
                        {q.counts.iter().enumerate()
                            .filter(|(k, _)| !(kind == QuestionKind::Csat && *k == 0))
                            .map(|(k, n)| {
                                let label = labels.get(k).cloned();
                                let width = format!("{}%", n * 100 / total);
                                view! { <div class="bar-row">
                                    <span class="bar-label">{move || label.as_ref().map_or(k.to_string(), |l| l.get(i18n.get().code()).to_string())}</span>
                                    <span class="bar"><span class="bar-fill" style:width=width></span></span>
                                    <span class="bar-count">{*n}</span>
                                </div> }
                            }).collect_view()}
                    </div>
                }
            }).collect_view()}
            <h3>{move || tr("低分与意见", "Low scores and comments")}</h3>
            {if p.responses.is_empty() {
                view! { <p class="empty">{move || tr("暂无。", "None yet.")}</p> }.into_any()
            } else {
                view! { <div class="table-wrap"><table class="grid-table" data-testid="results-responses">
                    <thead><tr>
                        <th scope="col">{move || tr("客户", "Customer")}</th><th scope="col">"CSAT"</th><th scope="col">"NPS"</th>
                        <th scope="col">{move || tr("意见", "Comment")}</th><th scope="col">{move || tr("时间", "When")}</th><th scope="col">{move || tr("回访", "Follow-up")}</th>
                    </tr></thead>
                    <tbody>{p.responses.into_iter().map(|r| view! { <tr>
                        <td><A href=format!("/customers/{}", r.customer_id) attr:data-testid="results-customer">{r.customer_name.clone()}</A></td>
                        <td>{r.csat.map_or("—".into(), |s| s.to_string())}</td>
                        <td>{r.nps.map_or("—".into(), |s| s.to_string())}</td>
                        <td>{r.comment.clone().unwrap_or_default()}</td>
                        <td>{full(r.answered_at)}</td>
                        <td>{r.recovery_case_id.clone().map(|id| view! { <A href=format!("/cases/{id}")>{move || tr("查看", "Open")}</A> })}</td>
                    </tr> }).collect_view()}</tbody>
                </table></div> }.into_any()
            }}
        </section>
    }
}
