//! Follow-ups (回访) as the workspace lists and records them, and the purchases that plan the
//! post-sale ones.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{check_text, is_id, optional_text, params, FieldError, Validate, TEXT_MAX};
use crate::case::{CallOutcome, Channel};
use crate::follow_up::call::Ending;
use crate::follow_up::Reason;
use crate::questionnaire::Text;
use crate::sale::Tolerance;
use crate::Segment;

/// The largest amount a purchase may record, in fen (¥10,000,000,000).
pub const PURCHASE_MAX_FEN: i64 = 1_000_000_000_000;

/// `POST /api/customers/{id}/products`: a product the customer bought (the core banking
/// system's integration point, or an agent at the desk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurchaseRequest {
    /// The product's code (`GET /api/products`).
    pub product: String,
    /// When it was bought; now when absent. Never in the future.
    #[serde(default)]
    pub purchased_at: Option<DateTime<Utc>>,
    /// Where it was sold.
    pub channel: Channel,
    /// The amount bought, in fen.
    #[serde(default)]
    pub amount: Option<i64>,
}

impl Validate for PurchaseRequest {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("product", &self.product, 64)?;
        if let Some(at) = self.purchased_at {
            params::check_instant("purchased_at", at)?;
        }
        if self.amount.is_some_and(|a| !(0..=PURCHASE_MAX_FEN).contains(&a)) {
            return Err(FieldError::invalid("amount", "amount is 0 to 1000000000000 fen"));
        }
        Ok(())
    }
}

/// `PUT /api/products/{code}` (admins): what suitability and the post-sale follow-up go by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductUpdate {
    /// 1–5 (R1–R5); none for what is no investment.
    #[serde(default)]
    pub risk_level: Option<u8>,
    /// The cooling-off period in hours (at most 30 days); none without one.
    #[serde(default)]
    pub cooling_off_hours: Option<i64>,
    pub version: i64,
}

impl Validate for ProductUpdate {
    fn validate(&self) -> Result<(), FieldError> {
        if self.risk_level.is_some_and(|r| !(1..=crate::sale::RISK_LEVEL_MAX).contains(&r)) {
            return Err(FieldError::invalid("risk_level", "risk_level is 1 to 5 (R1 to R5)"));
        }
        if self.cooling_off_hours.is_some_and(|h| !(1..=crate::sale::COOLING_OFF_HOURS_MAX).contains(&h)) {
            return Err(FieldError::invalid("cooling_off_hours", "cooling_off_hours is 1 to 720 (30 days)"));
        }
        Ok(())
    }
}

/// A purchase as recorded, with what its product and the customer's tolerance made of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Purchase {
    pub id: String,
    pub customer_id: String,
    pub product: String,
    pub product_name: Text,
    pub purchased_at: DateTime<Utc>,
    pub channel: Channel,
    pub amount: Option<i64>,
    /// The product's risk level when bought (1–5: R1–R5); none for a product that is no investment.
    pub risk_level: Option<u8>,
    /// The customer's assessed tolerance when bought.
    pub risk_tolerance: Option<Tolerance>,
    /// The level was above the tolerance (适当性不匹配).
    pub mismatch: bool,
    pub cooling_off_ends_at: Option<DateTime<Utc>>,
    /// The post-sale follow-up planned for it (a case of kind follow_up); none without consent.
    pub follow_up_id: Option<String>,
}

/// A follow-up as the call list shows it: its case, why it is due, and how the calls went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    /// The follow-up's case id.
    pub id: String,
    pub reference: String,
    pub customer_id: String,
    /// Masked in the list, as every list masks it.
    pub customer_name: String,
    pub segment: Segment,
    pub reason: Reason,
    /// For a post-sale follow-up: the product sold, and its name.
    pub product: Option<String>,
    pub product_name: Option<Text>,
    /// The product's kind (card, loan, deposit, wealth, insurance, digital).
    #[serde(default)]
    pub product_kind: Option<String>,
    /// What the call must cover (one follow-up's page only; not in lists): the reason's script
    /// and the product kind's, as admins keep them (`follow_up_scripts`), a line a step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Text>,
    /// The sale was a suitability mismatch.
    pub mismatch: bool,
    /// When it must be made by (for a product with a cooling-off period, its end).
    pub due_at: DateTime<Utc>,
    pub cooling_off_ends_at: Option<DateTime<Utc>>,
    /// When it may be called next: the planned time, the next attempt's, or the call-back's.
    pub ready_at: DateTime<Utc>,
    /// The customer asked to be called back at this minute.
    pub callback_at: Option<DateTime<Utc>>,
    /// Unanswered calls so far.
    pub attempts: u32,
    pub last_outcome: Option<CallOutcome>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<u8>,
    /// How it ended; none while open.
    pub ending: Option<Ending>,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    /// The case's version, for recording an attempt.
    pub version: i64,
}

/// `POST /api/follow-ups/{id}/attempts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttemptRequest {
    pub outcome: CallOutcome,
    /// What was said, for the timeline.
    #[serde(default)]
    pub notes: Option<String>,
    /// The customer's satisfaction, 1–5, for a call that reached them.
    #[serde(default)]
    pub satisfaction: Option<u8>,
    /// For `callback_requested`: the minute the customer asked to be called back.
    #[serde(default)]
    pub callback_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl Validate for AttemptRequest {
    fn validate(&self) -> Result<(), FieldError> {
        if self.outcome == CallOutcome::Unreachable {
            return Err(FieldError::invalid("outcome", "say what happened: no_answer, busy or wrong_number"));
        }
        optional_text("notes", self.notes.as_deref().unwrap_or(""), TEXT_MAX)?;
        if let Some(at) = self.callback_at {
            params::check_instant("callback_at", at)?;
        }
        Ok(())
    }
}

