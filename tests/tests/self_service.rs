//! Browser tests of self-service in headless Chromium: a customer finds an answer in the FAQ or
//! on the web form without an account, and an agent puts an article into a reply.

use kefu_tests::browser::{wait_for, Browser};
use kefu_tests::{unique, Api, ADMIN, AGENT};

#[tokio::test]
async fn a_customer_finds_an_answer_in_the_faq() {
    let browser = Browser::open().await;
    browser.goto("/contact").await;
    browser.click("contact-faq").await;
    browser.fill("faq-search", "我的信用卡年费怎么收").await;
    browser.click("faq-search-submit").await;
    // The list before the search shows every article; the search's lists the fee article first.
    wait_for("the fee article first in the search's results", || async {
        let first = browser.nth("faq-item", 0).await.text().await.ok()?;
        first.contains("信用卡年费怎么收").then_some(())
    })
    .await;
    browser.screenshot("faq-search-zh").await;
    browser.nth("faq-item", 0).await.find(fantoccini::Locator::Css("a")).await.unwrap().click().await.unwrap();
    let body = browser.text("faq-body").await;
    assert!(body.contains("刷卡满6次"), "the answer: {body}");
    browser.screenshot("faq-article-zh").await;
    browser.click("language-switch").await;
    browser.wait_text("faq-body", "waived when the card is used 6 times").await;
    browser.screenshot("faq-article-en").await;

    // A search that finds nothing says so and offers the web form.
    browser.goto(&format!("/faq?q={}", unique("zzqq"))).await;
    browser.find("empty").await;
    browser.find("faq-ask").await;
    browser.screenshot("faq-empty-en").await;
    browser.click("language-switch").await;
    browser.close().await;
}

#[tokio::test]
async fn the_web_form_suggests_an_article_that_answers_the_inquiry() {
    let browser = Browser::open().await;
    browser.goto("/contact").await;
    browser.fill("contact-subject", "银行卡丢了").await;
    browser.fill("contact-description", "我的银行卡丢了，怎么挂失？").await;
    browser.wait_text("suggestions", "银行卡丢失如何挂失").await;
    browser.screenshot("contact-suggestions-zh").await;
    browser.click("suggestion-solved").await;
    browser.wait_text("answered", "银行卡丢失如何挂失").await;

    // A complaint is never met with suggestions.
    browser.click("answered-back").await;
    browser.click("contact-complaint").await;
    wait_for("the suggestions to go for a complaint", || async { (!browser.has("suggestions").await).then_some(()) }).await;
    browser.close().await;
}

#[tokio::test]
async fn an_agent_inserts_a_suggested_article_into_the_reply() {
    let api = Api::signed_in(AGENT).await;
    let customer = api.new_customer(&unique("年费客户")).await;
    let case = api
        .post("/api/cases", &serde_json::json!({"kind": "inquiry", "channel": "phone", "customer_id": customer,
            "subject": "信用卡年费", "description": "客户询问信用卡年费怎么收，能否免年费"}))
        .await;
    assert_eq!(case.status, 201, "{:?}", case.body);
    let id = case.body["id"].as_str().unwrap().to_string();
    let browser = Browser::open().await;
    browser.sign_in(AGENT).await;
    browser.goto(&format!("/cases/{id}")).await;
    browser.wait_text("suggested-articles", "信用卡年费怎么收").await;
    browser.scroll_to("suggested-articles").await;
    browser.screenshot("case-suggested-articles-zh").await;
    browser.nth("kb-insert-excerpt", 0).await.click().await.unwrap();
    let draft = wait_for("the excerpt in the draft", || async {
        let value = browser.find("event-body").await.prop("value").await.ok()??;
        value.contains("/faq/").then_some(value)
    })
    .await;
    assert!(draft.contains("信用卡年费怎么收") && draft.contains("200元"), "title, excerpt and link: {draft}");

    // A search from the composer finds another article.
    browser.click("kb-open").await;
    browser.fill("kb-picker-search", "挂失").await;
    browser.click("kb-picker-go").await;
    browser.wait_text("kb-panel", "银行卡丢失如何挂失").await;
    browser.screenshot("composer-knowledge-zh").await;
    browser.close().await;
}

