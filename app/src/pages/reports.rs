//! Reports for supervisors, from the same daily tallies as the dashboard:
//! - agent scorecards for KPI reviews (cases handled, clocks on time, first-response median,
//!   complaint timeliness, follow-ups, CSAT), each agent opening their cases;
//! - the regulatory complaint return (FCA DISP 1.10 and China 15/30/60-day shapes), printable
//!   and exportable as CSV;
//! - the half-year review: the programme's figures for two half-years side by side.
//!
//! The tab, period and team live in the address, so a drill-down and back returns to them.

use chrono::{Datelike, Duration, NaiveDate};
use domain::api::{ComplaintReturn, Dashboard, Scorecards};
use domain::stats::{ClockTally, ReturnCounts, Tally};
use domain::Role;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, ApiError};
use crate::components::feedback::{loader, Empty, ErrorPanel, Loading};
use crate::components::time::today;
use crate::i18n::{use_i18n, Lang};
use crate::pages::dashboard::{minutes, percent};
use crate::session::use_session;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Scorecards,
    Return,
    Review,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Scorecards, Tab::Return, Tab::Review];

    fn param(self) -> &'static str {
        match self {
            Tab::Scorecards => "scorecards",
            Tab::Return => "return",
            Tab::Review => "review",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            Tab::Scorecards => lang.tr("客服绩效", "Agent scorecards"),
            Tab::Return => lang.tr("投诉情况报送", "Complaint return"),
            Tab::Review => lang.tr("半年度回顾", "Half-year review"),
        }
    }
}

/// An attainment as "92.3% (12/13)".
fn clock(c: &ClockTally) -> String {
    if c.decided == 0 {
        return "—".into();
    }
    format!("{} ({}/{})", percent(c.attainment()), c.on_time, c.decided)
}

/// The first day of the half-year `day` falls in.
fn half_start(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), if day.month() <= 6 { 1 } else { 7 }, 1).expect("a first of the month")
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let allowed = move || session.user.get().is_some_and(|u| u.role.includes(Role::Supervisor));
    let query = use_query_map();
    let tab = Memo::new(move |_| {
        let q = query.read();
        Tab::ALL.into_iter().find(|t| q.get("tab").as_deref() == Some(t.param())).unwrap_or(Tab::Scorecards)
    });
    view! {
        <section class="page reports" aria-labelledby="page-title">
            <div class="page-head">
                <h1 id="page-title">{move || i18n.get().t().nav_reports}</h1>
            </div>
            <Show when=allowed fallback=move || view! { <p class="notice" data-testid="forbidden">{move || i18n.get().t().forbidden_page}</p> }>
                <nav class="tabs no-print" aria-label=move || i18n.get().t().nav_reports>
                    {Tab::ALL.into_iter().map(|t| view! {
                        <A href=format!("/reports?tab={}", t.param())
                            attr:class=move || if tab.get() == t { "tab active" } else { "tab" }
                            attr:aria-current=move || (tab.get() == t).then_some("page")
                            attr:data-testid=format!("tab-{}", t.param())>
                            {move || t.label(i18n.get())}
                        </A>
                    }).collect_view()}
                </nav>
                {move || match tab.get() {
                    Tab::Scorecards => view! { <ScorecardsTab/> }.into_any(),
                    Tab::Return => view! { <ReturnTab/> }.into_any(),
                    Tab::Review => view! { <ReviewTab/> }.into_any(),
                }}
            </Show>
        </section>
    }
}

/// A period (and optionally a team) read from the address, kept there when shown.
struct Period {
    from: RwSignal<String>,
    to: RwSignal<String>,
    team: RwSignal<String>,
}

impl Period {
    fn from_address(default_from: NaiveDate) -> Self {
        let query = use_query_map();
        let initial = |key: &str| query.with_untracked(|q| q.get(key)).filter(|v| !v.is_empty());
        Period {
            from: RwSignal::new(initial("from").unwrap_or_else(|| default_from.to_string())),
            to: RwSignal::new(initial("to").unwrap_or_else(|| today().to_string())),
            team: RwSignal::new(initial("team").unwrap_or_default()),
        }
    }

