//! API latency on the dataset: each call the agent workspace makes, p50/p95/p99 and throughput
//! at concurrency 1 and 8, beside `GET /api/health` measured in the same run (the floor that
//! wrangler and workerd impose), as a ratio to it; and the very statements each call ran,
//! replayed straight against the SQLite file (the storage floor).
//!
//! The worker runs with `TRACE_SQL=request`, so after one request of a call that asked
//! (`X-Kefu-Trace`), `GET /api/__test/log` hands over the statements it ran with their
//! arguments; the measured requests do not ask, and carry no tracing. Writes are replayed inside a savepoint that
//! is rolled back, with the ids the call generated replaced by fresh ones each time (and, for a
//! reply, the case's version put back first), so every replay does the same work as the call.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{json, Value};

use super::data::Size;
use super::Server;

/// The sign-in the calls are made as: a generated agent with a few hundred open cases.
const AGENT_ID: &str = "bench-agent-001";
pub(super) const AGENT_EMAIL: &str = "agent001@bench.kefu";
/// The demo supervisor (the dataset keeps the demo staff), for the dashboard.
const SUPERVISOR_EMAIL: &str = "supervisor@demo.kefu";
const CONCURRENCY: [usize; 2] = [1, 8];

/// Latencies of one call at one concurrency.
#[derive(Serialize, Clone)]
pub struct Latency {
    pub concurrency: usize,
    pub requests: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub per_second: f64,
    pub errors: usize,
}

/// One call's measurements; `storage` is the replay of its statements on SQLite.
#[derive(Serialize)]
pub struct Measured {
    pub name: &'static str,
    pub request: String,
    pub latency: Vec<Latency>,
    pub statements: usize,
    pub storage: Latency,
    /// p99 at concurrency 1 over the health check's p99 in the same run.
    pub ratio: f64,
    /// The budget: the larger of 3x and +10 ms over health's p99 at concurrency 1.
    pub budget_ms: f64,
    pub met: bool,
}

#[derive(Serialize)]
pub struct Results {
    pub agent: String,
    pub health: Vec<Latency>,
    pub calls: Vec<Measured>,
}

/// What a call sends.
enum Shape {
    /// GETs, each request the next path in turn.
    Get(Vec<String>),
    /// Register an inquiry for the next customer in turn (routing picks the agent).
    CreateCase(Vec<String>),
    /// A reply on the worker's own case; its version is kept between requests.
    Reply(Vec<Mutex<(String, i64)>>),
}

struct Call {
    name: &'static str,
    shape: Shape,
    /// Asked by the supervisor (the dashboard), not the agent.
    supervisor: bool,
}

impl Call {
    fn get(name: &'static str, paths: Vec<String>) -> Call {
        Call { name, shape: Shape::Get(paths), supervisor: false }
    }

    fn describe(&self) -> String {
        match &self.shape {
            Shape::Get(paths) => format!("GET {}", paths[0]),
            Shape::CreateCase(_) => "POST /api/cases".to_string(),
            Shape::Reply(_) => "POST /api/cases/{id}/events (reply)".to_string(),
        }
    }

    /// Sends request `i` of worker `w`; returns the reply's status.
    fn send(&self, http: &Http, w: usize, i: usize) -> Result<u16> {
        match &self.shape {
            Shape::Get(paths) => Ok(http.get(&paths[(w * 7919 + i) % paths.len()])?.0),
            Shape::CreateCase(customers) => {
                let customer = &customers[(w * 7919 + i) % customers.len()];
                let body = json!({
                    "kind": "inquiry", "channel": "phone", "customer_id": customer,
                    "subject": "信用卡账单分期手续费咨询", "description": "客户来电询问账单分期的手续费如何计算，希望了解提前还款是否收费。"
                });
                Ok(http.post("/api/cases", &body)?.0)
            }
            Shape::Reply(cases) => {
                let mut case = cases[w % cases.len()].lock().expect("a case");
                let body = json!({"type": "reply", "body": "您好，您反映的问题已收到，我们正在核实，今天内回复您。", "version": case.1});
                let (status, reply) = http.post(&format!("/api/cases/{}/events", case.0), &body)?;
                if let Some(v) = reply["version"].as_i64() {
                    case.1 = v;
                }
                Ok(status)
            }
        }
    }
}

