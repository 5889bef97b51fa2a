//! Follow-ups over HTTP: a purchase flagged for suitability plans its post-sale follow-up inside
//! the cooling-off period; calls are recorded as attempts (unanswered ones tried again in
//! opening hours, call-backs kept to their minute, the last allowed unanswered one ending it as
//! unreachable, a reached one with the customer's satisfaction); the call list and its filters.
//! Every request at an instant of the test clock in June 2025.

use chrono::{DateTime, Duration, Utc};
use kefu_tests::cron::{bj, get_at, post_at, run, HOURLY};
use kefu_tests::{database, time, unique, Api, Reply, ADMIN, AGENT, SUPERVISOR};
use serde_json::{json, Value};

/// A demo customer whose risk tolerance was assessed as C2 (moderate) and who consents to
/// contact, the `n`th of them (each test its own).
fn moderate_customer(n: usize) -> String {
    database()
        .query_row(
            "SELECT id FROM customers WHERE risk_tolerance = 'moderate' AND consent_contact = 1 AND erased_at IS NULL AND left_at IS NULL ORDER BY id LIMIT 1 OFFSET ?1",
            [n],
            |r| r.get(0),
        )
        .expect("the demo data has C2 customers")
}

async fn buy(agent: &Api, customer: &str, body: Value, at: DateTime<Utc>) -> Reply {
    post_at(agent, &format!("/api/customers/{customer}/products"), &body, at).await
}

fn purchases_of(customer: &str) -> i64 {
    database().query_row("SELECT COUNT(*) FROM purchases WHERE customer_id = ?1", [customer], |r| r.get(0)).unwrap()
}

