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
use worker::{D1Database, D1PreparedStatement};

use crate::error::ApiError;

/// `worker::query!`, noting the statement's SQL first (see [`trace`]). Every module prepares its
/// statements through this or [`prepare`], so the plan test sees every query Kefu runs.
macro_rules! query {
    ($db:expr, $sql:expr $(, $arg:expr)* $(,)?) => {{
        let sql: String = ::std::convert::Into::into($sql);
        $crate::db::trace::note(&sql);
        ::worker::query!($db, sql $(, $arg)*)
    }};
}
pub(crate) use query;

/// A statement built at run time (the queue's filters), noted like [`query!`].
pub fn prepare(db: &D1Database, sql: String) -> D1PreparedStatement {
    trace::note(&sql);
    db.prepare(sql)
}

/// Under `cargo xtask test` only (`ALLOW_TEST_CLOCK`), the worker keeps every distinct SQL text
/// it has prepared, and `GET /api/__test/queries` hands them over: the plan test runs
/// `EXPLAIN QUERY PLAN` on each against the test database and fails on a full scan of a table
/// that grows with the bank's business. Elsewhere nothing is kept.
pub mod trace {
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeSet;

    thread_local! {
        static ON: Cell<bool> = const { Cell::new(false) };
        static SEEN: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
    }

    pub fn enable() {
        ON.with(|on| on.set(true));
    }

    pub fn note(sql: &str) {
        if ON.with(Cell::get) {
            SEEN.with(|seen| {
                if !seen.borrow().contains(sql) {
                    seen.borrow_mut().insert(sql.to_string());
                }
            });
        }
    }

    pub fn seen() -> Vec<String> {
        SEEN.with(|seen| seen.borrow().iter().cloned().collect())
    }
}


/// A stored epoch-millisecond instant as a UTC time.
pub fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A stored enum text as its domain value; a value the code does not know is a data fault.
pub fn parse<T: std::str::FromStr>(column: &str, text: &str) -> Result<T, ApiError> {
    text.parse().map_err(|_| ApiError::Internal(format!("unknown value in column {column}")))
}

/// Whether the first statement of a batch changed its row: a version-guarded write that changed
/// nothing means someone else saved first. (D1's count includes the rows its triggers changed:
/// a case's update also moves its agents' load in users, 0014_scale.sql.)
pub fn first_changed(results: &[worker::D1Result]) -> bool {
    results.first().and_then(|r| r.meta().ok().flatten()).and_then(|m| m.changes).unwrap_or(0) >= 1
}
