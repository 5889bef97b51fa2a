//! Satisfaction surveys: admins write templates and schedules and read results; customers open
//! and answer a survey by the link they were sent, with no account.

use domain::api::{
    FieldError, Page, PeriodResult, PublicSurvey, QuestionResult, SurveyReceipt, SurveyResults, SurveyResponse, SurveySchedulePatch,
    SurveyScheduleInput, SurveySubmission, SurveyTemplateInput,
};
use domain::questionnaire::{self, Questionnaire, QuestionKind};
use domain::survey::{Cadence, Schedule};
use serde::Deserialize;
use worker::Response;

use crate::db::query;
use crate::ctx::{json, Ctx};
use crate::db::events::Guard;
use crate::db::surveys::{self, ScheduleWrite};
use crate::db::{audit, first_changed, time};
use crate::error::ApiError;
use crate::ids::{new_id, token_hash};

/// The institution's zone, in which schedules' times are meant.
async fn zone(ctx: &Ctx) -> Result<chrono_tz::Tz, ApiError> {
    Ok(crate::rules::load(&ctx.db).await?.calendar.zone())
}

pub async fn list_templates(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &Page { items: surveys::templates(&ctx.db).await?, next_cursor: None })
}

pub async fn get_template(ctx: Ctx) -> Result<Response, ApiError> {
    json(200, &surveys::template(&ctx.db, ctx.param(0)).await?.ok_or(ApiError::NotFound)?)
}

pub async fn create_template(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: SurveyTemplateInput = ctx.body().await?;
    if body.version.is_some() {
        return Err(FieldError::invalid("version", "a new template has no version yet").into());
    }
    let user = ctx.user()?;
    let id = new_id()?;
    let now = ctx.now_ms();
    ctx.db
        .batch(vec![
            surveys::insert_template(&ctx.db, &id, &body, now)?,
            audit::record(&ctx.db, now, Some(&user.id), "survey_template_created", "survey_template", Some(&id), Guard::None)?,
        ])
        .await?;
    json(201, &surveys::template(&ctx.db, &id).await?.ok_or(ApiError::Internal("template vanished after insert".into()))?)
}

