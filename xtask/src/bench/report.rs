//! `BENCHMARKS.md` (tables for people) and `BENCHMARKS.json` (the same numbers for scripts).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

use super::data::Size;
use super::{api, bundle, dispatch, load, planning};
use super::sweep::{Run, Scenario};
use crate::root;

#[derive(Serialize)]
struct Machine {
    cores: usize,
    memory_gb: f64,
    date: String,
    commit: String,
}

#[derive(Serialize)]
struct Dataset {
    name: &'static str,
    cases: usize,
    events: usize,
    customers: usize,
    agents: usize,
    open: usize,
    /// Customers once the survey audience is added.
    audience: usize,
    generated_s: f64,
}

#[derive(Serialize)]
pub struct Report {
    machine: Machine,
    dataset: Dataset,
    pub api: Option<api::Results>,
    /// wrk at 32 connections for 60 s over the agent workspace's reads.
    pub load: Option<load::Load>,
    pub sweep: Vec<Scenario>,
    pub dispatch: Vec<dispatch::Scenario>,
    pub bundle: Option<bundle::Bundle>,
    /// Follow-up planning on the whole book, from empty.
    pub planning: Option<planning::Planning>,
    /// The hourly stats job's runs until it had tallied every day.
    pub stats: Vec<super::stats::Run>,
}

