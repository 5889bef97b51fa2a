//! The intake classifier: from a case's words, suggest its category, its complexity and whether
//! it is a complaint, each with a confidence. Agents see the suggestion and may change it.
//!
//! Chinese text has no spaces, so phrases are matched as substrings of the lower-cased text
//! rather than as words. The phrase lists are data, which admins edit in settings.

use serde::{Deserialize, Serialize};

use crate::case::Complexity;

/// The phrases that suggest each category, complexity and a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// In priority order: the first category wins a tie.
    pub categories: Vec<CategoryPhrases>,
    pub complaint: Vec<String>,
    pub complex: Vec<String>,
    /// A description longer than this many characters is taken as complex.
    pub complex_length: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryPhrases {
    pub code: String,
    pub phrases: Vec<String>,
}

/// What the classifier suggests for a case. Confidences are percentages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suggestion {
    pub category: String,
    pub category_confidence: u8,
    pub complexity: Complexity,
    pub is_complaint: bool,
    pub complaint_confidence: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct RulesError {
    pub field: &'static str,
    pub message: &'static str,
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|w| w.to_string()).collect()
}

impl Default for Rules {
    fn default() -> Self {
        let category = |code: &str, phrases: &[&str]| CategoryPhrases { code: code.into(), phrases: words(phrases) };
        Rules {
            categories: vec![
                category("cards", &["信用卡", "借记卡", "银行卡", "卡片", "年费", "额度", "card", "credit limit"]),
                category("loans", &["贷款", "房贷", "按揭", "还款", "利率", "loan", "mortgage", "repayment"]),
                category("deposits", &["存款", "定期", "活期", "存单", "deposit", "savings"]),
                category("wealth", &["理财", "基金", "保险", "收益", "wealth", "fund", "investment", "insurance"]),
                category("payments", &["转账", "汇款", "支付", "扣款", "到账", "transfer", "payment", "remittance"]),
                category("digital", &["手机银行", "网银", "app", "登录", "验证码", "密码", "login", "password", "online banking"]),
                category("account", &["开户", "销户", "账户", "冻结", "account", "frozen"]),
            ],
            complaint: words(&[
                "投诉", "不满", "态度差", "乱收费", "欺诈", "诈骗", "骗", "要求赔偿", "举报", "不合理收费",
                "complain", "complaint", "unacceptable", "fraud", "scam", "unfair charge", "refund my", "compensation",
            ]),
            complex: words(&[
                "多次", "纠纷", "法律", "律师", "监管", "调查", "欺诈", "诈骗", "赔偿", "损失",
                "repeatedly", "dispute", "lawyer", "legal", "regulator", "fraud", "loss", "compensation",
            ]),
            complex_length: 600,
        }
    }
}

impl Rules {
    /// Every list needs phrases, and every phrase needs text.
    pub fn validate(&self) -> Result<(), RulesError> {
        let empty = |list: &[String]| list.is_empty() || list.iter().any(|p| p.trim().is_empty());
        if self.categories.is_empty() || self.categories.iter().any(|c| c.code.trim().is_empty() || empty(&c.phrases)) {
            return Err(RulesError { field: "categories", message: "each category needs a code and at least one phrase" });
        }
        if empty(&self.complaint) {
            return Err(RulesError { field: "complaint", message: "the complaint phrase list can't be empty" });
        }
        if empty(&self.complex) {
            return Err(RulesError { field: "complex", message: "the complex phrase list can't be empty" });
        }
        Ok(())
    }

    /// Suggests a category, complexity and complaint flag for a case's subject and description.
    pub fn classify(&self, subject: &str, description: &str) -> Suggestion {
        let text = format!("{subject}\n{description}").to_lowercase();
        let hits = |phrases: &[String]| phrases.iter().filter(|p| text.contains(&p.to_lowercase())).count();

        let mut scored: Vec<(usize, &str)> =
            self.categories.iter().map(|c| (hits(&c.phrases), c.code.as_str())).collect();
        // Stable sort keeps the priority order among equals.
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        let (best, code) = scored.first().copied().unwrap_or((0, "other"));
        let runner_up = scored.get(1).map_or(0, |s| s.0);
        let (category, category_confidence) = if best == 0 {
            ("other".to_string(), 30)
        } else {
            // More matching phrases, and a clearer lead over the next category, mean more confidence.
            let lead = (best - runner_up) as u32;
            (code.to_string(), (50 + 15 * best as u32 + 10 * lead).min(95) as u8)
        };

        let complaint_hits = hits(&self.complaint) as u32;
        let complex = hits(&self.complex) > 0 || description.chars().count() > self.complex_length;
        Suggestion {
            category,
            category_confidence,
            complexity: if complex { Complexity::Complex } else { Complexity::Ordinary },
            is_complaint: complaint_hits > 0,
            complaint_confidence: if complaint_hits == 0 { 80 } else { (60 + 15 * complaint_hits).min(95) as u8 },
        }
    }
}

/// Classifies with the institution's default rules.
pub fn classify(subject: &str, description: &str) -> Suggestion {
    Rules::default().classify(subject, description)
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
            assert!(is_category(&s.category));
        }
    }

    #[test]
    fn complaints_are_recognised_even_when_filed_as_inquiries() {
        for text in ["我要投诉你们的服务", "There is an unfair charge on my card", "I want to complain", "这是不合理收费"] {
            assert!(classify("咨询", text).is_complaint, "{text}");
        }
        assert!(!classify("咨询", "请问营业时间").is_complaint);
    }

    #[test]
    fn confidence_grows_with_evidence() {
        let weak = classify("问题", "关于卡片");
        let strong = classify("信用卡年费", "信用卡额度和年费");
        assert_eq!(weak.category, "cards");
        assert!(strong.category_confidence > weak.category_confidence);
        assert!(classify("你好", "随便问问").category_confidence < weak.category_confidence);
        let mixed = classify("转账", "信用卡转账");
        assert!(mixed.category_confidence < strong.category_confidence, "a tie is less certain");
    }

    #[test]
    fn long_descriptions_are_complex() {
        let long = "账单".repeat(Rules::default().complex_length);
        assert_eq!(classify("问题", &long).complexity, Complexity::Complex);
    }

    #[test]
    fn empty_phrase_lists_are_refused() {
        assert_eq!(Rules::default().validate(), Ok(()));
        let mut rules = Rules::default();
        rules.complaint.clear();
        assert_eq!(rules.validate().unwrap_err().field, "complaint");
        let mut rules = Rules::default();
        rules.categories[0].phrases = vec!["  ".into()];
        assert_eq!(rules.validate().unwrap_err().field, "categories");
    }
}
