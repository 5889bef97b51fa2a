//! The JSON the app and the worker exchange, as one set of types both compile against, and the
//! checks a request must pass before anything is stored.
//!
//! Request types refuse unknown fields: an integration that misspells a field hears about it
//! instead of silently losing data. Times are RFC 3339 strings in UTC.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{is_category, CaseKind, Channel, Complexity, EventType, Status, Step};
use crate::customer::{Lifecycle, Segment};
use crate::sla::SlaState;
use crate::user::Role;

/// Longest case subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// Longest case description or event body, in characters.
pub const TEXT_MAX: usize = 10_000;
/// Longest name, in characters.
pub const NAME_MAX: usize = 100;
/// Longest e-mail address, in characters.
pub const EMAIL_MAX: usize = 254;
/// Default and largest page sizes of a list.
pub const PAGE_DEFAULT: u32 = 50;
pub const PAGE_MAX: u32 = 200;

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

/// A request field that failed its check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: &'static str,
    /// `missing_field` for an empty required value, `invalid_field` otherwise.
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        FieldError { field, code: "invalid_field", message: message.into() }
    }
    pub fn missing(field: &'static str) -> Self {
        FieldError { field, code: "missing_field", message: format!("{field} is required") }
    }
}

/// A request whose fields can be checked before anything is stored.
pub trait Validate {
    fn validate(&self) -> Result<(), FieldError>;
}

/// A required free text: not blank, at most `max` characters, no control characters but
/// line breaks and tabs.
fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::missing(field));
    }
    optional_text(field, value, max)
}

fn optional_text(field: &'static str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.chars().count() > max {
        return Err(FieldError::invalid(field, format!("{field} is longer than {max} characters")));
    }
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FieldError::invalid(field, format!("{field} contains control characters")));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

impl Validate for LoginRequest {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("email", &self.email, EMAIL_MAX)?;
        if self.password.is_empty() {
            return Err(FieldError::missing("password"));
        }
        optional_text("password", &self.password, 1024)
    }
}

/// A member of staff, as the app shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub user: User,
}

/// One page of a list, and where the next page starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub segment: Option<Segment>,
}

impl Validate for NewCustomer {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("name", &self.name, NAME_MAX)?;
        if let Some(phone) = &self.phone {
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
            if !allowed || !(5..=20).contains(&digits) {
                return Err(FieldError::invalid("phone", "phone must be 5 to 20 digits"));
            }
        }
        if let Some(email) = &self.email {
            optional_text("email", email, EMAIL_MAX)?;
            let valid = email
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
            if !valid || email.chars().any(char::is_whitespace) {
                return Err(FieldError::invalid("email", "email is not an e-mail address"));
            }
        }
        Ok(())
    }
}

/// A customer as lists show them: contact details masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub id: String,
    pub name: String,
    pub phone_masked: Option<String>,
    pub email_masked: Option<String>,
    pub segment: Segment,
    pub lifecycle: Lifecycle,
    pub created_at: DateTime<Utc>,
}

/// A product a customer holds, and since when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holding {
    pub code: String,
    pub name: String,
    pub since: DateTime<Utc>,
}

/// A customer's profile: who they are, what they hold, and their cases, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerProfile {
    #[serde(flatten)]
    pub customer: Customer,
    pub products: Vec<Holding>,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub kind: CaseKind,
    pub channel: Channel,
    pub customer_id: String,
    pub subject: String,
    pub description: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub complexity: Option<Complexity>,
}

impl Validate for NewCase {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("customer_id", &self.customer_id, 64)?;
        check_text("subject", &self.subject, SUBJECT_MAX)?;
        check_text("description", &self.description, TEXT_MAX)?;
        match &self.category {
            Some(code) if !is_category(code) => {
                Err(FieldError::invalid("category", "category is not a known category"))
            }
            _ => Ok(()),
        }
    }
}

