//! Kefu's worker holds no more memory after many requests than after a few: the bytes Rust has
//! allocated and not freed, and the JavaScript values Rust holds handles to, come back to where
//! they were. A worker isolate has 128 MB, so a request that leaked even a few kilobytes would,
//! over a day's traffic, end in the isolate being killed. (`wrangler dev`'s own proxy grows
//! with every request, static files included: that is the local tooling's, not Kefu's, and the
//! benchmark restarts it for each call it measures.)
//!
//! `cargo xtask test` runs this after the rest of the suite, with nothing else under way, so
//! what it measures is only its own requests.

use kefu_tests::{Api, AGENT, SUPERVISOR};
use serde_json::Value;

/// The requests repeated: the heaviest reads (the dashboard and reports, which decode thousands
/// of facts and tallies), the queue and a case page, a write, and a refused request.
async fn round(boss: &Api, agent: &Api, case_path: &str, version: &mut Value) {
    // Under `cargo xtask test` the worker logs every statement it runs, with its arguments, until
    // a test takes the log: take it, so it holds one round's statements, not all of them.
    let log = Api::anonymous().get("/api/__test/log").await;
    assert_eq!(log.status, 200, "{:?}", log.body);
    for path in [
        "/api/dashboard",
        "/api/dashboard?team=team-retail-1",
        "/api/reports/complaints",
        "/api/scorecards",
        "/api/cases?team=mine&status=open",
        "/api/cases",
        "/api/cases/counts",
        case_path,
    ] {
        let api = if path.starts_with("/api/cases") { agent } else { boss };
        let reply = api.get(path).await;
        assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
    }
    let refused = agent.get("/api/dashboard").await;
    assert_eq!(refused.status, 403, "an agent asked for the dashboard");
    let note = agent.post(&format!("{case_path}/events"), &serde_json::json!({"type": "note", "body": "内部备注 memory", "version": version})).await;
    assert_eq!(note.status, 201, "{:?}", note.body);
    *version = note.body["version"].clone();
}

/// The worker's memory between requests: (Rust's heap in use, the Wasm memory, JavaScript
/// values held by Rust).
async fn memory() -> (i64, i64, i64) {
    let reply = Api::anonymous().get("/api/__test/memory").await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let field = |name: &str| reply.body[name].as_i64().unwrap_or_else(|| panic!("{name} in {:?}", reply.body));
    (field("heap_bytes"), field("wasm_bytes"), field("live_handles"))
}

#[tokio::test]
async fn the_worker_holds_no_more_memory_after_many_requests_than_after_a_few() {
    let (boss, agent) = (Api::signed_in(SUPERVISOR).await, Api::signed_in(AGENT).await);
    let customer = agent.new_customer("内存 测试").await;
    let case = agent
        .post("/api/cases", &serde_json::json!({"customer_id": customer, "kind": "inquiry", "channel": "phone", "category": "cards", "subject": "memory", "description": "memory"}))
        .await;
    assert_eq!(case.status, 201, "{:?}", case.body);
    let case_path = format!("/api/cases/{}", case.body["id"].as_str().expect("case id"));
    let mut version = case.body["version"].clone();

    // The first rounds fill what the worker keeps between requests (the statements it has seen,
    // JavaScript values it caches); after them, a round must leave nothing behind.
    for _ in 0..5 {
        round(&boss, &agent, &case_path, &mut version).await;
    }
    let (heap_before, wasm_before, handles_before) = memory().await;
    const ROUNDS: usize = 40;
    for _ in 0..ROUNDS {
        round(&boss, &agent, &case_path, &mut version).await;
    }
    let (heap_after, wasm_after, handles_after) = memory().await;

    assert_eq!(handles_after, handles_before, "JavaScript values held by Rust after {ROUNDS} more rounds of 11 requests");
    // What a round leaves behind is the same each time (the statement log of its requests): a
    // leak of 100 bytes in the dashboard alone (80 of these requests) is 8 times the slack.
    let grown = heap_after - heap_before;
    assert!(
        grown <= 1 << 10,
        "Rust's heap grew by {grown} bytes over {ROUNDS} rounds (from {heap_before}; the Wasm memory {wasm_before} → {wasm_after})"
    );
    let timeline = agent.get(&case_path).await;
    let notes = timeline.body["events"].as_array().map_or(0, |events| events.iter().filter(|e| e["body"] == Value::from("内部备注 memory")).count());
    assert_eq!(notes, 5 + ROUNDS, "every note written is on the case");
}