fn machine() -> Machine {
    let memory_kb: f64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().find(|l| l.starts_with("MemTotal:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|n| n.parse().ok()))
        .unwrap_or(0.0);
    let git = |args: &[&str]| Command::new("git").args(args).current_dir(root()).output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    let dirty = !git(&["status", "--porcelain", "--untracked-files=no"]).is_empty();
    Machine {
        cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        memory_gb: (memory_kb / 1_048_576.0 * 10.0).round() / 10.0,
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        commit: format!("{}{}", git(&["rev-parse", "--short", "HEAD"]), if dirty { " (with uncommitted changes)" } else { "" }),
    }
}

impl Report {
    pub fn new(size: Size, generated: Duration) -> Report {
        Report {
            machine: machine(),
            dataset: Dataset {
                name: size.name,
                cases: size.cases,
                events: size.events,
                customers: size.customers,
                agents: size.agents,
                open: size.open,
                audience: size.audience,
                generated_s: (generated.as_secs_f64() * 10.0).round() / 10.0,
            },
            api: None,
            load: None,
            sweep: Vec::new(),
            dispatch: Vec::new(),
            bundle: None,
            planning: None,
            stats: Vec::new(),
        }
    }

    pub fn write(&self, md: &Path, json: &Path) -> Result<()> {
        std::fs::write(json, serde_json::to_string_pretty(self)? + "\n")?;
        std::fs::write(md, self.markdown())?;
        Ok(())
    }

    fn markdown(&self) -> String {
        let (m, d) = (&self.machine, &self.dataset);
        let mut out = String::new();
        let _ = writeln!(out, "# Kefu benchmarks\n");
        let _ = writeln!(out, "Written by `cargo xtask bench` ({} dataset) on {}, commit {}.", d.name, m.date, m.commit);
        let _ = writeln!(out, "Machine: {} cores, {} GB memory; the worker runs in `wrangler dev` (workerd) on local D1 (SQLite).\n", m.cores, m.memory_gb);
        let _ = writeln!(out, "## Dataset\n");
        let _ = writeln!(
            out,
            "{} cases ({} open), {} case events, {} customers, {} agents; generated straight into the D1 file in {:.1} s.\n",
            d.cases, d.open, d.events, d.customers, d.agents, d.generated_s
        );
        self.api_table(&mut out);
        self.load_table(&mut out);
        let _ = writeln!(out, "## SLA sweep (`*/5 * * * *`)\n");
        let _ = writeln!(
            out,
            "Each scenario runs the cron at the instant a set of open cases turns breached, until a run finds nothing left. \
             A run reads at most 10 rounds of 500 due cases (`cases_next_check`) and writes each round in one batch of \
             set-based statements. *D1 time* is the time the job waited on D1; *wall* is the whole job.\n"
        );
        let _ = writeln!(out, "| open cases | newly breached | runs | first run: wall / D1 ms | queries | rows read | rows written | all runs: wall / D1 ms | queries |");
        let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for s in &self.sweep {
            let first = s.runs.first().cloned().unwrap_or_default();
            let working: Vec<&Run> = s.runs.iter().filter(|r| r.examined > 0).collect();
            let sum = |f: fn(&Run) -> i64| working.iter().map(|r| f(r)).sum::<i64>();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} / {} | {} | {} | {} | {} / {} | {} |",
                s.open,
                s.newly_breached,
                working.len(),
                first.wall_ms,
                first.d1_ms,
                first.queries,
                first.rows_read,
                first.rows_written,
                sum(|r| r.wall_ms),
                sum(|r| r.d1_ms),
                sum(|r| r.queries),
            );
        }
        let _ = writeln!(out, "\nThe runs' own entries are in `BENCHMARKS.json` (`sweep[].runs`), the final idle run included.\n");
        self.dispatch_table(&mut out);
        self.planning_section(&mut out);
        if !self.stats.is_empty() {
            let days: i64 = self.stats.iter().map(|r| r.days_stored + r.days_retallied).sum();
            let _ = writeln!(out, "\n## Dashboard tallies (`0 * * * *`)\n");
            let _ = writeln!(
                out,
                "Before the API is measured, the hourly job runs as of the dataset's now until it has stored every day that has ended \
                 (from the first case, three years back) and tallied again every day the scenarios above changed: {} runs, {days} days. \
                 Each run tallies at most 40 days, each day in two round trips (its cases and answers by the instants they count on, then \
                 its tallies per team and agent in one batch).\n",
                self.stats.len()
            );
            let _ = writeln!(out, "| run | days stored | days re-tallied | wall / D1 ms | queries | rows read | rows written |");
            let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|");
            for (i, r) in self.stats.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} / {} | {} | {} | {} |",
                    i + 1, r.days_stored, r.days_retallied, r.wall_ms, r.d1_ms, r.queries, r.rows_read, r.rows_written
                );
            }
        }
        self.bundle_table(&mut out);
        out
    }

    fn api_table(&self, out: &mut String) {
        let Some(api) = &self.api else { return };
        let health = |c: usize| api.health.iter().find(|l| l.concurrency == c).cloned();
        let _ = writeln!(out, "## API latency\n");
        let _ = writeln!(
            out,
            "Measured last, on the dataset as the scenarios below left it ({} customers after the survey audience was added). \
             Signed in as `{}` (a few hundred open cases of the dataset's; the dashboard as the demo supervisor), over keep-alive connections to `wrangler dev`. \
             Each call is measured at concurrency 1 and 8 ({} and {} requests after a warm-up) beside `GET /api/health` in the \
             same run, the floor that wrangler and workerd impose. *Storage* is the very statements the call ran (traced from one \
             request), replayed straight on the SQLite file: writes inside a savepoint that is rolled back. **Budget** (single \
             connection): p99 within 3× health's p99 or within 10 ms of it, whichever is larger.\n",
            self.dataset.audience,
            api.agent,
            api.health.first().map_or(0, |l| l.requests),
            api.health.get(1).map_or(0, |l| l.requests)
        );
        if let (Some(h1), Some(h8)) = (health(1), health(8)) {
            let _ = writeln!(
                out,
                "`GET /api/health`: p50 / p95 / p99 {} / {} / {} ms, {}/s at concurrency 1; {} / {} / {} ms, {}/s at 8.\n",
                h1.p50_ms, h1.p95_ms, h1.p99_ms, h1.per_second, h8.p50_ms, h8.p95_ms, h8.p99_ms, h8.per_second
            );
        }
        let _ = writeln!(out, "| call | request | c=1 p50 / p95 / p99 ms | req/s | ratio to health p99 | c=8 p50 / p95 / p99 ms | req/s | statements | storage p50 / p99 ms | budget |");
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for c in &api.calls {
            let at = |n: usize| c.latency.iter().find(|l| l.concurrency == n).cloned();
            let (Some(one), Some(eight)) = (at(1), at(8)) else { continue };
            let errors = one.errors + eight.errors;
            let _ = writeln!(
                out,
                "| {} | `{}` | {} / {} / {} | {} | {}× | {} / {} / {} | {} | {} | {} / {} | {} ≤ {} ms{}{} |",
                c.name,
                c.request,
                one.p50_ms,
                one.p95_ms,
                one.p99_ms,
                one.per_second,
                c.ratio,
                eight.p50_ms,
                eight.p95_ms,
                eight.p99_ms,
                eight.per_second,
                c.statements,
                c.storage.p50_ms,
                c.storage.p99_ms,
                if c.met { "met:" } else { "**missed**:" },
                c.budget_ms,
                if c.met { String::new() } else { format!(" (p99 {} ms)", one.p99_ms) },
                if errors > 0 { format!(", {errors} errors") } else { String::new() },
            );
        }
        let missed: Vec<&str> = api.calls.iter().filter(|c| !c.met).map(|c| c.name).collect();
        let _ = writeln!(
            out,
            "\n{}\n",
            if missed.is_empty() { "Every call meets the budget.".to_string() } else { format!("Missed by: {}.", missed.join(", ")) }
        );
    }

    fn load_table(&self, out: &mut String) {
        let Some(l) = &self.load else { return };
        let _ = writeln!(out, "## Load test
");
        let _ = writeln!(
            out,
            "`wrk` (Debian's package) keeps {} connections busy for {:.0} s against the local worker, signed in as the agent above, \
             each request the next of the workspace's {} reads (the queue's views, counts, case pages, customer search and \
             profiles, with the dataset's ids). One workerd process on this machine serves them all; on Cloudflare each \
             request may land on its own isolate.\n",
            l.connections, l.seconds, l.paths
        );
        let _ = writeln!(out, "| requests | per second | p50 | p90 | p99 | max | errors |");
        let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|");
        let _ = writeln!(
            out,
            "| {} | {} | {} ms | {} ms | {} ms | {} ms | {} |\n",
            l.requests, l.per_second, l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms, l.errors
        );
    }

    fn bundle_table(&self, out: &mut String) {
        let Some(bundle) = &self.bundle else { return };
        let _ = writeln!(out, "\n## The app's initial load\n");
        let _ = writeln!(
            out,
            "What `app/dist/index.html` loads from the release build (`xtask/src/app.rs`: cargo, wasm-split, wasm-bindgen, \
             wasm-opt -Oz).\n"
        );
        let _ = writeln!(out, "| file | raw KB | gzip -9 KB | brotli -11 KB |");
        let _ = writeln!(out, "|---|---:|---:|---:|");
        for f in &bundle.files {
            let _ = writeln!(out, "| {} (`{}`) | {} | {} | {} |", f.kind, f.name, f.raw_kb, f.gzip_kb, f.brotli_kb);
        }
        let _ = writeln!(
            out,
            "\nInitial load: **{} KB brotli** against a budget of {} KB: {}.",
            bundle.brotli_kb,
            bundle.budget_kb,
            if bundle.brotli_kb <= bundle.budget_kb { "met".to_string() } else { format!("**missed by {:.1} KB**", bundle.brotli_kb - bundle.budget_kb) }
        );
        let _ = writeln!(
            out,
            "\nNot in it: the lazily loaded screens ({}), {} Wasm modules of {} KB brotli together, each fetched when a \
             screen that needs it is first opened.",
            bundle.lazy_screens.join(", "),
            bundle.lazy_modules,
            bundle.lazy_brotli_kb
        );
    }

    fn planning_section(&self, out: &mut String) {
        let Some(p) = &self.planning else { return };
        let _ = writeln!(out, "\n## Follow-up planning (`0 * * * *`)\n");
        let needed = (p.due_per_day / p.calls_per_agent.max(1) as f64).ceil();
        let _ = writeln!(
            out,
            "The hourly planner on {} customers (each holding the products they bought over the years) from empty: nobody has been \
             looked at yet, so every customer is due. With the default rules their cadences make **{:.0} follow-ups due a day** \
             ({:.0} customers an hour); {} agents at work at {} calls a day can make **{}** (the daily capacity), so a desk this size \
             needs about {needed} agents to follow up everyone on time. The planner creates no more than the capacity a day, save \
             the follow-ups that never wait (after a complaint, inside a cooling-off period); the rest wait, most urgent first \
             (complaint, new customer, private, affluent, mass).\n",
            p.customers, p.due_per_day, p.due_per_day / 24.0, p.agents_at_work, p.calls_per_agent, p.capacity
        );
        let _ = writeln!(out, "| day | follow-ups created | of which never wait | customers still due at the day's end | runs that created | busiest run: customers looked at / created / wall ms / D1 ms / queries |");
        let _ = writeln!(out, "|---:|---:|---:|---:|---:|---|");
        for d in &p.days {
            let runs: Vec<&planning::Run> = p.runs.iter().filter(|r| r.day == d.day).collect();
            let busiest = runs.iter().max_by_key(|r| r.wall_ms);
            let working = runs.iter().filter(|r| r.created > 0).count();
            let b = busiest.map_or(String::new(), |r| format!("{} / {} / {} / {} / {}", r.customers, r.created, r.wall_ms, r.d1_ms, r.queries));
            let _ = writeln!(out, "| {} | {} | {} | {} | {working} | {b} |", d.day, d.created, d.never_wait, d.waiting_at_end);
        }
        let idle: Vec<&planning::Run> = p.runs.iter().filter(|r| r.created == 0).collect();
        if let Some(slowest) = idle.iter().max_by_key(|r| r.wall_ms) {
            let _ = writeln!(out, "\nA run with the day's room spent looks only at customers with a closed complaint: {} such runs, the slowest {} ms wall.", idle.len(), slowest.wall_ms);
        }
        let _ = writeln!(out, "\nWith room for everyone (200 calls per agent a day), how many customers one run looks at — the planner's ceiling, against {:.0} due an hour:\n", p.due_per_day / 24.0);
        let _ = writeln!(out, "| run | customers looked at | follow-ups created | rounds | wall / D1 ms | queries |");
        let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|");
        for (i, r) in p.ceiling.iter().enumerate() {
            let _ = writeln!(out, "| {} | {} | {} | {} | {} / {} | {} |", i + 1, r.customers, r.created, r.rounds, r.wall_ms, r.d1_ms, r.queries);
        }
        let _ = writeln!(out, "\nEvery run's entry is in `BENCHMARKS.json` (`planning`).");
    }

    fn dispatch_table(&self, out: &mut String) {
        let _ = writeln!(out, "## Survey dispatch and delivery (`0 * * * *`, continued by `*/5 * * * *`)\n");
        let _ = writeln!(
            out,
            "A schedule falls due; the hourly cron starts its run and the five-minute cron continues it. Dispatch walks the \
             customers by id in chunks of 2,000 (at most 120 chunks an invocation) and writes each chunk's invitations, \
             messages, the customers' last-surveyed time and the run's cursor in one batch. Delivery, in the same five-minute \
             invocations, hands invitations to the provider (a local stub that accepts at once) 1,000 a request, up to 100 \
             requests a run (what D1's 1,000 queries an invocation leave after the sweep and dispatch). *Dispatched* and *delivered* are minutes from the scheduled instant to the last invitation \
             written, and to the last one handed to the provider.\n"
        );
        let _ = writeln!(
            out,
            "| customers | invitees | invocations | dispatch per invocation: max wall / D1 ms | queries | rows written | dispatched | delivery per run: max ms | invitations | delivered |"
        );
        let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for s in &self.dispatch {
            let max = |f: fn(&dispatch::Run) -> i64| s.runs.iter().map(f).max().unwrap_or(0);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} / {} | ≤ {} | ≤ {} | {} min | {} | ≤ {} | {} min |",
                s.customers,
                s.invitees,
                s.runs.len(),
                max(|r| r.wall_ms),
                max(|r| r.d1_ms),
                max(|r| r.queries),
                max(|r| r.rows_written),
                s.dispatched_after_minutes,
                max(|r| r.deliver_ms),
                max(|r| r.delivered),
                s.delivered_after_minutes,
            );
        }
        let _ = writeln!(
            out,
            "\nThe provider received {} (staff alerts included, one a request). Each invocation's entry is in `BENCHMARKS.json` (`dispatch[].runs`).",
            self.dispatch.iter().map(|s| format!("{} messages in {} requests", s.provider_messages, s.provider_requests)).collect::<Vec<_>>().join(", then ")
        );
    }
}
