//! Settings over HTTP: only admins read and change them; each change is checked by the domain's
//! rules, guarded by its version, and applies to the next clock without a redeploy.
//!
//! Tests share one database, so changes here only add rules no other test's cases meet.

use chrono::{Duration, NaiveDate};
use kefu_tests::{time, unique, Api, ADMIN, AGENT, SUPERVISOR};
use serde_json::{json, Value};

async fn settings(api: &Api) -> Value {
    let reply = api.get("/api/settings").await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body
}

async fn put(api: &Api, key: &str, version: &Value, value: Value) -> kefu_tests::Reply {
    api.send(api.http.put(api.url(&format!("/api/settings/{key}"))).header("X-Requested-With", "kefu").json(&json!({"version": version, "value": value}))).await
}

#[tokio::test]
async fn only_admins_read_or_change_settings() {
    for email in [AGENT, SUPERVISOR] {
        let api = Api::signed_in(email).await;
        assert_eq!(api.get("/api/settings").await.status, 403, "{email}");
        let reply = put(&api, "regime", &json!(0), json!({"regime": "uk_disp"})).await;
        assert_eq!(reply.status, 403, "{email}");
    }
    assert_eq!(Api::anonymous().get("/api/settings").await.status, 401);

    let admin = Api::signed_in(ADMIN).await;
    let s = settings(&admin).await;
    assert_eq!(s["calendar"]["zone"], "Asia/Shanghai");
    assert_eq!(s["calendar"]["week"][0][0]["start"], "09:00:00");
    assert_eq!(s["regime"]["regime"], "china2020");
    assert!(s["sla_policies"]["policies"].as_array().unwrap().len() >= 6);
    assert_eq!(s["follow_up"]["target_percent"], 80);
}

#[tokio::test]
async fn a_bad_calendar_is_refused_naming_the_field_and_nothing_changes() {
    let admin = Api::signed_in(ADMIN).await;
    let before = settings(&admin).await;
    let mut never_open = before["calendar"].clone();
    never_open["week"] = json!([[], [], [], [], [], [], []]);
    let reply = put(&admin, "calendar", &before["versions"]["calendar"], never_open).await;
    assert_eq!((reply.status, reply.field()), (422, Some("week")));

    let mut bad_zone = before["calendar"].clone();
    bad_zone["zone"] = json!("Mars/Olympus");
    let reply = put(&admin, "calendar", &before["versions"]["calendar"], bad_zone).await;
    assert_eq!((reply.status, reply.field()), (422, Some("zone")));

    let mut bad_time = before["calendar"].clone();
    bad_time["week"][0][0]["start"] = json!("25:00:00");
    let reply = put(&admin, "calendar", &before["versions"]["calendar"], bad_time).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.field(), Some("value.week[0][0].start"));

    // Another test may save a calendar meanwhile; none of the refused values got in.
    let after = settings(&admin).await;
    assert_eq!(after["calendar"]["zone"], "Asia/Shanghai");
    assert_eq!(after["calendar"]["week"][0][0]["start"], "09:00:00");
    assert!(!after["calendar"]["week"][0].as_array().unwrap().is_empty());

    let unknown = put(&admin, "colours", &json!(0), json!({})).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn a_saved_calendar_bumps_its_version_and_a_stale_one_is_refused() {
    let admin = Api::signed_in(ADMIN).await;
    let before = settings(&admin).await;
    let version = before["versions"]["calendar"].as_i64().unwrap();
    // A holiday far in the future changes nothing any other test measures.
    let mut calendar = before["calendar"].clone();
    let holiday = NaiveDate::from_ymd_opt(2031, 1, 2).unwrap() + chrono::Days::new(version as u64);
    calendar["holidays"].as_array_mut().unwrap().push(json!(holiday.to_string()));
    let saved = put(&admin, "calendar", &json!(version), calendar.clone()).await;
    assert_eq!(saved.status, 200, "{:?}", saved.body);
    assert_eq!(saved.body["versions"]["calendar"], version + 1);
    assert!(saved.body["calendar"]["holidays"].as_array().unwrap().contains(&json!(holiday.to_string())));

    let stale = put(&admin, "calendar", &json!(version), calendar).await;
    assert_eq!((stale.status, stale.code()), (409, Some("version_conflict")));
    assert_eq!(settings(&admin).await["versions"]["calendar"], version + 1);
}

