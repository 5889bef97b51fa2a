//! The complaint workflow over HTTP: review → investigation → feedback → closed with its
//! records; pause and resume; extensions decided by supervisors; merge; review after closing.
//! Every refused move says why: 409 for the lifecycle, 403 for the role, 422 naming the field.

use chrono::Duration;
use kefu_tests::{time, unique, Api, AGENT, SUPERVISOR};
use serde_json::{json, Value};

struct Complaint {
    id: String,
    version: i64,
}

async fn register(api: &Api, customer: &str) -> (Complaint, Value) {
    let reply = api.post("/api/cases", &json!({
        "kind": "complaint", "channel": "phone", "customer_id": customer, "complexity": "ordinary",
        "subject": "投诉信用卡重复扣款", "description": "账单中同一笔消费扣了两次"
    })).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    (Complaint { id: reply.body["id"].as_str().unwrap().into(), version: 1 }, reply.body)
}

impl Complaint {
    /// Sends a transition at the current version; on success, keeps the new version.
    async fn send(&mut self, api: &Api, mut body: Value) -> kefu_tests::Reply {
        body["version"] = json!(self.version);
        let reply = api.post(&format!("/api/cases/{}/transition", self.id), &body).await;
        if reply.status == 200 {
            self.version = reply.body["version"].as_i64().unwrap();
        }
        reply
    }
}

fn closing() -> Value {
    json!({
        "to": "closed", "outcome": "upheld", "root_cause": "system_error", "prevention": "修复扣款批处理",
        "redress_type": "refund", "redress_amount": 12000, "customer_informed": true, "customer_opinion": "satisfied"
    })
}