pub async fn update_template(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: SurveyTemplateInput = ctx.body().await?;
    let version = body.version.ok_or_else(|| FieldError::missing("version"))?;
    let id = ctx.param(0).to_string();
    surveys::template(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    let user = ctx.user()?;
    let now = ctx.now_ms();
    let results = ctx
        .db
        .batch(vec![
            surveys::update_template(&ctx.db, &id, version, &body, now)?,
            audit::record(&ctx.db, now, Some(&user.id), "survey_template_updated", "survey_template", Some(&id), Guard::PreviousChanged)?,
        ])
        .await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &surveys::template(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?)
}

pub async fn list_schedules(ctx: Ctx) -> Result<Response, ApiError> {
    let zone = zone(&ctx).await?;
    json(200, &Page { items: surveys::schedules(&ctx.db, zone.name()).await?, next_cursor: None })
}

pub async fn get_schedule(ctx: Ctx) -> Result<Response, ApiError> {
    let zone = zone(&ctx).await?;
    json(200, &surveys::schedule(&ctx.db, ctx.param(0), zone.name()).await?.ok_or(ApiError::NotFound)?)
}

/// A schedule's template must exist; the first run is the cadence's next instant from now.
async fn checked_write<'a>(ctx: &Ctx, zone: chrono_tz::Tz, id: &'a str, name: &'a str, template_id: &'a str, schedule: &'a Schedule) -> Result<ScheduleWrite<'a>, ApiError> {
    if surveys::template(&ctx.db, template_id).await?.is_none() {
        return Err(FieldError::invalid("template_id", "no such survey template").into());
    }
    let products = &schedule.audience.products;
    if !products.is_empty() {
        #[derive(Deserialize)]
        struct Known {
            n: usize,
        }
        let codes = surveys::encode(products)?;
        // products' primary key, once per code named.
        let known: Option<Known> =
            query!(&ctx.db, "SELECT count(*) AS n FROM products WHERE code IN (SELECT value FROM json_each(?1))", &codes)?.first(None).await?;
        let mut distinct = products.clone();
        distinct.sort();
        distinct.dedup();
        if known.map_or(0, |k| k.n) != distinct.len() {
            return Err(FieldError::invalid("audience.products", "a product code is not one the institution offers").into());
        }
    }
    let next_run_at = schedule.next_run(zone, ctx.now).map(|t| t.timestamp_millis());
    Ok(ScheduleWrite { id, name, template_id, schedule, next_run_at, now: ctx.now_ms() })
}

pub async fn create_schedule(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: SurveyScheduleInput = ctx.body().await?;
    let id = new_id()?;
    let schedule = body.schedule();
    if matches!(schedule.cadence, Cadence::Once { at } if at <= ctx.now) {
        return Err(FieldError::invalid("cadence", "a one-off survey is sent at a time still to come").into());
    }
    let zone = zone(&ctx).await?;
    let write = checked_write(&ctx, zone, &id, &body.name, &body.template_id, &schedule).await?;
    let user = ctx.user()?;
    ctx.db
        .batch(vec![
            surveys::insert_schedule(&ctx.db, &write)?,
            audit::record(&ctx.db, write.now, Some(&user.id), "survey_schedule_created", "survey_schedule", Some(&id), Guard::None)?,
        ])
        .await?;
    json(201, &surveys::schedule(&ctx.db, &id, zone.name()).await?.ok_or(ApiError::Internal("schedule vanished after insert".into()))?)
}

pub async fn update_schedule(mut ctx: Ctx) -> Result<Response, ApiError> {
    let patch: SurveySchedulePatch = ctx.body().await?;
    let id = ctx.param(0).to_string();
    let (name, template_id, schedule) = surveys::definition(&ctx.db, &id).await?.ok_or(ApiError::NotFound)?;
    let (name, template_id, schedule) = patch.apply(&name, &template_id, &schedule)?;
    let zone = zone(&ctx).await?;
    let write = checked_write(&ctx, zone, &id, &name, &template_id, &schedule).await?;
    let user = ctx.user()?;
    let results = ctx
        .db
        .batch(vec![
            surveys::update_schedule(&ctx.db, &write, patch.version)?,
            audit::record(&ctx.db, write.now, Some(&user.id), "survey_schedule_updated", "survey_schedule", Some(&id), Guard::PreviousChanged)?,
        ])
        .await?;
    if !first_changed(&results) {
        return Err(ApiError::VersionConflict);
    }
    json(200, &surveys::schedule(&ctx.db, &id, zone.name()).await?.ok_or(ApiError::NotFound)?)
}

/// An invitation found by its link's token, with what the survey page needs.
#[derive(Deserialize)]
struct Invitation {
    id: String,
    run_id: Option<String>,
    schedule_id: String,
    customer_id: String,
    case_id: Option<String>,
    expires_at: i64,
    answered_at: Option<i64>,
    questionnaire: String,
    name: String,
    language: String,
}

/// The invitation behind a token: 404 for a token of the wrong shape or one nobody was sent (the
/// same answer, so a guess learns nothing), 410 when answered or expired.
async fn invitation(ctx: &Ctx) -> Result<(Invitation, Questionnaire), ApiError> {
    let token = ctx.param(0);
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return Err(ApiError::NotFound);
    }
    // survey_invitations.token_hash is unique: one row or none.
    let found: Option<Invitation> = query!(
        &ctx.db,
        "SELECT i.id, i.run_id, i.schedule_id, i.customer_id, i.case_id, i.expires_at, i.answered_at, t.questionnaire, c.name, c.language
         FROM survey_invitations i JOIN survey_templates t ON t.id = i.template_id JOIN customers c ON c.id = i.customer_id
         WHERE i.token_hash = ?1",
        token_hash(token)
    )?
    .first(None)
    .await?;
    let found = found.ok_or(ApiError::NotFound)?;
    if found.answered_at.is_some() || found.expires_at <= ctx.now_ms() {
        return Err(ApiError::Gone);
    }
    let q = serde_json::from_str(&found.questionnaire).map_err(|_| ApiError::Internal("unreadable survey template".into()))?;
    Ok((found, q))
}

/// `GET /api/public/surveys/{token}`: the survey to fill. Opening it records nothing (mail
/// scanners open links too); only a submit does.
pub async fn open(ctx: Ctx) -> Result<Response, ApiError> {
    let (found, q) = invitation(&ctx).await?;
    let survey = PublicSurvey {
        institution: crate::config::institution(&ctx.env),
        first_name: questionnaire::first_name(&found.name),
        lang: if found.language == "en" { "en".into() } else { "zh".into() },
        title: q.title,
        questions: q.questions,
        expires_at: time(found.expires_at),
    };
    json(200, &survey)
}

/// The tally rows one answer adds to: (question, value) for every score and chosen option.
fn tallies(answers: &[questionnaire::Answer]) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for a in answers {
        if let Some(score) = a.score {
            out.push((a.question.clone(), i64::from(score)));
        }
        out.extend(a.choices.iter().map(|c| (a.question.clone(), i64::from(*c))));
    }
    out
}