/// A case as lists and its page show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub reference: String,
    pub kind: CaseKind,
    pub channel: Channel,
    pub category: String,
    pub complexity: Complexity,
    pub status: Status,
    pub customer_id: String,
    pub customer_name: String,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    pub subject: String,
    pub created_at: DateTime<Utc>,
    pub first_response_due_at: DateTime<Utc>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub resolution_due_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub sla_state: SlaState,
    /// The deadline the case is judged by now: first response, then resolution.
    pub sla_due_at: DateTime<Utc>,
    pub step: Option<Step>,
    pub step_due_at: Option<DateTime<Utc>>,
    pub regulatory_due_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// A case with its description and its timeline, oldest event first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: Case,
    pub description: String,
    pub events: Vec<CaseEvent>,
}

/// One entry on a case's timeline. Entries are never changed or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub body: String,
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A reply, internal note or call log added to a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    #[serde(rename = "type")]
    pub kind: EventType,
    pub body: String,
    pub version: i64,
}

impl Validate for NewEvent {
    fn validate(&self) -> Result<(), FieldError> {
        if !matches!(self.kind, EventType::Reply | EventType::Note | EventType::Call) {
            return Err(FieldError::invalid("type", "type must be reply, note or call"));
        }
        check_text("body", &self.body, TEXT_MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_case() -> NewCase {
        NewCase {
            kind: CaseKind::Inquiry,
            channel: Channel::Phone,
            customer_id: "c1".into(),
            subject: "信用卡年费".into(),
            description: "请问年费怎么收".into(),
            category: None,
            complexity: None,
        }
    }

    #[test]
    fn a_sound_case_passes() {
        assert_eq!(new_case().validate(), Ok(()));
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(NewCase, &str, &str)> = vec![
            (NewCase { subject: "  ".into(), ..new_case() }, "subject", "missing_field"),
            (NewCase { subject: "字".repeat(SUBJECT_MAX + 1), ..new_case() }, "subject", "invalid_field"),
            (NewCase { description: "".into(), ..new_case() }, "description", "missing_field"),
            (NewCase { description: "a\u{0}b".into(), ..new_case() }, "description", "invalid_field"),
            (NewCase { customer_id: "".into(), ..new_case() }, "customer_id", "missing_field"),
            (NewCase { category: Some("nope".into()), ..new_case() }, "category", "invalid_field"),
        ];
        for (case, field, code) in cases {
            let err = case.validate().unwrap_err();
            assert_eq!((err.field, err.code), (field, code));
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let subject = "投".repeat(SUBJECT_MAX);
        assert!(subject.len() > SUBJECT_MAX);
        assert_eq!(NewCase { subject, ..new_case() }.validate(), Ok(()));
        let emoji = "🙂".repeat(SUBJECT_MAX);
        assert_eq!(NewCase { subject: emoji, ..new_case() }.validate(), Ok(()));
    }

    #[test]
    fn unknown_fields_and_values_are_refused() {
        let ok = r#"{"kind":"inquiry","channel":"phone","customer_id":"c","subject":"s","description":"d"}"#;
        assert!(serde_json::from_str::<NewCase>(ok).is_ok());
        let unknown_field = ok.replace("\"d\"}", "\"d\",\"priority\":1}");
        assert!(serde_json::from_str::<NewCase>(&unknown_field).is_err());
        let unknown_channel = ok.replace("phone", "fax");
        assert!(serde_json::from_str::<NewCase>(&unknown_channel).is_err());
    }

    #[test]
    fn customers_need_a_name_and_sound_contacts() {
        let base = NewCustomer { name: "张伟".into(), phone: Some("138 1234 5678".into()), email: None, segment: None };
        assert_eq!(base.validate(), Ok(()));
        let bad = [
            (NewCustomer { name: "".into(), ..base.clone() }, "name"),
            (NewCustomer { phone: Some("12ab".into()), ..base.clone() }, "phone"),
            (NewCustomer { email: Some("no-at-sign".into()), ..base.clone() }, "email"),
            (NewCustomer { email: Some("a b@c.d".into()), ..base.clone() }, "email"),
        ];
        for (customer, field) in bad {
            assert_eq!(customer.validate().unwrap_err().field, field);
        }
    }

    #[test]
    fn events_are_replies_notes_or_calls() {
        let reply = NewEvent { kind: EventType::Reply, body: "您好".into(), version: 1 };
        assert_eq!(reply.validate(), Ok(()));
        let created = NewEvent { kind: EventType::Created, ..reply.clone() };
        assert_eq!(created.validate().unwrap_err().field, "type");
    }
}
