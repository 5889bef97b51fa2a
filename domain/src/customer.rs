//! Customers: their segment and lifecycle, and how their contact details are shown.

use crate::case::string_enum;

string_enum! {
    /// Value tier: high-value customers get personal service.
    Segment {
        Mass = "mass",
        Affluent = "affluent",
        Private = "private",
    }
}

string_enum! {
    /// New customers get a first follow-up; existing ones periodic follow-ups.
    Lifecycle {
        New = "new",
        Existing = "existing",
    }
}

string_enum! {
    /// Why a customer ended their relationship with the institution (churn), as recorded on the
    /// customer's profile.
    LeaveReason {
        Service = "service",
        FeesOrRates = "fees_or_rates",
        CompetitorOffer = "competitor_offer",
        Relocation = "relocation",
        NoLongerNeeded = "no_longer_needed",
        Deceased = "deceased",
        Other = "other",
    }
}

/// A phone number as lists show it: the first three and last four digits.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return "*".repeat(digits.len());
    }
    let head: String = digits[..3].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// An e-mail address as lists show it: the first character of the mailbox and the domain.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// A resident ID number as the profile shows it: the first six (the issuing region) and the
/// last four characters.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    if chars.len() < 12 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// The last four digits of a phone number, by which agents most often look a customer up.
pub fn phone_last4(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(4)..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_details_are_masked() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("138-1234-5678"), "138****5678");
        assert_eq!(mask_phone("12345"), "*****");
        assert_eq!(mask_email("zhang.wei@example.com"), "z***@example.com");
        assert_eq!(mask_email("王@例子.中国"), "王***@例子.中国");
        assert_eq!(mask_email("nonsense"), "***");
        assert_eq!(phone_last4("138 1234 5678"), "5678");
        assert_eq!(phone_last4("12"), "12");
        assert_eq!(mask_id_number("11010519491231002X"), "110105********002X");
        assert_eq!(mask_id_number("short"), "*****");
    }
}
