//! D1 access, one module per table. Each module keeps a private row struct whose fields are the
//! column names, and turns rows into domain types. Every list query names the index it uses.

pub mod audit;
pub mod canned;
pub mod cases;
pub mod customers;
pub mod events;
pub mod jobs;
pub mod limits;
pub mod meter;
pub mod outbox;
pub mod sessions;
pub mod surveys;
pub mod settings;
pub mod teams;
pub mod users;

use chrono::{DateTime, Utc};

use crate::error::ApiError;

/// A stored epoch-millisecond instant as a UTC time.
pub fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A stored enum text as its domain value; a value the code does not know is a data fault.
pub fn parse<T: std::str::FromStr>(column: &str, text: &str) -> Result<T, ApiError> {
    text.parse().map_err(|_| ApiError::Internal(format!("unknown value in column {column}")))
}

/// Whether the first statement of a batch changed exactly one row: a version-guarded write
/// that changed nothing means someone else saved first.
pub fn first_changed(results: &[worker::D1Result]) -> bool {
    results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) == 1
}
