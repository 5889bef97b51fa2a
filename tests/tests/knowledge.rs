//! The knowledge base over HTTP: search relevance on a small Chinese and English corpus, drafts
//! and publishing, views, searches that found nothing, and the web form's suggestions.

use kefu_tests::{unique, urlencode, Api, Reply, AGENT, SUPERVISOR};
use serde_json::{json, Value};

/// (key, category, Chinese title, Chinese body, English title, English body): topics the demo
/// FAQ does not cover, sharing common words (手续费, 网点, 身份证, fee, branch) so a search has
/// to weigh its rarer terms.
const CORPUS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("social", "cards", "社保卡如何激活？", "新领的社保卡须先激活金融功能：本人携带身份证和社保卡到任一网点，或在手机银行“社保卡激活”中完成，激活无手续费。",
     "How do I activate my social security card?", "Activate the card's banking functions at any branch with your ID, or in the mobile app under Social security card; activation is free."),
    ("proof", "deposits", "如何开具存款证明？", "存款证明用于留学、签证等，本人携带身份证到网点申请，每份手续费20元，可开具中英文版本，一般当场出具。",
     "How do I get a proof of deposit?", "A proof of deposit for study abroad or a visa: apply at a branch with your ID; each costs 20 yuan, in Chinese or English, usually issued on the spot."),
    ("abroad", "cards", "境外ATM取现收费标准", "借记卡在境外ATM取现，每笔收取手续费12元加取现金额的1%，另有境外机构可能收取的费用；每日取现限额等值1万元人民币。",
     "Fees for cash withdrawals at ATMs abroad", "A debit card withdrawal at an ATM abroad costs 12 yuan plus 1% of the amount per withdrawal, plus any fee of the foreign bank; at most the equivalent of 10,000 yuan a day."),
    ("box", "other", "保险箱租用", "部分网点提供保险箱租用服务，按箱型大小每年收取租金300至1500元，另需缴纳押金。租用须本人到网点办理。",
     "Renting a safe deposit box", "Some branches rent out safe deposit boxes: the yearly rent is 300 to 1,500 yuan by size, plus a deposit. Rent one in person at the branch."),
    ("fx", "deposits", "外币兑换怎么办理？", "可在手机银行或网点兑换美元、欧元、日元等外币，个人每年便利化额度等值5万美元。网点兑换现钞请提前一天预约。",
     "How do I exchange foreign currency?", "Exchange US dollars, euros, yen and other currencies in the mobile app or at a branch; each person may buy up to the equivalent of 50,000 US dollars a year. Book a day ahead to collect cash at a branch."),
];

/// Publishes the corpus, each title carrying `mark` so this run's articles are told apart from
/// other runs'; returns (key, id).
async fn publish_corpus(writer: &Api, mark: &str) -> Vec<(&'static str, String)> {
    let mut ids = Vec::new();
    for (key, category, title_zh, body_zh, title_en, body_en) in CORPUS {
        let reply = writer
            .post(
                "/api/articles",
                &json!({"category": category, "tags": [mark], "title": {"zh": title_zh, "en": title_en}, "body": {"zh": body_zh, "en": body_en}, "status": "published"}),
            )
            .await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        ids.push((*key, reply.body["id"].as_str().unwrap().to_string()));
    }
    ids
}

