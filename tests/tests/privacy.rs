//! A customer's personal data: exported whole for a subject-access request, and erased where the
//! law allows — never while a case is open or within three years of a complaint closing — leaving
//! anonymised shells that every report counts the same. Each is an audit event.
//!
//! The complaint is registered and closed in June 2022 (the test clock), a month no other test
//! uses, so the complaint return for its day holds only what this test put there.

use chrono::Duration;
use kefu_tests::cron::{bj, cron, get_at, post_at, Stub};
use kefu_tests::{database, unique, Api, ADMIN, AGENT, SUPERVISOR};
use serde_json::{json, Value};

/// How many rows of any table hold `needle` in any text column (audit events name records by id
/// only, so they count too).
fn occurrences(needle: &str) -> Vec<String> {
    let db = database();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> =
            db.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap().query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        for column in columns {
            let n: i64 = db
                .query_row(&format!("SELECT COUNT(*) FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE '%' || ?1 || '%'"), [needle], |r| r.get(0))
                .unwrap();
            if n > 0 {
                found.push(format!("{table}.{column} ({n})"));
            }
        }
    }
    found
}

fn audited(action: &str, customer: &str) -> i64 {
    database()
        .query_row("SELECT COUNT(*) FROM audit_events WHERE action = ?1 AND entity = 'customer' AND entity_id = ?2", [action, customer], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn a_customers_data_is_exported_whole_and_erased_only_where_the_law_allows() {
    let agent = Api::signed_in(AGENT).await;
    let boss = Api::signed_in(SUPERVISOR).await;
    let admin = Api::signed_in(ADMIN).await;
    let anyone = Api::anonymous();
    let t0 = bj(2022, 6, 1, 10, 0);

    // A customer of this test's own: every detail distinct, so the database can be searched for it.
    let name = unique("隐私");
    let digits: String = unique("").chars().rev().take(8).collect();
    let phone = format!("138{digits}");
    let email = format!("{}@example.cn", unique("privacy"));
    let created = post_at(&agent, "/api/customers", &json!({"name": name, "phone": phone, "email": email}), t0).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let customer = created.body["id"].as_str().unwrap().to_string();

    // A complaint, taken through its steps and closed with its record the same morning.
    let description = unique("扣款说明");
    let finding = unique("调查结论");
    let complaint = post_at(&agent, "/api/cases", &json!({
        "kind": "complaint", "channel": "phone", "customer_id": customer, "complexity": "ordinary",
        "subject": format!("投诉 {name}"), "description": description
    }), t0).await;
    assert_eq!(complaint.status, 201, "{:?}", complaint.body);
    let id = complaint.body["id"].as_str().unwrap().to_string();
    let mut version = 1;
    for (n, step) in [
        json!({"to": "investigation", "reason": "材料齐全"}),
        json!({"to": "feedback", "reason": finding}),
        json!({"to": "closed", "outcome": "upheld", "root_cause": "system_error", "prevention": format!("为{name}退款"),
               "redress_type": "refund", "redress_amount": 8800, "customer_informed": true, "customer_opinion": "satisfied"}),
    ]
    .into_iter()
    .enumerate()
    {
        let mut step = step;
        step["version"] = json!(version);
        let moved = post_at(&agent, &format!("/api/cases/{id}/transition"), &step, t0 + Duration::minutes(20 * (n as i64 + 1))).await;
        assert_eq!(moved.status, 200, "{:?}", moved.body);
        version = moved.body["version"].as_i64().unwrap();
    }

    // The after-complaint survey went to their phone; they answer it with a comment.
    let link: String = database()
        .query_row(
            "SELECT o.body FROM outbox o JOIN survey_invitations i ON i.id = o.invitation_id WHERE i.customer_id = ?1",
            [&customer],
            |r| r.get(0),
        )
        .expect("the after-complaint survey in the outbox");
    let token: String = link.split("/s/").nth(1).unwrap().chars().take_while(char::is_ascii_alphanumeric).collect();
    let comment = unique("意见");
    let answered = post_at(
        &anyone,
        &format!("/api/public/surveys/{token}"),
        &json!({"answers": [{"question": "overall", "score": 4}, {"question": "comment", "text": comment}]}),
        t0 + Duration::days(2),
    )
    .await;
    assert_eq!(answered.status, 201, "{:?}", answered.body);

    // The export holds everything, unmasked, and is recorded; an agent may not take one.
    let refused = agent.get(&format!("/api/customers/{customer}/export")).await;
    assert_eq!(refused.status, 403);
    let response = boss.http.get(boss.url(&format!("/api/customers/{customer}/export"))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
    assert_eq!(disposition, format!("attachment; filename=\"kefu-customer-{customer}.json\""));
    let export: Value = response.json().await.unwrap();
    assert_eq!((&export["customer"]["name"], &export["customer"]["phone"], &export["customer"]["email"]), (&json!(name), &json!(phone), &json!(email)));
    let case = &export["cases"][0];
    assert_eq!((&case["kind"], &case["description"], &case["status"]), (&json!("complaint"), &json!(description), &json!("closed")));
    let bodies: Vec<&str> = case["events"].as_array().unwrap().iter().map(|e| e["body"].as_str().unwrap()).collect();
    assert!(bodies.contains(&finding.as_str()), "{bodies:?}");
    assert_eq!((&export["surveys"][0]["csat"], &export["surveys"][0]["comment"]), (&json!(4), &json!(comment)));
    assert_eq!(export["messages"][0]["address"], json!(phone), "the survey SMS went to their phone");
    assert_eq!(audited("customer_data_exported", &customer), 1);

    // What the reports say about that day, and the shell's record, before anything is erased.
    let report = "/api/reports/complaints?from=2022-06-01&to=2022-06-01";
    let before = boss.get(report).await;
    assert_eq!(before.status, 200, "{:?}", before.body);
    assert!(before.body.to_string().contains("\"received\":1"), "this test's complaint is the day's one: {}", before.body);
    let detail_before = agent.get(&format!("/api/cases/{id}")).await.body;

    // The complaint's file is kept whole for three years after it closed.
    let closed_at = t0 + Duration::hours(1);
    let held = post_at(&admin, &format!("/api/customers/{customer}/erase"), &json!({}), closed_at + Duration::days(1095)).await;
    assert_eq!((held.status, held.code()), (409, Some("record_retention")), "{:?}", held.body);
    // A case still open holds it too.
    let later = closed_at + Duration::days(1097);
    let inquiry = post_at(&agent, "/api/cases", &json!({
        "kind": "inquiry", "channel": "phone", "customer_id": customer, "subject": "查询退款进度", "description": "退款到账了吗"
    }), later).await;
    assert_eq!(inquiry.status, 201, "{:?}", inquiry.body);
    let inquiry_id = inquiry.body["id"].as_str().unwrap().to_string();
    let held = post_at(&admin, &format!("/api/customers/{customer}/erase"), &json!({}), later).await;
    assert_eq!((held.status, held.code()), (409, Some("open_cases")), "{:?}", held.body);
    assert!(occurrences(&email).iter().any(|c| c.starts_with("customers.")), "a refused erasure changes nothing");
    assert_eq!(audited("customer_erased", &customer), 0);
    let reply = unique("已到账");
    let replied = post_at(&agent, &format!("/api/cases/{inquiry_id}/events"), &json!({"type": "reply", "body": reply, "version": 1}), later).await;
    assert_eq!(replied.body["status"], "responded", "{:?}", replied.body);
    for (to, v) in [(json!({"to": "resolved", "resolution": "已告知"}), 2), (json!({"to": "closed"}), 3)] {
        let mut body = to;
        body["version"] = json!(v);
        let moved = post_at(&agent, &format!("/api/cases/{inquiry_id}/transition"), &body, later).await;
        assert_eq!(moved.status, 200, "{:?}", moved.body);
    }
    let agent_erasing = post_at(&agent, &format!("/api/customers/{customer}/erase"), &json!({}), later).await;
    assert_eq!(agent_erasing.status, 403);

    // Now the law allows it.
    let erased = post_at(&admin, &format!("/api/customers/{customer}/erase"), &json!({}), later).await;
    assert_eq!(erased.status, 200, "{:?}", erased.body);
    assert_eq!((&erased.body["name"], &erased.body["phone_masked"], &erased.body["email_masked"]), (&json!(""), &Value::Null, &Value::Null));
    assert!(erased.body["erased_at"].is_string());
    assert_eq!(audited("customer_erased", &customer), 1);

    // Nothing that names them is left anywhere in the database.
    for needle in [&name, &phone, &email, &description, &finding, &comment, &reply, &token] {
        assert_eq!(occurrences(needle), Vec::<String>::new(), "{needle} is still stored");
    }
    // The shells: the same cases, the same record, the same timeline, without their text.
    let detail = agent.get(&format!("/api/cases/{id}")).await.body;
    for field in ["kind", "channel", "category", "status", "created_at", "resolved_at", "sla_state", "regulatory_due_at", "complaint"] {
        let (was, is) = (&detail_before[field], &detail[field]);
        if field == "complaint" {
            assert_eq!((&is["outcome"], &is["redress_amount"], &is["customer_opinion"]), (&was["outcome"], &was["redress_amount"], &was["customer_opinion"]));
        } else {
            assert_eq!(is, was, "{field}");
        }
    }
    assert_eq!((&detail["subject"], &detail["customer_name"]), (&json!(""), &json!("")));
    let types = |d: &Value| d["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(types(&detail), types(&detail_before));
    assert!(detail["events"].as_array().unwrap().iter().all(|e| e["body"] == ""), "{:?}", detail["events"]);
    let csat: i64 = database().query_row("SELECT csat FROM survey_answers WHERE customer_id = ?1", [&customer], |r| r.get(0)).unwrap();
    assert_eq!(csat, 4, "the score stays, so survey results stay");
    let mut after = boss.get(report).await.body;
    after["as_of"] = before.body["as_of"].clone();
    assert_eq!(after, before.body, "the complaint return counts the same");

    // Their survey link no longer opens; they cannot be found, nor given a new case; once is enough.
    let link_after = get_at(&anyone, &format!("/api/public/surveys/{token}"), later).await;
    assert!(matches!(link_after.status, 404 | 410), "{:?}", link_after.body);
    let found = agent.send(agent.http.get(agent.url("/api/customers")).query(&[("q", &name)])).await;
    assert_eq!(found.status, 200);
    assert!(!found.body.to_string().contains(&customer), "{:?}", found.body);
    let new_case = agent.post("/api/cases", &json!({"kind": "inquiry", "channel": "phone", "customer_id": customer, "subject": "x", "description": "y"})).await;
    assert_eq!((new_case.status, new_case.field()), (422, Some("customer_id")));
    let again = post_at(&admin, &format!("/api/customers/{customer}/erase"), &json!({}), later).await;
    assert_eq!((again.status, again.code()), (409, Some("already_erased")));
}

/// An appointment's status as stored, and whether it still names anyone.
fn appointment_row(reference: &str) -> (String, String, Option<String>, Option<String>, Option<i64>) {
    database()
        .query_row("SELECT status, name, phone, email, remind_at FROM appointments WHERE reference = ?1", [reference], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
}

/// Runs the cron with the stand-in provider listening, so the confirmation is delivered (in the
/// `cron` test group: `delivered` in the name).
#[tokio::test]
async fn a_customers_branch_appointments_are_exported_and_erased_once_delivered() {
    let stub = Stub::start().await;
    let agent = Api::signed_in(AGENT).await;
    let boss = Api::signed_in(SUPERVISOR).await;
    let admin = Api::signed_in(ADMIN).await;
    let anyone = Api::anonymous();
    let t0 = bj(2021, 9, 6, 9, 0); // a Monday in a month no other test uses
    let name = unique("预约隐私");
    let digits: String = unique("").chars().rev().take(8).collect();
    let phone = format!("137{digits}");
    let email = format!("{}@example.cn", unique("appt-privacy"));
    let created = post_at(&agent, "/api/customers", &json!({"name": name, "phone": phone, "email": email}), t0).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let customer = created.body["id"].as_str().unwrap().to_string();

    // One appointment that morning, confirmed, delivered and checked in; one for Wednesday,
    // booked later that morning (its confirmation still waiting to go out).
    let book = |service: &str, start| json!({"branch_id": "branch-chaoyang", "service": service, "start": start, "customer_id": customer});
    let first = post_at(&agent, "/api/appointments", &book("card_replacement", bj(2021, 9, 6, 10, 0)), t0).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let past = first.body["reference"].as_str().unwrap().to_string();
    cron(&agent, t0 + Duration::minutes(5)).await;
    let delivered = stub.received.lock().unwrap().iter().any(|(_, _, m)| m["kind"] == "appointment_confirmed" && m["body"].as_str().is_some_and(|b| b.contains(&past)));
    assert!(delivered, "the first confirmation was delivered");
    let checked = post_at(&agent, &format!("/api/appointments/{}/check-in", first.body["id"].as_str().unwrap()), &json!({"id_document_checked": true, "version": 1}), bj(2021, 9, 6, 10, 0)).await;
    assert_eq!(checked.status, 200, "{:?}", checked.body);
    let second = post_at(&agent, "/api/appointments", &book("account_opening", bj(2021, 9, 8, 13, 30)), bj(2021, 9, 6, 11, 0)).await;
    assert_eq!(second.status, 201, "{:?}", second.body);
    let coming = second.body["reference"].as_str().unwrap().to_string();

    // The export holds both, with the contact details they were booked under, and the messages.
    let export = boss.get(&format!("/api/customers/{customer}/export")).await;
    assert_eq!(export.status, 200, "{:?}", export.body);
    let appointments = export.body["appointments"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str, &str, &str)> = appointments
        .iter()
        .map(|a| (a["reference"].as_str().unwrap(), a["status"].as_str().unwrap(), a["name"].as_str().unwrap(), a["phone"].as_str().unwrap(), a["email"].as_str().unwrap()))
        .collect();
    assert_eq!(seen, [(past.as_str(), "checked_in", name.as_str(), phone.as_str(), email.as_str()), (coming.as_str(), "booked", name.as_str(), phone.as_str(), email.as_str())]);
    assert_eq!(appointments[0]["service"]["en"], "Replacing a bank card");
    let messages: Vec<(bool, bool)> = export.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["body"].as_str().is_some_and(|b| b.contains(&past) || b.contains(&coming)))
        .map(|m| (m["body"].as_str().unwrap().contains(&past), m["sent_at"].is_string()))
        .collect();
    assert_eq!(messages, [(true, true), (false, false)], "the delivered confirmation, then the waiting one");

    // Erased: neither names them, the one to come is cancelled and its place freed, its
    // confirmation never goes out; the branch's history keeps both.
    let erased = post_at(&admin, &format!("/api/customers/{customer}/erase"), &json!({}), bj(2021, 9, 6, 12, 0)).await;
    assert_eq!(erased.status, 200, "{:?}", erased.body);
    assert_eq!(appointment_row(&past), ("checked_in".into(), String::new(), None, None, None));
    assert_eq!(appointment_row(&coming), ("cancelled".into(), String::new(), None, None, None));
    for needle in [&name, &phone, &email] {
        assert_eq!(occurrences(needle), Vec::<String>::new(), "{needle} is still stored");
    }
    let waiting: i64 = database()
        .query_row("SELECT COUNT(*) FROM outbox o JOIN appointments a ON a.id = o.appointment_id WHERE a.customer_id = ?1 AND o.status = 'pending'", [&customer], |r| r.get(0))
        .unwrap();
    assert_eq!(waiting, 0);
    let day = get_at(&anyone, "/api/public/slots?branch=branch-chaoyang&service=account_opening&date=2021-09-08", bj(2021, 9, 6, 12, 0)).await;
    let slot = day.body["slots"].as_array().unwrap().iter().find(|s| kefu_tests::time(&s["start"]) == bj(2021, 9, 8, 13, 30)).cloned().expect("the 13:30 slot");
    assert_eq!(slot["left"], 3, "the cancelled booking's place is free again");
    let looked_up = get_at(&agent, &format!("/api/appointments?reference={past}"), bj(2021, 9, 6, 12, 0)).await;
    assert_eq!((looked_up.body["items"][0]["status"].as_str(), looked_up.body["items"][0]["name"].as_str()), (Some("checked_in"), Some("")));
}
