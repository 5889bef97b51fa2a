//! The audit trail as admins search it: every change is found by who made it, what it was,
//! which record and when, newest first; exports are in it; every recorded action has a name.

use chrono::FixedOffset;
use domain::api::AUDIT_ACTIONS;
use kefu_tests::{database, time, unique, Api, ADMIN, SUPERVISOR};
use serde_json::{json, Value};

fn items(reply: &kefu_tests::Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn a_change_is_found_by_record_person_action_and_date_newest_first() {
    let admin = Api::signed_in(ADMIN).await;
    let email = format!("{}@bank.example", unique("audited"));
    let invited = admin.post("/api/users", &json!({"name": "审计 对象", "email": email, "role": "agent"})).await;
    assert_eq!(invited.status, 201, "{:?}", invited.body);
    let id = invited.body["id"].as_str().unwrap().to_string();
    let off = admin.put(&format!("/api/users/{id}"), &json!({"name": "审计 对象", "role": "agent", "active": false, "version": invited.body["version"]})).await;
    assert_eq!(off.status, 200, "{:?}", off.body);

    let trail = items(&admin.get(&format!("/api/audit?entity=user&entity_id={id}")).await);
    let actions: Vec<&str> = trail.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["user_deactivated", "user_invited"], "newest first");
    assert!(trail.iter().all(|e| e["actor_id"] == "user-admin" && e["actor_name"] == "王敏" && e["entity_name"] == "审计 对象"), "{trail:?}");

    // Paged one at a time: the same two, then no more.
    let first = admin.get(&format!("/api/audit?entity=user&entity_id={id}&limit=1")).await;
    let cursor = first.body["next_cursor"].as_str().expect("a second page").to_string();
    let second = admin.get(&format!("/api/audit?entity=user&entity_id={id}&limit=1&cursor={cursor}")).await;
    assert_eq!((items(&first)[0]["id"].clone(), items(&second)[0]["id"].clone()), (trail[0]["id"].clone(), trail[1]["id"].clone()));
    assert!(second.body["next_cursor"].is_null());

    // By who and what: the invitation is among the admin's invitations.
    let invitations = items(&admin.get("/api/audit?actor=user-admin&action=user_invited&limit=200").await);
    assert!(invitations.iter().any(|e| e["entity_id"] == id.as_str()));
    assert!(invitations.iter().all(|e| e["action"] == "user_invited" && e["actor_id"] == "user-admin"));
    let times: Vec<_> = invitations.iter().map(|e| time(&e["at"])).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // By date: the local day of the event includes it, the day before does not.
    let day = time(&trail[0]["at"]).with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap()).date_naive();
    let on = items(&admin.get(&format!("/api/audit?entity=user&entity_id={id}&from={day}&to={day}")).await);
    assert_eq!(on.len(), 2);
    let before = day.pred_opt().unwrap();
    assert!(items(&admin.get(&format!("/api/audit?entity=user&entity_id={id}&to={before}")).await).is_empty());

    for (query, field) in [("action=drop_table", "action"), ("entity_id=x", "entity"), ("from=2026-11-02&to=2026-11-01", "from"), ("cursor=zz", "cursor"), ("actor=a%20b", "actor")] {
        let reply = admin.get(&format!("/api/audit?{query}")).await;
        assert_eq!((reply.status, reply.field()), (422, Some(field)), "{query}: {:?}", reply.body);
    }
}

#[tokio::test]
async fn an_export_is_recorded_with_its_filter() {
    let supervisor = Api::signed_in(SUPERVISOR).await;
    let category = unique("nosuchcategory");
    let response = supervisor.http.get(supervisor.url(&format!("/api/cases/export?kind=complaint&status=open&lang=en&channel=phone&x={category}"))).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let admin = Api::signed_in(ADMIN).await;
    let exports = items(&admin.get("/api/audit?actor=user-supervisor&action=cases_exported&limit=200").await);
    let entry = exports.iter().find(|e| e["entity_id"].as_str().is_some_and(|f| f.contains(&category))).expect("the export is in the trail");
    assert_eq!(entry["entity"], "export");
    assert!(entry["entity_id"].as_str().unwrap().contains("kind=complaint&status=open"), "{entry}");
}

