//! Branch appointments: what customers book from the public page or agents book for them, and
//! what staff at the branch look up, check in and mark as not come.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::{check_email, check_text, optional_text, FieldError, NewCustomer, Validate};
use crate::case::string_enum;
use crate::questionnaire::Text;

string_enum! {
    /// Where an appointment stands: booked, cancelled (by the customer's link), checked in at
    /// the branch (identity checked against the ID document), or not come.
    AppointmentStatus {
        Booked = "booked",
        Cancelled = "cancelled",
        CheckedIn = "checked_in",
        NoShow = "no_show",
    }
}

/// A service a branch offers by appointment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchService {
    pub code: String,
    pub name: Text,
    /// How long one appointment takes; slots follow each other by this much.
    pub minutes: i64,
    /// How many customers one slot takes (counters serving it at once).
    pub capacity: i64,
    /// What to bring.
    pub bring: Text,
}

/// A branch that takes appointments, with its opening hours on working days and its services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    pub id: String,
    pub name: Text,
    pub address: Text,
    pub phone: String,
    /// Local opening and closing time ("09:00", "17:00") on the institution's working days.
    pub opens: String,
    pub closes: String,
    pub services: Vec<BranchService>,
}

/// One slot of a day and how many places are left in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub left: i64,
}

/// `GET /api/public/slots`: a day's slots of a service at a branch (none on a closed day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySlots {
    pub branch_id: String,
    pub service: String,
    pub date: NaiveDate,
    pub open: bool,
    pub slots: Vec<Slot>,
}

/// `POST /api/public/appointments`: a customer books without an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    pub branch_id: String,
    pub service: String,
    pub start: DateTime<Utc>,
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

impl Validate for BookingRequest {
    fn validate(&self) -> Result<(), FieldError> {
        super::params::check_instant("start", self.start)?;
        check_text("branch_id", &self.branch_id, 64)?;
        check_text("service", &self.service, 64)?;
        let filled = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
        if filled(&self.phone).is_none() && filled(&self.email).is_none() {
            return Err(FieldError::invalid("phone", "give a phone number or an e-mail address for the confirmation"));
        }
        if let Some(email) = filled(&self.email) {
            check_email("email", email.trim())?;
        }
        NewCustomer { name: self.name.clone(), phone: filled(&self.phone), email: filled(&self.email), segment: None }.validate()
    }
}

/// `POST /api/appointments`: an agent books for a customer on file, from their case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffBookingRequest {
    pub branch_id: String,
    pub service: String,
    pub start: DateTime<Utc>,
    pub customer_id: String,
    #[serde(default)]
    pub case_id: Option<String>,
}

impl Validate for StaffBookingRequest {
    fn validate(&self) -> Result<(), FieldError> {
        super::params::check_instant("start", self.start)?;
        check_text("branch_id", &self.branch_id, 64)?;
        check_text("service", &self.service, 64)?;
        check_text("customer_id", &self.customer_id, 64)
    }
}

/// An appointment as the customer's link shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicAppointment {
    pub reference: String,
    pub status: AppointmentStatus,
    pub branch_id: String,
    pub branch: Text,
    pub address: Text,
    pub service: String,
    pub service_name: Text,
    pub bring: Text,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// What a booking answers: the appointment, and the link (its path) that reschedules or
/// cancels it. The link is shown once and sent in the confirmation; Kefu keeps only its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingReceipt {
    pub appointment: PublicAppointment,
    pub manage_path: String,
}

/// An appointment as staff see it: the customer's phone masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: String,
    #[serde(flatten)]
    pub public: PublicAppointment,
    pub customer_id: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub case_id: Option<String>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_by: Option<String>,
    pub version: i64,
}

/// `POST /api/public/appointments/{token}/reschedule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    pub start: DateTime<Utc>,
}

impl Validate for RescheduleRequest {
    fn validate(&self) -> Result<(), FieldError> {
        super::params::check_instant("start", self.start)
    }
}

/// `POST /api/appointments/{id}/check-in`: the customer is at the counter, and the member of
/// staff has checked their ID document against the booking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    pub id_document_checked: bool,
    pub version: i64,
}