#[tokio::test]
async fn an_r4_product_sold_to_a_c2_customer_is_flagged_and_followed_up_inside_its_cooling_off() {
    let agent = Api::signed_in(AGENT).await;
    let customer = moderate_customer(0);
    let sold = bj(2025, 6, 2, 10, 0);

    // Refused, naming the field, and nothing stored.
    let before = purchases_of(&customer);
    for (body, field) in [
        (json!({"product": "no-such-product", "channel": "branch"}), "product"),
        (json!({"product": "wealth-equity", "channel": "branch", "amount": -1}), "amount"),
        (json!({"product": "wealth-equity", "channel": "fax"}), "channel"),
        (json!({"product": "wealth-equity", "channel": "branch", "purchased_at": sold + Duration::days(1)}), "purchased_at"),
        (json!({"product": "wealth-equity", "channel": "branch", "colour": "red"}), "colour"),
    ] {
        let refused = buy(&agent, &customer, body.clone(), sold).await;
        assert_eq!((refused.status, refused.field()), (422, Some(field)), "{body}: {:?}", refused.body);
    }
    assert_eq!(purchases_of(&customer), before, "nothing refused was stored");
    assert_eq!(buy(&agent, "no-such-customer", json!({"product": "wealth-equity", "channel": "branch"}), sold).await.status, 404);

    // R4 to C2: a mismatch; the follow-up is due by the end of the 24-hour cooling-off.
    let bought = buy(&agent, &customer, json!({"product": "wealth-equity", "channel": "branch", "amount": 5_000_000}), sold).await;
    assert_eq!(bought.status, 201, "{:?}", bought.body);
    let p = &bought.body;
    assert_eq!((p["risk_level"].as_i64(), p["risk_tolerance"].as_str(), p["mismatch"].as_bool()), (Some(4), Some("moderate"), Some(true)));
    let cooling_off_ends = time(&p["cooling_off_ends_at"]);
    assert_eq!(cooling_off_ends, sold + Duration::hours(24));
    let follow_up_id = p["follow_up_id"].as_str().expect("a follow-up is planned").to_string();
    let follow_up = get_at(&agent, &format!("/api/follow-ups/{follow_up_id}"), sold).await;
    assert_eq!(follow_up.status, 200, "{:?}", follow_up.body);
    let f = &follow_up.body;
    assert_eq!((f["reason"].as_str(), f["product"].as_str(), f["mismatch"].as_bool()), (Some("purchase"), Some("wealth-equity"), Some(true)));
    assert!(time(&f["due_at"]) <= cooling_off_ends, "due inside the cooling-off: {f}");
    assert_eq!(time(&f["cooling_off_ends_at"]), cooling_off_ends);
    assert!(time(&f["ready_at"]) <= sold, "it can be called at once");
    // It is a case of kind follow_up, whose description asks what the law asks.
    let case = get_at(&agent, &format!("/api/cases/{follow_up_id}"), sold).await.body;
    assert_eq!(case["kind"], "follow_up");
    let description = case["description"].as_str().unwrap();
    assert!(description.contains("犹豫期") && description.contains("适当性不匹配") && description.contains("风险"), "{description}");
    let audited: i64 = database()
        .query_row("SELECT COUNT(*) FROM audit_events WHERE action = 'purchase_recorded' AND entity_id = ?1", [&customer], |r| r.get(0))
        .unwrap();
    assert!(audited >= 1);

    // The customer 360 lists the purchase, flagged.
    let profile = get_at(&agent, &format!("/api/customers/{customer}"), sold).await.body;
    let listed = profile["purchases"].as_array().unwrap().iter().find(|p| p["id"] == bought.body["id"]).expect("the purchase on the profile").clone();
    assert_eq!((listed["mismatch"].as_bool(), listed["product_name"]["zh"].as_str()), (Some(true), Some("权益类理财产品")));
    assert_eq!(f["product_name"]["en"], "Equity wealth product");

    // R2 to the same customer fits; insurance cools off for 15 days.
    let fits = buy(&agent, &customer, json!({"product": "wealth-steady", "channel": "mobile_app"}), sold).await;
    assert_eq!((fits.status, fits.body["mismatch"].as_bool()), (201, Some(false)), "{:?}", fits.body);
    let insured = buy(&agent, &customer, json!({"product": "insurance-annuity", "channel": "branch"}), sold).await;
    assert_eq!(insured.status, 201, "{:?}", insured.body);
    assert_eq!(time(&insured.body["cooling_off_ends_at"]), sold + Duration::days(15));
    let insured_follow_up = get_at(&agent, &format!("/api/follow-ups/{}", insured.body["follow_up_id"].as_str().unwrap()), sold).await.body;
    assert_eq!(time(&insured_follow_up["due_at"]), sold + Duration::days(15));
    // The mismatch is found by the list's filter, and only it.
    let listed = get_at(&agent, "/api/follow-ups?mismatch=true&reason=purchase&limit=200", sold).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let items = listed.body["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["id"] == follow_up_id.as_str()), "{items:?}");
    assert!(items.iter().all(|i| i["mismatch"] == true));
    assert!(items.iter().all(|i| i["customer_name"].as_str().unwrap().contains('*') || i["customer_name"].as_str().unwrap().chars().count() <= 1), "names masked");
    for (query, field) in [("due=tomorrow", "due"), ("reason=x", "reason"), ("mismatch=maybe", "mismatch"), ("limit=0", "limit")] {
        assert_eq!(get_at(&agent, &format!("/api/follow-ups?{query}"), sold).await.field(), Some(field), "{query}");
    }
}

#[tokio::test]
async fn calls_are_tried_again_in_opening_hours_kept_to_a_call_back_and_end_reached_or_unreachable() {
    let agent = Api::signed_in(AGENT).await;
    let customer = moderate_customer(1);
    let sold = bj(2025, 6, 9, 10, 0); // a Monday
    let bought = buy(&agent, &customer, json!({"product": "fund-plan", "channel": "branch"}), sold).await;
    assert_eq!(bought.status, 201, "{:?}", bought.body);
    let id = bought.body["follow_up_id"].as_str().unwrap().to_string();
    let attempt = |body: Value, at: DateTime<Utc>| {
        let (agent, id) = (&agent, id.clone());
        async move { post_at(agent, &format!("/api/follow-ups/{id}/attempts"), &body, at).await }
    };
    let version = |f: &Value| f["version"].as_i64().unwrap();

    // No answer at 10:00: tried again two hours on, after the lunch break (13:30).
    let first = attempt(json!({"outcome": "no_answer", "version": 1}), sold).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!((first.body["attempts"].as_i64(), first.body["last_outcome"].as_str()), (Some(1), Some("no_answer")));
    assert_eq!(time(&first.body["ready_at"]), bj(2025, 6, 9, 13, 30));
    assert_eq!(attempt(json!({"outcome": "busy", "version": 1}), sold).await.status, 409, "a stale version changes nothing");
    // Refused, naming the field: a call-back without its time, satisfaction of an unanswered call.
    let v = version(&first.body);
    for (body, field) in [
        (json!({"outcome": "callback_requested", "version": v}), "callback_at"),
        (json!({"outcome": "no_answer", "satisfaction": 4, "version": v}), "satisfaction"),
        (json!({"outcome": "reached", "satisfaction": 9, "version": v}), "satisfaction"),
        (json!({"outcome": "unreachable", "version": v}), "outcome"),
    ] {
        let refused = attempt(body.clone(), bj(2025, 6, 9, 13, 40)).await;
        assert_eq!((refused.status, refused.field()), (422, Some(field)), "{body}: {:?}", refused.body);
    }
    // The customer asks to be called back at 19:15: kept to that minute, after hours as asked.
    let evening = bj(2025, 6, 9, 19, 15);
    let asked = attempt(json!({"outcome": "callback_requested", "callback_at": evening, "notes": "客户在开会", "version": v}), bj(2025, 6, 9, 13, 40)).await;
    assert_eq!(asked.status, 201, "{:?}", asked.body);
    assert_eq!((time(&asked.body["ready_at"]), time(&asked.body["callback_at"])), (evening, evening));
    assert_eq!(asked.body["attempts"], 1, "a call-back is no unanswered call");
    // In the assignee's call list for the day, first: its minute has come.
    let assignee = asked.body["assignee_id"].as_str().expect("routed to an agent").to_string();
    let list = get_at(&agent, &format!("/api/follow-ups?assignee={assignee}&due=today"), bj(2025, 6, 9, 19, 10)).await;
    assert_eq!(list.status, 200, "{:?}", list.body);
    assert_eq!(list.body["items"][0]["id"], id.as_str(), "{:?}", list.body);
    // Reached at 19:15, satisfied: done, and the case is closed with the call on its timeline.
    let reached = attempt(json!({"outcome": "reached", "satisfaction": 5, "notes": "客户已了解产品风险，确认自愿购买", "version": version(&asked.body)}), evening).await;
    assert_eq!(reached.status, 201, "{:?}", reached.body);
    assert_eq!((reached.body["ending"].as_str(), reached.body["satisfaction"].as_i64()), (Some("done"), Some(5)));
    let case = get_at(&agent, &format!("/api/cases/{id}"), evening).await.body;
    assert_eq!(case["status"], "closed");
    let calls: Vec<&str> = case["events"].as_array().unwrap().iter().filter(|e| e["type"] == "call").map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(calls, ["no_answer", "callback_requested", "reached"]);
    assert_eq!(attempt(json!({"outcome": "reached", "version": version(&reached.body)}), evening).await.status, 409, "an ended follow-up takes no more calls");
    let open = get_at(&agent, &format!("/api/follow-ups?assignee={assignee}&due=today"), evening).await;
    assert!(open.body["items"].as_array().unwrap().iter().all(|i| i["id"] != id.as_str()), "no longer listed");

    // Another follow-up: three unanswered calls end it as unreachable, which the rate does not count as made.
    let again = buy(&agent, &customer, json!({"product": "wealth-steady", "channel": "branch"}), sold).await;
    let other = again.body["follow_up_id"].as_str().unwrap().to_string();
    let mut v = 1;
    let mut at = bj(2025, 6, 10, 9, 0);
    for n in 1..=3 {
        let call = post_at(&agent, &format!("/api/follow-ups/{other}/attempts"), &json!({"outcome": "no_answer", "version": v}), at).await;
        assert_eq!(call.status, 201, "call {n}: {:?}", call.body);
        v = call.body["version"].as_i64().unwrap();
        at = time(&call.body["ready_at"]).max(at + Duration::minutes(1));
        if n == 3 {
            assert_eq!(call.body["ending"], "unreachable");
        } else {
            assert!(call.body["ending"].is_null());
        }
    }
    let unreachable: i64 = database().query_row("SELECT unreachable FROM cases WHERE id = ?1", [&other], |r| r.get(0)).unwrap();
    assert_eq!(unreachable, 1);
}

#[tokio::test]
async fn an_agent_works_a_follow_up_from_the_list_to_a_new_inquiry_in_the_browser() {
    use kefu_tests::browser::{wait_for, Browser};
    // An R4 product sold to a C2 customer just now, its follow-up handed to the demo agent.
    let agent = Api::signed_in(AGENT).await;
    let customer = moderate_customer(2);
    let bought = agent.post(&format!("/api/customers/{customer}/products"), &json!({"product": "wealth-equity", "channel": "branch"})).await;
    assert_eq!(bought.status, 201, "{:?}", bought.body);
    let id = bought.body["follow_up_id"].as_str().unwrap().to_string();
    let boss = Api::signed_in(kefu_tests::SUPERVISOR).await;
    let case = boss.get(&format!("/api/cases/{id}")).await.body;
    if case["assignee_id"] != "user-agent" {
        let handed = boss.post(&format!("/api/cases/{id}/assign"), &json!({"assignee_id": "user-agent", "version": case["version"]})).await;
        assert_eq!(handed.status, 200, "{:?}", handed.body);
    }

    let browser = Browser::open().await;
    browser.sign_in(AGENT).await;
    browser.click("nav-follow-ups").await;
    // Today's list has it, flagged.
    let row = wait_for("the follow-up in today's list", || async {
        for row in browser.client.find_all(fantoccini::Locator::Css("[data-testid='follow-up-row']")).await.ok()? {
            if row.attr("data-id").await.ok()?? == id {
                return Some(row);
            }
        }
        None
    })
    .await;
    assert!(row.text().await.unwrap().contains("适当性不匹配"), "the mismatch is flagged in the list");
    browser.screenshot("follow-ups-zh").await;
    row.find(fantoccini::Locator::Css("[data-testid='follow-up-open']")).await.unwrap().click().await.unwrap();

    // The call: the warning and the script; no answer first.
    browser.find("follow-up-mismatch").await;
    assert!(browser.text("follow-up-script").await.contains("犹豫期"));
    browser.find("follow-up-cooling-off").await;
    browser.click("outcome-no_answer").await;
    browser.click("attempt-save").await;
    browser.wait_text("follow-up-attempts", "1").await;
    browser.wait_text("follow-up-last", "无人接听").await;
    // The customer's assistant asks for a call-back in two hours.
    let callback = (chrono::Utc::now() + Duration::hours(2)).with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
    browser.click("outcome-callback_requested").await;
    let input = browser.find("attempt-callback").await;
    browser
        .client
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(&input).unwrap(), json!(callback.format("%Y-%m-%dT%H:%M").to_string())],
        )
        .await
        .unwrap();
    browser.fill("attempt-notes", "助理接听，约两小时后回拨").await;
    browser.click("attempt-save").await;
    browser.wait_text("follow-up-callback-at", &callback.format("%Y-%m-%d %H:%M").to_string()).await;
    browser.screenshot("follow-up-call-zh").await;
    // Reached at last: satisfied, with notes.
    browser.click("outcome-reached").await;
    browser.find("attempt-satisfaction").await.select_by_value("5").await.unwrap();
    browser.fill("attempt-notes", "客户已了解产品风险，确认自愿购买；希望了解定投").await;
    browser.click("attempt-save").await;
    browser.wait_text("follow-up-ended", "已完成").await;
    assert!(browser.text("follow-up-satisfaction").await.contains('5'));
    browser.click("language-switch").await;
    browser.wait_text("follow-up-ended", "Done").await;
    browser.screenshot("follow-up-done-en").await;
    browser.click("language-switch").await;

    // What the customer raised becomes a new inquiry, for them.
    browser.click("follow-up-new-case").await;
    browser.find("picked-customer").await;
    let subject = kefu_tests::unique("回访中客户咨询基金定投");
    browser.fill("case-subject", &subject).await;
    browser.fill("case-description", "回访时客户希望了解基金定投的起投金额").await;
    browser.click("case-save").await;
    browser.find("case-page").await;
    let cases = agent.cases_of(&customer).await;
    assert!(cases.iter().any(|c| c["subject"] == subject.as_str() && c["kind"] == "inquiry"), "{cases:?}");
    let done = agent.get(&format!("/api/follow-ups/{id}")).await.body;
    assert_eq!((done["ending"].as_str(), done["satisfaction"].as_i64()), (Some("done"), Some(5)));
    // The customer 360 flags the mismatched purchase.
    browser.goto(&format!("/customers/{customer}")).await;
    browser.find("customer-mismatch").await;
    browser.find("purchase-mismatch").await;
    browser.screenshot("customer-purchases-zh").await;
    browser.close().await;
}

