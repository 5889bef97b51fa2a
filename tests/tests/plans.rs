//! Every statement the worker runs is served by an index: `EXPLAIN QUERY PLAN` on the test
//! database may not show a full scan of a table that grows with the bank's business, nor a
//! temporary B-tree sort of one, so a future change cannot quietly undo the indexes.
//!
//! The worker keeps every distinct SQL text it prepares under `cargo xtask test`
//! (`GET /api/__test/queries`). This test first opens every list the UI shows, with each of
//! the queue's filters, then checks everything the worker has run: `cargo xtask test` runs it
//! after the rest of the suite, so the crons' statements and every write are checked too.

use std::collections::BTreeMap;

use kefu_tests::{Api, ADMIN, AGENT, SUPERVISOR};
use rusqlite::{Connection, OpenFlags};

/// Tables whose size is set by configuration, not by the business: a scan reads tens of rows.
const SMALL: &[&str] = &["settings", "teams", "users", "products", "survey_templates", "survey_schedules", "canned_replies", "articles", "branches", "services", "branch_services"];

/// Partial indexes whose range up to now holds only the rows that came into it since the last
/// SLA sweep (it runs every 5 minutes and moves them out): sorting what such a range yields sorts
/// minutes' worth of cases, not the table (0015_due_soon.sql).
const SWEPT: &[&str] = &["cases_warning_unswept"];

/// The problems in one statement's plan: each scan or sort of a table not in [`SMALL`].
///
/// Allowed: lookups (SEARCH), scans of the request's own list (`json_each`, a virtual table) and
/// of subqueries, and walking an index in order up to the LIMIT when nothing outside the index
/// filters the rows (no WHERE, or a partial index that holds exactly the rows asked for). A
/// temporary B-tree is allowed only for rows driven by the request's own list, or found in a
/// [`SWEPT`] index's range (in the same part of the plan).
fn faults(db: &Connection, sql: &str) -> Vec<String> {
    let aliases = tables_by_alias(sql);
    // The queue writes `WHERE 1 = 1` before its conditions; with none after it, nothing filters.
    let upper = sql.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase().replace(" WHERE 1 = 1 ORDER BY ", " ORDER BY ");
    let schema: Vec<(String, String, Option<String>)> = {
        let mut stmt = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index')").expect("the schema");
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).expect("the schema");
        rows.collect::<Result<_, _>>().expect("the schema")
    };
    let is_table = |name: &str| schema.iter().any(|(kind, n, _)| kind == "table" && n == name);
    let partial = |index: &str| schema.iter().any(|(kind, n, sql)| kind == "index" && n == index && sql.as_deref().is_some_and(|s| s.to_uppercase().contains(" WHERE ")));
    let large = |name: &str| {
        let table = aliases.get(name).map_or(name, String::as_str);
        is_table(table) && !SMALL.contains(&table)
    };

    let mut stmt = db.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap_or_else(|e| panic!("{e}: {sql}"));
    for i in 1..=stmt.parameter_count() {
        stmt.raw_bind_parameter(i, rusqlite::types::Null).expect("a parameter");
    }
    let mut rows = stmt.raw_query();
    let mut plan: Vec<(i64, String)> = Vec::new();
    while let Some(row) = rows.next().expect("a plan row") {
        plan.push((row.get(1).expect("the plan row's parent"), row.get(3).expect("the plan's detail")));
    }
    let swept_part = |parent: i64| {
        plan.iter().any(|(p, d)| *p == parent && d.starts_with("SEARCH ") && SWEPT.iter().any(|i| d.contains(&format!(" USING INDEX {i} "))))
    };
    let driven_by_list = plan.iter().any(|(_, d)| d.contains("VIRTUAL TABLE"));
    let ordered_limit = upper.contains(" ORDER BY ") && upper.contains(" LIMIT ");
    let mut found = Vec::new();
    for (parent, detail) in &plan {
        if let Some(rest) = detail.strip_prefix("SCAN ") {
            let name = rest.split_whitespace().next().unwrap_or_default();
            let index = rest.split(" INDEX ").nth(1).and_then(|i| i.split_whitespace().next());
            let walk = index.is_some_and(|i| ordered_limit && (!upper.contains(" WHERE ") || partial(i)));
            if large(name) && !walk {
                found.push(detail.clone());
            }
        }
        if detail.starts_with("USE TEMP B-TREE") && !driven_by_list && !swept_part(*parent) && aliases.values().any(|t| large(t)) {
            found.push(detail.clone());
        }
    }
    found
}

