//! What a job's D1 work cost, for its entry in the job log and for the benchmark: statements
//! sent, time spent waiting for D1, and the rows D1 says it read and wrote.

use std::collections::BTreeMap;
use std::future::Future;

use worker::D1Result;

use crate::error::ApiError;

#[derive(Default)]
pub struct Meter {
    queries: i64,
    waited_ms: i64,
    rows_read: i64,
    rows_written: i64,
}

impl Meter {
    /// Awaits D1 work of `statements` statements, counting them and the time it took.
    pub async fn time<T>(&mut self, statements: usize, work: impl Future<Output = Result<T, ApiError>>) -> Result<T, ApiError> {
        let started = worker::Date::now().as_millis();
        let result = work.await;
        self.waited_ms += worker::Date::now().as_millis().saturating_sub(started) as i64;
        self.queries += statements as i64;
        result
    }

    /// Adds the rows the statements' results say they read and wrote.
    pub fn rows(&mut self, results: &[D1Result]) {
        for meta in results.iter().filter_map(|r| r.meta().ok().flatten()) {
            self.rows_read += meta.rows_read.unwrap_or(0) as i64;
            self.rows_written += meta.rows_written.unwrap_or(0) as i64;
        }
    }

    pub fn report(&self, counts: &mut BTreeMap<String, i64>) {
        counts.insert("queries".into(), self.queries);
        counts.insert("d1_ms".into(), self.waited_ms);
        counts.insert("rows_read".into(), self.rows_read);
        counts.insert("rows_written".into(), self.rows_written);
    }
}
