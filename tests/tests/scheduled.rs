//! Scheduled work, driven through `/__scheduled?cron=...&time=...`: the SLA sweep's alerts at the
//! instants the clocks and the business calendar give, once each; notifications; delivery
//! through a provider that fails and recovers; the job log. Each test works in its own past
//! month (cases are registered then through the test clock), and they run one at a time.

use chrono::{DateTime, Utc};
use kefu_tests::cron::{bj, cron, get_at, post_at, Stub};
use kefu_tests::{unique, Api, ADMIN, AGENT, SUPERVISOR};
use serde_json::{json, Value};

/// A case of `kind` kept by the demo agent, registered at `at`.
async fn case_at(api: &Api, kind: &str, at: DateTime<Utc>) -> Value {
    let customer = post_at(api, "/api/customers", &json!({"name": unique("定时客户"), "phone": "13600001111"}), at).await;
    assert_eq!(customer.status, 201, "{:?}", customer.body);
    let case = post_at(api, "/api/cases", &json!({
        "kind": kind, "channel": "phone", "customer_id": customer.body["id"], "assignee": "me", "complexity": "ordinary",
        "subject": "账户余额查询", "description": "客户询问账户余额"
    }), at).await;
    assert_eq!(case.status, 201, "{:?}", case.body);
    case.body
}