#[tokio::test]
async fn every_action_in_the_trail_has_a_name_on_the_audit_screen() {
    let db = database();
    let mut stmt = db.prepare("SELECT DISTINCT action FROM audit_events").unwrap();
    let recorded: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert!(recorded.iter().any(|a| a == "signed_in"), "the trail has events: {recorded:?}");
    let unnamed: Vec<&String> = recorded.iter().filter(|a| !AUDIT_ACTIONS.iter().any(|(known, _, _)| known == a)).collect();
    assert!(unnamed.is_empty(), "actions the audit screen cannot name or filter by: {unnamed:?}");
}

#[tokio::test]
async fn lists_mask_the_customers_name_and_paging_through_many_cases_is_recorded_once() {
    let admin = Api::signed_in(ADMIN).await;
    let (reader_id, email) = kefu_tests::staff_member(&admin, "agent").await;
    let reader = Api::signed_in_with(&email, kefu_tests::STAFF_PASSWORD).await;
    // Every request of the test in one hour of its own clock, so the count is this hour's.
    let at = chrono::Utc::now();
    let get = |path: String| {
        let reader = &reader;
        async move { kefu_tests::cron::get_at(reader, &path, at).await }
    };

    // A list shows the name masked as the export does; the case page shows it whole.
    let first = get("/api/cases?limit=200".into()).await;
    let rows = items(&first);
    let db = database();
    let named = rows.iter().find(|c| c["customer_name"].as_str().is_some_and(|n| n.chars().count() > 1)).expect("a case with a customer's name");
    let full: String = db.query_row("SELECT name FROM customers WHERE id = ?1", [named["customer_id"].as_str().unwrap()], |r| r.get(0)).unwrap();
    assert_eq!(named["customer_name"].as_str().unwrap(), domain::export::mask_name(&full), "masked like the export");
    assert_ne!(named["customer_name"].as_str().unwrap(), full);
    let page = get(format!("/api/cases/{}", named["id"].as_str().unwrap())).await;
    assert_eq!(page.body["customer_name"].as_str(), Some(full.as_str()), "the case page shows the whole name");

    // Paging on through the list, page after page, counts every row read past the first page
    // (and every case page opened); past the threshold it is recorded once, and every
    // supervisor is told.
    let recorded = || -> i64 {
        database().query_row("SELECT COUNT(*) FROM audit_events WHERE action = 'bulk_reading' AND entity_id = ?1", [&reader_id], |r| r.get(0)).unwrap()
    };
    let (mut read, mut cursor) = (1_u32, first.body["next_cursor"].as_str().map(String::from));
    let threshold = domain::privacy::BULK_READS_PER_HOUR;
    while read < threshold + 300 {
        let Some(next) = cursor.take() else {
            cursor = get("/api/cases?limit=200".into()).await.body["next_cursor"].as_str().map(String::from);
            assert!(cursor.is_some(), "the demo data has more than a page of cases");
            continue;
        };
        let more = get(format!("/api/cases?limit=200&cursor={}", kefu_tests::urlencode(&next))).await;
        read += items(&more).len() as u32;
        cursor = more.body["next_cursor"].as_str().map(String::from);
        if read < threshold {
            assert_eq!(recorded(), 0, "{read} records read is not unusual");
        }
    }
    assert_eq!(recorded(), 1, "recorded once however far past the threshold");
    let boss = Api::signed_in(SUPERVISOR).await;
    let bell = kefu_tests::cron::get_at(&boss, "/api/notifications", at).await;
    let told: Vec<&Value> = bell.body["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "bulk_reading" && n["body"].as_str().is_some_and(|b| b.contains("测试 员工"))).collect();
    assert_eq!(told.len(), 1, "{:?}", bell.body);
    let trail = admin.get(&format!("/api/audit?action=bulk_reading&actor={reader_id}")).await;
    assert_eq!(items(&trail).len(), 1, "the audit screen finds it");
}
