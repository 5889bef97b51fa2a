//! Demo data for local use: a Chinese retail bank's staff, customers and ~300 cases over the last
//! 90 days, generated from a fixed seed so every machine gets the same people and cases.
//! Only `cargo xtask dev` and the tests load it; it never goes into a deployed database.

use chrono::{DateTime, Duration, Utc};
use domain::classify::classify;
use domain::calendar::BusinessCalendar;
use domain::regulatory::{ComplaintFacts, Regime};
use domain::sla::{CaseDeadlines, PolicySet};
use domain::{CaseKind, Channel, Complexity, LeaveReason, Segment, Status, Step};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::Sha256;

use crate::DEMO_PASSWORD;

const SEED: u64 = 2026;
const CUSTOMERS: usize = 200;
const CASES: usize = 300;
const DAYS: i64 = 90;

pub(crate) struct Team {
    pub id: &'static str,
    pub name: &'static str,
    pub skills: &'static str,
}

pub(crate) const TEAMS: &[Team] = &[
    Team { id: "team-retail-1", name: "零售客服一组", skills: "cards,payments,digital" },
    Team { id: "team-retail-2", name: "零售客服二组", skills: "loans,deposits,account,wealth" },
    Team { id: "team-complaints", name: "投诉处理组", skills: "complaint,other" },
];

/// (title, body) of the demo canned replies; placeholders as in domain::canned.
const CANNED_REPLIES: &[(&str, &str)] = &[
    ("受理确认", "{客户姓名}您好，您的来电已受理，编号{编号}。我们将在承诺时限内给您答复，请保持电话畅通。"),
    ("信用卡年费说明", "{客户姓名}您好，金卡首年免年费，次年起当年刷卡满6次即可免次年年费。如有疑问请随时联系我们。"),
    ("转账到账时间", "{客户姓名}您好，跨行转账一般2小时内到账，遇节假日顺延。若超过24小时未到账，请提供转账凭证，我们将为您核查。"),
    ("投诉受理告知", "{客户姓名}您好，您的投诉（编号{编号}）已登记，我们将在15日内给您书面答复。处理人：{坐席}。"),
    ("Acknowledgement (English)", "Dear {customer_name}, we have received your request ({reference}) and will reply within the promised time. — {agent_name}"),
];

/// The demo FAQ: (category, tags, Chinese title, Chinese body, English title, English body).
const ARTICLES: &[(&str, &[&str], &str, &str, &str, &str)] = &[
    ("cards", &["年费", "annual fee"], "信用卡年费怎么收？", "金卡首年免年费，次年起年费200元；当年刷卡满6次（不限金额）即免次年年费。白金卡年费以卡片权益说明为准。年费在每年开卡月的账单中收取。",
     "How is the credit card annual fee charged?", "Gold cards are free in the first year; from the second year the fee is 200 yuan, waived when the card is used 6 times in the year (any amount). Platinum fees follow the card's benefit terms. The fee is billed in the month the card was opened."),
    ("cards", &["挂失", "lost card"], "银行卡丢失如何挂失？", "请立即拨打客服热线 95500 或在手机银行“卡片管理—挂失”办理临时挂失，挂失即时生效。正式挂失和补办新卡须本人携带身份证到网点办理，补卡工本费10元。",
     "How do I report a lost card?", "Call 95500 at once or use Cards → Report lost in the mobile app: the temporary block takes effect immediately. To make it permanent and get a new card, visit a branch with your ID card; a replacement costs 10 yuan."),
    ("payments", &["转账", "到账"], "跨行转账多久到账？", "普通跨行转账一般2小时内到账，实时到账服务即时到账；遇法定节假日或系统维护可能顺延。超过24小时未到账，请携带转账凭证联系我们核查。",
     "How long does an interbank transfer take?", "An ordinary interbank transfer arrives within 2 hours; an instant transfer at once. Public holidays or maintenance can delay it. If it has not arrived after 24 hours, contact us with the transfer receipt and we will trace it."),
    ("digital", &["密码", "手机银行"], "忘记手机银行登录密码怎么办？", "在登录页点击“忘记密码”，通过短信验证码和人脸识别验证身份后即可重置。连续输错5次密码将锁定24小时，可通过重置密码解锁。",
     "I forgot my mobile banking password", "Tap Forgot password on the sign-in screen and verify yourself with an SMS code and face recognition to set a new one. Five wrong passwords in a row lock the account for 24 hours; resetting the password unlocks it."),
    ("deposits", &["大额取现", "预约"], "大额取现需要预约吗？", "单笔取现5万元以上需至少提前一个工作日预约，可在本行网站“网点预约”或致电客服预约。取现时请本人携带身份证和银行卡到预约网点办理。",
     "Do I need to book a large cash withdrawal?", "Withdrawals of 50,000 yuan or more need booking at least one business day ahead, on our website's branch appointments or by phone. Bring your ID card and bank card to the branch you booked."),
    ("account", &["开户", "身份证"], "个人开户需要带什么？", "本人携带有效身份证件原件到网点办理，部分网点可通过“网点预约”提前预约以减少等候。未成年人开户须监护人陪同并携带户口簿。",
     "What do I need to open an account?", "Bring your original valid ID to a branch; booking an appointment online shortens the wait. Minors need a guardian and the household register."),
    ("loans", &["提前还款", "房贷"], "房贷可以提前还款吗？", "可以。贷款满一年后可申请部分或全部提前还款，需提前15个工作日通过手机银行或网点申请。提前还款是否收取违约金以合同约定为准。",
     "Can I repay my mortgage early?", "Yes. After the first year you can repay part or all of it early; apply 15 business days ahead in the mobile app or at a branch. Whether a fee applies depends on your contract."),
    ("wealth", &["理财", "赎回"], "理财产品赎回多久到账？", "开放式理财产品赎回资金一般T+1个工作日到账，具体以产品说明书为准。封闭期内的产品不能赎回。",
     "When does money from a wealth product redemption arrive?", "Redemptions of open-ended products usually arrive on the next business day (T+1); see the product's prospectus. Products in a lock-up period cannot be redeemed."),
    ("other", &["投诉", "时限"], "投诉多久能得到答复？", "我们收到投诉后会在1个工作日内联系您，一般在15日内给出处理结果；情况复杂的，经告知可延长，最长不超过30日。您也可以通过网页表单提交投诉。",
     "How soon will my complaint be answered?", "We contact you within one business day of receiving a complaint and normally give our decision within 15 days; complex cases may take up to 30 days, and we tell you if so. You can also file a complaint with the web form."),
];

