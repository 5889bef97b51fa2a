//! Browser tests in headless Chromium: the screens a person uses, through the real app.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use fantoccini::Locator;
use kefu_tests::browser::{wait_for, Browser};
use kefu_tests::{time, unique, Api, ADMIN, AGENT, SUPERVISOR};

/// A time as the app shows it: in the institution's zone (UTC+8).
fn shown(t: DateTime<Utc>, format: &str) -> String {
    t.with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap()).format(format).to_string()
}

#[tokio::test]
async fn an_agent_creates_an_inquiry_and_finds_it_in_the_queue_with_its_due_time() {
    let browser = Browser::open().await;
    browser.sign_in(AGENT).await;
    browser.find("case-table").await;
    let mine = wait_for("the count on the mine tab", || async {
        browser.client.find(Locator::Css("[data-testid='count-mine']")).await.ok()?.text().await.ok()?.parse::<u32>().ok()
    })
    .await;
    assert!(mine > 0, "the demo agent has open cases");
    browser.screenshot("queue-zh").await;

    browser.click("new-case").await;
    browser.click("create-customer").await;
    let customer = unique("浏览器客户");
    browser.fill("customer-name", &customer).await;
    browser.fill("customer-phone", "13912345678").await;
    browser.click("customer-save").await;
    let picked = browser.text("picked-customer").await;
    assert!(picked.contains(&customer), "{picked}");
    assert!(picked.contains("139****5678"), "the phone is shown masked: {picked}");

    let subject = unique("信用卡年费咨询");
    browser.find("case-complexity").await.select_by_value("ordinary").await.unwrap();
    browser.click("case-mine").await;
    browser.fill("case-subject", &subject).await;
    browser.fill("case-description", "请问金卡信用卡的年费怎么收取？").await;
    browser.screenshot("new-case-zh").await;
    browser.click("case-save").await;

    // The case page: its reference and first-response deadline, 24 h after registration.
    browser.find("case-page").await;
    assert_eq!(browser.text("case-subject").await, subject);
    let reference = browser.text("case-reference").await;
    assert!(reference.starts_with("KF"), "{reference}");
    let url = browser.client.current_url().await.unwrap();
    let id = url.path().trim_start_matches("/cases/").to_string();
    let api = Api::signed_in(AGENT).await;
    let stored = api.get(&format!("/api/cases/{id}")).await.body;
    let due = time(&stored["first_response_due_at"]);
    assert_eq!(due - time(&stored["created_at"]), Duration::hours(24));
    assert_eq!(stored["reference"], reference.as_str());
    let due_on_page = browser.find("first-response-due").await;
    assert_eq!(due_on_page.text().await.unwrap(), shown(due, "%Y-%m-%d %H:%M"));
    browser.screenshot("case-zh").await;

    // Back in the queue ("mine"), the new case is listed with its deadline.
    browser.click("nav-queue").await;
    let row = wait_for("the new case in the queue", || async {
        let rows = browser.client.find_all(Locator::Css("[data-testid='case-row']")).await.ok()?;
        for row in rows {
            if row.attr("data-reference").await.ok()?? == reference {
                return Some(row);
            }
        }
        None
    })
    .await;
    let text = row.text().await.unwrap();
    assert!(text.contains(&subject), "{text}");
    assert!(text.contains(&shown(due, "%m-%d %H:%M")), "the row shows the due time: {text}");
    let badge = row.find(Locator::Css("[data-testid='sla-badge']")).await.unwrap();
    assert_eq!(badge.attr("data-state").await.unwrap().as_deref(), Some("on_track"));
    browser.close().await;
}

/// The Wasm modules the page has fetched so far, by path.
async fn wasm_fetched(browser: &Browser) -> Vec<String> {
    let names = browser
        .client
        .execute("return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.endsWith('.wasm'))", vec![])
        .await
        .unwrap();
    serde_json::from_value(names).unwrap()
}

/// The first load brings sign-in, the queue and the case page; a screen used less often
/// (settings here) arrives as a module of its own when it is first opened.
#[tokio::test]
async fn a_rarely_used_screen_is_fetched_when_first_opened_not_with_the_app() {
    let browser = Browser::open().await;
    browser.sign_in(ADMIN).await;
    browser.find("nav-settings").await;
    let first = wasm_fetched(&browser).await;
    assert!(first.iter().any(|p| p.ends_with("/kefu-app_bg.wasm")), "the main module: {first:?}");
    assert!(!first.iter().any(|p| p.contains("settings_screen")), "settings' module is not in the first load: {first:?}");

    browser.click("nav-settings").await;
    browser.find("settings-page").await;
    let later = wasm_fetched(&browser).await;
    assert!(later.iter().any(|p| p.contains("settings_screen")), "settings' module arrived with the screen: {later:?}");
}

#[tokio::test]
async fn each_role_sees_the_sections_it_may_use() {
    let table = [
        (AGENT, "客服人员", vec!["nav-queue", "nav-customers", "nav-knowledge", "nav-appointments", "nav-follow-ups"], vec!["nav-complaints", "nav-dashboard", "nav-surveys", "nav-settings"]),
        (SUPERVISOR, "客服主管", vec!["nav-queue", "nav-complaints", "nav-dashboard"], vec!["nav-surveys", "nav-settings"]),
        (ADMIN, "系统管理员", vec!["nav-queue", "nav-dashboard", "nav-surveys", "nav-settings"], vec![]),
    ];
    for (email, role, visible, hidden) in table {
        let browser = Browser::open().await;
        browser.sign_in(email).await;
        assert_eq!(browser.text("current-role").await, role);
        for id in &visible {
            browser.find(id).await;
        }
        for id in &hidden {
            assert!(!browser.has(id).await, "{email} should not see {id}");
        }
        // A section not built yet says so; one the role may not open says that instead.
        browser.goto("/settings").await;
        let expected = if email == ADMIN { "settings-page" } else { "forbidden" };
        browser.find(expected).await;
        if email == ADMIN {
            browser.screenshot("settings-admin-zh").await;
        }
        browser.click("sign-out").await;
        browser.find("login-email").await;
        browser.close().await;
    }
}

#[tokio::test]
async fn a_wrong_password_is_explained_and_nobody_is_signed_in() {
    let browser = Browser::open().await;
    browser.goto("/login").await;
    browser.fill("login-email", AGENT).await;
    browser.fill("login-password", "wrong-password").await;
    browser.click("login-submit").await;
    assert_eq!(browser.text("login-error").await, "邮箱或密码错误。");
    browser.screenshot("login-error-zh").await;
    browser.goto("/queue").await;
    browser.find("login-email").await;
    browser.close().await;
}

