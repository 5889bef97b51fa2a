//! The JSON the app and the worker exchange, as one set of types both compile against, and the
//! checks a request must pass before anything is stored.
//!
//! Request types refuse unknown fields: an integration that misspells a field hears about it
//! instead of silently losing data. Times are RFC 3339 strings in UTC.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{BusinessCalendar, CalendarSpec};
use crate::case::{is_category, CallOutcome, CaseKind, Channel, Complexity, EventType, Identity, Status, Step};
use crate::classify;
use crate::follow_up;
use crate::lifecycle::{Closing, Complaint, ComplaintMove, ComplaintState, Extension, InquiryMove, Opinion, Outcome, RedressType};
use crate::regulatory::{Due, Regime};
use crate::sla::{Pause, PauseReason};
use crate::sla::PolicySet;
use crate::customer::{LeaveReason, Lifecycle, Segment};
use crate::sla::{CaseDeadlines, SlaState};
use crate::user::Role;

mod appointments;
mod audit;
mod dashboard;
mod follow_ups;
mod knowledge;
pub mod params;
mod privacy;
mod surveys;
mod users;
pub use appointments::*;
pub use audit::*;
pub use dashboard::*;
pub use follow_ups::*;
pub use knowledge::*;
pub use privacy::*;
pub use surveys::*;
pub use users::*;

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
    pub field: String,
    /// `missing_field` for an empty required value, a weak password's weakness
    /// (`password_too_short`, ...), `invalid_field` otherwise.
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        FieldError { field: field.to_string(), code: "invalid_field", message: message.into() }
    }
    pub fn missing(field: &'static str) -> Self {
        FieldError { field: field.to_string(), code: "missing_field", message: format!("{field} is required") }
    }
}

/// A request whose fields can be checked before anything is stored.
pub trait Validate {
    fn validate(&self) -> Result<(), FieldError>;
}

/// A required free text: not blank, at most `max` characters, no control characters but
/// line breaks and tabs.
pub(crate) fn check_text(field: &'static str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::missing(field));
    }
    optional_text(field, value, max)
}

pub(crate) fn optional_text(field: &'static str, value: &str, max: usize) -> Result<(), FieldError> {
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
            check_email("email", email)?;
        }
        Ok(())
    }
}

/// An e-mail address: something before the `@`, a dot after it, no spaces.
pub(crate) fn check_email(field: &'static str, email: &str) -> Result<(), FieldError> {
    optional_text(field, email, EMAIL_MAX)?;
    let valid = email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if !valid || email.chars().any(char::is_whitespace) {
        return Err(FieldError::invalid(field, format!("{field} is not an e-mail address")));
    }
    Ok(())
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
    /// When the customer ended their relationship with the institution (churn), and why; none
    /// while they are a customer.
    #[serde(default)]
    pub left_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub leave_reason: Option<LeaveReason>,
    /// When the customer's personal data was erased; their name is then empty and their
    /// contact details gone, while their cases stay as anonymised shells.
    #[serde(default)]
    pub erased_at: Option<DateTime<Utc>>,
}

/// A product the institution offers (`GET /api/products`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// card, loan, deposit, wealth, insurance or digital.
    pub kind: String,
    /// The product's risk level, 1–5 (R1–R5); none for what is no investment.
    #[serde(default)]
    pub risk_level: Option<u8>,
    /// Its cooling-off period (犹豫期), in hours; none without one.
    #[serde(default)]
    pub cooling_off_hours: Option<i64>,
    #[serde(default)]
    pub version: i64,
}

/// A product a customer holds, and since when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holding {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub since: DateTime<Utc>,
}

/// A customer's profile: who they are, what they hold, and their cases (inquiries, complaints
/// and follow-ups), newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerProfile {
    #[serde(flatten)]
    pub customer: Customer,
    /// Masked like the phone; revealed only through `POST /api/customers/{id}/reveal`.
    pub id_number_masked: Option<String>,
    pub risk_tolerance: Option<String>,
    /// Whether the customer agreed to be contacted (follow-ups, surveys).
    pub consent_contact: bool,
    pub products: Vec<Holding>,
    pub cases: Vec<Case>,
    /// Their latest survey answers, newest first.
    #[serde(default)]
    pub surveys: Vec<CustomerSurvey>,
    /// Their purchases, newest first, each with its suitability (a mismatch flagged).
    #[serde(default)]
    pub purchases: Vec<Purchase>,
}

/// A survey a customer answered, as their profile shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerSurvey {
    pub schedule_id: String,
    pub schedule_name: String,
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub comment: Option<String>,
    /// CSAT ≤ 2 or NPS ≤ 6.
    pub low: bool,
    pub answered_at: DateTime<Utc>,
    /// The complaint it was about, for an after-complaint survey.
    pub case_id: Option<String>,
    /// The follow-up opened for a low score.
    pub recovery_case_id: Option<String>,
}

/// A personal detail that is masked by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevealField {
    Phone,
    Email,
    IdNumber,
}

impl RevealField {
    pub fn as_str(self) -> &'static str {
        match self {
            RevealField::Phone => "phone",
            RevealField::Email => "email",
            RevealField::IdNumber => "id_number",
        }
    }
}

/// `POST /api/customers/{id}/reveal`: show one masked detail in full; always audited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    pub field: RevealField,
}

impl Validate for RevealRequest {
    fn validate(&self) -> Result<(), FieldError> {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revealed {
    pub field: RevealField,
    pub value: Option<String>,
}

/// `POST /api/customers/{id}/relationship`: record that a customer has left the institution
/// (`"status": "left"` with a `reason`), or that one recorded as left is a customer again
/// (`"active"`, to correct a mistake or a return). Audited; counted as churn on its day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationshipRequest {
    pub status: RelationshipStatus,
    #[serde(default)]
    pub reason: Option<LeaveReason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipStatus {
    Left,
    Active,
}

impl Validate for RelationshipRequest {
    fn validate(&self) -> Result<(), FieldError> {
        match (self.status, self.reason) {
            (RelationshipStatus::Left, None) => Err(FieldError::invalid("reason", "reason is required when a customer leaves")),
            (RelationshipStatus::Active, Some(_)) => Err(FieldError::invalid("reason", "reason is only for a customer who leaves")),
            _ => Ok(()),
        }
    }
}

/// `POST /api/public/cases`: an inquiry or complaint a customer files from the web form, with
/// no account. The customer is found by e-mail or phone, or created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicCaseRequest {
    pub kind: CaseKind,
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    pub subject: String,
    pub description: String,
    /// The knowledge-base articles the form suggested before it was sent (none when it
    /// suggested nothing): recorded as a question the articles did not answer.
    #[serde(default)]
    pub suggested_articles: Vec<String>,
}

impl Validate for PublicCaseRequest {
    fn validate(&self) -> Result<(), FieldError> {
        if self.kind == CaseKind::FollowUp {
            return Err(FieldError::invalid("kind", "kind must be inquiry or complaint"));
        }
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|t| t.trim().is_empty());
        if blank(&self.phone) && blank(&self.email) {
            return Err(FieldError::invalid("phone", "give a phone number or an e-mail address so we can answer"));
        }
        let phone = self.phone.clone().filter(|p| !p.trim().is_empty());
        let email = self.email.clone().filter(|e| !e.trim().is_empty());
        NewCustomer { name: self.name.clone(), phone, email, segment: None }.validate()?;
        check_text("subject", &self.subject, SUBJECT_MAX)?;
        check_text("description", &self.description, TEXT_MAX)?;
        if self.suggested_articles.len() > 10 || self.suggested_articles.iter().any(|id| id.is_empty() || id.len() > 64) {
            return Err(FieldError::invalid("suggested_articles", "suggested_articles lists at most 10 article ids"));
        }
        Ok(())
    }
}

