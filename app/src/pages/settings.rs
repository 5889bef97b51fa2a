//! Settings (admin): the business calendar, SLA policies, the regulatory regime, follow-up rules
//! and classifier phrases; teams, users, canned replies and the scheduled jobs. Each section saves on its own through the API, which checks it with
//! the domain's rules; a change applies to the next case at once.

use chrono::{NaiveDate, NaiveTime};
use domain::api::{RegimeSetting, Settings, TeamUpdate, TeamView};
use domain::calendar::{CalendarSpec, Shift};
use domain::case::CATEGORIES;
use domain::classify::{self, CategoryPhrases};
use domain::follow_up::{self, Cadence, Reason};
use domain::regulatory::Regime;
use domain::sla::{Basis, Policy, PolicySet, StepTargets};
use domain::{CaseKind, Channel, Complexity, Role, Segment};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;

use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorPanel, Loading};
use crate::i18n::use_i18n;
use crate::session::use_session;

mod branches;
mod canned;
mod jobs;
mod products;
mod users;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let admin = move || session.user.get().is_some_and(|u| u.role.includes(Role::Admin));
    let t = move || i18n.get().t();
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || t().settings_title}</h1>
            <Show when=admin fallback=move || view! { <p class="notice" data-testid="forbidden">{move || t().forbidden_page}</p> }>
                <SettingsLoader/>
            </Show>
        </section>
    }
}

#[component]
fn SettingsLoader() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(api::get_settings);
    view! {
        <p class="hint">{move || i18n.get().t().settings_lead}</p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(s) => {
                        let settings = RwSignal::new(s);
                        view! {
                            <div data-testid="settings-page">
                                <CalendarForm settings/>
                                <PolicyForm settings/>
                                <RegimeForm settings/>
                                <FollowUpForm settings/>
                                <ScriptsForm settings/>
                                <PhraseForm settings/>
                                <TeamsSection/>
                                <users::UsersSection/>
                                <canned::CannedSection/>
                                <branches::BranchesSection/>
                                <products::ProductsSection/>
                                <jobs::JobsSection/>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| data.refetch())/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// How the last save of a section went.
#[derive(Clone)]
enum Saved {
    Idle,
    Saving,
    Done,
    Failed(ApiError),
}

/// Saves one setting and, on success, takes the server's settings (with the new versions).
fn save<T: Serialize + 'static>(key: &'static str, version: i64, value: T, settings: RwSignal<Settings>, status: RwSignal<Saved>) {
    status.set(Saved::Saving);
    spawn_local(async move {
        match api::put_setting(key, version, value).await {
            Ok(s) => {
                settings.set(s);
                status.set(Saved::Done);
            }
            Err(e) => status.set(Saved::Failed(e)),
        }
    });
}

/// A field error found in the browser, shown like the server's.
fn local_error(field: &str) -> ApiError {
    ApiError::Api { status: 422, code: "invalid_field".into(), field: Some(field.into()) }
}

#[component]
fn SaveBar(
    status: RwSignal<Saved>,
    test_id: &'static str,
    #[prop(optional)] local_message: Option<Signal<Option<&'static str>>>,
    /// What the button does, when it is more than saving (e.g. sending an invitation).
    #[prop(optional)]
    label: Option<Signal<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    view! {
        <div class="actions">
            <button type="submit" class="button primary" data-testid=test_id disabled=move || matches!(status.get(), Saved::Saving)>
                {move || if matches!(status.get(), Saved::Saving) { t().saving } else { label.map_or(t().set_save, |l| l.get()) }}
            </button>
            <span role="status" aria-live="polite">
                {move || match status.get() {
                    Saved::Done => view! { <span class="ok" data-testid="saved">{t().set_saved}</span> }.into_any(),
                    Saved::Failed(e) => {
                        let text = local_message.and_then(|m| m.get()).map(str::to_string).unwrap_or_else(|| e.message(i18n.get()));
                        view! { <span class="form-error inline" data-testid="save-error">{text}</span> }.into_any()
                    }
                    _ => ().into_any(),
                }}
            </span>
        </div>
    }
}

fn shifts_text(shifts: &[Shift]) -> String {
    shifts.iter().map(|s| format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M"))).collect::<Vec<_>>().join(", ")
}

fn parse_shifts(text: &str) -> Option<Vec<Shift>> {
    text.split([',', '，', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (a, b) = part.split_once('-')?;
            let time = |x: &str| NaiveTime::parse_from_str(x.trim(), "%H:%M").ok();
            Some(Shift { start: time(a)?, end: time(b)? })
        })
        .collect()
}

fn dates_text(dates: &[NaiveDate]) -> String {
    dates.iter().map(NaiveDate::to_string).collect::<Vec<_>>().join("\n")
}

fn parse_dates(text: &str) -> Option<Vec<NaiveDate>> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| NaiveDate::parse_from_str(l, "%Y-%m-%d").ok()).collect()
}

