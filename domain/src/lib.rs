//! Kefu's domain: the words of a bank's service desk as types, and its rules as functions.
//!
//! Everything here is pure. Time enters as a `now` parameter, never from a clock, so the app
//! (in the browser), the worker (on Cloudflare) and the native tests all get the same answers.

pub mod api;
pub mod appointment;
pub mod assignment;
pub mod calendar;
pub mod canned;
pub mod case;
pub mod classify;
pub mod customer;
pub mod export;
pub mod follow_up;
pub mod knowledge;
pub mod lifecycle;
pub mod limits;
pub mod metrics;
pub mod mfa;
pub mod password;
pub mod privacy;
pub mod regulatory;
pub mod sale;
pub mod routing;
pub mod sla;
pub mod stats;
pub mod questionnaire;
pub mod survey;
pub mod sweep;
pub mod user;

pub use case::{CaseKind, Channel, Complexity, EventType, Identity, Status, Step};
pub use customer::{LeaveReason, Lifecycle, Segment};
pub use sla::SlaState;
pub use user::Role;

/// Helpers shared by the rules' tests.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::{DateTime, TimeZone, Utc};

    /// A Beijing wall-clock time as an instant.
    pub fn bj(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Shanghai.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc)
    }
}