#[tokio::test]
async fn a_supervisor_writes_and_publishes_an_article_customers_can_then_find() {
    let word = unique("网点停车");
    let browser = Browser::open().await;
    browser.sign_in(kefu_tests::SUPERVISOR).await;
    browser.click("nav-knowledge").await;
    browser.find("kb-insights").await;
    browser.screenshot("knowledge-zh").await;
    browser.click("article-new").await;
    browser.find("article-category").await.select_by_value("other").await.unwrap();
    browser.fill("article-title-zh", &format!("{word}怎么收费")).await;
    // A title without a body is refused, naming the body.
    browser.click("article-published").await;
    browser.click("article-save").await;
    browser.wait_text("article-error", "正文").await;
    browser.fill("article-body-zh", "网点停车场对办理业务的客户免费开放两小时。").await;
    browser.click("article-save").await;
    browser.find("article-saved").await;
    browser.screenshot("article-editor-zh").await;

    let public = Api::anonymous();
    let found = public.get(&format!("/api/public/articles?q={}", kefu_tests::urlencode(&word))).await;
    assert_eq!(found.body["items"][0]["title"]["zh"].as_str(), Some(format!("{word}怎么收费").as_str()), "{:?}", found.body);
    browser.click("language-switch").await;
    browser.goto("/knowledge").await;
    browser.find("kb-insights").await;
    browser.screenshot("knowledge-en").await;
    browser.click("language-switch").await;
    browser.close().await;
}

/// The next working day (Monday to Friday) after today in Beijing, as the date input takes it.
fn next_working_day() -> String {
    use chrono::Datelike;
    let mut day = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    loop {
        day = day.succ_opt().unwrap();
        if day.weekday().num_days_from_monday() < 5 {
            return day.format("%Y-%m-%d").to_string();
        }
    }
}

/// Sets the slot picker's date, as choosing it in the date control does.
async fn choose_date(browser: &Browser, date: &str) {
    let input = browser.find("slot-date").await;
    let args = vec![serde_json::to_value(input).unwrap(), serde_json::json!(date)];
    browser
        .client
        .execute("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", args)
        .await
        .expect("set the date");
}

#[tokio::test]
async fn a_customer_books_reschedules_and_cancels_a_branch_appointment() {
    let browser = Browser::open().await;
    browser.goto("/faq").await;
    browser.click("faq-book").await;
    browser.find("book-branch").await.select_by_value("branch-zhongguancun").await.unwrap();
    browser.find("book-service").await.select_by_value("card_replacement").await.unwrap();
    let day = next_working_day();
    choose_date(&browser, &day).await;
    browser.nth("slot", 2).await.click().await.unwrap();
    browser.fill("book-name", &unique("预约客户")).await;
    browser.fill("book-phone", "13800002222").await;
    browser.screenshot("book-zh").await;
    browser.click("book-submit").await;
    let reference = browser.text("appointment-reference").await;
    assert!(reference.starts_with("YY"), "{reference}");
    let booked_time = browser.text("appointment-time").await;
    assert!(booked_time.starts_with(&format!("{day} 09:40")), "the third 20-minute slot: {booked_time}");
    browser.screenshot("book-receipt-zh").await;

    // The link in the confirmation: move to another slot, then cancel.
    browser.click("manage-link").await;
    browser.wait_text("appointment-status", "已预约").await;
    browser.click("reschedule-open").await;
    choose_date(&browser, &day).await;
    browser.nth("slot", 5).await.click().await.unwrap();
    browser.click("reschedule-submit").await;
    browser.find("manage-done").await;
    browser.wait_text("appointment-time", &format!("{day} 10:40")).await;
    browser.click("language-switch").await;
    browser.screenshot("manage-appointment-en").await;
    browser.click("cancel-open").await;
    browser.click("cancel-submit").await;
    browser.wait_text("appointment-status", "Cancelled").await;
    browser.find("manage-closed").await;
    browser.screenshot("manage-cancelled-en").await;
    // Opened again, the link says it is dead and shows nothing of the booking.
    browser.client.refresh().await.unwrap();
    browser.find("manage-gone").await;
    assert!(!browser.has("appointment-reference").await, "a dead link shows no booking");
    browser.screenshot("manage-gone-en").await;
    browser.click("language-switch").await;

    let agent = Api::signed_in(AGENT).await;
    let found = agent.get(&format!("/api/appointments?reference={reference}")).await;
    assert_eq!(found.body["items"][0]["status"], "cancelled", "{:?}", found.body);
    browser.close().await;
}