#[tokio::test]
async fn the_language_switch_turns_the_app_into_english_and_is_remembered() {
    let browser = Browser::open().await;
    browser.sign_in(AGENT).await;
    let heading = || async { browser.client.find(Locator::Css("#page-title")).await.ok()?.text().await.ok() };
    wait_for("the Chinese heading", || async { heading().await.filter(|h| h == "工单队列") }).await;
    browser.click("language-switch").await;
    wait_for("the English heading", || async { heading().await.filter(|h| h == "Queue") }).await;
    assert_eq!(browser.text("current-role").await, "Agent");
    browser.find("case-table").await;
    browser.screenshot("queue-en").await;
    browser.client.refresh().await.unwrap();
    wait_for("English after a reload", || async { heading().await.filter(|h| h == "Queue") }).await;
    let lang = browser.client.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("en"));
    browser.close().await;
}

#[tokio::test]
async fn an_admin_edits_classifier_phrases_and_the_next_case_uses_them() {
    let browser = Browser::open().await;
    browser.sign_in(ADMIN).await;
    browser.click("nav-settings").await;
    browser.find("settings-page").await;
    browser.screenshot("settings-calendar-zh").await;
    browser.client.execute("document.querySelector('[data-testid=policy-form]').scrollIntoView()", vec![]).await.unwrap();
    browser.screenshot("settings-policies-zh").await;

    // A malformed opening time is caught before anything is sent.
    browser.fill("cal-day-0", "9点到12点").await;
    browser.click("save-calendar").await;
    let error = browser.text("save-error").await;
    assert!(error.contains("09:00-12:00"), "{error}");

    let phrase = unique("专用词");
    let cards = browser.find("phr-cards").await;
    cards.send_keys(&format!(", {phrase}")).await.unwrap();
    browser.click("save-phrases").await;
    assert_eq!(browser.text("saved").await, "已保存");
    browser.screenshot("settings-zh").await;

    browser.client.refresh().await.unwrap();
    let value = wait_for("the saved phrase after a reload", || async {
        let v = browser.find("phr-cards").await.prop("value").await.ok()??;
        v.contains(&phrase).then_some(v)
    })
    .await;
    assert!(value.contains("信用卡"), "the other phrases are kept: {value}");
    browser.close().await;

    // The next case whose text has the phrase is filed under cards, without a redeploy.
    let api = Api::signed_in(AGENT).await;
    let customer = api.new_customer(&unique("分类客户")).await;
    let case = api.post("/api/cases", &serde_json::json!({
        "kind": "inquiry", "channel": "phone", "customer_id": customer,
        "subject": format!("关于{phrase}"), "description": "想了解一下"
    })).await;
    assert_eq!(case.status, 201, "{:?}", case.body);
    assert_eq!(case.body["category"], "cards");
}

#[tokio::test]
async fn an_agent_replies_and_resolves_a_case_from_its_page() {
    let api = Api::signed_in(AGENT).await;
    let customer = api.new_customer(&unique("页面客户")).await;
    let case = api.post("/api/cases", &serde_json::json!({
        "kind": "inquiry", "channel": "phone", "customer_id": customer, "subject": "页面处理", "description": "请问年费"
    })).await.body;

    let browser = Browser::open().await;
    browser.sign_in(AGENT).await;
    browser.goto(&format!("/cases/{}", case["id"].as_str().unwrap())).await;
    assert!(!browser.has("to-resolved").await, "nothing to resolve before the first response");
    browser.fill("event-body", "您好，金卡年费为每年 200 元。").await;
    browser.click("event-submit").await;
    wait_for("the reply on the timeline", || async {
        let events = browser.client.find_all(Locator::Css("[data-testid='event']")).await.ok()?;
        (events.len() == 3).then_some(())
    })
    .await;
    assert_eq!(browser.text("case-status").await, "已响应");

    browser.click("to-resolved").await;
    assert!(browser.text("action-error").await.contains("说明"), "a resolution note is required");
    browser.fill("action-note", "已告知年费标准").await;
    browser.click("to-resolved").await;
    wait_for("the resolved status", || async {
        let status = browser.client.find(Locator::Css("[data-testid='case-status']")).await.ok()?.text().await.ok()?;
        (status == "已解决").then_some(())
    })
    .await;
    let badge = browser.find("sla-badge").await;
    assert_eq!(badge.attr("data-state").await.unwrap().as_deref(), Some("met"));
    browser.find("to-closed").await;
    browser.screenshot("case-resolved-zh").await;
    browser.close().await;
}

/// Registers a complaint over HTTP for the browser tests to work on.
async fn complaint_for(api: &Api) -> String {
    let customer = api.new_customer(&unique("投诉页面客户")).await;
    let reply = api.post("/api/cases", &serde_json::json!({
        "kind": "complaint", "channel": "branch", "customer_id": customer, "complexity": "ordinary",
        "subject": "投诉信用卡重复扣款", "description": "同一笔消费扣了两次"
    })).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    reply.body["id"].as_str().unwrap().to_string()
}

