//! The authorization matrix: every route the OpenAPI document lists, called by someone signed
//! out, an agent, a supervisor and an admin, answers as the table below says — 401 signed out,
//! 403 below the route's role, and otherwise past the check. A route the table does not name
//! fails the test, so no route is added without deciding who may call it. It signs the demo
//! users out everywhere, so `cargo xtask test` runs it after the rest of the suite.

use std::collections::BTreeSet;

use kefu_tests::{Api, Reply, ADMIN, AGENT, SUPERVISOR};

/// Who may call a route: anyone, or someone signed in with at least this role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rule {
    Anyone,
    Agent,
    Supervisor,
    Admin,
}

use Rule::*;

/// The table: what the bank's roles may do. Settings, teams, users, survey templates and
/// schedules, the jobs and the outbox are the admin's; the dashboard, reports, the complaint
/// register and exports the supervisor's (approving extensions is a supervisor's move on a
/// complaint, tested in complaints.rs); the rest is the agents' daily work. The public routes
/// are the customer's: signing in, the web form and the survey link.
const TABLE: &[(&str, &str, Rule)] = &[
    ("get", "/api/health", Anyone),
    ("get", "/api/openapi.json", Anyone),
    ("post", "/api/auth/login", Anyone),
    ("post", "/api/auth/logout", Agent),
    ("post", "/api/auth/logout-everywhere", Agent),
    ("get", "/api/me", Agent),
    ("post", "/api/me/password", Agent),
    ("get", "/api/users", Admin),
    ("get", "/api/audit", Admin),
    ("post", "/api/users", Admin),
    ("put", "/api/users/{id}", Admin),
    ("post", "/api/users/{id}/reset-password", Admin),
    ("post", "/api/customers", Agent),
    ("get", "/api/products", Agent),
    ("get", "/api/customers", Agent),
    ("get", "/api/customers/{id}", Agent),
    ("post", "/api/customers/{id}/products", Agent),
    ("put", "/api/products/{code}", Admin),
    ("get", "/api/follow-ups", Agent),
    ("get", "/api/follow-ups/{id}", Agent),
    ("post", "/api/follow-ups/{id}/attempts", Agent),
    ("post", "/api/cases", Agent),
    ("get", "/api/cases", Agent),
    ("get", "/api/cases/export", Supervisor),
    ("get", "/api/cases/counts", Agent),
    ("get", "/api/cases/{id}", Agent),
    ("post", "/api/cases/{id}/events", Agent),
    ("post", "/api/cases/{id}/transition", Agent),
    ("post", "/api/cases/{id}/identity", Agent),
    ("post", "/api/classify", Agent),
    ("post", "/api/cases/{id}/assign", Agent),
    ("post", "/api/cases/{id}/escalate", Agent),
    ("get", "/api/dashboard", Supervisor),
    ("get", "/api/reports/complaints", Supervisor),
    ("get", "/api/scorecards", Supervisor),
    ("get", "/api/complaints", Supervisor),
    ("post", "/api/customers/{id}/relationship", Agent),
    ("post", "/api/customers/{id}/consent", Agent),
    ("post", "/api/customers/{id}/reveal", Agent),
    ("get", "/api/customers/{id}/export", Supervisor),
    ("post", "/api/customers/{id}/erase", Admin),
    ("get", "/api/staff", Agent),
    ("get", "/api/canned-replies", Agent),
    ("post", "/api/canned-replies", Admin),
    ("put", "/api/canned-replies/{id}", Admin),
    ("post", "/api/public/cases", Anyone),
    ("get", "/api/articles", Agent),
    ("get", "/api/articles/{id}", Agent),
    ("post", "/api/articles", Supervisor),
    ("put", "/api/articles/{id}", Supervisor),
    ("get", "/api/cases/{id}/suggested-articles", Agent),
    ("get", "/api/knowledge/insights", Supervisor),
    ("post", "/api/knowledge/missed-searches/{id}/dismiss", Supervisor),
    ("get", "/api/public/articles", Anyone),
    ("get", "/api/public/articles/{id}", Anyone),
    ("post", "/api/public/articles/suggest", Anyone),
    ("post", "/api/public/deflections", Anyone),
    ("get", "/api/public/branches", Anyone),
    ("get", "/api/public/slots", Anyone),
    ("post", "/api/public/appointments", Anyone),
    ("get", "/api/public/appointments/{token}", Anyone),
    ("post", "/api/public/appointments/{token}/reschedule", Anyone),
    ("post", "/api/public/appointments/{token}/cancel", Anyone),
    ("get", "/api/branches", Admin),
    ("post", "/api/branches", Admin),
    ("put", "/api/branches/{id}", Admin),
    ("get", "/api/services", Admin),
    ("post", "/api/services", Admin),
    ("put", "/api/services/{code}", Admin),
    ("post", "/api/appointments", Agent),
    ("get", "/api/appointments", Agent),
    ("post", "/api/appointments/{id}/check-in", Agent),
    ("post", "/api/appointments/{id}/no-show", Agent),
    ("get", "/api/notifications", Agent),
    ("post", "/api/notifications/read", Agent),
    ("get", "/api/jobs", Admin),
    ("get", "/api/outbox", Admin),
    ("post", "/api/outbox/{id}/retry", Admin),
    ("get", "/api/settings", Admin),
    ("put", "/api/settings/{key}", Admin),
    ("get", "/api/teams", Admin),
    ("put", "/api/teams/{id}", Admin),
    ("get", "/api/survey-templates", Admin),
    ("get", "/api/survey-templates/{id}", Admin),
    ("post", "/api/survey-templates", Admin),
    ("put", "/api/survey-templates/{id}", Admin),
    ("get", "/api/survey-schedules", Admin),
    ("post", "/api/survey-schedules", Admin),
    ("get", "/api/survey-schedules/{id}", Admin),
    ("patch", "/api/survey-schedules/{id}", Admin),
    ("get", "/api/survey-schedules/{id}/results", Admin),
    ("get", "/api/public/surveys/{token}", Anyone),
    ("post", "/api/public/surveys/{token}", Anyone),
    ("get", "/api/public/password-links/{token}", Anyone),
    ("post", "/api/public/password-links/{token}", Anyone),
];