/// What the customer is told after filing: the reference to quote, and when to expect an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicCaseReceipt {
    pub reference: String,
    pub kind: CaseKind,
    pub first_response_due_at: DateTime<Utc>,
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
    /// `me` to handle the case yourself; otherwise routing assigns it.
    #[serde(default)]
    pub assignee: Option<String>,
    /// The follow-up call it was raised in (the same customer's): each case's timeline names the other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_id: Option<String>,
}

impl Validate for NewCase {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("customer_id", &self.customer_id, 64)?;
        check_text("subject", &self.subject, SUBJECT_MAX)?;
        check_text("description", &self.description, TEXT_MAX)?;
        if self.assignee.as_deref().is_some_and(|a| a != "me") {
            return Err(FieldError::invalid("assignee", "assignee must be me, or left out for routing"));
        }
        if self.follow_up_id.as_deref().is_some_and(|id| !is_id(id)) {
            return Err(FieldError::invalid("follow_up_id", "follow_up_id is not a follow-up's id"));
        }
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
    /// When that deadline turns due soon.
    pub sla_due_soon_at: DateTime<Utc>,
    pub step: Option<Step>,
    pub step_due_at: Option<DateTime<Utc>>,
    pub regulatory_due_at: Option<DateTime<Utc>>,
    /// A sensitive request: show the fraud-risk warning; resolve only once identity is verified.
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub identity: Identity,
    pub version: i64,
}

/// Which cases a queue view shows. Every field narrows the list; none set means every case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub kind: Option<CaseKind>,
    pub status: Option<StatusFilter>,
    pub assignee: Option<AssigneeFilter>,
    pub sla: Option<SlaFilter>,
    pub customer_id: Option<String>,
    pub channel: Option<Channel>,
    pub category: Option<String>,
    /// `team=mine`: cases assigned to anyone in the user's team.
    pub my_team: bool,
    /// `team=<id>`: cases assigned to anyone in that team (the dashboard's drill-down).
    pub team_id: Option<String>,
    /// `date=…&from=…&to=…`: one of the case's dates within local days (the dashboard's
    /// drill-down). Merged complaints are left out, as the dashboard leaves them out.
    pub date: Option<DateRange>,
    /// `met=on_time|late`: how the clock of `date` was decided.
    pub met: Option<Met>,
    /// `cause=<root cause>|none`: closed complaints with that root cause, or none recorded.
    pub root_cause: Option<RootCauseFilter>,
    /// `csat=satisfied|unsatisfied`: with `date=answered`, the cases whose latest answer rated
    /// them 4–5, or 1–3.
    pub csat: Option<CsatFilter>,
    /// `step=review|investigation|feedback`: with `date=step_due`, that step only.
    pub step: Option<crate::case::Step>,
    /// `reason=`: follow-ups due for that reason (the follow-up figures' drill-down).
    pub reason: Option<follow_up::Reason>,
    /// `product_kind=`: post-sale follow-ups of a product of that kind (`wealth`, `insurance`, …).
    pub product_kind: Option<String>,
    /// `mismatch=true`: follow-ups of sales that were suitability mismatches.
    pub mismatch: bool,
}

/// Which of a case's dates a drill-down range is on (`date=`). Each has its own index, in
/// (date, id) order, and lists it selects are in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Received,
    FirstResponseDue,
    ResolutionDue,
    RegulatoryDue,
    /// A complaint's closing (other kinds close without a decision to count).
    ComplaintClosed,
    /// The case's latest survey answer (answers to general surveys ask about no case).
    Answered,
    /// A complaint step's deadline: the steps complaints have left and their current ones. A
    /// complaint is listed once for each of its steps due in the range.
    StepDue,
}

impl DateField {
    pub const ALL: [DateField; 7] = [
        DateField::Received,
        DateField::FirstResponseDue,
        DateField::ResolutionDue,
        DateField::RegulatoryDue,
        DateField::ComplaintClosed,
        DateField::Answered,
        DateField::StepDue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DateField::Received => "received",
            DateField::FirstResponseDue => "first_response_due",
            DateField::ResolutionDue => "resolution_due",
            DateField::RegulatoryDue => "regulatory_due",
            DateField::ComplaintClosed => "complaint_closed",
            DateField::Answered => "answered",
            DateField::StepDue => "step_due",
        }
    }

    /// Whether the date is a clock's deadline, so `met=` can ask how it was decided.
    pub fn is_deadline(self) -> bool {
        matches!(self, DateField::FirstResponseDue | DateField::ResolutionDue | DateField::RegulatoryDue | DateField::StepDue)
    }
}

/// A date of the case within local days `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub field: DateField,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
}

/// How a clock was decided, as the dashboard counts it (domain::stats): met no later than its
/// deadline, or met after it or not met by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Met {
    OnTime,
    Late,
}

/// `csat=`: how the case's latest survey answer rated the service (domain::metrics: 4–5 is
/// satisfied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsatFilter {
    Satisfied,
    Unsatisfied,
}

impl CsatFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            CsatFilter::Satisfied => "satisfied",
            CsatFilter::Unsatisfied => "unsatisfied",
        }
    }
}

/// `cause=`: a root cause, or `none` for complaints closed without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCauseFilter {
    Is(String),
    NotRecorded,
}

/// Queue counts stop at this many: counting a view stops after reading this many index entries,
/// however many millions of cases it holds. A count that reaches it is shown as "999+".
pub const COUNT_CAP: u32 = 1000;

/// A queue count as the tabs show it: exact below [`COUNT_CAP`], "999+" from there.
pub fn count_label(n: u32) -> String {
    if n >= COUNT_CAP {
        format!("{}+", COUNT_CAP - 1)
    } else {
        n.to_string()
    }
}