/// Waits until the element's text is `want`.
async fn wait_text(browser: &Browser, test_id: &str, want: &str) {
    wait_for(&format!("{test_id} to read {want}"), || async {
        let text = browser.client.find(Locator::Css(&format!("[data-testid='{test_id}']"))).await.ok()?.text().await.ok()?;
        (text == want).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_complaint_goes_from_review_to_closed_with_outcome_and_root_cause() {
    let api = Api::signed_in(AGENT).await;
    let id = complaint_for(&api).await;
    let browser = Browser::open().await;
    browser.sign_in(AGENT).await;
    browser.goto(&format!("/cases/{id}")).await;
    assert_eq!(browser.text("case-step").await, "初步审核");
    assert!(!browser.has("cmp-close").await, "closing comes after feedback");

    for (act, reason, step) in [("cmp-investigation", "材料齐全，进入调查", "调查处理"), ("cmp-feedback", "核实为系统重复扣款", "结果反馈")] {
        browser.click(act).await;
        browser.fill("cmp-reason", reason).await;
        browser.click("cmp-submit").await;
        wait_text(&browser, "case-step", step).await;
    }

    browser.click("cmp-close").await;
    browser.click("cmp-submit").await;
    assert!(browser.text("cmp-error").await.contains("处理结论"), "the outcome is asked for first");
    browser.find("cmp-outcome-select").await.select_by_value("upheld").await.unwrap();
    browser.find("cmp-root-cause").await.select_by_value("system_error").await.unwrap();
    browser.find("cmp-redress").await.select_by_value("refund").await.unwrap();
    browser.fill("cmp-amount", "120").await;
    browser.find("cmp-opinion").await.select_by_value("satisfied").await.unwrap();
    browser.click("cmp-informed").await;
    browser.screenshot("complaint-closing-zh").await;
    browser.click("cmp-submit").await;
    wait_text(&browser, "case-status", "已关闭").await;
    assert_eq!(browser.text("cmp-outcome").await, "投诉成立");
    let stored = api.get(&format!("/api/cases/{id}")).await.body;
    assert_eq!(stored["complaint"]["redress_amount"], 12000);
    assert_eq!(stored["complaint"]["root_cause"], "system_error");
    browser.find("cmp-review").await;
    browser.close().await;
}

#[tokio::test]
async fn a_supervisor_approves_an_extension_the_agent_asked_for() {
    let agent = Api::signed_in(AGENT).await;
    let id = complaint_for(&agent).await;
    let path = format!("/api/cases/{id}/transition");
    assert_eq!(agent.post(&path, &serde_json::json!({"to": "investigation", "reason": "受理", "version": 1})).await.status, 200);
    let asked = agent.post(&path, &serde_json::json!({"action": "request_extension", "reason": "需外部鉴定", "version": 2})).await;
    assert_eq!(asked.status, 200, "{:?}", asked.body);

    let agent_view = Browser::open().await;
    agent_view.sign_in(AGENT).await;
    agent_view.goto(&format!("/cases/{id}")).await;
    agent_view.find("complaint-panel").await;
    assert!(!agent_view.has("cmp-approve-extension").await, "agents cannot approve");
    agent_view.close().await;

    let browser = Browser::open().await;
    browser.sign_in(SUPERVISOR).await;
    browser.goto(&format!("/cases/{id}")).await;
    assert_eq!(browser.text("cmp-extension").await, "待主管审批");
    browser.click("cmp-approve-extension").await;
    browser.click("cmp-informed-ext").await;
    browser.click("cmp-submit").await;
    wait_text(&browser, "cmp-extension", "已批准").await;
    browser.screenshot("complaint-extension-zh").await;
    browser.close().await;
}

#[tokio::test]
async fn a_sensitive_case_cannot_be_resolved_while_identity_is_unverified() {
    let api = Api::signed_in(AGENT).await;
    let customer = api.new_customer(&unique("挂失页面客户")).await;
    let case = api.post("/api/cases", &serde_json::json!({
        "kind": "inquiry", "channel": "phone", "customer_id": customer, "assignee": "me",
        "subject": "信用卡被盗刷", "description": "卡被盗刷，要求冻结"
    })).await.body;
    let id = case["id"].as_str().unwrap();
    api.post(&format!("/api/cases/{id}/events"), &serde_json::json!({"type": "reply", "body": "已受理", "version": 1})).await;

    let browser = Browser::open().await;
    browser.sign_in(AGENT).await;
    browser.goto(&format!("/cases/{id}")).await;
    assert!(browser.text("fraud-warning").await.contains("风险提示"));
    assert_eq!(browser.text("identity").await, "未核实");
    browser.fill("action-note", "已冻结卡片").await;
    browser.click("to-resolved").await;
    assert_eq!(browser.text("action-error").await, "请先核实客户身份，才能解决此工单。");
    browser.screenshot("fraud-warning-zh").await;

    browser.find("identity-method").await.select_by_value("face").await.unwrap();
    browser.click("identity-record").await;
    wait_text(&browser, "identity", "人脸识别").await;
    browser.fill("action-note", "已冻结卡片").await;
    browser.click("to-resolved").await;
    wait_text(&browser, "case-status", "已解决").await;
    browser.close().await;
}

/// An open inquiry of a new customer of this test's own, kept by the demo agent.
async fn inquiry_for(api: &Api, customer_name: &str) -> (String, String) {
    let customer = api.new_customer(customer_name).await;
    let reply = api.post("/api/cases", &serde_json::json!({
        "kind": "inquiry", "channel": "phone", "customer_id": customer, "assignee": "me", "complexity": "ordinary",
        "subject": "信用卡年费怎么收", "description": "想了解金卡年费"
    })).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    (reply.body["id"].as_str().unwrap().to_string(), customer)
}

#[tokio::test]
async fn two_agents_edit_one_case_and_the_second_sees_the_change_keeps_the_draft_and_retries() {
    let api = Api::signed_in(AGENT).await;
    let name = unique("冲突客户");
    let (id, _) = inquiry_for(&api, &name).await;
    let first = Browser::open().await;
    let second = Browser::open().await;
    first.sign_in(AGENT).await;
    second.sign_in(SUPERVISOR).await;
    first.goto(&format!("/cases/{id}")).await;
    second.goto(&format!("/cases/{id}")).await;
    first.find("composer").await;
    second.find("composer").await;

    // The second writes a reply from a canned one, with the customer's name filled in.
    second.click("canned-open").await;
    second.fill("canned-search", "年费").await;
    let item = second.find("canned-item").await;
    assert!(item.text().await.unwrap().contains("信用卡年费说明"));
    item.click().await.unwrap();
    let draft = wait_for("the canned reply in the draft", || async {
        let text = second.find("event-body").await.prop("value").await.ok()??;
        (!text.is_empty()).then_some(text)
    })
    .await;
    assert!(draft.starts_with(&format!("{name}您好")), "the customer's name is filled in: {draft}");
    assert!(!draft.contains('{'), "no placeholder is left: {draft}");

    // Meanwhile the first saves a note.
    first.find("event-type").await.select_by_value("note").await.unwrap();
    first.fill("event-body", "客户来电补充：持卡已满一年").await;
    first.click("event-submit").await;
    first.wait_text("timeline", "客户来电补充").await;

    // The second's save meets the first's change: nothing is overwritten, the change is shown,
    // and the draft is still there to send again.
    second.click("event-submit").await;
    let banner = second.wait_text("conflict", "客户来电补充").await;
    assert!(banner.contains("张伟"), "the banner names who changed it: {banner}");
    second.screenshot("case-conflict-zh").await;
    let kept = second.find("event-body").await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(kept, draft, "the draft survives the conflict");
    second.click("event-submit").await;
    second.wait_text("timeline", "次年起当年刷卡满6次").await;
    wait_for("the banner to go", || async { (!second.has("conflict").await).then_some(()) }).await;

    let stored = api.get(&format!("/api/cases/{id}")).await.body;
    let kinds: Vec<&str> = stored["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "note").count(), 1, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "reply").count(), 1, "{kinds:?}");
    assert_eq!(stored["status"], "responded", "the reply counted as the first response");
    first.close().await;
    second.close().await;
}

#[tokio::test]
async fn an_agent_opens_the_customer_360_reveals_the_phone_and_escalates_the_case() {
    let api = Api::signed_in(AGENT).await;
    let name = unique("全景客户");
    let (id, _) = inquiry_for(&api, &name).await;
    let browser = Browser::open().await;
    browser.resize(1280, 720).await;
    browser.sign_in(AGENT).await;
    browser.find("case-table").await;
    browser.screenshot("queue-zh-1280x720").await;
    // The status filter narrows the view to one status, served by cases_status_by_due.
    browser.click("view-open").await;
    browser.find("filter-status").await.select_by_value("resolved").await.unwrap();
    wait_for("only resolved cases", || async {
        let rows = browser.texts("case-row").await?;
        (!rows.is_empty() && rows.iter().all(|t| t.contains("已解决"))).then_some(())
    })
    .await;
    assert!(browser.client.current_url().await.unwrap().query().unwrap_or("").contains("status=resolved"), "the filter is in the address");
    browser.goto(&format!("/cases/{id}")).await;
    browser.find("composer").await;
    browser.screenshot("case-zh-1280x720").await;

    browser.click("case-customer-link").await;
    assert_eq!(browser.text("customer-title").await, name);
    let phone = browser.text("customer-phone").await;
    assert!(phone.starts_with("139****1234"), "masked by default: {phone}");
    assert_eq!(browser.find("customer-timeline").await.text().await.unwrap().matches("KF").count(), 1);
    browser.screenshot("customer-zh-1280x720").await;
    browser.click("reveal-phone").await;
    browser.wait_text("customer-phone", "139 0000 1234").await;

    browser.click("language-switch").await;
    browser.wait_text("customer-page", "Customer 360°").await;
    browser.screenshot("customer-en-1280x720").await;
    browser.click("nav-queue").await;
    browser.find("case-table").await;
    browser.screenshot("queue-en-1280x720").await;
    browser.goto(&format!("/cases/{id}")).await;
    browser.wait_text("hand-over", "Hand over").await;
    browser.screenshot("case-en-1280x720").await;

    browser.fill("hand-over-reason", "Customer asks for a supervisor").await;
    browser.click("escalate").await;
    browser.wait_text("timeline", "Escalated to a supervisor").await;
    let timeline = browser.text("timeline").await;
    assert!(timeline.contains("→ 李娜"), "the timeline names the supervisor: {timeline}");
    browser.click("language-switch").await;
    browser.close().await;
}

#[tokio::test]
async fn an_admin_erases_a_customers_data_once_their_case_is_closed_and_the_case_stays_as_a_shell() {
    let api = Api::signed_in(AGENT).await;
    let name = unique("删除客户");
    let (case, customer) = inquiry_for(&api, &name).await;
    let browser = Browser::open().await;
    browser.resize(1280, 720).await;
    browser.sign_in(ADMIN).await;
    browser.goto(&format!("/customers/{customer}")).await;
    assert_eq!(browser.text("customer-title").await, name);
    let export = browser.find("export-personal-data").await.attr("href").await.unwrap().unwrap_or_default();
    assert_eq!(export, format!("/api/customers/{customer}/export"));

    // Asked to confirm, and refused while the case is open: the reason is said.
    browser.click("erase-customer").await;
    browser.wait_text("erase-confirm", "永久清除").await;
    browser.click("erase-confirm-button").await;
    browser.wait_text("erase-error", "未结案件").await;
    assert_eq!(browser.text("customer-title").await, name, "nothing was erased");
    browser.scroll_to("erase-confirm").await;
    browser.screenshot("customer-erase-held-zh").await;

    // Once the case is closed, the same button erases.
    let replied = api.post(&format!("/api/cases/{case}/events"), &serde_json::json!({"type": "reply", "body": "已答复", "version": 1})).await;
    assert_eq!(replied.body["status"], "responded", "{:?}", replied.body);
    for (body, version) in [(serde_json::json!({"to": "resolved", "resolution": "已说明年费"}), 2), (serde_json::json!({"to": "closed"}), 3)] {
        let mut body = body;
        body["version"] = serde_json::json!(version);
        let moved = api.post(&format!("/api/cases/{case}/transition"), &body).await;
        assert_eq!(moved.status, 200, "{:?}", moved.body);
    }
    browser.click("erase-confirm-button").await;
    browser.wait_text("customer-erased", "个人数据已于").await;
    assert_eq!(browser.text("customer-title").await, "（已删除）");
    assert_eq!(browser.text("customer-phone").await, "—");
    browser.scroll_to("customer-erased").await;
    browser.screenshot("customer-erased-zh").await;

    browser.click("language-switch").await;
    browser.wait_text("customer-erased", "personal data was erased on").await;
    assert_eq!(browser.text("customer-title").await, "(erased)");
    browser.screenshot("customer-erased-en").await;
    browser.goto(&format!("/cases/{case}")).await;
    browser.wait_text("case-subject", "(erased)").await;
    assert_eq!(browser.text("case-customer-link").await, "(erased)");
    browser.click("language-switch").await;
    browser.close().await;
}

#[tokio::test]
async fn a_customer_files_a_complaint_from_the_web_form_without_signing_in() {
    let browser = Browser::open().await;
    browser.goto("/login").await;
    browser.click("contact-link").await;
    browser.click("contact-complaint").await;
    let name = unique("表单客户");
    browser.fill("contact-name", &name).await;
    browser.fill("contact-subject", "网银转账失败却扣款").await;
    browser.fill("contact-description", "11月20日网银转账显示失败，但账户已扣款500元").await;
    browser.click("contact-submit").await;
    let error = browser.text("contact-error").await;
    assert!(error.contains("手机号码或电子邮件"), "the form says what is missing: {error}");
    browser.fill("contact-phone", "13700001111").await;
    browser.click("contact-submit").await;
    let reference = browser.text("receipt-reference").await;
    assert!(reference.starts_with("KF"), "{reference}");
    browser.screenshot("contact-receipt-zh").await;

    let agent = Api::signed_in(AGENT).await;
    let found = agent.get(&format!("/api/customers?q={}", "13700001111")).await.body;
    let customer = found["items"].as_array().unwrap().iter().find(|c| c["name"] == name.as_str()).expect("the customer");
    let cases = agent.cases_of(customer["id"].as_str().unwrap()).await;
    assert_eq!((cases[0]["reference"].as_str(), cases[0]["channel"].as_str()), (Some(reference.as_str()), Some("web_form")));
    browser.close().await;
}

#[tokio::test]
async fn a_repeated_complaint_is_offered_for_merging_and_a_supervisor_finds_it_in_the_register() {
    let api = Api::signed_in(AGENT).await;
    let name = unique("重复投诉");
    let customer = api.new_customer(&name).await;
    let earlier = api.post("/api/cases", &serde_json::json!({
        "kind": "complaint", "channel": "phone", "customer_id": customer, "subject": "理财赎回延迟", "description": "赎回五天未到账"
    })).await.body;
    let browser = Browser::open().await;
    browser.sign_in(AGENT).await;
    browser.goto("/cases/new").await;
    browser.fill("customer-search", &name).await;
    browser.click("customer-result").await;
    browser.find("case-kind").await.select_by_value("complaint").await.unwrap();
    // Who handles a complaint is not the agent's call: the form says it is routed and does not
    // offer to keep it.
    browser.wait_text("case-routed", "投诉登记后自动分派").await;
    assert!(!browser.has("case-mine").await, "an agent is not offered to keep a complaint");
    browser.fill("case-subject", "理财赎回延迟（再次来电）").await;
    browser.fill("case-description", "客户再次来电催促，无新情况").await;
    let suggested = browser.wait_text("suggestion", "理财").await;
    assert!(suggested.contains("普通"), "the suggestion names the complexity: {suggested}");
    let offer = browser.wait_text("merge-offer", earlier["reference"].as_str().unwrap()).await;
    assert!(offer.contains("理财赎回延迟"), "{offer}");
    browser.screenshot("new-case-merge-offer-zh").await;
    browser.click("merge-into").await;
    browser.wait_text("case-reference", earlier["reference"].as_str().unwrap()).await;
    let cases = api.cases_of(&customer).await;
    assert_eq!(cases.len(), 2);
    let repeat = cases.iter().find(|c| c["id"] != earlier["id"]).unwrap();
    assert_eq!(repeat["status"], "closed", "the repeat is closed as merged");
    let detail = api.get(&format!("/api/cases/{}", repeat["id"].as_str().unwrap())).await.body;
    assert_eq!(detail["complaint"]["merged_into"], earlier["id"]);
    browser.close().await;

    let boss = Browser::open().await;
    boss.sign_in(SUPERVISOR).await;
    boss.click("nav-complaints").await;
    boss.find("complaint-register").await;
    boss.find("register-outcome-cell").await;
    boss.screenshot("complaint-register-zh").await;
    boss.client.find(fantoccini::Locator::Css("#register-outcome")).await.unwrap().select_by_value("upheld").await.unwrap();
    wait_for("only upheld complaints", || async {
        let cells = boss.texts("register-outcome-cell").await?;
        (!cells.is_empty() && cells.iter().all(|t| t == "投诉成立")).then_some(())
    })
    .await;
    boss.close().await;
}

#[tokio::test]
async fn an_admin_sees_the_survey_schedules_previews_a_template_and_adds_a_schedule() {
    let browser = Browser::open().await;
    browser.sign_in(ADMIN).await;
    browser.click("nav-surveys").await;
    browser.find("schedule-table").await;
    let nexts = browser.texts("schedule-next").await.unwrap_or_default();
    assert!(nexts.iter().any(|n| n.contains("10:00") && n.contains("Asia/Shanghai")), "the quarterly survey's next run, in the institution's zone: {nexts:?}");
    browser.click("template-preview").await;
    browser.wait_text("survey-preview", "您对我行本季度的服务总体满意吗").await;

    // A bad link lifetime is refused, naming the field; a good one adds a row.
    let name = unique("月度调查");
    browser.fill("schedule-name", &name).await;
    browser.fill("schedule-link", "365").await;
    browser.click("schedule-create").await;
    browser.find("schedule-error").await;
    assert_eq!(browser.find("schedule-link").await.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    browser.fill("schedule-link", "14").await;
    browser.click("schedule-create").await;
    browser.wait_text("schedule-table", &name).await;
    browser.screenshot("surveys-admin-zh").await;
    browser.click("language-switch").await;
    browser.wait_text("survey-schedules", "Schedules").await;
    browser.screenshot("surveys-admin-en").await;
    browser.click("language-switch").await;
    browser.close().await;
}

#[tokio::test]
async fn an_admin_writes_a_survey_template_in_both_languages_and_schedules_it_for_an_audience() {
    let api = Api::signed_in(ADMIN).await;
    let browser = Browser::open().await;
    browser.resize(1400, 1000).await;
    browser.sign_in(ADMIN).await;
    browser.click("nav-surveys").await;
    browser.click("template-new").await;
    let name = unique("网点服务回访");
    browser.fill("template-name", &name).await;
    browser.fill("template-title-zh", "网点服务回访").await;
    browser.fill("template-title-en", "Your branch visit").await;
    browser.fill("question-zh", "您对本次网点服务满意吗？").await;

    // The English text is missing: the save is refused, pointing at that question and field.
    browser.click("template-save").await;
    browser.wait_text("template-error", "第 1 题 · 问题（英文）").await;
    assert_eq!(browser.find("question-en").await.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    assert_eq!(browser.find("template-question").await.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    browser.fill("question-en", "How satisfied were you with the branch?").await;

    // A second question, a choice, shown in the preview as the customer will see it; moved first.
    browser.click("question-add").await;
    browser.nth("question-zh", 1).await.send_keys("您最希望我们改进哪方面？").await.unwrap();
    browser.nth("question-en", 1).await.send_keys("What should we improve most?").await.unwrap();
    browser.find("question-options").await.send_keys("排队时间 | Waiting time\n服务态度 | Staff manner").await.unwrap();
    browser.wait_text("survey-preview", "服务态度").await;
    browser.nth("question-up", 1).await.click().await.unwrap();
    browser.wait_text("survey-preview", "1. 您最希望我们改进哪方面？").await;
    browser.scroll_to("template-editor").await;
    browser.screenshot("survey-template-editor-zh").await;
    browser.click("language-switch").await;
    browser.wait_text("survey-preview", "1. What should we improve most?").await;
    browser.scroll_to("template-editor").await;
    browser.screenshot("survey-template-editor-en").await;
    browser.click("language-switch").await;
    browser.click("template-save").await;
    browser.wait_text("survey-templates", &name).await;
    assert!(!browser.has("template-editor").await, "the editor closes once saved");

    let templates = api.get("/api/survey-templates").await.body;
    let saved = templates["items"].as_array().unwrap().iter().find(|t| t["name"] == name.as_str()).expect("the template is saved").clone();
    let questions = saved["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 2);
    assert_eq!((questions[0]["kind"].as_str(), questions[0]["options"][1]["en"].as_str()), (Some("single_choice"), Some("Staff manner")));
    assert_eq!((questions[1]["kind"].as_str(), questions[1]["required"].as_bool()), (Some("csat"), Some(true)));

    // The new template is offered at once for a schedule: existing customers holding a mortgage,
    // in the quarter's second month.
    let schedule = unique("房贷客户回访");
    let template_id = saved["id"].as_str().unwrap().to_string();
    browser.find("schedule-template").await.select_by_value(&template_id).await.unwrap();
    browser.fill("schedule-name", &schedule).await;
    browser.find("schedule-months").await.select_by_value("1").await.unwrap();
    browser.click("schedule-lifecycle-existing").await;
    browser.click("schedule-product-mortgage").await;
    browser.click("schedule-create").await;
    browser.wait_text("schedule-table", &schedule).await;
    let schedules = api.get("/api/survey-schedules").await.body;
    let made = schedules["items"].as_array().unwrap().iter().find(|s| s["name"] == schedule.as_str()).expect("the schedule is saved").clone();
    assert_eq!(made["template_id"], template_id.as_str());
    assert_eq!(made["cadence"]["month_offset"], 1);
    assert_eq!(made["audience"]["lifecycles"], serde_json::json!(["existing"]));
    assert_eq!(made["audience"]["products"], serde_json::json!(["mortgage"]));
    browser.close().await;
}

#[tokio::test]
async fn a_supervisor_reads_the_dashboard_for_a_team_and_opens_its_breached_cases() {
    let api = Api::signed_in(SUPERVISOR).await;
    let expected = api.get("/api/dashboard?team=team-retail-1").await;
    assert_eq!(expected.status, 200, "{:?}", expected.body);
    let breached = expected.body["breached_now"].as_u64().unwrap() as u32;
    assert!(breached > 0, "the demo data has breached cases in retail team 1");

    let browser = Browser::open().await;
    browser.resize(1280, 900).await;
    browser.sign_in(SUPERVISOR).await;
    browser.click("nav-dashboard").await;
    browser.find("fig-first-response").await;
    let option = browser.client.find(Locator::Css("[data-testid='dash-team'] option[value='team-retail-1']")).await.expect("the team is offered");
    option.click().await.unwrap();
    browser.wait_text("fig-breached-value", &domain::api::count_label(breached)).await;
    let first_response = browser.text("fig-first-response").await;
    assert!(first_response.contains("首次响应及时率") && first_response.contains('%'), "{first_response}");
    browser.find("chart-received").await;
    browser.screenshot("dashboard-zh").await;

    // The breached count opens the queue behind it: that team's breached cases.
    browser.click("fig-breached").await;
    browser.find("team-filter").await;
    let url = browser.client.current_url().await.unwrap();
    assert!(url.as_str().contains("view=breached") && url.as_str().contains("team=team-retail-1"), "{url}");
    browser.find("case-table").await;
    let mut states = Vec::new();
    for badge in browser.client.find_all(Locator::Css("[data-testid='sla-badge']")).await.unwrap() {
        states.push(badge.attr("data-state").await.unwrap().unwrap_or_default());
    }
    assert!(!states.is_empty() && states.iter().all(|s| s == "breached"), "{states:?}");

    // Back on the dashboard, the same team: the period and team are in the address.
    browser.client.back().await.unwrap();
    browser.wait_text("fig-breached-value", &domain::api::count_label(breached)).await;
    assert!(browser.client.current_url().await.unwrap().as_str().contains("team=team-retail-1"));
    browser.click("language-switch").await;
    browser.wait_text("fig-first-response", "First response on time").await;
    browser.screenshot("dashboard-en").await;
    browser.close().await;
}

#[tokio::test]
async fn a_supervisor_drills_from_the_dashboard_into_the_queue_exports_it_and_reads_the_reports() {
    let api = Api::signed_in(SUPERVISOR).await;
    let expected = api.get("/api/dashboard?team=team-retail-1").await;
    assert_eq!(expected.status, 200, "{:?}", expected.body);
    let received: u64 = expected.body["current"]["received"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    assert!(received > 0, "the demo data has cases received by retail team 1 in the last 30 days");

    let browser = Browser::open().await;
    browser.resize(1280, 900).await;
    browser.sign_in(SUPERVISOR).await;
    browser.click("nav-dashboard").await;
    browser.find("fig-received").await;
    let option = browser.client.find(Locator::Css("[data-testid='dash-team'] option[value='team-retail-1']")).await.expect("the team is offered");
    option.click().await.unwrap();
    browser.wait_text("fig-received-value", &received.to_string()).await;
    // Every chart's marks open the cases behind them, e.g. a quarter's satisfaction its answers.
    let quarter = browser.client.find(Locator::Css("[data-testid='chart-quarters'] a")).await.expect("a quarter's bar is a link");
    let href = quarter.attr("href").await.unwrap().unwrap_or_default();
    assert!(href.contains("date=answered") && href.contains("team=team-retail-1"), "{href}");

    // The received figure opens the cases behind it, open or closed, in received order.
    browser.click("fig-received").await;
    browser.find("drill-down").await;
    let url = browser.client.current_url().await.unwrap();
    assert!(url.as_str().contains("date=received") && url.as_str().contains("team=team-retail-1"), "{url}");
    browser.find("case-table").await;
    let rows = browser.client.find_all(Locator::Css("[data-testid='case-row']")).await.unwrap();
    assert_eq!(rows.len() as u64, received.min(50), "the first page of the list behind the figure");
    browser.screenshot("drill-down-zh").await;

    // Export it: the browser's own request, with its session, as the link would download it.
    let href = browser.find("export-csv").await.attr("href").await.unwrap().expect("the export's address");
    assert!(href.contains("date=received") && href.contains("team=team-retail-1") && href.contains("lang=zh"), "{href}");
    // The bytes, not text(): decoding as text would drop the byte-order mark this checks.
    let bytes = browser
        .client
        .execute_async("const [href, done] = arguments; fetch(href).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))));", vec![href.into()])
        .await
        .unwrap();
    let bytes: Vec<u8> = serde_json::from_value(bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap().strip_prefix('\u{feff}').expect("a byte-order mark, for Excel").to_string();
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, domain::export::COLUMNS.iter().map(|(_, zh, _)| zh.to_string()).collect::<Vec<_>>());
    assert_eq!(csv.records().count() as u64, received, "one row per case of the list");

    // The reports: scorecards, the complaint return, the half-year review.
    browser.click("nav-reports").await;
    browser.find("scorecards").await;
    browser.screenshot("reports-scorecards-zh").await;
    browser.click("tab-return").await;
    browser.find("complaint-return").await;
    browser.screenshot("reports-return-zh").await;
    browser.click("tab-review").await;
    browser.find("half-year-review").await;
    browser.click("language-switch").await;
    browser.wait_text("half-year-review", "Satisfaction (CSAT)").await;
    browser.screenshot("reports-review-en").await;
    browser.close().await;
}

#[tokio::test]
async fn an_agent_records_that_a_customer_left_and_the_supervisor_finds_them_behind_the_churn_figure() {
    let api = Api::signed_in(AGENT).await;
    let name = unique("流失客户");
    let customer = api.new_customer(&name).await;

    let browser = Browser::open().await;
    browser.resize(1280, 900).await;
    browser.sign_in(AGENT).await;
    browser.goto(&format!("/customers/{customer}")).await;
    browser.wait_text("customer-relationship", "在册").await;
    browser.find("leave-reason").await.select_by_value("fees_or_rates").await.unwrap();
    browser.click("record-left").await;
    let left = browser.wait_text("customer-left", "已流失").await;
    assert!(left.contains("费用或利率"), "the reason is shown: {left}");
    browser.screenshot("customer-left-zh").await;
    browser.close().await;

    let boss = Api::signed_in(SUPERVISOR).await;
    let expected = boss.get("/api/dashboard").await;
    let count = expected.body["current"]["customers_left"].as_u64().expect("customers_left");
    assert!(count >= 1, "{:?}", expected.body["current"]);
    let browser = Browser::open().await;
    browser.resize(1280, 900).await;
    browser.sign_in(SUPERVISOR).await;
    browser.click("nav-dashboard").await;
    browser.wait_text("fig-churn-value", &count.to_string()).await;
    browser.scroll_to("chart-churn").await;
    browser.wait_text("chart-churn", "费用或利率").await;
    browser.screenshot("dashboard-churn-zh").await;
    // The figure opens the customers behind it: who left in the period, and why.
    browser.click("fig-churn").await;
    let mut rows = wait_for("the customers who left", || async { browser.texts("left-row").await.filter(|r| !r.is_empty()) }).await;
    while !rows.iter().any(|r| r.contains(&name)) && browser.has("left-more").await {
        browser.click("left-more").await;
        rows = browser.texts("left-row").await.unwrap_or_default();
    }
    let row = rows.iter().find(|r| r.contains(&name)).unwrap_or_else(|| panic!("{name} in {rows:?}"));
    assert!(row.contains("费用或利率"), "{row}");
    if !browser.has("left-more").await {
        assert_eq!(rows.len() as u64, count, "the list has as many customers as the figure counts");
    }
    browser.screenshot("customers-left-zh").await;
    browser.click("language-switch").await;
    browser.wait_text("left-customers", "Fees or rates").await;
    browser.screenshot("customers-left-en").await;
    browser.click("language-switch").await;

    // Back to the period it came from; a reason's bar opens those who left for that reason.
    browser.click("back-to-dashboard").await;
    browser.wait_text("fig-churn-value", &count.to_string()).await;
    let period = format!("from={}&to={}", expected.body["from"].as_str().unwrap(), expected.body["to"].as_str().unwrap());
    assert!(browser.client.current_url().await.unwrap().as_str().contains(&period), "the period drilled from");
    browser.scroll_to("chart-churn").await;
    let bar = Locator::Css("[data-testid='chart-churn'] a[href*='reason=fees_or_rates']");
    browser.client.find(bar).await.expect("the reason's bar is a link").click().await.unwrap();
    browser.wait_text("left-title", "费用或利率").await;
    let fees = expected.body["current"]["leave_reasons"]["fees_or_rates"].as_u64().expect("one left for fees or rates");
    let rows = wait_for("those who left for fees or rates", || async { browser.texts("left-row").await.filter(|r| !r.is_empty()) }).await;
    assert!(rows.iter().all(|r| r.contains("费用或利率")), "{rows:?}");
    assert_eq!(rows.len() as u64, fees.min(50), "as many as the bar counts");

    // The complaint-step figure opens the late steps behind it: one row per step.
    let steps = expected.body["current"]["steps"].as_object().expect("steps").values();
    let late: u64 = steps.map(|c| c["decided"].as_u64().unwrap() - c["on_time"].as_u64().unwrap()).sum();
    browser.goto("/dashboard").await;
    browser.find("fig-steps-value").await;
    browser.click("fig-steps").await;
    browser.wait_text("drill-down", "投诉环节到期于").await;
    let shown = wait_for("the late steps", || async {
        let rows = browser.client.find_all(Locator::Css("[data-testid='case-row']")).await.ok()?;
        (rows.len() as u64 == late.min(50)).then_some(rows.len())
    }).await;
    assert!(shown > 0, "the demo data has complaint steps that ran late in the last 30 days");
    browser.screenshot("drill-down-steps-zh").await;
    browser.close().await;
}

/// What the page's Content-Security-Policy refused so far (boot.js records each refusal).
async fn csp_violations(browser: &Browser) -> Vec<String> {
    let found = browser.client.execute("return globalThis.kefuCspViolations ?? [];", vec![]).await.expect("the refusals");
    serde_json::from_value(found).expect("a list of refusals")
}

#[tokio::test]
async fn every_screen_runs_under_the_strict_content_security_policy() {
    let admin = Api::signed_in(ADMIN).await;
    let complaint = admin.get("/api/cases?kind=complaint&limit=1").await.body["items"][0].clone();
    let (case, customer) = (complaint["id"].as_str().expect("a demo complaint"), complaint["customer_id"].as_str().expect("its customer"));

    let browser = Browser::open().await;
    browser.sign_in(ADMIN).await;
    // Every section, and the screens with charts and bars (their widths are styles).
    for (path, ready) in [
        ("/queue?view=open".to_string(), "case-table"),
        (format!("/cases/{case}"), "timeline"),
        ("/complaints".into(), "complaint-register"),
        (format!("/customers/{customer}"), "customer-relationship"),
        ("/dashboard".into(), "chart-categories"),
        ("/reports".into(), "scorecards"),
        ("/surveys".into(), "schedule-table"),
        ("/surveys/sched-quarterly".into(), "results-trend"),
        ("/settings".into(), "users-list"),
        ("/account".into(), "change-password"),
        ("/audit".into(), "audit-table"),
        ("/password/0123456789abcdef0123456789abcdef".into(), "password-link-gone"),
    ] {
        browser.goto(&path).await;
        browser.find(ready).await;
        assert_eq!(csp_violations(&browser).await, Vec::<String>::new(), "{path}: the app needs nothing the policy refuses");
    }
    // The check sees a refusal: an inline style attribute is one.
    browser.client.execute("document.body.setAttribute('style', 'color: red');", vec![]).await.unwrap();
    let refused = wait_for("the refusal of an inline style", || async { Some(csp_violations(&browser).await).filter(|v| !v.is_empty()) }).await;
    assert!(refused.iter().any(|r| r.starts_with("style-src")), "{refused:?}");
    browser.close().await;
}

#[tokio::test]
async fn a_supervisor_signs_out_everywhere_and_their_other_session_ends_too() {
    let other = Api::signed_in(SUPERVISOR).await;
    assert_eq!(other.get("/api/me").await.status, 200);
    let browser = Browser::open().await;
    browser.sign_in(SUPERVISOR).await;
    browser.click("sign-out-everywhere").await;
    browser.find("login-email").await;
    assert_eq!(other.get("/api/me").await.status, 401, "the session on another device ended");
    browser.goto("/queue").await;
    browser.find("login-email").await;
    browser.close().await;
}

#[tokio::test]
async fn an_admin_invites_a_colleague_who_sets_a_password_signs_in_and_changes_it() {
    let browser = Browser::open().await;
    browser.sign_in(ADMIN).await;
    browser.goto("/settings").await;
    browser.find("users-list").await;
    let email = format!("{}@bank.example", unique("colleague"));
    browser.fill("invite-name", "钱 同事").await;
    browser.fill("invite-email", &email).await;
    // An agent of no team: routing and escalation keep to the demo teams other tests rely on.
    browser.find("invite-role").await.select_by_value("agent").await.unwrap();
    browser.find("invite-team").await.select_by_value("").await.unwrap();
    browser.click("invite-submit").await;
    assert!(browser.wait_text("invite-sent", &email).await.contains(&email));
    let row = wait_for("the invited account in the list", || async {
        let form = browser.client.find(Locator::Css(&format!("[data-testid='user-form'][data-email='{email}']"))).await.ok()?;
        let status = form.find(Locator::Css("[data-testid='user-status']")).await.ok()?.text().await.ok()?;
        (status == "待设置密码").then_some(form)
    })
    .await;
    browser.scroll_to("users-section").await;
    browser.screenshot("settings-users-zh").await;
    assert_eq!(row.find(Locator::Css("[data-testid='user-role']")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("agent"));
    // The account's audit trail, from its row.
    row.find(Locator::Css("[data-testid='user-audit']")).await.unwrap().click().await.unwrap();
    let actions = browser.wait_text("audit-table", "邀请用户").await;
    assert!(actions.contains("王敏"), "who invited them: {actions}");
    browser.screenshot("audit-zh").await;
    browser.click("language-switch").await;
    browser.wait_text("audit-table", "Invited a user").await;
    browser.screenshot("audit-en").await;
    browser.goto("/settings").await;
    browser.wait_text("users-section", "Invite someone").await;
    browser.scroll_to("users-section").await;
    browser.screenshot("settings-users-en").await;
    browser.click("language-switch").await;
    browser.wait_text("users-section", "邀请新用户").await;

    // The link from the e-mail (as the outbox holds it), opened signed out.
    let admin = Api::signed_in(ADMIN).await;
    let id = admin.get("/api/users").await.body.as_array().unwrap().iter().find(|a| a["email"] == email.as_str()).unwrap()["id"].as_str().unwrap().to_string();
    let body: String = kefu_tests::database()
        .query_row("SELECT body FROM outbox WHERE recipient_id = ?1 ORDER BY rowid DESC LIMIT 1", [&id], |r| r.get(0))
        .unwrap();
    let link = body.split_whitespace().find(|w| w.contains("/password/")).unwrap().to_string();
    let path = &link[link.find("/password/").unwrap()..];
    browser.click("sign-out").await;
    browser.find("login-email").await;
    browser.goto(path).await;
    browser.find("set-password").await;
    browser.fill("new-password", "Password2026!").await;
    browser.fill("repeat-password", "Password2026!").await;
    browser.click("set-password-submit").await;
    browser.wait_text("password-error", "常见密码").await;
    browser.screenshot("set-password-zh").await;
    browser.fill("new-password", "晨光-柜台-2026-春").await;
    browser.fill("repeat-password", "晨光-柜台-2026-秋").await;
    browser.click("set-password-submit").await;
    browser.wait_text("password-error", "不一致").await;
    browser.fill("repeat-password", "晨光-柜台-2026-春").await;
    browser.click("set-password-submit").await;
    browser.find("password-set").await;

    browser.click("go-sign-in").await;
    browser.fill("login-email", &email).await;
    browser.fill("login-password", "晨光-柜台-2026-春").await;
    browser.click("login-submit").await;
    assert_eq!(browser.text("current-role").await, "客服人员");
    browser.click("account-link").await;
    browser.find("change-password").await;
    browser.fill("current-password", "晨光-柜台-2026-春").await;
    browser.fill("new-password", "夕阳-窗口-2027-冬").await;
    browser.fill("repeat-password", "夕阳-窗口-2027-冬").await;
    browser.click("change-password-submit").await;
    browser.find("password-changed").await;
    browser.click("language-switch").await;
    browser.wait_text("password-changed", "Password changed").await;
    browser.screenshot("account-en").await;
    assert_eq!(Api::anonymous().post("/api/auth/login", &serde_json::json!({"email": email, "password": "夕阳-窗口-2027-冬"})).await.status, 200);
    browser.close().await;
}