#[tokio::test]
async fn admins_set_a_products_risk_level_and_cooling_off_and_later_purchases_follow_them() {
    let admin = Api::signed_in(ADMIN).await;
    let agent = Api::signed_in(AGENT).await;
    // The large certificate of deposit: R1 without cooling-off in the demo, and no other test's.
    let product = |list: &Value| list["items"].as_array().unwrap().iter().find(|p| p["code"] == "large-cd").cloned().expect("large-cd");
    let before = product(&agent.get("/api/products").await.body);
    assert_eq!((before["risk_level"].as_i64(), before["cooling_off_hours"].as_i64()), (Some(1), None));
    let v = before["version"].as_i64().unwrap();
    assert_eq!(agent.put("/api/products/large-cd", &json!({"risk_level": 2, "version": v})).await.status, 403);
    for (body, field) in [
        (json!({"risk_level": 6, "version": v}), "risk_level"),
        (json!({"risk_level": 2, "cooling_off_hours": 0, "version": v}), "cooling_off_hours"),
        (json!({"risk_level": 2, "cooling_off_hours": 100000, "version": v}), "cooling_off_hours"),
    ] {
        let refused = admin.put("/api/products/large-cd", &body).await;
        assert_eq!((refused.status, refused.field()), (422, Some(field)), "{body}");
    }
    assert_eq!(admin.put("/api/products/no-such-product", &json!({"version": 1})).await.status, 404);
    assert_eq!(admin.put("/api/products/large-cd", &json!({"risk_level": 2, "version": v - 1})).await.status, 409);
    assert_eq!(product(&agent.get("/api/products").await.body)["version"].as_i64(), Some(v), "nothing refused changed it");

    let set = admin.put("/api/products/large-cd", &json!({"risk_level": 3, "cooling_off_hours": 48, "version": v})).await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    assert_eq!((set.body["risk_level"].as_i64(), set.body["cooling_off_hours"].as_i64(), set.body["version"].as_i64()), (Some(3), Some(48), Some(v + 1)));
    // A purchase from then on goes by it: R3 to C2 is a mismatch, cooling off for 48 hours.
    let sold = bj(2025, 6, 16, 10, 0);
    let bought = buy(&agent, &moderate_customer(3), json!({"product": "large-cd", "channel": "branch"}), sold).await;
    assert_eq!((bought.status, bought.body["mismatch"].as_bool()), (201, Some(true)), "{:?}", bought.body);
    assert_eq!(time(&bought.body["cooling_off_ends_at"]), sold + Duration::hours(48));
    let audited: i64 = database().query_row("SELECT COUNT(*) FROM audit_events WHERE action = 'product_updated' AND entity_id = 'large-cd'", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 1);
    // Back as the demo has it.
    let back = admin.put("/api/products/large-cd", &json!({"risk_level": 1, "cooling_off_hours": null, "version": v + 1})).await;
    assert_eq!(back.status, 200, "{:?}", back.body);
}