/// How many cases each queue view holds, for the counts on its tabs, each counted up to
/// [`COUNT_CAP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QueueCounts {
    pub mine: u32,
    pub team: u32,
    pub unassigned: u32,
    pub open: u32,
    pub due_soon: u32,
    pub breached: u32,
}

/// `status=open` (new, assigned or responded) or one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Open,
    Is(Status),
}

/// `assignee=me`, `assignee=none` or a user's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    Me,
    Nobody,
    User(String),
}

/// `sla=due_soon` or `sla=breached`: open cases whose current clock is in that state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaFilter {
    DueSoon,
    Breached,
}

impl CaseFilter {
    /// Reads the filter from query parameters; an unknown value names its parameter.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, FieldError> {
        let mut filter = CaseFilter::default();
        let (mut date, mut from, mut to) = (None, None, None);
        for (key, value) in pairs {
            match key {
                "kind" => filter.kind = Some(value.parse().map_err(|_| FieldError::invalid("kind", "kind is not a case kind"))?),
                "status" => {
                    filter.status = Some(match value {
                        "open" => StatusFilter::Open,
                        _ => StatusFilter::Is(value.parse().map_err(|_| FieldError::invalid("status", "status is not a case status"))?),
                    })
                }
                "assignee" => {
                    filter.assignee = Some(match value {
                        "me" => AssigneeFilter::Me,
                        "none" => AssigneeFilter::Nobody,
                        "" => return Err(FieldError::invalid("assignee", "assignee is empty")),
                        id => AssigneeFilter::User(id.to_string()),
                    })
                }
                "sla" => {
                    filter.sla = Some(match value {
                        "due_soon" => SlaFilter::DueSoon,
                        "breached" => SlaFilter::Breached,
                        _ => return Err(FieldError::invalid("sla", "sla must be due_soon or breached")),
                    })
                }
                "customer_id" => filter.customer_id = Some(value.to_string()),
                "channel" => filter.channel = Some(value.parse().map_err(|_| FieldError::invalid("channel", "channel is not a channel"))?),
                "category" if is_category(value) => filter.category = Some(value.to_string()),
                "category" => return Err(FieldError::invalid("category", "category is not a known category")),
                "team" if value == "mine" => filter.my_team = true,
                "team" if is_id(value) => filter.team_id = Some(value.to_string()),
                "team" => return Err(FieldError::invalid("team", "team must be mine or a team's id")),
                "date" => {
                    date = Some(DateField::ALL.into_iter().find(|f| f.as_str() == value).ok_or_else(|| {
                        FieldError::invalid("date", "date must be received, first_response_due, resolution_due, regulatory_due, complaint_closed, answered or step_due")
                    })?)
                }
                "from" => from = Some(params::date("from", value)?),
                "to" => to = Some(params::date("to", value)?),
                "met" => {
                    filter.met = Some(match value {
                        "on_time" => Met::OnTime,
                        "late" => Met::Late,
                        _ => return Err(FieldError::invalid("met", "met must be on_time or late")),
                    })
                }
                "cause" if value == "none" => filter.root_cause = Some(RootCauseFilter::NotRecorded),
                "cause" if crate::lifecycle::ROOT_CAUSES.contains(&value) => filter.root_cause = Some(RootCauseFilter::Is(value.to_string())),
                "cause" => return Err(FieldError::invalid("cause", "cause is not a root cause")),
                "csat" => {
                    filter.csat = Some([CsatFilter::Satisfied, CsatFilter::Unsatisfied].into_iter().find(|c| c.as_str() == value).ok_or_else(|| {
                        FieldError::invalid("csat", "csat must be satisfied or unsatisfied")
                    })?)
                }
                "step" => filter.step = Some(value.parse().map_err(|_| FieldError::invalid("step", "step must be review, investigation or feedback"))?),
                "reason" => filter.reason = Some(follow_up::Reason::parse(value).ok_or_else(|| FieldError::invalid("reason", "reason is not a follow-up reason"))?),
                "product_kind" if is_id(value) => filter.product_kind = Some(value.to_string()),
                "product_kind" => return Err(FieldError::invalid("product_kind", "product_kind is not a kind of product")),
                "mismatch" => filter.mismatch = yes_or_no("mismatch", value)?,
                _ => {}
            }
        }
        filter.date = match (date, from, to) {
            (None, None, None) => None,
            (None, _, _) => return Err(FieldError::invalid("date", "from and to need date= to say which date they bound")),
            (Some(_), None, _) => return Err(FieldError::missing("from")),
            (Some(_), _, None) => return Err(FieldError::missing("to")),
            (Some(_), Some(from), Some(to)) if from > to => return Err(FieldError::invalid("from", "from is after to")),
            (Some(field), Some(from), Some(to)) => Some(DateRange { field, from, to }),
        };
        if filter.date.is_some() && filter.sla.is_some() {
            return Err(FieldError::invalid("sla", "sla cannot be combined with a date range"));
        }
        if filter.met.is_some() && !filter.date.is_some_and(|d| d.field.is_deadline()) {
            return Err(FieldError::invalid("met", "met needs date= to be a deadline (first_response_due, resolution_due, regulatory_due or step_due)"));
        }
        if filter.root_cause.is_some() && !filter.date.is_some_and(|d| d.field == DateField::ComplaintClosed) {
            return Err(FieldError::invalid("cause", "cause needs date=complaint_closed"));
        }
        if filter.csat.is_some() && !filter.date.is_some_and(|d| d.field == DateField::Answered) {
            return Err(FieldError::invalid("csat", "csat needs date=answered"));
        }
        // The follow-up figures' drill-down: a filter on the rows a date's index selects.
        if filter.date.is_none() {
            for (set, field) in [(filter.reason.is_some(), "reason"), (filter.product_kind.is_some(), "product_kind"), (filter.mismatch, "mismatch")] {
                if set {
                    return Err(FieldError::invalid(field, format!("{field} needs date= (the follow-up figures' drill-down)")));
                }
            }
        }
        if filter.step.is_some() && !filter.date.is_some_and(|d| d.field == DateField::StepDue) {
            return Err(FieldError::invalid("step", "step needs date=step_due"));
        }
        Ok(filter)
    }

    /// The query parameters that express this filter, for building a URL.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(kind) = self.kind {
            q.push(("kind", kind.as_str().to_string()));
        }
        match self.status {
            Some(StatusFilter::Open) => q.push(("status", "open".to_string())),
            Some(StatusFilter::Is(s)) => q.push(("status", s.as_str().to_string())),
            None => {}
        }
        match &self.assignee {
            Some(AssigneeFilter::Me) => q.push(("assignee", "me".to_string())),
            Some(AssigneeFilter::Nobody) => q.push(("assignee", "none".to_string())),
            Some(AssigneeFilter::User(id)) => q.push(("assignee", id.clone())),
            None => {}
        }
        match self.sla {
            Some(SlaFilter::DueSoon) => q.push(("sla", "due_soon".to_string())),
            Some(SlaFilter::Breached) => q.push(("sla", "breached".to_string())),
            None => {}
        }
        if let Some(id) = &self.customer_id {
            q.push(("customer_id", id.clone()));
        }
        if let Some(c) = self.channel {
            q.push(("channel", c.as_str().to_string()));
        }
        if let Some(c) = &self.category {
            q.push(("category", c.clone()));
        }
        if self.my_team {
            q.push(("team", "mine".to_string()));
        }
        if let Some(id) = &self.team_id {
            q.push(("team", id.clone()));
        }
        if let Some(d) = self.date {
            q.push(("date", d.field.as_str().to_string()));
            q.push(("from", d.from.to_string()));
            q.push(("to", d.to.to_string()));
        }
        match self.met {
            Some(Met::OnTime) => q.push(("met", "on_time".to_string())),
            Some(Met::Late) => q.push(("met", "late".to_string())),
            None => {}
        }
        match &self.root_cause {
            Some(RootCauseFilter::Is(c)) => q.push(("cause", c.clone())),
            Some(RootCauseFilter::NotRecorded) => q.push(("cause", "none".to_string())),
            None => {}
        }
        if let Some(c) = self.csat {
            q.push(("csat", c.as_str().to_string()));
        }
        if let Some(s) = self.step {
            q.push(("step", s.as_str().to_string()));
        }
        if let Some(r) = self.reason {
            q.push(("reason", r.as_str().to_string()));
        }
        if let Some(k) = &self.product_kind {
            q.push(("product_kind", k.clone()));
        }
        if self.mismatch {
            q.push(("mismatch", "true".to_string()));
        }
        q
    }
}