/// A signed-in HTTP client with its own connections. Every request it sends is made as of the
/// instant the dataset was generated around (the worker's test clock, `X-Kefu-Test-Now`), so
/// what is due, breached or "today" is the dataset's, whatever day the benchmark runs on.
struct Http {
    agent: ureq::Agent,
    base: String,
    cookie: String,
    now: String,
    /// Asks the worker to note the statements this client's requests run.
    traced: bool,
}

impl Http {
    fn new(port: u16, cookie: String) -> Http {
        let agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(120))).build().new_agent();
        let now = super::bench_now().timestamp_millis().to_string();
        Http { agent, base: format!("http://127.0.0.1:{port}"), cookie, now, traced: false }
    }

    fn get(&self, path: &str) -> Result<(u16, Value)> {
        let mut request = self.agent.get(format!("{}{path}", self.base)).header("Cookie", &self.cookie).header("X-Kefu-Test-Now", &self.now);
        if self.traced {
            request = request.header("X-Kefu-Trace", "1");
        }
        let mut reply = request.call()?;
        let text = reply.body_mut().read_to_string()?;
        Ok((reply.status().as_u16(), serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    fn post(&self, path: &str, body: &Value) -> Result<(u16, Value)> {
        let mut request =
            self.agent.post(format!("{}{path}", self.base)).header("Cookie", &self.cookie).header("X-Requested-With", "kefu").header("X-Kefu-Test-Now", &self.now);
        if self.traced {
            request = request.header("X-Kefu-Trace", "1");
        }
        let mut reply = request.content_type("application/json").send(body.to_string())?;
        let text = reply.body_mut().read_to_string()?;
        Ok((reply.status().as_u16(), serde_json::from_str(&text).unwrap_or(Value::Null)))
    }
}

pub(super) fn sign_in(port: u16, email: &str) -> Result<String> {
    let http = Http::new(port, String::new());
    let mut reply = http
        .agent
        .post(format!("{}/api/auth/login", http.base))
        .header("X-Requested-With", "kefu")
        .header("X-Kefu-Test-Now", &http.now)
        .content_type("application/json")
        .send(json!({"email": email, "password": crate::DEMO_PASSWORD}).to_string())?;
    if reply.status() != 200 {
        bail!("sign-in as {email}: {} {}", reply.status(), reply.body_mut().read_to_string().unwrap_or_default());
    }
    let cookies: Vec<String> = reply
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect();
    Ok(cookies.join("; "))
}

/// The calls, with the dataset's own ids: the agent's open cases, customers spread over the
/// table, their names' first two characters and their phones' last digits.
fn calls(db: &Connection) -> Result<Vec<Call>> {
    let strings = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = db.prepare(sql)?;
        let rows = stmt.query_map([AGENT_ID], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let cases = strings("SELECT id FROM cases WHERE assignee_id = ?1 AND is_open = 1 AND kind = 'inquiry' ORDER BY id")?;
    let customers = strings("SELECT id FROM customers WHERE id LIKE 'bcu%' AND rowid % 997 = 0 AND ?1 IS NOT NULL LIMIT 200")?;
    let names = strings("SELECT substr(name, 1, 2) FROM customers WHERE id LIKE 'bcu%' AND rowid % 991 = 0 AND ?1 IS NOT NULL LIMIT 100")?;
    let phones = strings("SELECT phone_last4 FROM customers WHERE id LIKE 'bcu%' AND rowid % 983 = 0 AND ?1 IS NOT NULL LIMIT 100")?;
    let category = strings("SELECT category FROM cases WHERE assignee_id = ?1 AND is_open = 1 GROUP BY category ORDER BY count(*) DESC LIMIT 1")?;
    if cases.len() < 16 || customers.is_empty() || names.is_empty() || category.is_empty() {
        bail!("the dataset has too few open cases for {AGENT_ID}");
    }
    let versions: HashMap<String, i64> = {
        let mut stmt = db.prepare("SELECT id, version FROM cases WHERE assignee_id = ?1 AND is_open = 1")?;
        let rows = stmt.query_map([AGENT_ID], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let encode = |s: &str| s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>();
    let search: Vec<String> = names.iter().zip(&phones).flat_map(|(n, p)| [format!("/api/customers?q={}", encode(n)), format!("/api/customers?q={p}")]).collect();
    // The last eight open inquiries take the replies; the case page reads the others.
    let (pages, replied) = cases.split_at(cases.len() - 8);
    Ok(vec![
        Call::get("queue: mine", vec!["/api/cases?assignee=me&status=open".into()]),
        Call::get("queue: team", vec!["/api/cases?team=mine&status=open".into()]),
        Call::get("queue: due soon", vec!["/api/cases?sla=due_soon&status=open".into()]),
        Call::get("queue: breached", vec!["/api/cases?sla=breached&status=open".into()]),
        Call::get("queue: by category", vec![format!("/api/cases?category={}&status=open", category[0])]),
        Call::get("queue counts", vec!["/api/cases/counts".into()]),
        Call::get("case page", pages.iter().map(|id| format!("/api/cases/{id}")).collect()),
        Call::get("customer search", search),
        Call::get("customer 360", customers.iter().map(|id| format!("/api/customers/{id}")).collect()),
        // The last 30 days beside the 30 before, all teams and one; before the writes, which
        // add some 1,500 cases to the one live day (three times a generated day's).
        Call { supervisor: true, ..Call::get("dashboard summary", vec!["/api/dashboard".into(), "/api/dashboard?team=team-retail-1".into()]) },
        Call { name: "create case", shape: Shape::CreateCase(customers.clone()), supervisor: false },
        Call { name: "add reply", shape: Shape::Reply(replied.iter().map(|id| Mutex::new((id.clone(), versions[id]))).collect()), supervisor: false },
    ])
}

/// Every path the agent's reads ask for (the queue's views, counts, case pages, customer search
/// and profiles), for the load test to send in turn.
pub(super) fn workspace_paths(db: &Connection) -> Result<Vec<String>> {
    Ok(calls(db)?
        .into_iter()
        .filter(|c| !c.supervisor)
        .flat_map(|c| match c.shape {
            Shape::Get(paths) => paths,
            _ => Vec::new(),
        })
        .collect())
}

/// Each call is measured on a fresh workerd (`restart`), as health is: locally, workerd's heap
/// keeps growing with the reports' large D1 results (some 0.5 MB a dashboard request; see the
/// README's benchmark section) until, a couple of thousand requests on, it aborts at its heap
/// limit.
pub fn measure(server: &mut Server, paths: &crate::setup::Paths, file: &Path, size: Size) -> Result<Results> {
    let quick = size.name != super::data::FULL.name;
    let requests = if quick { 40 } else { 300 };
    let db = Connection::open(file)?;
    let calls = calls(&db)?;
    let agent_cookie = sign_in(server.port, AGENT_EMAIL)?;
    let supervisor_cookie = sign_in(server.port, SUPERVISOR_EMAIL)?;
    let health = Call::get("health", vec!["/api/health".into()]);

    crate::step("measuring GET /api/health, the floor");
    let health_latency = latencies(&health, server.port, &agent_cookie, requests)?;
    let floor = health_latency[0].p99_ms;
    let budget_ms = (floor * 3.0).max(floor + 10.0);

    let mut measured = Vec::new();
    for call in &calls {
        server.restart(paths)?;
        crate::step(&format!("measuring {}", call.name));
        // One request of the call, traced: the statements it ran, for the replay.
        let cookie = if call.supervisor { &supervisor_cookie } else { &agent_cookie };
        let http = Http { traced: true, ..Http::new(server.port, cookie.clone()) };
        take_log(&http)?;
        // A reply's replay first puts its case back at the version the traced request saw, or
        // the version guard would make it change nothing.
        let reset = match &call.shape {
            Shape::Reply(cases) => {
                let (id, version) = cases[0].lock().expect("a case").clone();
                Some(("UPDATE cases SET version = ?1 WHERE id = ?2".to_string(), vec![json!(version), json!(id)]))
            }
            _ => None,
        };
        let status = call.send(&http, 0, 0)?;
        if !(200..300).contains(&status) {
            bail!("{} answered {status}", call.name);
        }
        let statements = take_log(&http)?;
        let storage = replay(&db, &statements, reset, requests)?;

        let latency = latencies(call, server.port, cookie, requests)?;
        let p99 = latency[0].p99_ms;
        // Within budget, and every request answered.
        let met = p99 <= budget_ms && latency.iter().all(|l| l.errors == 0);
        measured.push(Measured {
            name: call.name,
            request: call.describe(),
            latency,
            statements: statements.len(),
            storage,
            ratio: round(p99 / floor),
            budget_ms: round(budget_ms),
            met,
        });
    }
    Ok(Results { agent: AGENT_EMAIL.to_string(), health: health_latency, calls: measured })
}

/// `requests` at each concurrency (a few hundred; more with more workers), after three
/// unmeasured requests per worker; all workers start together.
fn latencies(call: &Call, port: u16, cookie: &str, requests: usize) -> Result<Vec<Latency>> {
    let mut out = Vec::new();
    for workers in CONCURRENCY {
        let per_worker = requests * workers.min(4) / workers;
        let barrier = std::sync::Barrier::new(workers);
        let results: Vec<Result<(Vec<f64>, usize, Instant, Instant)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|w| {
                    let barrier = &barrier;
                    scope.spawn(move || -> Result<(Vec<f64>, usize, Instant, Instant)> {
                        let http = Http::new(port, cookie.to_string());
                        // A request that fails (no answer, or not 2xx) is counted as an error,
                        // never ends the worker: the others wait for it at the barrier.
                        let send = |i: usize| match call.send(&http, w, i) {
                            Ok(status) => (200..300).contains(&status),
                            Err(err) => {
                                eprintln!("{} (worker {w}, request {i}): {err:#}", call.name);
                                false
                            }
                        };
                        let warm_errors = (0..3).filter(|i| !send(100_000 + i)).count();
                        barrier.wait();
                        let begun = Instant::now();
                        let (mut times, mut errors) = (Vec::with_capacity(per_worker), warm_errors);
                        for i in 0..per_worker {
                            let started = Instant::now();
                            let ok = send(i);
                            times.push(started.elapsed().as_secs_f64() * 1000.0);
                            errors += usize::from(!ok);
                        }
                        Ok((times, errors, begun, Instant::now()))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("a measuring thread")).collect()
        });
        let (mut times, mut errors) = (Vec::new(), 0);
        let (mut first, mut last) = (None::<Instant>, None::<Instant>);
        for r in results {
            let (t, e, begun, ended) = r?;
            times.extend(t);
            errors += e;
            first = Some(first.map_or(begun, |f| f.min(begun)));
            last = Some(last.map_or(ended, |l| l.max(ended)));
        }
        let wall_s = match (first, last) {
            (Some(f), Some(l)) => (l - f).as_secs_f64(),
            _ => 1.0,
        };
        out.push(summarize(workers, times, errors, wall_s));
    }
    Ok(out)
}

fn summarize(concurrency: usize, mut times: Vec<f64>, errors: usize, wall_s: f64) -> Latency {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    Latency {
        concurrency,
        requests: times.len(),
        p50_ms: round(at(0.50)),
        p95_ms: round(at(0.95)),
        p99_ms: round(at(0.99)),
        per_second: round(times.len() as f64 / wall_s),
        errors,
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn take_log(http: &Http) -> Result<Vec<(String, Vec<Value>)>> {
    let (status, body) = http.get("/api/__test/log")?;
    if status != 200 {
        bail!("the worker's SQL trace answered {status}: is TRACE_SQL set?");
    }
    let entries = body.as_array().context("a list of statements")?;
    Ok(entries.iter().map(|e| (e["sql"].as_str().unwrap_or_default().to_string(), e["args"].as_array().cloned().unwrap_or_default())).collect())
}

/// Runs a call's statements `times` times on SQLite, each time inside a savepoint that is rolled
/// back, with the ids the call generated (20 hex digits, `ids::new_id`) replaced by fresh ones.
fn replay(db: &Connection, statements: &[(String, Vec<Value>)], reset: Option<(String, Vec<Value>)>, times: usize) -> Result<Latency> {
    let mut samples = Vec::with_capacity(times);
    for n in 0..times + 3 {
        let mut fresh = HashMap::new();
        db.execute_batch("SAVEPOINT bench")?;
        if let Some((sql, args)) = &reset {
            run(db, sql, args, &mut fresh, n)?;
        }
        let started = Instant::now();
        for (sql, args) in statements {
            run(db, sql, args, &mut fresh, n)?;
        }
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        db.execute_batch("ROLLBACK TO bench; RELEASE bench")?;
        if n >= 3 {
            samples.push(elapsed);
        }
    }
    let wall_s = samples.iter().sum::<f64>() / 1000.0;
    Ok(summarize(1, samples, 0, wall_s))
}

fn run(db: &Connection, sql: &str, args: &[Value], fresh: &mut HashMap<String, String>, n: usize) -> Result<()> {
    let mut stmt = db.prepare_cached(sql).with_context(|| format!("prepare: {sql}"))?;
    for (i, arg) in args.iter().enumerate() {
        let value = match arg {
            Value::Null => rusqlite::types::Value::Null,
            Value::Bool(b) => rusqlite::types::Value::Integer(i64::from(*b)),
            Value::Number(x) => match x.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => rusqlite::types::Value::Integer(f as i64),
                Some(f) => rusqlite::types::Value::Real(f),
                None => rusqlite::types::Value::Null,
            },
            Value::String(s) => rusqlite::types::Value::Text(renew_ids(s, fresh, n)),
            other => rusqlite::types::Value::Text(other.to_string()),
        };
        stmt.raw_bind_parameter(i + 1, value)?;
    }
    let mut rows = stmt.raw_query();
    while rows.next().with_context(|| format!("run: {sql}"))?.is_some() {}
    Ok(())
}

/// `text` with every run of exactly 20 hex digits (a generated id) replaced by a fresh id, the
/// same one for the same id within a replay.
fn renew_ids(text: &str, fresh: &mut HashMap<String, String>, n: usize) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()).count();
        if run == 20 && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let id = &text[i..i + 20];
            let k = fresh.len();
            out.push_str(fresh.entry(id.to_string()).or_insert_with(|| format!("{:012x}{:08x}", n, k)));
            i += 20;
        } else if run > 0 {
            out.push_str(&text[i..i + run]);
            i += run;
        } else {
            let c = text[i..].chars().next().expect("a character");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_renewed_consistently_and_nothing_else_is_touched() {
        let mut fresh = HashMap::new();
        let text = r#"[{"id":"0123456789abcdef0123","case_id":"bc0001234"},{"id":"0123456789abcdef0123"}]"#;
        let renewed = renew_ids(text, &mut fresh, 5);
        assert!(!renewed.contains("0123456789abcdef0123"));
        assert!(renewed.contains("bc0001234"));
        assert_eq!(renewed.matches("00000000000500000000").count(), 2);
        assert_eq!(renew_ids("2026-11-24 短信 12345", &mut fresh, 5), "2026-11-24 短信 12345");
    }
}