/// Branches taking appointments: (id, Chinese name, English name, Chinese address, English
/// address, phone, opens, closes, services offered).
const BRANCHES: &[(&str, &str, &str, &str, &str, &str, &str, &str, &[&str])] = &[
    ("branch-chaoyang", "朝阳门支行", "Chaoyangmen Branch", "北京市东城区朝阳门北大街8号", "8 Chaoyangmen North Street, Dongcheng, Beijing", "010-6552 0001", "09:00", "17:00",
     &["large_cash_withdrawal", "account_opening", "card_replacement", "personal_details"]),
    ("branch-zhongguancun", "中关村支行", "Zhongguancun Branch", "北京市海淀区中关村大街27号", "27 Zhongguancun Street, Haidian, Beijing", "010-6251 0002", "09:00", "17:00",
     &["large_cash_withdrawal", "account_opening", "card_replacement"]),
    ("branch-lujiazui", "陆家嘴支行", "Lujiazui Branch", "上海市浦东新区陆家嘴环路1000号", "1000 Lujiazui Ring Road, Pudong, Shanghai", "021-5879 0003", "09:30", "16:30",
     &["large_cash_withdrawal", "account_opening", "card_replacement", "personal_details"]),
];

/// (id, e-mail, name, role, team)
pub(crate) const STAFF: &[(&str, &str, &str, &str, Option<&str>)] = &[
    ("user-admin", "admin@demo.kefu", "王敏", "admin", None),
    ("user-supervisor", "supervisor@demo.kefu", "李娜", "supervisor", Some("team-retail-1")),
    ("user-agent", "agent@demo.kefu", "张伟", "agent", Some("team-retail-1")),
    ("user-agent01", "agent01@demo.kefu", "陈静", "agent", Some("team-retail-1")),
    ("user-agent02", "agent02@demo.kefu", "刘洋", "agent", Some("team-retail-1")),
    ("user-agent03", "agent03@demo.kefu", "杨帆", "agent", Some("team-retail-1")),
    ("user-agent04", "agent04@demo.kefu", "赵雪", "agent", Some("team-retail-2")),
    ("user-agent05", "agent05@demo.kefu", "黄磊", "agent", Some("team-retail-2")),
    ("user-agent06", "agent06@demo.kefu", "周婷", "agent", Some("team-retail-2")),
    ("user-agent07", "agent07@demo.kefu", "吴昊", "agent", Some("team-retail-2")),
    ("user-agent08", "agent08@demo.kefu", "徐丽", "agent", Some("team-complaints")),
    ("user-agent09", "agent09@demo.kefu", "孙涛", "agent", Some("team-complaints")),
    ("user-agent10", "agent10@demo.kefu", "马超", "agent", Some("team-complaints")),
];

/// (code, Chinese name, English name, kind)
pub(crate) const PRODUCTS: &[(&str, &str, &str, &str)] = &[
    ("debit-card", "借记卡", "Debit card", "card"),
    ("credit-gold", "金卡信用卡", "Gold credit card", "card"),
    ("credit-platinum", "白金信用卡", "Platinum credit card", "card"),
    ("mortgage", "个人住房贷款", "Home mortgage", "loan"),
    ("consumer-loan", "个人消费贷款", "Consumer loan", "loan"),
    ("time-deposit", "定期存款", "Time deposit", "deposit"),
    ("large-cd", "大额存单", "Large certificate of deposit", "deposit"),
    ("wealth-steady", "稳健理财系列", "Steady wealth product", "wealth"),
    ("fund-plan", "基金定投", "Fund savings plan", "wealth"),
    ("mobile-banking", "手机银行", "Mobile banking", "digital"),
];

/// Products sold in the demo only through its purchases (not held by the generated customers).
pub(crate) const SOLD_ONLY: &[(&str, &str, &str, &str)] = &[
    ("wealth-equity", "权益类理财产品", "Equity wealth product", "wealth"),
    ("insurance-annuity", "年金保险", "Annuity insurance", "insurance"),
];

/// (code, risk level 1-5, cooling-off hours): what suitability and the post-sale follow-up
/// go by. Cards, loans and deposits are no investment; wealth products cool off for 24 hours,
/// insurance for 15 days.
pub(crate) const SALE: &[(&str, Option<i64>, Option<i64>)] = &[
    ("large-cd", Some(1), None),
    ("wealth-steady", Some(2), Some(24)),
    ("fund-plan", Some(3), Some(24)),
    ("wealth-equity", Some(4), Some(24)),
    ("insurance-annuity", None, Some(15 * 24)),
];