/// Whether a text can be a record's id: 1 to 64 ASCII letters, digits, `-` or `_`.
/// A query's yes/no value (`true` or `1`, `false` or `0`); otherwise 422 naming `field`.
pub fn yes_or_no(field: &'static str, value: &str) -> Result<bool, FieldError> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(FieldError::invalid(field, format!("{field} must be true or false"))),
    }
}

pub fn is_id(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The largest redress one complaint may record, in fen (¥1,000,000,000).
pub const REDRESS_MAX_FEN: i64 = 100_000_000_000;

/// Reads `limit` (default 50, at most 200).
pub fn page_limit(value: Option<&str>) -> Result<u32, FieldError> {
    match value {
        None => Ok(PAGE_DEFAULT),
        Some(v) => Ok(params::number("limit", v, 1..=i64::from(PAGE_MAX))? as u32),
    }
}

impl Case {
    /// The case as a list shows it: the customer's name masked as the export masks it (王**),
    /// so paging through lists does not copy out who complained; the case page shows it whole.
    pub fn mask_for_list(&mut self) {
        self.customer_name = crate::export::mask_name(&self.customer_name);
    }

    /// The deadlines the SLA state is read from, so the app computes it with the worker's rule.
    pub fn deadlines(&self) -> CaseDeadlines {
        CaseDeadlines {
            first_response_due: self.first_response_due_at,
            first_responded_at: self.first_responded_at,
            resolution_due: self.resolution_due_at,
            resolved_at: self.resolved_at,
            current_due_soon_at: self.sla_due_soon_at,
            current_due: self.sla_due_at,
        }
    }
}

/// Why routing chose an agent: the body of an `assigned` event, for the "assigned because" line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentReason {
    /// The skill matched; `None` when nobody eligible had it.
    pub skill: Option<String>,
    /// The agent's weighted open load when chosen.
    pub load: u32,
    /// Several agents had the lowest load; the one assigned longest ago was taken.
    pub rotated: bool,
    /// Staff left out because the complaint names them.
    pub recused: u32,
}

/// A case with its description and its timeline, oldest event first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: Case,
    pub description: String,
    /// For an open complaint: the next obligation under the institution's regulatory regime.
    pub regulatory_next: Option<Due>,
    /// For a complaint: what it has recorded for the regulator.
    pub complaint: Option<ComplaintRecord>,
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
    /// For a status change: the status the case moved to.
    #[serde(default)]
    pub status: Option<Status>,
    /// For a step change: the complaint step it moved to.
    #[serde(default)]
    pub step: Option<Step>,
    /// For an assignment or escalation: who the case went to.
    #[serde(default)]
    pub assignee_id: Option<String>,
    #[serde(default)]
    pub assignee_name: Option<String>,
    /// For a call: whether the customer was reached.
    #[serde(default)]
    pub outcome: Option<CallOutcome>,
}

/// `POST /api/classify`: what the classifier suggests for a case being typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifyRequest {
    pub subject: String,
    pub description: String,
}

impl Validate for ClassifyRequest {
    fn validate(&self) -> Result<(), FieldError> {
        optional_text("subject", &self.subject, SUBJECT_MAX)?;
        optional_text("description", &self.description, TEXT_MAX)
    }
}

/// One in-app notification, as the bell lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxItem {
    pub id: String,
    /// `sla_due_soon`, `sla_breached`, `sla_escalated`, `step_breached`, `bulk_reading` (a
    /// member of staff read an unusual number of cases within an hour; to supervisors and admins).
    pub kind: String,
    pub case_id: Option<String>,
    pub case_reference: Option<String>,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// `GET /api/notifications`: the unread count and the latest notifications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub unread: u32,
    pub items: Vec<InboxItem>,
}

/// `POST /api/notifications/read`: the notifications to mark read; none named means all.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
}

impl Validate for MarkRead {
    fn validate(&self) -> Result<(), FieldError> {
        match &self.ids {
            Some(ids) if ids.len() > 100 => Err(FieldError::invalid("ids", "ids names more than 100 notifications")),
            Some(ids) if ids.iter().any(|i| i.is_empty() || i.len() > 64) => Err(FieldError::invalid("ids", "ids holds an empty or overlong id")),
            _ => Ok(()),
        }
    }
}

/// An e-mail or SMS in the outbox, as admins see pending messages and dead letters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: String,
    pub case_id: Option<String>,
    pub channel: String,
    pub kind: String,
    pub recipient_name: Option<String>,
    pub subject: String,
    /// `pending`, `sent` or `dead`.
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One job of one cron run, for the job log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRun {
    pub id: i64,
    pub cron: String,
    /// `sla_sweep`, `deliver`, `follow_up_planning`.
    pub job: String,
    pub scheduled_at: DateTime<Utc>,
    pub duration_ms: i64,
    /// What the run did, e.g. {"examined": 12, "alerts": 3}.
    pub counts: std::collections::BTreeMap<String, i64>,
    pub error: Option<String>,
}

