//! Branch appointments over HTTP: capacity under concurrent booking, booking, rescheduling and
//! cancelling by link, the counter's look-up, check-in and no-show, and the reminder the day
//! before through `/__scheduled`. Each test works in its own past month through the test clock.

use chrono::{DateTime, Utc};
use kefu_tests::cron::{bj, cron, get_at, post_at, put_at, Stub};
use kefu_tests::{unique, Api, Reply, ADMIN, AGENT};
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
    assert_eq!(token.len(), 64, "a 256-bit link, hex: {token}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
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
    let dead = get_at(&api, &format!("/api/public{path}"), now).await;
    assert_eq!((dead.status, dead.code()), (410, Some("gone")), "a cancelled appointment's link no longer shows it: {:?}", dead.body);
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

/// The slots' start times ("10:40") a day shows for a service at a branch, as of `at`.
async fn slot_times(api: &Api, branch: &str, service: &str, date: &str, at: DateTime<Utc>) -> Reply {
    get_at(api, &format!("/api/public/slots?branch={branch}&service={service}&date={date}"), at).await
}

fn times(day: &Reply) -> Vec<(String, i64)> {
    let local = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    day.body["slots"].as_array().unwrap().iter().map(|s| (kefu_tests::time(&s["start"]).with_timezone(&local).format("%H:%M").to_string(), s["left"].as_i64().unwrap())).collect()
}

#[tokio::test]
async fn admins_open_a_branch_with_its_own_hours_and_services_and_change_them_without_losing_bookings() {
    let admin = Api::signed_in(ADMIN).await;
    let agent = Api::signed_in(AGENT).await;
    let anyone = Api::anonymous();
    let now = bj(2021, 10, 11, 9, 0); // a Monday
    let db = kefu_tests::database();
    let audited = |action: &str, id: &str| -> i64 {
        db.query_row("SELECT COUNT(*) FROM audit_events WHERE action = ?1 AND entity_id = ?2", [action, id], |r| r.get(0)).unwrap()
    };

    // A service of its own: 40 minutes, one customer a slot.
    let code = format!("safe_box_{}", unique("").chars().rev().take(10).collect::<String>());
    let service = json!({"code": code, "name": {"zh": "保管箱开箱", "en": "Opening a safe deposit box"}, "minutes": 40, "capacity": 1,
                         "bring": {"zh": "本人身份证原件、保管箱钥匙", "en": "Your original ID card and the box's key"}});
    for (field, bad) in [("code", json!("Safe Box")), ("minutes", json!(500)), ("capacity", json!(0))] {
        let mut wrong = service.clone();
        wrong[field] = bad;
        let refused = post_at(&admin, "/api/services", &wrong, now).await;
        assert_eq!((refused.status, refused.field()), (422, Some(field)), "{:?}", refused.body);
    }
    let created = post_at(&admin, "/api/services", &service, now).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!((created.body["version"].as_i64(), created.body["active"].as_bool()), (Some(1), Some(true)));
    let taken = post_at(&admin, "/api/services", &service, now).await;
    assert_eq!((taken.status, taken.field()), (422, Some("code")), "a code is one service's");
    assert_eq!(audited("service_created", &code), 1);
    assert_eq!(agent.get("/api/services").await.status, 403);

    // A branch open 10:00-12:00 that offers it; refused input names its field and stores nothing.
    let branches_before: i64 = db.query_row("SELECT COUNT(*) FROM branches", [], |r| r.get(0)).unwrap();
    let branch = json!({"name": {"zh": unique("西单支行"), "en": "Xidan Branch"}, "address": {"zh": "北京市西城区西单北大街1号", "en": "1 Xidan North Street, Beijing"},
                        "phone": "010-6600 0000", "opens": "10:00", "closes": "12:00", "services": [code]});
    for (field, bad) in [("closes", json!("09:30")), ("opens", json!("10")), ("services", json!(["no_such_service"]))] {
        let mut wrong = branch.clone();
        wrong[field] = bad;
        let refused = post_at(&admin, "/api/branches", &wrong, now).await;
        assert_eq!((refused.status, refused.field()), (422, Some(field)), "{:?}", refused.body);
    }
    let mut no_english = branch.clone();
    no_english["name"]["en"] = json!(" ");
    assert_eq!(post_at(&admin, "/api/branches", &no_english, now).await.field(), Some("name.en"));
    assert_eq!(db.query_row("SELECT COUNT(*) FROM branches", [], |r| r.get::<_, i64>(0)).unwrap(), branches_before, "nothing refused was stored");
    let opened = post_at(&admin, "/api/branches", &branch, now).await;
    assert_eq!(opened.status, 201, "{:?}", opened.body);
    let id = opened.body["id"].as_str().unwrap().to_string();
    assert_eq!((&opened.body["services"], &opened.body["upcoming"], &opened.body["version"]), (&json!([code]), &json!(0), &json!(1)));
    assert_eq!(audited("branch_created", &id), 1);

    // Customers see it with the service, and its slots follow its own hours.
    let public = get_at(&anyone, "/api/public/branches", now).await;
    let listed = public.body["items"].as_array().unwrap().iter().find(|b| b["id"] == id.as_str()).cloned().expect("the new branch is offered");
    assert_eq!((&listed["opens"], &listed["services"][0]["code"], &listed["services"][0]["minutes"]), (&json!("10:00"), &json!(code), &json!(40)));
    let day = slot_times(&anyone, &id, &code, "2021-10-13", now).await;
    assert_eq!(times(&day), [("10:00".into(), 1), ("10:40".into(), 1), ("11:20".into(), 1)], "{:?}", day.body);
    let form = json!({"branch_id": id, "service": code, "start": bj(2021, 10, 13, 10, 40), "name": unique("开箱客户"), "email": format!("{}@example.com", unique("box"))});
    let receipt = post(&anyone, "/api/public/appointments", &form, now, "203.0.113.51").await;
    assert_eq!(receipt.status, 201, "{:?}", receipt.body);
    let reference = receipt.body["appointment"]["reference"].as_str().unwrap().to_string();

    // Closing an hour earlier takes the later slots away; the booking stays, and is counted.
    let mut shorter = branch.clone();
    shorter["closes"] = json!("11:00");
    shorter["version"] = json!(1);
    let changed = put_at(&admin, &format!("/api/branches/{id}"), &shorter, now).await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!((&changed.body["closes"], &changed.body["version"], &changed.body["upcoming"]), (&json!("11:00"), &json!(2), &json!(1)));
    let day = slot_times(&anyone, &id, &code, "2021-10-13", now).await;
    assert_eq!(times(&day), [("10:00".into(), 1)], "{:?}", day.body);
    let kept = get_at(&agent, &format!("/api/appointments?reference={reference}"), now).await;
    assert_eq!(kept.body["items"][0]["status"], "booked", "{:?}", kept.body);

    // Someone saving over a newer version is told so, and changes nothing: not even the
    // services it would have taken away.
    let mut stale = branch.clone();
    stale["services"] = json!([]);
    stale["version"] = json!(1);
    let conflict = put_at(&admin, &format!("/api/branches/{id}"), &stale, now).await;
    assert_eq!(conflict.status, 409, "{:?}", conflict.body);
    let offered: i64 = db.query_row("SELECT COUNT(*) FROM branch_services WHERE branch_id = ?1", [&id], |r| r.get(0)).unwrap();
    assert_eq!(offered, 1, "a refused update leaves the branch's services");
    assert_eq!(audited("branch_updated", &id), 1);

    // Two customers a slot from now on; then the service retired: offered nowhere, its booking kept.
    let mut wider = service.clone();
    wider["code"] = Value::Null;
    wider["capacity"] = json!(2);
    wider["version"] = json!(1);
    let wider = put_at(&admin, &format!("/api/services/{code}"), &wider, now).await;
    assert_eq!((wider.status, wider.body["capacity"].as_i64()), (200, Some(2)), "{:?}", wider.body);
    assert_eq!(times(&slot_times(&anyone, &id, &code, "2021-10-14", now).await), [("10:00".into(), 2)]);
    let mut retired = service.clone();
    retired["active"] = json!(false);
    retired["version"] = json!(1);
    assert_eq!(put_at(&admin, &format!("/api/services/{code}"), &retired, now).await.status, 409, "version 1 is no longer current");
    retired["version"] = json!(2);
    let retired = put_at(&admin, &format!("/api/services/{code}"), &retired, now).await;
    assert_eq!((retired.status, retired.body["active"].as_bool()), (200, Some(false)), "{:?}", retired.body);
    let public = get_at(&anyone, "/api/public/branches", now).await;
    let listed = public.body["items"].as_array().unwrap().iter().find(|b| b["id"] == id.as_str()).cloned().unwrap();
    assert_eq!(listed["services"], json!([]), "a retired service is not offered");
    assert_eq!(slot_times(&anyone, &id, &code, "2021-10-14", now).await.field(), Some("service"));
    assert_eq!(audited("service_updated", &code), 2);

    // A branch taken out of service takes no bookings; the admin list still shows it.
    let mut closed = shorter.clone();
    closed["active"] = json!(false);
    closed["version"] = json!(2);
    assert_eq!(put_at(&admin, &format!("/api/branches/{id}"), &closed, now).await.status, 200);
    let public = get_at(&anyone, "/api/public/branches", now).await;
    assert!(!public.body["items"].as_array().unwrap().iter().any(|b| b["id"] == id.as_str()), "an inactive branch is not offered");
    let all = get_at(&admin, "/api/branches", now).await;
    let kept = all.body["items"].as_array().unwrap().iter().find(|b| b["id"] == id.as_str()).cloned().expect("admins still see it");
    assert_eq!((&kept["active"], &kept["upcoming"], &kept["version"]), (&json!(false), &json!(1), &json!(3)));
}
