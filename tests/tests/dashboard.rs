//! The supervisor dashboard: every figure equals a direct count over the cases in the test
//! database, whether its days are stored by the hourly job or tallied live, at the edges of the
//! period and of the institution's day (Beijing, UTC+8). The cases live in December 2024, a
//! month no other test and no demo data uses.

use chrono::{DateTime, Duration, Utc};
use kefu_tests::cron::{bj, get_at, post_at, run, HOURLY};
use kefu_tests::{unique, Api, Reply, AGENT, SUPERVISOR};
use rusqlite::Connection;
use serde_json::{json, Value};

fn raw() -> Connection {
    kefu_tests::database()
}

/// The figures of a period [start, end) counted straight from the cases and answers, by the
/// rules domain::stats states, in SQL: an implementation independent of the worker's.
fn counted(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>, team: Option<&str>) -> Value {
    let whose = match team {
        Some(t) => format!("AND c.assignee_id IN (SELECT id FROM users WHERE team_id = '{t}')"),
        None => String::new(),
    };
    counted_where(start, end, now, &whose)
}

/// [`counted`] over the cases `whose` (an SQL condition after AND) selects.
fn counted_where(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>, team_clause: &str) -> Value {
    let db = raw();
    let (s, e, n) = (start.timestamp_millis(), end.timestamp_millis(), now.timestamp_millis());
    let one = |sql: &str| -> i64 {
        let sql = format!("SELECT {sql} FROM cases c WHERE c.merged_into IS NULL {team_clause}").replace(":s", &s.to_string()).replace(":e", &e.to_string()).replace(":n", &n.to_string());
        db.query_row(&sql, [], |r| r.get::<_, Option<i64>>(0)).unwrap().unwrap_or(0)
    };
    // A complaint step's clock: the steps left (complaint_steps) and the current ones (cases).
    let left = |sql: &str| -> i64 {
        let sql = format!("SELECT {sql} FROM complaint_steps s JOIN cases c ON c.id = s.case_id WHERE c.merged_into IS NULL {team_clause}")
            .replace(":s", &s.to_string()).replace(":e", &e.to_string());
        db.query_row(&sql, [], |r| r.get::<_, Option<i64>>(0)).unwrap().unwrap_or(0)
    };
    let steps: serde_json::Map<String, Value> = ["review", "investigation", "feedback"].iter().filter_map(|step| {
        let decided = left(&format!("COUNT(*) FILTER (WHERE s.step = '{step}' AND s.due_at >= :s AND s.due_at < :e)"))
            + one(&format!("COUNT(*) FILTER (WHERE c.step = '{step}' AND c.step_due_at >= :s AND c.step_due_at < :e AND c.step_due_at <= :n)"));
        let on_time = left(&format!("COUNT(*) FILTER (WHERE s.step = '{step}' AND s.due_at >= :s AND s.due_at < :e AND s.ended_at <= s.due_at)"));
        (decided > 0).then(|| (step.to_string(), json!({"decided": decided, "on_time": on_time})))
    }).collect();
    let clock = |due: &str, met: &str| {
        json!({
            "decided": one(&format!("COUNT(*) FILTER (WHERE {due} >= :s AND {due} < :e AND ({met} IS NOT NULL OR {due} <= :n))")),
            "on_time": one(&format!("COUNT(*) FILTER (WHERE {due} >= :s AND {due} < :e AND {met} <= {due})")),
        })
    };
    json!({
        "received": one("COUNT(*) FILTER (WHERE c.created_at >= :s AND c.created_at < :e)"),
        "complaints": one("COUNT(*) FILTER (WHERE c.kind = 'complaint' AND c.created_at >= :s AND c.created_at < :e)"),
        "first_response": clock("c.first_response_due_at", "c.first_responded_at"),
        "resolution": clock("c.resolution_due_at", "(CASE WHEN c.kind = 'follow_up' THEN COALESCE(c.closed_at, c.resolved_at) ELSE COALESCE(c.resolved_at, c.closed_at) END)"),
        "regulatory": clock("c.regulatory_due_at", "c.closed_at"),
        "complaints_closed": one("COUNT(*) FILTER (WHERE c.kind = 'complaint' AND c.closed_at >= :s AND c.closed_at < :e)"),
        "first_responses_met": one("COUNT(*) FILTER (WHERE c.first_response_due_at >= :s AND c.first_response_due_at < :e AND c.first_responded_at IS NOT NULL)"),
        "steps": steps,
    })
}

