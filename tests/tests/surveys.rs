//! Satisfaction surveys end to end, through `/__scheduled`: an admin's quarterly schedule
//! dispatches at its instant, the delivered message carries a working single-use link, a repeated
//! run invites nobody new, a low score opens a follow-up, and the results add up. Runs in the
//! `cron` test group (one at a time with the other scheduled-work tests), in July 2026.

use chrono::{DateTime, Utc};
use kefu_tests::cron::{bj, cron, get_at, post_at, run, Stub, HOURLY};
use kefu_tests::{unique, Api, ADMIN, AGENT, SUPERVISOR};
use serde_json::{json, Value};

/// The survey links the stub provider received, by the text around them.
fn links(stub: &Stub) -> Vec<(String, String)> {
    stub.received
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, _, p)| p["kind"] == "survey")
        .filter_map(|(_, _, p)| {
            let body = p["body"].as_str()?.to_string();
            let token = body.split("/s/").nth(1)?.chars().take_while(char::is_ascii_alphanumeric).collect::<String>();
            Some((body, token))
        })
        .collect()
}

async fn answer(api: &Api, token: &str, body: &Value, at: DateTime<Utc>) -> kefu_tests::Reply {
    post_at(api, &format!("/api/public/surveys/{token}"), body, at).await
}