#[tokio::test]
async fn a_complaint_passes_its_steps_and_closes_with_its_records() {
    let api = Api::signed_in(AGENT).await;
    let customer = api.new_customer(&unique("投诉流程")).await;
    let (mut c, created) = register(&api, &customer).await;
    assert_eq!(created["step"], "review");
    assert!(created["complaint"]["paused"] == false);

    let skip = c.send(&api, json!({"to": "feedback", "reason": "跳过调查"})).await;
    assert_eq!((skip.status, skip.code()), (409, Some("illegal_transition")), "steps are never skipped");
    let closing_early = c.send(&api, closing()).await;
    assert_eq!(closing_early.status, 409, "closing comes after feedback");
    let investigation = c.send(&api, json!({"to": "investigation", "reason": "材料齐全，进入调查"})).await;
    assert_eq!(investigation.status, 200, "{:?}", investigation.body);
    assert_eq!(investigation.body["step"], "investigation");

    let no_reason = c.send(&api, json!({"to": "feedback"})).await;
    assert_eq!((no_reason.status, no_reason.field()), (422, Some("reason")));
    let feedback = c.send(&api, json!({"to": "feedback", "reason": "核实为系统重复扣款"})).await;
    assert_eq!(feedback.status, 200, "{:?}", feedback.body);
    assert_eq!(feedback.body["step"], "feedback");
    let started = time(&feedback.body["complaint"]["step_started_at"]);
    assert_eq!(time(&feedback.body["step_due_at"]) - started, Duration::hours(12));
    let types: Vec<&str> = feedback.body["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["created", "assigned", "step_changed", "step_changed"]);

    for (field, value) in [("outcome", Value::Null), ("root_cause", Value::Null), ("customer_informed", json!(false)), ("redress_type", Value::Null)] {
        let mut body = closing();
        body[field] = value;
        let refused = c.send(&api, body).await;
        assert_eq!((refused.status, refused.field()), (422, Some(field)), "{field}");
    }
    let closed = c.send(&api, closing()).await;
    assert_eq!(closed.status, 200, "{:?}", closed.body);
    assert_eq!(closed.body["status"], "closed");
    assert!(closed.body["step"].is_null());
    assert_eq!(closed.body["sla_state"], "met");
    let record = &closed.body["complaint"];
    assert_eq!((record["outcome"].as_str(), record["root_cause"].as_str()), (Some("upheld"), Some("system_error")));
    assert_eq!((record["redress_type"].as_str(), record["redress_amount"].as_i64()), (Some("refund"), Some(12000)));
    assert_eq!(record["customer_opinion"], "satisfied");
    assert!(record["closed_at"].is_string());
    assert!(closed.body["regulatory_next"].is_null(), "a closed complaint owes nothing more");

    let again = c.send(&api, json!({"to": "investigation", "reason": "x"})).await;
    assert_eq!((again.status, again.code()), (409, Some("illegal_transition")));
    let review = c.send(&api, json!({"action": "request_review", "reason": "客户对退款金额有异议"})).await;
    assert_eq!(review.status, 200, "{:?}", review.body);
    assert_eq!((review.body["status"].as_str(), review.body["step"].as_str()), (Some("assigned"), Some("investigation")));
}

#[tokio::test]
async fn pausing_stops_the_clocks_and_resuming_moves_the_deadlines() {
    let api = Api::signed_in(AGENT).await;
    let customer = api.new_customer(&unique("暂停客户")).await;
    let (mut c, created) = register(&api, &customer).await;
    let resolution_before = time(&created["resolution_due_at"]);
    let regulatory_before = time(&created["regulatory_due_at"]);

    let no_reason = c.send(&api, json!({"action": "pause"})).await;
    assert_eq!((no_reason.status, no_reason.field()), (422, Some("reason")));
    let paused = c.send(&api, json!({"action": "pause", "reason": "等待外部鉴定结果", "pause_reason": "external_appraisal"})).await;
    assert_eq!(paused.status, 200, "{:?}", paused.body);
    assert_eq!(paused.body["complaint"]["paused"], true);
    let blocked = c.send(&api, json!({"to": "investigation", "reason": "x"})).await;
    assert_eq!(blocked.status, 409, "a paused complaint only resumes");
    let twice = c.send(&api, json!({"action": "pause", "reason": "x"})).await;
    assert_eq!(twice.status, 409);

    let resumed = c.send(&api, json!({"action": "resume"})).await;
    assert_eq!(resumed.status, 200, "{:?}", resumed.body);
    let record = &resumed.body["complaint"];
    assert_eq!(record["paused"], false);
    let pause = &record["pauses"][0];
    assert_eq!(pause["reason"], "external_appraisal");
    let paused_for = time(&pause["to"]) - time(&pause["from"]);
    assert_eq!(time(&resumed.body["resolution_due_at"]) - resolution_before, paused_for, "the resolution clock moves by the pause");
    assert_eq!(time(&resumed.body["regulatory_due_at"]) - regulatory_before, paused_for, "appraisal time is excluded");
    let again = c.send(&api, json!({"action": "resume"})).await;
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn extensions_are_requested_by_agents_and_approved_by_supervisors() {
    let agent = Api::signed_in(AGENT).await;
    let supervisor = Api::signed_in(SUPERVISOR).await;
    let customer = agent.new_customer(&unique("延期客户")).await;
    let (mut c, created) = register(&agent, &customer).await;

    let too_early = c.send(&agent, json!({"action": "request_extension", "reason": "需要外部鉴定"})).await;
    assert_eq!(too_early.status, 409, "extensions are asked for once investigating");
    assert_eq!(c.send(&agent, json!({"to": "investigation", "reason": "受理"})).await.status, 200);
    let requested = c.send(&agent, json!({"action": "request_extension", "reason": "需要外部鉴定"})).await;
    assert_eq!(requested.status, 200, "{:?}", requested.body);
    assert_eq!(requested.body["complaint"]["extension"], "requested");

    let by_agent = c.send(&agent, json!({"action": "approve_extension", "customer_informed": true})).await;
    assert_eq!((by_agent.status, by_agent.code()), (403, Some("forbidden")));
    let uninformed = c.send(&supervisor, json!({"action": "approve_extension"})).await;
    assert_eq!((uninformed.status, uninformed.field()), (422, Some("customer_informed")));
    let approved = c.send(&supervisor, json!({"action": "approve_extension", "customer_informed": true})).await;
    assert_eq!(approved.status, 200, "{:?}", approved.body);
    assert_eq!(approved.body["complaint"]["extension"], "approved");
    let received = time(&created["created_at"]);
    assert_eq!(time(&approved.body["regulatory_due_at"]) - received, Duration::days(60));
    let decided_twice = c.send(&supervisor, json!({"action": "refuse_extension"})).await;
    assert_eq!(decided_twice.status, 409);
}

#[tokio::test]
async fn a_repeated_complaint_merges_into_the_earlier_one_of_the_same_customer() {
    let api = Api::signed_in(AGENT).await;
    let customer = api.new_customer(&unique("重复投诉")).await;
    let other = api.new_customer(&unique("他人")).await;
    let (first, _) = register(&api, &customer).await;
    let (someone_else, _) = register(&api, &other).await;
    let (mut repeat, _) = register(&api, &customer).await;

    let wrong = repeat.send(&api, json!({"action": "merge", "into": someone_else.id})).await;
    assert_eq!((wrong.status, wrong.field()), (422, Some("into")));
    let missing = repeat.send(&api, json!({"action": "merge"})).await;
    assert_eq!((missing.status, missing.field()), (422, Some("into")));
    let merged = repeat.send(&api, json!({"action": "merge", "into": first.id})).await;
    assert_eq!(merged.status, 200, "{:?}", merged.body);
    assert_eq!(merged.body["status"], "closed");
    assert_eq!(merged.body["complaint"]["merged_into"], first.id.as_str());
    let after = repeat.send(&api, json!({"action": "request_review", "reason": "x"})).await;
    assert_eq!(after.status, 409, "a merged complaint is not reviewed on its own");
}

#[tokio::test]
async fn inquiries_have_no_complaint_actions_and_bad_requests_name_the_field() {
    let api = Api::signed_in(AGENT).await;
    let customer = api.new_customer(&unique("咨询客户")).await;
    let case = api.post("/api/cases", &json!({"kind": "inquiry", "channel": "phone", "customer_id": customer, "subject": "咨询", "description": "营业时间"})).await.body;
    let path = format!("/api/cases/{}/transition", case["id"].as_str().unwrap());
    let action = api.post(&path, &json!({"action": "pause", "reason": "x", "version": 1})).await;
    assert_eq!(action.status, 409);
    let neither = api.post(&path, &json!({"version": 1})).await;
    assert_eq!((neither.status, neither.field()), (422, Some("to")));
    let both = api.post(&path, &json!({"to": "closed", "action": "pause", "version": 1})).await;
    assert_eq!((both.status, both.field()), (422, Some("action")));
    let unknown = api.post(&path, &json!({"action": "escalate_to_ceo", "version": 1})).await;
    assert_eq!((unknown.status, unknown.field()), (422, Some("action")));
    let negative = api.post(&path, &json!({"to": "closed", "redress_amount": -5, "version": 1})).await;
    assert_eq!((negative.status, negative.field()), (422, Some("redress_amount")));
}
