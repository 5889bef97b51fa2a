//! What a case is made of: its kind, channel, complexity, status and complaint step.
//!
//! Each value is spelled the same way in JSON, in SQL text columns and in Rust (`snake_case`),
//! so the worker stores `as_str()` and reads back with `str::parse`.

/// Declares a string-valued enum with serde in `snake_case`, `ALL`, `as_str` and `FromStr`.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::case::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($text => Ok($name::$variant),)+ _ => Err(crate::case::UnknownValue) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

/// A text that names none of an enum's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown value")]
pub struct UnknownValue;

string_enum! {
    /// What the customer came for.
    CaseKind {
        Inquiry = "inquiry",
        Complaint = "complaint",
        FollowUp = "follow_up",
    }
}

string_enum! {
    /// Where the case arrived.
    Channel {
        Phone = "phone",
        OnlineChat = "online_chat",
        Email = "email",
        WebForm = "web_form",
        MobileApp = "mobile_app",
        Branch = "branch",
        SocialMedia = "social_media",
        Regulator = "regulator",
    }
}

string_enum! {
    /// Ordinary cases get a first response within 24 h, complex ones within 48 h.
    Complexity {
        Ordinary = "ordinary",
        Complex = "complex",
    }
}

string_enum! {
    /// Where a case stands in its lifecycle.
    Status {
        New = "new",
        Assigned = "assigned",
        Responded = "responded",
        Resolved = "resolved",
        Closed = "closed",
    }
}

string_enum! {
    /// The three steps every complaint passes, each with its own deadline.
    Step {
        Review = "review",
        Investigation = "investigation",
        Feedback = "feedback",
    }
}

string_enum! {
    /// What an entry on a case's timeline records.
    EventType {
        Created = "created",
        Assigned = "assigned",
        Reply = "reply",
        Note = "note",
        Call = "call",
        StatusChanged = "status_changed",
        StepChanged = "step_changed",
        Paused = "paused",
        Resumed = "resumed",
        ExtensionRequested = "extension_requested",
        ExtensionApproved = "extension_approved",
        ExtensionRefused = "extension_refused",
        Merged = "merged",
        ReviewRequested = "review_requested",
        IdentityVerified = "identity_verified",
        /// Handed to a supervisor by the agent, with the reason.
        Escalated = "escalated",
        /// Recorded by the SLA sweep: the current clock turned due soon, was breached, or
        /// stayed breached long enough to go one level higher; a complaint step was breached.
        SlaDueSoon = "sla_due_soon",
        SlaBreached = "sla_breached",
        SlaEscalated = "sla_escalated",
        StepBreached = "step_breached",
        /// The customer answered the survey sent after the complaint closed (score · comment).
        SurveyAnswered = "survey_answered",
    }
}

string_enum! {
    /// What a call log says of the call: the customer was reached, or not (the composer's call
    /// log); a follow-up attempt says why not, or that a call-back was asked for.
    CallOutcome {
        Reached = "reached",
        Unreachable = "unreachable",
        NoAnswer = "no_answer",
        Busy = "busy",
        WrongNumber = "wrong_number",
        Refused = "refused",
        CallbackRequested = "callback_requested",
    }
}

impl CallOutcome {
    /// Nobody took the call: it counts towards the follow-up rules' `max_attempts`.
    pub fn unanswered(self) -> bool {
        matches!(self, CallOutcome::Unreachable | CallOutcome::NoAnswer | CallOutcome::Busy)
    }
}

string_enum! {
    /// How the customer's identity was verified for this case.
    #[derive(Default)]
    Identity {
        #[default]
        NotVerified = "not_verified",
        SmsCode = "sms_code",
        Face = "face",
        IdDocument = "id_document",
    }
}

/// Phrases of sensitive requests — card loss, transfer disputes, password resets, personal data
/// changes — where fraudsters pose as customers.
const SENSITIVE: &[&str] = &[
    "挂失", "丢失", "盗刷", "被盗", "转账纠纷", "转错", "重置密码", "忘记密码", "修改密码", "修改手机", "更换手机号",
    "变更身份", "修改身份", "个人信息变更", "lost card", "stolen", "dispute", "reset password", "forgot password",
    "change phone", "change of address", "update my personal",
];

/// Whether a case's words make it sensitive: it shows a fraud-risk warning and cannot be
/// resolved until the customer's identity is verified.
pub fn is_sensitive(subject: &str, description: &str) -> bool {
    let text = format!("{subject}\n{description}").to_lowercase();
    SENSITIVE.iter().any(|p| text.contains(p))
}

impl Status {
    /// Open cases still have a clock running; resolved and closed ones do not.
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::Assigned | Status::Responded)
    }
}

/// The categories a case can be filed under, with the words that suggest each.
///
/// Admin-editable categories come with the settings screens; until then this list is the
/// institution's default.
pub const CATEGORIES: &[&str] = &[
    "cards", "loans", "deposits", "wealth", "payments", "digital", "account", "other",
];

/// Whether `code` is one of [`CATEGORIES`].
pub fn is_category(code: &str) -> bool {
    CATEGORIES.contains(&code)
}

/// The human number of the `seq`-th case, as agents read it out on the phone.
pub fn reference(seq: i64) -> String {
    format!("KF{seq:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_text_and_json() {
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>(), Ok(*c));
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{}\"", c.as_str()));
        }
        for k in CaseKind::ALL {
            assert_eq!(k.as_str().parse::<CaseKind>(), Ok(*k));
        }
        assert_eq!(CaseKind::FollowUp.as_str(), "follow_up");
        assert_eq!(Channel::OnlineChat.as_str(), "online_chat");
    }

    #[test]
    fn unknown_text_is_refused() {
        assert_eq!("fax".parse::<Channel>(), Err(UnknownValue));
        assert_eq!("Phone".parse::<Channel>(), Err(UnknownValue));
        assert!(serde_json::from_str::<Channel>("\"fax\"").is_err());
    }

    #[test]
    fn open_statuses_are_the_ones_with_a_running_clock() {
        let open: Vec<_> = Status::ALL.iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [&Status::New, &Status::Assigned, &Status::Responded]);
    }

    #[test]
    fn sensitive_requests_are_recognised() {
        for (subject, description) in [("银行卡挂失", "卡丢了"), ("Reset password", "I forgot my login"), ("转账", "转错账户了，要求追回"), ("信息变更", "想更换手机号")] {
            assert!(is_sensitive(subject, description), "{subject}");
        }
        assert!(!is_sensitive("信用卡年费", "年费怎么收"));
        assert_eq!(Identity::default(), Identity::NotVerified);
    }

    #[test]
    fn references_are_zero_padded() {
        assert_eq!(reference(42), "KF000042");
        assert_eq!(reference(1_234_567), "KF1234567");
    }
}