/// The tables a statement names, by alias and by their own name.
fn tables_by_alias(sql: &str) -> BTreeMap<String, String> {
    const NOT_ALIAS: &[&str] = &["WHERE", "JOIN", "LEFT", "INNER", "ON", "ORDER", "GROUP", "LIMIT", "SET", "USING", "AND", "UNION", "VALUES"];
    let words: Vec<String> = sql
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut map = BTreeMap::new();
    for (i, word) in words.iter().enumerate() {
        let upper = word.to_uppercase();
        if !matches!(upper.as_str(), "FROM" | "JOIN" | "INTO" | "UPDATE") {
            continue;
        }
        let Some(table) = words.get(i + 1) else { continue };
        map.insert(table.clone(), table.clone());
        let mut next = i + 2;
        if words.get(next).is_some_and(|w| w.eq_ignore_ascii_case("AS")) {
            next += 1;
        }
        if let Some(alias) = words.get(next).filter(|w| w.chars().all(|c| c.is_alphanumeric() || c == '_') && !NOT_ALIAS.contains(&w.to_uppercase().as_str())) {
            map.insert(alias.clone(), table.clone());
        }
    }
    map
}

/// The test database, read-only. Foreign keys off: D1 enforces them, but the child-table scans
/// SQLite plans for an insert into a parent table run only while a deferred violation is
/// outstanding (OP_FkIfZero), which never happens in Kefu, and Kefu deletes no parent rows.
fn test_database() -> Connection {
    let file = std::env::var("KEFU_D1_FILE").expect("KEFU_D1_FILE is set by `cargo xtask test`");
    let db = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).expect("the test database");
    db.execute_batch("PRAGMA foreign_keys = OFF").expect("foreign keys off");
    db
}

/// Opens every list the UI shows, as the role that sees it.
async fn open_every_list() {
    let agent = Api::signed_in(AGENT).await;
    let first = agent.get("/api/cases?status=open&limit=2").await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    let case = &first.body["items"][0];
    let (case_id, customer_id, category) = (case["id"].as_str().unwrap(), case["customer_id"].as_str().unwrap(), case["category"].as_str().unwrap());
    let cursor = first.body["next_cursor"].as_str().expect("a second page");
    let customer = agent.get(&format!("/api/customers/{customer_id}")).await.body;
    let views = [
        "assignee=me&status=open".to_string(),
        // An agent's whole history, open and closed (GET /api/cases?assignee= alone).
        "assignee=me".into(),
        "team=mine&status=open".into(),
        // A team's whole history (the dashboard's drill-down to the queue's "all"): each member's
        // range of cases_assignee_by_due, merged.
        "team=mine".into(),
        "team=team-retail-1".into(),
        format!("team=team-retail-1&cursor={cursor}"),
        "assignee=none&status=open".into(),
        "sla=due_soon".into(),
        "sla=breached".into(),
        format!("category={category}&status=open"),
        "kind=complaint&status=open".into(),
        "channel=phone&status=open".into(),
        "status=new".into(),
        "status=closed".into(),
        format!("customer_id={customer_id}"),
        format!("status=open&cursor={cursor}"),
        "assignee=me&sla=breached".into(),
        "kind=inquiry&sla=due_soon".into(),
        // The dashboard's drill-downs: each walks its date's index in order.
        "date=received&from=2024-12-01&to=2024-12-31&limit=2".into(),
        "date=received&from=2024-12-01&to=2024-12-31&kind=complaint&category=cards&team=team-retail-1".into(),
        "date=first_response_due&from=2024-12-01&to=2024-12-31&met=late".into(),
        "date=resolution_due&from=2024-12-01&to=2024-12-31&met=on_time&kind=follow_up".into(),
        "date=regulatory_due&from=2024-12-01&to=2024-12-31&met=late".into(),
        "date=complaint_closed&from=2024-12-01&to=2024-12-31&cause=none".into(),
        "date=received&from=2000-01-01&to=2099-12-31&limit=1&cursor=0.a".into(),
        "date=answered&from=2024-12-01&to=2024-12-31&csat=unsatisfied".into(),
        "date=step_due&from=2024-12-01&to=2024-12-31&met=late&team=team-retail-1".into(),
        "date=step_due&from=2024-12-01&to=2024-12-31&met=on_time&step=review".into(),
        "date=step_due&from=2000-01-01&to=2099-12-31&limit=1&cursor=0.a".into(),
    ];
    for view in views {
        let reply = agent.get(&format!("/api/cases?{view}")).await;
        assert_eq!(reply.status, 200, "{view}: {:?}", reply.body);
    }
    let name: String = customer["name"].as_str().unwrap().chars().take(1).collect();
    for path in [
        "/api/cases/counts".to_string(),
        format!("/api/cases/{case_id}"),
        format!("/api/customers?q={name}"),
        "/api/customers?q=1234".into(),
        "/api/customers?left_from=2024-05-01&left_to=2024-05-31".into(),
        "/api/customers?left_from=2024-05-01&left_to=2024-05-31&reason=service&cursor=0.a".into(),
        "/api/customers?q=someone%40example.cn".into(),
        "/api/canned-replies".into(),
        "/api/canned-replies?q=到账".into(),
        "/api/notifications".into(),
        "/api/staff".into(),
        "/api/products".into(),
    ] {
        let reply = agent.get(&path).await;
        assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
    }
    let supervisor = Api::signed_in(SUPERVISOR).await;
    for path in [
        "/api/complaints",
        "/api/complaints?status=open",
        "/api/complaints?status=closed&from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z",
        "/api/cases/export?status=open",
        "/api/cases/export?sla=due_soon",
        "/api/cases/export?date=complaint_closed&from=2000-01-01&to=2099-12-31&team=team-complaints",
    ] {
        let reply = supervisor.get(path).await;
        assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
    }
    let admin = Api::signed_in(ADMIN).await;
    let schedules = admin.get("/api/survey-schedules").await;
    assert_eq!(schedules.status, 200);
    let schedule = schedules.body["items"][0]["id"].as_str().or_else(|| schedules.body[0]["id"].as_str()).expect("a demo schedule").to_string();
    for path in [
        "/api/jobs".to_string(),
        "/api/outbox".into(),
        "/api/outbox?status=pending".into(),
        "/api/settings".into(),
        "/api/teams".into(),
        "/api/survey-templates".into(),
        format!("/api/survey-schedules/{schedule}/results"),
        "/api/users".into(),
        // The audit search, by each index it picks, with dates and a cursor.
        "/api/audit".into(),
        "/api/audit?actor=user-admin".into(),
        "/api/audit?action=signed_in&from=2026-01-01&to=2026-12-31".into(),
        "/api/audit?entity=user&entity_id=user-agent".into(),
        "/api/audit?entity=customer&actor=user-agent&cursor=1764000000000.5".into(),
        "/api/audit?entity=setting&to=2026-12-31".into(),
        "/api/audit?from=2026-01-01&cursor=1764000000000.5".into(),
    ] {
        let reply = admin.get(&path).await;
        assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
    }
}

