//! Call scripts: what a follow-up call must cover. Admins keep one script per reason and, added
//! to it for a post-sale call, one per kind of product, each in both languages (the setting
//! `follow_up_scripts`); the call screen shows the call's own, a line a step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Reason;
use crate::questionnaire::Text;

/// The kinds of product a bank sells, as `products.kind` has them.
pub const PRODUCT_KINDS: [&str; 6] = ["card", "loan", "deposit", "wealth", "insurance", "digital"];

/// The longest script, in characters per language.
pub const MAX_CHARS: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scripts {
    /// One per reason, every reason.
    pub reasons: BTreeMap<Reason, Text>,
    /// Added to a post-sale call's script for a product of that kind; kinds without one add none.
    #[serde(default)]
    pub product_kinds: BTreeMap<String, Text>,
}

fn lines(zh: &[&str], en: &[&str]) -> Text {
    Text { zh: zh.join("\n"), en: en.join("\n") }
}

impl Default for Scripts {
    fn default() -> Self {
        let reasons = [
            (
                Reason::Purchase,
                lines(
                    &[
                        "核实身份后，说明来电目的：就客户近期购买的产品做售后回访。",
                        "确认客户已了解产品的风险等级、收益不确定性和主要条款。",
                        "确认销售过程符合要求：风险揭示、适当性评估、双录，无误导或搭售。",
                        "有犹豫期的产品：告知客户犹豫期截止时间及可申请撤销。",
                    ],
                    &[
                        "Once identity is verified, say why you call: an after-sale follow-up of a product the customer bought.",
                        "Check the customer understood the product's risk level, that returns are not guaranteed, and its main terms.",
                        "Check the sale was done as required: risks disclosed, suitability assessed, recorded, nothing misleading or tied.",
                        "For a product with a cooling-off period: tell the customer when it ends and that they may still cancel.",
                    ],
                ),
            ),
            (
                Reason::AfterComplaint,
                lines(
                    &["说明来电目的：回访客户投诉的处理情况。", "确认客户已收到处理结果，询问是否认可。", "询问对处理过程的满意度（1-5 分）。", "如仍有不满，记录原因，必要时为客户新建工单。"],
                    &[
                        "Say why you call: to follow up the handling of the customer's complaint.",
                        "Check the customer received the outcome, and whether they accept it.",
                        "Ask how satisfied they are with the handling (1-5).",
                        "If they are still unhappy, note why, and open a new case for them if needed.",
                    ],
                ),
            ),
            (
                Reason::FirstProduct,
                lines(
                    &[
                        "欢迎新客户，说明来电目的：了解开户及首笔业务体验。",
                        "解答使用中的疑问（手机银行、卡片、费用）。",
                        "提醒客户保护个人信息，警惕诈骗：银行不会索要密码或验证码。",
                        "询问满意度（1-5 分）。",
                    ],
                    &[
                        "Welcome the new customer; say why you call: to hear how opening and their first product went.",
                        "Clear up questions (mobile banking, cards, fees).",
                        "Remind them to protect personal data and beware of fraud: the bank never asks for passwords or SMS codes.",
                        "Ask how satisfied they are (1-5).",
                    ],
                ),
            ),
            (
                Reason::Periodic,
                lines(
                    &["说明来电目的：定期回访，了解近期需求与问题。", "询问现有产品使用情况，是否有新的金融需求。", "提醒客户警惕诈骗，保护个人信息。", "询问满意度（1-5 分）。"],
                    &[
                        "Say why you call: a periodic follow-up to hear of new needs and problems.",
                        "Ask how their products are serving them, and whether they have new needs.",
                        "Remind them to beware of fraud and protect their personal data.",
                        "Ask how satisfied they are (1-5).",
                    ],
                ),
            ),
        ];
        let product_kinds = [
            (
                "insurance",
                lines(
                    &["确认客户已知悉保险责任、免责条款和缴费期限。", "告知犹豫期内退保可退还全部已缴保费（扣除少量工本费），犹豫期后退保可能有损失。"],
                    &[
                        "Check the customer knows what the policy covers, what it excludes, and how long premiums are paid.",
                        "Tell them that cancelling inside the cooling-off period refunds the premiums paid (less a small fee), and that cancelling later may cost them.",
                    ],
                ),
            ),
            (
                "wealth",
                lines(
                    &["确认客户知悉产品不保本、业绩比较基准不代表实际收益。", "确认客户了解赎回规则、封闭期和费用。"],
                    &[
                        "Check the customer knows the principal is not guaranteed and a benchmark is not a promised return.",
                        "Check they understand how redemption works, any lock-up period, and the fees.",
                    ],
                ),
            ),
        ];
        Scripts {
            reasons: reasons.into_iter().collect(),
            product_kinds: product_kinds.into_iter().map(|(k, t)| (k.to_string(), t)).collect(),
        }
    }
}

