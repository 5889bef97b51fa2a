//! Churn: a customer recorded as having left the institution (on the customer's profile) is
//! counted on the dashboard on that day, by reason, whether the day is stored by the hourly job
//! or tallied live, and equal to a count over the customers themselves. The customers leave in
//! May 2024, a month no other test and no demo data uses.

use chrono::{DateTime, Utc};
use kefu_tests::cron::{bj, get_at, post_at, run, HOURLY};
use kefu_tests::{unique, Api, AGENT, SUPERVISOR};
use rusqlite::Connection;
use serde_json::{json, Value};

fn raw() -> Connection {
    kefu_tests::database()
}

/// Customers who left in [start, end), by reason, counted in SQL.
fn left_between(start: DateTime<Utc>, end: DateTime<Utc>) -> (i64, Value) {
    let db = raw();
    let mut stmt = db
        .prepare("SELECT leave_reason, COUNT(*) FROM customers WHERE left_at >= ?1 AND left_at < ?2 GROUP BY leave_reason")
        .expect("a count");
    let rows: Vec<(String, i64)> = stmt
        .query_map([start.timestamp_millis(), end.timestamp_millis()], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    let total = rows.iter().map(|(_, n)| n).sum();
    (total, Value::Object(rows.into_iter().map(|(r, n)| (r, json!(n))).collect()))
}

async fn churn_shown(api: &Api, query: &str, at: DateTime<Utc>) -> (i64, Value) {
    let reply = get_at(api, &format!("/api/dashboard?{query}"), at).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let current = &reply.body["current"];
    let by_day: i64 = reply.body["days"].as_array().expect("days").iter().map(|d| d["customers_left"].as_i64().unwrap()).sum();
    assert_eq!(by_day, current["customers_left"].as_i64().unwrap(), "the days add up to the period");
    (current["customers_left"].as_i64().unwrap(), current["leave_reasons"].clone())
}

async fn relationship(api: &Api, customer: &str, body: Value, at: DateTime<Utc>) -> kefu_tests::Reply {
    post_at(api, &format!("/api/customers/{customer}/relationship"), &body, at).await
}

#[tokio::test]
async fn customers_who_leave_are_counted_on_their_day_stored_or_live() {
    let (agent, boss) = (Api::signed_in(AGENT).await, Api::signed_in(SUPERVISOR).await);
    let name = |n: u8| format!("流失客户{n} {}", unique(""));
    let (first, second, third) = (agent.new_customer(&name(1)).await, agent.new_customer(&name(2)).await, agent.new_customer(&name(3)).await);
    // In Beijing: the 10th just before midnight, the 31st's last minute (the period's edge),
    // and June 1st just after midnight (the next period).
    let (tenth, last, june) = (bj(2024, 5, 10, 23, 59), bj(2024, 5, 31, 23, 59), bj(2024, 6, 1, 0, 1));
    for (customer, reason, at) in [(&first, "fees_or_rates", tenth), (&second, "competitor_offer", last), (&third, "service", june)] {
        let reply = relationship(&agent, customer, json!({"status": "left", "reason": reason}), at).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(reply.body["leave_reason"], reason);
        assert_eq!(kefu_tests::time(&reply.body["left_at"]), at);
    }
    let profile = agent.get(&format!("/api/customers/{first}")).await;
    assert_eq!(profile.body["leave_reason"], "fees_or_rates", "the profile shows it");
    let audited: i64 = raw()
        .query_row("SELECT COUNT(*) FROM audit_events WHERE action = 'customer_left' AND entity_id = ?1", [&first], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1, "recording it is an audit event");

    // Refused, and nothing written: again, without a reason, a reason on return, nonsense.
    let again = relationship(&agent, &first, json!({"status": "left", "reason": "other"}), tenth).await;
    assert_eq!((again.status, again.code()), (409, Some("conflict")), "{:?}", again.body);
    for (body, field) in [
        (json!({"status": "left"}), "reason"),
        (json!({"status": "active", "reason": "other"}), "reason"),
        (json!({"status": "gone"}), "status"),
        (json!({"status": "left", "reason": "bored"}), "reason"),
    ] {
        let reply = relationship(&agent, &third, body.clone(), june).await;
        assert_eq!((reply.status, reply.field()), (422, Some(field)), "{body}: {:?}", reply.body);
    }
    assert_eq!(relationship(&agent, "no-such-customer", json!({"status": "active"}), june).await.status, 404);
    assert_eq!(Api::anonymous().post(&format!("/api/customers/{first}/relationship"), &json!({"status": "active"})).await.status, 401);
    let reason: String = raw().query_row("SELECT leave_reason FROM customers WHERE id = ?1", [&first], |r| r.get(0)).unwrap();
    assert_eq!(reason, "fees_or_rates", "the refused requests changed nothing");

    let (may, june_start) = (bj(2024, 5, 1, 0, 0), bj(2024, 6, 1, 0, 0));
    let period = "from=2024-05-01&to=2024-05-31";
    let expected = left_between(may, june_start);
    assert!(expected.0 >= 2, "{expected:?}");
    assert_eq!(churn_shown(&boss, period, june).await, expected, "live");
    let day = churn_shown(&boss, "from=2024-05-10&to=2024-05-10", june).await;
    assert_eq!(day, left_between(bj(2024, 5, 10, 0, 0), bj(2024, 5, 11, 0, 0)), "the 10th, to its last minute");

    // The figure's drill-down: the customers who left in May, in the order they left.
    let listed = get_at(&boss, "/api/customers?left_from=2024-05-01&left_to=2024-05-31", june).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let ids: Vec<String> = listed.body["items"].as_array().expect("items").iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
    let db = raw();
    let mut stmt = db.prepare("SELECT id FROM customers WHERE left_at >= ?1 AND left_at < ?2 ORDER BY left_at, id").unwrap();
    let want: Vec<String> = stmt.query_map([may.timestamp_millis(), june_start.timestamp_millis()], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(ids, want, "the list is the figure's customers");
    assert!(ids.contains(&first) && ids.contains(&second) && !ids.contains(&third));
    // A reason's bar: those who left for it, as many as the figure's reasons say.
    let fees = get_at(&boss, "/api/customers?left_from=2024-05-01&left_to=2024-05-31&reason=fees_or_rates", june).await;
    let fees: Vec<&str> = fees.body["items"].as_array().expect("items").iter().map(|c| c["id"].as_str().unwrap()).collect();
    let want: Vec<&str> = want.iter().map(String::as_str).filter(|id| {
        raw().query_row("SELECT leave_reason FROM customers WHERE id = ?1", [id], |r| r.get::<_, String>(0)).unwrap() == "fees_or_rates"
    }).collect();
    assert_eq!(fees, want, "the customers behind the reason's bar");
    assert_eq!(fees.len() as i64, expected.1["fees_or_rates"].as_i64().unwrap());
    assert!(fees.contains(&first.as_str()) && !fees.contains(&second.as_str()));
    for (query, field) in [
        ("left_from=2024-05-01", "left_to"),
        ("left_from=2024-05-31&left_to=2024-05-01", "left_to"),
        ("left_from=May&left_to=2024-05-31", "left_from"),
        ("left_from=2024-05-01&left_to=2024-05-31&reason=weather", "reason"),
        ("reason=service", "reason"),
    ] {
        let reply = boss.get(&format!("/api/customers?{query}")).await;
        assert_eq!((reply.status, reply.field()), (422, Some(field)), "{query}: {:?}", reply.body);
    }

    // The hourly job stores May; the figures stay.
    run(&boss, HOURLY, bj(2024, 6, 2, 1, 0)).await;
    assert_eq!(churn_shown(&boss, period, june).await, expected, "stored");
    // The churn is the institution's: a team's dashboard counts none of it.
    let (team_left, _) = churn_shown(&boss, &format!("{period}&team=team-retail-1"), june).await;
    assert_eq!(team_left, 0, "a team's dashboard");

    // A mistake corrected: the customer is a customer again, and May counts one fewer.
    let back = relationship(&agent, &second, json!({"status": "active"}), june).await;
    assert_eq!(back.status, 200, "{:?}", back.body);
    assert_eq!(back.body["left_at"], Value::Null);
    let after = churn_shown(&boss, period, june).await;
    assert_eq!(after, left_between(may, june_start), "after the return");
    assert_eq!(after.0, expected.0 - 1);
    assert_eq!(relationship(&agent, &second, json!({"status": "active"}), june).await.status, 409, "already a customer");
}
