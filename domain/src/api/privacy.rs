//! A customer's personal data, exported whole for a subject-access request
//! (`GET /api/customers/{id}/export`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Holding;

/// Everything Kefu holds about one customer, unmasked: their record, the products they hold,
/// each case with its timeline, their survey answers, their branch appointments and the
/// messages sent to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerExport {
    pub exported_at: DateTime<Utc>,
    pub customer: PersonalRecord,
    pub products: Vec<Holding>,
    pub cases: Vec<ExportedCase>,
    pub surveys: Vec<ExportedSurvey>,
    pub appointments: Vec<ExportedAppointment>,
    pub messages: Vec<ExportedMessage>,
}

/// The customer's record as stored, every detail in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonalRecord {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub id_number: Option<String>,
    pub gender: Option<String>,
    pub birth_year: Option<i64>,
    pub occupation: Option<String>,
    pub income_band: Option<String>,
    pub segment: String,
    pub lifecycle: String,
    pub risk_tolerance: Option<String>,
    pub consent_contact: bool,
    pub language: String,
    pub created_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
    pub leave_reason: Option<String>,
    pub erased_at: Option<DateTime<Utc>>,
}

/// A case of theirs and what was written on it (who on the staff wrote it is not theirs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedCase {
    pub reference: String,
    pub kind: String,
    pub channel: String,
    pub category: String,
    pub status: String,
    pub subject: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub events: Vec<ExportedEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedEvent {
    #[serde(rename = "type")]
    pub kind: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A survey they answered: the scores, the answers as given, the comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedSurvey {
    pub answered_at: DateTime<Utc>,
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub comment: Option<String>,
    pub answers: Vec<crate::questionnaire::Answer>,
}

/// A branch appointment booked by them or for them, with the contact details it was booked
/// under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedAppointment {
    pub reference: String,
    pub branch: crate::questionnaire::Text,
    pub service: crate::questionnaire::Text,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub booked_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// A message sent (or waiting to be sent) to them: survey invitations, and the confirmations
/// and reminders of their appointments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedMessage {
    pub channel: String,
    pub address: Option<String>,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}
