//! Survey templates, schedules, runs, invitations, answers and their tallies.

use domain::api::{SurveyRunProgress, SurveySchedule, SurveyTemplate, SurveyTemplateInput};
use domain::questionnaire::Questionnaire;
use domain::survey::{Cadence, Schedule};
use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use crate::db::query;
use super::time;
use crate::error::ApiError;

/// Most templates and schedules a list shows; institutions keep tens of them.
pub const LIST_MAX: u32 = 200;

fn decode<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| ApiError::Internal(format!("unreadable JSON in {column}")))
}

pub fn encode<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Internal(format!("encode: {e}")))
}

#[derive(Deserialize)]
struct TemplateRow {
    id: String,
    name: String,
    questionnaire: String,
    active: i64,
    version: i64,
    updated_at: i64,
}

impl TemplateRow {
    fn into_template(self) -> Result<SurveyTemplate, ApiError> {
        let q: Questionnaire = decode("survey_templates.questionnaire", &self.questionnaire)?;
        Ok(SurveyTemplate {
            id: self.id,
            name: self.name,
            title: q.title,
            questions: q.questions,
            active: self.active != 0,
            version: self.version,
            updated_at: time(self.updated_at),
        })
    }
}

/// Templates by name (survey_templates_by_name).
pub async fn templates(db: &D1Database) -> Result<Vec<SurveyTemplate>, ApiError> {
    let rows: Vec<TemplateRow> = query!(db, "SELECT id, name, questionnaire, active, version, updated_at FROM survey_templates ORDER BY name LIMIT ?1", LIST_MAX)?
        .all()
        .await?
        .results()?;
    rows.into_iter().map(TemplateRow::into_template).collect()
}

pub async fn template(db: &D1Database, id: &str) -> Result<Option<SurveyTemplate>, ApiError> {
    let row: Option<TemplateRow> = query!(db, "SELECT id, name, questionnaire, active, version, updated_at FROM survey_templates WHERE id = ?1", id)?.first(None).await?;
    row.map(TemplateRow::into_template).transpose()
}

pub fn insert_template(db: &D1Database, id: &str, t: &SurveyTemplateInput, now: i64) -> Result<D1PreparedStatement, ApiError> {
    let questionnaire = encode(&t.questionnaire())?;
    Ok(query!(
        db,
        "INSERT INTO survey_templates (id, name, questionnaire, active, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
        id,
        t.name.trim(),
        &questionnaire,
        i64::from(t.active),
        now
    )?)
}

/// The update of a template, if it is still at `version`. Answers already given keep the
/// questions they answered: they are stored with the question ids.
pub fn update_template(db: &D1Database, id: &str, version: i64, t: &SurveyTemplateInput, now: i64) -> Result<D1PreparedStatement, ApiError> {
    let questionnaire = encode(&t.questionnaire())?;
    Ok(query!(
        db,
        "UPDATE survey_templates SET name = ?1, questionnaire = ?2, active = ?3, updated_at = ?4, version = version + 1 WHERE id = ?5 AND version = ?6",
        t.name.trim(),
        &questionnaire,
        i64::from(t.active),
        now,
        id,
        version
    )?)
}

#[derive(Deserialize)]
struct ScheduleRow {
    id: String,
    name: String,
    template_id: String,
    template_name: String,
    schedule: String,
    next_run_at: Option<i64>,
    version: i64,
    updated_at: i64,
    run_id: Option<String>,
    scheduled_for: Option<i64>,
    started_at: Option<i64>,
    finished_at: Option<i64>,
    invited: Option<i64>,
    delivered: Option<i64>,
    answered: Option<i64>,
}

const SCHEDULE_COLUMNS: &str = "s.id, s.name, s.template_id, t.name AS template_name, s.schedule, s.next_run_at, s.version, s.updated_at,
   r.id AS run_id, r.scheduled_for, r.started_at, r.finished_at, r.invited, r.delivered, r.answered
 FROM survey_schedules s JOIN survey_templates t ON t.id = s.template_id LEFT JOIN survey_runs r ON r.id = s.last_run_id";

impl ScheduleRow {
    fn into_schedule(self, zone: &str) -> Result<SurveySchedule, ApiError> {
        let s: Schedule = decode("survey_schedules.schedule", &self.schedule)?;
        let last_run = match (self.run_id, self.scheduled_for, self.started_at) {
            (Some(id), Some(scheduled_for), Some(started_at)) => Some(SurveyRunProgress {
                id,
                scheduled_for: time(scheduled_for),
                started_at: time(started_at),
                finished_at: self.finished_at.map(time),
                invited: self.invited.unwrap_or(0),
                delivered: self.delivered.unwrap_or(0),
                answered: self.answered.unwrap_or(0),
            }),
            _ => None,
        };
        Ok(SurveySchedule {
            id: self.id,
            name: self.name,
            template_id: self.template_id,
            template_name: self.template_name,
            cadence: s.cadence,
            audience: s.audience,
            channel: s.channel,
            quiet_hours: s.quiet_hours,
            link_days: s.link_days,
            active: s.active,
            next_run_at: self.next_run_at.map(time),
            zone: zone.to_string(),
            last_run,
            version: self.version,
            updated_at: time(self.updated_at),
        })
    }
}