pub(crate) const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
pub(crate) const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "桂英", "建华", "志强", "晓燕", "海燕", "俊杰", "子涵", "欣怡", "浩然", "雨萱"];
pub(crate) const PHONE_PREFIXES: &[&str] = &["138", "139", "150", "151", "186", "188", "135", "177"];
pub(crate) const OCCUPATIONS: &[&str] = &["教师", "工程师", "个体经营", "公务员", "医生", "退休", "销售", "会计"];
pub(crate) const INCOME_BANDS: &[&str] = &["<5k", "5k-10k", "10k-20k", "20k-50k", ">50k"];
pub(crate) const RISK: &[&str] = &["conservative", "moderate", "balanced", "growth", "aggressive"];

/// (subject, description): inquiries; the classifier files each under its category.
pub(crate) const INQUIRIES: &[(&str, &str)] = &[
    ("信用卡年费咨询", "请问金卡信用卡的年费怎么收取？刷卡几次可以免年费？"),
    ("信用卡额度调整", "想了解如何提高信用卡额度，需要提供什么材料？"),
    ("借记卡挂失", "借记卡丢失了，请问怎么挂失和补办？"),
    ("转账未到账", "昨天下午通过手机银行转账给家人，到现在还没到账。"),
    ("跨行汇款手续费", "请问跨行汇款的手续费是多少？有没有每日限额？"),
    ("房贷提前还款", "想提前还一部分房贷，请问需要预约吗？有没有违约金？"),
    ("贷款利率咨询", "个人消费贷款现在的年利率是多少？"),
    ("定期存款到期", "我的定期存款下周到期，可以自动转存吗？"),
    ("大额存单购买", "大额存单的起存金额和利率是多少？"),
    ("理财产品收益", "稳健理财系列上个月的收益是多少？什么时候到账？"),
    ("基金定投修改", "想修改基金定投的扣款日期和金额，怎么操作？"),
    ("手机银行登录问题", "手机银行登录时一直提示验证码错误，无法登录。"),
    ("网银密码重置", "忘记了网银登录密码，怎么重置？"),
    ("开户所需材料", "想给孩子开一个账户，需要带哪些材料到网点？"),
    ("账户被冻结", "我的账户突然显示冻结状态，请问是什么原因？"),
    ("营业时间查询", "周末网点营业吗？营业时间是几点到几点？"),
];

/// (subject, description): complaints.
pub(crate) const COMPLAINTS: &[(&str, &str)] = &[
    ("投诉信用卡乱收费", "信用卡账单里多了一笔我不认可的费用，多次联系客服都没有解决，要求退还。"),
    ("投诉理财经理误导销售", "理财经理说产品保本，现在出现亏损，要求赔偿损失。"),
    ("投诉转账延误", "转账延误三天才到账，导致我的货款逾期，对处理结果不满。"),
    ("投诉网点服务态度差", "在网点办理业务时工作人员态度差，排队等了一个多小时。"),
    ("投诉贷款扣款错误", "房贷还款日被重复扣款，要求尽快退还多扣的款项。"),
    ("投诉手机银行故障", "手机银行连续两天无法登录，耽误了缴费，对此很不满意。"),
    ("疑似诈骗交易投诉", "账户出现一笔不是本人操作的交易，怀疑被诈骗，要求银行调查。"),
];

/// (subject, description): follow-ups.
pub(crate) const FOLLOW_UPS: &[(&str, &str)] = &[
    ("新客户首次回访", "客户新开立借记卡并开通手机银行，首次回访了解使用情况。"),
    ("理财产品购买后回访", "客户购买稳健理财系列后回访，确认风险告知与产品理解。"),
    ("投诉处理后回访", "投诉已处理完毕，回访客户了解对处理结果的满意度。"),
    ("定期回访", "对存量客户进行定期回访，了解新的需求与问题。"),
];

fn q(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn opt(text: Option<&str>) -> String {
    text.map_or("NULL".into(), q)
}

fn opt_ms(t: Option<DateTime<Utc>>) -> String {
    t.map_or("NULL".into(), |t| t.timestamp_millis().to_string())
}

pub(crate) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Picks by weight: `[(value, weight), ...]`.
pub(crate) fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total);
    for (item, w) in items {
        if n < *w {
            return *item;
        }
        n -= w;
    }
    items[items.len() - 1].0
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// PBKDF2-SHA256 with 100,000 rounds, in the format the worker verifies.
fn password_hash(rng: &mut ChaCha8Rng, password: &str) -> String {
    let salt: [u8; 16] = rng.random();
    let mut hash = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, 100_000, &mut hash);
    format!("pbkdf2_sha256$100000${}${}", hex(&salt), hex(&hash))
}

