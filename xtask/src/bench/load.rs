//! The load test: `wrk` (Debian's package, installed by `cargo xtask bench`) keeps 32
//! connections busy for 60 seconds against the local worker, each request the next of the agent
//! workspace's reads in turn (the queue's views, counts, case pages, customer search and
//! profiles, with the dataset's own ids), signed in as the benchmark's agent. Every answer must
//! be a 2xx: any error, timeout or other status fails the benchmark.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::Server;

pub const CONNECTIONS: u32 = 32;
pub const SECONDS: u32 = 60;

#[derive(Serialize, Deserialize, Clone)]
pub struct Load {
    pub connections: u32,
    pub seconds: f64,
    pub paths: usize,
    pub requests: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Connection, read, write and timeout errors, and answers that were not 2xx or 3xx.
    pub errors: u64,
}

/// The script wrk runs: the paths in turn on each connection, the session cookie and the test
/// clock on every request, and at the end one line of JSON with what it measured.
fn script(paths: &[String], cookie: &str, now: &str) -> String {
    let list = paths.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(",\n  ");
    format!(
        r#"local paths = {{
  {list}
}}
local n = 0
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["X-Kefu-Test-Now"] = "{now}"
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('KEFU-LOAD {{"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"errors":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"#
    )
}

#[derive(Deserialize)]
struct Summary {
    requests: u64,
    duration_us: u64,
    p50_us: u64,
    p90_us: u64,
    p99_us: u64,
    max_us: u64,
    errors: u64,
}

pub fn measure(server: &Server, file: &Path, work: &Path, seconds: u32) -> Result<Load> {
    let db = Connection::open(file)?;
    let paths = super::api::workspace_paths(&db)?;
    let cookie = super::api::sign_in(server.port, super::api::AGENT_EMAIL)?;
    let script_file = work.join("load.lua");
    std::fs::write(&script_file, script(&paths, &cookie, &super::bench_now().timestamp_millis().to_string()))?;
    crate::step(&format!("load test: wrk, {CONNECTIONS} connections for {seconds} s over {} workspace reads", paths.len()));
    let output = Command::new("wrk")
        .args(["-t2", &format!("-c{CONNECTIONS}"), &format!("-d{seconds}s"), "--timeout", "10s", "-s"])
        .arg(&script_file)
        .arg(format!("http://127.0.0.1:{}", server.port))
        .output()
        .context("running wrk (installed by cargo xtask bench from Debian's packages)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix("KEFU-LOAD ")).with_context(|| format!("wrk printed no summary: {stdout}"))?;
    let s: Summary = serde_json::from_str(line)?;
    let ms = |us: u64| (us as f64 / 10.0).round() / 100.0;
    let load = Load {
        connections: CONNECTIONS,
        seconds: s.duration_us as f64 / 1e6,
        paths: paths.len(),
        requests: s.requests,
        per_second: (s.requests as f64 / (s.duration_us as f64 / 1e6) * 10.0).round() / 10.0,
        p50_ms: ms(s.p50_us),
        p90_ms: ms(s.p90_us),
        p99_ms: ms(s.p99_us),
        max_ms: ms(s.max_us),
        errors: s.errors,
    };
    println!(
        "    {} requests, {}/s; p50 {} ms, p90 {} ms, p99 {} ms, max {} ms; {} errors",
        load.requests, load.per_second, load.p50_ms, load.p90_ms, load.p99_ms, load.max_ms, load.errors
    );
    if load.errors > 0 || load.requests == 0 {
        bail!("the load test had {} errors in {} requests", load.errors, load.requests);
    }
    Ok(load)
}
