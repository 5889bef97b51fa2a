//! Staff accounts as admins manage them, and passwords: the links that set one and the change
//! of one's own.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{check_email, check_text, optional_text, FieldError, Validate, NAME_MAX};
use crate::password::{self, MAX_CHARS};
use crate::user::Role;

/// Whether an account can sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    /// Invited or reset by an admin: signs in once a password is set from the e-mailed link.
    AwaitingPassword,
    /// Cannot sign in; kept so the cases and audit trail still name them.
    Deactivated,
}

/// A member of staff as the user management screen lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub team_id: Option<String>,
    pub status: AccountStatus,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// `POST /api/users`: invite someone; they get an e-mail with a link to set their password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Invitation {
    pub name: String,
    pub email: String,
    pub role: Role,
    #[serde(default)]
    pub team_id: Option<String>,
}

impl Validate for Invitation {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("name", &self.name, NAME_MAX)?;
        check_text("email", &self.email, super::EMAIL_MAX)?;
        check_email("email", self.email.trim())
    }
}

/// `PUT /api/users/{id}`: rename, change role or team, deactivate or reactivate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub team_id: Option<String>,
    pub active: bool,
    pub version: i64,
}

impl Validate for AccountUpdate {
    fn validate(&self) -> Result<(), FieldError> {
        check_text("name", &self.name, NAME_MAX)
    }
}

/// `POST /api/me/password`: change one's own password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

impl Validate for PasswordChange {
    fn validate(&self) -> Result<(), FieldError> {
        if self.current_password.is_empty() {
            return Err(FieldError::missing("current_password"));
        }
        optional_text("current_password", &self.current_password, 1024)?;
        if self.new_password.is_empty() {
            return Err(FieldError::missing("new_password"));
        }
        Ok(())
    }
}

/// `POST /api/public/password-links/{token}`: set a password from an invitation or reset link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordSet {
    pub password: String,
}

impl Validate for PasswordSet {
    fn validate(&self) -> Result<(), FieldError> {
        if self.password.is_empty() {
            return Err(FieldError::missing("password"));
        }
        Ok(())
    }
}

/// Why a password link was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    Invite,
    Reset,
}

/// `GET /api/public/password-links/{token}`: whom a link is for, so the page can greet them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordLink {
    pub name: String,
    pub email: String,
    pub purpose: LinkPurpose,
    pub expires_at: DateTime<Utc>,
}

/// Checks a new password against the policy for its owner, as an error naming `field`.
pub fn check_password(field: &'static str, password: &str, email: &str, name: &str) -> Result<(), FieldError> {
    password::check(password, email, name).map_err(|weakness| {
        let mut error = FieldError::invalid(field, format!("{field} {}", weakness.message()));
        error.code = weakness.code();
        error
    })?;
    debug_assert!(password.chars().count() <= MAX_CHARS);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weak_password_is_an_error_naming_the_field_with_the_weakness_as_code() {
        let error = check_password("new_password", "short", "a@b.cn", "A").unwrap_err();
        assert_eq!((error.field.as_str(), error.code), ("new_password", "password_too_short"));
        assert_eq!(error.message, "new_password must be at least 12 characters");
        assert!(check_password("password", "kefu-demo-2026", "agent@demo.kefu", "演示坐席").is_ok());
    }

    #[test]
    fn an_invitation_needs_a_name_and_an_address() {
        let good = Invitation { name: "王芳".into(), email: "wang.fang@bank.cn".into(), role: Role::Agent, team_id: None };
        assert!(good.validate().is_ok());
        let field = |i: Invitation| i.validate().unwrap_err().field;
        assert_eq!(field(Invitation { name: " ".into(), ..good.clone() }), "name");
        assert_eq!(field(Invitation { email: "no-at-sign".into(), ..good.clone() }), "email");
        assert_eq!(field(Invitation { email: "".into(), ..good.clone() }), "email");
        assert_eq!(field(Invitation { name: "名".repeat(NAME_MAX + 1), ..good }), "name");
    }

    #[test]
    fn account_status_and_purpose_are_snake_case() {
        assert_eq!(serde_json::to_value(AccountStatus::AwaitingPassword).unwrap(), "awaiting_password");
        assert_eq!(serde_json::to_value(LinkPurpose::Reset).unwrap(), "reset");
        let update: Result<AccountUpdate, _> = serde_json::from_str(r#"{"name":"A","role":"agent","active":true,"version":1,"admin":true}"#);
        assert!(update.is_err(), "unknown fields are refused");
    }
}
