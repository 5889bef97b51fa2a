//! The agent workspace's hand-overs, canned replies, customer reveals, complaint register and
//! the public web form, over HTTP with the role rules.

use kefu_tests::{unique, urlencode, Api, ADMIN, AGENT, SUPERVISOR};
use serde_json::{json, Value};

async fn my_inquiry(api: &Api) -> Value {
    let customer = api.new_customer(&unique("移交客户")).await;
    let reply = api.post("/api/cases", &json!({
        "kind": "inquiry", "channel": "phone", "customer_id": customer, "assignee": "me",
        "subject": "理财产品赎回到账时间", "description": "请问赎回后几天到账？"
    })).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    reply.body
}

fn last_event(case: &Value) -> &Value {
    case["events"].as_array().and_then(|e| e.last()).expect("a timeline")
}

#[tokio::test]
async fn an_agent_hands_a_case_to_a_colleague_and_the_timeline_names_them() {
    let api = Api::signed_in(AGENT).await;
    let me = api.get("/api/me").await.body;
    let case = my_inquiry(&api).await;
    let id = case["id"].as_str().unwrap();
    let staff = api.get("/api/staff").await;
    assert_eq!(staff.status, 200);
    let colleague = staff.body.as_array().unwrap().iter().find(|s| s["role"] == "agent" && s["id"] != me["id"]).expect("another agent").clone();

    let unknown = api.post(&format!("/api/cases/{id}/assign"), &json!({"assignee_id": "nobody", "version": 1})).await;
    assert_eq!((unknown.status, unknown.field()), (422, Some("assignee_id")));
    let stale = api.post(&format!("/api/cases/{id}/assign"), &json!({"assignee_id": colleague["id"], "version": 0})).await;
    assert_eq!((stale.status, stale.code()), (409, Some("version_conflict")));

    let moved = api.post(&format!("/api/cases/{id}/assign"), &json!({"assignee_id": colleague["id"], "version": 1, "reason": "熟悉理财产品"})).await;
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    assert_eq!(moved.body["assignee_id"], colleague["id"]);
    assert_eq!(moved.body["version"], 2);
    let event = last_event(&moved.body);
    assert_eq!(event["type"], "assigned");
    assert_eq!(event["assignee_name"], colleague["name"]);
    assert_eq!(event["body"], "熟悉理财产品");
    let stored = api.get(&format!("/api/cases/{id}")).await.body;
    assert_eq!(stored["assignee_id"], colleague["id"], "the hand-over is stored");
}

#[tokio::test]
async fn escalation_goes_to_a_supervisor_with_its_reason_and_only_while_open() {
    let api = Api::signed_in(AGENT).await;
    let case = my_inquiry(&api).await;
    let id = case["id"].as_str().unwrap();
    let no_reason = api.post(&format!("/api/cases/{id}/escalate"), &json!({"reason": " ", "version": 1})).await;
    assert_eq!((no_reason.status, no_reason.field()), (422, Some("reason")));

    let escalated = api.post(&format!("/api/cases/{id}/escalate"), &json!({"reason": "客户要求主管回电", "version": 1})).await;
    assert_eq!(escalated.status, 200, "{:?}", escalated.body);
    let supervisor = Api::signed_in(SUPERVISOR).await.get("/api/me").await.body;
    let staff = api.get("/api/staff").await.body;
    let to = staff.as_array().unwrap().iter().find(|s| s["id"] == escalated.body["assignee_id"]).expect("the assignee is staff");
    assert_eq!(to["role"], "supervisor", "{to}");
    let event = last_event(&escalated.body);
    assert_eq!((event["type"].as_str(), event["body"].as_str()), (Some("escalated"), Some("客户要求主管回电")));
    assert_eq!(event["assignee_id"], escalated.body["assignee_id"]);
    // The demo supervisor leads the demo agent's team.
    assert_eq!(escalated.body["assignee_id"], supervisor["id"]);

    let boss = Api::signed_in(SUPERVISOR).await;
    let called = boss.post(&format!("/api/cases/{id}/events"), &json!({"type": "reply", "body": "主管已回电说明", "version": 2})).await;
    assert_eq!(called.status, 201, "{:?}", called.body);
    let resolved = boss.post(&format!("/api/cases/{id}/transition"), &json!({"to": "resolved", "resolution": "已解答", "version": 3})).await;
    assert_eq!(resolved.status, 200, "{:?}", resolved.body);
    let late = api.post(&format!("/api/cases/{id}/escalate"), &json!({"reason": "再次升级", "version": 4})).await;
    assert_eq!((late.status, late.code()), (409, Some("illegal_transition")), "a resolved case is not escalated");
}