    /// The address that keeps the period.
    fn address(&self, tab: Tab) -> String {
        let (f, t, team) = (self.from.get_untracked(), self.to.get_untracked(), self.team.get_untracked());
        let team = if team.is_empty() { String::new() } else { format!("&team={team}") };
        format!("/reports?tab={}&from={f}&to={t}{team}", tab.param())
    }
}

#[component]
fn PeriodForm(period: Period, on_show: Callback<()>, #[prop(optional)] teams: Option<Signal<Vec<domain::api::TeamName>>>) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh: &'static str, en: &'static str| i18n.get().tr(zh, en);
    let Period { from, to, team } = period;
    view! {
        <form class="filters no-print" on:submit=move |e| { e.prevent_default(); on_show.run(()); }>
            <label for="report-from">{move || tr("从", "From")}</label>
            <input id="report-from" type="date" data-testid="report-from" bind:value=from/>
            <label for="report-to">{move || tr("至", "To")}</label>
            <input id="report-to" type="date" data-testid="report-to" bind:value=to/>
            {teams.map(|teams| view! {
                <label for="report-team">{move || tr("班组", "Team")}</label>
                <select id="report-team" data-testid="report-team" bind:value=team on:change=move |_| on_show.run(())>
                    <option value="">{move || tr("全部班组", "All teams")}</option>
                    {move || teams.get().into_iter().map(|t| view! { <option value=t.id>{t.name}</option> }).collect_view()}
                </select>
            })}
            <button type="submit" class="button primary" data-testid="report-show">{move || tr("查看", "Show")}</button>
        </form>
    }
}

