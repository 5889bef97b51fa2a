//! The log of cron runs.

use domain::api::JobRun;
use serde::Deserialize;
use worker::D1Database;

use crate::db::query;
use super::time;
use crate::error::ApiError;

/// Records one job's run. The counts are the job's own JSON; the error names the failing step.
pub async fn record(db: &D1Database, cron: &str, job: &str, scheduled_at: i64, started_at: i64, finished_at: i64, counts: &str, error: Option<&str>) -> Result<(), ApiError> {
    query!(
        db,
        "INSERT INTO job_runs (cron, job, scheduled_at, started_at, finished_at, counts, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        cron,
        job,
        scheduled_at,
        started_at,
        finished_at,
        counts,
        error
    )?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct Row {
    id: i64,
    cron: String,
    job: String,
    scheduled_at: i64,
    started_at: i64,
    finished_at: i64,
    counts: String,
    error: Option<String>,
}

/// The latest runs, newest first (job_runs_by_start).
pub async fn latest(db: &D1Database, limit: u32) -> Result<Vec<JobRun>, ApiError> {
    let rows: Vec<Row> = query!(
        db,
        "SELECT id, cron, job, scheduled_at, started_at, finished_at, counts, error FROM job_runs ORDER BY started_at DESC, id DESC LIMIT ?1",
        limit
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| JobRun {
            id: r.id,
            cron: r.cron,
            job: r.job,
            scheduled_at: time(r.scheduled_at),
            duration_ms: r.finished_at - r.started_at,
            counts: serde_json::from_str(&r.counts).unwrap_or_default(),
            error: r.error,
        })
        .collect())
}
