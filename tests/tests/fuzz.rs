//! Generated requests over the OpenAPI document: for every route it lists, requests built from
//! the route's own field and parameter names (read from its summary) with values chosen to
//! break things — wrong types, huge and negative numbers, Chinese, emoji, right-to-left marks,
//! NUL, SQL and path fragments, deep nesting, malformed JSON, a missing CSRF header, dates at
//! the edges of chrono's range and numbers past 64 bits (every documented parameter of every
//! route gets each of those too, besides its generated requests). No answer
//! may be a 5xx, and a request that is refused (4xx) may not have written anything.
//!
//! `cargo xtask test` runs it after the rest of the suite (the `after` group), when nothing else
//! writes, so any change to the database during a refused request is the request's own.
//! Values come from proptest strategies driven by a deterministic runner: every run sends the
//! same requests, and a failure names the request to replay.

use std::collections::BTreeSet;

use kefu_tests::{database, unique, urlencode, Api, ADMIN, AGENT};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{json, Map, Value};

/// Requests generated for each route.
const PER_ROUTE: usize = 24;

/// Routes left to their own tests: signing in and changing one's password count failures
/// towards lockouts (and write the audit event a failure deserves), and signing out ends the
/// session the fuzz uses.
const LEFT_OUT: &[&str] = &["/api/auth/login", "/api/auth/logout", "/api/auth/logout-everywhere", "/api/me/password"];

/// Field names the API uses anywhere, so generated bodies reach past "unknown field".
const FIELDS: &[&str] = &[
    "kind", "channel", "customer_id", "complexity", "subject", "description", "category", "assignee", "version", "to",
    "reason", "resolution", "body", "type", "outcome", "field", "status", "name", "phone", "email", "segment", "role",
    "team_id", "active", "ids", "into", "title", "questions", "cadence", "audience", "quiet_hours", "link_days",
    "template_id", "value", "skills", "answers", "question", "score", "choices", "text", "contact", "method", "action",
    "root_cause", "prevention", "redress_type", "redress_amount", "customer_informed", "customer_opinion", "sensitive",
];

/// Strings that have broken parsers and queries before.
const NASTY: &[&str] = &[
    "", " ", "0", "-1", "1e309", "null", "true", "中文客户", "王**", "😀🏦", "\u{202E}evil\u{202C}", "\u{200F}مرحبا", "a\u{0}b",
    "' OR 1=1 --", "\"; DROP TABLE cases; --", "../../etc/passwd", "%00", "<script>alert(1)</script>", "2026-02-30",
    "9999-12-31", "2026-11-24T25:61:00Z", "KF000001", "00000000-0000-0000-0000-000000000000", "\\u0000", "{}", "[]",
];

/// Dates and instants at the edges of chrono's range (a day after `+262142-12-31` overflows),
/// and numbers past what 32 and 64 bits hold: every documented parameter of every route gets
/// each of these, besides the generated requests.
const EDGES: &[&str] = &[
    "+262142-12-31", "-262143-01-01", "262142-12-31", "+262142-12-31T23:59:59Z", "-262143-01-01T00:00:00Z",
    "+10000-01-01T00:00:00Z", "0000-01-01", "2099-12-31", "2100-01-01", "99999999999999999999", "9223372036854775807",
    "-9223372036854775808", "18446744073709551616", "4294967296", "-1", "1e308", "NaN",
];

/// Values of the demo data that let an edge value reach past the check of its companions
/// (`/api/public/slots` looks at the date only for a branch and service that exist).
const COMPANIONS: &[(&str, &str)] = &[("branch", "branch-chaoyang"), ("service", "large_cash_withdrawal")];

/// A string, now and then a long one: up to `longest` characters (bodies reach past the size
/// limit; addresses stay within what a URL may hold).
fn text_up_to(longest: usize) -> BoxedStrategy<String> {
    prop_oneof![
        4 => proptest::sample::select(NASTY).prop_map(String::from),
        1 => proptest::sample::select(EDGES).prop_map(String::from),
        3 => "\\PC{0,24}",
        1 => (1..longest).prop_map(|n| "长".repeat(n)),
    ]
    .boxed()
}

fn text() -> BoxedStrategy<String> {
    text_up_to(30_000)
}

fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![Just(0i64), Just(1), Just(-1), Just(i64::MAX), Just(i64::MIN), Just(1 << 53)].prop_map(Value::from),
        prop_oneof![Just(u64::MAX as f64), Just(1e308), Just(-1e308), Just(f64::MIN_POSITIVE)].prop_map(Value::from),
        any::<f64>().prop_filter("JSON numbers are finite", |f| f.is_finite()).prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(proptest::sample::select(FIELDS).prop_map(String::from), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A body for a route whose summary names `fields`: mostly an object of those fields (and a few
/// of the API's others), sometimes anything at all.
fn body(fields: Vec<String>) -> BoxedStrategy<String> {
    let names = if fields.is_empty() { FIELDS.iter().map(|f| f.to_string()).collect() } else { fields };
    let object = proptest::collection::btree_map(proptest::sample::select(names), json_value(), 0..8)
        .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()).to_string());
    prop_oneof![
        6 => object,
        2 => json_value().prop_map(|v| v.to_string()),
        1 => proptest::sample::select(&["", "{", "{\"version\": 1,}", "[1, 2", "\u{feff}{}", "null"][..]).prop_map(String::from),
    ]
    .boxed()
}

