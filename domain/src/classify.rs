//! The intake classifier: from a case's words, suggest its category, its complexity and whether
//! it is a complaint. Agents see the suggestion and may change it.
//!
//! It matches keywords in Chinese and English. Chinese text has no spaces, so keywords are
//! matched as substrings of the lower-cased text rather than as words.

use crate::case::Complexity;

/// What the classifier suggests for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub category: &'static str,
    pub complexity: Complexity,
    pub is_complaint: bool,
}

const CATEGORY_WORDS: &[(&str, &[&str])] = &[
    ("cards", &["信用卡", "借记卡", "银行卡", "卡片", "年费", "额度", "card", "credit limit"]),
    ("loans", &["贷款", "房贷", "按揭", "还款", "利率", "loan", "mortgage", "repayment"]),
    ("deposits", &["存款", "定期", "活期", "存单", "deposit", "savings"]),
    ("wealth", &["理财", "基金", "保险", "收益", "wealth", "fund", "investment", "insurance"]),
    ("payments", &["转账", "汇款", "支付", "扣款", "到账", "transfer", "payment", "remittance"]),
    ("digital", &["手机银行", "网银", "app", "登录", "验证码", "密码", "login", "password", "online banking"]),
    ("account", &["开户", "销户", "账户", "冻结", "account", "frozen"]),
];

const COMPLAINT_WORDS: &[&str] = &[
    "投诉", "不满", "态度差", "乱收费", "欺诈", "诈骗", "骗", "要求赔偿", "举报",
    "complain", "complaint", "unacceptable", "fraud", "scam", "refund my", "compensation",
];

const COMPLEX_WORDS: &[&str] = &[
    "多次", "纠纷", "法律", "律师", "监管", "调查", "欺诈", "诈骗", "赔偿", "损失",
    "repeatedly", "dispute", "lawyer", "legal", "regulator", "fraud", "loss", "compensation",
];

/// A description longer than this many characters is taken as complex.
const COMPLEX_LENGTH: usize = 600;

/// Suggests a category, complexity and complaint flag for a case's subject and description.
pub fn classify(subject: &str, description: &str) -> Suggestion {
    let text = format!("{subject}\n{description}").to_lowercase();
    let hits = |words: &[&str]| words.iter().filter(|w| text.contains(*w)).count();

    let category = CATEGORY_WORDS
        .iter()
        .map(|(code, words)| (*code, hits(words)))
        .filter(|(_, n)| *n > 0)
        // The first category wins a tie, so the order of CATEGORY_WORDS is the priority.
        .fold(None, |best: Option<(&str, usize)>, (code, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((code, n)),
        })
        .map_or("other", |(code, _)| code);

    let complex = hits(COMPLEX_WORDS) > 0 || description.chars().count() > COMPLEX_LENGTH;
    Suggestion {
        category,
        complexity: if complex { Complexity::Complex } else { Complexity::Ordinary },
        is_complaint: hits(COMPLAINT_WORDS) > 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::is_category;

    #[test]
    fn suggests_from_chinese_and_english_text() {
        let table = [
            ("信用卡年费", "请问信用卡年费怎么收取？", "cards", Complexity::Ordinary, false),
            ("转账未到账", "昨天的转账到现在还没到账", "payments", Complexity::Ordinary, false),
            ("投诉理财经理", "理财产品亏损严重，要求赔偿损失", "wealth", Complexity::Complex, true),
            ("Mortgage rate", "What is the rate on my mortgage?", "loans", Complexity::Ordinary, false),
            ("Cannot log in", "The app says my password is wrong", "digital", Complexity::Ordinary, false),
            ("你好", "营业时间是几点？", "other", Complexity::Ordinary, false),
            ("Complaint", "I was charged twice, this is unacceptable", "other", Complexity::Ordinary, true),
        ];
        for (subject, description, category, complexity, complaint) in table {
            let s = classify(subject, description);
            assert_eq!(s.category, category, "{subject}");
            assert_eq!(s.complexity, complexity, "{subject}");
            assert_eq!(s.is_complaint, complaint, "{subject}");
            assert!(is_category(s.category));
        }
    }

    #[test]
    fn long_descriptions_are_complex() {
        let long = "账单".repeat(COMPLEX_LENGTH);
        assert_eq!(classify("问题", &long).complexity, Complexity::Complex);
    }
}