#[component]
fn ScorecardsTab() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh: &'static str, en: &'static str| i18n.get().tr(zh, en);
    let period = Period::from_address(today() - Duration::days(29));
    let (from, to, team) = (period.from, period.to, period.team);
    let (data, error, loading, fetch) = loader(move || api::scorecards(from.get_untracked(), to.get_untracked(), team.get_untracked()));
    let navigate = use_navigate();
    // Replacing the address, so Back leaves the page rather than stepping through periods.
    let show = Callback::new(move |()| {
        navigate(&Period { from, to, team }.address(Tab::Scorecards), leptos_router::NavigateOptions { replace: true, ..Default::default() });
        fetch.run(());
    });
    Effect::new(move |_| show.run(()));
    let teams = Signal::derive(move || data.get().map(|d: Scorecards| d.teams).unwrap_or_default());
    view! {
        <PeriodForm period on_show=show teams/>
        {move || error.get().map(|e| view! { <ErrorPanel error=e retry=fetch/> })}
        <Show when=move || loading.get() && data.get().is_none()><Loading/></Show>
        {move || data.get().map(|d| {
            if d.agents.is_empty() {
                return view! { <Empty title=Signal::derive(move || tr("这个班组没有客服人员", "No agents in this team")) hint=Signal::derive(|| "")/> }.into_any();
            }
            let target = d.follow_up_target_percent;
            let (f, t) = (d.from, d.to);
            view! {
                <div class="table-wrap"><table class="cases report-table scorecards" data-testid="scorecards">
                    <caption>{move || format!("{} {f} – {t}", tr("统计期间", "Period"))}</caption>
                    <thead><tr>
                        <th scope="col">{move || tr("客服", "Agent")}</th>
                        <th scope="col" class="num">{move || tr("受理量", "Handled")}</th>
                        <th scope="col" class="num">{move || tr("首次响应及时率", "First response on time")}</th>
                        <th scope="col" class="num">{move || tr("首次响应中位数", "First response, median")}</th>
                        <th scope="col" class="num">{move || tr("解决及时率", "Resolved on time")}</th>
                        <th scope="col" class="num">{move || tr("投诉时效达成率", "Complaints on time")}</th>
                        <th scope="col" class="num">{move || tr("投诉环节及时率", "Complaint steps on time")}</th>
                        <th scope="col" class="num">{move || format!("{} ({} {target}%)", tr("回访率", "Follow-up rate"), tr("目标", "target"))}</th>
                        <th scope="col" class="num">{move || tr("接通率 · 平均拨打", "Reached · calls each")}</th>
                        <th scope="col" class="num">"CSAT"</th>
                    </tr></thead>
                    <tbody>
                        {d.agents.into_iter().map(|a| {
                            let href = format!("/queue?date=received&from={f}&to={t}&assignee={}", a.agent_id);
                            let follow_ups = domain::metrics::follow_up_rate(a.follow_ups_due, a.follow_ups_done, target);
                            let median = a.first_response_median;
                            let (name, csat) = (a.name.clone(), format!("{} ({})", percent(a.csat()), a.csat_answers));
                            view! {
                                <tr data-testid="scorecard" data-agent=a.agent_id.clone()>
                                    <th scope="row"><A href=href>{name}</A></th>
                                    <td class="num" data-testid="sc-handled">{a.handled}</td>
                                    <td class="num" data-testid="sc-first-response">{clock(&a.first_response)}</td>
                                    <td class="num">{move || minutes(i18n.get(), median)}</td>
                                    <td class="num">{clock(&a.resolution)}</td>
                                    <td class="num">{clock(&a.regulatory)}</td>
                                    <td class="num" data-testid="sc-steps">{clock(&a.complaint_steps)}</td>
                                    <td class=move || if follow_ups.is_some_and(|r| !r.1) { "num worse" } else { "num" } data-testid="sc-follow-ups">
                                        <A href=format!("/queue?date=resolution_due&from={f}&to={t}&kind=follow_up&assignee={}", a.agent_id)>
                                            {follow_ups.map_or_else(|| "—".to_string(), |r| format!("{} ({}/{})", percent(Some(r.0)), a.follow_ups_done, a.follow_ups_due))}
                                        </A>
                                    </td>
                                    <td class="num" data-testid="sc-reached">
                                        {format!("{} · {}", percent(a.follow_ups.reach_rate()), a.follow_ups.calls_per_reach().map_or("—".into(), |n| format!("{n:.1}")))}
                                    </td>
                                    <td class="num">{csat}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
            }.into_any()
        })}
    }
}

#[component]
fn ReturnTab() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh: &'static str, en: &'static str| i18n.get().tr(zh, en);
    let period = Period::from_address(half_start(today()));
    let (from, to, team) = (period.from, period.to, period.team);
    let (data, error, loading, fetch) = loader(move || api::complaint_return(from.get_untracked(), to.get_untracked()));
    let navigate = use_navigate();
    // Replacing the address, so Back leaves the page rather than stepping through periods.
    let show = Callback::new(move |()| {
        navigate(&Period { from, to, team }.address(Tab::Return), leptos_router::NavigateOptions { replace: true, ..Default::default() });
        fetch.run(());
    });
    Effect::new(move |_| show.run(()));
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let csv = move || api::complaint_return_csv_url(&from.get(), &to.get(), if i18n.get() == Lang::En { "en" } else { "zh" });
    view! {
        <PeriodForm period on_show=show/>
        <div class="list-tools no-print">
            <p class="hint">{move || tr(
                "按受理与结案日期统计（北京时间）；已合并的投诉计入其合并后的投诉。",
                "Complaints by the day they were received and closed, in the institution's zone; merged complaints count in the one they merged into.")}</p>
            <button type="button" class="button" data-testid="return-print" on:click=print>{move || tr("打印", "Print")}</button>
            <a class="button" data-testid="return-csv" download="" href=csv>{move || tr("导出 CSV", "Export CSV")}</a>
        </div>
        {move || error.get().map(|e| view! { <ErrorPanel error=e retry=fetch/> })}
        <Show when=move || loading.get() && data.get().is_none()><Loading/></Show>
        {move || data.get().map(|r: ComplaintReturn| {
            let lang = i18n.get();
            // Rows by root cause count closings only (a cause is recorded when a complaint
            // closes): their "received" is left blank.
            let mut rows: Vec<(String, String, ReturnCounts, bool)> = vec![(lang.tr("合计", "Total").to_string(), String::new(), r.total, true)];
            rows.extend(r.by_product.iter().map(|(k, c)| (lang.tr("按产品", "By product").to_string(), lang.category(k).to_string(), *c, true)));
            rows.extend(r.by_cause.iter().map(|(k, c)| {
                let cause = if k.is_empty() { lang.tr("未填写", "not recorded").to_string() } else { lang.root_cause(k).to_string() };
                (lang.tr("按原因", "By root cause").to_string(), cause, *c, false)
            }));
            view! {
                <div class="table-wrap"><table class="cases report-table" data-testid="complaint-return">
                    <caption>{format!("{} {} – {}", lang.tr("投诉情况报送", "Complaint return"), r.from, r.to)}</caption>
                    <thead>
                        <tr>
                            <th scope="col" rowspan="2">{lang.tr("分组", "Group")}</th>
                            <th scope="col" rowspan="2">{lang.tr("项目", "Item")}</th>
                            <th scope="col" rowspan="2" class="num">{lang.tr("受理", "Received")}</th>
                            <th scope="col" rowspan="2" class="num">{lang.tr("结案", "Closed")}</th>
                            <th scope="colgroup" colspan="4">{lang.tr("结案用时（英国 FCA DISP 1.10）", "Closed within (FCA DISP 1.10)")}</th>
                            <th scope="colgroup" colspan="4">{lang.tr("结案用时（国家金融监管总局 15/30/60 日）", "Closed within (China 15/30/60 days)")}</th>
                            <th scope="col" rowspan="2" class="num">{lang.tr("成立比例", "Upheld")}</th>
                            <th scope="col" rowspan="2" class="num">{lang.tr("补偿金额（元）", "Redress (yuan)")}</th>
                        </tr>
                        <tr>
                            <th scope="col" class="num">{lang.tr("3个工作日内", "3 business days")}</th>
                            <th scope="col" class="num">{lang.tr("4周内", "4 weeks")}</th>
                            <th scope="col" class="num">{lang.tr("4–8周", "4–8 weeks")}</th>
                            <th scope="col" class="num">{lang.tr("超过8周", "over 8 weeks")}</th>
                            <th scope="col" class="num">{lang.tr("15日内", "15 days")}</th>
                            <th scope="col" class="num">{lang.tr("30日内", "30 days")}</th>
                            <th scope="col" class="num">{lang.tr("60日内", "60 days")}</th>
                            <th scope="col" class="num">{lang.tr("超过60日", "over 60 days")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|(group, item, c, by_receipt)| view! {
                            <tr data-testid="return-row">
                                <td>{group}</td>
                                <th scope="row">{item}</th>
                                <td class="num">{if by_receipt { c.received.to_string() } else { "—".to_string() }}</td>
                                <td class="num">{c.closed}</td>
                                {c.fca.iter().chain(c.china.iter()).map(|n| view! { <td class="num">{*n}</td> }).collect_view()}
                                <td class="num">{format!("{} ({})", percent(c.upheld_share()), c.upheld)}</td>
                                <td class="num">{domain::export::yuan(c.redress_total)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
            }
        })}
    }
}

#[component]
fn ReviewTab() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh: &'static str, en: &'static str| i18n.get().tr(zh, en);
    let query = use_query_map();
    // The half-year just ended beside the one before it, unless the address names a year.
    let year = RwSignal::new(query.with_untracked(|q| q.get("year")).and_then(|y| y.parse::<i32>().ok()).unwrap_or_else(|| today().year()));
    let halves = move |y: i32| {
        let d = |m, day| NaiveDate::from_ymd_opt(y, m, day).expect("a date");
        [(d(1, 1), d(6, 30)), (d(7, 1), d(12, 31))]
    };
    let (data, error, loading, fetch) = loader(move || {
        let [(f1, t1), (f2, t2)] = halves(year.get_untracked());
        async move {
            let first = api::dashboard(f1.to_string(), t1.to_string(), String::new()).await?;
            let second = api::dashboard(f2.to_string(), t2.to_string(), String::new()).await?;
            Ok::<(Dashboard, Dashboard), ApiError>((first, second))
        }
    });
    let navigate = use_navigate();
    let show = Callback::new(move |()| {
        navigate(&format!("/reports?tab=review&year={}", year.get_untracked()), leptos_router::NavigateOptions { replace: true, ..Default::default() });
        fetch.run(());
    });
    Effect::new(move |_| show.run(()));
    type Figure = (&'static str, &'static str, fn(&Tally, u8) -> String);
    const FIGURES: [Figure; 13] = [
        ("客户满意度（CSAT）", "Satisfaction (CSAT)", |t, _| format!("{} ({})", percent(t.csat()), t.csat_answers)),
        ("净推荐值（NPS）", "NPS", |t, _| t.nps().map_or("—".into(), |n| format!("{n:.0} ({})", t.nps_answers))),
        ("客户流失（人）", "Customers who left", |t, _| t.customers_left.to_string()),
        ("回访率", "Follow-up rate", |t, target| t.follow_up_rate(target).map_or("—".into(), |r| format!("{} ({}/{})", percent(Some(r.0)), t.follow_ups_done, t.follow_ups_due))),
        ("首次响应中位数（分钟）", "First response, median (min)", |t, _| t.first_response_percentile(50).map_or("—".into(), |m| m.to_string())),
        ("首次响应 P90（分钟）", "First response, P90 (min)", |t, _| t.first_response_percentile(90).map_or("—".into(), |m| m.to_string())),
        ("首次响应及时率", "First response on time", |t, _| clock(&t.first_response)),
        ("解决及时率", "Resolved on time", |t, _| clock(&t.resolution)),
        ("监管时限达成率", "Regulatory deadline met", |t, _| clock(&t.regulatory)),
        ("投诉环节及时率", "Complaint steps on time", |t, _| clock(&t.all_steps())),
        ("受理量", "Cases received", |t, _| t.received.values().sum::<u32>().to_string()),
        ("投诉受理", "Complaints received", |t, _| t.complaints_by_category.values().sum::<u32>().to_string()),
        ("投诉成立比例", "Complaints upheld", |t, _| {
            let share = (t.complaints_closed > 0).then(|| f64::from(t.upheld) / f64::from(t.complaints_closed));
            format!("{} ({}/{})", percent(share), t.upheld, t.complaints_closed)
        }),
    ];
    view! {
        <form class="filters no-print" on:submit=move |e| { e.prevent_default(); show.run(()); }>
            <label for="review-year">{move || tr("年度", "Year")}</label>
            <input id="review-year" type="number" min="2000" max="2099" data-testid="review-year"
                prop:value=move || year.get().to_string()
                on:change:target=move |ev| if let Ok(y) = ev.target().value().parse() { year.set(y) }/>
            <button type="submit" class="button primary" data-testid="review-show">{move || tr("查看", "Show")}</button>
        </form>
        {move || error.get().map(|e| view! { <ErrorPanel error=e retry=fetch/> })}
        <Show when=move || loading.get() && data.get().is_none()><Loading/></Show>
        {move || data.get().map(|(first, second)| {
            let lang = i18n.get();
            let target = first.follow_up_target_percent;
            view! {
                <div class="table-wrap"><table class="cases report-table" data-testid="half-year-review">
                    <caption>{format!("{} {}", first.from.year(), lang.tr("半年度回顾", "half-year review"))}</caption>
                    <thead><tr>
                        <th scope="col">{lang.tr("指标", "Figure")}</th>
                        <th scope="col" class="num">{format!("{} – {}", first.from, first.to)}</th>
                        <th scope="col" class="num">{format!("{} – {}", second.from, second.to)}</th>
                    </tr></thead>
                    <tbody>
                        {FIGURES.iter().map(|(zh, en, show)| view! {
                            <tr data-testid="review-row">
                                <th scope="row">{lang.tr(zh, en)}</th>
                                <td class="num">{show(&first.current, target)}</td>
                                <td class="num">{show(&second.current, target)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
            }
        })}
    }
}