/// The quoted and `name=` words of a summary: the fields and parameters it documents.
fn names_in(summary: &str) -> (Vec<String>, Vec<String>) {
    let word = |s: &str| s.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect::<String>();
    let fields: BTreeSet<String> = summary.split('"').skip(1).step_by(2).map(word).filter(|w| !w.is_empty()).collect();
    let params: BTreeSet<String> = summary
        .split(['?', '&'])
        .skip(1)
        .filter_map(|s| s.split_once('=').map(|(k, _)| word(k.trim())))
        .filter(|w| !w.is_empty())
        .collect();
    (fields.into_iter().collect(), params.into_iter().collect())
}

/// What a refused request must leave as it was: every table that holds what people saved, by
/// its row count, its newest row and (where it has one) the sum of its versions.
fn fingerprint() -> Vec<(String, i64, i64, i64)> {
    let db = database();
    let tables = [
        ("customers", false), ("customer_products", false), ("cases", true), ("case_events", false), ("case_pauses", false),
        ("complaint_steps", false), ("audit_events", false), ("outbox", false), ("settings", true), ("teams", true),
        ("users", true), ("password_links", false), ("canned_replies", true), ("survey_templates", true),
        ("survey_schedules", true), ("survey_invitations", false), ("survey_answers", false), ("articles", true),
        ("article_terms", false), ("missed_searches", false), ("deflections", false), ("branches", true), ("services", true),
        ("branch_services", false), ("appointments", true), ("purchases", false), ("follow_ups", false), ("products", true),
    ];
    // Tables without a rowid: what their rows hold, summed, in its place.
    let without_rowid = |table: &str| match table {
        "article_terms" => Some("COALESCE(SUM(length(term) + weight), 0)"),
        "branch_services" => Some("COALESCE(SUM(length(branch_id) * 64 + length(service)), 0)"),
        _ => None,
    };
    tables
        .iter()
        .map(|(table, versioned)| {
            let versions = if *versioned { "COALESCE(SUM(version), 0)" } else { "0" };
            let last = without_rowid(table).unwrap_or("COALESCE(MAX(rowid), 0)");
            let sql = format!("SELECT COUNT(*), {last}, {versions} FROM {table}");
            let (n, last, v) = db.query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
            (table.to_string(), n, last, v)
        })
        .collect()
}

