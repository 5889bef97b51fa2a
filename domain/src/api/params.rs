//! The one reader of the dates, instants and numbers clients send, in query parameters and in
//! bodies. Each is bounded here, so no arithmetic on a client's value can overflow: chrono
//! panics on a date past its range (`+262142-12-31` plus a day), and in a worker a panic can
//! take down the requests beside it. Every date a client gives lies in
//! [`FIRST_YEAR`]..=[`LAST_YEAR`], so the day after it, the period before it and any deadline
//! counted from it are dates too.

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::FieldError;

/// The years a client's date or instant may fall in.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2099;

/// A date written `YYYY-MM-DD`, in [`FIRST_YEAR`]..=[`LAST_YEAR`]; an error names `field`.
pub fn date(field: &'static str, value: &str) -> Result<NaiveDate, FieldError> {
    // Exactly ten characters: chrono alone also reads signed and five-digit years.
    let shaped = value.len() == 10 && value.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    shaped
        .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten()
        .filter(|d| (FIRST_YEAR..=LAST_YEAR).contains(&d.year()))
        .ok_or_else(|| FieldError::invalid(field, format!("{field} is not a date (YYYY-MM-DD) from {FIRST_YEAR} to {LAST_YEAR}")))
}

/// An RFC 3339 time, in [`FIRST_YEAR`]..=[`LAST_YEAR`]; an error names `field`.
pub fn instant(field: &'static str, value: &str) -> Result<DateTime<Utc>, FieldError> {
    let parsed = DateTime::parse_from_rfc3339(value).map(|t| t.with_timezone(&Utc)).ok();
    parsed.filter(|t| in_range(*t)).ok_or_else(|| FieldError::invalid(field, format!("{field} is not an RFC 3339 time from {FIRST_YEAR} to {LAST_YEAR}")))
}

/// An instant a body carried (already parsed by serde), checked like [`instant`].
pub fn check_instant(field: &'static str, value: DateTime<Utc>) -> Result<(), FieldError> {
    if in_range(value) {
        Ok(())
    } else {
        Err(FieldError::invalid(field, format!("{field} must be a time from {FIRST_YEAR} to {LAST_YEAR}")))
    }
}

/// A whole number written in decimal, in `range`; an error names `field`.
pub fn number(field: &'static str, value: &str, range: RangeInclusive<i64>) -> Result<i64, FieldError> {
    value
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| FieldError::invalid(field, format!("{field} must be a whole number from {} to {}", range.start(), range.end())))
}

fn in_range(t: DateTime<Utc>) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&t.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_at_the_edges_of_chronos_range_are_refused_not_computed_with() {
        for bad in ["+262142-12-31", "-262143-01-01", "262142-12-31", "+2026-01-01", "1999-12-31", "2100-01-01", "2026-02-30", "2026-1-5", " 2026-01-05", "２０２６-01-05", ""] {
            let err = date("date", bad).unwrap_err();
            assert_eq!(err.field, "date", "{bad:?}");
        }
        assert_eq!(date("date", "2026-11-25").unwrap(), NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        // The last date allowed still has a day after it and a year before it.
        let last = date("to", "2099-12-31").unwrap();
        assert!(last.succ_opt().is_some() && last.checked_sub_days(chrono::Days::new(366)).is_some());
    }

    #[test]
    fn instants_outside_the_years_are_refused() {
        for bad in ["+262142-12-31T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2026-11-24T25:61:00Z", "2026-11-24"] {
            assert_eq!(instant("from", bad).unwrap_err().field, "from", "{bad:?}");
        }
        assert!(instant("from", "2026-11-24T08:00:00+08:00").is_ok());
        let far = DateTime::from_timestamp_millis(8_210_266_876_799_999).unwrap();
        assert!(check_instant("start", far).is_err());
    }

    #[test]
    fn numbers_are_bounded_and_huge_ones_are_refused() {
        for bad in ["99999999999999999999", "9223372036854775808", "-1", "0", "201", "1e3", "0x10", " 5", "5.0", ""] {
            assert_eq!(number("limit", bad, 1..=200).unwrap_err().field, "limit", "{bad:?}");
        }
        assert_eq!(number("limit", "200", 1..=200), Ok(200));
    }
}
