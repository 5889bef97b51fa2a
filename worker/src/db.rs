//! D1 access, one module per table. Each module keeps a private row struct whose fields are the
//! column names, and turns rows into domain types. Every list query names the index it uses.

pub mod appointments;
pub mod audit;
pub mod branches;
pub mod canned;
pub mod cases;
pub mod customers;
pub mod events;
pub mod follow_ups;
pub mod jobs;
pub mod knowledge;
pub mod limits;
pub mod meter;
pub mod outbox;
pub mod password_links;
pub mod reads;
pub mod sessions;
pub mod sign_in;
pub mod surveys;
pub mod settings;
pub mod stats;
pub mod teams;
pub mod users;

use chrono::{DateTime, Utc};
use worker::{D1Database, D1PreparedStatement};

use crate::error::ApiError;

/// `worker::query!`, noting the statement first (see [`trace`]). Every module prepares its
/// statements through this or [`prepare`], so the plan test sees every query Kefu runs.
macro_rules! query {
    ($db:expr, $sql:expr $(, $arg:expr)* $(,)?) => {{
        let sql: String = ::std::convert::Into::into($sql);
        $crate::db::trace::note(&sql, || vec![$(::serde_json::to_value(&$arg).unwrap_or_default()),*]);
        ::worker::query!($db, sql $(, $arg)*)
    }};
}
pub(crate) use query;

/// A statement built at run time (the queue's filters) with its arguments, noted like [`query!`].
pub fn prepare(db: &D1Database, sql: String, args: &[wasm_bindgen::JsValue]) -> Result<D1PreparedStatement, ApiError> {
    trace::note(&sql, || {
        args.iter()
            .map(|a| match (a.as_f64(), a.as_string(), a.as_bool()) {
                (Some(n), _, _) => serde_json::json!(n),
                (_, Some(text), _) => serde_json::Value::String(text),
                (_, _, Some(b)) => serde_json::Value::Bool(b),
                _ => serde_json::Value::Null,
            })
            .collect()
    });
    Ok(db.prepare(sql).bind(args)?)
}

/// In a build with the `test-hooks` feature (`cargo xtask test` and `bench` only) and with
/// `TRACE_SQL` set, the worker keeps what it prepares
/// (the bench: only for requests with `X-Kefu-Trace`):
/// every distinct SQL text, for the plan test (`GET /api/__test/queries`: it runs
/// `EXPLAIN QUERY PLAN` on each and fails on a full scan of a table that grows with the bank's
/// business), and the statements in order with their arguments since the last look
/// (`GET /api/__test/log`), which the benchmark runs straight against SQLite as the storage
/// floor of each API call. Elsewhere nothing is kept.
#[cfg(feature = "test-hooks")]
pub mod trace {
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeSet;

    use serde_json::Value;

    /// The ordered log keeps at most this many statements between two looks.
    const LOG_MAX: usize = 10_000;

    thread_local! {
        static ON: Cell<bool> = const { Cell::new(false) };
        static SEEN: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
        static LOG: RefCell<Vec<(String, Vec<Value>)>> = const { RefCell::new(Vec::new()) };
    }

    pub fn set(on: bool) {
        ON.with(|cell| cell.set(on));
    }

    pub fn note(sql: &str, args: impl FnOnce() -> Vec<Value>) {
        if !ON.with(Cell::get) {
            return;
        }
        SEEN.with(|seen| {
            if !seen.borrow().contains(sql) {
                seen.borrow_mut().insert(sql.to_string());
            }
        });
        LOG.with(|log| {
            let mut log = log.borrow_mut();
            if log.len() < LOG_MAX {
                log.push((sql.to_string(), args()));
            }
        });
    }

    pub fn seen() -> Vec<String> {
        SEEN.with(|seen| seen.borrow().iter().cloned().collect())
    }

    /// The statements noted since the last call, in order, as `{"sql", "args"}`.
    pub fn take_log() -> Vec<Value> {
        LOG.with(|log| log.take().into_iter().map(|(sql, args)| serde_json::json!({"sql": sql, "args": args})).collect())
    }
}

/// A deployed worker is built without the `test-hooks` feature: nothing is noted, and nothing
/// could hand the statements out.
#[cfg(not(feature = "test-hooks"))]
pub mod trace {
    pub fn note(_sql: &str, _args: impl FnOnce() -> Vec<serde_json::Value>) {}
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