/// Schedules in the order they were made (survey_schedules_by_created), each with its last run.
pub async fn schedules(db: &D1Database, zone: &str) -> Result<Vec<SurveySchedule>, ApiError> {
    let sql = format!("SELECT {SCHEDULE_COLUMNS} ORDER BY s.created_at LIMIT ?1");
    let rows: Vec<ScheduleRow> = query!(db, &sql, LIST_MAX)?.all().await?.results()?;
    rows.into_iter().map(|r| r.into_schedule(zone)).collect()
}

pub async fn schedule(db: &D1Database, id: &str, zone: &str) -> Result<Option<SurveySchedule>, ApiError> {
    let sql = format!("SELECT {SCHEDULE_COLUMNS} WHERE s.id = ?1");
    let row: Option<ScheduleRow> = query!(db, &sql, id)?.first(None).await?;
    row.map(|r| r.into_schedule(zone)).transpose()
}

/// `clock` for schedules that run at instants, `after_complaint` for the per-complaint survey.
pub fn trigger(schedule: &Schedule) -> &'static str {
    match schedule.cadence {
        Cadence::AfterComplaint { .. } => "after_complaint",
        _ => "clock",
    }
}

pub struct ScheduleWrite<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub template_id: &'a str,
    pub schedule: &'a Schedule,
    pub next_run_at: Option<i64>,
    pub now: i64,
}

pub fn insert_schedule(db: &D1Database, s: &ScheduleWrite) -> Result<D1PreparedStatement, ApiError> {
    let schedule = encode(s.schedule)?;
    Ok(query!(
        db,
        "INSERT INTO survey_schedules (id, name, template_id, schedule, trigger, active, next_run_at, created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, 1)",
        s.id,
        s.name.trim(),
        s.template_id,
        &schedule,
        trigger(s.schedule),
        i64::from(s.schedule.active),
        s.next_run_at,
        s.now
    )?)
}

pub fn update_schedule(db: &D1Database, s: &ScheduleWrite, version: i64) -> Result<D1PreparedStatement, ApiError> {
    let schedule = encode(s.schedule)?;
    Ok(query!(
        db,
        "UPDATE survey_schedules SET name = ?2, template_id = ?3, schedule = ?4, trigger = ?5, active = ?6, next_run_at = ?7, updated_at = ?8,
           version = version + 1
         WHERE id = ?1 AND version = ?9",
        s.id,
        s.name.trim(),
        s.template_id,
        &schedule,
        trigger(s.schedule),
        i64::from(s.schedule.active),
        s.next_run_at,
        s.now,
        version
    )?)
}

/// The stored schedule definition, its name and template, for a patch.
pub async fn definition(db: &D1Database, id: &str) -> Result<Option<(String, String, Schedule)>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        name: String,
        template_id: String,
        schedule: String,
    }
    let row: Option<Row> = query!(db, "SELECT name, template_id, schedule FROM survey_schedules WHERE id = ?1", id)?.first(None).await?;
    row.map(|r| Ok((r.name, r.template_id, decode("survey_schedules.schedule", &r.schedule)?))).transpose()
}

/// A customer's latest survey answers, newest first (survey_answers_by_customer).
pub async fn for_customer(db: &D1Database, customer_id: &str, limit: u32) -> Result<Vec<domain::api::CustomerSurvey>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        schedule_id: String,
        schedule_name: String,
        csat: Option<u8>,
        nps: Option<u8>,
        comment: Option<String>,
        low: i64,
        created_at: i64,
        case_id: Option<String>,
        recovery_case_id: Option<String>,
    }
    let rows: Vec<Row> = query!(
        db,
        "SELECT a.schedule_id, s.name AS schedule_name, a.csat, a.nps, a.comment, a.low, a.created_at, a.case_id, a.recovery_case_id
         FROM survey_answers a JOIN survey_schedules s ON s.id = a.schedule_id
         WHERE a.customer_id = ?1 ORDER BY a.created_at DESC LIMIT ?2",
        customer_id,
        limit
    )?
    .all()
    .await?
    .results()?;
    Ok(rows
        .into_iter()
        .map(|r| domain::api::CustomerSurvey {
            schedule_id: r.schedule_id,
            schedule_name: r.schedule_name,
            csat: r.csat,
            nps: r.nps,
            comment: r.comment,
            low: r.low != 0,
            answered_at: time(r.created_at),
            case_id: r.case_id,
            recovery_case_id: r.recovery_case_id,
        })
        .collect())
}