#[component]
fn CalendarForm(settings: RwSignal<Settings>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let spec = settings.get_untracked().calendar;
    let zone = RwSignal::new(spec.zone.clone());
    let days: Vec<RwSignal<String>> = spec.week.iter().map(|s| RwSignal::new(shifts_text(s))).collect();
    let holidays = RwSignal::new(dates_text(&spec.holidays));
    let makeup = RwSignal::new(dates_text(&spec.makeup_days));
    let status = RwSignal::new(Saved::Idle);
    let local = RwSignal::new(None::<&'static str>);
    let day_signals = days.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local.set(None);
        let week: Option<Vec<Vec<Shift>>> = day_signals.iter().map(|d| parse_shifts(&d.get_untracked())).collect();
        let Some(week) = week.and_then(|w| <[Vec<Shift>; 7]>::try_from(w).ok()) else {
            local.set(Some(t().set_bad_shift));
            status.set(Saved::Failed(local_error("week")));
            return;
        };
        let (Some(h), Some(m)) = (parse_dates(&holidays.get_untracked()), parse_dates(&makeup.get_untracked())) else {
            local.set(Some(t().set_bad_date));
            status.set(Saved::Failed(local_error("holidays")));
            return;
        };
        let value = CalendarSpec { zone: zone.get_untracked().trim().to_string(), week, holidays: h, makeup_days: m };
        save("calendar", settings.get_untracked().versions.calendar, value, settings, status);
    };
    view! {
        <form class="card" on:submit=submit novalidate data-testid="calendar-form">
            <h2>{move || t().set_calendar}</h2>
            <div class="field narrow-field">
                <label for="cal-zone">{move || t().set_zone}</label>
                <input id="cal-zone" data-testid="cal-zone" bind:value=zone/>
            </div>
            <fieldset class="plain">
                <legend>{move || t().set_week}</legend>
                <p class="hint">{move || t().set_shifts_hint}</p>
                <div class="week">
                    {days.into_iter().enumerate().map(|(i, day)| {
                        let id = format!("cal-day-{i}");
                        view! {
                            <label for=id.clone()>{move || i18n.get().weekday(i)}</label>
                            <input id=id.clone() data-testid=id bind:value=day/>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="grid-2">
                <div class="field">
                    <label for="cal-holidays">{move || t().set_holidays}</label>
                    <textarea id="cal-holidays" rows="8" data-testid="cal-holidays" bind:value=holidays></textarea>
                    <p class="hint">{move || t().set_dates_hint}</p>
                </div>
                <div class="field">
                    <label for="cal-makeup">{move || t().set_makeup_days}</label>
                    <textarea id="cal-makeup" rows="8" data-testid="cal-makeup" bind:value=makeup></textarea>
                    <p class="hint">{move || t().set_dates_hint}</p>
                </div>
            </div>
            <SaveBar status test_id="save-calendar" local_message=Signal::derive(move || local.get())/>
        </form>
    }
}

/// One editable policy row; every field its own signal so typing never redraws the table.
#[derive(Clone, Copy)]
struct PolicyRow {
    id: usize,
    kind: RwSignal<String>,
    complexity: RwSignal<String>,
    segment: RwSignal<String>,
    channel: RwSignal<String>,
    basis: RwSignal<String>,
    first: RwSignal<String>,
    resolution: RwSignal<String>,
    due_soon: RwSignal<String>,
    review: RwSignal<String>,
    investigation: RwSignal<String>,
    feedback: RwSignal<String>,
}

fn hours(minutes: i64) -> String {
    let h = minutes as f64 / 60.0;
    if h.fract() == 0.0 { format!("{h:.0}") } else { format!("{h:.2}") }
}

fn minutes(text: &str) -> Option<i64> {
    text.trim().parse::<f64>().ok().filter(|h| h.is_finite()).map(|h| (h * 60.0).round() as i64)
}

impl PolicyRow {
    fn new(id: usize, p: &Policy) -> Self {
        let s = |v: String| RwSignal::new(v);
        let steps = p.steps;
        PolicyRow {
            id,
            kind: s(p.kind.as_str().into()),
            complexity: s(p.complexity.as_str().into()),
            segment: s(p.segment.map_or(String::new(), |x| x.as_str().into())),
            channel: s(p.channel.map_or(String::new(), |x| x.as_str().into())),
            basis: s(match p.basis { Basis::Calendar => "calendar".into(), Basis::Business => "business".into() }),
            first: s(hours(p.first_response_minutes)),
            resolution: s(hours(p.resolution_minutes)),
            due_soon: s(p.due_soon_percent.to_string()),
            review: s(steps.map_or(String::new(), |t| hours(t.review_minutes))),
            investigation: s(steps.map_or(String::new(), |t| hours(t.investigation_minutes))),
            feedback: s(steps.map_or(String::new(), |t| hours(t.feedback_minutes))),
        }
    }

    /// The policy the row describes; `None` names the first field that does not parse.
    fn policy(&self) -> Result<Policy, &'static str> {
        let kind: CaseKind = self.kind.get_untracked().parse().map_err(|_| "kind")?;
        let step = |s: RwSignal<String>| minutes(&s.get_untracked());
        let steps = match (step(self.review), step(self.investigation), step(self.feedback)) {
            (Some(r), Some(i), Some(f)) => Some(StepTargets { review_minutes: r, investigation_minutes: i, feedback_minutes: f }),
            _ if kind == CaseKind::Complaint => return Err("steps"),
            _ => None,
        };
        Ok(Policy {
            kind,
            complexity: self.complexity.get_untracked().parse().map_err(|_| "complexity")?,
            segment: self.segment.get_untracked().parse().ok(),
            channel: self.channel.get_untracked().parse().ok(),
            basis: if self.basis.get_untracked() == "business" { Basis::Business } else { Basis::Calendar },
            first_response_minutes: minutes(&self.first.get_untracked()).ok_or("first_response_minutes")?,
            resolution_minutes: minutes(&self.resolution.get_untracked()).ok_or("resolution_minutes")?,
            steps,
            due_soon_percent: self.due_soon.get_untracked().trim().parse().map_err(|_| "due_soon_percent")?,
        })
    }
}

#[component]
fn PolicyForm(settings: RwSignal<Settings>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let initial = settings.get_untracked().sla_policies.policies;
    let next_id = StoredValue::new(initial.len());
    let rows = RwSignal::new(initial.iter().enumerate().map(|(i, p)| PolicyRow::new(i, p)).collect::<Vec<_>>());
    let status = RwSignal::new(Saved::Idle);
    let add = move |_| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        let template = PolicySet::standard().policies[0].clone();
        rows.update(|r| r.push(PolicyRow::new(id, &template)));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed: Result<Vec<Policy>, &'static str> = rows.get_untracked().iter().map(PolicyRow::policy).collect();
        match parsed {
            Ok(policies) => save("sla_policies", settings.get_untracked().versions.sla_policies, PolicySet { policies }, settings, status),
            Err(field) => status.set(Saved::Failed(local_error(field))),
        }
    };
    let select = |signal: RwSignal<String>, label: String, options: Vec<(String, &'static str)>| {
        view! {
            <select aria-label=label bind:value=signal>
                {options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
        }
    };
    view! {
        <form class="card" on:submit=submit novalidate data-testid="policy-form">
            <h2>{move || t().set_policies}</h2>
            <p class="hint">{move || t().set_policies_hint}</p>
            <div class="table-scroll">
                <table class="grid-table">
                    <thead><tr>
                        <th scope="col">{move || t().kind}</th>
                        <th scope="col">{move || t().complexity}</th>
                        <th scope="col">{move || t().set_segment}</th>
                        <th scope="col">{move || t().channel}</th>
                        <th scope="col">{move || t().set_basis}</th>
                        <th scope="col">{move || t().set_first_response_h}</th>
                        <th scope="col">{move || t().set_resolution_h}</th>
                        <th scope="col">{move || t().set_due_soon_pct}</th>
                        <th scope="col">{move || t().set_steps_h}</th>
                        <th scope="col"><span class="visually-hidden">{move || t().set_remove}</span></th>
                    </tr></thead>
                    // Redrawn when the language changes; the values live in the rows' signals.
                    <tbody>{move || { let lang = i18n.get(); view! {
                        <For each=move || rows.get() key=|r| r.id let:row>
                            {
                                let tt = lang.t();
                                let any = || (String::new(), tt.set_any);
                                view! {
                                    <tr data-testid="policy-row">
                                        <td>{select(row.kind, tt.kind.into(), CaseKind::ALL.iter().map(|k| (k.as_str().to_string(), lang.kind(*k))).collect())}</td>
                                        <td>{select(row.complexity, tt.complexity.into(), Complexity::ALL.iter().map(|c| (c.as_str().to_string(), lang.complexity(*c))).collect())}</td>
                                        <td>{select(row.segment, tt.set_segment.into(), std::iter::once(any()).chain(Segment::ALL.iter().map(|s| (s.as_str().to_string(), lang.segment(*s)))).collect())}</td>
                                        <td>{select(row.channel, tt.channel.into(), std::iter::once(any()).chain(Channel::ALL.iter().map(|c| (c.as_str().to_string(), lang.channel(*c)))).collect())}</td>
                                        <td>{select(row.basis, tt.set_basis.into(), vec![("calendar".into(), lang.basis(Basis::Calendar)), ("business".into(), lang.basis(Basis::Business))])}</td>
                                        <td><input class="num" inputmode="decimal" aria-label=tt.set_first_response_h data-testid="policy-first" bind:value=row.first/></td>
                                        <td><input class="num" inputmode="decimal" aria-label=tt.set_resolution_h bind:value=row.resolution/></td>
                                        <td><input class="num" inputmode="numeric" aria-label=tt.set_due_soon_pct bind:value=row.due_soon/></td>
                                        <td class="steps"><div>
                                            <input class="num" inputmode="decimal" aria-label=lang.step(domain::Step::Review) bind:value=row.review/>
                                            <input class="num" inputmode="decimal" aria-label=lang.step(domain::Step::Investigation) bind:value=row.investigation/>
                                            <input class="num" inputmode="decimal" aria-label=lang.step(domain::Step::Feedback) bind:value=row.feedback/>
                                        </div></td>
                                        <td><button type="button" class="button ghost small" on:click=move |_| rows.update(|r| r.retain(|x| x.id != row.id))>{tt.set_remove}</button></td>
                                    </tr>
                                }
                            }
                        </For>
                    } }}</tbody>
                </table>
            </div>
            <button type="button" class="button small" on:click=add>{move || t().set_add_policy}</button>
            <SaveBar status test_id="save-policies"/>
        </form>
    }
}

#[component]
fn RegimeForm(settings: RwSignal<Settings>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let all = [Regime::China2020, Regime::UkDisp, Regime::UkDispPayments, Regime::EuPsd2, Regime::UsCfpb];
    let name = |r: Regime| serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let regime = RwSignal::new(name(settings.get_untracked().regime.regime));
    let status = RwSignal::new(Saved::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = all.into_iter().find(|r| name(*r) == regime.get_untracked()).unwrap_or(Regime::China2020);
        save("regime", settings.get_untracked().versions.regime, RegimeSetting { regime: chosen }, settings, status);
    };
    view! {
        <form class="card" on:submit=submit novalidate data-testid="regime-form">
            <h2>{move || t().set_regime}</h2>
            <p class="hint">{move || t().set_regime_hint}</p>
            <div class="field">
                <label for="regime">{move || t().set_regime}</label>
                <select id="regime" data-testid="regime" bind:value=regime>
                    {all.into_iter().map(|r| view! { <option value=name(r)>{move || i18n.get().regime(r)}</option> }).collect_view()}
                </select>
            </div>
            <SaveBar status test_id="save-regime"/>
        </form>
    }
}

#[component]
fn FollowUpForm(settings: RwSignal<Settings>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let r = settings.get_untracked().follow_up;
    let cadence_name = |c: Cadence| serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let first = RwSignal::new(r.first_after_days.to_string());
    let private = RwSignal::new(cadence_name(r.private));
    let affluent = RwSignal::new(cadence_name(r.affluent));
    let mass = RwSignal::new(cadence_name(r.mass));
    let attempts = RwSignal::new(r.max_attempts.to_string());
    let target = RwSignal::new(r.target_percent.to_string());
    let retry = RwSignal::new(r.retry_minutes.to_string());
    let daily = RwSignal::new(r.daily_calls_per_agent.to_string());
    let status = RwSignal::new(Saved::Idle);
    let cadences = [Cadence::Monthly, Cadence::Quarterly, Cadence::Never];
    let parse_cadence = move |s: String| cadences.into_iter().find(|c| cadence_name(*c) == s).unwrap_or(Cadence::Quarterly);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = (first.get_untracked().trim().parse(), attempts.get_untracked().trim().parse(), target.get_untracked().trim().parse());
        let (Ok(first_after_days), Ok(max_attempts), Ok(target_percent)) = fields else {
            let field = if fields.0.is_err() { "first_after_days" } else if fields.1.is_err() { "max_attempts" } else { "target_percent" };
            status.set(Saved::Failed(local_error(field)));
            return;
        };
        let Ok(retry_minutes) = retry.get_untracked().trim().parse() else {
            status.set(Saved::Failed(local_error("retry_minutes")));
            return;
        };
        let Ok(daily_calls_per_agent) = daily.get_untracked().trim().parse() else {
            status.set(Saved::Failed(local_error("daily_calls_per_agent")));
            return;
        };
        let value = follow_up::Rules {
            first_after_days,
            private: parse_cadence(private.get_untracked()),
            affluent: parse_cadence(affluent.get_untracked()),
            mass: parse_cadence(mass.get_untracked()),
            max_attempts,
            target_percent,
            retry_minutes,
            daily_calls_per_agent,
        };
        save("follow_up", settings.get_untracked().versions.follow_up, value, settings, status);
    };
    let cadence_select = move |id: &'static str, segment: Segment, signal: RwSignal<String>| view! {
        <div class="field">
            <label for=id>{move || i18n.get().segment(segment)}</label>
            <select id=id bind:value=signal>
                {cadences.into_iter().map(|c| view! { <option value=cadence_name(c)>{move || i18n.get().cadence(c)}</option> }).collect_view()}
            </select>
        </div>
    };
    view! {
        <form class="card" on:submit=submit novalidate data-testid="follow-up-form">
            <h2>{move || t().set_follow_up}</h2>
            <div class="grid-3">
                <div class="field">
                    <label for="fu-first">{move || t().set_first_after_days}</label>
                    <input id="fu-first" inputmode="numeric" data-testid="fu-first" bind:value=first/>
                </div>
                <div class="field">
                    <label for="fu-attempts">{move || t().set_max_attempts}</label>
                    <input id="fu-attempts" inputmode="numeric" bind:value=attempts/>
                </div>
                <div class="field">
                    <label for="fu-target">{move || t().set_target_pct}</label>
                    <input id="fu-target" inputmode="numeric" data-testid="fu-target" bind:value=target/>
                </div>
                <div class="field">
                    <label for="fu-retry">{move || i18n.get().field("retry_minutes")}</label>
                    <input id="fu-retry" inputmode="numeric" data-testid="fu-retry" bind:value=retry/>
                </div>
                <div class="field">
                    <label for="fu-daily">{move || i18n.get().field("daily_calls_per_agent")}</label>
                    <input id="fu-daily" inputmode="numeric" data-testid="fu-daily" bind:value=daily aria-describedby="fu-daily-help"/>
                    <p class="hint" id="fu-daily-help">{move || t().set_daily_calls_help}</p>
                </div>
                {cadence_select("fu-private", Segment::Private, private)}
                {cadence_select("fu-affluent", Segment::Affluent, affluent)}
                {cadence_select("fu-mass", Segment::Mass, mass)}
            </div>
            <SaveBar status test_id="save-follow-up"/>
        </form>
    }
}

/// What each follow-up call must cover: a script per reason, and one added for each kind of
/// product sold, in both languages; one pair of text boxes shows the script picked.
#[component]
fn ScriptsForm(settings: RwSignal<Settings>) -> impl IntoView {
    use domain::follow_up::script::{Scripts, PRODUCT_KINDS};
    use domain::questionnaire::Text;
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let draft = RwSignal::new(settings.get_untracked().follow_up_scripts);
    // The script picked: a reason's (`reason:periodic`) or a product kind's (`kind:insurance`).
    let picked = RwSignal::new(format!("reason:{}", Reason::ALL[0].as_str()));
    let status = RwSignal::new(Saved::Idle);
    let text_of = move |s: &Scripts, key: &str| -> Text {
        match key.split_once(':') {
            Some(("reason", r)) => Reason::parse(r).and_then(|r| s.reasons.get(&r).cloned()).unwrap_or_default(),
            Some(("kind", k)) => s.product_kinds.get(k).cloned().unwrap_or_default(),
            _ => Text::default(),
        }
    };
    let edit = move |zh: bool, value: String| {
        let key = picked.get_untracked();
        draft.update(|s| {
            let text = match key.split_once(':') {
                Some(("reason", r)) => Reason::parse(r).map(|r| s.reasons.entry(r).or_default()),
                Some(("kind", k)) => Some(s.product_kinds.entry(k.to_string()).or_default()),
                _ => None,
            };
            if let Some(text) = text {
                *if zh { &mut text.zh } else { &mut text.en } = value;
            }
            // A product kind with nothing in either language adds nothing: it is not kept.
            s.product_kinds.retain(|_, t| !(t.zh.trim().is_empty() && t.en.trim().is_empty()));
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save("follow_up_scripts", settings.get_untracked().versions.follow_up_scripts, draft.get_untracked(), settings, status);
    };
    view! {
        <form class="card" on:submit=submit novalidate data-testid="scripts-form">
            <h2>{move || tr("回访话术", "Follow-up call scripts")}</h2>
            <p class="hint">{move || tr(
                "每种回访原因一份话术；售后回访再加上所购产品类型的话术。每行一步，坐席在通话界面按顺序看到。",
                "One script per reason for calling; a post-sale call adds the script for the kind of product sold. One step a line, in the order agents see them on the call screen.",
            )}</p>
            <div class="field">
                <label for="script-picked">{move || tr("话术", "Script")}</label>
                <select id="script-picked" data-testid="script-picked" bind:value=picked>
                    <optgroup label=move || tr("回访原因", "Reason")>
                        {Reason::ALL.into_iter().map(|r| view! { <option value=format!("reason:{}", r.as_str())>{move || super::follow_ups::reason_label(i18n.get(), r)}</option> }).collect_view()}
                    </optgroup>
                    <optgroup label=move || tr("售后回访：产品类型", "Post-sale: kind of product")>
                        {PRODUCT_KINDS.into_iter().map(|k| view! { <option value=format!("kind:{k}")>{move || i18n.get().product_kind(k)}</option> }).collect_view()}
                    </optgroup>
                </select>
            </div>
            <div class="grid-2">
                <div class="field">
                    <label for="script-zh">{move || tr("中文", "Chinese")}</label>
                    <textarea id="script-zh" rows="6" data-testid="script-zh"
                        prop:value=move || draft.with(|s| text_of(s, &picked.get()).zh)
                        on:input=move |ev| edit(true, event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label for="script-en">{move || tr("英文", "English")}</label>
                    <textarea id="script-en" rows="6" data-testid="script-en"
                        prop:value=move || draft.with(|s| text_of(s, &picked.get()).en)
                        on:input=move |ev| edit(false, event_target_value(&ev))></textarea>
                </div>
            </div>
            <SaveBar status test_id="save-scripts"/>
        </form>
    }
}

fn phrases_text(list: &[String]) -> String {
    list.join(", ")
}

fn parse_phrases(text: &str) -> Vec<String> {
    text.split([',', '，', '\n', '、']).map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

#[component]
fn PhraseForm(settings: RwSignal<Settings>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let rules = settings.get_untracked().classifier;
    let categories: Vec<(String, RwSignal<String>)> = CATEGORIES
        .iter()
        .filter(|c| **c != "other")
        .map(|code| {
            let phrases = rules.categories.iter().find(|c| c.code == *code).map(|c| phrases_text(&c.phrases)).unwrap_or_default();
            (code.to_string(), RwSignal::new(phrases))
        })
        .collect();
    let complaint = RwSignal::new(phrases_text(&rules.complaint));
    let complex = RwSignal::new(phrases_text(&rules.complex));
    let length = RwSignal::new(rules.complex_length.to_string());
    let status = RwSignal::new(Saved::Idle);
    let list = categories.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(complex_length) = length.get_untracked().trim().parse() else {
            status.set(Saved::Failed(local_error("complex")));
            return;
        };
        let value = classify::Rules {
            categories: list.iter().map(|(code, s)| CategoryPhrases { code: code.clone(), phrases: parse_phrases(&s.get_untracked()) }).collect(),
            complaint: parse_phrases(&complaint.get_untracked()),
            complex: parse_phrases(&complex.get_untracked()),
            complex_length,
        };
        save("classifier", settings.get_untracked().versions.classifier, value, settings, status);
    };
    view! {
        <form class="card" on:submit=submit novalidate data-testid="phrase-form">
            <h2>{move || t().set_phrases}</h2>
            <p class="hint">{move || t().set_phrases_hint}</p>
            <div class="grid-2">
                {categories.into_iter().map(|(code, signal)| {
                    let id = format!("phr-{code}");
                    view! {
                        <div class="field">
                            <label for=id.clone()>{move || i18n.get().category(&code)}</label>
                            <textarea id=id.clone() rows="2" data-testid=id bind:value=signal></textarea>
                        </div>
                    }
                }).collect_view()}
                <div class="field">
                    <label for="phr-complaint">{move || t().set_complaint_phrases}</label>
                    <textarea id="phr-complaint" rows="3" data-testid="phr-complaint" bind:value=complaint></textarea>
                </div>
                <div class="field">
                    <label for="phr-complex">{move || t().set_complex_phrases}</label>
                    <textarea id="phr-complex" rows="3" bind:value=complex></textarea>
                </div>
                <div class="field">
                    <label for="phr-length">{move || t().set_complex_length}</label>
                    <input id="phr-length" inputmode="numeric" bind:value=length/>
                </div>
            </div>
            <SaveBar status test_id="save-phrases"/>
        </form>
    }
}

/// Every skill a team can have: the categories, and complaints.
fn all_skills() -> Vec<&'static str> {
    CATEGORIES.iter().copied().chain(std::iter::once(domain::routing::COMPLAINT_SKILL)).collect()
}

#[component]
fn TeamsSection() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let teams = LocalResource::new(api::list_teams);
    view! {
        <section class="card" data-testid="teams-section" aria-labelledby="teams-title">
            <h2 id="teams-title">{move || t().set_teams}</h2>
            <p class="hint">{move || t().set_teams_hint}</p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match teams.await {
                        Ok(list) => list.into_iter().map(|team| view! { <TeamForm team/> }).collect_view().into_any(),
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| teams.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TeamForm(team: TeamView) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || i18n.get().t();
    let name = RwSignal::new(team.name.clone());
    let version = RwSignal::new(team.version);
    let checks: Vec<(&'static str, RwSignal<bool>)> =
        all_skills().into_iter().map(|s| (s, RwSignal::new(team.skills.iter().any(|x| x == s)))).collect();
    let status = RwSignal::new(Saved::Idle);
    let id = team.id.clone();
    let chosen = checks.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let update = TeamUpdate {
            name: name.get_untracked(),
            skills: chosen.iter().filter(|(_, c)| c.get_untracked()).map(|(s, _)| s.to_string()).collect(),
            version: version.get_untracked(),
        };
        let id = id.clone();
        status.set(Saved::Saving);
        spawn_local(async move {
            match api::update_team(id, update).await {
                Ok(saved) => {
                    version.set(saved.version);
                    status.set(Saved::Done);
                }
                Err(e) => status.set(Saved::Failed(e)),
            }
        });
    };
    let name_id = format!("team-name-{}", team.id);
    let members = team.members.iter().map(|m| m.name.clone()).collect::<Vec<_>>().join("、");
    let skill_label = move |skill: &'static str| {
        let lang = i18n.get();
        if skill == domain::routing::COMPLAINT_SKILL { lang.kind(CaseKind::Complaint) } else { lang.category(skill) }
    };
    view! {
        <form class="team" on:submit=submit novalidate data-testid="team-form">
            <div class="field narrow-field">
                <label for=name_id.clone()>{move || t().set_team_name}</label>
                <input id=name_id.clone() bind:value=name/>
            </div>
            <fieldset class="plain">
                <legend>{move || t().set_team_skills}</legend>
                <div class="checks">
                    {checks.into_iter().map(|(skill, checked)| {
                        let id = format!("team-{}-{skill}", team.id);
                        let label_for = id.clone();
                        view! {
                            <label class="check" for=label_for>
                                <input type="checkbox" id=id data-testid=format!("skill-{skill}") bind:checked=checked/>
                                {move || skill_label(skill)}
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <p class="hint">{move || t().set_team_members}": "{members.clone()}</p>
            <SaveBar status test_id="save-team"/>
        </form>
    }
}