#[tokio::test]
async fn a_quarterly_schedule_invites_once_by_link_and_answers_come_back() {
    let admin = Api::signed_in(ADMIN).await;
    let agent = Api::signed_in(AGENT).await;
    let customer = Api::anonymous();
    let stub = Stub::start().await;
    let may = bj(2026, 5, 20, 9, 0);

    // Two private-banking customers of this test's own, greeted by their given names.
    let (happy, unhappy) = (unique("问"), unique("卷"));
    let mut ids = Vec::new();
    for given in [&happy, &unhappy] {
        let c = post_at(&agent, "/api/customers", &json!({"name": format!("王{given}"), "phone": "13900002222", "segment": "private"}), may).await;
        assert_eq!(c.status, 201, "{:?}", c.body);
        ids.push(c.body["id"].as_str().unwrap().to_string());
    }

    let schedule = post_at(&admin, "/api/survey-schedules", &json!({
        "name": unique("私行季度调查"), "template_id": "tpl-quarterly",
        "cadence": {"every": "quarterly", "month_offset": 0, "day": 1, "time": "10:00:00"},
        "audience": {"segments": ["private"]}, "channel": "sms", "link_days": 14
    }), may).await;
    assert_eq!(schedule.status, 201, "{:?}", schedule.body);
    let id = schedule.body["id"].as_str().unwrap().to_string();
    let due = bj(2026, 7, 1, 10, 0);
    assert_eq!(kefu_tests::time(&schedule.body["next_run_at"]), due, "the 1st of the next quarter, 10:00 Beijing time");
    assert_eq!(schedule.body["zone"], "Asia/Shanghai");
    let bad = post_at(&admin, "/api/survey-schedules", &json!({
        "name": "x", "template_id": "tpl-quarterly", "cadence": {"every": "monthly", "day": 31, "time": "10:00:00"}, "channel": "sms", "link_days": 14
    }), may).await;
    assert_eq!((bad.status, bad.field()), (422, Some("cadence")));
    let past = post_at(&admin, "/api/survey-schedules", &json!({
        "name": "x", "template_id": "tpl-quarterly", "cadence": {"every": "once", "at": bj(2026, 5, 1, 10, 0)}, "channel": "sms", "link_days": 14
    }), may).await;
    assert_eq!((past.status, past.field()), (422, Some("cadence")), "a one-off in the past would never run");
    // Products are chosen from the catalogue; a code it does not hold is refused.
    let catalogue = agent.get("/api/products").await;
    assert!(catalogue.body["items"].as_array().unwrap().iter().any(|p| p["code"] == "mortgage" && p["name_zh"] == "个人住房贷款"), "{:?}", catalogue.body);
    assert_eq!(customer.get("/api/products").await.status, 401);
    let unknown = post_at(&admin, "/api/survey-schedules", &json!({
        "name": "x", "template_id": "tpl-quarterly", "cadence": {"every": "monthly", "day": 1, "time": "10:00:00"},
        "audience": {"products": ["mortgage", "gold-bars"]}, "channel": "sms", "link_days": 14
    }), may).await;
    assert_eq!((unknown.status, unknown.field()), (422, Some("audience.products")));
    assert_eq!(agent.get("/api/survey-schedules").await.status, 403, "schedules are for admins");

    // Not yet at 09:59; at 10:00 one run invites the audience.
    run(&admin, HOURLY, due - chrono::Duration::minutes(1)).await;
    assert!(admin.get(&format!("/api/survey-schedules/{id}")).await.body["last_run"].is_null());
    run(&admin, HOURLY, due).await;
    let progress = admin.get(&format!("/api/survey-schedules/{id}")).await.body;
    let invited = progress["last_run"]["invited"].as_i64().unwrap();
    assert!(invited >= 2, "{progress:?}");
    assert!(!progress["last_run"]["finished_at"].is_null(), "a small audience is done in one run");
    assert_eq!(kefu_tests::time(&progress["next_run_at"]), bj(2026, 10, 1, 10, 0));

    // Delivery (every five minutes) sends one message per invitee, each with its own link.
    let mut at = due;
    for _ in 0..20 {
        if links(&stub).len() as i64 >= invited {
            break;
        }
        at += chrono::Duration::minutes(5);
        cron(&admin, at).await;
    }
    let sent = links(&stub);
    assert_eq!(sent.len() as i64, invited, "one message per invitee");
    assert_eq!(at, due + chrono::Duration::minutes(5), "the first delivery run sends them all");
    let batches = stub.batches.lock().unwrap().clone();
    assert!(batches.len() == 1 && batches[0] as i64 >= invited, "in one batch request: {batches:?}");
    let mut tokens: Vec<&String> = sent.iter().map(|(_, t)| t).collect();
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), sent.len(), "every link is different");
    let link = |given: &str| sent.iter().find(|(body, _)| body.contains(&format!("{given}您好"))).map(|(_, t)| t.clone()).expect("the customer's message");
    let (good, poor) = (link(&happy), link(&unhappy));
    assert_eq!(admin.get(&format!("/api/survey-schedules/{id}")).await.body["last_run"]["delivered"], invited);

    // The same instant again invites nobody new.
    run(&admin, HOURLY, due).await;
    cron(&admin, at + chrono::Duration::minutes(5)).await;
    assert_eq!(links(&stub).len(), sent.len());
    assert_eq!(admin.get(&format!("/api/survey-schedules/{id}")).await.body["last_run"]["invited"], invited);

    // Opening the link shows the survey and records nothing; submitting records it once.
    let later = due + chrono::Duration::days(2);
    let opened = get_at(&customer, &format!("/api/public/surveys/{good}"), later).await;
    assert_eq!(opened.status, 200, "{:?}", opened.body);
    assert_eq!(opened.body["first_name"], happy.as_str());
    assert_eq!(opened.body["institution"]["zh"], "示例银行");
    assert!(opened.body.get("phone").is_none() && !opened.body.to_string().contains("13900002222"), "no personal data but the given name");
    assert_eq!(get_at(&customer, &format!("/api/public/surveys/{good}"), later).await.status, 200, "opening twice is fine");
    let missing = answer(&customer, &good, &json!({"answers": [{"question": "overall", "score": 5}]}), later).await;
    assert_eq!((missing.status, missing.field()), (422, Some("answers")), "the NPS question is required");
    let out_of_range = answer(&customer, &good, &json!({"answers": [{"question": "overall", "score": 9}, {"question": "recommend", "score": 9}]}), later).await;
    assert_eq!((out_of_range.status, out_of_range.field()), (422, Some("answers[0].score")));
    let ok = answer(&customer, &good, &json!({"answers": [
        {"question": "overall", "score": 5}, {"question": "recommend", "score": 10},
        {"question": "improve", "choices": [0, 2]}, {"question": "comment", "text": "理财经理很专业"}
    ]}), later).await;
    assert_eq!(ok.status, 201, "{:?}", ok.body);
    let again = answer(&customer, &good, &json!({"answers": [{"question": "overall", "score": 1}, {"question": "recommend", "score": 0}]}), later).await;
    assert_eq!((again.status, again.code()), (410, Some("gone")), "a link answers once");
    assert_eq!(get_at(&customer, &format!("/api/public/surveys/{good}"), later).await.status, 410);

    // A tampered or made-up token is simply not found.
    let flipped: String = poor.chars().rev().collect();
    for token in [flipped.as_str(), "0123456789abcdef0123456789abcdef", "nope", "../../api/me"] {
        let r = get_at(&customer, &format!("/api/public/surveys/{token}"), later).await;
        assert_eq!(r.status, 404, "{token}");
    }
    // An expired link is gone.
    assert_eq!(get_at(&customer, &format!("/api/public/surveys/{poor}"), due + chrono::Duration::days(15)).await.status, 410);

    // A low score opens a follow-up for that customer (service recovery).
    let low = answer(&customer, &poor, &json!({"answers": [{"question": "overall", "score": 1}, {"question": "recommend", "score": 3}]}), later).await;
    assert_eq!(low.status, 201, "{:?}", low.body);
    let recovery_of = |cases: Vec<Value>| -> Vec<Value> {
        cases.into_iter().filter(|c| c["kind"] == "follow_up" && c["subject"].as_str().unwrap_or("").contains("满意度低分")).collect()
    };
    let recovery = recovery_of(agent.cases_of(&ids[1]).await);
    assert_eq!(recovery.len(), 1, "{recovery:?}");
    assert!(recovery_of(agent.cases_of(&ids[0]).await).is_empty(), "a good score opens nothing");

    // Results for the quarter add up.
    let results = admin.get(&format!("/api/survey-schedules/{id}/results")).await;
    assert_eq!(results.status, 200, "{:?}", results.body);
    let q3 = &results.body["periods"][0];
    assert_eq!(q3["period"], "2026 Q3");
    assert_eq!((q3["invited"].as_i64(), q3["answered"].as_i64()), (Some(invited), Some(2)));
    assert_eq!(q3["csat"].as_f64(), Some(0.5), "one of two satisfied (4–5)");
    assert_eq!(q3["nps"].as_f64(), Some(0.0), "one promoter, one detractor");
    let overall = q3["questions"].as_array().unwrap().iter().find(|q| q["id"] == "overall").unwrap();
    assert_eq!(overall["counts"], json!([0, 1, 0, 0, 0, 1]));
    let improve = q3["questions"].as_array().unwrap().iter().find(|q| q["id"] == "improve").unwrap();
    assert_eq!(improve["counts"], json!([1, 0, 1, 0]));
    let responses = q3["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 2, "the comment and the low score: {responses:?}");
    assert_eq!(responses.iter().find(|r| r["customer_id"] == ids[1].as_str()).unwrap()["recovery_case_id"], recovery[0]["id"]);

    // The customer's profile shows the answer, marked low, with its recovery follow-up.
    let profile = agent.get(&format!("/api/customers/{}", ids[1])).await.body;
    let answered = &profile["surveys"][0];
    assert_eq!((answered["schedule_id"].as_str(), answered["low"].as_bool()), (Some(id.as_str()), Some(true)), "{profile:?}");
    assert_eq!(answered["recovery_case_id"], recovery[0]["id"]);
}

