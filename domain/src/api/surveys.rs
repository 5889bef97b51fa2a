//! Survey templates, schedules, the public survey page and results, as the app and the worker
//! exchange them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::{check_text, yes, FieldError, Validate, NAME_MAX};
use crate::questionnaire::{Answer, Question, QuestionKind, Questionnaire, Text, QUESTIONS_MAX};
use crate::survey::{Audience, Cadence, QuietHours, Schedule, SurveyChannel};

/// A survey template as admins list and edit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyTemplate {
    pub id: String,
    pub name: String,
    pub title: Text,
    pub questions: Vec<Question>,
    pub active: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/survey-templates` (no version) and `PUT /api/survey-templates/{id}` (with the
/// version last read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyTemplateInput {
    pub name: String,
    pub title: Text,
    pub questions: Vec<Question>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub version: Option<i64>,
}

impl SurveyTemplateInput {
    pub fn questionnaire(&self) -> Questionnaire {
        Questionnaire { title: self.title.clone(), questions: self.questions.clone() }
    }
}

impl Validate for SurveyTemplateInput {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("name", &self.name, NAME_MAX)?;
        self.questionnaire().validate()
    }
}

/// How far a schedule's run has got: invitations written, messages delivered, answers in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyRunProgress {
    pub id: String,
    pub scheduled_for: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    /// `None` while invitations are still being written.
    pub finished_at: Option<DateTime<Utc>>,
    pub invited: i64,
    pub delivered: i64,
    pub answered: i64,
}

/// A survey schedule as admins list it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveySchedule {
    pub id: String,
    pub name: String,
    pub template_id: String,
    pub template_name: String,
    pub cadence: Cadence,
    pub audience: Audience,
    pub channel: SurveyChannel,
    pub quiet_hours: Option<QuietHours>,
    pub link_days: i64,
    pub active: bool,
    /// The next run, `None` when paused, a one-off that has run, or after complaints.
    pub next_run_at: Option<DateTime<Utc>>,
    /// The institution's zone, in which the cadence's times are meant (`Asia/Shanghai`).
    pub zone: String,
    pub last_run: Option<SurveyRunProgress>,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/survey-schedules`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyScheduleInput {
    pub name: String,
    pub template_id: String,
    pub cadence: Cadence,
    #[serde(default)]
    pub audience: Audience,
    pub channel: SurveyChannel,
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
    pub link_days: i64,
    #[serde(default = "yes")]
    pub active: bool,
}

impl SurveyScheduleInput {
    pub fn schedule(&self) -> Schedule {
        Schedule {
            cadence: self.cadence,
            audience: self.audience.clone(),
            channel: self.channel,
            quiet_hours: self.quiet_hours,
            link_days: self.link_days,
            active: self.active,
        }
    }
}

fn check_schedule(name: &str, template_id: &str, schedule: &Schedule) -> Result<(), FieldError> {
    check_text("name", name, NAME_MAX)?;
    check_text("template_id", template_id, 64)?;
    schedule.validate().map_err(|e| FieldError::invalid(e.field, e.message))
}

impl Validate for SurveyScheduleInput {
    fn validate(&self) -> Result<(), FieldError> {
        check_schedule(&self.name, &self.template_id, &self.schedule())
    }
}

/// A field that may be absent (leave it), `null` (clear it) or a value.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// `PATCH /api/survey-schedules/{id}`: the fields to change, with the version last read.
/// `"quiet_hours": null` removes the quiet hours.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveySchedulePatch {
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<Cadence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<SurveyChannel>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<Option<QuietHours>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

impl SurveySchedulePatch {
    /// The schedule as it is after the patch; checked as a whole, since a change to one field
    /// can make another wrong.
    pub fn apply(&self, name: &str, template_id: &str, schedule: &Schedule) -> Result<(String, String, Schedule), FieldError> {
        let name = self.name.clone().unwrap_or_else(|| name.to_string());
        let template_id = self.template_id.clone().unwrap_or_else(|| template_id.to_string());
        let schedule = Schedule {
            cadence: self.cadence.unwrap_or(schedule.cadence),
            audience: self.audience.clone().unwrap_or_else(|| schedule.audience.clone()),
            channel: self.channel.unwrap_or(schedule.channel),
            quiet_hours: self.quiet_hours.unwrap_or(schedule.quiet_hours),
            link_days: self.link_days.unwrap_or(schedule.link_days),
            active: self.active.unwrap_or(schedule.active),
        };
        check_schedule(&name, &template_id, &schedule)?;
        Ok((name, template_id, schedule))
    }
}

/// The patch's fields are checked with the schedule they change, in [`SurveySchedulePatch::apply`].
impl Validate for SurveySchedulePatch {
    fn validate(&self) -> Result<(), FieldError> {
        Ok(())
    }
}