/// `POST /api/public/surveys/{token}`: records the answers once. The invitation is marked
/// answered, the answer stored, the run's count and tallies moved, and a complaint's timeline
/// told, in one batch; a low score then opens a follow-up for the customer (service recovery).
pub async fn answer(mut ctx: Ctx) -> Result<Response, ApiError> {
    let body: SurveySubmission = ctx.body().await?;
    let (found, q) = invitation(&ctx).await?;
    let scores = questionnaire::check(&q, &body.answers)?;
    let now = ctx.now_ms();
    let answer_id = new_id()?;
    let db = &ctx.db;
    let tally_json = serde_json::to_string(&tallies(&body.answers).iter().map(|(q, v)| serde_json::json!({"q": q, "v": v})).collect::<Vec<_>>())
        .map_err(|e| ApiError::Internal(format!("encode tallies: {e}")))?;
    let answers_json = surveys::encode(&body.answers)?;
    let mut batch = vec![
        query!(db, "UPDATE survey_invitations SET answered_at = ?2 WHERE id = ?1 AND answered_at IS NULL AND expires_at > ?2", &found.id, now)?,
        query!(
            db,
            "INSERT INTO survey_answers (id, invitation_id, run_id, schedule_id, customer_id, case_id, answers, csat, nps, comment, low, created_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 WHERE changes() = 1",
            &answer_id,
            &found.id,
            found.run_id.as_deref(),
            &found.schedule_id,
            &found.customer_id,
            found.case_id.as_deref(),
            &answers_json,
            scores.csat,
            scores.nps,
            scores.comment.as_deref().filter(|c| !c.is_empty()),
            i64::from(scores.low()),
            now
        )?,
        query!(db, "UPDATE survey_runs SET answered = answered + 1 WHERE id = ?1 AND EXISTS (SELECT 1 FROM survey_answers WHERE id = ?2)", found.run_id.as_deref(), &answer_id)?,
        query!(
            db,
            "INSERT INTO survey_tallies (run_id, question, value, n)
             SELECT ?1, t.value ->> 'q', t.value ->> 'v', 1 FROM json_each(?2) AS t
             WHERE ?1 IS NOT NULL AND EXISTS (SELECT 1 FROM survey_answers WHERE id = ?3)
             ON CONFLICT (run_id, question, value) DO UPDATE SET n = n + 1",
            found.run_id.as_deref(),
            &tally_json,
            &answer_id
        )?,
    ];
    if let Some(case_id) = &found.case_id {
        // The answer is attached to the complaint it is about, as an entry on its timeline.
        let text = match (scores.csat, &scores.comment) {
            (Some(s), Some(c)) if !c.is_empty() => format!("{s}/5 · {c}"),
            (Some(s), _) => format!("{s}/5"),
            (None, Some(c)) => c.clone(),
            (None, None) => String::new(),
        };
        batch.push(query!(
            db,
            "INSERT INTO case_events (id, case_id, type, body, author_id, created_at) SELECT ?1, ?2, 'survey_answered', ?3, NULL, ?4
             WHERE EXISTS (SELECT 1 FROM survey_answers WHERE id = ?5)",
            format!("survey:{}", found.id),
            case_id,
            text,
            now,
            &answer_id
        )?);
    }
    let results = db.batch(batch).await?;
    if !first_changed(&results) {
        // Answered a moment ago by another submit, or expired in between.
        return Err(ApiError::Gone);
    }
    if scores.low() {
        recover(&ctx, &found, &answer_id, scores.csat, scores.nps).await?;
    }
    json(201, &SurveyReceipt { recorded: true })
}

/// Opens a follow-up for a customer who gave a low score, once per answer, routed like any
/// other, and links it to the answer.
async fn recover(ctx: &Ctx, found: &Invitation, answer_id: &str, csat: Option<u8>, nps: Option<u8>) -> Result<(), ApiError> {
    let customer = crate::db::customers::get(&ctx.db, &found.customer_id).await?.ok_or(ApiError::Internal("surveyed customer is gone".into()))?;
    let score = [csat.map(|s| format!("CSAT {s}/5")), nps.map(|s| format!("NPS {s}/10"))].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let case = domain::api::NewCase {
        kind: domain::CaseKind::FollowUp,
        channel: domain::Channel::Phone,
        customer_id: customer.id.clone(),
        subject: "满意度低分回访 / Low survey score follow-up".into(),
        description: format!("客户在满意度调查中给出低分（{score}），请致电了解原因并改进。/ The customer gave a low score ({score}); call to hear why and put it right."),
        category: Some("other".into()),
        complexity: None,
        assignee: None,
        follow_up_id: None,
    };
    let key = format!("recovery:{}", found.id);
    let how = super::cases::Registration { segment: customer.segment, by: None, keep: None, follow_up_key: Some(&key) };
    let rules = crate::rules::load(&ctx.db).await?;
    super::cases::register(&ctx.db, ctx.now, &case, how, &rules).await?;
    query!(
        &ctx.db,
        "UPDATE survey_answers SET recovery_case_id = (SELECT id FROM cases WHERE follow_up_key = ?2) WHERE id = ?1",
        answer_id,
        &key
    )?
    .run()
    .await?;
    Ok(())
}