impl Scripts {
    /// Every reason has a script in both languages; product kinds are known ones; none is too
    /// long. The error names the field.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        let too_long = |t: &Text| t.zh.chars().count() > MAX_CHARS || t.en.chars().count() > MAX_CHARS;
        for reason in Reason::ALL {
            match self.reasons.get(&reason) {
                Some(t) if t.zh.trim().is_empty() || t.en.trim().is_empty() => return Err(("reasons", "every reason needs its script in Chinese and English")),
                Some(t) if too_long(t) => return Err(("reasons", "a script is at most 2,000 characters")),
                Some(_) => {}
                None => return Err(("reasons", "every reason needs its script")),
            }
        }
        for (kind, text) in &self.product_kinds {
            if !PRODUCT_KINDS.contains(&kind.as_str()) {
                return Err(("product_kinds", "product_kinds names a kind of product Kefu does not know"));
            }
            if too_long(text) {
                return Err(("product_kinds", "a script is at most 2,000 characters"));
            }
        }
        Ok(())
    }

    /// The script of a call: its reason's, then its product kind's (for a post-sale call).
    pub fn for_call(&self, reason: Reason, product_kind: Option<&str>) -> Text {
        let mut script = self.reasons.get(&reason).cloned().or_else(|| Scripts::default().reasons.get(&reason).cloned()).unwrap_or_default();
        if let Some(extra) = product_kind.and_then(|k| self.product_kinds.get(k)) {
            for (to, from) in [(&mut script.zh, &extra.zh), (&mut script.en, &extra.en)] {
                if !from.trim().is_empty() {
                    to.push('\n');
                    to.push_str(from.trim());
                }
            }
        }
        script
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_sale_call_reads_its_reasons_script_then_its_product_kinds() {
        let scripts = Scripts::default();
        assert_eq!(scripts.validate(), Ok(()));
        let insurance = scripts.for_call(Reason::Purchase, Some("insurance"));
        let lines: Vec<&str> = insurance.zh.lines().collect();
        assert_eq!(lines.len(), 6, "four for the sale, two for insurance");
        assert!(lines[0].starts_with("核实身份后") && lines[5].contains("犹豫期内退保"));
        assert_eq!(scripts.for_call(Reason::Purchase, Some("card")), scripts.reasons[&Reason::Purchase], "cards add nothing");
        assert_eq!(scripts.for_call(Reason::Periodic, None).en.lines().count(), 4);
    }

    #[test]
    fn scripts_name_what_is_wrong_with_them() {
        let mut s = Scripts::default();
        s.reasons.remove(&Reason::Periodic);
        assert_eq!(s.validate().unwrap_err().0, "reasons");
        let mut s = Scripts::default();
        s.reasons.get_mut(&Reason::Periodic).unwrap().en.clear();
        assert_eq!(s.validate().unwrap_err().0, "reasons");
        let mut s = Scripts::default();
        s.product_kinds.insert("crypto".into(), Text::new("x", "x"));
        assert_eq!(s.validate().unwrap_err().0, "product_kinds");
        let mut s = Scripts::default();
        s.product_kinds.insert("loan".into(), Text::new(&"长".repeat(MAX_CHARS + 1), "x"));
        assert_eq!(s.validate().unwrap_err().0, "product_kinds");
        // Stored as JSON with the reasons as keys.
        let json = serde_json::to_value(Scripts::default()).unwrap();
        assert!(json["reasons"]["after_complaint"]["zh"].as_str().unwrap().contains("投诉"));
    }
}