/// `GET /api/public/surveys/{token}`: what the customer sees, and nothing more about them than
/// the name they are greeted by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicSurvey {
    pub institution: Text,
    pub first_name: String,
    /// The customer's language, `zh` or `en`; the page starts in it.
    pub lang: String,
    pub title: Text,
    pub questions: Vec<Question>,
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/public/surveys/{token}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveySubmission {
    pub answers: Vec<Answer>,
}

impl Validate for SurveySubmission {
    fn validate(&self) -> Result<(), FieldError> {
        if self.answers.len() > QUESTIONS_MAX {
            return Err(FieldError::invalid("answers", format!("at most {QUESTIONS_MAX} answers")));
        }
        Ok(())
    }
}

/// The answer to a submission: recorded, and thanks in the customer's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyReceipt {
    pub recorded: bool,
}

/// How one question was answered in a period: `counts[k]` is how many gave score `k` (CSAT and
/// NPS: index = score) or chose option `k`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub id: String,
    pub kind: QuestionKind,
    pub text: Text,
    pub options: Vec<Text>,
    pub answered: u32,
    pub counts: Vec<u32>,
}

/// One answered survey, for the drill-down to the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyResponse {
    pub customer_id: String,
    pub customer_name: String,
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub comment: Option<String>,
    pub answered_at: DateTime<Utc>,
    /// The follow-up opened for a low score (service recovery).
    pub recovery_case_id: Option<String>,
}

/// One run of a schedule (a period, for recurring ones) and what its answers say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodResult {
    pub run_id: String,
    /// `2027 Q1`, `2027-01` or the run's date.
    pub period: String,
    pub scheduled_for: DateTime<Utc>,
    pub invited: i64,
    pub answered: i64,
    pub response_rate: Option<f64>,
    pub csat: Option<f64>,
    pub nps: Option<f64>,
    pub questions: Vec<QuestionResult>,
    /// The latest answers with a comment or a low score, newest first.
    pub responses: Vec<SurveyResponse>,
}

/// `GET /api/survey-schedules/{id}/results`: the schedule's runs, newest first, so the trend
/// across quarters reads down the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyResults {
    pub schedule_id: String,
    pub name: String,
    pub periods: Vec<PeriodResult>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn input() -> SurveyScheduleInput {
        serde_json::from_value(serde_json::json!({
            "name": "季度满意度调查",
            "template_id": "tpl-standard",
            "cadence": {"every": "quarterly", "month_offset": 0, "day": 1, "time": "10:00:00"},
            "audience": {"segments": ["mass"], "not_surveyed_days": 80},
            "channel": "sms",
            "quiet_hours": {"start": "21:00:00", "end": "09:00:00"},
            "link_days": 14
        }))
        .unwrap()
    }

    #[test]
    fn a_schedule_reads_from_json_and_names_its_bad_field() {
        let s = input();
        assert!(s.active);
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.schedule().cadence, Cadence::Quarterly { month_offset: 0, day: 1, time: NaiveTime::from_hms_opt(10, 0, 0).unwrap() });
        assert_eq!(SurveyScheduleInput { link_days: 0, ..input() }.validate().unwrap_err().field, "link_days");
        assert_eq!(SurveyScheduleInput { name: " ".into(), ..input() }.validate().unwrap_err().field, "name");
        let monthly = SurveyScheduleInput { cadence: Cadence::Monthly { day: 31, time: NaiveTime::MIN }, ..input() };
        assert_eq!(monthly.validate().unwrap_err().field, "cadence");
        let extra = serde_json::json!({"name": "x", "template_id": "t", "cadence": {"every": "monthly", "day": 1, "time": "10:00:00"}, "channel": "email", "link_days": 7, "colour": "red"});
        assert!(serde_json::from_value::<SurveyScheduleInput>(extra).is_err());
    }

    #[test]
    fn a_patch_changes_only_what_it_names_and_null_clears_quiet_hours() {
        let base = input();
        let patch: SurveySchedulePatch = serde_json::from_value(serde_json::json!({"version": 3, "active": false, "quiet_hours": null})).unwrap();
        let (name, template, s) = patch.apply(&base.name, &base.template_id, &base.schedule()).unwrap();
        assert_eq!((name.as_str(), template.as_str()), ("季度满意度调查", "tpl-standard"));
        assert!(!s.active);
        assert_eq!(s.quiet_hours, None);
        assert_eq!(s.audience, base.audience);
        let keep: SurveySchedulePatch = serde_json::from_value(serde_json::json!({"version": 3})).unwrap();
        assert_eq!(keep.apply(&base.name, &base.template_id, &base.schedule()).unwrap().2, base.schedule());
        let bad: SurveySchedulePatch = serde_json::from_value(serde_json::json!({"version": 3, "link_days": 365})).unwrap();
        assert_eq!(bad.apply(&base.name, &base.template_id, &base.schedule()).unwrap_err().field, "link_days");
    }
}
