//! `cargo xtask bench [--quick]`: generates a large deterministic dataset straight into a local
//! D1 file, starts the worker on it, measures, and writes `BENCHMARKS.md` and `BENCHMARKS.json`
//! at the workspace root (`--quick`: a tenth of the size, written under `target/kefu-bench/`).
//!
//! Measured: the API calls of the agent workspace beside `/api/health`, and their statements
//! straight on SQLite; the SLA sweep, per run, on a fixed number of newly breached cases among
//! 100,000 and then 500,000 open ones; survey dispatch to 100,000 and 1,000,000 customers; the
//! hourly tally of the dashboard's days; follow-up planning on 1,000,000 customers from empty;
//! the app's release bundle.

mod api;
mod bundle;
mod data;
mod dispatch;
mod load;
mod planning;
mod provider;
mod report;
mod stats;
mod sweep;

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use chrono::{DateTime, TimeZone, Utc};

use crate::wrangler::{free_port, prepare_state, sqlite_file, start_wrangler, stop, wait_for, TEST_HOOKS};
use crate::{root, setup, step};

/// The instant the dataset is generated around: a Tuesday, 10:00 in Beijing (business hours).
pub(crate) fn bench_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).single().expect("a valid instant")
}

pub fn run(args: &[String]) -> Result<ExitCode> {
    let size = match args {
        [] => data::FULL,
        [flag] if flag == "--quick" => data::QUICK,
        _ => bail!("usage: cargo xtask bench [--quick]"),
    };
    let paths = setup::all(false)?;
    setup::wrk()?;
    crate::app::build(&paths)?;
    let now = bench_now();
    let work = root().join("target").join("kefu-bench").join(size.name);
    let _ = std::fs::remove_dir_all(&work);
    let state = work.join("state");
    prepare_state(&paths, &state, now)?;
    let file = sqlite_file(&state)?;

    step(&format!(
        "generating {} cases, {} events, {} customers and {} agents into {}",
        size.cases,
        size.events,
        size.customers,
        size.agents,
        file.display()
    ));
    let started = Instant::now();
    data::generate(&file, size, now)?;
    let generated = started.elapsed();
    println!("    generated in {:.1} s ({} MB)", generated.as_secs_f64(), std::fs::metadata(&file)?.len() / 1_000_000);

    let mut report = report::Report::new(size, generated);
    let (provider_port, provider) = provider::start()?;
    let notify = vec![
        format!("NOTIFY_URL:http://127.0.0.1:{provider_port}/notify"),
        "NOTIFY_SECRET:bench".to_string(),
        // The API latency runs trace one request of each call, and make every request as of
        // the dataset's instant (api.rs).
        "TRACE_SQL:request".to_string(),
        "ALLOW_TEST_CLOCK:1".to_string(),
    ];
    let mut server = Server::start(&paths, &state, &work, notify)?;
    let outcome = (|| -> Result<()> {
        report.sweep = sweep::measure(&mut server, &paths, &file, size, now)?;
        report.dispatch = dispatch::measure(&mut server, &paths, &file, size, now, &provider)?;
        // Last, as its writes (new cases, replies) would change what the sweep finds due; on a
        // fresh workerd, as the hours of dispatch before leave its JavaScript heap near its limit.
        server.restart(&paths)?;
        report.stats = stats::catch_up(&server, &file, now)?;
        report.api = Some(api::measure(&mut server, &paths, &file, size)?);
        server.restart(&paths)?;
        let seconds = if size.name == data::FULL.name { load::SECONDS } else { 15 };
        report.load = Some(load::measure(&server, &file, &work, seconds)?);
        // Last: it adds thousands of follow-up cases.
        report.planning = Some(planning::measure(&mut server, &paths, &file, now)?);
        Ok(())
    })();
    server.stop();
    outcome?;
    report.bundle = Some(bundle::measure()?);

    let (md, json) = if size.name == data::FULL.name {
        (root().join("BENCHMARKS.md"), root().join("BENCHMARKS.json"))
    } else {
        (work.join("BENCHMARKS.md"), work.join("BENCHMARKS.json"))
    };
    report.write(&md, &json)?;
    step(&format!("wrote {} and {}", md.display(), json.display()));
    Ok(ExitCode::SUCCESS)
}

/// The worker under measurement: `wrangler dev` on the dataset, on a port of its own, with
/// the benchmark's provider as its `NOTIFY_URL`.
pub struct Server {
    pub port: u16,
    child: Option<std::process::Child>,
    state: std::path::PathBuf,
    work: std::path::PathBuf,
    vars: Vec<String>,
}

impl Server {
    pub fn start(paths: &setup::Paths, state: &Path, work: &Path, vars: Vec<String>) -> Result<Server> {
        let mut server = Server { port: 0, child: None, state: state.to_path_buf(), work: work.to_path_buf(), vars };
        server.restart(paths)?;
        Ok(server)
    }

    /// Starts it again (after the dataset was changed with it stopped), on a new port.
    pub fn restart(&mut self, paths: &setup::Paths) -> Result<()> {
        self.stop();
        self.port = free_port()?;
        step(&format!("starting wrangler dev on port {}", self.port));
        let mut child = start_wrangler(paths, &self.state, self.port, Some(&self.work.join("wrangler.log")), &self.vars, TEST_HOOKS)?;
        wait_for(self.port, "/api/health", &mut child, Duration::from_secs(900))?;
        self.child = Some(child);
        Ok(())
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop(&mut child);
        }
    }
}

/// A GET over a plain socket; returns the status code and the body.
pub fn get(port: u16, path: &str) -> Result<(u16, String)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(600)))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    let mut text = String::new();
    stream.read_to_string(&mut text)?;
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}

/// The newest job-log entry of `job`: its wall time and counts; an error if the run failed.
pub fn last_job(db: &rusqlite::Connection, job: &str) -> Result<(i64, std::collections::BTreeMap<String, i64>)> {
    let (wall_ms, counts, error): (i64, String, Option<String>) = db.query_row(
        "SELECT finished_at - started_at, counts, error FROM job_runs WHERE job = ?1 ORDER BY id DESC LIMIT 1",
        [job],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if let Some(error) = error {
        bail!("{job} failed: {error}");
    }
    Ok((wall_ms, serde_json::from_str(&counts)?))
}
