//! Selling financial products: who may be sold what (suitability) and the cooling-off period
//! inside which the post-sale follow-up must reach the customer.
//!
//! A product carries a risk level R1 (lowest) to R5; a customer's risk tolerance is assessed as
//! C1 (conservative) to C5 (aggressive). Selling a product whose level is above the customer's
//! tolerance is a suitability mismatch (适当性不匹配): it is flagged on the purchase, on its
//! follow-up and on the customer, and counted for supervisors. Insurance and wealth-management
//! products have a cooling-off period (犹豫期: typically 15 days for insurance, 24 hours or more
//! for a bank's wealth products) in which the customer may cancel; the post-sale follow-up asks,
//! inside it, whether they understood the risks and whether the sale was done as required.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A customer's assessed risk tolerance, C1 to C5, as stored (`conservative` … `aggressive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tolerance {
    Conservative,
    Moderate,
    Balanced,
    Growth,
    Aggressive,
}

impl Tolerance {
    pub const ALL: [Tolerance; 5] = [Tolerance::Conservative, Tolerance::Moderate, Tolerance::Balanced, Tolerance::Growth, Tolerance::Aggressive];

    /// 1 (C1) to 5 (C5).
    pub fn level(self) -> u8 {
        self as u8 + 1
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tolerance::Conservative => "conservative",
            Tolerance::Moderate => "moderate",
            Tolerance::Balanced => "balanced",
            Tolerance::Growth => "growth",
            Tolerance::Aggressive => "aggressive",
        }
    }

    pub fn parse(text: &str) -> Option<Tolerance> {
        Tolerance::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// The highest product risk level, R5.
pub const RISK_LEVEL_MAX: u8 = 5;
/// The longest cooling-off period a product may have, in hours (30 days).
pub const COOLING_OFF_HOURS_MAX: i64 = 30 * 24;

/// Whether selling a product of risk level `risk` (1–5) to a customer of `tolerance` is a
/// suitability mismatch. A customer whose tolerance was never assessed matches nothing above
/// R1: an unassessed customer is treated as the most conservative.
pub fn mismatch(risk: Option<u8>, tolerance: Option<Tolerance>) -> bool {
    let Some(risk) = risk else { return false };
    risk > tolerance.map_or(1, Tolerance::level)
}

/// When the cooling-off period of a purchase at `at` ends (`None` for a product without one).
pub fn cooling_off_ends(at: DateTime<Utc>, hours: Option<i64>) -> Option<DateTime<Utc>> {
    hours.filter(|h| (1..=COOLING_OFF_HOURS_MAX).contains(h)).map(|h| at + Duration::hours(h))
}

/// When the post-sale follow-up of a purchase at `at` is due: inside the cooling-off period
/// when there is one (its end), else `after_days` after the purchase.
pub fn follow_up_due(at: DateTime<Utc>, cooling_off_end: Option<DateTime<Utc>>, after_days: i64) -> DateTime<Utc> {
    cooling_off_end.unwrap_or(at + Duration::days(after_days.clamp(0, 365)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::bj;

    #[test]
    fn a_product_above_the_customers_tolerance_is_a_mismatch() {
        use Tolerance::*;
        // R4 to a C2 customer: flagged; to a C4 or C5 one: not.
        assert!(mismatch(Some(4), Some(Moderate)));
        assert!(!mismatch(Some(4), Some(Growth)));
        assert!(!mismatch(Some(4), Some(Aggressive)));
        // Every level against every tolerance: exactly the levels above it.
        for t in Tolerance::ALL {
            for r in 1..=RISK_LEVEL_MAX {
                assert_eq!(mismatch(Some(r), Some(t)), r > t.level(), "R{r} to C{}", t.level());
            }
        }
        // Unassessed: only R1 fits; a product without a level matches anyone.
        assert!(!mismatch(Some(1), None) && mismatch(Some(2), None));
        assert!(!mismatch(None, Some(Conservative)));
        assert_eq!(Tolerance::parse("growth"), Some(Growth));
        assert_eq!(Tolerance::parse("C4"), None);
    }

    #[test]
    fn the_follow_up_of_a_product_with_cooling_off_falls_due_inside_it() {
        let sold = bj(2026, 11, 2, 10, 0);
        // Insurance: 15 days.
        let end = cooling_off_ends(sold, Some(15 * 24)).unwrap();
        assert_eq!(end, bj(2026, 11, 17, 10, 0));
        assert_eq!(follow_up_due(sold, Some(end), 7), end, "inside the cooling-off, not seven days on");
        // A 24-hour wealth product: due the next day.
        let wealth = cooling_off_ends(sold, Some(24));
        assert_eq!(follow_up_due(sold, wealth, 7), bj(2026, 11, 3, 10, 0));
        // No cooling-off: the first-follow-up days.
        assert_eq!(cooling_off_ends(sold, None), None);
        assert_eq!(follow_up_due(sold, None, 7), bj(2026, 11, 9, 10, 0));
        // Out of range periods are none (the product's own check refuses them).
        assert_eq!(cooling_off_ends(sold, Some(0)), None);
        assert_eq!(cooling_off_ends(sold, Some(i64::MAX)), None);
    }
}
