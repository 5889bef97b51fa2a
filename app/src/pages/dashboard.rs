//! The supervisor dashboard: for a period and a team, each figure beside the previous period's
//! (SLA attainment per clock, first-response median and p90, follow-up rate against its target,
//! follow-ups reached and the calls it took, post-sale follow-ups made inside the cooling-off,
//! suitability mismatches, CSAT and NPS, complaints and their outcomes), the work open now, and
//! charts: cases received and first responses on time day by day, complaints by category and by
//! root cause, follow-up rates by reason and by product, and satisfaction by quarter. Each count, share and chart mark opens the cases behind it: the
//! queue's drill-down over the same period, day and team (late ones, for an attainment).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use domain::api::count_label;
use domain::follow_up::Reason;
use domain::stats::{quarter, FollowUpCounts, Tally};
use domain::{Role, Step};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::chart::{Bars, Columns, Mark};
use crate::components::feedback::{loader, ErrorPanel, Loading};
use crate::components::time::today;
use crate::i18n::{use_i18n, Lang};
use crate::session::use_session;

pub(crate) fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_string(), |s| format!("{:.1}%", s * 100.0))
}

/// A duration in minutes, as the user reads it: "37 分钟" / "37 min", "3.5 小时" / "3.5 h".
pub(crate) fn minutes(i18n: Lang, m: Option<u32>) -> String {
    match m {
        None => "—".into(),
        Some(m) if m < 120 => format!("{m} {}", i18n.tr("分钟", "min")),
        Some(m) => format!("{:.1} {}", f64::from(m) / 60.0, i18n.tr("小时", "h")),
    }
}

/// How a figure moved against the previous period, and whether that is better.
#[derive(Clone, PartialEq)]
struct Change {
    text: String,
    better: Option<bool>,
}

/// A change of a share, in percentage points; `higher_is_better` says which way is good.
fn points(now: Option<f64>, before: Option<f64>, higher_is_better: bool) -> Change {
    match (now, before) {
        (Some(n), Some(b)) => {
            let d = (n - b) * 100.0;
            let better = (d.abs() >= 0.05).then_some((d > 0.0) == higher_is_better);
            Change { text: format!("{}{:.1} pp", if d >= 0.0 { "+" } else { "−" }, d.abs()), better }
        }
        _ => Change { text: "—".into(), better: None },
    }
}

/// A change of a count or a time, in percent of the previous value.
fn relative(now: Option<f64>, before: Option<f64>, higher_is_better: bool) -> Change {
    match (now, before.filter(|b| *b != 0.0)) {
        (Some(n), Some(b)) => {
            let d = domain::metrics::change(b, n).unwrap_or(0.0);
            let better = (d.abs() >= 0.05).then_some((d > 0.0) == higher_is_better);
            Change { text: format!("{}{:.1}%", if d >= 0.0 { "+" } else { "−" }, d.abs()), better }
        }
        _ => Change { text: "—".into(), better: None },
    }
}

/// One figure: its name, value, change and, where there is one, the list behind it.
#[component]
fn Figure(
    #[prop(into)] name: Signal<&'static str>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] change: Signal<Change>,
    #[prop(optional, into)] note: Option<Signal<String>>,
    #[prop(optional, into)] href: Option<Signal<String>>,
    test_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = move || match change.get().better {
        Some(true) => "change better",
        Some(false) => "change worse",
        None => "change",
    };
    let body = view! {
        <span class="figure-name">{name}</span>
        <span class="figure-value" data-testid=format!("{test_id}-value")>{value}</span>
        <span class=class title=move || i18n.get().tr("与上一周期相比", "against the previous period")>{move || change.get().text}</span>
        {note.map(|n| view! { <span class="figure-note">{n}</span> })}
    };
    match href {
        Some(href) => view! { <A href=move || href.get() attr:class="figure link" attr:data-testid=test_id>{body}</A> }.into_any(),
        None => view! { <div class="figure" data-testid=test_id>{body}</div> }.into_any(),
    }
}