/// The demo data as SQL statements, with every time relative to `now`.
pub fn sql(now: DateTime<Utc>) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut out = String::from("-- Kefu demo data: generated by `cargo xtask seed`, never for a deployed database.\n");
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let start = now - Duration::days(DAYS);

    for t in TEAMS {
        out += &format!("INSERT INTO teams (id, name, skills) VALUES ({}, {}, {});\n", q(t.id), q(t.name), q(t.skills));
    }
    // One hash for all demo users: they share the demo password, and hashing is the slow part.
    let hash = password_hash(&mut rng, DEMO_PASSWORD);
    for (id, email, name, role, team) in STAFF {
        let skills = team.and_then(|t| TEAMS.iter().find(|x| x.id == t)).map_or("", |t| t.skills);
        out += &format!(
            "INSERT INTO users (id, email, name, role, team_id, skills, password_hash, active, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, 1, {});\n",
            q(id), q(email), q(name), q(role), opt(*team), q(skills), q(&hash), ms(start - Duration::days(365))
        );
    }
    for (n, (title, body)) in CANNED_REPLIES.iter().enumerate() {
        out += &format!(
            "INSERT INTO canned_replies (id, title, body, active, updated_at, version) VALUES ({}, {}, {}, 1, {}, 1);\n",
            q(&format!("canned-{n:02}")), q(title), q(body), ms(start)
        );
    }
    for (n, (category, tags, title_zh, body_zh, title_en, body_en)) in ARTICLES.iter().enumerate() {
        let id = format!("article-{n:02}");
        let article = domain::api::ArticleInput {
            category: category.to_string(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            title: domain::questionnaire::Text::new(title_zh, title_en),
            body: domain::questionnaire::Text::new(body_zh, body_en),
            status: domain::api::ArticleStatus::Published,
            version: None,
        };
        let tags = serde_json::to_string(&article.tags).expect("tags as JSON");
        out += &format!(
            "INSERT INTO articles (id, category, tags, title_zh, body_zh, title_en, body_en, status, views, author_id, created_at, updated_at, published_at, version) \
             VALUES ({}, {}, {}, {}, {}, {}, {}, 'published', {}, 'user-supervisor', {}, {}, {}, 1);\n",
            q(&id), q(category), q(&tags), q(title_zh), q(body_zh), q(title_en), q(body_en), (n * 97 + 41) % 380 + 12, ms(start), ms(start), ms(start)
        );
        for (term, weight) in article.index_terms() {
            out += &format!("INSERT INTO article_terms (term, article_id, weight) VALUES ({}, {}, {weight});\n", q(&term), q(&id));
        }
    }
    for (id, name_zh, name_en, address_zh, address_en, phone, opens, closes, services) in BRANCHES {
        out += &format!(
            "INSERT INTO branches (id, name_zh, name_en, address_zh, address_en, phone, opens, closes) VALUES ({}, {}, {}, {}, {}, {}, {}, {});\n",
            q(id), q(name_zh), q(name_en), q(address_zh), q(address_en), q(phone), q(opens), q(closes)
        );
        for service in *services {
            out += &format!("INSERT INTO branch_services (branch_id, service) VALUES ({}, {});\n", q(id), q(service));
        }
    }
    for (code, zh, en, kind) in PRODUCTS.iter().chain(SOLD_ONLY) {
        out += &format!("INSERT INTO products (code, name_zh, name_en, kind) VALUES ({}, {}, {}, {});\n", q(code), q(zh), q(en), q(kind));
    }
    for (code, risk, cooling_off_hours) in SALE {
        let sql = |v: &Option<i64>| v.map_or("NULL".to_string(), |n| n.to_string());
        out += &format!("UPDATE products SET risk_level = {}, cooling_off_hours = {} WHERE code = {};\n", sql(risk), sql(cooling_off_hours), q(code));
    }

    let mut customers = Vec::with_capacity(CUSTOMERS);
    for n in 1..=CUSTOMERS {
        let id = format!("cust-{n:04}");
        let name = format!("{}{}", pick(&mut rng, SURNAMES), pick(&mut rng, GIVEN));
        let phone = format!("{}{:08}", pick(&mut rng, PHONE_PREFIXES), rng.random_range(0..100_000_000u32));
        let email = rng.random_bool(0.6).then(|| format!("customer{n:03}@example.cn"));
        let segment = weighted(&mut rng, &[("mass", 75), ("affluent", 20), ("private", 5)]);
        let is_new = rng.random_bool(0.2);
        let created = if is_new {
            now - Duration::days(rng.random_range(1..60))
        } else {
            now - Duration::days(rng.random_range(200..3000))
        };
        let gender = if rng.random_bool(0.5) { "female" } else { "male" };
        let birth_year: i32 = rng.random_range(1950..2004);
        // A made-up resident ID number of the right shape: region, birth date, sequence, check.
        let id_number = format!("110105{birth_year}{:02}{:02}{:03}{}", 1 + n % 12, 1 + n % 28, n % 1000, "0123456789X".as_bytes()[n % 11] as char);
        out += &format!(
            "INSERT INTO customers (id, name, phone, phone_last4, email, gender, birth_year, occupation, income_band, segment, lifecycle, risk_tolerance, consent_contact, created_at, id_number, language) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});\n",
            q(&id), q(&name), q(&phone), q(&phone[phone.len() - 4..]), opt(email.as_deref()),
            q(gender), birth_year,
            q(pick::<&str>(&mut rng, OCCUPATIONS)), q(pick::<&str>(&mut rng, INCOME_BANDS)), q(segment),
            q(if is_new { "new" } else { "existing" }), q(pick::<&str>(&mut rng, RISK)), i32::from(rng.random_bool(0.9)), ms(created), q(&id_number),
            // One in ten prefers English.
            q(if n % 10 == 3 { "en" } else { "zh" })
        );
        let held = rng.random_range(1..=4);
        let mut codes: Vec<&str> = Vec::new();
        while codes.len() < held {
            let code = pick(&mut rng, PRODUCTS).0;
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        for code in codes {
            let since = created + Duration::days(rng.random_range(0..30));
            out += &format!("INSERT INTO customer_products (customer_id, product_code, since) VALUES ({}, {}, {});\n", q(&id), q(code), ms(since.min(now)));
        }
        customers.push((id, created, segment.parse::<Segment>().expect("a segment")));
    }

    let policies = PolicySet::standard();
    let cal = BusinessCalendar::china_default();
    // A tenth of the cases arrived in the last three days, so today's queue has new work in it.
    let recent = CASES / 10;
    let mut created_times: Vec<DateTime<Utc>> = (0..CASES)
        .map(|i| {
            let span = if i < recent { 3 * 24 * 60 } else { DAYS * 24 * 60 };
            now - Duration::minutes(rng.random_range(1..span))
        })
        .collect();
    created_times.sort();
    let agents: Vec<&(&str, &str, &str, &str, Option<&str>)> = STAFF.iter().filter(|s| s.3 == "agent").collect();
    // Closed complaints, for their after-complaint surveys: (case, customer, closed, seq).
    let mut answered: Vec<(String, String, DateTime<Utc>, usize)> = Vec::new();
    for (i, created_at) in created_times.into_iter().enumerate() {
        let seq = i + 1;
        let kind = weighted(&mut rng, &[(CaseKind::Inquiry, 60), (CaseKind::Complaint, 22), (CaseKind::FollowUp, 18)]);
        let (subject, description) = match kind {
            CaseKind::Inquiry => *pick(&mut rng, INQUIRIES),
            CaseKind::Complaint => *pick(&mut rng, COMPLAINTS),
            CaseKind::FollowUp => *pick(&mut rng, FOLLOW_UPS),
        };
        let channel = match kind {
            CaseKind::FollowUp => Channel::Phone,
            _ => weighted(
                &mut rng,
                &[
                    (Channel::Phone, 35), (Channel::OnlineChat, 20), (Channel::MobileApp, 15), (Channel::Email, 8),
                    (Channel::WebForm, 7), (Channel::Branch, 8), (Channel::SocialMedia, 4), (Channel::Regulator, 3),
                ],
            ),
        };
        let suggestion = classify(subject, description);
        let complexity = if rng.random_bool(0.1) { Complexity::Complex } else { suggestion.complexity };
        let customer = pick(&mut rng, &customers).clone();

        let age = now - created_at;
        let status = if age > Duration::days(7) {
            weighted(&mut rng, &[(Status::Closed, 85), (Status::Resolved, 10), (Status::Responded, 5)])
        } else if age > Duration::days(2) {
            weighted(&mut rng, &[(Status::Closed, 40), (Status::Resolved, 25), (Status::Responded, 25), (Status::Assigned, 10)])
        } else {
            weighted(&mut rng, &[(Status::New, 30), (Status::Assigned, 35), (Status::Responded, 25), (Status::Resolved, 10)])
        };
        // A complaint is never "resolved": it closes with its records.
        let status = if kind == CaseKind::Complaint && status == Status::Resolved { Status::Closed } else { status };
        // agent@demo.kefu gets a good share, so the demo queue "mine" has work in it.
        let assignee = match status {
            Status::New => None,
            _ if rng.random_bool(0.2) => Some("user-agent"),
            _ => Some(pick(&mut rng, &agents).0),
        };

        let policy = policies.for_case(kind, complexity, customer.2, channel);
        let mut deadlines = CaseDeadlines::start(&policy, &cal, created_at);
        let responded = !matches!(status, Status::New | Status::Assigned);
        let resolved = matches!(status, Status::Resolved | Status::Closed);
        let target = deadlines.first_response_due - created_at;
        let within = rng.random_bool(0.85);
        let late_by = |rng: &mut ChaCha8Rng, span: Duration, within: bool| {
            let minutes = span.num_minutes().max(2);
            if within { Duration::minutes(rng.random_range(1..minutes)) } else { span + Duration::minutes(rng.random_range(1..minutes)) }
        };
        let first_responded_at = responded.then(|| (created_at + late_by(&mut rng, target, within)).min(now));
        if let Some(t) = first_responded_at {
            deadlines.responded(&policy, &cal, created_at, t);
        }
        let resolved_at = first_responded_at.filter(|_| resolved).map(|t| {
            let span = deadlines.resolution_due - t;
            let within = rng.random_bool(0.8);
            (t + late_by(&mut rng, span.max(Duration::hours(1)), within)).min(now)
        });

        let complaint = kind == CaseKind::Complaint;
        let step = match (complaint, status) {
            (false, _) | (_, Status::Resolved | Status::Closed) => None,
            (true, _) if age < Duration::hours(24) => Some(Step::Review),
            (true, _) if age < Duration::hours(60) => Some(Step::Investigation),
            (true, _) => Some(Step::Feedback),
        };
        // Each step starts when the one before it is due, as if handled on time.
        let step_start = |s: Step| match s {
            Step::Review => created_at,
            Step::Investigation => policy.step_clock(Step::Review, created_at).and_then(|c| c.deadline(&cal)).unwrap_or(created_at),
            Step::Feedback => deadlines.resolution_due - Duration::minutes(policy.steps.map_or(0, |t| t.feedback_minutes)),
        };
        let step_due = |s: Step| policy.step_clock(s, step_start(s)).and_then(|c| c.deadline(&cal));
        let facts = ComplaintFacts {
            received_at: created_at,
            complex: complexity == Complexity::Complex,
            extension_approved: false,
            excluded: Duration::zero(),
            done: Vec::new(),
        };
        let regulatory = complaint.then(|| Regime::China2020.final_due(&cal, &facts));
        let id = format!("case-{seq:04}");
        out += &format!(
            "INSERT INTO cases (id, seq, kind, channel, category, complexity, status, customer_id, assignee_id, subject, description, created_by, created_at, updated_at, first_response_due_at, first_responded_at, resolution_due_at, resolved_at, is_open, sla_due_at, sla_due_soon_at, step, step_due_at, regulatory_due_at, step_started_at, closed_at, version, load_weight) VALUES ({}, {seq}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {});\n",
            q(&id), q(kind.as_str()), q(channel.as_str()), q(&suggestion.category), q(complexity.as_str()), q(status.as_str()),
            q(&customer.0), opt(assignee), q(subject), q(description), opt(assignee.or(Some("user-agent"))),
            ms(created_at), ms(resolved_at.or(first_responded_at).unwrap_or(created_at)),
            ms(deadlines.first_response_due), opt_ms(first_responded_at), ms(deadlines.resolution_due), opt_ms(resolved_at),
            i32::from(status.is_open()), ms(deadlines.current_due), ms(deadlines.current_due_soon_at),
            opt(step.map(Step::as_str)), opt_ms(step.and_then(step_due)), opt_ms(regulatory),
            opt_ms(step.map(step_start)), opt_ms(resolved_at.filter(|_| status == Status::Closed)),
            1 + i32::from(responded) + i32::from(resolved),
            domain::routing::weight(kind == CaseKind::Complaint, complexity == Complexity::Complex)
        );
        if complaint {
            // The steps it has left (0018): each ends when the next starts, a closed
            // complaint's last at its close.
            let closed_at = resolved_at.filter(|_| status == Status::Closed);
            let left: &[Step] = match step {
                Some(Step::Review) => &[],
                Some(Step::Investigation) => &[Step::Review],
                Some(Step::Feedback) => &[Step::Review, Step::Investigation],
                None => &[Step::Review, Step::Investigation, Step::Feedback],
            };
            if let Some(end) = step.map(step_start).or(closed_at) {
                for (i, s) in left.iter().enumerate() {
                    let started = step_start(*s).min(end);
                    let ended = left.get(i + 1).map_or(end, |next| step_start(*next).min(end));
                    out += &format!(
                        "INSERT INTO complaint_steps (case_id, step, started_at, due_at, ended_at) VALUES ({}, {}, {}, {}, {});\n",
                        q(&id), q(s.as_str()), ms(started), opt_ms(step_due(*s)), ms(ended.max(started))
                    );
                }
            }
        }
        if domain::case::is_sensitive(subject, description) {
            // Sensitive cases that were resolved had the customer's identity verified first.
            let identity = if resolved { "sms_code" } else { "not_verified" };
            out += &format!("UPDATE cases SET sensitive = 1, identity = {} WHERE id = {};\n", q(identity), q(&id));
        }
        if let Some(closed) = resolved_at.filter(|_| complaint && status == Status::Closed) {
            answered.push((id.clone(), customer.0.clone(), closed, seq));
        }
        if complaint && status == Status::Closed {
            // A closed complaint carries what the regulator asks for.
            let outcome = weighted(&mut rng, &[("upheld", 40), ("partly_upheld", 25), ("not_upheld", 35)]);
            let cause = *pick(&mut rng, domain::lifecycle::ROOT_CAUSES);
            let (redress, amount) = match outcome {
                "not_upheld" => (None, None),
                _ => (Some(*pick(&mut rng, &["refund", "fee_waiver", "compensation"])), Some(rng.random_range(1..500) * 100)),
            };
            let opinion = weighted(&mut rng, &[("satisfied", 60), ("neutral", 25), ("dissatisfied", 15)]);
            out += &format!(
                "UPDATE cases SET outcome = {}, root_cause = {}, redress_type = {}, redress_amount = {}, customer_informed = 1, customer_opinion = {} WHERE id = {};\n",
                q(outcome), q(cause), opt(redress), amount.map_or("NULL".into(), |a: i64| a.to_string()), q(opinion), q(&id)
            );
        }
        let mut event = |n: usize, kind: &str, body: &str, author: Option<&str>, at: DateTime<Utc>| {
            out += &format!(
                "INSERT INTO case_events (id, case_id, type, body, author_id, created_at) VALUES ({}, {}, {}, {}, {}, {});\n",
                q(&format!("{id}-e{n}")), q(&id), q(kind), q(body), opt(author), ms(at)
            );
        };
        event(0, "created", "", assignee.or(Some("user-agent")), created_at);
        if let Some(t) = first_responded_at {
            let kind = if matches!(kind, CaseKind::FollowUp) { "call" } else { "reply" };
            event(1, kind, "您好，您反映的问题我们已收到，正在为您处理。", assignee, t);
        }
        if let Some(t) = resolved_at {
            event(2, "note", "已与客户确认处理结果，客户表示认可。", assignee, t);
        }
    }
    out += &surveys(now);
    out += &survey_answers(now, &answered, &customers);
    // The SLA sweep looks at every open case once, as it does after any change to a case.
    out += "UPDATE cases SET next_check_at = updated_at WHERE is_open = 1;\n";
    // The follow-up planner looks at every customer from the time the demo data is loaded.
    out += &format!("UPDATE customers SET next_plan_at = {};\n", ms(now));
    // Churn: one existing customer in 25 has left over the last half-year, for a reason of their
    // own (after the loop above, so the rest of the data stays as it was).
    for n in (7..=CUSTOMERS).step_by(25) {
        let (id, created, _) = &customers[n - 1];
        let left = now - Duration::days(1 + (n as i64 * 37) % 180) - Duration::minutes((n as i64 * 53) % 600);
        if left > *created + Duration::days(30) {
            let reason = LeaveReason::ALL[n % LeaveReason::ALL.len()];
            out += &format!(
                "UPDATE customers SET left_at = {}, leave_reason = {}, next_plan_at = NULL WHERE id = {};\n",
                ms(left),
                q(reason.as_str()),
                q(id)
            );
        }
    }
    out
}

/// Two survey templates and their schedules: the quarterly survey by SMS (next on the 1st of
/// the coming quarter, 10:00 Beijing time, quiet 21:00–09:00) and the one after each complaint
/// closes (a day later, by SMS).
fn surveys(now: DateTime<Utc>) -> String {
    use chrono::NaiveTime;
    use domain::questionnaire::Questionnaire;
    use domain::survey::{Audience, Cadence, QuietHours, Schedule, SurveyChannel};
    let ms = now.timestamp_millis();
    let mut out = String::new();
    for (id, name, questionnaire) in [
        ("tpl-quarterly", "季度满意度调查", Questionnaire::standard()),
        ("tpl-complaint", "投诉处理满意度回访", Questionnaire::after_complaint()),
    ] {
        out += &format!(
            "INSERT INTO survey_templates (id, name, questionnaire, active, updated_at, version) VALUES ({}, {}, {}, 1, {ms}, 1);\n",
            q(id), q(name), q(&serde_json::to_string(&questionnaire).expect("a questionnaire serializes"))
        );
    }
    let ten = NaiveTime::from_hms_opt(10, 0, 0).expect("10:00");
    let quiet = QuietHours { start: NaiveTime::from_hms_opt(21, 0, 0).expect("21:00"), end: NaiveTime::from_hms_opt(9, 0, 0).expect("09:00") };
    let zone = BusinessCalendar::china_default().zone();
    for (id, name, template, trigger, cadence) in [
        ("sched-quarterly", "季度客户满意度调查（短信）", "tpl-quarterly", "clock", Cadence::Quarterly { month_offset: 0, day: 1, time: ten }),
        ("sched-complaint", "投诉结案满意度回访（短信）", "tpl-complaint", "after_complaint", Cadence::AfterComplaint { delay_hours: 24 }),
    ] {
        let schedule = Schedule {
            cadence,
            audience: Audience { not_surveyed_days: Some(80), ..Audience::default() },
            channel: SurveyChannel::Sms,
            quiet_hours: Some(quiet),
            link_days: 14,
            active: true,
        };
        let next = schedule.next_run(zone, now).map_or("NULL".into(), |t| t.timestamp_millis().to_string());
        out += &format!(
            "INSERT INTO survey_schedules (id, name, template_id, schedule, trigger, active, next_run_at, created_at, updated_at, version) VALUES ({}, {}, {}, {}, {}, 1, {next}, {ms}, {ms}, 1);\n",
            q(id), q(name), q(template), q(&serde_json::to_string(&schedule).expect("a schedule serializes")), q(trigger)
        );
    }
    out
}

/// Answers to the surveys (after the templates and schedules they refer to), so the dashboard's
/// satisfaction has figures: two in five closed complaints answered a day after closing, and
/// one customer in four answered each of the last two quarterly surveys within three days.
/// Scores come from the case's or customer's number, not the random stream, so the rest of the
/// demo data stays as it was. Each answer has its invitation; no token opens it (the hash is
/// not one a token gives).
fn survey_answers(now: DateTime<Utc>, complaints: &[(String, String, DateTime<Utc>, usize)], customers: &[(String, DateTime<Utc>, Segment)]) -> String {
    use chrono::{Datelike, Months, NaiveDate, TimeZone};
    let zone = BusinessCalendar::china_default().zone();
    // The runs (and their unanswered invitations) go before the answers that refer to them.
    let (mut runs, mut out) = (String::new(), String::new());
    let mut answer = |id: &str, run: Option<&str>, schedule: &str, template: &str, customer: &str, case: Option<&str>, sent: DateTime<Utc>, at: DateTime<Utc>, csat: u8, nps: Option<u8>| {
        let mut answers = vec![serde_json::json!({"question": "overall", "score": csat})];
        if let Some(nps) = nps {
            answers.push(serde_json::json!({"question": "recommend", "score": nps}));
        }
        let low = csat <= 2 || nps.is_some_and(|n| n <= 6);
        out += &format!(
            "INSERT INTO survey_invitations (id, token_hash, run_id, schedule_id, template_id, customer_id, case_id, channel, created_at, expires_at, answered_at) VALUES ({}, {}, {}, {}, {}, {}, {}, 'sms', {}, {}, {});\n",
            q(&format!("inv-{id}")), q(&format!("seed-{id}")), opt(run), q(schedule), q(template), q(customer), opt(case),
            sent.timestamp_millis(), (sent + Duration::days(14)).timestamp_millis(), at.timestamp_millis()
        );
        out += &format!(
            "INSERT INTO survey_answers (id, invitation_id, run_id, schedule_id, customer_id, case_id, answers, csat, nps, low, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {csat}, {}, {}, {});\n",
            q(&format!("ans-{id}")), q(&format!("inv-{id}")), opt(run), q(schedule), q(customer), opt(case),
            q(&serde_json::Value::Array(answers).to_string()), nps.map_or("NULL".into(), |n| n.to_string()), i32::from(low), at.timestamp_millis()
        );
    };
    const CSAT: [u8; 10] = [5, 4, 4, 5, 3, 2, 5, 4, 1, 4];
    for (case, customer, closed, seq) in complaints {
        let (sent, at) = (*closed + Duration::hours(24), *closed + Duration::hours(24) + Duration::minutes((*seq as i64 * 37) % 600));
        if seq % 5 < 2 && at < now {
            answer(case, None, "sched-complaint", "tpl-complaint", customer, Some(case), sent, at, CSAT[seq % 10], None);
        }
    }
    // The quarterly survey goes out on the 1st of each quarter at 10:00 in Beijing, as a run
    // (survey_runs) whose results page reads its tallies: half the customers invited, half of
    // those answered.
    let today = now.with_timezone(&zone).date_naive();
    let this_quarter = NaiveDate::from_ymd_opt(today.year(), (today.month() - 1) / 3 * 3 + 1, 1).expect("a quarter's first day");
    for (q_index, first) in [this_quarter - Months::new(3), this_quarter].into_iter().enumerate() {
        let Some(sent) = zone.from_local_datetime(&first.and_hms_opt(10, 0, 0).expect("10:00")).single().map(|t| t.with_timezone(&Utc)) else { continue };
        let run = format!("run-quarterly-{first}");
        let mut tallies: std::collections::BTreeMap<(&str, u8), u32> = std::collections::BTreeMap::new();
        let (mut invited, mut answers) = (0, 0);
        let mut invitations = String::new();
        for (n, (customer, _, _)) in customers.iter().enumerate().filter(|(n, (_, created, _))| n % 2 == q_index && *created < sent) {
            let at = sent + Duration::minutes(((n as i64) * 131) % (3 * 24 * 60));
            invited += 1;
            if n % 4 >= 2 || at >= now {
                let id = format!("q{q_index}-{customer}");
                invitations += &format!(
                    "INSERT INTO survey_invitations (id, token_hash, run_id, schedule_id, template_id, customer_id, channel, created_at, expires_at) VALUES ({}, {}, {}, 'sched-quarterly', 'tpl-quarterly', {}, 'sms', {}, {});\n",
                    q(&format!("inv-{id}")), q(&format!("seed-{id}")), q(&run), q(customer), sent.timestamp_millis(), (sent + Duration::days(14)).timestamp_millis()
                );
                continue;
            }
            // The later quarter a little better than the one before.
            let csat = CSAT[(n + 3 * q_index) % 10].max(if q_index == 1 { 2 } else { 1 });
            let nps = [10, 9, 8, 7, 9, 6, 10, 3, 8, 9][(n / 2 + q_index) % 10];
            answer(&format!("q{q_index}-{customer}"), Some(&run), "sched-quarterly", "tpl-quarterly", customer, None, sent, at, csat, Some(nps));
            *tallies.entry(("overall", csat)).or_default() += 1;
            *tallies.entry(("recommend", nps)).or_default() += 1;
            answers += 1;
        }
        let finished = sent + Duration::minutes(20);
        runs += &format!(
            "INSERT INTO survey_runs (id, schedule_id, template_id, scheduled_for, started_at, finished_at, invited, delivered, answered) VALUES ({}, 'sched-quarterly', 'tpl-quarterly', {}, {}, {}, {invited}, {invited}, {answers});\n",
            q(&run), sent.timestamp_millis(), sent.timestamp_millis(), finished.timestamp_millis()
        );
        for ((question, value), n) in tallies {
            runs += &format!("INSERT INTO survey_tallies (run_id, question, value, n) VALUES ({}, {}, {value}, {n});\n", q(&run), q(question));
        }
        runs += &invitations;
    }
    // Every follow-up case gets its follow-up side, as migration 0030 gave those before it.
    out += FOLLOW_UPS_OF_CASES;
    runs + &out
}

/// The follow-up side of every follow-up case (the reason from its planning key), as migrations
/// 0030 and 0032 write it for the cases they find.
const FOLLOW_UPS_OF_CASES: &str = "INSERT OR IGNORE INTO follow_ups (case_id, customer_id, reason, due_at, ready_at, assignee_id, created_at, ending)
  SELECT id, customer_id,
    CASE WHEN follow_up_key LIKE '%:first_product:%' THEN 'first_product' WHEN follow_up_key LIKE '%:after_complaint:%' THEN 'after_complaint' ELSE 'periodic' END,
    resolution_due_at, created_at, assignee_id, created_at,
    CASE WHEN is_open = 1 THEN NULL WHEN unreachable = 1 THEN 'unreachable' ELSE 'done' END
  FROM cases WHERE kind = 'follow_up';\n";

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap();
        let a = sql(now);
        assert_eq!(a, sql(now));
        assert_eq!(a.matches("INSERT INTO customers ").count(), CUSTOMERS);
        assert_eq!(a.matches("INSERT INTO cases ").count(), CASES);
        for (email, _) in crate::DEMO_LOGINS {
            assert!(a.contains(&format!("'{email}'")), "{email}");
        }
    }
}