#[tokio::test]
async fn no_statement_the_worker_ran_scans_or_sorts_a_growing_table() {
    open_every_list().await;
    let reply = Api::anonymous().get("/api/__test/queries").await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let statements: Vec<String> = serde_json::from_value(reply.body).expect("a list of SQL texts");
    assert!(statements.len() >= 30, "the worker noted only {} statements", statements.len());
    assert!(statements.iter().any(|s| s.contains("ORDER BY sort_key, sort_id")), "the queue's statement was not noted");

    let db = test_database();
    let mut report = String::new();
    for sql in &statements {
        let found = faults(&db, sql);
        if !found.is_empty() {
            report.push_str(&format!("\n{}\n  -> {}\n", sql.split_whitespace().collect::<Vec<_>>().join(" "), found.join("; ")));
        }
    }
    assert!(report.is_empty(), "statements that read a growing table without an index:{report}");
}

/// The checker itself: it flags a scan and a sort, through an alias, and passes an indexed list.
#[test]
fn the_checker_flags_a_scan_and_a_sort_and_passes_an_index() {
    let db = Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = OFF; CREATE TABLE cases (id TEXT PRIMARY KEY, subject TEXT, is_open INTEGER, sla_due_at INTEGER);
                      CREATE INDEX cases_open_by_due ON cases (is_open, sla_due_at, id);
                      CREATE TABLE settings (key TEXT, value TEXT);")
        .unwrap();
    assert_eq!(faults(&db, "SELECT id FROM cases c WHERE c.subject = ?1"), ["SCAN c"]);
    assert_eq!(faults(&db, "SELECT id FROM cases WHERE is_open = 1 ORDER BY subject LIMIT ?1"), ["USE TEMP B-TREE FOR ORDER BY"]);
    assert!(faults(&db, "SELECT c.id FROM cases AS c WHERE c.is_open = 1 ORDER BY c.sla_due_at, c.id LIMIT ?1").is_empty());
    assert!(faults(&db, "SELECT key, value FROM settings").is_empty());
    assert!(faults(&db, "SELECT id FROM cases INDEXED BY cases_open_by_due ORDER BY is_open, sla_due_at LIMIT 50").is_empty());
    assert_eq!(faults(&db, "SELECT id FROM cases INDEXED BY cases_open_by_due WHERE subject = ?1 ORDER BY is_open, sla_due_at LIMIT 50").len(), 1);
    // Due soon's second part sorts only what the sweep has not yet seen; any other sort is flagged.
    db.execute_batch("CREATE INDEX cases_warning_unswept ON cases (sla_due_at) WHERE is_open = 1; CREATE INDEX cases_by_subject ON cases (subject);").unwrap();
    assert!(faults(&db, "SELECT id FROM cases INDEXED BY cases_warning_unswept WHERE is_open = 1 AND sla_due_at <= ?1 ORDER BY subject LIMIT 50").is_empty());
    assert_eq!(faults(&db, "SELECT id FROM cases INDEXED BY cases_by_subject WHERE subject < ?1 ORDER BY sla_due_at LIMIT 50"), ["USE TEMP B-TREE FOR ORDER BY"]);
}