#[tokio::test]
async fn admins_write_canned_replies_and_agents_search_them() {
    let admin = Api::signed_in(ADMIN).await;
    let agent = Api::signed_in(AGENT).await;
    let title = unique("年费减免说明");
    let body = json!({"title": title, "body": "{客户姓名}您好，您的年费减免申请已受理，编号{编号}。"});
    let refused = agent.post("/api/canned-replies", &body).await;
    assert_eq!(refused.status, 403, "agents do not write canned replies");
    let blank = admin.post("/api/canned-replies", &json!({"title": "", "body": "x"})).await;
    assert_eq!((blank.status, blank.field()), (422, Some("title")));

    let created = admin.post("/api/canned-replies", &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_str().unwrap().to_string();
    let found = agent.get(&format!("/api/canned-replies?q={}", urlencode(&title))).await;
    assert_eq!(found.status, 200);
    let items = found.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0]["body"].as_str().unwrap().contains("{客户姓名}"), "placeholders are filled in by the composer");
    let none = agent.get(&format!("/api/canned-replies?q={}", urlencode(&format!("{title} 贷款")))).await;
    assert_eq!(none.body["items"].as_array().unwrap().len(), 0, "every word must match");

    let stale = admin.send(admin.http.put(admin.url(&format!("/api/canned-replies/{id}"))).header("X-Requested-With", "kefu")
        .json(&json!({"title": title, "body": "新内容", "active": false, "version": 7}))).await;
    assert_eq!((stale.status, stale.code()), (409, Some("version_conflict")));
    let retired = admin.send(admin.http.put(admin.url(&format!("/api/canned-replies/{id}"))).header("X-Requested-With", "kefu")
        .json(&json!({"title": title, "body": "新内容", "active": false, "version": 1}))).await;
    assert_eq!(retired.status, 200, "{:?}", retired.body);
    assert_eq!((retired.body["active"].as_bool(), retired.body["version"].as_i64()), (Some(false), Some(2)));
    let gone = agent.get(&format!("/api/canned-replies?q={}", urlencode(&title))).await;
    assert_eq!(gone.body["items"].as_array().unwrap().len(), 0, "a retired reply is not offered");
    let kept = admin.get(&format!("/api/canned-replies?all=1&q={}", urlencode(&title))).await;
    assert_eq!(kept.body["items"].as_array().unwrap().len(), 1, "admins still see it");
}