#[tokio::test]
async fn a_customer_answers_on_a_phone_and_the_used_link_says_so() {
    use kefu_tests::browser::Browser;
    let admin = Api::signed_in(ADMIN).await;
    let agent = Api::signed_in(AGENT).await;
    let stub = Stub::start().await;
    // A one-off survey yesterday, so its link is good now (the browser has no test clock).
    let at = chrono::Utc::now() - chrono::Duration::days(1);
    let given = unique("手机");
    let c = post_at(&agent, "/api/customers", &json!({"name": format!("李{given}"), "phone": "13700003333", "segment": "private"}), at - chrono::Duration::hours(2)).await;
    assert_eq!(c.status, 201, "{:?}", c.body);
    let schedule = post_at(&admin, "/api/survey-schedules", &json!({
        "name": unique("一次性调查"), "template_id": "tpl-quarterly", "cadence": {"every": "once", "at": at},
        "audience": {"segments": ["private"]}, "channel": "sms", "link_days": 14
    }), at - chrono::Duration::hours(1)).await;
    assert_eq!(schedule.status, 201, "{:?}", schedule.body);
    run(&admin, HOURLY, at).await;
    let mut when = at;
    let token = loop {
        if let Some((_, t)) = links(&stub).into_iter().find(|(body, _)| body.contains(&format!("{given}您好"))) {
            break t;
        }
        assert!(when < at + chrono::Duration::hours(2), "the invitation was never delivered");
        when += chrono::Duration::minutes(5);
        cron(&admin, when).await;
    };

    let browser = Browser::open().await;
    browser.resize(390, 844).await;
    browser.goto(&format!("/s/{token}")).await;
    browser.wait_text("survey-greeting", &given).await;
    assert_eq!(browser.text("survey-institution").await, "示例银行");
    assert!(!browser.client.source().await.unwrap().contains("13700003333"), "no phone number on the page");
    // Submitting without the required answers points at the first one.
    browser.click("survey-submit").await;
    browser.find("survey-missing").await;
    assert_eq!(browser.find("survey-q-overall").await.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    browser.screenshot("survey-phone-missing").await;
    browser.click("survey-overall-4").await;
    browser.click("survey-recommend-9").await;
    browser.click("survey-improve-opt-1").await;
    browser.fill("survey-comment-text", "柜台排队时间可以再短一些").await;
    browser.screenshot("survey-phone-filled").await;
    browser.click("survey-submit").await;
    browser.wait_text("survey-thanks", "感谢").await;
    browser.screenshot("survey-phone-thanks").await;
    // Reopening the link says it was used; in English too.
    browser.goto(&format!("/s/{token}")).await;
    browser.wait_text("survey-gone", "已使用").await;
    browser.click("language-switch").await;
    browser.wait_text("survey-gone", "used").await;
    browser.screenshot("survey-phone-used").await;
    browser.goto("/s/0123456789abcdef0123456789abcdef").await;
    browser.find("survey-not-found").await;

    // The admin reads the answer in the schedule's results, and can follow it to the customer.
    browser.resize(1280, 900).await;
    browser.sign_in(ADMIN).await;
    browser.goto(&format!("/surveys/{}", schedule.body["id"].as_str().unwrap())).await;
    browser.wait_text("results-answered", "1").await;
    browser.wait_text("results-responses", "柜台排队时间可以再短一些").await;
    browser.screenshot("survey-results-en").await;
    browser.click("language-switch").await;
    browser.wait_text("results-responses", "客户").await;
    browser.screenshot("survey-results-zh").await;
    // From the answer to the customer, whose profile lists it.
    browser.click("results-customer").await;
    browser.wait_text("customer-surveys", "柜台排队时间可以再短一些").await;
    browser.screenshot("survey-customer-profile-zh").await;
    browser.close().await;
}

#[tokio::test]
async fn a_closed_complaint_is_followed_by_its_survey_and_the_answer_lands_on_its_timeline() {
    let agent = Api::signed_in(AGENT).await;
    let admin = Api::signed_in(ADMIN).await;
    let customer = Api::anonymous();
    let stub = Stub::start().await;
    // August 2026; the demo data's after-complaint schedule sends a day after closing, by SMS.
    let start = bj(2026, 8, 3, 10, 0);
    let given = unique("诉");
    let c = post_at(&agent, "/api/customers", &json!({"name": format!("赵{given}"), "phone": "13500004444"}), start).await;
    assert_eq!(c.status, 201, "{:?}", c.body);
    // A supervisor keeps it: who handles a complaint is not an agent's call.
    let supervisor = Api::signed_in(SUPERVISOR).await;
    let case = post_at(&supervisor, "/api/cases", &json!({
        "kind": "complaint", "channel": "phone", "customer_id": c.body["id"], "complexity": "ordinary", "assignee": "me",
        "subject": "投诉信用卡重复扣款", "description": "账单中同一笔消费扣了两次"
    }), start).await;
    assert_eq!(case.status, 201, "{:?}", case.body);
    let id = case.body["id"].as_str().unwrap().to_string();
    let mut version = case.body["version"].as_i64().unwrap();
    let steps = [
        json!({"to": "investigation", "reason": "材料齐全"}),
        json!({"to": "feedback", "reason": "核实为系统重复扣款"}),
        json!({"to": "closed", "outcome": "upheld", "root_cause": "system_error", "prevention": "修复扣款批处理",
               "redress_type": "refund", "redress_amount": 12000, "customer_informed": true, "customer_opinion": "satisfied"}),
    ];
    let closed_at = start + chrono::Duration::hours(1);
    for (n, mut step) in steps.into_iter().enumerate() {
        step["version"] = json!(version);
        let moved = post_at(&agent, &format!("/api/cases/{id}/transition"), &step, start + chrono::Duration::minutes(20 * (n as i64 + 1))).await;
        assert_eq!(moved.status, 200, "{:?}", moved.body);
        version = moved.body["version"].as_i64().unwrap();
    }

    // Nothing goes out before the delay; after it the SMS carries the link.
    cron(&admin, closed_at + chrono::Duration::hours(12)).await;
    let mine = |stub: &Stub| links(stub).into_iter().find(|(body, _)| body.contains(&format!("{given}您好"))).map(|(_, t)| t);
    assert!(mine(&stub).is_none(), "sent before the delay");
    // A delivery run that first gets to it in the quiet hours (21:00–09:00) leaves it for the
    // morning.
    cron(&admin, bj(2026, 8, 4, 21, 30)).await;
    assert!(mine(&stub).is_none(), "sent in the quiet hours");
    // The provider is down in the morning: the batch is tried again a minute later, then once
    // sent it is not sent again.
    let attempts = |stub: &Stub| links(stub).into_iter().filter(|(body, _)| body.contains(&format!("{given}您好"))).count();
    *stub.failing.lock().unwrap() = true;
    cron(&admin, bj(2026, 8, 5, 9, 5)).await;
    assert_eq!(attempts(&stub), 1, "tried in the morning");
    *stub.failing.lock().unwrap() = false;
    cron(&admin, bj(2026, 8, 5, 9, 10)).await;
    cron(&admin, bj(2026, 8, 5, 9, 15)).await;
    assert_eq!(attempts(&stub), 2, "tried again once, then delivered");
    let token = mine(&stub).expect("the survey the morning after");
    let survey = get_at(&customer, &format!("/api/public/surveys/{token}"), closed_at + chrono::Duration::days(2)).await;
    assert_eq!(survey.status, 200, "{:?}", survey.body);
    assert_eq!(survey.body["title"]["zh"], "投诉处理满意度回访");
    let answered = answer(&customer, &token, &json!({"answers": [{"question": "overall", "score": 4}, {"question": "comment", "text": "退款很及时"}]}), closed_at + chrono::Duration::days(2)).await;
    assert_eq!(answered.status, 201, "{:?}", answered.body);

    // The answer is on the complaint's timeline.
    let detail = agent.get(&format!("/api/cases/{id}")).await.body;
    let event = detail["events"].as_array().unwrap().iter().find(|e| e["type"] == "survey_answered").cloned().expect("survey_answered on the timeline");
    assert_eq!(event["body"], "4/5 · 退款很及时");

    // The dashboard's satisfaction figures open the cases behind them: on 5 August (this test's
    // month, no other answers) one answer, satisfied, and the list holds this complaint.
    let boss = Api::signed_in(SUPERVISOR).await;
    let later = bj(2026, 8, 20, 12, 0);
    let day = "from=2026-08-05&to=2026-08-05";
    let figures = get_at(&boss, &format!("/api/dashboard?{day}"), later).await;
    assert_eq!(figures.status, 200, "{:?}", figures.body);
    assert_eq!((&figures.body["current"]["csat_answers"], &figures.body["current"]["csat_satisfied"]), (&json!(1), &json!(1)));
    let listed = |csat: &'static str| {
        let boss = &boss;
        async move {
            let page = get_at(boss, &format!("/api/cases?date=answered&{day}{csat}"), later).await;
            assert_eq!(page.status, 200, "{:?}", page.body);
            page.body["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    assert_eq!(listed("").await, [id.clone()]);
    assert_eq!(listed("&csat=satisfied").await, [id.clone()]);
    assert!(listed("&csat=unsatisfied").await.is_empty(), "a 4 is satisfied");
    let refused = boss.get(&format!("/api/cases?date=received&{day}&csat=satisfied")).await;
    assert_eq!((refused.status, refused.field()), (422, Some("csat")));
}