/// The same figures from the dashboard's tally.
fn shown(tally: &Value) -> Value {
    let sum = |v: &Value| v.as_object().map_or(0, |m| m.values().map(|n| n.as_i64().unwrap()).sum::<i64>());
    json!({
        "received": sum(&tally["received"]),
        "complaints": sum(&tally["complaints_by_category"]),
        "first_response": tally["first_response"],
        "resolution": tally["resolution"],
        "regulatory": tally["regulatory"],
        "complaints_closed": tally["complaints_closed"],
        "first_responses_met": sum(&tally["first_response_minutes"]),
        "steps": tally["steps"].as_object().cloned().unwrap_or_default(),
    })
}

async fn dashboard(api: &Api, query: &str, at: DateTime<Utc>) -> Reply {
    let reply = get_at(api, &format!("/api/dashboard?{query}"), at).await;
    assert_eq!(reply.status, 200, "{query}: {:?}", reply.body);
    reply
}

async fn inquiry(agent: &Api, customer: &str, subject: &str, at: DateTime<Utc>) -> Value {
    let case = post_at(agent, "/api/cases", &json!({
        "kind": "inquiry", "channel": "phone", "customer_id": customer, "assignee": "me", "complexity": "ordinary",
        "subject": subject, "description": "客户来电咨询"
    }), at).await;
    assert_eq!(case.status, 201, "{:?}", case.body);
    case.body
}

/// Every case of a queue filter, following the cursor two at a time.
async fn drill_down(api: &Api, query: &str, at: DateTime<Utc>) -> Vec<Value> {
    let mut cases = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = get_at(api, &format!("/api/cases?{query}&limit=2{cursor}"), at).await;
        assert_eq!(page.status, 200, "{query}: {:?}", page.body);
        cases.extend(page.body["items"].as_array().unwrap().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return cases,
        }
    }
}

/// A case's instant, from the list or (for closing, which lists do not show) the database.
fn column_of(case: &Value, column: &str) -> i64 {
    match case[column].as_str() {
        Some(t) => DateTime::parse_from_rfc3339(t).unwrap().timestamp_millis(),
        None => raw().query_row(&format!("SELECT {column} FROM cases WHERE id = ?1"), [case["id"].as_str().unwrap()], |r| r.get(0)).unwrap(),
    }
}

/// A CSV download's status and text, as if at `at`.
async fn export_at(api: &Api, path: &str, at: DateTime<Utc>) -> (u16, String) {
    let response = api.http.get(api.url(path)).header("X-Kefu-Test-Now", at.timestamp_millis().to_string()).send().await.unwrap();
    let status = response.status().as_u16();
    if status == 200 {
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"kefu-"));
    }
    (status, response.text().await.unwrap())
}

/// The case export of a queue filter.
async fn export(api: &Api, query: &str, at: DateTime<Utc>) -> (u16, String) {
    export_at(api, &format!("/api/cases/export?{query}"), at).await
}

