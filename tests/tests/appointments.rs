//! Branch appointments over HTTP: capacity under concurrent booking, booking, rescheduling and
//! cancelling by link, the counter's look-up, check-in and no-show, and the reminder the day
//! before through `/__scheduled`. Each test works in its own past month through the test clock.

use chrono::{DateTime, Utc};
use kefu_tests::cron::{bj, cron, get_at, Stub};
use kefu_tests::{unique, Api, Reply, AGENT};
use serde_json::{json, Value};

const BRANCH: &str = "branch-chaoyang";
/// Two places a slot.
const CASH: &str = "large_cash_withdrawal";

/// A POST handled at `at`, from client address `address`.
async fn post(api: &Api, path: &str, body: &Value, at: DateTime<Utc>, address: &str) -> Reply {
    let request = api
        .http
        .post(api.url(path))
        .header("X-Requested-With", "kefu")
        .header("X-Kefu-Test-Now", at.timestamp_millis().to_string())
        .header("CF-Connecting-IP", address)
        .json(body);
    api.send(request).await
}

fn booking(start: DateTime<Utc>, n: usize) -> Value {
    json!({"branch_id": BRANCH, "service": CASH, "start": start, "name": format!("预约客户{n}"), "phone": format!("139{:08}", 10_000_000 + n), "email": format!("{}@example.com", unique("appt"))})
}

/// How many appointments hold a place in the slot.
fn held(start: DateTime<Utc>) -> i64 {
    kefu_tests::database()
        .query_row(
            "SELECT COUNT(*) FROM appointments WHERE branch_id = ?1 AND service = ?2 AND start_at = ?3 AND status <> 'cancelled'",
            rusqlite::params![BRANCH, CASH, start.timestamp_millis()],
            |r| r.get(0),
        )
        .unwrap()
}