/// An active member of staff, as the reassign picker lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub team_name: Option<String>,
}

/// `POST /api/cases/{id}/assign`: hand a case to a colleague.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub assignee_id: String,
    pub version: i64,
    #[serde(default)]
    pub reason: Option<String>,
}

impl Validate for AssignRequest {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("assignee_id", &self.assignee_id, 64)?;
        optional_text("reason", self.reason.as_deref().unwrap_or(""), TEXT_MAX)
    }
}

/// `POST /api/cases/{id}/escalate`: hand a case to a supervisor, saying why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalateRequest {
    pub reason: String,
    pub version: i64,
}

impl Validate for EscalateRequest {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("reason", &self.reason, TEXT_MAX)
    }
}

/// A canned reply as the composer lists it and admins edit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CannedReply {
    pub id: String,
    pub title: String,
    pub body: String,
    pub active: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/canned-replies` (no version) and `PUT /api/canned-replies/{id}` (with the version
/// last read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CannedReplyInput {
    pub title: String,
    pub body: String,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub version: Option<i64>,
}

pub(crate) fn yes() -> bool {
    true
}

impl Validate for CannedReplyInput {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("title", &self.title, 100)?;
        check_text("body", &self.body, 4_000)
    }
}

/// A complaint as the supervisors' register lists it: the case and every regulatory field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComplaintEntry {
    #[serde(flatten)]
    pub case: Case,
    pub complaint: ComplaintRecord,
}

/// The register's filters: `status=open|closed`, `category`, `outcome`, and the received
/// date range `from`/`to` (RFC 3339).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComplaintFilter {
    pub open: Option<bool>,
    pub category: Option<String>,
    pub outcome: Option<Outcome>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl ComplaintFilter {
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, FieldError> {
        let mut f = ComplaintFilter::default();
        for (key, value) in pairs {
            match key {
                "status" => {
                    f.open = Some(match value {
                        "open" => true,
                        "closed" => false,
                        _ => return Err(FieldError::invalid("status", "status must be open or closed")),
                    })
                }
                "category" if is_category(value) => f.category = Some(value.to_string()),
                "category" => return Err(FieldError::invalid("category", "category is not a known category")),
                "outcome" => f.outcome = Some(value.parse().map_err(|_| FieldError::invalid("outcome", "outcome is not an outcome"))?),
                "from" => f.from = Some(params::instant("from", value)?),
                "to" => f.to = Some(params::instant("to", value)?),
                _ => {}
            }
        }
        Ok(f)
    }

    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(open) = self.open {
            q.push(("status", if open { "open" } else { "closed" }.to_string()));
        }
        if let Some(c) = &self.category {
            q.push(("category", c.clone()));
        }
        if let Some(o) = self.outcome {
            q.push(("outcome", o.as_str().to_string()));
        }
        if let Some(t) = self.from {
            q.push(("from", t.to_rfc3339()));
        }
        if let Some(t) = self.to {
            q.push(("to", t.to_rfc3339()));
        }
        q
    }
}

/// A reply, internal note or call log added to a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    #[serde(rename = "type")]
    pub kind: EventType,
    pub body: String,
    pub version: i64,
    /// For a call: whether the customer was reached. Unreached follow-up calls count towards
    /// closing the follow-up as unreachable.
    #[serde(default)]
    pub outcome: Option<CallOutcome>,
}

impl Validate for NewEvent {
    fn validate(&self) -> Result<(), FieldError> {
        if !matches!(self.kind, EventType::Reply | EventType::Note | EventType::Call) {
            return Err(FieldError::invalid("type", "type must be reply, note or call"));
        }
        if self.outcome.is_some() && self.kind != EventType::Call {
            return Err(FieldError::invalid("outcome", "only a call has an outcome"));
        }
        check_text("body", &self.body, TEXT_MAX)
    }
}

/// `POST /api/cases/{id}/identity`: how the customer's identity was verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityCheck {
    pub method: Identity,
    pub version: i64,
}

impl Validate for IdentityCheck {
    fn validate(&self) -> Result<(), FieldError> {
        if self.method == Identity::NotVerified {
            return Err(FieldError::invalid("method", "method must say how identity was verified"));
        }
        Ok(())
    }
}

/// `POST /api/cases/{id}/transition`: move a case to a status or complaint step (`to`), or act on
/// a complaint (`action`), with what the move needs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// A status (`assigned`, `resolved`, `closed`) or, for complaints, a step (`investigation`,
    /// `feedback`) or `closed`.
    #[serde(default)]
    pub to: Option<String>,
    /// For complaints: `pause`, `resume`, `request_extension`, `approve_extension`,
    /// `refuse_extension`, `merge`, `request_review`.
    #[serde(default)]
    pub action: Option<ComplaintAction>,
    pub version: i64,
    /// Required to resolve an inquiry.
    #[serde(default)]
    pub resolution: Option<String>,
    /// Required to reopen, pause, request an extension or a review, and to advance a step.
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub pause_reason: Option<PauseReason>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub root_cause: Option<String>,
    #[serde(default)]
    pub prevention: Option<String>,
    #[serde(default)]
    pub redress_type: Option<RedressType>,
    /// In fen (0.01 CNY).
    #[serde(default)]
    pub redress_amount: Option<i64>,
    #[serde(default)]
    pub customer_informed: Option<bool>,
    #[serde(default)]
    pub customer_opinion: Option<Opinion>,
    /// The earlier complaint a repeated one merges into.
    #[serde(default)]
    pub into: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintAction {
    Pause,
    Resume,
    RequestExtension,
    ApproveExtension,
    RefuseExtension,
    Merge,
    RequestReview,
}

/// Where a transition goes: a status, or a complaint step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Status(Status),
    Step(Step),
}

impl Validate for TransitionRequest {
    fn validate(&self) -> Result<(), FieldError> {
        for (field, text) in [("resolution", &self.resolution), ("reason", &self.reason), ("root_cause", &self.root_cause), ("prevention", &self.prevention)] {
            if let Some(t) = text {
                optional_text(field, t, TEXT_MAX)?;
            }
        }
        match (&self.to, self.action) {
            (None, None) => Err(FieldError::missing("to")),
            (Some(_), Some(_)) => Err(FieldError::invalid("action", "send either to or action, not both")),
            (Some(_), None) => self.target().map(|_| ()),
            (None, Some(_)) => Ok(()),
        }?;
        // Fen, at most ¥1,000,000,000 a complaint: the reports' sums over millions of complaints
        // then stay within SQLite's integers (a sum past them is an error, not a number).
        if self.redress_amount.is_some_and(|a| !(0..=REDRESS_MAX_FEN).contains(&a)) {
            return Err(FieldError::invalid("redress_amount", "redress_amount is 0 to 100000000000 fen (¥1,000,000,000)"));
        }
        Ok(())
    }
}

impl TransitionRequest {
    /// The status or step `to` names.
    pub fn target(&self) -> Result<Target, FieldError> {
        let to = self.to.as_deref().ok_or_else(|| FieldError::missing("to"))?;
        to.parse::<Status>()
            .map(Target::Status)
            .or_else(|_| to.parse::<Step>().map(Target::Step))
            .map_err(|_| FieldError::invalid("to", "to is not a status or step"))
    }

    /// The lifecycle move that takes an inquiry from `from` to the target, if there is one.
    pub fn inquiry_move(&self, from: Status) -> Option<InquiryMove> {
        match (from, self.target().ok()?) {
            (Status::New, Target::Status(Status::Assigned)) => Some(InquiryMove::Assign),
            (Status::Resolved | Status::Closed, Target::Status(Status::Assigned)) => Some(InquiryMove::Reopen { reason: self.reason.clone() }),
            (_, Target::Status(Status::Resolved)) => Some(InquiryMove::Resolve { resolution: self.resolution.clone() }),
            (_, Target::Status(Status::Closed)) => Some(InquiryMove::Close),
            _ => None,
        }
    }

    /// The complaint move the request describes, if there is one.
    pub fn complaint_move(&self) -> Option<ComplaintMove> {
        let reason = || self.reason.clone();
        if let Some(action) = self.action {
            return Some(match action {
                ComplaintAction::Pause => ComplaintMove::Pause { reason: reason() },
                ComplaintAction::Resume => ComplaintMove::Resume,
                ComplaintAction::RequestExtension => ComplaintMove::RequestExtension { reason: reason() },
                ComplaintAction::ApproveExtension | ComplaintAction::RefuseExtension => ComplaintMove::DecideExtension {
                    approve: action == ComplaintAction::ApproveExtension,
                    customer_informed: self.customer_informed.unwrap_or(false),
                },
                ComplaintAction::Merge => ComplaintMove::Merge { into: self.into.clone() },
                ComplaintAction::RequestReview => ComplaintMove::RequestReview { reason: reason() },
            });
        }
        match self.target().ok()? {
            Target::Step(Step::Investigation | Step::Feedback) => Some(ComplaintMove::Advance { reason: reason() }),
            Target::Status(Status::Closed) => Some(ComplaintMove::Close(Closing {
                outcome: self.outcome,
                root_cause: self.root_cause.clone(),
                prevention: self.prevention.clone(),
                customer_informed: self.customer_informed.unwrap_or(false),
                redress_type: self.redress_type,
                redress_amount: self.redress_amount,
            })),
            _ => None,
        }
    }
}

/// What a complaint has recorded for its regulator.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ComplaintRecord {
    pub paused: bool,
    pub pauses: Vec<Pause>,
    pub extension: Extension,
    pub outcome: Option<Outcome>,
    pub root_cause: Option<String>,
    pub prevention: Option<String>,
    pub redress_type: Option<RedressType>,
    pub redress_amount: Option<i64>,
    pub customer_informed: bool,
    pub customer_opinion: Option<Opinion>,
    pub closed_at: Option<DateTime<Utc>>,
    pub merged_into: Option<String>,
    pub step_started_at: Option<DateTime<Utc>>,
}

impl ComplaintRecord {
    /// The complaint's position in its lifecycle, from its case's status and step.
    pub fn position(&self, status: Status, step: Option<Step>) -> Complaint {
        let state = if self.merged_into.is_some() {
            ComplaintState::Merged
        } else if status == Status::Closed {
            ComplaintState::Closed
        } else {
            match step {
                Some(Step::Review) => ComplaintState::Review,
                Some(Step::Investigation) => ComplaintState::Investigation,
                Some(Step::Feedback) => ComplaintState::Feedback,
                None => ComplaintState::Registered,
            }
        };
        Complaint { state, paused: self.paused, extension: self.extension, closed_at: self.closed_at }
    }
}

/// Every setting admins edit, with the version each is at (0 = the default, never saved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub calendar: CalendarSpec,
    pub sla_policies: PolicySet,
    pub regime: RegimeSetting,
    pub classifier: classify::Rules,
    pub follow_up: follow_up::Rules,
    /// What follow-up calls must cover, per reason and per product kind.
    #[serde(default)]
    pub follow_up_scripts: follow_up::script::Scripts,
    pub versions: SettingVersions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SettingVersions {
    pub calendar: i64,
    pub sla_policies: i64,
    pub regime: i64,
    pub classifier: i64,
    pub follow_up: i64,
    #[serde(default)]
    pub follow_up_scripts: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegimeSetting {
    pub regime: Regime,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            calendar: CalendarSpec::china_default(),
            sla_policies: PolicySet::standard(),
            regime: RegimeSetting { regime: Regime::China2020 },
            classifier: classify::Rules::default(),
            follow_up: follow_up::Rules::default(),
            follow_up_scripts: follow_up::script::Scripts::default(),
            versions: SettingVersions::default(),
        }
    }
}

/// `PUT /api/settings/{key}`: the new value and the version it replaces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingUpdate<T> {
    pub version: i64,
    pub value: T,
}

impl Validate for SettingUpdate<CalendarSpec> {
    fn validate(&self) -> Result<(), FieldError> {
        BusinessCalendar::new(&self.value).map(|_| ()).map_err(|e| FieldError::invalid(e.field(), e.to_string()))
    }
}

impl Validate for SettingUpdate<PolicySet> {
    fn validate(&self) -> Result<(), FieldError> {
        if self.value.policies.is_empty() {
            return Err(FieldError::invalid("policies", "at least one policy is needed"));
        }
        self.value.policies.iter().try_for_each(|p| p.validate().map_err(|e| FieldError::invalid(e.field, e.to_string())))
    }
}

impl Validate for SettingUpdate<RegimeSetting> {
    fn validate(&self) -> Result<(), FieldError> {
        Ok(())
    }
}

impl Validate for SettingUpdate<classify::Rules> {
    fn validate(&self) -> Result<(), FieldError> {
        self.value.validate().map_err(|e| FieldError::invalid(e.field, e.to_string()))?;
        match self.value.categories.iter().find(|c| !is_category(&c.code)) {
            Some(_) => Err(FieldError::invalid("categories", "a category code is not one of the institution's categories")),
            None => Ok(()),
        }
    }
}

impl Validate for SettingUpdate<follow_up::Rules> {
    fn validate(&self) -> Result<(), FieldError> {
        self.value.validate().map_err(|(field, message)| FieldError::invalid(field, message))
    }
}

impl Validate for SettingUpdate<follow_up::script::Scripts> {
    fn validate(&self) -> Result<(), FieldError> {
        self.value.validate().map_err(|(field, message)| FieldError::invalid(field, message))
    }
}

/// A team with its skills and members, as settings show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub id: String,
    pub name: String,
    /// Category codes, and `complaint`, the team handles.
    pub skills: Vec<String>,
    pub version: i64,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub role: Role,
}

/// `PUT /api/teams/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamUpdate {
    pub name: String,
    pub skills: Vec<String>,
    pub version: i64,
}

