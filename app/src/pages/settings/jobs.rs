//! Scheduled work (admin): the latest cron runs with what each did, and the e-mails that could
//! not be delivered (dead letters), each with a retry.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::feedback::{ErrorPanel, Loading};
use crate::components::time::full;
use crate::i18n::use_i18n;

fn job_label(lang: crate::i18n::Lang, job: &str) -> &'static str {
    match job {
        "sla_sweep" => lang.tr("时限巡检", "SLA sweep"),
        "deliver" => lang.tr("消息投递", "Message delivery"),
        "follow_up_planning" => lang.tr("回访计划", "Follow-up planning"),
        _ => lang.tr("其他任务", "Other job"),
    }
}

/// What a job's counts mean, in the user's language.
fn count_label(lang: crate::i18n::Lang, key: &str) -> String {
    let label = match key {
        "examined" => lang.tr("检查案件", "cases examined"),
        "alerts" => lang.tr("提醒", "alerts"),
        "messages" => lang.tr("消息", "messages"),
        "rounds" => lang.tr("轮次", "rounds"),
        "queries" => lang.tr("数据库语句", "D1 queries"),
        "d1_ms" => lang.tr("数据库耗时 (毫秒)", "D1 time (ms)"),
        "rows_read" => lang.tr("读取行数", "rows read"),
        "rows_written" => lang.tr("写入行数", "rows written"),
        "due" => lang.tr("待发送", "due"),
        "sent" => lang.tr("已发送", "sent"),
        "retry" => lang.tr("待重试", "to retry"),
        "dead" => lang.tr("放弃", "dead-lettered"),
        "skipped" => lang.tr("他处处理", "taken by another run"),
        "provider_configured" => lang.tr("已配置服务商", "provider configured"),
        "customers" => lang.tr("检查客户", "customers looked at"),
        "created" => lang.tr("新建回访", "follow-ups created"),
        "already_there" => lang.tr("已存在", "already there"),
        other => return other.to_string(),
    };
    label.to_string()
}

#[component]
pub fn JobsSection() -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |zh, en| i18n.get().tr(zh, en);
    let runs = LocalResource::new(api::job_runs);
    let dead = LocalResource::new(|| api::outbox("dead"));
    let error = RwSignal::new(None::<ApiError>);
    let retry = move |id: String| {
        spawn_local(async move {
            match api::retry_message(id).await {
                Ok(()) => dead.refetch(),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    view! {
        <section class="card" data-testid="jobs-section" aria-labelledby="jobs-title">
            <h2 id="jobs-title">{move || tr("定时任务", "Scheduled jobs")}</h2>
            <p class="hint">{move || tr(
                "每 5 分钟：时限巡检与消息投递；每小时：回访计划。每次运行都记录在此，失败会写明出错的步骤。",
                "Every 5 minutes: the SLA sweep and message delivery; hourly: follow-up planning. Every run is listed here; a failed one names the step that failed.")}</p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match runs.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">{move || tr("还没有运行记录。", "No runs yet.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table class="cases" data-testid="job-runs">
                                    <thead><tr>
                                        <th scope="col">{move || tr("计划时间", "Scheduled for")}</th>
                                        <th scope="col">{move || tr("任务", "Job")}</th>
                                        <th scope="col">{move || tr("耗时", "Took")}</th>
                                        <th scope="col">{move || tr("结果", "Did")}</th>
                                        <th scope="col">{move || tr("错误", "Error")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|run| {
                                            let job = run.job.clone();
                                            let counts = run.counts.clone();
                                            view! {
                                                <tr data-testid="job-run">
                                                    <td>{full(run.scheduled_at)}</td>
                                                    <td>{move || job_label(i18n.get(), &job)}</td>
                                                    <td>{format!("{} ms", run.duration_ms)}</td>
                                                    <td>{move || counts.iter().map(|(k, v)| format!("{} {v}", count_label(i18n.get(), k))).collect::<Vec<_>>().join(" · ")}</td>
                                                    <td class=if run.error.is_some() { "warn" } else { "" }>{run.error.clone().unwrap_or_else(|| "—".into())}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| runs.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
            <h3>{move || tr("投递失败的消息", "Messages that could not be delivered")}</h3>
            <Transition fallback=|| view! { <Loading/> }>
                {move || Suspend::new(async move {
                    match dead.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="dead-empty">{move || tr("没有投递失败的消息。", "Every message was delivered or is still being tried.")}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="bell-list" data-testid="dead-letters">
                                {list.into_iter().map(|m| {
                                    let id = m.id.clone();
                                    view! {
                                        <li data-testid="dead-letter">
                                            <span><strong>{m.recipient_name.clone().unwrap_or_default()}</strong>" · "{m.subject.clone()}</span>
                                            <span class="muted">{format!("{} · {} × · {}", full(m.created_at), m.attempts, m.last_error.clone().unwrap_or_default())}</span>
                                            <button type="button" class="button small" data-testid="retry" on:click=move |_| retry(id.clone())>
                                                {move || tr("重新发送", "Retry")}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e retry=Callback::new(move |_| dead.refetch())/> }.into_any(),
                    }
                })}
            </Transition>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(i18n.get())}</p> })}
        </section>
    }
}
