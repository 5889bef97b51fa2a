//! Kefu's Cloudflare Worker: the `/api` routes over D1, and the cron triggers.
//!
//! Static files of the app are served by Workers Static Assets; only `/api/*` and
//! `/__scheduled` reach this code (`run_worker_first` in wrangler.toml).

mod auth;
mod config;
mod cron;
mod ctx;
mod db;
mod error;
mod ids;
mod jobs;
mod router;
mod routes;
mod rules;

use chrono::DateTime;
use worker::{event, Context, Env, Request, Response, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    #[cfg(feature = "test-hooks")]
    if let Some(answer) = test_hooks::route(&req, &env) {
        return answer;
    }
    #[cfg(feature = "local")]
    if req.path() == "/__scheduled" {
        return scheduled_by_hand(&req, &env).await;
    }
    #[cfg(feature = "test-hooks")]
    let now = test_hooks::clock(&req, &env).unwrap_or_else(|| worker::Date::now().as_millis() as f64);
    #[cfg(not(feature = "test-hooks"))]
    let now = worker::Date::now().as_millis() as f64;
    router::handle(req, env, now).await
}

/// What only a test or benchmark build holds (the `test-hooks` feature, which `cargo xtask
/// test` and `bench` build and nothing else does): the SQL trace and its routes, the memory
/// count, and the test clock. A deployed worker is built without it, so it does not contain
/// them at all, whatever its vars say.
#[cfg(feature = "test-hooks")]
mod test_hooks {
    use worker::{Env, Request, Response};

    /// Rust's heap, counted as it allocates and frees (see [`memory`]).
    #[global_allocator]
    static HEAP: &stats_alloc::StatsAlloc<std::alloc::System> = &stats_alloc::INSTRUMENTED_SYSTEM;

    /// The SQL trace (db::trace): "1" under `cargo xtask test` (every request), "request" under
    /// `cargo xtask bench` (only requests that ask, so the measured ones carry no tracing); and
    /// the routes that hand out what it kept and the memory count.
    pub fn route(req: &Request, env: &Env) -> Option<worker::Result<Response>> {
        let trace = env.var("TRACE_SQL").map(|v| v.to_string()).unwrap_or_default();
        if trace != "1" && trace != "request" {
            return None;
        }
        crate::db::trace::set(trace == "1" || req.headers().get("x-kefu-trace").ok().flatten().is_some());
        match req.path().as_str() {
            "/api/__test/queries" => Some(Response::from_json(&crate::db::trace::seen())),
            "/api/__test/log" => Some(Response::from_json(&crate::db::trace::take_log())),
            "/api/__test/memory" => Some(Response::from_json(&memory())),
            _ => None,
        }
    }

    /// What this isolate holds for Kefu: the bytes Rust has allocated and not freed, the Wasm
    /// memory's size, and how many JavaScript values Rust holds handles to. Between requests
    /// the first and last must come back to where they were (tests/tests/memory.rs); the
    /// isolate's own JavaScript heap is the runtime's to collect.
    fn memory() -> serde_json::Value {
        use wasm_bindgen::JsCast;
        let stats = HEAP.stats();
        // A reallocation is counted in these two as what it added or gave back.
        let heap = stats.bytes_allocated as i64 - stats.bytes_deallocated as i64;
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
        serde_json::json!({ "heap_bytes": heap, "wasm_bytes": buffer.byte_length(), "live_handles": wasm_bindgen::externref_heap_live_count() })
    }

    /// With `ALLOW_TEST_CLOCK = "1"` (which `cargo xtask test` passes), a request may say what
    /// time it is handled at (`X-Kefu-Test-Now`, epoch ms), so tests can register a case on a
    /// Friday afternoon and sweep it through the weekend.
    pub fn clock(req: &Request, env: &Env) -> Option<f64> {
        let allowed = env.var("ALLOW_TEST_CLOCK").ok().is_some_and(|v| v.to_string() == "1");
        if !allowed {
            return None;
        }
        req.headers().get("x-kefu-test-now").ok().flatten()?.parse().ok()
    }
}

/// `/__scheduled?cron=<cron>&time=<epoch ms>` runs the scheduled handler as of that instant,
/// only in a local build (the `local` feature: `cargo xtask dev`, `test` and `bench`), only
/// when the var `LOCAL_SCHEDULED = "1"` is passed (xtask does; no wrangler.toml does), and only
/// when addressed to this machine by a loopback name: a deployed worker does not contain the
/// route, and a local one started to listen beyond loopback does not answer it to another host. wrangler's own
/// `--test-scheduled` page ignores `time`, so Kefu serves the route itself.
#[cfg(feature = "local")]
async fn scheduled_by_hand(req: &Request, env: &Env) -> worker::Result<Response> {
    let allowed = env.var("LOCAL_SCHEDULED").ok().is_some_and(|v| v.to_string() == "1");
    if !allowed || !from_loopback(req) {
        return Response::error("not found", 404);
    }
    let url = req.url()?;
    let param = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let cron = param("cron").unwrap_or_default();
    let ms = param("time").and_then(|t| t.parse::<i64>().ok()).unwrap_or_else(|| worker::Date::now().as_millis() as i64);
    let now = DateTime::from_timestamp_millis(ms).unwrap_or_default();
    match cron::run(&cron, now, env).await {
        Ok(()) => Response::ok("Ran scheduled event"),
        Err(err) => {
            worker::console_error!("cron {cron} failed: {err}");
            Response::error("the scheduled run failed; see the job log", 500)
        }
    }
}

/// Whether the request was addressed to this machine by a loopback name (its Host). A
/// browser on another machine reaching a `wrangler dev` that listens beyond loopback names
/// that address instead, and a page using DNS rebinding names its own host: both are refused.
#[cfg(feature = "local")]
fn from_loopback(req: &Request) -> bool {
    let Ok(url) = req.url() else {
        return false;
    };
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let now = DateTime::from_timestamp_millis(event.schedule() as i64).unwrap_or_default();
    if let Err(err) = cron::run(&event.cron(), now, &env).await {
        worker::console_error!("cron {} failed: {err}", event.cron());
    }
}
