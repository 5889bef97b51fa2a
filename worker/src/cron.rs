//! Scheduled work, dispatched on the cron expression that fired. "Now" is the event's
//! scheduled time, so `/__scheduled?cron=...&time=...` runs a job as of any instant. Each job's
//! run is recorded in job_runs with what it did, or the step that failed.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use worker::{D1Database, Env};

use crate::db::jobs;
use crate::error::ApiError;
use crate::config::var;
use crate::jobs::{deliver, dispatch, planning, reminders, stats, sweep};

/// The crons `wrangler.toml` declares.
pub const EVERY_FIVE_MINUTES: &str = "*/5 * * * *";
pub const HOURLY: &str = "0 * * * *";

/// D1 queries one invocation may make (Cloudflare's limit is 1,000), less a margin for the
/// settings read and the job log. Delivery takes what the sweep and dispatch leave.
const QUERY_BUDGET: i64 = 900;

/// A breach escalates one level higher after this long, unless `ESCALATE_AFTER_MINUTES` says.
const ESCALATE_AFTER_MINUTES: i64 = 240;

pub async fn run(cron: &str, now: DateTime<Utc>, env: &Env) -> Result<(), ApiError> {
    let db = env.d1("DB")?;
    match cron {
        EVERY_FIVE_MINUTES => {
            let escalate_after = var(env, "ESCALATE_AFTER_MINUTES").and_then(|v| v.parse().ok()).unwrap_or(ESCALATE_AFTER_MINUTES);
            let swept = logged(&db, cron, "sla_sweep", now, sweep::run(&db, now, Duration::minutes(escalate_after))).await?;
            let provider = var(env, "NOTIFY_URL").map(|url| deliver::Provider { url, secret: var(env, "NOTIFY_SECRET").unwrap_or_default() });
            let calendar = crate::rules::load(&db).await?.calendar;
            let zone = calendar.zone();
            let institution = crate::config::institution(env).zh;
            let reminded = logged(&db, cron, "appointment_reminders", now, reminders::run(&db, now, &calendar, &institution)).await?;
            // Survey runs the hourly cron started continue every five minutes until done.
            let dispatched = survey_dispatch(&db, cron, now, zone, env).await?;
            let used = [&swept, &reminded, &dispatched].iter().map(|c| c.get("queries").copied().unwrap_or(0)).sum::<i64>();
            let left = QUERY_BUDGET - used - deliver::DIRECT_QUERIES;
            let batches = (left.max(0) / deliver::QUERIES_PER_BATCH).min(i64::from(deliver::BATCHES)) as u32;
            logged(&db, cron, "deliver", now, deliver::run(&db, now, zone, provider.as_ref(), batches)).await?;
        }
        HOURLY => {
            logged(&db, cron, "follow_up_planning", now, planning::run(&db, now)).await?;
            let calendar = crate::rules::load(&db).await?.calendar;
            survey_dispatch(&db, cron, now, calendar.zone(), env).await?;
            logged(&db, cron, "stats", now, stats::run(&db, now, &calendar)).await?;
        }
        other => worker::console_warn!("cron {other} is not one Kefu declares; ignored"),
    }
    Ok(())
}

async fn survey_dispatch(db: &D1Database, cron: &str, now: DateTime<Utc>, zone: Tz, env: &Env) -> Result<BTreeMap<String, i64>, ApiError> {
    let message = dispatch::Message { institution: crate::config::institution(env).zh, public_url: crate::config::public_url(env) };
    logged(db, cron, "survey_dispatch", now, dispatch::run(db, now, zone, &message)).await
}

/// Runs a job and records its run, whether it succeeded or not; returns what it counted
/// (nothing, if it failed).
async fn logged(
    db: &D1Database,
    cron: &str,
    job: &str,
    now: DateTime<Utc>,
    work: impl std::future::Future<Output = Result<BTreeMap<String, i64>, ApiError>>,
) -> Result<BTreeMap<String, i64>, ApiError> {
    let started = worker::Date::now().as_millis() as i64;
    let result = work.await;
    let finished = worker::Date::now().as_millis() as i64;
    let (counts, error) = match &result {
        Ok(c) => (serde_json::to_string(c).unwrap_or_else(|_| "{}".into()), None),
        Err(e) => {
            worker::console_error!("cron {cron} job {job} failed: {e}");
            ("{}".to_string(), Some(match e {
                ApiError::Internal(cause) => cause.clone(),
                other => other.to_string(),
            }))
        }
    };
    jobs::record(db, cron, job, now.timestamp_millis(), started, finished, &counts, error.as_deref()).await?;
    Ok(result.unwrap_or_default())
}