#[tokio::test]
async fn every_dashboard_figure_equals_a_count_over_the_cases_stored_or_live() {
    let agent = Api::signed_in(AGENT).await;
    let boss = Api::signed_in(SUPERVISOR).await;
    let customer = post_at(&agent, "/api/customers", &json!({"name": unique("看板客户"), "phone": "13600003333"}), bj(2024, 11, 30, 9, 0)).await;
    assert_eq!(customer.status, 201, "{:?}", customer.body);
    let customer = customer.body["id"].as_str().unwrap().to_string();

    // At the edges of December in Beijing: the last minute of 30 November (in the previous
    // period), the first of 1 December (16:00 UTC on 30 November), the last of 31 December, and
    // the first of 1 January (still 31 December in UTC: not in the period).
    let edges = [bj(2024, 11, 30, 23, 59), bj(2024, 12, 1, 0, 0), bj(2024, 12, 31, 23, 59), bj(2025, 1, 1, 0, 0)];
    let mut cases = Vec::new();
    for (i, at) in edges.iter().enumerate() {
        cases.push(inquiry(&agent, &customer, &format!("看板边界{i}"), *at).await);
    }
    // Mid-month: one answered within the hour, one a day and a half late, one never answered.
    let mid = bj(2024, 12, 10, 10, 0);
    for (subject, answer_after) in [("看板及时", Some(Duration::minutes(37))), ("看板超时", Some(Duration::hours(36))), ("看板未答", None)] {
        let case = inquiry(&agent, &customer, subject, mid).await;
        if let Some(after) = answer_after {
            let id = case["id"].as_str().unwrap();
            let reply = post_at(&agent, &format!("/api/cases/{id}/events"), &json!({"type": "reply", "body": "已答复", "version": case["version"]}), mid + after).await;
            assert_eq!(reply.status, 201, "{:?}", reply.body);
        }
    }

    // Two complaints: one through its steps (review left within the hour, investigation left
    // a week late, feedback left within the hour by closing), one left in review.
    let complaint = |subject: &'static str| {
        // Kept by the supervisor: who handles a complaint is not an agent's call.
        let (boss, customer) = (&boss, customer.clone());
        async move {
            let created = post_at(boss, "/api/cases", &json!({
                "kind": "complaint", "channel": "phone", "customer_id": customer, "assignee": "me", "complexity": "ordinary",
                "subject": subject, "description": "客户投诉账单扣费有误"
            }), bj(2024, 12, 3, 10, 0)).await;
            assert_eq!(created.status, 201, "{:?}", created.body);
            created.body
        }
    };
    let mut moved = complaint("看板投诉环节").await;
    let id = moved["id"].as_str().unwrap().to_string();
    for (body, at) in [
        (json!({"to": "investigation", "reason": "材料齐全"}), bj(2024, 12, 3, 11, 0)),
        (json!({"to": "feedback", "reason": "核实完毕"}), bj(2024, 12, 16, 10, 0)),
        (json!({
            "to": "closed", "outcome": "upheld", "root_cause": "system_error", "prevention": "修复扣款批处理",
            "redress_type": "refund", "redress_amount": 5000, "customer_informed": true, "customer_opinion": "satisfied"
        }), bj(2024, 12, 16, 11, 0)),
    ] {
        let mut body = body;
        body["version"] = moved["version"].clone();
        let reply = post_at(&agent, &format!("/api/cases/{id}/transition"), &body, at).await;
        assert_eq!(reply.status, 200, "{body}: {:?}", reply.body);
        moved = reply.body;
    }
    complaint("看板投诉未审").await;

    let period = "from=2024-12-01&to=2024-12-31";
    let january = bj(2025, 1, 20, 12, 0);
    let (start, end) = (bj(2024, 12, 1, 0, 0), bj(2025, 1, 1, 0, 0));
    let live = dashboard(&boss, period, january).await.body;
    assert_eq!((live["from"].as_str(), live["previous_from"].as_str(), live["previous_to"].as_str()), (Some("2024-12-01"), Some("2024-10-31"), Some("2024-11-30")));
    assert_eq!(live["days"].as_array().unwrap().len(), 31);
    assert_eq!(shown(&live["current"]), counted(start, end, january, None));
    assert_eq!(shown(&live["previous"]), counted(bj(2024, 10, 31, 0, 0), start, january, None));
    // This test's own cases: five inquiries received in December (the two edges inside it and
    // the three mid-month) and the two complaints. Seven first responses fell due in it (30
    // November 23:59's on 1 December, not 31 December's; the complaints', never answered by a
    // reply), all decided by 20 January, one on time; 37 minutes and 36 hours.
    let current = &live["current"];
    assert_eq!(current["received"], json!({"inquiry": 5, "complaint": 2}), "{current}");
    // Both reviews fell due in December (one left on time, one never left: late by January),
    // the investigation left late, the feedback on time; the steps left took 1 h, 311 h and 1 h.
    assert_eq!(current["steps"], json!({
        "review": {"decided": 2, "on_time": 1}, "investigation": {"decided": 1, "on_time": 0}, "feedback": {"decided": 1, "on_time": 1}
    }));
    assert_eq!(current["step_minutes"], json!({"review": {"60": 1}, "investigation": {"18660": 1}, "feedback": {"60": 1}}));
    assert_eq!(current["first_response"], json!({"decided": 7, "on_time": 1}));
    assert_eq!(current["first_response_minutes"], json!({"37": 1, "2160": 1}));
    let eleventh = &live["days"][10];
    assert_eq!(eleventh["day"], "2024-12-11");
    assert_eq!(eleventh["first_response"], json!({"decided": 3, "on_time": 1}), "{eleventh}");
    let day = counted(bj(2024, 12, 11, 0, 0), bj(2024, 12, 12, 0, 0), january, None);
    assert_eq!((&eleventh["received"], &eleventh["first_response"]), (&day["received"], &day["first_response"]));
    assert_eq!(live["days"][0]["received"].as_i64(), Some(1), "1 December 00:00 counts on the 1st");
    let by_day: i64 = live["days"].as_array().unwrap().iter().map(|d| d["received"].as_i64().unwrap()).sum();
    assert_eq!(by_day, 7, "the days add up to the period");

    // The hourly job stores December; the figures stay the same, read from the stored days.
    run(&agent, HOURLY, january).await;
    let through: Option<String> = raw().query_row("SELECT through FROM stats_progress WHERE id = 1", [], |r| r.get(0)).expect("the job's progress row");
    assert!(through.is_some(), "the job keeps its progress, so it moves on to the next days");
    let stored = dashboard(&boss, period, january).await.body;
    assert_eq!(stored["current"], live["current"]);
    assert_eq!(stored["days"], live["days"]);
    assert_eq!(stored["previous"], live["previous"]);

    // Answering the never-answered case in January changes December's tally at once (the day
    // is tallied live until the job stores it again), and the job's stored result agrees.
    let unanswered = agent.get(&format!("/api/cases?customer_id={customer}&limit=50")).await.body["items"]
        .as_array().unwrap().iter().find(|c| c["subject"] == "看板未答").cloned().unwrap();
    let id = unanswered["id"].as_str().unwrap();
    let reply = post_at(&agent, &format!("/api/cases/{id}/events"), &json!({"type": "reply", "body": "迟到的答复", "version": unanswered["version"]}), bj(2025, 1, 15, 9, 0)).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let changed = dashboard(&boss, period, january).await.body;
    assert_eq!(shown(&changed["current"]), counted(start, end, january, None));
    assert_eq!(
        changed["current"]["first_response_minutes"].as_object().unwrap().values().map(|n| n.as_i64().unwrap()).sum::<i64>(),
        live["current"]["first_response_minutes"].as_object().unwrap().values().map(|n| n.as_i64().unwrap()).sum::<i64>() + 1,
        "one more response time"
    );
    // Resolving the case answered in 37 minutes within its 48 hours moves 12 December's
    // resolution figure (a different clock, marked by a different change).
    let answered = agent.get(&format!("/api/cases?customer_id={customer}&limit=50")).await.body["items"]
        .as_array().unwrap().iter().find(|c| c["subject"] == "看板及时").cloned().unwrap();
    let id = answered["id"].as_str().unwrap();
    let done = post_at(&agent, &format!("/api/cases/{id}/transition"), &json!({"to": "resolved", "resolution": "已解答", "version": answered["version"]}), bj(2024, 12, 10, 12, 0)).await;
    assert_eq!(done.status, 200, "{:?}", done.body);
    let resolved = dashboard(&boss, period, january).await.body;
    assert_eq!(shown(&resolved["current"]), counted(start, end, january, None));
    assert_eq!(resolved["current"]["resolution"]["on_time"].as_i64(), changed["current"]["resolution"]["on_time"].as_i64().map(|n| n + 1));

    run(&agent, HOURLY, january + Duration::hours(1)).await;
    assert_eq!(dashboard(&boss, period, january).await.body["current"], resolved["current"]);

    // One team's figures are its members' cases.
    let team = dashboard(&boss, &format!("{period}&team=team-retail-1"), january).await.body;
    assert_eq!(shown(&team["current"]), counted(start, end, january, Some("team-retail-1")));
    let other = dashboard(&boss, &format!("{period}&team=team-complaints"), january).await.body;
    assert_eq!(shown(&other["current"]), counted(start, end, january, Some("team-complaints")));

    // Every figure opens the cases behind it: the drill-down lists exactly what the figure
    // counts, in its date's order, page by page.
    let figures = shown(&team["current"]);
    let late = |clock: &Value| clock["decided"].as_i64().unwrap() - clock["on_time"].as_i64().unwrap();
    let team_period = format!("{period}&team=team-retail-1");
    for (query, column, expected) in [
        ("date=received", "created_at", figures["received"].as_i64().unwrap()),
        ("date=received&kind=complaint", "created_at", figures["complaints"].as_i64().unwrap()),
        ("date=first_response_due&met=late", "first_response_due_at", late(&figures["first_response"])),
        ("date=first_response_due&met=on_time", "first_response_due_at", figures["first_response"]["on_time"].as_i64().unwrap()),
        ("date=resolution_due&met=late", "resolution_due_at", late(&figures["resolution"])),
        ("date=regulatory_due&met=late", "regulatory_due_at", late(&figures["regulatory"])),
        ("date=complaint_closed", "closed_at", figures["complaints_closed"].as_i64().unwrap()),
    ] {
        let listed = drill_down(&boss, &format!("{query}&{team_period}"), january).await;
        assert_eq!(listed.len() as i64, expected, "{query}: the list behind the figure");
        let instants: Vec<i64> = listed.iter().map(|c| column_of(c, column)).collect();
        assert!(instants.windows(2).all(|w| w[0] <= w[1]), "{query}: in {column} order");
    }
    // The complaint steps behind their figure: one row per step due in the period, left or
    // current, in its deadline's order; the late and the on-time add up to the figure's steps.
    let steps = |step: Option<&str>, key: &str| -> i64 {
        let of = figures["steps"].as_object().unwrap().iter().filter(|(s, _)| step.map_or(true, |x| x == s.as_str()));
        of.map(|(_, clock)| clock[key].as_i64().unwrap()).sum()
    };
    for (query, step) in [("date=step_due", None), ("date=step_due&step=review", Some("review")), ("date=step_due&step=investigation", Some("investigation"))] {
        let late = drill_down(&boss, &format!("{query}&met=late&{team_period}"), january).await;
        let on_time = drill_down(&boss, &format!("{query}&met=on_time&{team_period}"), january).await;
        assert_eq!((late.len() as i64, on_time.len() as i64), (steps(step, "decided") - steps(step, "on_time"), steps(step, "on_time")), "{query}");
    }
    let late_steps: Vec<String> = drill_down(&boss, &format!("date=step_due&met=late&{team_period}"), january).await.iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
    let expected: Vec<String> = {
        let (s, e, n) = (start.timestamp_millis(), end.timestamp_millis(), january.timestamp_millis());
        let team = "c.merged_into IS NULL AND c.assignee_id IN (SELECT id FROM users WHERE team_id = 'team-retail-1')";
        let db = raw();
        let mut stmt = db.prepare(&format!(
            "SELECT id FROM (SELECT s.due_at AS due, c.id FROM complaint_steps s JOIN cases c ON c.id = s.case_id
               WHERE s.due_at >= ?1 AND s.due_at < ?2 AND s.ended_at > s.due_at AND {team}
             UNION ALL SELECT c.step_due_at, c.id FROM cases c
               WHERE c.step IS NOT NULL AND c.step_due_at >= ?1 AND c.step_due_at < ?2 AND c.step_due_at <= ?3 AND {team})
             ORDER BY due, id"
        )).unwrap();
        let ids = stmt.query_map([s, e, n], |r| r.get(0)).unwrap();
        ids.collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(late_steps, expected, "the late steps, in their deadlines' order");
    let every_team = drill_down(&boss, &format!("date=step_due&met=late&{period}"), january).await;
    let mine: Vec<&str> = every_team.iter().filter(|c| c["customer_id"] == customer.as_str()).map(|c| c["subject"].as_str().unwrap()).collect();
    assert_eq!(mine, ["看板投诉未审", "看板投诉环节"], "the review never left, then the investigation left a week late");
    let bad = get_at(&boss, &format!("/api/cases?date=received&step=review&{period}"), january).await;
    assert_eq!((bad.status, bad.field()), (422, Some("step")), "{:?}", bad.body);

    // This test's cases as the list shows them: the late first responses of 11 December are the
    // two mid-month cases not answered within the day.
    let eleventh_late = drill_down(&boss, "date=first_response_due&from=2024-12-11&to=2024-12-11&met=late", january).await;
    let mut mine: Vec<&str> = eleventh_late.iter().filter(|c| c["customer_id"] == customer.as_str()).map(|c| c["subject"].as_str().unwrap()).collect();
    mine.sort();
    assert_eq!(mine, ["看板未答", "看板超时"]);

    // The export of a drill-down: a BOM, the header, one row per case of the list.
    let (status, text) = export(&boss, &format!("date=received&{team_period}&lang=en"), january).await;
    assert_eq!(status, 200, "{text}");
    let text = text.strip_prefix('\u{feff}').expect("a UTF-8 byte-order mark, for Excel");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, domain::export::COLUMNS.iter().map(|(_, _, en)| en.to_string()).collect::<Vec<_>>());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len() as i64, figures["received"].as_i64().unwrap());
    let row = rows.iter().find(|r| &r[11] == "看板超时").expect("this test's case in the export");
    assert_eq!((&row[12], &row[15]), ("2024-12-10 10:00:00", "late"), "received in Beijing time; answered late");
    let (status, zh) = export(&boss, "date=received&from=2024-12-10&to=2024-12-10", january).await;
    assert_eq!(status, 200);
    assert!(zh.starts_with("\u{feff}受理编号,类型,渠道"), "{zh}");
    let (status, refused) = export(&agent, "date=received&from=2024-12-10&to=2024-12-10", january).await;
    assert_eq!(status, 403, "agents do not export: {refused}");
    let (status, bad) = export(&boss, "date=received&from=2024-12-10&to=2024-12-10&lang=fr", january).await;
    assert_eq!(status, 422, "{bad}");
    assert!(bad.contains("\"lang\""), "{bad}");
    let missing = boss.get("/api/cases?date=received&from=2024-12-10").await;
    assert_eq!((missing.status, missing.field()), (422, Some("to")));

    // The complaint return over every team: received and closed as counted, every closed
    // complaint in exactly one bucket of each shape.
    let all = counted(start, end, january, None);
    let report = get_at(&boss, &format!("/api/reports/complaints?{period}"), january).await;
    assert_eq!(report.status, 200, "{:?}", report.body);
    let total = &report.body["total"];
    assert_eq!((&total["received"], &total["closed"]), (&all["complaints"], &all["complaints_closed"]), "{total}");
    let sum = |v: &Value| v.as_array().unwrap().iter().map(|n| n.as_i64().unwrap()).sum::<i64>();
    assert_eq!((sum(&total["fca"]), sum(&total["china"])), (all["complaints_closed"].as_i64().unwrap(), all["complaints_closed"].as_i64().unwrap()));
    let by_product: i64 = report.body["by_product"].as_object().unwrap().values().map(|r| r["received"].as_i64().unwrap()).sum();
    assert_eq!(by_product, all["complaints"].as_i64().unwrap(), "the products add up to the total");
    let (status, csv_text) = export_at(&boss, &format!("/api/reports/complaints?{period}&format=csv&lang=en"), january).await;
    assert_eq!(status, 200);
    assert!(csv_text.starts_with("\u{feff}group,item,received,closed"), "{csv_text}");
    let by_team = boss.get(&format!("/api/reports/complaints?{period}&team=team-retail-1")).await;
    assert_eq!((by_team.status, by_team.field()), (422, Some("team")));
    assert_eq!(agent.get(&format!("/api/reports/complaints?{period}")).await.status, 403);

    // The agent's scorecard: the cases assigned to them, counted the same way.
    let me = agent.get("/api/me").await.body["id"].as_str().expect("the agent's id").to_string();
    let cards = get_at(&boss, &format!("/api/scorecards?{period}&team=team-retail-1"), january).await;
    assert_eq!(cards.status, 200, "{:?}", cards.body);
    let card = cards.body["agents"].as_array().unwrap().iter().find(|a| a["agent_id"] == me.as_str()).expect("the agent's scorecard").clone();
    let theirs = counted_where(start, end, january, &format!("AND c.assignee_id = '{me}'"));
    assert_eq!(card["handled"], theirs["received"], "{card}");
    assert_eq!((&card["first_response"], &card["resolution"], &card["regulatory"]), (&theirs["first_response"], &theirs["resolution"], &theirs["regulatory"]));
    let steps_total = |key: &str| theirs["steps"].as_object().unwrap().values().map(|c| c[key].as_i64().unwrap()).sum::<i64>();
    assert_eq!(card["complaint_steps"], json!({"decided": steps_total("decided"), "on_time": steps_total("on_time")}), "{card}");
    assert!(cards.body["agents"].as_array().unwrap().iter().all(|a| a["team_id"] == "team-retail-1"), "only the team's agents");
    assert_eq!(agent.get(&format!("/api/scorecards?{period}")).await.status, 403);

    // Resolve what is still open, so the SLA sweep other tests run at later instants finds no
    // breach of these cases to announce (no sweep runs while this test does).
    let open = agent.get(&format!("/api/cases?customer_id={customer}&status=open&limit=50")).await.body;
    let cleanup = bj(2025, 1, 20, 13, 0);
    for case in open["items"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let mut version = case["version"].clone();
        if case["kind"] == "complaint" {
            // A complaint closes through its steps.
            for body in [
                json!({"to": "investigation", "reason": "补充材料"}),
                json!({"to": "feedback", "reason": "核实完毕"}),
                json!({"to": "closed", "outcome": "not_upheld", "root_cause": "customer_misunderstanding", "customer_informed": true, "customer_opinion": "neutral"}),
            ] {
                let mut body = body;
                body["version"] = version;
                let moved = post_at(&agent, &format!("/api/cases/{id}/transition"), &body, cleanup).await;
                assert_eq!(moved.status, 200, "{body}: {:?}", moved.body);
                version = moved.body["version"].clone();
            }
            continue;
        }
        if case["status"] == "assigned" {
            let reply = post_at(&agent, &format!("/api/cases/{id}/events"), &json!({"type": "reply", "body": "已答复", "version": version}), cleanup).await;
            assert_eq!(reply.status, 201, "{:?}", reply.body);
            version = reply.body["version"].clone();
        }
        let done = post_at(&agent, &format!("/api/cases/{id}/transition"), &json!({"to": "resolved", "resolution": "已处理", "version": version}), cleanup).await;
        assert_eq!(done.status, 200, "{:?}", done.body);
    }

    // Who may read it, and what a bad period says.
    assert_eq!(agent.get("/api/dashboard").await.status, 403);
    assert_eq!(Api::anonymous().get("/api/dashboard").await.status, 401);
    let bad = boss.get("/api/dashboard?from=2024-12-31&to=2024-12-01").await;
    assert_eq!((bad.status, bad.field()), (422, Some("from")));
    let too_long = boss.get("/api/dashboard?from=2023-01-01&to=2024-12-31").await;
    assert_eq!((too_long.status, too_long.field()), (422, Some("to")));
    let far = boss.get("/api/dashboard?from=262143-12-01&to=262143-12-31").await;
    assert_eq!((far.status, far.field()), (422, Some("from")), "a date past any period's end is refused, not a crash");
}
