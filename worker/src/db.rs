//! D1 access, one module per table. Each module keeps a private row struct whose fields are the
//! column names, and turns rows into domain types. Every list query names the index it uses.

pub mod audit;
pub mod cases;
pub mod customers;
pub mod events;
pub mod sessions;
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