/// One attempt at `at`, answered 201.
async fn attempt(agent: &Api, id: &str, body: Value, at: DateTime<Utc>) -> Value {
    let version = get_at(agent, &format!("/api/follow-ups/{id}"), at).await.body["version"].clone();
    let mut body = body;
    body["version"] = version;
    let reply = post_at(agent, &format!("/api/follow-ups/{id}/attempts"), &body, at).await;
    assert_eq!(reply.status, 201, "{body}: {:?}", reply.body);
    reply.body
}

/// The post-sale follow-up figures of [start, end) as of `now`, counted straight from the
/// follow-ups and their cases in SQL, by the rules domain::stats states.
fn post_sale_counted(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>, product_kind: Option<&str>) -> Value {
    let kind = product_kind.map_or(String::new(), |k| format!("AND f.product_code IN (SELECT code FROM products WHERE kind = '{k}')"));
    let sql = format!(
        "WITH decided AS (
           SELECT f.*, c.is_open = 0 AND c.unreachable = 0 AS done, COALESCE(c.closed_at, c.resolved_at) AS made_at
           FROM follow_ups f JOIN cases c ON c.id = f.case_id
           WHERE f.reason = 'purchase' AND c.merged_into IS NULL AND c.resolution_due_at >= ?1 AND c.resolution_due_at < ?2
             AND (c.resolved_at IS NOT NULL OR c.closed_at IS NOT NULL OR c.resolution_due_at <= ?3) {kind}),
         counted AS (SELECT *, done AND ending IN ('done', 'refused') AS reached FROM decided)
         SELECT COUNT(*), COALESCE(SUM(done), 0), COALESCE(SUM(reached), 0), COALESCE(SUM(CASE WHEN reached THEN attempts + 1 ELSE 0 END), 0),
           COALESCE(SUM(cooling_off_ends_at IS NOT NULL), 0), COALESCE(SUM(reached AND made_at <= cooling_off_ends_at), 0), COALESCE(SUM(mismatch), 0)
         FROM counted"
    );
    let row: [i64; 7] = database()
        .query_row(&sql, [start.timestamp_millis(), end.timestamp_millis(), now.timestamp_millis()], |r| {
            Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?])
        })
        .unwrap();
    json!({"due": row[0], "done": row[1], "reached": row[2], "calls_to_reach": row[3], "cooling_off": row[4], "cooling_off_in_time": row[5], "mismatched": row[6]})
}

