//! A customer's personal data: when it may be erased.
//!
//! Erasure (PIPL art. 47, the customer's request or a purpose fulfilled) replaces a customer's
//! personal data with nothing and keeps an anonymised shell of each case — its kind, channel,
//! category, dates, SLA and outcome — so every report counts the same before and after. The law
//! allows it only when nothing still needs the record: no case of theirs may be open, and a
//! complaint's file is kept whole for the regulators' record-keeping period after it closed.

use chrono::{DateTime, Duration, Utc};

/// How long a closed complaint's file is kept whole: the regulators' record-keeping period for
/// complaints, 3 years (the audit trail keeps the same), as days so that the hold and the cutoff
/// a query uses are exact inverses: 1,096 days covers any three calendar years, leap day and all.
pub const COMPLAINT_RECORD_DAYS: i64 = 3 * 365 + 1;

/// Case records one member of staff may read in an hour before it is recorded as unusual (an
/// audit event and a message to every supervisor and admin): the rows of list pages after the
/// first (paging through the queue) and the case pages opened. A desk's agent opens a few dozen
/// cases an hour and reads the first page of their views; copying the case list out page by
/// page passes this in minutes.
pub const BULK_READS_PER_HOUR: u32 = 500;

/// What the erasure rule reads about a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErasureFacts {
    pub erased: bool,
    pub open_cases: u32,
    /// When their most recently closed complaint closed.
    pub last_complaint_closed: Option<DateTime<Utc>>,
}

/// Why a customer's data may not be erased now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ErasureHold {
    #[error("the customer's personal data has already been erased")]
    AlreadyErased,
    #[error("the customer has {0} open case(s); close them first")]
    OpenCases(u32),
    #[error("a complaint's file is kept whole until {until}, the record-keeping period after it closed")]
    ComplaintRecord { until: DateTime<Utc> },
}

impl ErasureHold {
    /// The error code a client sees.
    pub fn code(&self) -> &'static str {
        match self {
            ErasureHold::AlreadyErased => "already_erased",
            ErasureHold::OpenCases(_) => "open_cases",
            ErasureHold::ComplaintRecord { .. } => "record_retention",
        }
    }
}

/// Complaints closed after this instant still hold their customer's data at `now`.
pub fn complaint_hold_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(COMPLAINT_RECORD_DAYS)
}

/// Whether the customer's data may be erased at `now`, and if not, the first reason why.
pub fn erasure_hold(facts: &ErasureFacts, now: DateTime<Utc>) -> Option<ErasureHold> {
    if facts.erased {
        return Some(ErasureHold::AlreadyErased);
    }
    if facts.open_cases > 0 {
        return Some(ErasureHold::OpenCases(facts.open_cases));
    }
    match facts.last_complaint_closed {
        Some(closed) if closed > complaint_hold_cutoff(now) => {
            Some(ErasureHold::ComplaintRecord { until: closed + Duration::days(COMPLAINT_RECORD_DAYS) })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::bj;

    const CLEAR: ErasureFacts = ErasureFacts { erased: false, open_cases: 0, last_complaint_closed: None };

    #[test]
    fn a_customer_with_only_closed_inquiries_may_be_erased() {
        assert_eq!(erasure_hold(&CLEAR, bj(2026, 11, 24, 10, 0)), None);
    }

    #[test]
    fn open_cases_hold_the_data_first() {
        let facts = ErasureFacts { open_cases: 2, last_complaint_closed: Some(bj(2026, 1, 1, 9, 0)), ..CLEAR };
        let hold = erasure_hold(&facts, bj(2026, 11, 24, 10, 0)).unwrap();
        assert_eq!((hold, hold.code()), (ErasureHold::OpenCases(2), "open_cases"));
    }

    #[test]
    fn a_complaint_keeps_its_file_three_years_after_it_closed() {
        let closed = bj(2024, 2, 29, 16, 30);
        let facts = ErasureFacts { last_complaint_closed: Some(closed), ..CLEAR };
        // Three years and the leap day they span.
        let until = bj(2027, 3, 1, 16, 30);
        assert_eq!(erasure_hold(&facts, bj(2027, 2, 27, 16, 30)), Some(ErasureHold::ComplaintRecord { until }));
        assert_eq!(erasure_hold(&facts, bj(2027, 3, 1, 16, 29)), Some(ErasureHold::ComplaintRecord { until }));
        assert_eq!(erasure_hold(&facts, until), None);
    }

    #[test]
    fn erasing_twice_is_refused() {
        let hold = erasure_hold(&ErasureFacts { erased: true, ..CLEAR }, bj(2026, 11, 24, 10, 0)).unwrap();
        assert_eq!(hold.code(), "already_erased");
    }

    #[test]
    fn the_cutoff_and_the_hold_agree() {
        let now = bj(2026, 11, 24, 10, 0);
        let cutoff = complaint_hold_cutoff(now);
        let at_cutoff = ErasureFacts { last_complaint_closed: Some(cutoff), ..CLEAR };
        let after = ErasureFacts { last_complaint_closed: Some(cutoff + chrono::Duration::milliseconds(1)), ..CLEAR };
        assert_eq!(erasure_hold(&at_cutoff, now), None);
        assert!(matches!(erasure_hold(&after, now), Some(ErasureHold::ComplaintRecord { .. })));
    }
}