#[tokio::test]
async fn branch_staff_check_a_customer_in_after_checking_their_id() {
    let api = Api::anonymous();
    let day = next_working_day();
    let slots = api.get(&format!("/api/public/slots?branch=branch-lujiazui&service=account_opening&date={day}")).await;
    let start = slots.body["slots"].as_array().and_then(|s| s.iter().find(|s| s["left"].as_i64() > Some(0))).expect("a free slot")["start"].clone();
    let name = unique("到店客户");
    let booked = api
        .send(api.http.post(api.url("/api/public/appointments")).header("X-Requested-With", "kefu").header("CF-Connecting-IP", "203.0.113.60")
            .json(&serde_json::json!({"branch_id": "branch-lujiazui", "service": "account_opening", "start": start, "name": name, "phone": "13600003333"})))
        .await;
    assert_eq!(booked.status, 201, "{:?}", booked.body);
    let reference = booked.body["appointment"]["reference"].as_str().unwrap().to_string();

    let browser = Browser::open().await;
    browser.sign_in(AGENT).await;
    browser.click("nav-appointments").await;
    browser.fill("desk-reference", &reference.to_lowercase()).await;
    browser.click("desk-look-up").await;
    assert_eq!(browser.text("desk-name").await, name);
    assert!(!browser.find("desk-check-in").await.is_enabled().await.unwrap(), "check-in waits for the ID check");
    browser.find("desk-other-day").await;
    browser.click("desk-id-checked").await;
    browser.click("desk-check-in").await;
    browser.wait_text("appointment-status", "已到店").await;
    browser.screenshot("desk-checked-in-zh").await;
    browser.close().await;
}

#[tokio::test]
async fn an_admin_opens_a_branch_with_a_new_service_that_customers_can_then_book() {
    let browser = Browser::open().await;
    browser.sign_in(ADMIN).await;
    browser.goto("/settings").await;
    browser.scroll_to("branches-section").await;

    // A new service, then a branch offering it.
    let code = format!("safe_box_{}", unique("").chars().rev().take(8).collect::<String>());
    browser.fill("service-new-code", &code).await;
    browser.fill("service-new-name-zh", "保管箱开箱").await;
    browser.fill("service-new-name-en", "Opening a safe deposit box").await;
    browser.fill("service-new-minutes", "40").await;
    browser.fill("service-new-capacity", "1").await;
    browser.fill("service-new-bring-zh", "本人身份证原件、保管箱钥匙").await;
    browser.click("service-new-save").await;
    browser.wait_text("service-list", &code).await;

    let name = unique("西单支行");
    browser.fill("branch-new-name-zh", &name).await;
    browser.fill("branch-new-name-en", "Xidan Branch").await;
    browser.fill("branch-new-address-zh", "北京市西城区西单北大街1号").await;
    browser.fill("branch-new-address-en", "1 Xidan North Street, Beijing").await;
    browser.fill("branch-new-opens", "10:00").await;
    browser.fill("branch-new-closes", "09:30").await;
    browser.click(&format!("branch-new-offers-{code}")).await;
    browser.click("branch-new-save").await;
    // Closing before opening is refused, naming the field, and the form keeps what was typed.
    let error = browser.wait_text("save-error", "关门时间").await;
    assert!(error.contains("关门时间"), "{error}");
    browser.fill("branch-new-closes", "12:00").await;
    browser.screenshot("settings-branch-new-zh").await;
    browser.click("branch-new-save").await;
    browser.wait_text("branch-list", &name).await;
    let listed = browser.texts("branch-record").await.unwrap_or_default();
    assert!(listed.iter().any(|b| b.contains(&name) && b.contains("10:00–12:00") && b.contains("1 项业务")), "{listed:?}");
    // An existing branch opens to its form.
    browser.nth("branch-record", 0).await.find(fantoccini::Locator::Css("button")).await.unwrap().click().await.unwrap();
    browser.find("branch-form").await;
    browser.scroll_to("branch-list").await;
    browser.screenshot("settings-branches-zh").await;
    browser.click("language-switch").await;
    browser.wait_text("branches-section", "Branches and appointment services").await;
    browser.scroll_to("branch-list").await;
    browser.screenshot("settings-branches-en").await;
    browser.click("language-switch").await;

    // On the booking page the branch offers the service, at its own hours.
    browser.goto("/book").await;
    let branch = browser.find("book-branch").await;
    wait_for("the new branch among the choices", || async { branch.clone().select_by_label(&name).await.ok() }).await;
    browser.find("book-service").await.select_by_value(&code).await.expect("the new service at the new branch");
    browser.close().await;
}