#[tokio::test]
async fn personal_details_are_masked_until_revealed() {
    let api = Api::signed_in(AGENT).await;
    let created = api.post("/api/customers", &json!({"name": unique("脱敏客户"), "phone": "13987654321", "email": "reveal@example.com"})).await;
    let id = created.body["id"].as_str().unwrap();
    let profile = api.get(&format!("/api/customers/{id}")).await;
    assert_eq!(profile.status, 200);
    assert_eq!(profile.body["phone_masked"], "139****4321");
    assert!(profile.body.get("phone").is_none(), "the profile carries no clear phone number");
    assert_eq!(profile.body["consent_contact"], true);

    let phone = api.post(&format!("/api/customers/{id}/reveal"), &json!({"field": "phone"})).await;
    assert_eq!(phone.status, 200, "{:?}", phone.body);
    assert_eq!(phone.body["value"], "13987654321");
    let email = api.post(&format!("/api/customers/{id}/reveal"), &json!({"field": "email"})).await;
    assert_eq!(email.body["value"], "reveal@example.com");
    let id_number = api.post(&format!("/api/customers/{id}/reveal"), &json!({"field": "id_number"})).await;
    assert_eq!((id_number.status, &id_number.body["value"]), (200, &Value::Null), "no ID number on file");
    let bad = api.post(&format!("/api/customers/{id}/reveal"), &json!({"field": "password"})).await;
    assert_eq!((bad.status, bad.field()), (422, Some("field")));
    let unknown = api.post("/api/customers/nobody/reveal", &json!({"field": "phone"})).await;
    assert_eq!(unknown.status, 404);
    let anonymous = Api::anonymous().post(&format!("/api/customers/{id}/reveal"), &json!({"field": "phone"})).await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn supervisors_read_the_complaint_register_with_its_regulatory_fields() {
    let agent = Api::signed_in(AGENT).await;
    assert_eq!(agent.get("/api/complaints").await.status, 403, "the register is for supervisors");
    let boss = Api::signed_in(SUPERVISOR).await;
    let closed = boss.get("/api/complaints?status=closed&limit=5").await;
    assert_eq!(closed.status, 200, "{:?}", closed.body);
    let items = closed.body["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the demo data has closed complaints");
    for item in items {
        assert_eq!(item["kind"], "complaint");
        assert_eq!(item["status"], "closed");
        assert!(item["complaint"]["closed_at"].is_string(), "{item}");
        assert!(item["complaint"].get("outcome").is_some() && item["regulatory_due_at"].is_string(), "{item}");
    }
    let received: Vec<_> = items.iter().map(|i| kefu_tests::time(&i["created_at"])).collect();
    assert!(received.windows(2).all(|w| w[0] >= w[1]), "newest first");
    if let Some(cursor) = closed.body["next_cursor"].as_str() {
        let next = boss.get(&format!("/api/complaints?status=closed&limit=5&cursor={cursor}")).await;
        let first = kefu_tests::time(&next.body["items"][0]["created_at"]);
        assert!(first <= *received.last().unwrap(), "the next page continues after the last");
    }
    let upheld = boss.get("/api/complaints?outcome=upheld").await;
    assert!(upheld.body["items"].as_array().unwrap().iter().all(|i| i["complaint"]["outcome"] == "upheld"));
    let bad = boss.get("/api/complaints?outcome=maybe").await;
    assert_eq!((bad.status, bad.field()), (422, Some("outcome")));
}

fn web_form(name: &str, email: &str) -> Value {
    json!({"kind": "complaint", "name": name, "email": email, "subject": "手机银行转账失败", "description": "转账显示失败但已扣款"})
}

#[tokio::test]
async fn a_customer_files_a_complaint_from_the_web_form_and_gets_a_reference() {
    let public = Api::anonymous();
    let name = unique("网页客户");
    let email = format!("{}@example.com", unique("web"));
    let invalid = public.post("/api/public/cases", &json!({"kind": "complaint", "name": name, "subject": "x", "description": "y"})).await;
    assert_eq!((invalid.status, invalid.field()), (422, Some("phone")), "a way to answer is required");
    let agent = Api::signed_in(AGENT).await;
    let search = agent.get(&format!("/api/customers?q={email}")).await;
    assert_eq!(search.body["items"].as_array().unwrap().len(), 0, "an invalid form stores nothing");

    let filed = public.post("/api/public/cases", &web_form(&name, &email)).await;
    assert_eq!(filed.status, 201, "{:?}", filed.body);
    let reference = filed.body["reference"].as_str().unwrap().to_string();
    assert!(reference.starts_with("KF"), "{reference}");
    assert!(filed.body.get("customer_id").is_none() && filed.body.get("id").is_none(), "the receipt names no internal ids");

    let customers = agent.get(&format!("/api/customers?q={email}")).await.body;
    let customer = customers["items"][0]["id"].as_str().expect("the customer was created").to_string();
    let cases = agent.cases_of(&customer).await;
    assert_eq!(cases.len(), 1);
    assert_eq!((cases[0]["reference"].as_str(), cases[0]["channel"].as_str(), cases[0]["kind"].as_str()), (Some(reference.as_str()), Some("web_form"), Some("complaint")));
    assert_eq!(cases[0]["step"], "review", "a complaint is registered at once");

    let again = public.post("/api/public/cases", &web_form(&name, &email)).await;
    assert_eq!(again.status, 201);
    assert_eq!(agent.cases_of(&customer).await.len(), 2, "the same name and e-mail is the same customer");
    let other = public.post("/api/public/cases", &web_form(&unique("冒名"), &email)).await;
    assert_eq!(other.status, 201);
    assert_eq!(agent.cases_of(&customer).await.len(), 2, "another name never files onto this customer");
}

#[tokio::test]
async fn the_web_form_is_rate_limited_per_contact() {
    let public = Api::anonymous();
    let name = unique("限流客户");
    let email = format!("{}@example.com", unique("limit"));
    for n in 1..=5 {
        let reply = public.post("/api/public/cases", &web_form(&name, &email)).await;
        assert_eq!(reply.status, 201, "form {n}: {:?}", reply.body);
    }
    let response = public.http.post(public.url("/api/public/cases")).json(&web_form(&name, &email)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let retry: u32 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry), "{retry}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    let agent = Api::signed_in(AGENT).await;
    let customer = agent.get(&format!("/api/customers?q={email}")).await.body["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(agent.cases_of(&customer).await.len(), 5, "the refused form stored nothing");
}

#[tokio::test]
async fn the_classifier_suggests_while_the_agent_types_and_stores_nothing() {
    let api = Api::signed_in(AGENT).await;
    let found = api.post("/api/classify", &json!({"subject": "投诉信用卡年费乱收", "description": "我要投诉，没开卡就扣了年费"})).await;
    assert_eq!(found.status, 200, "{:?}", found.body);
    assert_eq!(found.body["category"], "cards");
    assert_eq!(found.body["is_complaint"], true);
    assert!(found.body["category_confidence"].as_u64().unwrap() > 0);
    let long = api.post("/api/classify", &json!({"subject": "x".repeat(201), "description": ""})).await;
    assert_eq!((long.status, long.field()), (422, Some("subject")));
    assert_eq!(Api::anonymous().post("/api/classify", &json!({"subject": "a", "description": "b"})).await.status, 401);
}

fn complaint(customer: &str, subject: &str, keep: bool) -> Value {
    let mut body = json!({"kind": "complaint", "channel": "phone", "customer_id": customer, "complexity": "ordinary", "subject": subject, "description": "客户来电投诉"});
    if keep {
        body["assignee"] = json!("me");
    }
    body
}

#[tokio::test]
async fn one_rule_decides_who_may_put_a_case_in_whose_hands_on_every_path() {
    let agent = Api::signed_in(AGENT).await; // 张伟, user-agent
    let colleague = Api::signed_in("agent01@demo.kefu").await; // 陈静, user-agent01
    let boss = Api::signed_in(SUPERVISOR).await; // 李娜, the only supervisor
    let admin = Api::signed_in(ADMIN).await;

    // A case a colleague holds: an agent neither takes it, nor gives it on, nor escalates it.
    let theirs = my_inquiry(&colleague).await;
    let id = theirs["id"].as_str().unwrap();
    for (path, body) in [
        ("assign", json!({"assignee_id": "user-agent", "version": 1})),
        ("assign", json!({"assignee_id": "user-agent02", "version": 1})),
        ("escalate", json!({"reason": "我来处理", "version": 1})),
    ] {
        let refused = agent.post(&format!("/api/cases/{id}/{path}"), &body).await;
        assert_eq!((refused.status, refused.code()), (403, Some("forbidden")), "{path} {body}: {:?}", refused.body);
    }
    assert_eq!(agent.get(&format!("/api/cases/{id}")).await.body["assignee_id"], "user-agent01", "still the colleague's");
    // A supervisor moves it.
    let moved = boss.post(&format!("/api/cases/{id}/assign"), &json!({"assignee_id": "user-agent", "version": 1})).await;
    assert_eq!((moved.status, moved.body["assignee_id"].as_str()), (200, Some("user-agent")), "{:?}", moved.body);

    // An agent does not decide who handles a complaint: not by keeping it at registration...
    let customer = agent.new_customer(&unique("分派客户")).await;
    let kept = agent.post("/api/cases", &complaint(&customer, "投诉转账手续费", true)).await;
    assert_eq!((kept.status, kept.code()), (403, Some("forbidden")), "{:?}", kept.body);
    assert!(agent.cases_of(&customer).await.is_empty(), "nothing registered");
    // ...nor by handing on one they were given.
    let given = boss.post("/api/cases", &complaint(&customer, "投诉转账手续费", true)).await;
    assert_eq!(given.status, 201, "{:?}", given.body);
    let given_id = given.body["id"].as_str().unwrap();
    let to_agent = boss.post(&format!("/api/cases/{given_id}/assign"), &json!({"assignee_id": "user-agent", "version": 1})).await;
    assert_eq!(to_agent.status, 200, "{:?}", to_agent.body);
    let handed_on = agent.post(&format!("/api/cases/{given_id}/assign"), &json!({"assignee_id": "user-agent02", "version": 2})).await;
    assert_eq!(handed_on.status, 403, "{:?}", handed_on.body);
    // Escalating it for help is theirs to do.
    let help = agent.post(&format!("/api/cases/{given_id}/escalate"), &json!({"reason": "需要主管协调", "version": 2})).await;
    assert_eq!((help.status, help.body["assignee_id"].as_str()), (200, Some("user-supervisor")), "{:?}", help.body);

    // Recusal: a complaint that names someone is never put in their hands, by anyone.
    let named = boss.post("/api/cases", &complaint(&customer, "投诉客服陈静态度恶劣", true)).await;
    assert_eq!(named.status, 201, "{:?}", named.body);
    let named_id = named.body["id"].as_str().unwrap();
    for who in [&boss, &admin] {
        let refused = who.post(&format!("/api/cases/{named_id}/assign"), &json!({"assignee_id": "user-agent01", "version": 1})).await;
        assert_eq!((refused.status, refused.code(), refused.field()), (422, Some("recused"), Some("assignee_id")), "{:?}", refused.body);
    }
    assert_eq!(boss.get(&format!("/api/cases/{named_id}")).await.body["assignee_id"], "user-supervisor");
    // Not even by keeping it oneself at registration.
    let own = boss.post("/api/cases", &complaint(&customer, "投诉主管李娜处理不公", true)).await;
    assert_eq!((own.status, own.code(), own.field()), (422, Some("recused"), Some("assignee")), "{:?}", own.body);
    // Routing skips whoever it names.
    let routed = agent.post("/api/cases", &complaint(&customer, "投诉客服陈静态度恶劣", false)).await;
    assert_eq!(routed.status, 201, "{:?}", routed.body);
    assert_ne!(routed.body["assignee_id"], "user-agent01", "{:?}", routed.body);
    // And an escalation never goes to a supervisor it names: with only one, there is none.
    let about_boss = admin.post("/api/cases", &complaint(&customer, "投诉主管李娜拖延处理", true)).await;
    assert_eq!(about_boss.status, 201, "{:?}", about_boss.body);
    let about_id = about_boss.body["id"].as_str().unwrap();
    assert_eq!(admin.post(&format!("/api/cases/{about_id}/assign"), &json!({"assignee_id": "user-agent", "version": 1})).await.status, 200);
    let up = agent.post(&format!("/api/cases/{about_id}/escalate"), &json!({"reason": "请主管处理", "version": 2})).await;
    assert_eq!((up.status, up.code()), (409, Some("illegal_transition")), "{:?}", up.body);
    assert_eq!(agent.get(&format!("/api/cases/{about_id}")).await.body["assignee_id"], "user-agent");
}