/// The bookings sent at the same moment, each from its own client and address.
async fn all_at_once(bookings: Vec<(Value, String)>, now: DateTime<Utc>) -> Vec<Reply> {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(bookings.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for (body, address) in bookings {
        let start = start.clone();
        tasks.spawn(async move {
            let api = Api::anonymous();
            start.wait().await;
            post(&api, "/api/public/appointments", &body, now, &address).await
        });
    }
    tasks.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_never_take_a_slot_beyond_its_capacity() {
    let now = bj(2023, 3, 13, 9, 0);
    let slot = bj(2023, 3, 15, 14, 0);
    let api = Api::anonymous();
    let replies = all_at_once((0..12).map(|n| (booking(slot, n), format!("198.51.100.{}", n + 10))).collect(), now).await;
    let booked: Vec<&Reply> = replies.iter().filter(|r| r.status == 201).collect();
    assert_eq!(booked.len(), 2, "two places: {:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    assert!(replies.iter().filter(|r| r.status != 201).all(|r| r.status == 409 && r.code() == Some("slot_full")));
    assert_eq!(held(slot), 2);
    let day = get_at(&api, &format!("/api/public/slots?branch={BRANCH}&service={CASH}&date=2023-03-15"), now).await;
    assert_eq!(day.status, 200, "{:?}", day.body);
    let full = day.body["slots"].as_array().unwrap().iter().find(|s| s["start"] == json!(slot)).expect("the slot is listed").clone();
    assert_eq!(full["left"], 0);

    // A cancellation frees one place, and again only one of many gets it.
    let link = booked[0].body["manage_path"].as_str().unwrap().trim_start_matches("/appointments/").to_string();
    assert_eq!(post(&api, &format!("/api/public/appointments/{link}/cancel"), &json!({}), now, "198.51.100.99").await.status, 200);
    let again: Vec<u16> = all_at_once((20..26).map(|n| (booking(slot, n), format!("198.51.100.{}", n + 10))).collect(), now).await.iter().map(|r| r.status).collect();
    assert_eq!(again.iter().filter(|s| **s == 201).count(), 1, "{again:?}");
    assert_eq!(held(slot), 2);
}

#[tokio::test]
async fn a_customer_books_reschedules_and_cancels_by_link_and_the_branch_checks_the_next_one_in() {
    let now = bj(2023, 3, 6, 9, 0);
    let api = Api::anonymous();
    let address = "203.0.113.41";
    // Not a slot, closed days and missing contact details are refused, naming the field.
    let mut bad = booking(bj(2023, 3, 8, 10, 10), 1);
    assert_eq!(post(&api, "/api/public/appointments", &bad, now, address).await.field(), Some("start"));
    bad["start"] = json!(bj(2023, 3, 11, 10, 0)); // a Saturday
    assert_eq!(post(&api, "/api/public/appointments", &bad, now, address).await.field(), Some("start"));
    bad["start"] = json!(bj(2023, 3, 8, 10, 0));
    bad["service"] = json!("safe_deposit_box");
    assert_eq!(post(&api, "/api/public/appointments", &bad, now, address).await.field(), Some("service"));
    let nobody = json!({"branch_id": BRANCH, "service": CASH, "start": bj(2023, 3, 8, 10, 0), "name": "无联系方式"});
    assert_eq!(post(&api, "/api/public/appointments", &nobody, now, address).await.field(), Some("phone"));
    assert_eq!(held(bj(2023, 3, 8, 10, 0)), 0, "nothing refused was stored");

    let email = format!("{}@example.com", unique("book"));
    let form = json!({"branch_id": BRANCH, "service": CASH, "start": bj(2023, 3, 8, 10, 0), "name": unique("取现客户"), "phone": "13912345678", "email": email});
    let receipt = post(&api, "/api/public/appointments", &form, now, address).await;
    assert_eq!(receipt.status, 201, "{:?}", receipt.body);
    let reference = receipt.body["appointment"]["reference"].as_str().unwrap().to_string();
    assert!(reference.starts_with("YY") && reference.len() == 10, "{reference}");
    let path = receipt.body["manage_path"].as_str().unwrap().to_string();
    let token = path.trim_start_matches("/appointments/").to_string();
    assert!(token.len() >= 32, "an unguessable link");
    let opened = get_at(&api, &format!("/api/public{path}"), now).await;
    assert_eq!((opened.body["reference"].as_str(), opened.body["status"].as_str()), (Some(reference.as_str()), Some("booked")));
    assert_eq!(get_at(&api, "/api/public/appointments/not-a-link", now).await.status, 404);

    // The confirmation, with the link, is in the outbox for the customer's e-mail.
    let db = kefu_tests::database();
    let (kind, body): (String, String) = db
        .query_row("SELECT kind, body FROM outbox WHERE address = ?1 ORDER BY created_at LIMIT 1", [&email], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("a confirmation");
    assert_eq!(kind, "appointment_confirmed");
    assert!(body.contains(&reference) && body.contains(&token), "{body}");

    // Rescheduled: the old place is freed, the new one taken.
    let moved = post(&api, &format!("/api/public{path}/reschedule"), &json!({"start": bj(2023, 3, 9, 15, 30)}), now, address).await;
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    assert_eq!((held(bj(2023, 3, 8, 10, 0)), held(bj(2023, 3, 9, 15, 30))), (0, 1));
    let not_a_slot = post(&api, &format!("/api/public{path}/reschedule"), &json!({"start": bj(2023, 3, 9, 15, 45)}), now, address).await;
    assert_eq!((not_a_slot.status, not_a_slot.field()), (422, Some("start")));

    // Cancelled: the link can change nothing more.
    let cancelled = post(&api, &format!("/api/public{path}/cancel"), &json!({}), now, address).await;
    assert_eq!((cancelled.status, cancelled.body["status"].as_str()), (200, Some("cancelled")));
    assert_eq!(held(bj(2023, 3, 9, 15, 30)), 0);
    assert_eq!(post(&api, &format!("/api/public{path}/cancel"), &json!({}), now, address).await.status, 410);
    assert_eq!(post(&api, &format!("/api/public{path}/reschedule"), &json!({"start": bj(2023, 3, 9, 16, 0)}), now, address).await.status, 410);

    // An agent books for a customer from their case; at the branch the booking is looked up by
    // its reference as read out, and checked in once the ID document was checked.
    let agent = Api::signed_in(AGENT).await;
    let customer = agent.new_customer(&unique("开户客户")).await;
    let case = agent.post("/api/cases", &json!({"kind": "inquiry", "channel": "phone", "customer_id": customer, "subject": "预约开户", "description": "客户要到网点开户"})).await;
    let case_id = case.body["id"].as_str().unwrap().to_string();
    let other = agent.new_customer(&unique("别的客户")).await;
    let staff = json!({"branch_id": BRANCH, "service": "account_opening", "start": bj(2023, 3, 10, 9, 45), "customer_id": other, "case_id": case_id});
    assert_eq!(post(&agent, "/api/appointments", &staff, now, address).await.field(), Some("case_id"), "the case is another customer's");
    let mut staff = staff;
    staff["customer_id"] = json!(customer);
    let booked = post(&agent, "/api/appointments", &staff, now, address).await;
    assert_eq!(booked.status, 201, "{:?}", booked.body);
    assert_eq!(booked.body["phone"], "139****1234", "staff see the phone masked");
    let reference = booked.body["reference"].as_str().unwrap().to_string();
    let typed = format!(" {}-{} ", reference[..5].to_lowercase(), &reference[5..]);
    let found = get_at(&agent, &format!("/api/appointments?reference={}", kefu_tests::urlencode(&typed)), bj(2023, 3, 10, 9, 40)).await;
    assert_eq!(found.body["items"].as_array().map(Vec::len), Some(1), "{:?}", found.body);
    let appointment = found.body["items"][0].clone();
    let id = appointment["id"].as_str().unwrap().to_string();
    let at_counter = bj(2023, 3, 10, 9, 40);
    let early = post(&agent, &format!("/api/appointments/{id}/no-show"), &json!({"version": appointment["version"]}), at_counter, address).await;
    assert_eq!(early.status, 409, "not come is only said once its time has come");
    let unchecked = post(&agent, &format!("/api/appointments/{id}/check-in"), &json!({"id_document_checked": false, "version": appointment["version"]}), at_counter, address).await;
    assert_eq!((unchecked.status, unchecked.field()), (422, Some("id_document_checked")));
    let checked = post(&agent, &format!("/api/appointments/{id}/check-in"), &json!({"id_document_checked": true, "version": appointment["version"]}), at_counter, address).await;
    assert_eq!((checked.status, checked.body["status"].as_str()), (200, Some("checked_in")), "{:?}", checked.body);
    assert_eq!(checked.body["checked_in_by"], "张伟");
    let twice = post(&agent, &format!("/api/appointments/{id}/check-in"), &json!({"id_document_checked": true, "version": checked.body["version"]}), at_counter, address).await;
    assert_eq!(twice.status, 409);
    let day = get_at(&agent, &format!("/api/appointments?branch={BRANCH}&date=2023-03-10"), at_counter).await;
    assert!(day.body["items"].as_array().unwrap().iter().any(|a| a["id"] == id.as_str()), "the branch's day lists it");
    let audited: i64 = db.query_row("SELECT COUNT(*) FROM audit_events WHERE entity = 'appointment' AND entity_id = ?1 AND action = 'appointment_checked_in'", [&id], |r| r.get(0)).unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_no_show_is_recorded_once_the_time_has_come() {
    let now = bj(2023, 3, 27, 9, 0);
    let agent = Api::signed_in(AGENT).await;
    let customer = agent.new_customer(&unique("未到客户")).await;
    let body = json!({"branch_id": BRANCH, "service": "card_replacement", "start": bj(2023, 3, 28, 11, 0), "customer_id": customer});
    let booked = post(&agent, "/api/appointments", &body, now, "203.0.113.42").await;
    assert_eq!(booked.status, 201, "{:?}", booked.body);
    let id = booked.body["id"].as_str().unwrap();
    let missed = post(&agent, &format!("/api/appointments/{id}/no-show"), &json!({"version": booked.body["version"]}), bj(2023, 3, 28, 12, 0), "203.0.113.42").await;
    assert_eq!((missed.status, missed.body["status"].as_str()), (200, Some("no_show")), "{:?}", missed.body);
    let stale = post(&agent, &format!("/api/appointments/{id}/no-show"), &json!({"version": booked.body["version"]}), bj(2023, 3, 28, 12, 0), "203.0.113.42").await;
    assert_eq!(stale.status, 409);
}

#[tokio::test]
async fn the_reminder_goes_through_the_outbox_the_day_before_once() {
    let stub = Stub::start().await;
    let api = Api::anonymous();
    let booked_at = bj(2023, 3, 20, 9, 0);
    let email = format!("{}@example.com", unique("remind"));
    let form = json!({"branch_id": BRANCH, "service": CASH, "start": bj(2023, 3, 22, 10, 0), "name": unique("提醒客户"), "email": email});
    let receipt = post(&api, "/api/public/appointments", &form, booked_at, "203.0.113.43").await;
    assert_eq!(receipt.status, 201, "{:?}", receipt.body);
    let reference = receipt.body["appointment"]["reference"].as_str().unwrap().to_string();
    // One cancelled before its reminder gets none.
    let other = format!("{}@example.com", unique("remind-cancel"));
    let mut cancelled = form.clone();
    cancelled["email"] = json!(other);
    let second = post(&api, "/api/public/appointments", &cancelled, booked_at, "203.0.113.43").await;
    let link = second.body["manage_path"].as_str().unwrap().to_string();
    assert_eq!(post(&api, &format!("/api/public{link}/cancel"), &json!({}), booked_at, "203.0.113.43").await.status, 200);

    let reminders = |to: &str| {
        stub.received.lock().unwrap().iter().filter(|(_, _, m)| m["kind"] == "appointment_reminder" && m["to"] == to).map(|(_, _, m)| m.clone()).collect::<Vec<Value>>()
    };
    cron(&api, bj(2023, 3, 21, 9, 55)).await;
    assert!(reminders(&email).is_empty(), "not before 10:00 the day before");
    let confirmed = stub.received.lock().unwrap().iter().any(|(_, _, m)| m["kind"] == "appointment_confirmed" && m["to"] == email.as_str());
    assert!(confirmed, "the confirmation was delivered");
    cron(&api, bj(2023, 3, 21, 10, 0)).await;
    let sent = reminders(&email);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let text = sent[0]["body"].as_str().unwrap();
    assert!(text.contains(&reference) && text.contains("2023-03-22 10:00") && text.contains("身份证"), "{text}");
    cron(&api, bj(2023, 3, 21, 10, 5)).await;
    assert_eq!(reminders(&email).len(), 1, "sent once");
    assert!(reminders(&other).is_empty(), "a cancelled appointment is not reminded");
}
