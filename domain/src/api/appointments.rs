//! Branch appointments: what customers book from the public page or agents book for them, and
//! what staff at the branch look up, check in and mark as not come.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{check_email, check_text, FieldError, NewCustomer, Validate};
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
        Ok(())
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