impl Validate for CheckInRequest {
    fn validate(&self) -> Result<(), FieldError> {
        if !self.id_document_checked {
            return Err(FieldError::invalid("id_document_checked", "check the customer's ID document against the booking first"));
        }
        Ok(())
    }
}

/// `POST /api/appointments/{id}/no-show`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoShowRequest {
    pub version: i64,
}

impl Validate for NoShowRequest {
    fn validate(&self) -> Result<(), FieldError> {
        Ok(())
    }
}

/// A branch as admins keep it (`GET /api/branches`): active or not, with the codes of the
/// services it offers and how many of its bookings are still to come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchRecord {
    pub id: String,
    pub name: Text,
    pub address: Text,
    pub phone: String,
    pub opens: String,
    pub closes: String,
    pub services: Vec<String>,
    pub active: bool,
    /// Booked appointments from now on: they stay booked whatever is changed here.
    pub upcoming: i64,
    pub version: i64,
}

/// `POST /api/branches` (no version) and `PUT /api/branches/{id}` (the version read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchInput {
    pub name: Text,
    pub address: Text,
    #[serde(default)]
    pub phone: String,
    /// Local opening and closing time, "HH:MM", on the business calendar's working days.
    pub opens: String,
    pub closes: String,
    /// The codes of the services booked here.
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default = "super::yes")]
    pub active: bool,
    #[serde(default)]
    pub version: Option<i64>,
}

/// A time of day as branches keep it ("09:00").
pub fn parse_hhmm(field: &'static str, value: &str) -> Result<NaiveTime, FieldError> {
    let valid = value.len() == 5 && value.as_bytes()[2] == b':';
    valid.then(|| NaiveTime::parse_from_str(value, "%H:%M").ok()).flatten().ok_or_else(|| FieldError::invalid(field, format!("{field} must be a time like 09:00")))
}

/// Both languages of a required text.
fn check_both(zh: &'static str, en: &'static str, text: &Text, max: usize) -> Result<(), FieldError> {
    check_text(zh, &text.zh, max)?;
    check_text(en, &text.en, max)
}

impl Validate for BranchInput {
    fn validate(&self) -> Result<(), FieldError> {
        check_both("name.zh", "name.en", &self.name, 100)?;
        check_both("address.zh", "address.en", &self.address, 200)?;
        optional_text("phone", &self.phone, 40)?;
        let opens = parse_hhmm("opens", &self.opens)?;
        if parse_hhmm("closes", &self.closes)? <= opens {
            return Err(FieldError::invalid("closes", "closes must be later than opens"));
        }
        if self.services.len() > 50 {
            return Err(FieldError::invalid("services", "a branch offers at most 50 services"));
        }
        for (i, code) in self.services.iter().enumerate() {
            check_text("services", code, 40)?;
            if self.services[..i].contains(code) {
                return Err(FieldError::invalid("services", format!("{code} is listed twice")));
            }
        }
        if self.version.is_some_and(|v| v < 0) {
            return Err(FieldError::invalid("version", "version can't be negative"));
        }
        Ok(())
    }
}

/// A service as admins keep it (`GET /api/services`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRecord {
    #[serde(flatten)]
    pub service: BranchService,
    /// A retired service is no longer offered for booking; its appointments stay.
    pub active: bool,
    pub version: i64,
}

/// `POST /api/services` (with a new `code`, no version) and `PUT /api/services/{code}` (the
/// version read; the code cannot change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    #[serde(default)]
    pub code: Option<String>,
    pub name: Text,
    pub minutes: i64,
    pub capacity: i64,
    #[serde(default)]
    pub bring: Text,
    #[serde(default = "super::yes")]
    pub active: bool,
    #[serde(default)]
    pub version: Option<i64>,
}

/// The longest appointment a service may take, and the most customers one slot may take.
pub const SERVICE_MINUTES: std::ops::RangeInclusive<i64> = 5..=480;
pub const SERVICE_CAPACITY: std::ops::RangeInclusive<i64> = 1..=50;