/// The corpus keys in the order a search lists them (other articles left out).
fn order(reply: &Reply, corpus: &[(&'static str, String)]) -> Vec<&'static str> {
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| corpus.iter().find(|(_, id)| item["id"] == id.as_str()).map(|(key, _)| *key))
        .collect()
}

#[tokio::test]
async fn a_search_in_chinese_or_english_lists_the_answering_article_first() {
    let writer = Api::signed_in(SUPERVISOR).await;
    let corpus = publish_corpus(&writer, &unique("rel")).await;
    let public = Api::anonymous();
    for (query, expected) in [
        ("社保卡怎么激活", "social"),
        ("开存款证明要多少钱", "proof"),
        ("在国外ATM取钱手续费多少", "abroad"),
        ("保险箱一年租金", "box"),
        ("换美元", "fx"),
        ("safe deposit box rent", "box"),
        ("exchange US dollars", "fx"),
        ("proof of deposit for a visa", "proof"),
        ("ATM withdrawal fee abroad", "abroad"),
    ] {
        let found = order(&public.get(&format!("/api/public/articles?q={}", urlencode(query))).await, &corpus);
        assert_eq!(found.first(), Some(&expected), "{query}: {found:?}");
    }
    // Staff search the same index from the composer.
    let agent = Api::signed_in(AGENT).await;
    let found = order(&agent.get(&format!("/api/articles?q={}", urlencode("激活社保卡"))).await, &corpus);
    assert_eq!(found.first(), Some(&"social"), "{found:?}");
    // A category narrows the results.
    let found = order(&public.get(&format!("/api/public/articles?q={}&category=cards", urlencode("手续费"))).await, &corpus);
    assert!(!found.is_empty() && found.iter().all(|k| ["social", "abroad"].contains(k)), "{found:?}");
    let bad = public.get("/api/public/articles?category=nonsense").await;
    assert_eq!((bad.status, bad.field()), (422, Some("category")));
    let long = public.get(&format!("/api/public/articles?q={}", "长".repeat(101))).await;
    assert_eq!((long.status, long.field()), (422, Some("q")));
}

fn article(title: &str, status: &str) -> Value {
    json!({"category": "payments", "tags": ["测试"], "title": {"zh": title, "en": ""}, "body": {"zh": format!("{title}的说明：请到网点办理。"), "en": ""}, "status": status})
}

/// Whether the FAQ's search for `q` lists the article `id`.
async fn found(public: &Api, q: &str, id: &str) -> usize {
    let reply = public.get(&format!("/api/public/articles?q={}", urlencode(q))).await;
    reply.body["items"].as_array().unwrap().iter().filter(|i| i["id"] == id).count()
}

#[tokio::test]
async fn drafts_stay_out_of_the_faq_until_published_and_views_are_counted() {
    let writer = Api::signed_in(SUPERVISOR).await;
    let word = unique("草稿词");
    let draft = writer.post("/api/articles", &article(&word, "draft")).await;
    assert_eq!(draft.status, 201, "{:?}", draft.body);
    let id = draft.body["id"].as_str().unwrap().to_string();
    let public = Api::anonymous();
    assert_eq!(found(&public, &word, &id).await, 0, "a draft is not searchable");
    assert_eq!(public.get(&format!("/api/public/articles/{}", id)).await.status, 404);
    let agent = Api::signed_in(AGENT).await;
    assert_eq!(agent.get(&format!("/api/articles/{}", id)).await.status, 404, "agents read published articles only");
    assert_eq!(writer.get(&format!("/api/articles/{}", id)).await.status, 200);

    // Invalid edits change nothing; a stale version is a conflict.
    let mut half = article(&word, "published");
    half["body"]["zh"] = json!("");
    half["version"] = json!(1);
    let refused = writer.put(&format!("/api/articles/{id}"), &half).await;
    assert_eq!((refused.status, refused.field()), (422, Some("body")));
    let mut publish = article(&word, "published");
    publish["version"] = json!(1);
    let published = writer.put(&format!("/api/articles/{id}"), &publish).await;
    assert_eq!((published.status, published.body["version"].as_i64()), (200, Some(2)), "{:?}", published.body);
    assert!(published.body["published_at"].is_string());
    let stale = writer.put(&format!("/api/articles/{id}"), &publish).await;
    assert_eq!(stale.status, 409);
    assert_eq!(found(&public, &word, &id).await, 1, "published: found at once");

    // Each read by a customer is a view; staff reads are not.
    for _ in 0..3 {
        let read = public.get(&format!("/api/public/articles/{id}")).await;
        assert_eq!(read.status, 200);
        assert_eq!(read.body["title"]["zh"], word.as_str());
        assert!(read.body.get("views").is_none() && read.body.get("version").is_none(), "customers see the article, not its counters");
    }
    assert_eq!(writer.get(&format!("/api/articles/{id}")).await.body["views"], 3);

    // Unpublished: out of the search and the FAQ again.
    let mut unpublish = article(&word, "draft");
    unpublish["version"] = json!(2);
    assert_eq!(writer.put(&format!("/api/articles/{id}"), &unpublish).await.status, 200);
    assert_eq!(found(&public, &word, &id).await, 0);
    assert_eq!(public.get(&format!("/api/public/articles/{id}")).await.status, 404);
    let trail: i64 = kefu_tests::database()
        .query_row("SELECT COUNT(*) FROM audit_events WHERE entity = 'article' AND entity_id = ?1", [&id], |r| r.get(0))
        .unwrap();
    assert_eq!(trail, 3, "created, published, unpublished: each audited; the refused edits not");
}

#[tokio::test]
async fn searches_that_find_nothing_are_listed_for_the_admins_without_numbers() {
    // Letters only: digits in a search are masked when it is kept.
    let word: String = unique("qxz").chars().map(|c| c.to_digit(10).map_or(c, |d| (b'a' + d as u8) as char)).collect();
    let public = Api::anonymous();
    let query = format!("{word} 卡号6222021234567890");
    for _ in 0..2 {
        let reply = public.get(&format!("/api/public/articles?q={}", urlencode(&query))).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body["items"].as_array().unwrap().len(), 0);
    }
    // Differently spaced and cased, the same search.
    public.get(&format!("/api/public/articles?q={}", urlencode(&format!("  卡号6222021234567890   {}", word.to_uppercase())))).await;
    let writer = Api::signed_in(SUPERVISOR).await;
    let insights = writer.get("/api/knowledge/insights").await;
    assert_eq!(insights.status, 200, "{:?}", insights.body);
    let missed = insights.body["missed"].as_array().unwrap();
    let entry = missed.iter().find(|m| m["query"].as_str().unwrap_or_default().to_lowercase().contains(&word)).expect("the missed search is listed");
    assert_eq!(entry["count"], 3);
    assert!(!entry["query"].as_str().unwrap().contains("6222021234567890"), "a card number is not kept: {entry}");
    let id = entry["id"].as_str().unwrap().to_string();

    assert_eq!(writer.post(&format!("/api/knowledge/missed-searches/{id}/dismiss"), &json!({})).await.status, 204);
    assert_eq!(writer.post(&format!("/api/knowledge/missed-searches/{id}/dismiss"), &json!({})).await.status, 404, "already off the list");
    let listed = |body: &Value| body["missed"].as_array().unwrap().iter().any(|m| m["id"] == id.as_str());
    assert!(!listed(&writer.get("/api/knowledge/insights").await.body));
    public.get(&format!("/api/public/articles?q={}", urlencode(&query))).await;
    assert!(listed(&writer.get("/api/knowledge/insights").await.body), "searched again, it is back");
}

/// A POST from its own client address, as Cloudflare reports it: the web form's per-address
/// limit is shared by every test that posts without one.
async fn post_from(api: &Api, address: &str, path: &str, body: &Value) -> Reply {
    api.send(api.http.post(api.url(path)).header("X-Requested-With", "kefu").header("CF-Connecting-IP", address).json(body)).await
}

#[tokio::test]
async fn the_web_form_suggests_articles_and_records_what_the_customer_did() {
    let writer = Api::signed_in(SUPERVISOR).await;
    let corpus = publish_corpus(&writer, &unique("defl")).await;
    let (_, fx) = corpus.iter().find(|(k, _)| *k == "fx").unwrap().clone();
    let public = Api::anonymous();
    let address = "203.0.113.77";

    let suggested = public.post("/api/public/articles/suggest", &json!({"text": "我想去网点换一些美元现钞，要预约吗"})).await;
    assert_eq!(order(&suggested, &corpus).first(), Some(&"fx"), "{:?}", suggested.body);
    assert!(suggested.body["items"].as_array().unwrap().len() <= 3);
    assert!(suggested.body["items"][0]["excerpt"]["zh"].as_str().unwrap().chars().count() <= 161);

    // "This answered my question": the article is counted as helpful.
    let before = writer.get(&format!("/api/articles/{fx}")).await.body["helpful"].as_i64().unwrap();
    let answered = post_from(&public, address, "/api/public/deflections", &json!({"article_id": fx})).await;
    assert_eq!(answered.status, 204, "{:?}", answered.body);
    assert_eq!(writer.get(&format!("/api/articles/{fx}")).await.body["helpful"].as_i64().unwrap(), before + 1);
    let unknown = post_from(&public, address, "/api/public/deflections", &json!({"article_id": "no-such-article"})).await;
    assert_eq!((unknown.status, unknown.field()), (422, Some("article_id")));

    // Sent anyway: the case is registered and the suggestion recorded against it.
    let form = json!({"kind": "inquiry", "name": unique("换汇客户"), "email": format!("{}@example.com", unique("fx")),
        "subject": "换美元", "description": "我想去网点换一些美元现钞，要预约吗", "suggested_articles": [fx]});
    let filed = post_from(&public, address, "/api/public/cases", &form).await;
    assert_eq!(filed.status, 201, "{:?}", filed.body);
    let reference = filed.body["reference"].as_str().unwrap().to_string();
    let (outcome, shown): (String, i64) = kefu_tests::database()
        .query_row(
            "SELECT d.outcome, d.shown FROM deflections d JOIN cases c ON c.id = d.case_id WHERE c.seq = ?1",
            [reference.trim_start_matches("KF").parse::<i64>().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the submission is recorded against its case");
    assert_eq!((outcome.as_str(), shown), ("submitted", 1));
    let insights = writer.get("/api/knowledge/insights").await.body;
    assert!(insights["answered"].as_i64().unwrap() >= 1 && insights["submitted"].as_i64().unwrap() >= 1, "{insights}");

    // The agent who opens the case sees the same article suggested.
    let agent = Api::signed_in(AGENT).await;
    let customer = agent.get(&format!("/api/customers?q={}", urlencode(form["email"].as_str().unwrap()))).await.body["items"][0]["id"].clone();
    let cases = agent.cases_of(customer.as_str().expect("the customer the form created")).await;
    let case = cases.iter().find(|c| c["reference"] == reference.as_str()).expect("the new case")["id"].as_str().unwrap().to_string();
    let for_case = agent.get(&format!("/api/cases/{case}/suggested-articles")).await;
    assert_eq!(order(&for_case, &corpus).first(), Some(&"fx"), "{:?}", for_case.body);
}