#[tokio::test]
async fn a_new_sla_policy_applies_to_the_next_case_at_once() {
    let admin = Api::signed_in(ADMIN).await;
    let before = settings(&admin).await;
    let mut policies = before["sla_policies"].clone();
    let list = policies["policies"].as_array_mut().unwrap();
    // Private-banking customers writing on social media: answered within 2 hours.
    if !list.iter().any(|p| p["segment"] == "private" && p["channel"] == "social_media") {
        list.push(json!({
            "kind": "inquiry", "complexity": "ordinary", "segment": "private", "channel": "social_media",
            "basis": "calendar", "first_response_minutes": 120, "resolution_minutes": 480, "due_soon_percent": 50
        }));
        let saved = put(&admin, "sla_policies", &before["versions"]["sla_policies"], policies).await;
        assert!(saved.status == 200 || saved.status == 409, "{:?}", saved.body);
    }

    let agent = Api::signed_in(AGENT).await;
    let customer = agent.post("/api/customers", &json!({"name": unique("私行客户"), "segment": "private"})).await;
    assert_eq!(customer.status, 201, "{:?}", customer.body);
    let case = agent.post("/api/cases", &json!({
        "kind": "inquiry", "channel": "social_media", "customer_id": customer.body["id"], "complexity": "ordinary",
        "subject": "微博私信咨询", "description": "请问大额存单利率"
    })).await;
    assert_eq!(case.status, 201, "{:?}", case.body);
    assert_eq!(time(&case.body["first_response_due_at"]) - time(&case.body["created_at"]), Duration::hours(2));
    assert_eq!(time(&case.body["sla_due_soon_at"]) - time(&case.body["created_at"]), Duration::hours(1));

    let zero = {
        let mut p = settings(&admin).await;
        p["sla_policies"]["policies"][0]["first_response_minutes"] = json!(0);
        p
    };
    let refused = put(&admin, "sla_policies", &zero["versions"]["sla_policies"], zero["sla_policies"].clone()).await;
    assert_eq!((refused.status, refused.field()), (422, Some("first_response_minutes")));
}

#[tokio::test]
async fn admins_edit_team_skills_with_version_checks() {
    assert_eq!(Api::signed_in(AGENT).await.get("/api/teams").await.status, 403);
    let admin = Api::signed_in(ADMIN).await;
    let teams = admin.get("/api/teams").await;
    assert_eq!(teams.status, 200);
    let list = teams.body.as_array().unwrap();
    assert_eq!(list.len(), 3);
    let complaints = list.iter().find(|t| t["id"] == "team-complaints").unwrap();
    assert!(complaints["skills"].as_array().unwrap().contains(&json!("complaint")));
    assert_eq!(complaints["members"].as_array().unwrap().len(), 3);

    let retail = list.iter().find(|t| t["id"] == "team-retail-2").unwrap();
    let put = |body: Value| admin.send(admin.http.put(admin.url("/api/teams/team-retail-2")).header("X-Requested-With", "kefu").json(&body));
    let bad = put(json!({"name": "零售客服二组", "skills": ["crypto"], "version": retail["version"]})).await;
    assert_eq!((bad.status, bad.field()), (422, Some("skills")));
    let empty = put(json!({"name": "零售客服二组", "skills": [], "version": retail["version"]})).await;
    assert_eq!((empty.status, empty.field()), (422, Some("skills")));

    let skills = json!(["loans", "deposits", "account", "wealth", "other"]);
    let saved = put(json!({"name": "零售客服二组", "skills": skills, "version": retail["version"]})).await;
    assert_eq!(saved.status, 200, "{:?}", saved.body);
    assert_eq!(saved.body["skills"], skills);
    assert_eq!(saved.body["version"], retail["version"].as_i64().unwrap() + 1);
    let stale = put(json!({"name": "改名", "skills": ["loans"], "version": retail["version"]})).await;
    assert_eq!(stale.status, 409);
    let missing = admin.send(admin.http.put(admin.url("/api/teams/no-such-team")).header("X-Requested-With", "kefu").json(&json!({"name": "x", "skills": ["loans"], "version": 1}))).await;
    assert_eq!(missing.status, 404);
}