async fn event_types(api: &Api, id: &str) -> Vec<String> {
    let case = api.get(&format!("/api/cases/{id}")).await.body;
    case["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_string()).collect()
}

/// The in-app notifications a user has about one case.
async fn notes_about(api: &Api, case_id: &str) -> Vec<Value> {
    let inbox = api.get("/api/notifications").await;
    assert_eq!(inbox.status, 200, "{:?}", inbox.body);
    inbox.body["items"].as_array().unwrap().iter().filter(|n| n["case_id"] == case_id).cloned().collect()
}

#[tokio::test]
async fn the_sweep_raises_each_alert_at_its_instant_once_and_reminders_wait_for_business_hours() {
    let agent = Api::signed_in(AGENT).await;
    let boss = Api::signed_in(SUPERVISOR).await;
    let admin = Api::signed_in(ADMIN).await;
    // Friday 9 January 2026, 15:00 in Beijing: an ordinary inquiry (24 calendar hours, due soon
    // at 75%) and a follow-up (14 business hours, so its clock stops for the weekend).
    let friday = bj(2026, 1, 9, 15, 0);
    let inquiry = case_at(&agent, "inquiry", friday).await;
    let follow_up = case_at(&agent, "follow_up", friday).await;
    let id = inquiry["id"].as_str().unwrap();
    let fid = follow_up["id"].as_str().unwrap();
    assert_eq!(kefu_tests::time(&inquiry["first_response_due_at"]), bj(2026, 1, 10, 15, 0));
    assert_eq!(kefu_tests::time(&follow_up["first_response_due_at"]), bj(2026, 1, 13, 15, 0), "Fri 2.5 h + Mon 7 h + Tue 4.5 h");

    cron(&agent, bj(2026, 1, 10, 8, 59)).await;
    assert!(!event_types(&agent, id).await.contains(&"sla_due_soon".to_string()), "not due soon before 09:00 Saturday");

    cron(&agent, bj(2026, 1, 10, 9, 0)).await;
    let after_first = event_types(&agent, id).await;
    assert_eq!(after_first.iter().filter(|t| *t == "sla_due_soon").count(), 1, "{after_first:?}");
    let reminder = notes_about(&agent, id).await;
    assert_eq!(reminder.len(), 1, "the assignee hears of it in the app: {reminder:?}");
    assert_eq!(reminder[0]["kind"], "sla_due_soon");
    // The e-mail reminder waits for Monday 09:00: no e-mails at the weekend.
    let pending = admin.get("/api/outbox?status=pending").await.body;
    let mail = pending["items"].as_array().unwrap().iter().find(|m| m["case_id"] == id && m["kind"] == "sla_due_soon").expect("a pending e-mail").clone();
    assert_eq!(kefu_tests::time(&mail["next_attempt_at"]), bj(2026, 1, 12, 9, 0));

    // The same sweep again at the same instant changes nothing.
    cron(&agent, bj(2026, 1, 10, 9, 0)).await;
    assert_eq!(event_types(&agent, id).await, after_first);
    assert_eq!(notes_about(&agent, id).await.len(), 1);

    cron(&agent, bj(2026, 1, 10, 14, 59)).await;
    assert!(!event_types(&agent, id).await.contains(&"sla_breached".to_string()), "not breached a minute early");
    assert!(notes_about(&boss, id).await.is_empty(), "the supervisor hears nothing of a reminder");
    for minute in [0, 5, 10] {
        cron(&agent, bj(2026, 1, 10, 15, minute)).await;
    }
    let types = event_types(&agent, id).await;
    assert_eq!(types.iter().filter(|t| *t == "sla_breached").count(), 1, "{types:?}");
    let told = notes_about(&boss, id).await;
    assert_eq!(told.len(), 1, "the supervisor gets one notification, not one per run: {told:?}");
    assert_eq!((told[0]["kind"].as_str(), told[0]["read"].as_bool()), (Some("sla_breached"), Some(false)));
    let case = agent.get(&format!("/api/cases/{id}")).await.body;
    assert_eq!(case["sla_state"], "breached");

    // Four hours of breach go one level higher: the admins.
    cron(&agent, bj(2026, 1, 10, 18, 59)).await;
    assert!(notes_about(&admin, id).await.is_empty());
    cron(&agent, bj(2026, 1, 10, 19, 0)).await;
    assert_eq!(notes_about(&admin, id).await.len(), 1);
    assert_eq!(event_types(&agent, id).await.iter().filter(|t| *t == "sla_escalated").count(), 1);

    // The follow-up's business-hours clock: due soon Tuesday 10:00, breached Tuesday 15:00.
    cron(&agent, bj(2026, 1, 13, 9, 59)).await;
    assert!(!event_types(&agent, fid).await.iter().any(|t| t.starts_with("sla_")), "nothing over the weekend");
    cron(&agent, bj(2026, 1, 13, 10, 0)).await;
    assert!(event_types(&agent, fid).await.contains(&"sla_due_soon".to_string()));
    cron(&agent, bj(2026, 1, 13, 14, 59)).await;
    assert!(!event_types(&agent, fid).await.contains(&"sla_breached".to_string()));
    cron(&agent, bj(2026, 1, 13, 15, 0)).await;
    assert!(event_types(&agent, fid).await.contains(&"sla_breached".to_string()));

    // Reading the notification clears it from the unread count.
    let before = boss.get("/api/notifications").await.body["unread"].as_u64().unwrap();
    let read = boss.post("/api/notifications/read", &json!({"ids": [told[0]["id"]]})).await;
    assert_eq!(read.status, 204, "{:?}", read.body);
    assert_eq!(boss.get("/api/notifications").await.body["unread"].as_u64().unwrap(), before - 1);

    // Every run is in the job log, with what it did.
    let jobs = admin.get("/api/jobs").await;
    assert_eq!(jobs.status, 200);
    let sweeps: Vec<&Value> = jobs.body["items"].as_array().unwrap().iter().filter(|j| j["job"] == "sla_sweep").collect();
    assert!(sweeps.iter().any(|j| j["counts"]["alerts"].as_i64() > Some(0)), "{sweeps:?}");
    assert!(sweeps.iter().all(|j| j["error"].is_null()));
    assert_eq!(agent.get("/api/jobs").await.status, 403, "the job log is for admins");
}

#[tokio::test]
async fn a_failing_provider_leaves_the_message_pending_and_it_goes_out_once_it_recovers() {
    let stub = Stub::start().await;
    *stub.failing.lock().unwrap() = true;
    let agent = Api::signed_in(AGENT).await;
    let admin = Api::signed_in(ADMIN).await;
    // Friday 6 February 2026, 10:00: breached at Saturday 10:00, so the e-mails go at once.
    let case = case_at(&agent, "inquiry", bj(2026, 2, 6, 10, 0)).await;
    let id = case["id"].as_str().unwrap();
    let breach = bj(2026, 2, 7, 10, 0);
    let ours = |list: &Value| -> Vec<Value> { list["items"].as_array().unwrap().iter().filter(|m| m["case_id"] == id && m["kind"] == "sla_breached").cloned().collect() };
    // A run sends 25 messages at most, those due first: other tests' messages due earlier may
    // fill the first runs, and a run at the same instant goes on to the next (a failed message
    // waits a minute). Each of ours is tried once, in whichever run reaches it.
    let mut pending = Vec::new();
    for _ in 0..20 {
        cron(&agent, breach).await;
        pending = ours(&admin.get("/api/outbox?status=pending").await.body);
        if pending.len() == 2 && pending.iter().all(|m| m["attempts"] != 0) {
            break;
        }
    }
    assert_eq!(pending.len(), 2, "the assignee's and the supervisor's e-mails: {pending:?}");
    for m in &pending {
        assert_eq!(m["attempts"], 1, "{m}");
        assert_eq!(kefu_tests::time(&m["next_attempt_at"]), breach + chrono::Duration::minutes(1), "retried after a minute: {m}");
        assert_eq!(m["last_error"], "provider answered 500");
    }
    let tried: Vec<String> = stub.received.lock().unwrap().iter().filter(|(_, _, p)| p["kind"] == "sla_breached" && p["body"].as_str().is_some_and(|b| b.contains(case["reference"].as_str().unwrap()))).map(|(k, _, _)| k.clone()).collect();
    assert_eq!(tried.len(), 2, "each was tried once: {tried:?}");

    *stub.failing.lock().unwrap() = false;
    // As above, other tests' messages due earlier may take the first runs at that instant.
    for _ in 0..20 {
        cron(&agent, breach + chrono::Duration::minutes(5)).await;
        if ours(&admin.get("/api/outbox?status=pending").await.body).is_empty() {
            break;
        }
    }
    assert!(ours(&admin.get("/api/outbox?status=pending").await.body).is_empty(), "nothing left pending");
    let received = stub.received.lock().unwrap().clone();
    for m in &pending {
        let key = m["id"].as_str().unwrap();
        let attempts: Vec<_> = received.iter().filter(|(k, _, _)| k == key).collect();
        assert_eq!(attempts.len(), 2, "one failed attempt, one delivery: {attempts:?}");
        assert!(attempts.iter().all(|(_, secret, payload)| secret == "kefu-test-secret" && payload["channel"] == "email"));
    }
    // A later run sends nothing of ours again.
    cron(&agent, breach + chrono::Duration::minutes(10)).await;
    let keys: Vec<&str> = pending.iter().map(|m| m["id"].as_str().unwrap()).collect();
    let count = |list: &[(String, String, Value)]| list.iter().filter(|(k, _, _)| keys.contains(&k.as_str())).count();
    assert_eq!(count(&stub.received.lock().unwrap()), count(&received), "delivered messages are not sent twice");
}

#[tokio::test]
async fn a_supervisor_sees_a_breach_in_the_bell_opens_the_case_and_admins_see_the_runs() {
    use kefu_tests::browser::{wait_for, Browser};
    let agent = Api::signed_in(AGENT).await;
    // Friday 6 March 2026, 10:00; breached Saturday 10:00.
    let case = case_at(&agent, "inquiry", bj(2026, 3, 6, 10, 0)).await;
    let reference = case["reference"].as_str().unwrap().to_string();
    cron(&agent, bj(2026, 3, 7, 10, 0)).await;

    let browser = Browser::open().await;
    browser.sign_in(SUPERVISOR).await;
    let count: u32 = wait_for("the unread count on the bell", || async { browser.text("bell-count").await.parse().ok() }).await;
    assert!(count >= 1);
    browser.click("bell").await;
    let item = wait_for("our case in the bell", || async {
        let items = browser.texts("bell-item").await?;
        items.into_iter().find(|t| t.contains(&reference))
    })
    .await;
    assert!(item.contains("已超时"), "{item}");
    browser.screenshot("bell-zh").await;
    browser.click("bell-read-all").await;
    wait_for("the count to clear", || async { (!browser.has("bell-count").await).then_some(()) }).await;
    browser.client.find(fantoccini::Locator::Css(&format!("[data-testid='bell-item'] a[href='/cases/{}']", case["id"].as_str().unwrap()))).await.unwrap().click().await.unwrap();
    browser.wait_text("case-reference", &reference).await;
    browser.wait_text("timeline", "已超时").await;
    browser.close().await;

    let admin = Browser::open().await;
    admin.sign_in(ADMIN).await;
    admin.goto("/settings").await;
    let runs = admin.wait_text("job-runs", "时限巡检").await;
    assert!(runs.contains("提醒"), "the counts are named: {runs}");
    admin.client.execute("document.querySelector(\"[data-testid='jobs-section']\").scrollIntoView()", vec![]).await.unwrap();
    admin.screenshot("settings-jobs-zh").await;
    admin.close().await;
}

/// Runs the hourly cron as of `at`.
async fn hourly(api: &Api, at: DateTime<Utc>) {
    let url = api.url(&format!("/__scheduled?cron={}&time={}", "0+*+*+*+*", at.timestamp_millis()));
    let response = api.http.get(url).send().await.expect("the scheduled handler answers");
    assert!(response.status().is_success(), "/__scheduled answered {}", response.status());
}

#[tokio::test]
async fn a_new_customer_gets_exactly_one_first_follow_up_which_closes_as_unreachable_after_three_calls() {
    let agent = Api::signed_in(AGENT).await;
    // Registered Wednesday 1 April 2026; the first follow-up is due seven days later.
    let customer = post_at(&agent, "/api/customers", &json!({"name": unique("回访客户"), "phone": "13500002222"}), bj(2026, 4, 1, 10, 0)).await;
    assert_eq!(customer.status, 201);
    let id = customer.body["id"].as_str().unwrap();

    hourly(&agent, bj(2026, 4, 8, 9, 0)).await;
    assert!(agent.cases_of(id).await.is_empty(), "not before the seventh day");
    hourly(&agent, bj(2026, 4, 8, 10, 0)).await;
    hourly(&agent, bj(2026, 4, 8, 10, 0)).await;
    hourly(&agent, bj(2026, 4, 8, 11, 0)).await;
    let cases = agent.cases_of(id).await;
    assert_eq!(cases.len(), 1, "exactly one first follow-up, however many runs: {cases:?}");
    let follow_up = &cases[0];
    assert_eq!((follow_up["kind"].as_str(), follow_up["subject"].as_str()), (Some("follow_up"), Some("新客户首次回访")));
    assert!(follow_up["assignee_id"].is_string(), "routed to an agent: {follow_up}");
    assert_eq!(kefu_tests::time(&follow_up["created_at"]), bj(2026, 4, 8, 10, 0));

    // Three unanswered calls close it as unreachable.
    let fid = follow_up["id"].as_str().unwrap();
    let mut version = follow_up["version"].as_i64().unwrap();
    for attempt in 1..=3 {
        let call = agent.post(&format!("/api/cases/{fid}/events"), &json!({"type": "call", "body": format!("第{attempt}次致电无人接听"), "outcome": "unreachable", "version": version})).await;
        assert_eq!(call.status, 201, "{:?}", call.body);
        version = call.body["version"].as_i64().unwrap();
        let expected = if attempt < 3 { "assigned" } else { "closed" };
        assert_eq!(call.body["status"], expected, "after call {attempt}");
    }
    let detail = agent.get(&format!("/api/cases/{fid}")).await.body;
    let outcomes: Vec<&str> = detail["events"].as_array().unwrap().iter().filter_map(|e| e["outcome"].as_str()).collect();
    assert_eq!(outcomes, vec!["unreachable"; 3]);
    let bad = agent.post(&format!("/api/cases/{fid}/events"), &json!({"type": "note", "body": "x", "outcome": "reached", "version": version})).await;
    assert_eq!((bad.status, bad.field()), (422, Some("outcome")), "only calls have an outcome");

    let jobs = Api::signed_in(ADMIN).await.get("/api/jobs").await.body;
    let planning: Vec<&Value> = jobs["items"].as_array().unwrap().iter().filter(|j| j["job"] == "follow_up_planning").collect();
    assert!(planning.iter().any(|j| j["counts"]["created"].as_i64() >= Some(1)), "{planning:?}");
}

#[tokio::test]
async fn due_soon_lists_exactly_the_cases_between_warning_and_deadline_whether_or_not_the_sweep_has_seen_them() {
    let agent = Api::signed_in(AGENT).await;
    // Monday 15 June 2026, 10:00: two ordinary inquiries (24 calendar hours, due soon at 75%:
    // Tuesday 04:00, due 10:00) for one customer, so the customer filter isolates them.
    let monday = bj(2026, 6, 15, 10, 0);
    let customer = post_at(&agent, "/api/customers", &json!({"name": unique("预警客户"), "phone": "13600002222"}), monday).await;
    assert_eq!(customer.status, 201, "{:?}", customer.body);
    let customer = customer.body["id"].as_str().unwrap().to_string();
    let mut ids = Vec::new();
    for subject in ["信用卡额度咨询", "转账限额咨询"] {
        let case = post_at(&agent, "/api/cases", &json!({
            "kind": "inquiry", "channel": "phone", "customer_id": customer, "assignee": "me", "complexity": "ordinary",
            "subject": subject, "description": "客户来电咨询"
        }), monday).await;
        assert_eq!(case.status, 201, "{:?}", case.body);
        assert_eq!(kefu_tests::time(&case.body["sla_due_soon_at"]), bj(2026, 6, 16, 4, 0));
        ids.push(case.body["id"].as_str().unwrap().to_string());
    }
    ids.sort(); // the queue's order: the same deadline, then id
    let due_soon = |at: DateTime<Utc>| {
        let (agent, customer) = (&agent, &customer);
        async move {
            let page = get_at(agent, &format!("/api/cases?customer_id={customer}&sla=due_soon"), at).await;
            assert_eq!(page.status, 200, "{:?}", page.body);
            let ids: Vec<String> = page.body["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
            assert!(page.body["items"].as_array().unwrap().iter().all(|c| c["sla_state"] == "due_soon"), "{:?}", page.body);
            ids
        }
    };

    // The sweep looks a minute before the warning: nothing is due soon yet.
    cron(&agent, bj(2026, 6, 16, 3, 59)).await;
    assert!(due_soon(bj(2026, 6, 16, 3, 59)).await.is_empty());
    assert_eq!(warned(&ids), [0, 0]);
    // Past the warning, before the sweep has seen it: both listed.
    assert_eq!(due_soon(bj(2026, 6, 16, 4, 30)).await, ids);
    // Once the sweep has seen them (they move to the part of the view read in deadline order),
    // the same; and the queue's count agrees with the whole view.
    cron(&agent, bj(2026, 6, 16, 4, 30)).await;
    assert_eq!(warned(&ids), [1, 1]);
    let at = bj(2026, 6, 16, 4, 31);
    assert_eq!(due_soon(at).await, ids);
    let counts = get_at(&agent, "/api/cases/counts", at).await.body;
    let all = get_at(&agent, "/api/cases?status=open&sla=due_soon&limit=200", at).await.body;
    assert_eq!(counts["due_soon"].as_u64(), Some(all["items"].as_array().unwrap().len() as u64), "{counts:?}");

    // A reply moves the second case to its resolution clock, warning later: it leaves the view at
    // once, before any sweep.
    let reply = post_at(&agent, &format!("/api/cases/{}/events", ids[1]), &json!({"type": "reply", "body": "已答复额度问题", "version": 1}), bj(2026, 6, 16, 5, 0)).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert!(kefu_tests::time(&reply.body["sla_due_soon_at"]) > bj(2026, 6, 16, 5, 1), "{:?}", reply.body);
    assert_eq!(due_soon(bj(2026, 6, 16, 5, 1)).await, ids[..1]);

    // At its deadline the first is breached, not due soon.
    assert!(due_soon(bj(2026, 6, 16, 10, 0)).await.is_empty());
    let breached = get_at(&agent, &format!("/api/cases?customer_id={customer}&sla=breached"), bj(2026, 6, 16, 10, 0)).await.body;
    assert_eq!(breached["items"][0]["id"].as_str(), Some(ids[0].as_str()));
}

/// What the sweep remembered of each case (`sla_warned`, 0015_due_soon.sql), read from the test
/// database: which part of the due-soon view it is read from.
fn warned(ids: &[String]) -> Vec<i64> {
    let db = kefu_tests::database();
    ids.iter().map(|id| db.query_row("SELECT sla_warned FROM cases WHERE id = ?1", [id], |r| r.get(0)).expect("the case's row")).collect()
}

#[tokio::test]
async fn overlapping_and_repeated_runs_of_both_crons_do_each_thing_once() {
    let stub = Stub::start().await;
    let agent = Api::signed_in(AGENT).await;
    // Friday 5 September 2025, 10:00: breached at Saturday 10:00, so the e-mails go at once.
    let case = case_at(&agent, "inquiry", bj(2025, 9, 5, 10, 0)).await;
    let id = case["id"].as_str().unwrap().to_string();
    let breach = bj(2025, 9, 6, 10, 0);
    // Four sweeps of the same instant at once, as when a slow run overlaps the next, or
    // Cloudflare delivers a trigger twice.
    tokio::join!(cron(&agent, breach), cron(&agent, breach), cron(&agent, breach), cron(&agent, breach));
    let ours = || -> Vec<(String, Option<String>, String, String)> {
        let db = kefu_tests::database();
        let mut rows = db.prepare("SELECT id, recipient_id, channel, status FROM outbox WHERE case_id = ?1 AND kind = 'sla_breached'").unwrap();
        rows.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().collect::<Result<_, _>>().unwrap()
    };
    // A run sends 25 messages at most: runs go on (overlapping too) until none of ours waits.
    for _ in 0..20 {
        if ours().iter().all(|(_, _, _, status)| status != "pending") {
            break;
        }
        let later = breach + chrono::Duration::minutes(5);
        tokio::join!(cron(&agent, later), cron(&agent, later));
    }
    let messages = ours();
    let mut recipients: Vec<(Option<String>, String)> = messages.iter().map(|(_, r, c, _)| (r.clone(), c.clone())).collect();
    recipients.sort();
    let before = recipients.len();
    recipients.dedup();
    assert_eq!(recipients.len(), before, "one breach alert per person and channel: {messages:?}");
    let emails: Vec<&String> = messages.iter().filter(|(_, _, c, _)| c == "email").map(|(m, _, _, _)| m).collect();
    assert_eq!(emails.len(), 2, "the assignee's and the supervisor's e-mails: {messages:?}");
    assert!(messages.iter().all(|(_, _, _, status)| status == "sent"), "{messages:?}");
    let received = stub.received.lock().unwrap().clone();
    for m in &emails {
        assert_eq!(received.iter().filter(|(k, _, _)| k == *m).count(), 1, "{m} delivered exactly once");
    }
    // The same instant again, later: nothing new, nothing sent again.
    cron(&agent, breach).await;
    assert_eq!(ours().len(), messages.len());
    assert_eq!(stub.received.lock().unwrap().len(), received.len(), "nothing sent again");

    // Three follow-up planners at once, for a customer registered the Monday before.
    let customer = post_at(&agent, "/api/customers", &json!({"name": unique("并发回访"), "phone": "13500003333"}), bj(2025, 9, 1, 10, 0)).await;
    assert_eq!(customer.status, 201);
    let customer = customer.body["id"].as_str().unwrap();
    let due = bj(2025, 9, 8, 10, 0);
    tokio::join!(hourly(&agent, due), hourly(&agent, due), hourly(&agent, due));
    hourly(&agent, due).await;
    let cases = agent.cases_of(customer).await;
    assert_eq!(cases.len(), 1, "exactly one first follow-up: {cases:?}");
}