impl Validate for ServiceInput {
    fn validate(&self) -> Result<(), FieldError> {
        if let Some(code) = &self.code {
            let valid = (2..=40).contains(&code.len())
                && code.starts_with(|c: char| c.is_ascii_lowercase())
                && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                return Err(FieldError::invalid("code", "code must be 2 to 40 lower-case letters, digits and _, starting with a letter"));
            }
        }
        check_both("name.zh", "name.en", &self.name, 100)?;
        if !SERVICE_MINUTES.contains(&self.minutes) {
            return Err(FieldError::invalid("minutes", "minutes must be from 5 to 480"));
        }
        if !SERVICE_CAPACITY.contains(&self.capacity) {
            return Err(FieldError::invalid("capacity", "capacity must be from 1 to 50"));
        }
        optional_text("bring.zh", &self.bring.zh, 300)?;
        optional_text("bring.en", &self.bring.en, 300)?;
        if self.version.is_some_and(|v| v < 0) {
            return Err(FieldError::invalid("version", "version can't be negative"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn branch() -> BranchInput {
        BranchInput {
            name: Text::new("西单支行", "Xidan Branch"),
            address: Text::new("北京市西城区西单北大街1号", "1 Xidan North Street, Beijing"),
            phone: "010-6600 0000".into(),
            opens: "09:00".into(),
            closes: "17:00".into(),
            services: vec!["account_opening".into(), "card_replacement".into()],
            active: true,
            version: None,
        }
    }

    fn service() -> ServiceInput {
        ServiceInput { code: Some("safe_box".into()), name: Text::new("保管箱开箱", "Opening a safe deposit box"), minutes: 30, capacity: 1, bring: Text::default(), active: true, version: None }
    }

    fn field(e: Result<(), FieldError>) -> String {
        e.expect_err("refused").field
    }

    #[test]
    fn a_branch_needs_both_languages_and_hours_that_open_before_they_close() {
        assert_eq!(branch().validate(), Ok(()));
        assert_eq!(field(BranchInput { name: Text::new("西单支行", " "), ..branch() }.validate()), "name.en");
        assert_eq!(field(BranchInput { address: Text::new("", "1 Xidan"), ..branch() }.validate()), "address.zh");
        assert_eq!(field(BranchInput { opens: "9:00".into(), ..branch() }.validate()), "opens");
        assert_eq!(field(BranchInput { opens: "24:00".into(), ..branch() }.validate()), "opens");
        assert_eq!(field(BranchInput { closes: "09:00".into(), ..branch() }.validate()), "closes");
        assert_eq!(field(BranchInput { closes: "08:30".into(), ..branch() }.validate()), "closes");
    }

    #[test]
    fn a_branch_lists_each_service_once() {
        let twice = BranchInput { services: vec!["account_opening".into(), "account_opening".into()], ..branch() };
        assert_eq!(field(twice.validate()), "services");
        assert_eq!(field(BranchInput { services: vec![String::new()], ..branch() }.validate()), "services");
        assert_eq!(BranchInput { services: Vec::new(), ..branch() }.validate(), Ok(()));
    }

    #[test]
    fn a_service_has_a_plain_code_a_sensible_length_and_room_for_someone() {
        assert_eq!(service().validate(), Ok(()));
        for bad in ["", "x", "Safe_box", "1box", "safe-box", "保管箱", &"a".repeat(41)] {
            assert_eq!(field(ServiceInput { code: Some(bad.into()), ..service() }.validate()), "code", "{bad:?}");
        }
        assert_eq!(ServiceInput { code: None, ..service() }.validate(), Ok(()));
        assert_eq!(field(ServiceInput { minutes: 4, ..service() }.validate()), "minutes");
        assert_eq!(field(ServiceInput { minutes: 481, ..service() }.validate()), "minutes");
        assert_eq!(field(ServiceInput { capacity: 0, ..service() }.validate()), "capacity");
        assert_eq!(field(ServiceInput { capacity: 51, ..service() }.validate()), "capacity");
        assert_eq!(field(ServiceInput { name: Text::new("", "Safe box"), ..service() }.validate()), "name.zh");
        assert_eq!(field(ServiceInput { bring: Text::new(&"证".repeat(301), ""), ..service() }.validate()), "bring.zh");
    }
}