/// Calls a route as `api` would, with ids no record has. A state-changing call sends a body
/// that is not JSON, so a caller who gets past the check is stopped by its first read and
/// changes nothing (only signing out reads no body: those are called last).
async fn call(api: &Api, method: &str, path: &str) -> Reply {
    let path = path.replace("{id}", "no-such-record").replace("{key}", "no_such_setting").replace("{token}", "no-such-token");
    let url = api.url(&path);
    let request = match method {
        "get" => api.http.get(url),
        "post" => api.http.post(url),
        "put" => api.http.put(url),
        "patch" => api.http.patch(url),
        "delete" => api.http.delete(url),
        other => panic!("a method the table does not know: {other}"),
    };
    let request = if method == "get" { request } else { request.header("X-Requested-With", "kefu").header("Content-Type", "application/json").body("{") };
    api.send(request).await
}

/// Whether a caller with `role` (None: signed out) got the answer the rule says.
fn answered_as_ruled(rule: Rule, role: Option<Rule>, reply: &Reply) -> Result<(), String> {
    let expected = match (rule, role) {
        (Anyone, _) => None,
        (_, None) => Some(401),
        (needed, Some(has)) if has < needed => Some(403),
        _ => None,
    };
    match expected {
        Some(code) if reply.status == code => Ok(()),
        Some(code) => Err(format!("{code} expected, got {}: {}", reply.status, reply.body)),
        None if matches!(reply.status, 401 | 403) || reply.status >= 500 => Err(format!("past the check expected, got {}: {}", reply.status, reply.body)),
        None => Ok(()),
    }
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_table_says() {
    let anonymous = Api::anonymous();
    let document = anonymous.get("/api/openapi.json").await;
    assert_eq!(document.status, 200);
    let mut listed = BTreeSet::new();
    for (path, item) in document.body["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path's operations") {
            // The document says the same as the table: no security for the public routes.
            let role = operation["x-kefu-role"].as_str();
            listed.insert((method.clone(), path.clone(), role.map(String::from)));
        }
    }
    let named: BTreeSet<(String, String)> = TABLE.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    let unruled: Vec<_> = listed.iter().filter(|(m, p, _)| !named.contains(&(m.clone(), p.clone()))).collect();
    assert!(unruled.is_empty(), "routes with no rule in this test's table: {unruled:?}");
    let gone: Vec<_> = named.iter().filter(|(m, p)| !listed.iter().any(|(lm, lp, _)| lm == m && lp == p)).collect();
    assert!(gone.is_empty(), "the table names routes the API no longer has: {gone:?}");
    for (method, path, rule) in TABLE {
        let documented = listed.iter().find(|(m, p, _)| m == method && p == path).and_then(|(_, _, r)| r.clone());
        let expected = match rule {
            Anyone => None,
            Agent => Some("agent"),
            Supervisor => Some("supervisor"),
            Admin => Some("admin"),
        };
        assert_eq!(documented.as_deref(), expected, "{method} {path}: the document's role");
    }

    let callers = [
        (None, anonymous),
        (Some(Agent), Api::signed_in(AGENT).await),
        (Some(Supervisor), Api::signed_in(SUPERVISOR).await),
        (Some(Admin), Api::signed_in(ADMIN).await),
    ];
    let mut wrong = Vec::new();
    // Signing out ends the caller's session: each of those is called with a session of its own.
    let signs_out = |(_, p, _): &&(&str, &str, Rule)| p.starts_with("/api/auth/logout");
    for (method, path, rule) in TABLE.iter().filter(|r| !signs_out(r)) {
        for (role, api) in &callers {
            let reply = call(api, method, path).await;
            if let Err(why) = answered_as_ruled(*rule, *role, &reply) {
                wrong.push(format!("{method} {path} as {role:?}: {why}"));
            }
        }
    }
    for (method, path, rule) in TABLE.iter().filter(signs_out) {
        for (role, email) in [(None, None), (Some(Agent), Some(AGENT)), (Some(Supervisor), Some(SUPERVISOR)), (Some(Admin), Some(ADMIN))] {
            let api = match email {
                Some(email) => Api::signed_in(email).await,
                None => Api::anonymous(),
            };
            let reply = call(&api, method, path).await;
            if let Err(why) = answered_as_ruled(*rule, role, &reply) {
                wrong.push(format!("{method} {path} as {role:?}: {why}"));
            }
        }
    }
    assert!(wrong.is_empty(), "answers that differ from the table:\n{}", wrong.join("\n"));
}

/// The check itself: it refuses an answer that lets a lower role through, or a 5xx.
#[test]
fn the_matrix_flags_a_route_that_lets_the_wrong_caller_in() {
    let reply = |status| Reply { status, body: serde_json::Value::Null };
    assert!(answered_as_ruled(Admin, Some(Agent), &reply(200)).is_err(), "an agent through an admin's route");
    assert!(answered_as_ruled(Agent, None, &reply(200)).is_err(), "a signed-out caller through");
    assert!(answered_as_ruled(Agent, Some(Admin), &reply(403)).is_err(), "an admin refused an agent's route");
    assert!(answered_as_ruled(Anyone, None, &reply(500)).is_err(), "a 5xx");
    assert!(answered_as_ruled(Supervisor, Some(Agent), &reply(403)).is_ok());
    assert!(answered_as_ruled(Supervisor, Some(Admin), &reply(404)).is_ok());
}