/// `POST /api/customers/{id}/consent`: whether the customer agrees to be contacted
/// (follow-ups, surveys). Withdrawn, every open follow-up of theirs ends as `no_consent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    pub consent_contact: bool,
    /// How the customer said so (a call, a letter, the branch), for the audit trail.
    #[serde(default)]
    pub notes: Option<String>,
}

impl Validate for ConsentRequest {
    fn validate(&self) -> Result<(), FieldError> {
        optional_text("notes", self.notes.as_deref().unwrap_or(""), TEXT_MAX)
    }
}

/// Which follow-ups a list shows, by its query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUpFilter {
    pub assignee: Option<super::AssigneeFilter>,
    pub reason: Option<Reason>,
    pub due: Option<FollowUpDue>,
    pub product: Option<String>,
    pub mismatch: bool,
    /// `team=<id>`: those held by anyone in that team (the team view).
    pub team_id: Option<String>,
}

/// `due=today` (ready by the end of today: the call list), `overdue` (past its due time),
/// `upcoming` (not ready today).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpDue {
    Today,
    Overdue,
    Upcoming,
}

impl FollowUpFilter {
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, FieldError> {
        let mut f = FollowUpFilter::default();
        for (key, value) in pairs {
            match key {
                "assignee" => {
                    f.assignee = Some(match value {
                        "me" => super::AssigneeFilter::Me,
                        "none" => super::AssigneeFilter::Nobody,
                        id if is_id(id) => super::AssigneeFilter::User(id.to_string()),
                        _ => return Err(FieldError::invalid("assignee", "assignee must be me, none or a user's id")),
                    })
                }
                "reason" => f.reason = Some(Reason::parse(value).ok_or_else(|| FieldError::invalid("reason", "reason is not a follow-up reason"))?),
                "due" => {
                    f.due = Some(match value {
                        "today" => FollowUpDue::Today,
                        "overdue" => FollowUpDue::Overdue,
                        "upcoming" => FollowUpDue::Upcoming,
                        _ => return Err(FieldError::invalid("due", "due must be today, overdue or upcoming")),
                    })
                }
                "team" if is_id(value) => f.team_id = Some(value.to_string()),
                "team" => return Err(FieldError::invalid("team", "team is not a team id")),
                "product" if is_id(value) => f.product = Some(value.to_string()),
                "product" => return Err(FieldError::invalid("product", "product is not a product code")),
                "mismatch" => f.mismatch = super::yes_or_no("mismatch", value)?,
                _ => {}
            }
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purchase_is_checked_field_by_field() {
        let ok = PurchaseRequest { product: "wealth-steady".into(), purchased_at: None, channel: Channel::Branch, amount: Some(5_000_000) };
        assert!(ok.validate().is_ok());
        let field = |r: PurchaseRequest| r.validate().unwrap_err().field;
        assert_eq!(field(PurchaseRequest { product: " ".into(), ..ok.clone() }), "product");
        assert_eq!(field(PurchaseRequest { amount: Some(-1), ..ok.clone() }), "amount");
        assert_eq!(field(PurchaseRequest { amount: Some(i64::MAX), ..ok.clone() }), "amount");
        assert_eq!(field(PurchaseRequest { purchased_at: Some(DateTime::<Utc>::MAX_UTC), ..ok }), "purchased_at");
    }

    #[test]
    fn a_products_sale_settings_are_bounded() {
        let ok = ProductUpdate { risk_level: Some(4), cooling_off_hours: Some(24), version: 1 };
        assert!(ok.validate().is_ok());
        assert!(ProductUpdate { risk_level: None, cooling_off_hours: None, ..ok.clone() }.validate().is_ok());
        assert_eq!(ProductUpdate { risk_level: Some(6), ..ok.clone() }.validate().unwrap_err().field, "risk_level");
        assert_eq!(ProductUpdate { risk_level: Some(0), ..ok.clone() }.validate().unwrap_err().field, "risk_level");
        assert_eq!(ProductUpdate { cooling_off_hours: Some(721), ..ok.clone() }.validate().unwrap_err().field, "cooling_off_hours");
        assert_eq!(ProductUpdate { cooling_off_hours: Some(0), ..ok }.validate().unwrap_err().field, "cooling_off_hours");
    }

    #[test]
    fn the_list_reads_its_filters_and_names_a_bad_one() {
        let f = FollowUpFilter::from_query([("assignee", "me"), ("reason", "purchase"), ("due", "today"), ("mismatch", "true")]).unwrap();
        assert_eq!((f.reason, f.due, f.mismatch), (Some(Reason::Purchase), Some(FollowUpDue::Today), true));
        for (key, value) in [("reason", "x"), ("due", "tomorrow"), ("mismatch", "yes"), ("assignee", "a b"), ("product", "../x"), ("team", "x y")] {
            assert_eq!(FollowUpFilter::from_query([(key, value)]).unwrap_err().field, key);
        }
    }

    #[test]
    fn an_attempt_says_what_happened() {
        let ok = AttemptRequest { outcome: CallOutcome::NoAnswer, notes: None, satisfaction: None, callback_at: None, version: 1 };
        assert!(ok.validate().is_ok());
        assert_eq!(AttemptRequest { outcome: CallOutcome::Unreachable, ..ok.clone() }.validate().unwrap_err().field, "outcome");
        assert_eq!(AttemptRequest { notes: Some("长".repeat(TEXT_MAX + 1)), ..ok }.validate().unwrap_err().field, "notes");
    }
}