#[derive(Deserialize)]
struct RunRow {
    id: String,
    scheduled_for: i64,
    invited: i64,
    answered: i64,
    template_id: String,
}

#[derive(Deserialize)]
struct TallyRow {
    question: String,
    value: i64,
    n: i64,
}

#[derive(Deserialize)]
struct ResponseRow {
    customer_id: String,
    name: String,
    csat: Option<u8>,
    nps: Option<u8>,
    comment: Option<String>,
    created_at: i64,
    recovery_case_id: Option<String>,
}

/// `GET /api/survey-schedules/{id}/results`: the last eight runs, newest first, each with its
/// response rate, CSAT, NPS, per-question counts (from survey_tallies, a few rows a question) and
/// the latest answers with a low score or a comment (survey_answers_notable).
pub async fn results(ctx: Ctx) -> Result<Response, ApiError> {
    let id = ctx.param(0).to_string();
    let zone = zone(&ctx).await?;
    let schedule = surveys::schedule(&ctx.db, &id, zone.name()).await?.ok_or(ApiError::NotFound)?;
    // survey_runs_by_schedule
    let runs: Vec<RunRow> = query!(
        &ctx.db,
        "SELECT id, scheduled_for, invited, answered, template_id FROM survey_runs WHERE schedule_id = ?1 ORDER BY scheduled_for DESC LIMIT 8",
        &id
    )?
    .all()
    .await?
    .results()?;
    let mut periods = Vec::new();
    for run in runs {
        let template = surveys::template(&ctx.db, &run.template_id).await?;
        let batch = ctx
            .db
            .batch(vec![
                // The tallies' primary key (run_id, question, value).
                query!(&ctx.db, "SELECT question, value, n FROM survey_tallies WHERE run_id = ?1", &run.id)?,
                query!(
                    &ctx.db,
                    "SELECT a.customer_id, c.name, a.csat, a.nps, a.comment, a.created_at, a.recovery_case_id
                     FROM survey_answers a JOIN customers c ON c.id = a.customer_id
                     WHERE a.run_id = ?1 AND (a.low = 1 OR a.comment IS NOT NULL) ORDER BY a.created_at DESC LIMIT 50",
                    &run.id
                )?,
            ])
            .await?;
        let tallies: Vec<TallyRow> = batch.first().map(|r| r.results()).transpose()?.unwrap_or_default();
        let responses: Vec<ResponseRow> = batch.get(1).map(|r| r.results()).transpose()?.unwrap_or_default();
        let questions: Vec<QuestionResult> = template
            .map(|t| t.questions)
            .unwrap_or_default()
            .into_iter()
            .map(|q| {
                let slots = match q.kind {
                    QuestionKind::Csat => 6,
                    QuestionKind::Nps => 11,
                    QuestionKind::FreeText => 0,
                    _ => q.options.len(),
                };
                let mut counts = vec![0u32; slots];
                for t in tallies.iter().filter(|t| t.question == q.id) {
                    if let Some(slot) = usize::try_from(t.value).ok().and_then(|v| counts.get_mut(v)) {
                        *slot += t.n as u32;
                    }
                }
                let answered = match q.kind {
                    QuestionKind::Csat | QuestionKind::Nps | QuestionKind::SingleChoice => counts.iter().sum(),
                    _ => 0,
                };
                QuestionResult { id: q.id, kind: q.kind, text: q.text, options: q.options, answered, counts }
            })
            .collect();
        let scores = |kind: QuestionKind| -> Vec<u8> {
            questions
                .iter()
                .find(|q| q.kind == kind)
                .map(|q| q.counts.iter().enumerate().flat_map(|(score, n)| std::iter::repeat_n(score as u8, *n as usize)).collect())
                .unwrap_or_default()
        };
        periods.push(PeriodResult {
            period: schedule.cadence.period(time(run.scheduled_for), zone),
            run_id: run.id,
            scheduled_for: time(run.scheduled_for),
            invited: run.invited,
            answered: run.answered,
            response_rate: (run.invited > 0).then(|| run.answered as f64 / run.invited as f64),
            csat: domain::metrics::csat(&scores(QuestionKind::Csat)),
            nps: domain::metrics::nps(&scores(QuestionKind::Nps)),
            questions,
            responses: responses
                .into_iter()
                .map(|r| SurveyResponse {
                    customer_id: r.customer_id,
                    customer_name: r.name,
                    csat: r.csat,
                    nps: r.nps,
                    comment: r.comment,
                    answered_at: time(r.created_at),
                    recovery_case_id: r.recovery_case_id,
                })
                .collect(),
        });
    }
    json(200, &SurveyResults { schedule_id: id, name: schedule.name, periods })
}