#[tokio::test]
async fn the_follow_up_figures_equal_counts_over_the_follow_ups_and_drill_down_to_them() {
    // August 2025: a month no other test and no demo data uses.
    let agent = Api::signed_in(AGENT).await;
    let boss = Api::signed_in(kefu_tests::SUPERVISOR).await;
    let customer = moderate_customer(10);
    let sold = bj(2025, 8, 4, 10, 0);
    let follow_up_of = |p: &Reply| p.body["follow_up_id"].as_str().expect("a follow-up is planned").to_string();
    let mut ids = Vec::new();
    for product in ["wealth-equity", "insurance-annuity", "wealth-steady", "fund-plan"] {
        let bought = buy(&agent, &customer, json!({"product": product, "channel": "branch"}), sold).await;
        assert_eq!(bought.status, 201, "{product}: {:?}", bought.body);
        ids.push(follow_up_of(&bought));
    }
    let [equity, annuity, steady, fund] = <[String; 4]>::try_from(ids).unwrap();
    // R4 (mismatched): reached on the second call, inside its 24 hours.
    let missed = attempt(&agent, &equity, json!({"outcome": "no_answer"}), sold).await;
    let again = time(&missed["ready_at"]);
    assert!(again < sold + Duration::hours(24), "{missed}");
    attempt(&agent, &equity, json!({"outcome": "reached", "satisfaction": 5, "notes": "已知悉风险"}), again).await;
    // Insurance: reached at once; R2: the customer declined to talk; R3 (mismatched): three
    // unanswered calls, unreachable.
    attempt(&agent, &annuity, json!({"outcome": "reached", "satisfaction": 4}), sold).await;
    attempt(&agent, &steady, json!({"outcome": "refused"}), sold).await;
    let mut at = sold;
    for _ in 0..3 {
        let f = attempt(&agent, &fund, json!({"outcome": "busy"}), at).await;
        at = time(&f["ready_at"]).max(at + Duration::minutes(1));
    }
    assert_eq!(get_at(&agent, &format!("/api/follow-ups/{fund}"), at).await.body["ending"], "unreachable");

    // A new customer buys insurance, then withdraws consent: the follow-up ends as no_consent.
    let created = post_at(&agent, "/api/customers", &json!({"name": kefu_tests::unique("撤回同意客户"), "phone": "13700007777"}), sold).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let newcomer = created.body["id"].as_str().unwrap().to_string();
    let bought = buy(&agent, &newcomer, json!({"product": "insurance-annuity", "channel": "phone"}), sold).await;
    let withdrawn_follow_up = follow_up_of(&bought);
    let consent_path = format!("/api/customers/{newcomer}/consent");
    let consent = |value: Value| {
        let (agent, path) = (&agent, &consent_path);
        async move { post_at(agent, path, &value, sold + Duration::hours(1)).await }
    };
    assert_eq!(consent(json!({"consent_contact": "no"})).await.field(), Some("consent_contact"));
    let withdrawn = consent(json!({"consent_contact": false, "notes": "客户来电要求不再联系"})).await;
    assert_eq!(withdrawn.status, 200, "{:?}", withdrawn.body);
    assert_eq!(consent(json!({"consent_contact": false})).await.status, 409, "already withdrawn");
    let ended = get_at(&agent, &format!("/api/follow-ups/{withdrawn_follow_up}"), sold + Duration::hours(1)).await.body;
    assert_eq!(ended["ending"], "no_consent");
    let case = get_at(&agent, &format!("/api/cases/{withdrawn_follow_up}"), sold + Duration::hours(1)).await.body;
    assert_eq!(case["status"], "closed");
    assert!(case["events"].as_array().unwrap().iter().any(|e| e["body"].as_str().unwrap_or("").contains("客户来电要求不再联系")), "{case}");
    let audited: i64 = database()
        .query_row("SELECT COUNT(*) FROM audit_events WHERE action = 'consent_withdrawn' AND entity_id = ?1", [&newcomer], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1);
    // Without consent, a purchase plans no follow-up, and the list never shows one of theirs.
    let unplanned = buy(&agent, &newcomer, json!({"product": "wealth-steady", "channel": "phone"}), sold + Duration::hours(2)).await;
    assert!(unplanned.body["follow_up_id"].is_null(), "{:?}", unplanned.body);
    let listed = get_at(&boss, "/api/follow-ups?limit=200", sold + Duration::hours(2)).await.body;
    assert!(listed["items"].as_array().unwrap().iter().all(|f| f["customer_id"] != newcomer.as_str()));

    // The figures, against a count over the follow-ups, and against what happened.
    let as_of = bj(2025, 9, 30, 12, 0);
    let (start, end) = (bj(2025, 8, 1, 0, 0), bj(2025, 9, 1, 0, 0));
    let dashboard = get_at(&boss, "/api/dashboard?from=2025-08-01&to=2025-08-31", as_of).await;
    assert_eq!(dashboard.status, 200, "{:?}", dashboard.body);
    let current = &dashboard.body["current"];
    let purchase = &current["follow_ups_by_reason"]["purchase"];
    assert_eq!(purchase, &post_sale_counted(start, end, as_of, None));
    assert_eq!(purchase, &json!({"due": 5, "done": 3, "reached": 3, "calls_to_reach": 4, "cooling_off": 5, "cooling_off_in_time": 3, "mismatched": 2}));
    for kind in ["wealth", "insurance"] {
        assert_eq!(current["follow_ups_by_product"][kind], post_sale_counted(start, end, as_of, Some(kind)), "{kind}");
    }
    assert_eq!(current["follow_ups_by_product"]["wealth"]["mismatched"], 2);
    assert_eq!((current["follow_ups_due"].as_i64(), current["follow_ups_done"].as_i64()), (Some(5), Some(3)), "the follow-up rate counts what the calls recorded");

    // Each figure opens its follow-ups.
    let drill = |more: &str| {
        let (boss, more) = (&boss, more.to_string());
        async move {
            let page = get_at(boss, &format!("/api/cases?date=resolution_due&from=2025-08-01&to=2025-08-31&kind=follow_up{more}&limit=200"), as_of).await;
            assert_eq!(page.status, 200, "{more}: {:?}", page.body);
            let mut ids: Vec<String> = page.body["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
            ids.sort();
            ids
        }
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<_>>()
    };
    assert_eq!(drill("&mismatch=true").await, sorted(vec![&equity, &fund]));
    assert_eq!(drill("&product_kind=insurance").await, sorted(vec![&annuity, &withdrawn_follow_up]));
    assert_eq!(drill("&reason=purchase").await.len(), 5);
    assert_eq!(get_at(&boss, "/api/cases?reason=lunch", as_of).await.field(), Some("reason"));

    // A case raised in a call names the call, and the call names it; only for the call's customer.
    let raised = post_at(&agent, "/api/cases", &json!({
        "kind": "inquiry", "channel": "phone", "customer_id": customer, "assignee": "me", "complexity": "ordinary",
        "subject": "回访中客户咨询定投", "description": "客户希望了解基金定投", "follow_up_id": equity
    }), again).await;
    assert_eq!(raised.status, 201, "{:?}", raised.body);
    assert!(raised.body["events"].as_array().unwrap().iter().any(|e| e["body"].as_str().unwrap_or("").starts_with("来自回访 KF")), "{:?}", raised.body);
    let call = get_at(&agent, &format!("/api/cases/{equity}"), again).await.body;
    let reference = raised.body["reference"].as_str().unwrap();
    assert!(call["events"].as_array().unwrap().iter().any(|e| e["body"].as_str().unwrap_or("").contains(reference)), "{call}");
    let stranger = post_at(&agent, "/api/cases", &json!({
        "kind": "inquiry", "channel": "phone", "customer_id": newcomer, "subject": "x", "description": "y", "follow_up_id": equity
    }), again).await;
    assert_eq!((stranger.status, stranger.field()), (422, Some("follow_up_id")), "{:?}", stranger.body);
}

#[tokio::test]
async fn a_supervisor_hands_an_absent_colleagues_follow_ups_to_another_in_the_browser() {
    use kefu_tests::browser::{wait_for, Browser};
    // A post-sale follow-up held by 孙涛 (user-agent09), who is off sick today.
    let agent = Api::signed_in(AGENT).await;
    let boss = Api::signed_in(kefu_tests::SUPERVISOR).await;
    let customer = moderate_customer(3);
    let bought = agent.post(&format!("/api/customers/{customer}/products"), &json!({"product": "wealth-steady", "channel": "mobile_app"})).await;
    assert_eq!(bought.status, 201, "{:?}", bought.body);
    let id = bought.body["follow_up_id"].as_str().unwrap().to_string();
    let case = boss.get(&format!("/api/cases/{id}")).await.body;
    if case["assignee_id"] != "user-agent09" {
        let handed = boss.post(&format!("/api/cases/{id}/assign"), &json!({"assignee_id": "user-agent09", "version": case["version"]})).await;
        assert_eq!(handed.status, 200, "{:?}", handed.body);
    }

    let browser = Browser::open().await;
    browser.sign_in(kefu_tests::SUPERVISOR).await;
    browser.click("nav-follow-ups").await;
    browser.click("fu-view-team").await;
    browser.find("follow-up-holder-filter").await.select_by_value("user-agent09").await.unwrap();
    // Only 孙涛's are listed; tick this one and hand it to 马超.
    let row = wait_for("孙涛's follow-up in the team view", || async {
        let rows = browser.client.find_all(fantoccini::Locator::Css("[data-testid='follow-up-row']")).await.ok()?;
        let mut found = None;
        for row in rows {
            let holder = row.find(fantoccini::Locator::Css("[data-testid='follow-up-holder']")).await.ok()?.text().await.ok()?;
            if holder != "孙涛" {
                return None;
            }
            if row.attr("data-id").await.ok()?? == id {
                found = Some(row);
            }
        }
        found
    })
    .await;
    row.find(fantoccini::Locator::Css("[data-testid='follow-up-select']")).await.unwrap().click().await.unwrap();
    browser.find("reassign-to").await.select_by_value("user-agent10").await.unwrap();
    browser.screenshot("follow-ups-team-zh").await;
    browser.click("reassign-save").await;
    browser.wait_text("reassign-outcome", "已分派 1").await;
    let moved = boss.get(&format!("/api/follow-ups/{id}")).await.body;
    assert_eq!(moved["assignee_id"], "user-agent10", "{moved}");
    // The hand-over is on the follow-up's timeline, as any assignment.
    let case = boss.get(&format!("/api/cases/{id}")).await.body;
    assert!(case["events"].as_array().unwrap().iter().any(|e| e["type"] == "assigned" && e["assignee_id"] == "user-agent10"), "{case}");
    browser.close().await;
}

/// The follow-up planner's counts for its run as of `at` (the job log).
async fn planning_run(admin: &Api, at: DateTime<Utc>) -> Value {
    run(admin, HOURLY, at).await;
    let jobs = admin.get("/api/jobs").await.body;
    let found = jobs["items"].as_array().unwrap().iter().find(|j| j["job"] == "follow_up_planning" && time(&j["scheduled_at"]) == at);
    found.unwrap_or_else(|| panic!("a planning run at {at}: {jobs}"))["counts"].clone()
}

/// The subjects of a customer's follow-ups, sorted.
async fn follow_up_subjects(agent: &Api, customer: &str) -> Vec<String> {
    let mut subjects: Vec<String> =
        agent.cases_of(customer).await.iter().filter(|c| c["kind"] == "follow_up").map(|c| c["subject"].as_str().unwrap().to_string()).collect();
    subjects.sort();
    subjects
}

/// A demo customer of an existing relationship in `segment` who consents to contact and has no
/// open follow-up; the `n`th of them.
fn existing_customer(segment: &str, n: usize) -> String {
    database()
        .query_row(
            "SELECT id FROM customers WHERE lifecycle = 'existing' AND segment = ?1 AND consent_contact = 1 AND erased_at IS NULL AND left_at IS NULL
               AND id NOT IN (SELECT customer_id FROM follow_ups WHERE ending IS NULL) ORDER BY id LIMIT 1 OFFSET ?2",
            rusqlite::params![segment, n],
            |r| r.get(0),
        )
        .expect("the demo data has such customers")
}

/// Runs after the rest of the suite, alone (xtask's AFTER and nextest's `after` group:
/// `daily_capacity`): it lowers the desk-wide capacity for a while, and later sweeps would reach
/// the follow-ups it leaves open. March 2019: a month no other test and no demo data uses.
#[tokio::test]
async fn the_planner_keeps_to_the_daily_capacity_most_urgent_first_and_never_defers_a_complaints_follow_up() {
    let (admin, agent) = (Api::signed_in(ADMIN).await, Api::signed_in(AGENT).await);
    let settings = admin.get("/api/settings").await.body;
    let (rules, version) = (settings["follow_up"].clone(), settings["versions"]["follow_up"].as_i64().unwrap());
    let put = |rules: Value, version: i64| {
        let admin = &admin;
        async move { admin.send(admin.http.put(admin.url("/api/settings/follow_up")).header("X-Requested-With", "kefu").json(&json!({"version": version, "value": rules}))).await }
    };
    let mut one_a_day = rules.clone();
    one_a_day["daily_calls_per_agent"] = json!(0);
    let refused = put(one_a_day.clone(), version).await;
    assert_eq!((refused.status, refused.field()), (422, Some("daily_calls_per_agent")), "{:?}", refused.body);
    one_a_day["daily_calls_per_agent"] = json!(1);
    let saved = put(one_a_day, version).await;
    assert_eq!(saved.status, 200, "{:?}", saved.body);

    // One follow-up a day per agent at work: the planner says how many that is.
    let capacity = planning_run(&admin, bj(2019, 3, 1, 0, 0)).await["capacity"].as_i64().unwrap();
    assert!(capacity >= 2, "the demo desk has agents at work: {capacity}");

    // As many new customers as the day has room for, each due a first follow-up on Monday
    // 11 March; an existing private and an existing mass customer due their periodic one then.
    let mut new = Vec::new();
    for i in 0..capacity {
        let reply = post_at(&agent, "/api/customers", &json!({"name": unique(&format!("容量客户{i}")), "phone": "13700004444"}), bj(2019, 3, 4, 10, 0)).await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        new.push(reply.body["id"].as_str().unwrap().to_string());
    }
    let (private, mass) = (existing_customer("private", 0), existing_customer("mass", 0));
    for customer in [&private, &mass] {
        // Consent given again: the planner looks at them at once.
        for (given, at) in [(false, bj(2019, 3, 11, 8, 0)), (true, bj(2019, 3, 11, 9, 0))] {
            let reply = post_at(&agent, &format!("/api/customers/{customer}/consent"), &json!({"consent_contact": given, "notes": "客户来电确认"}), at).await;
            assert_eq!(reply.status, 200, "{:?}", reply.body);
        }
    }

    // 10:00: the new customers' first follow-ups fill the day; the existing customers wait.
    let first = planning_run(&admin, bj(2019, 3, 11, 10, 0)).await;
    assert_eq!((first["created"].as_i64(), first["room"].as_i64(), first["waited"].as_i64()), (Some(capacity), Some(capacity), Some(0)), "{first}");
    for customer in &new {
        assert_eq!(follow_up_subjects(&agent, customer).await, ["新客户首次回访"], "{customer}");
    }
    assert!(follow_up_subjects(&agent, &private).await.is_empty() && follow_up_subjects(&agent, &mass).await.is_empty(), "no room left for them");

    // The private customer's complaint closes at 10:40: its follow-up is created at 11:00 with no
    // room left, and their periodic one still waits.
    // A supervisor may keep a complaint they register.
    let boss = Api::signed_in(SUPERVISOR).await;
    let complaint = post_at(&boss, "/api/cases", &json!({
        "kind": "complaint", "channel": "phone", "customer_id": private, "complexity": "ordinary", "assignee": "me",
        "subject": "投诉信用卡重复扣款", "description": "账单中同一笔消费扣了两次"
    }), bj(2019, 3, 11, 10, 30)).await;
    assert_eq!(complaint.status, 201, "{:?}", complaint.body);
    let id = complaint.body["id"].as_str().unwrap().to_string();
    let mut version = 1;
    for body in [
        json!({"to": "investigation", "reason": "材料齐全，进入调查"}),
        json!({"to": "feedback", "reason": "核实为系统重复扣款"}),
        json!({"to": "closed", "outcome": "upheld", "root_cause": "system_error", "prevention": "修复扣款批处理", "redress_type": "refund",
               "redress_amount": 12000, "customer_informed": true, "customer_opinion": "satisfied"}),
    ] {
        let mut body = body;
        body["version"] = json!(version);
        let moved = post_at(&boss, &format!("/api/cases/{id}/transition"), &body, bj(2019, 3, 11, 10, 40)).await;
        assert_eq!(moved.status, 200, "{body}: {:?}", moved.body);
        version = moved.body["version"].as_i64().unwrap();
    }
    let second = planning_run(&admin, bj(2019, 3, 11, 11, 0)).await;
    assert_eq!((second["created"].as_i64(), second["room"].as_i64(), second["waited"].as_i64()), (Some(1), Some(0), Some(1)), "{second}");
    assert_eq!(follow_up_subjects(&agent, &private).await, ["投诉办结后回访"]);
    let made_that_day: i64 = database()
        .query_row(
            "SELECT COUNT(*) FROM follow_ups WHERE created_at >= ?1 AND created_at < ?2",
            [bj(2019, 3, 11, 0, 0).timestamp_millis(), bj(2019, 3, 12, 0, 0).timestamp_millis()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(made_that_day, capacity + 1, "the day's capacity, and the complaint's follow-up beyond it");

    // The next day has room again: the two who waited are taken, private before mass.
    let third = planning_run(&admin, bj(2019, 3, 12, 0, 30)).await;
    assert_eq!((third["created"].as_i64(), third["waited"].as_i64()), (Some(2), Some(0)), "{third}");
    assert_eq!(follow_up_subjects(&agent, &private).await, ["客户定期回访", "投诉办结后回访"]);
    assert_eq!(follow_up_subjects(&agent, &mass).await, ["客户定期回访"]);
    let order: Vec<String> = database()
        .prepare("SELECT c.customer_id FROM follow_ups f JOIN cases c ON c.id = f.case_id WHERE f.reason = 'periodic' AND f.customer_id IN (?1, ?2) ORDER BY c.seq")
        .unwrap()
        .query_map([&private, &mass], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(order, [private.clone(), mass.clone()], "the private customer is taken first");

    let now = admin.get("/api/settings").await.body["versions"]["follow_up"].as_i64().unwrap();
    let restored = put(rules, now).await;
    assert_eq!(restored.status, 200, "{:?}", restored.body);
}

#[tokio::test]
async fn admins_keep_the_call_scripts_and_each_call_shows_its_reasons_then_its_product_kinds() {
    use kefu_tests::browser::Browser;
    let (admin, agent) = (Api::signed_in(ADMIN).await, Api::signed_in(AGENT).await);
    let put = |value: Value, version: Value| {
        let admin = &admin;
        async move { admin.send(admin.http.put(admin.url("/api/settings/follow_up_scripts")).header("X-Requested-With", "kefu").json(&json!({"version": version, "value": value}))).await }
    };
    let settings = admin.get("/api/settings").await.body;
    let (stored, version) = (settings["follow_up_scripts"].clone(), settings["versions"]["follow_up_scripts"].clone());
    assert_eq!(stored["reasons"].as_object().unwrap().len(), 4, "a script for every reason: {stored}");

    // Refused, naming the field, and nothing changed.
    let mut missing = stored.clone();
    missing["reasons"].as_object_mut().unwrap().remove("periodic");
    let mut unknown = stored.clone();
    unknown["product_kinds"]["crypto"] = json!({"zh": "x", "en": "x"});
    for (value, field) in [(missing, "reasons"), (unknown, "product_kinds")] {
        let refused = put(value, version.clone()).await;
        assert_eq!((refused.status, refused.field()), (422, Some(field)), "{:?}", refused.body);
    }
    assert_eq!(agent.get("/api/settings").await.status, 403, "agents read scripts only with their calls");
    assert_eq!(admin.get("/api/settings").await.body["follow_up_scripts"], stored);

    let mut edited = stored.clone();
    edited["reasons"]["purchase"] = json!({"zh": "核实身份\n确认客户知悉犹豫期与风险", "en": "Verify identity\nCheck the customer knows the cooling-off period and the risks"});
    edited["product_kinds"]["insurance"] = json!({"zh": "说明保险责任与免责条款", "en": "Explain what the policy covers and excludes"});
    edited["product_kinds"].as_object_mut().unwrap().remove("wealth");
    let saved = put(edited, version).await;
    assert_eq!(saved.status, 200, "{:?}", saved.body);

    // Each post-sale call shows the sale's script, and an insurance one its kind's after it.
    let sold = bj(2025, 6, 9, 10, 0);
    let customer = moderate_customer(11);
    let mut scripts = Vec::new();
    for product in ["insurance-annuity", "credit-gold", "wealth-equity"] {
        let bought = buy(&agent, &customer, json!({"product": product, "channel": "branch"}), sold).await;
        assert_eq!(bought.status, 201, "{:?}", bought.body);
        let id = bought.body["follow_up_id"].as_str().unwrap().to_string();
        let one = get_at(&agent, &format!("/api/follow-ups/{id}"), sold).await.body;
        scripts.push(one["script"]["zh"].as_str().unwrap_or_default().to_string());
        if product == "insurance-annuity" {
            assert_eq!(one["product_kind"], "insurance");
            assert_eq!(one["script"]["en"], "Verify identity\nCheck the customer knows the cooling-off period and the risks\nExplain what the policy covers and excludes");
            let listed = get_at(&agent, "/api/follow-ups?reason=purchase&product=insurance-annuity&limit=200", sold).await.body;
            let items = listed["items"].as_array().unwrap();
            assert!(items.iter().any(|f| f["id"] == id.as_str()) && items.iter().all(|f| f.get("script").is_none()), "lists carry no scripts: {listed}");
        }
    }
    assert_eq!(scripts, ["核实身份\n确认客户知悉犹豫期与风险\n说明保险责任与免责条款", "核实身份\n确认客户知悉犹豫期与风险", "核实身份\n确认客户知悉犹豫期与风险"]);

    // In Settings: the loan script picked, written in both languages and saved.
    let browser = Browser::open().await;
    browser.sign_in(ADMIN).await;
    browser.goto("/settings").await;
    browser.find("script-picked").await.select_by_value("kind:loan").await.unwrap();
    browser.scroll_to("scripts-form").await;
    browser.fill("script-zh", "核实贷款用途与还款计划").await;
    browser.fill("script-en", "Check the loan's purpose and repayment plan").await;
    browser.click("save-scripts").await;
    assert_eq!(browser.text("saved").await, "已保存");
    browser.screenshot("settings-scripts-zh").await;
    browser.close().await;
    let kinds = admin.get("/api/settings").await.body["follow_up_scripts"]["product_kinds"].clone();
    assert_eq!(kinds["loan"], json!({"zh": "核实贷款用途与还款计划", "en": "Check the loan's purpose and repayment plan"}));
    assert_eq!(kinds["insurance"]["zh"], "说明保险责任与免责条款", "the other scripts are kept");

    let now = admin.get("/api/settings").await.body["versions"]["follow_up_scripts"].clone();
    let restored = put(stored, now).await;
    assert_eq!(restored.status, 200, "{:?}", restored.body);
}