/// Supervisors and admins see the dashboard; others are told their role may not.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let allowed = move || session.user.get().is_some_and(|u| u.role.includes(Role::Supervisor));
    view! {
        <Show when=allowed fallback=move || view! {
            <section class="page" aria-labelledby="page-title">
                <h1 id="page-title">{move || i18n.get().t().nav_dashboard}</h1>
                <p class="notice" data-testid="forbidden">{move || i18n.get().t().forbidden_page}</p>
            </section>
        }>
            <DashboardBody/>
        </Show>
    }
}

#[component]
fn DashboardBody() -> impl IntoView {
    let i18n = use_i18n();
    // The period and team live in the address, so a drill-down and back returns to them.
    let query = leptos_router::hooks::use_query_map();
    let initial = |key: &str| query.with_untracked(|q| q.get(key)).filter(|v| !v.is_empty());
    let to = RwSignal::new(initial("to").unwrap_or_else(|| today().to_string()));
    let from = RwSignal::new(initial("from").unwrap_or_else(|| (today() - Duration::days(29)).to_string()));
    let team = RwSignal::new(initial("team").unwrap_or_default());
    let navigate = leptos_router::hooks::use_navigate();
    let (data, error, loading, load) = loader(move || api::dashboard(from.get_untracked(), to.get_untracked(), team.get_untracked()));
    let fetch = Callback::new(move |()| {
        let (f, t, team) = (from.get_untracked(), to.get_untracked(), team.get_untracked());
        let address = format!("/dashboard?from={f}&to={t}{}", if team.is_empty() { String::new() } else { format!("&team={team}") });
        navigate(&address, leptos_router::NavigateOptions { replace: true, ..Default::default() });
        load.run(());
    });
    // Once on opening; then when the period is submitted or the team changes.
    Effect::new(move |_| fetch.run(()));

    let tr = move |zh: &'static str, en: &'static str| i18n.get().tr(zh, en);
    let cur = move || data.get().map(|d| d.current).unwrap_or_default();
    let prev = move || data.get().map(|d| d.previous).unwrap_or_default();
    let target = move || data.get().map_or(80, |d| d.follow_up_target_percent);
    let team_query = move || data.get().and_then(|d| d.team_id).map(|t| format!("&team={t}")).unwrap_or_default();
    // The cases behind a figure: the queue's drill-down over this period (or one day) and team.
    let behind = move |date: &str, more: &str| -> String {
        data.get().map(|d| format!("/queue?date={date}&from={}&to={}{more}{}", d.from, d.to, team_query())).unwrap_or_default()
    };
    let behind_day = move |day: NaiveDate, date: &str, more: &str| format!("/queue?date={date}&from={day}&to={day}{more}{}", team_query());
    let count = |f: fn(&Tally) -> u32| move || -> (Option<f64>, Option<f64>) { (Some(f64::from(f(&cur()))), Some(f64::from(f(&prev())))) };
    let received = count(|t| t.received.values().sum());
    let complaints = count(|t| t.complaints_by_category.values().sum());

    let day_label = |d: NaiveDate| format!("{}/{}", d.month(), d.day());
    let received_marks = move || {
        let lang = i18n.get();
        data.get().map(|d| d.days).unwrap_or_default().into_iter().map(|d| {
            let n = d.received;
            Mark { label: day_label(d.day), value: f64::from(n), tooltip: format!("{} · {} {n}", d.day, lang.tr("受理", "received")), href: Some(behind_day(d.day, "received", "")) }
        }).collect::<Vec<_>>()
    };
    let attainment_marks = move || {
        let lang = i18n.get();
        data.get().map(|d| d.days).unwrap_or_default().into_iter().map(|d| {
            let a = d.first_response.attainment();
            Mark {
                label: day_label(d.day),
                value: a.map_or(0.0, |a| a * 100.0),
                tooltip: format!("{} · {} {} ({}/{})", d.day, lang.tr("首次响应及时率", "first responses on time"), percent(a), d.first_response.on_time, d.first_response.decided),
                // The day's late first responses: what pulled the column down.
                href: Some(behind_day(d.day, "first_response_due", "&met=late")),
            }
        }).collect::<Vec<_>>()
    };
    let by_category = move || {
        let lang = i18n.get();
        let mut marks: Vec<Mark> = cur().complaints_by_category.into_iter().map(|(c, n)| Mark {
            label: lang.category(&c).to_string(),
            value: f64::from(n),
            tooltip: format!("{} · {n}", lang.category(&c)),
            href: Some(behind("received", &format!("&kind=complaint&category={c}"))),
        }).collect();
        marks.sort_by(|a, b| b.value.total_cmp(&a.value));
        marks
    };
    let by_cause = move || {
        let lang = i18n.get();
        let mut marks: Vec<Mark> = cur().root_causes.into_iter().map(|(c, n)| {
            let label = if c.is_empty() { lang.tr("未填写", "not recorded").to_string() } else { lang.root_cause(&c).to_string() };
            let cause = if c.is_empty() { "none".to_string() } else { c };
            Mark { tooltip: format!("{label} · {n}"), label, value: f64::from(n), href: Some(behind("complaint_closed", &format!("&cause={cause}"))) }
        }).collect();
        marks.sort_by(|a, b| b.value.total_cmp(&a.value));
        marks
    };
    let by_step = move || {
        let (lang, c) = (i18n.get(), cur());
        Step::ALL.iter().filter_map(|s| {
            let median = c.step_percentile(*s, 50)?;
            let clock = c.step(*s);
            Some(Mark {
                label: lang.step(*s).to_string(),
                value: f64::from(median) / 60.0,
                tooltip: format!(
                    "{} · {} {} · P90 {} · {} {}/{}",
                    lang.step(*s), lang.tr("中位数", "median"), minutes(lang, Some(median)), minutes(lang, c.step_percentile(*s, 90)),
                    lang.tr("及时", "on time"), clock.on_time, clock.decided
                ),
                // The step's deadlines in the period: the steps this median and P90 come from.
                href: Some(behind("step_due", &format!("&step={s}"))),
            })
        }).collect::<Vec<_>>()
    };
    // A follow-up rate per reason or product kind, each bar opening its follow-ups.
    let rate_mark = move |label: String, c: FollowUpCounts, more: String| {
        let lang = i18n.get();
        let rate = c.rate(target()).map(|r| r.0);
        Mark {
            tooltip: format!(
                "{label} · {} {} ({}/{}) · {} {}",
                lang.tr("完成", "done"), percent(rate), c.done, c.due, lang.tr("接通", "reached"), percent(c.reach_rate())
            ),
            label,
            value: rate.map_or(0.0, |r| r * 100.0),
            href: Some(behind("resolution_due", &format!("&kind=follow_up{more}"))),
        }
    };
    let by_reason = move || {
        let lang = i18n.get();
        cur().follow_ups_by_reason.into_iter().filter_map(|(r, c)| {
            let reason = Reason::parse(&r)?;
            Some(rate_mark(crate::pages::follow_ups::reason_label(lang, reason).to_string(), c, format!("&reason={r}")))
        }).collect::<Vec<_>>()
    };
    let by_product = move || {
        let lang = i18n.get();
        cur().follow_ups_by_product.into_iter().map(|(k, c)| rate_mark(lang.product_kind(&k).to_string(), c, format!("&product_kind={k}"))).collect::<Vec<_>>()
    };
    let by_leave_reason = move || {
        let lang = i18n.get();
        let mut marks: Vec<Mark> = cur().leave_reasons.into_iter().filter_map(|(r, n)| {
            let label = lang.leave_reason(r.parse().ok()?).to_string();
            let href = data.get().map(|d| format!("/customers?left_from={}&left_to={}&reason={r}", d.from, d.to));
            Some(Mark { tooltip: format!("{label} · {n}"), label, value: f64::from(n), href })
        }).collect();
        marks.sort_by(|a, b| b.value.total_cmp(&a.value));
        marks
    };
    let by_quarter = move || {
        // Each quarter's tally and its days within the period (the days come in order).
        let mut quarters: BTreeMap<String, (Tally, NaiveDate, NaiveDate)> = BTreeMap::new();
        for d in data.get().map(|d| d.days).unwrap_or_default() {
            let q = quarters.entry(quarter(d.day)).or_insert_with(|| (Tally::default(), d.day, d.day));
            q.0.add(&d.satisfaction());
            q.2 = d.day;
        }
        quarters.into_iter().filter(|(_, (t, _, _))| t.csat_answers + t.nps_answers > 0).map(|(q, (t, first, last))| Mark {
            label: q.clone(),
            value: t.csat().map_or(0.0, |c| c * 100.0),
            tooltip: format!("{q} · CSAT {} ({}) · NPS {} ({})", percent(t.csat()), t.csat_answers, t.nps().map_or("—".into(), |n| format!("{n:.0}")), t.nps_answers),
            // The cases answered in the quarter's days of the period.
            href: Some(format!("/queue?date=answered&from={first}&to={last}{}", team_query())),
        }).collect::<Vec<_>>()
    };

    view! {
        <section class="page dashboard" aria-labelledby="page-title">
            <div class="page-head">
                <h1 id="page-title">{move || i18n.get().t().nav_dashboard}</h1>
            </div>
            <form class="filters" on:submit=move |e| { e.prevent_default(); fetch.run(()); }>
                <label for="dash-from">{move || tr("从", "From")}</label>
                <input id="dash-from" type="date" data-testid="dash-from" bind:value=from/>
                <label for="dash-to">{move || tr("至", "To")}</label>
                <input id="dash-to" type="date" data-testid="dash-to" bind:value=to/>
                <label for="dash-team">{move || tr("班组", "Team")}</label>
                <select id="dash-team" data-testid="dash-team" bind:value=team on:change=move |_| fetch.run(())>
                    <option value="">{move || tr("全部班组", "All teams")}</option>
                    {move || data.get().map(|d| d.teams).unwrap_or_default().into_iter().map(|t| view! { <option value=t.id>{t.name}</option> }).collect_view()}
                </select>
                <button type="submit" class="button primary" data-testid="dash-apply">{move || tr("查看", "Show")}</button>
            </form>
            {move || error.get().map(|e| view! { <ErrorPanel error=e retry=fetch/> })}
            <Show when=move || loading.get() && data.get().is_none()><Loading/></Show>
            <Show when=move || data.get().is_some()>
                <p class="hint" data-testid="dash-period">{move || data.get().map(|d| format!(
                    "{} {} – {} · {} {} – {}",
                    i18n.get().tr("本期", "This period"), d.from, d.to, i18n.get().tr("对比上期", "against"), d.previous_from, d.previous_to
                ))}</p>
                <div class="figures">
                    <Figure test_id="fig-open" name=Signal::derive(move || tr("当前未结", "Open now"))
                        value=Signal::derive(move || data.get().map(|d| count_label(d.open_now)).unwrap_or_default())
                        change=Signal::derive(|| Change { text: String::new(), better: None })
                        href=Signal::derive(move || format!("/queue?view=open{}", team_query()))/>
                    <Figure test_id="fig-breached" name=Signal::derive(move || tr("当前超时", "Breached now"))
                        value=Signal::derive(move || data.get().map(|d| count_label(d.breached_now)).unwrap_or_default())
                        change=Signal::derive(|| Change { text: String::new(), better: None })
                        href=Signal::derive(move || format!("/queue?view=breached{}", team_query()))/>
                    <Figure test_id="fig-received" name=Signal::derive(move || tr("受理量", "Received"))
                        value=Signal::derive(move || format!("{}", received().0.unwrap_or(0.0)))
                        change=Signal::derive(move || { let (n, b) = received(); relative(n, b, true) })
                        href=Signal::derive(move || behind("received", ""))/>
                    <Figure test_id="fig-first-response" name=Signal::derive(move || tr("首次响应及时率", "First response on time"))
                        value=Signal::derive(move || percent(cur().first_response.attainment()))
                        change=Signal::derive(move || points(cur().first_response.attainment(), prev().first_response.attainment(), true))
                        note=Signal::derive(move || format!("{}/{}", cur().first_response.on_time, cur().first_response.decided))
                        href=Signal::derive(move || behind("first_response_due", "&met=late"))/>
                    <Figure test_id="fig-median" name=Signal::derive(move || tr("首次响应中位数", "First response, median"))
                        value=Signal::derive(move || minutes(i18n.get(), cur().first_response_percentile(50)))
                        change=Signal::derive(move || relative(cur().first_response_percentile(50).map(f64::from), prev().first_response_percentile(50).map(f64::from), false))
                        note=Signal::derive(move || format!("P90 {}", minutes(i18n.get(), cur().first_response_percentile(90))))
                        href=Signal::derive(move || behind("first_response_due", ""))/>
                    <Figure test_id="fig-resolution" name=Signal::derive(move || tr("解决及时率", "Resolved on time"))
                        value=Signal::derive(move || percent(cur().resolution.attainment()))
                        change=Signal::derive(move || points(cur().resolution.attainment(), prev().resolution.attainment(), true))
                        note=Signal::derive(move || format!("{}/{}", cur().resolution.on_time, cur().resolution.decided))
                        href=Signal::derive(move || behind("resolution_due", "&met=late"))/>
                    <Figure test_id="fig-regulatory" name=Signal::derive(move || tr("监管时限达成率", "Regulatory deadline met"))
                        value=Signal::derive(move || percent(cur().regulatory.attainment()))
                        change=Signal::derive(move || points(cur().regulatory.attainment(), prev().regulatory.attainment(), true))
                        note=Signal::derive(move || format!("{}/{}", cur().regulatory.on_time, cur().regulatory.decided))
                        href=Signal::derive(move || behind("regulatory_due", "&met=late"))/>
                    <Figure test_id="fig-steps" name=Signal::derive(move || tr("投诉环节及时率", "Complaint steps on time"))
                        value=Signal::derive(move || percent(cur().all_steps().attainment()))
                        change=Signal::derive(move || points(cur().all_steps().attainment(), prev().all_steps().attainment(), true))
                        note=Signal::derive(move || {
                            let (lang, c) = (i18n.get(), cur());
                            Step::ALL.iter().map(|s| format!("{} {}", lang.step(*s), percent(c.step(*s).attainment()))).collect::<Vec<_>>().join(" · ")
                        })
                        href=Signal::derive(move || behind("step_due", "&met=late"))/>
                    <Figure test_id="fig-follow-up" name=Signal::derive(move || tr("回访率", "Follow-up rate"))
                        value=Signal::derive(move || percent(cur().follow_up_rate(target()).map(|r| r.0)))
                        change=Signal::derive(move || points(cur().follow_up_rate(target()).map(|r| r.0), prev().follow_up_rate(target()).map(|r| r.0), true))
                        note=Signal::derive(move || {
                            let target = target();
                            let met = cur().follow_up_rate(target).is_some_and(|r| r.1);
                            format!("{} {target}% · {}", i18n.get().tr("目标", "target"), if met { i18n.get().tr("已达标", "met") } else { i18n.get().tr("未达标", "not met") })
                        })
                        href=Signal::derive(move || behind("resolution_due", "&kind=follow_up"))/>
                    <Figure test_id="fig-reach" name=Signal::derive(move || tr("回访接通率", "Follow-ups reached"))
                        value=Signal::derive(move || percent(cur().follow_up_counts().reach_rate()))
                        change=Signal::derive(move || points(cur().follow_up_counts().reach_rate(), prev().follow_up_counts().reach_rate(), true))
                        note=Signal::derive(move || {
                            let (lang, c) = (i18n.get(), cur().follow_up_counts());
                            let calls = c.calls_per_reach().map_or("—".into(), |n| format!("{n:.1}"));
                            format!("{}/{} · {} {calls} {}", c.reached, c.due, lang.tr("平均", "on average"), lang.tr("次拨通", "calls to reach"))
                        })
                        href=Signal::derive(move || behind("resolution_due", "&kind=follow_up"))/>
                    <Figure test_id="fig-cooling-off" name=Signal::derive(move || tr("犹豫期内回访", "Made inside the cooling-off"))
                        value=Signal::derive(move || percent(cur().follow_up_counts().cooling_off_share()))
                        change=Signal::derive(move || points(cur().follow_up_counts().cooling_off_share(), prev().follow_up_counts().cooling_off_share(), true))
                        note=Signal::derive(move || { let c = cur().follow_up_counts(); format!("{}/{}", c.cooling_off_in_time, c.cooling_off) })
                        href=Signal::derive(move || behind("resolution_due", "&kind=follow_up&reason=purchase"))/>
                    <Figure test_id="fig-mismatch" name=Signal::derive(move || tr("适当性不匹配", "Suitability mismatches"))
                        value=Signal::derive(move || cur().follow_up_counts().mismatched.to_string())
                        change=Signal::derive(move || relative(Some(f64::from(cur().follow_up_counts().mismatched)), Some(f64::from(prev().follow_up_counts().mismatched)), false))
                        note=Signal::derive(move || format!("{} {}", tr("售后回访", "post-sale follow-ups"), cur().follow_ups_by_reason.get("purchase").map_or(0, |c| c.due)))
                        href=Signal::derive(move || behind("resolution_due", "&kind=follow_up&mismatch=true"))/>
                    <Figure test_id="fig-csat" name=Signal::derive(|| "CSAT")
                        value=Signal::derive(move || percent(cur().csat()))
                        change=Signal::derive(move || points(cur().csat(), prev().csat(), true))
                        note=Signal::derive(move || {
                            let (lang, c) = (i18n.get(), cur());
                            format!("{} {} · {} {}", c.csat_answers, lang.tr("份", "answers"), c.csat_answers - c.csat_satisfied, lang.tr("不满意", "not satisfied"))
                        })
                        href=Signal::derive(move || behind("answered", "&csat=unsatisfied"))/>
                    <Figure test_id="fig-nps" name=Signal::derive(|| "NPS")
                        value=Signal::derive(move || cur().nps().map_or("—".into(), |n| format!("{n:.0}")))
                        change=Signal::derive(move || match (cur().nps(), prev().nps()) {
                            (Some(n), Some(b)) => Change { text: format!("{}{:.0}", if n >= b { "+" } else { "−" }, (n - b).abs()), better: ((n - b).abs() >= 0.5).then_some(n > b) },
                            _ => Change { text: "—".into(), better: None },
                        })
                        note=Signal::derive(move || format!("{} {}", cur().nps_answers, i18n.get().tr("份", "answers")))
                        href=Signal::derive(move || behind("answered", ""))/>
                    <Figure test_id="fig-complaints" name=Signal::derive(move || tr("投诉受理", "Complaints received"))
                        value=Signal::derive(move || format!("{}", complaints().0.unwrap_or(0.0)))
                        change=Signal::derive(move || { let (n, b) = complaints(); relative(n, b, false) })
                        note=Signal::derive(move || {
                            let c = cur();
                            let upheld = (c.complaints_closed > 0).then(|| f64::from(c.upheld) / f64::from(c.complaints_closed));
                            format!("{} {} · {} {}", i18n.get().tr("结案", "closed"), c.complaints_closed, i18n.get().tr("成立", "upheld"), percent(upheld))
                        })
                        href=Signal::derive(move || behind("received", "&kind=complaint"))/>
                    <Figure test_id="fig-churn" name=Signal::derive(move || tr("客户流失", "Customers who left"))
                        value=Signal::derive(move || if team_query().is_empty() { cur().customers_left.to_string() } else { "—".into() })
                        change=Signal::derive(move || if team_query().is_empty() {
                            relative(Some(f64::from(cur().customers_left)), Some(f64::from(prev().customers_left)), false)
                        } else {
                            Change { text: String::new(), better: None }
                        })
                        note=Signal::derive(move || {
                            let lang = i18n.get();
                            if team_query().is_empty() {
                                let top = cur().leave_reasons.into_iter().max_by_key(|(_, n)| *n);
                                top.and_then(|(r, n)| Some(format!("{} {} ({n})", lang.tr("主因", "mostly"), lang.leave_reason(r.parse().ok()?)))).unwrap_or_default()
                            } else {
                                lang.tr("全机构指标，不按团队统计", "The institution's figure, not a team's").to_string()
                            }
                        })
                        href=Signal::derive(move || data.get().map(|d| format!("/customers?left_from={}&left_to={}", d.from, d.to)).unwrap_or_default())/>
                </div>
                <div class="charts">
                    <Columns test_id="chart-received" title=Signal::derive(move || tr("每日受理量", "Cases received per day").to_string()) marks=Signal::derive(received_marks)/>
                    <Columns test_id="chart-first-response" title=Signal::derive(move || tr("每日首次响应及时率（%）", "First responses on time per day (%)").to_string()) marks=Signal::derive(attainment_marks)/>
                    <Bars test_id="chart-categories" title=Signal::derive(move || tr("投诉分类", "Complaints by category").to_string()) marks=Signal::derive(by_category)
                        empty=Signal::derive(move || tr("本期没有投诉", "No complaints in this period"))/>
                    <Bars test_id="chart-causes" title=Signal::derive(move || tr("投诉原因分析（已结案）", "Root causes of closed complaints").to_string()) marks=Signal::derive(by_cause)
                        empty=Signal::derive(move || tr("本期没有结案的投诉", "No complaints closed in this period"))/>
                    <Bars test_id="chart-steps" title=Signal::derive(move || tr("投诉各环节用时（中位数，小时）", "Complaint steps, median time (h)").to_string()) marks=Signal::derive(by_step)
                        empty=Signal::derive(move || tr("本期没有完成的投诉环节", "No complaint step completed in this period"))/>
                    <Bars test_id="chart-follow-up-reasons" title=Signal::derive(move || tr("各类回访完成率（%）", "Follow-up rate by reason (%)").to_string()) marks=Signal::derive(by_reason)
                        empty=Signal::derive(move || tr("本期没有到期的回访", "No follow-ups due in this period"))/>
                    <Bars test_id="chart-follow-up-products" title=Signal::derive(move || tr("各类产品售后回访完成率（%）", "Post-sale follow-up rate by product (%)").to_string()) marks=Signal::derive(by_product)
                        empty=Signal::derive(move || tr("本期没有到期的售后回访", "No post-sale follow-ups due in this period"))/>
                    <Bars test_id="chart-churn" title=Signal::derive(move || tr("客户流失原因", "Why customers left").to_string()) marks=Signal::derive(by_leave_reason)
                        empty=Signal::derive(move || tr("本期没有客户流失", "No customer left in this period"))/>
                    <Bars test_id="chart-quarters" title=Signal::derive(move || tr("各季度满意度（CSAT %）", "Satisfaction by quarter (CSAT %)").to_string()) marks=Signal::derive(by_quarter)
                        empty=Signal::derive(move || tr("本期没有问卷回复", "No survey answers in this period"))/>
                </div>
            </Show>
        </section>
    }
}