#[tokio::test]
async fn generated_requests_to_every_route_never_get_a_5xx_nor_write_when_refused() {
    let admin = Api::signed_in(ADMIN).await;
    let agent = Api::signed_in(AGENT).await;
    let anonymous = Api::anonymous();
    // Records of the fuzz's own, so paths reach past "not found" without touching the demo's.
    let customer = agent.new_customer(&unique("模糊")).await;
    let case = agent
        .post("/api/cases", &json!({"kind": "inquiry", "channel": "phone", "customer_id": customer, "subject": "fuzz", "description": "fuzz"}))
        .await;
    assert_eq!(case.status, 201, "{:?}", case.body);
    let case = case.body["id"].as_str().unwrap().to_string();
    let invited = admin.post("/api/users", &json!({"name": "模糊测试", "email": format!("{}@fuzz.kefu", unique("f")), "role": "agent"})).await;
    assert_eq!(invited.status, 201, "{:?}", invited.body);
    let user = invited.body["id"].as_str().unwrap().to_string();
    let own_id = |path: &str| -> Option<String> {
        if path.starts_with("/api/cases/") {
            Some(case.clone())
        } else if path.starts_with("/api/customers/") {
            Some(customer.clone())
        } else if path.starts_with("/api/users/") {
            Some(user.clone())
        } else {
            None
        }
    };

    let document = anonymous.get("/api/openapi.json").await.body;
    let mut runner = TestRunner::deterministic();
    let (mut sent, mut faults) = (0, Vec::new());
    let mut answers: std::collections::BTreeMap<String, usize> = Default::default();
    for (path, item) in document["paths"].as_object().unwrap() {
        if LEFT_OUT.contains(&path.as_str()) {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let (fields, params) = names_in(operation["summary"].as_str().unwrap_or(""));
            let public = operation["x-kefu-role"].is_null();
            let api = if public { &anonymous } else { &admin };
            let bodies = body(fields);
            let query = proptest::collection::vec(
                (prop_oneof![3 => proptest::sample::select(if params.is_empty() { vec!["q".to_string()] } else { params.clone() }), 1 => "[a-z_]{1,10}"], text_up_to(2_000)),
                0..4,
            );
            let segment = prop_oneof![2 => text_up_to(2_000), 1 => Just(String::new())];
            for n in 0..PER_ROUTE {
                // Half the requests name the fuzz's own record, when the route has one.
                let id = match own_id(path) {
                    Some(id) if n % 2 == 0 => id,
                    _ => segment.new_tree(&mut runner).unwrap().current(),
                };
                let mut url = path.split('/').map(|s| if s.starts_with('{') { urlencode(&id) } else { s.to_string() }).collect::<Vec<_>>().join("/");
                if method == "get" || n % 3 == 0 {
                    let pairs: Vec<String> = query.new_tree(&mut runner).unwrap().current().iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect();
                    if !pairs.is_empty() {
                        url = format!("{url}?{}", pairs.join("&"));
                    }
                }
                let mut request = match method.as_str() {
                    "get" => api.http.get(api.url(&url)),
                    "post" => api.http.post(api.url(&url)),
                    "put" => api.http.put(api.url(&url)),
                    "patch" => api.http.patch(api.url(&url)),
                    other => panic!("a method the fuzz does not know: {other}"),
                };
                // Every request from an address of its own, so the public routes' rate limits
                // stay for their own tests.
                request = request.header("CF-Connecting-IP", format!("198.51.100.{}", n + 1));
                let mut shown = String::new();
                if method != "get" {
                    let text = bodies.new_tree(&mut runner).unwrap().current();
                    // Almost always with the CSRF header: without it, only the header check is reached.
                    if n % 8 != 7 {
                        request = request.header("X-Requested-With", "kefu");
                    }
                    shown = text.chars().take(300).collect();
                    request = request.header("Content-Type", "application/json").body(text);
                }
                let before = (method != "get").then(fingerprint);
                let reply = api.send(request).await;
                sent += 1;
                *answers.entry(format!("{} {}", reply.status, reply.body["error"]["code"].as_str().unwrap_or(""))).or_default() += 1;
                let what = format!("{} {url} {shown}", method.to_uppercase());
                if reply.status >= 500 {
                    faults.push(format!("{} ← {what}: {}", reply.status, reply.body));
                } else if reply.status >= 400 {
                    if reply.body["error"]["code"].as_str().is_none_or(str::is_empty) {
                        faults.push(format!("{} without the error shape ← {what}: {}", reply.status, reply.body));
                    }
                    if reply.status == 422 && reply.field().is_none_or(str::is_empty) {
                        faults.push(format!("422 naming no field ← {what}: {}", reply.body));
                    }
                    if let Some(before) = before {
                        let after = fingerprint();
                        let changed: Vec<_> = before.iter().zip(&after).filter(|(b, a)| b != a).map(|(b, a)| format!("{b:?} → {a:?}")).collect();
                        if !changed.is_empty() {
                            faults.push(format!("{} wrote {changed:?} ← {what}", reply.status));
                        }
                    }
                }
            }
        }
    }
    // Every documented parameter at each edge, beside the others' demo values.
    for (path, item) in document["paths"].as_object().unwrap() {
        let Some(operation) = item.get("get") else { continue };
        let (_, params) = names_in(operation["summary"].as_str().unwrap_or(""));
        let api = if operation["x-kefu-role"].is_null() { &anonymous } else { &admin };
        let base = path.split('/').map(|s| if s.starts_with('{') { own_id(path).unwrap_or_else(|| "x".into()) } else { s.to_string() }).collect::<Vec<_>>().join("/");
        for param in &params {
            for edge in EDGES {
                let mut pairs = vec![format!("{param}={}", urlencode(edge))];
                pairs.extend(COMPANIONS.iter().filter(|(k, _)| k != param && params.contains(&k.to_string())).map(|(k, v)| format!("{k}={v}")));
                let url = format!("{base}?{}", pairs.join("&"));
                let reply = api.send(api.http.get(api.url(&url)).header("CF-Connecting-IP", "198.51.100.200")).await;
                sent += 1;
                *answers.entry(format!("{} {}", reply.status, reply.body["error"]["code"].as_str().unwrap_or(""))).or_default() += 1;
                if reply.status >= 500 {
                    faults.push(format!("{} ← GET {url}: {}", reply.status, reply.body));
                } else if reply.status == 422 && reply.field().is_none_or(str::is_empty) {
                    faults.push(format!("422 naming no field ← GET {url}: {}", reply.body));
                }
            }
        }
    }
    // The requests reach past the front door: many are refused by a field's own check.
    let validated: usize = answers.iter().filter(|(k, _)| k.starts_with("422 ")).map(|(_, n)| n).sum();
    assert!(sent > 1_000 && validated * 10 > sent, "{sent} requests, {validated} refused by a field's check: {answers:#?}");
    assert!(faults.is_empty(), "{} of {sent} generated requests went wrong:\n{}", faults.len(), faults.join("\n"));
}