impl Validate for TeamUpdate {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("name", &self.name, 50)?;
        if self.skills.is_empty() {
            return Err(FieldError::invalid("skills", "a team needs at least one skill"));
        }
        match self.skills.iter().find(|s| !is_category(s) && s.as_str() != crate::routing::COMPLAINT_SKILL) {
            Some(_) => Err(FieldError::invalid("skills", "a skill is a category code or complaint")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_count_is_exact_below_the_cap_and_999_plus_from_it() {
        assert_eq!(count_label(0), "0");
        assert_eq!(count_label(999), "999");
        assert_eq!(count_label(COUNT_CAP), "999+");
    }

    fn new_case() -> NewCase {
        NewCase {
            kind: CaseKind::Inquiry,
            channel: Channel::Phone,
            customer_id: "c1".into(),
            subject: "信用卡年费".into(),
            description: "请问年费怎么收".into(),
            category: None,
            complexity: None,
            assignee: None,
            follow_up_id: None,
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
            assert_eq!((err.field.as_str(), err.code), (field, code));
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
    fn setting_updates_are_checked_by_the_rules_they_carry() {
        let d = Settings::default();
        assert_eq!(SettingUpdate { version: 0, value: d.calendar.clone() }.validate(), Ok(()));
        assert_eq!(SettingUpdate { version: 0, value: d.sla_policies.clone() }.validate(), Ok(()));
        assert_eq!(SettingUpdate { version: 0, value: d.classifier.clone() }.validate(), Ok(()));
        assert_eq!(SettingUpdate { version: 0, value: d.follow_up.clone() }.validate(), Ok(()));

        let mut closed = d.calendar.clone();
        closed.week = Default::default();
        assert_eq!(SettingUpdate { version: 0, value: closed }.validate().unwrap_err().field, "week");
        let mut zero = d.sla_policies.clone();
        zero.policies[0].first_response_minutes = 0;
        assert_eq!(SettingUpdate { version: 0, value: zero }.validate().unwrap_err().field, "first_response_minutes");
        let none = PolicySet { policies: vec![] };
        assert_eq!(SettingUpdate { version: 0, value: none }.validate().unwrap_err().field, "policies");
        let mut unknown = d.classifier.clone();
        unknown.categories[0].code = "crypto".into();
        assert_eq!(SettingUpdate { version: 0, value: unknown }.validate().unwrap_err().field, "categories");
    }

    #[test]
    fn team_updates_need_a_name_and_known_skills() {
        let ok = TeamUpdate { name: "零售一组".into(), skills: vec!["cards".into(), "complaint".into()], version: 1 };
        assert_eq!(ok.validate(), Ok(()));
        assert_eq!(TeamUpdate { name: " ".into(), ..ok.clone() }.validate().unwrap_err().field, "name");
        assert_eq!(TeamUpdate { skills: vec![], ..ok.clone() }.validate().unwrap_err().field, "skills");
        assert_eq!(TeamUpdate { skills: vec!["crypto".into()], ..ok }.validate().unwrap_err().field, "skills");
    }

    #[test]
    fn events_are_replies_notes_or_calls() {
        let reply = NewEvent { kind: EventType::Reply, body: "您好".into(), version: 1, outcome: None };
        assert_eq!(reply.validate(), Ok(()));
        let created = NewEvent { kind: EventType::Created, ..reply.clone() };
        assert_eq!(created.validate().unwrap_err().field, "type");
    }

    #[test]
    fn case_filters_round_trip_through_query_parameters() {
        let filter = CaseFilter {
            kind: Some(CaseKind::Complaint),
            status: Some(StatusFilter::Open),
            assignee: Some(AssigneeFilter::Me),
            sla: Some(SlaFilter::Breached),
            customer_id: Some("c9".into()),
            channel: Some(Channel::Email),
            category: Some("cards".into()),
            my_team: true,
            team_id: None,
            date: None,
            met: None,
            root_cause: None,
            csat: None,
            step: None,
            reason: None,
            product_kind: None,
            mismatch: false,
        };
        let query = filter.to_query();
        let parsed = CaseFilter::from_query(query.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(parsed, filter);
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2024, 12, d).unwrap();
        let follow_ups = CaseFilter {
            kind: Some(CaseKind::FollowUp),
            date: Some(DateRange { field: DateField::ResolutionDue, from: day(1), to: day(31) }),
            reason: Some(follow_up::Reason::Purchase),
            product_kind: Some("wealth".into()),
            mismatch: true,
            ..CaseFilter::default()
        };
        let query = follow_ups.to_query();
        assert_eq!(CaseFilter::from_query(query.iter().map(|(k, v)| (*k, v.as_str()))).unwrap(), follow_ups);
        for (key, value) in [("reason", "purchase"), ("product_kind", "wealth"), ("mismatch", "true")] {
            assert_eq!(CaseFilter::from_query([(key, value)]).unwrap_err().field, key, "{key} alone would walk every case");
        }
        let team = CaseFilter { team_id: Some("team-retail".into()), my_team: false, ..filter };
        let query = team.to_query();
        assert_eq!(CaseFilter::from_query(query.iter().map(|(k, v)| (*k, v.as_str()))).unwrap(), team);
        let none = CaseFilter::from_query([("assignee", "none"), ("status", "closed")]).unwrap();
        assert_eq!(none.assignee, Some(AssigneeFilter::Nobody));
        assert_eq!(none.status, Some(StatusFilter::Is(Status::Closed)));
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2024, 12, d).unwrap();
        let late = CaseFilter {
            date: Some(DateRange { field: DateField::FirstResponseDue, from: day(1), to: day(31) }),
            met: Some(Met::Late),
            team_id: Some("team-retail".into()),
            ..CaseFilter::default()
        };
        let query = late.to_query();
        assert_eq!(CaseFilter::from_query(query.iter().map(|(k, v)| (*k, v.as_str()))).unwrap(), late);
        let causes = CaseFilter {
            date: Some(DateRange { field: DateField::ComplaintClosed, from: day(3), to: day(3) }),
            root_cause: Some(RootCauseFilter::NotRecorded),
            ..CaseFilter::default()
        };
        let query = causes.to_query();
        assert_eq!(CaseFilter::from_query(query.iter().map(|(k, v)| (*k, v.as_str()))).unwrap(), causes);
    }

    #[test]
    fn a_drill_down_range_names_what_is_wrong_with_it() {
        let field = |q: &[(&'static str, &'static str)]| CaseFilter::from_query(q.iter().copied()).unwrap_err().field;
        assert_eq!(field(&[("date", "opened")]), "date");
        assert_eq!(field(&[("from", "2024-12-01"), ("to", "2024-12-31")]), "date", "a range must say which date it bounds");
        assert_eq!(field(&[("date", "received"), ("to", "2024-12-31")]), "from");
        assert_eq!(field(&[("date", "received"), ("from", "2024-12-01")]), "to");
        assert_eq!(field(&[("date", "received"), ("from", "2024-12-31"), ("to", "2024-12-01")]), "from");
        assert_eq!(field(&[("date", "received"), ("from", "9999-12-31"), ("to", "9999-12-31")]), "from");
        assert_eq!(field(&[("date", "received"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("met", "late")]), "met", "receipt is not a deadline");
        assert_eq!(field(&[("date", "resolution_due"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("met", "soon")]), "met");
        assert_eq!(field(&[("date", "resolution_due"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("sla", "breached")]), "sla");
        assert_eq!(field(&[("date", "received"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("cause", "fraud")]), "cause");
        assert_eq!(field(&[("date", "complaint_closed"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("cause", "weather")]), "cause");
        let ok = CaseFilter::from_query([("date", "complaint_closed"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("cause", "fraud")]).unwrap();
        assert_eq!(ok.root_cause, Some(RootCauseFilter::Is("fraud".into())));
        assert_eq!(field(&[("date", "received"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("csat", "satisfied")]), "csat", "csat rates answers");
        assert_eq!(field(&[("date", "answered"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("csat", "happy")]), "csat");
        assert_eq!(field(&[("date", "answered"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("met", "late")]), "met", "an answer is not a deadline");
        let answered = CaseFilter::from_query([("date", "answered"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("csat", "unsatisfied")]).unwrap();
        assert_eq!((answered.date.map(|d| d.field), answered.csat), (Some(DateField::Answered), Some(CsatFilter::Unsatisfied)));
        let again = CaseFilter::from_query(answered.to_query().iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(again, answered, "the query it makes reads back as itself");
        assert_eq!(field(&[("date", "step_due"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("step", "appeal")]), "step");
        assert_eq!(field(&[("date", "regulatory_due"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("step", "review")]), "step", "step names a step's deadline");
        let steps = CaseFilter::from_query([("date", "step_due"), ("from", "2024-12-01"), ("to", "2024-12-31"), ("step", "investigation"), ("met", "late")]).unwrap();
        assert_eq!((steps.date.map(|d| d.field), steps.step, steps.met), (Some(DateField::StepDue), Some(crate::case::Step::Investigation), Some(Met::Late)));
        let again = CaseFilter::from_query(steps.to_query().iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(again, steps, "the query it makes reads back as itself");
    }

    #[test]
    fn bad_filter_values_name_their_parameter() {
        for (key, value) in [("kind", "fax"), ("status", "x"), ("sla", "late"), ("assignee", ""), ("channel", "fax"), ("category", "crypto"), ("team", "x'y"), ("reason", "lunch"), ("product_kind", "a b"), ("mismatch", "maybe")] {
            assert_eq!(CaseFilter::from_query([(key, value)]).unwrap_err().field, key);
        }
        assert_eq!(page_limit(None), Ok(PAGE_DEFAULT));
        assert_eq!(page_limit(Some("200")), Ok(200));
        assert_eq!(page_limit(Some("201")).unwrap_err().field, "limit");
        assert_eq!(page_limit(Some("0")).unwrap_err().field, "limit");
    }

    #[test]
    fn complaint_register_filters_round_trip_and_name_bad_values() {
        let filter = ComplaintFilter {
            open: Some(false),
            category: Some("cards".into()),
            outcome: Some(Outcome::Upheld),
            from: Some("2026-10-01T00:00:00Z".parse().unwrap()),
            to: Some("2026-11-01T00:00:00Z".parse().unwrap()),
        };
        let query = filter.to_query();
        assert_eq!(ComplaintFilter::from_query(query.iter().map(|(k, v)| (*k, v.as_str()))).unwrap(), filter);
        for (key, value) in [("status", "pending"), ("category", "crypto"), ("outcome", "maybe"), ("from", "yesterday"), ("to", "2026-13-01")] {
            assert_eq!(ComplaintFilter::from_query([(key, value)]).unwrap_err().field, key);
        }
    }

    #[test]
    fn the_public_form_needs_a_way_to_answer_and_no_follow_ups() {
        let form = PublicCaseRequest {
            kind: CaseKind::Complaint,
            name: "张伟".into(),
            phone: Some("13812345678".into()),
            email: None,
            subject: "转账未到账".into(),
            description: "昨天的转账至今未到账".into(),
            suggested_articles: vec![],
        };
        assert_eq!(form.validate(), Ok(()));
        let field = |f: PublicCaseRequest| f.validate().unwrap_err().field;
        assert_eq!(field(PublicCaseRequest { phone: Some(" ".into()), ..form.clone() }), "phone");
        assert_eq!(field(PublicCaseRequest { phone: None, email: Some("not-an-address".into()), ..form.clone() }), "email");
        assert_eq!(field(PublicCaseRequest { kind: CaseKind::FollowUp, ..form.clone() }), "kind");
        assert_eq!(field(PublicCaseRequest { name: "".into(), ..form.clone() }), "name");
        assert_eq!(field(PublicCaseRequest { suggested_articles: vec![String::new()], ..form.clone() }), "suggested_articles");
        assert_eq!(field(PublicCaseRequest { description: "x".repeat(TEXT_MAX + 1), ..form }), "description");
    }

    #[test]
    fn a_redress_is_bounded_so_the_reports_sums_stay_numbers() {
        let close = |amount: i64| TransitionRequest { to: Some("closed".into()), version: 1, redress_amount: Some(amount), ..TransitionRequest::default() };
        assert!(close(8_800).validate().is_ok());
        assert!(close(REDRESS_MAX_FEN).validate().is_ok());
        for bad in [-1, REDRESS_MAX_FEN + 1, i64::MAX] {
            assert_eq!(close(bad).validate().unwrap_err().field, "redress_amount", "{bad}");
        }
    }
}
