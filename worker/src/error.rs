//! The one error type handlers return, and the one place it becomes an HTTP response.
//!
//! A client only ever sees a stable `code`, a human `message` and the `field` it got wrong.
//! Internal failures are logged with their cause and answered with a generic 500 body: no SQL
//! text, no panic message, no personal data leaves the worker.

use domain::api::{ErrorBody, ErrorDetail, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request body is not valid JSON")]
    MalformedJson,
    #[error("{0}")]
    Field(#[from] FieldError),
    #[error("sign in first")]
    Unauthenticated,
    #[error("e-mail or password is wrong")]
    InvalidCredentials,
    #[error("your role may not do this")]
    Forbidden,
    #[error("state-changing requests must send the header X-Requested-With: kefu")]
    Csrf,
    #[error("not found")]
    NotFound,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("this link has been used or has expired")]
    Gone,
    #[error("someone else changed this case; reload it and try again")]
    VersionConflict,
    #[error("an active admin must remain: another admin has to be made one first")]
    LastAdmin,
    #[error("this time is fully booked; choose another")]
    SlotFull,
    /// The thing is already in the state asked for (e.g. a customer already recorded as left).
    #[error("{0}")]
    Conflict(&'static str),
    /// A customer's personal data that the law still holds (domain::privacy).
    #[error(transparent)]
    Held(#[from] domain::privacy::ErasureHold),
    #[error(transparent)]
    Transition(#[from] domain::lifecycle::TransitionError),
    /// An assignment `domain::assignment` does not allow the caller (recusal is a field error).
    #[error(transparent)]
    Refused(domain::assignment::Refusal),
    #[error("the request body must be sent as Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("too many requests; try again in {0} seconds")]
    RateLimited(u32),
    #[error("internal error")]
    Internal(String),
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::MalformedJson => 400,
            ApiError::Unauthenticated | ApiError::InvalidCredentials => 401,
            ApiError::Forbidden | ApiError::Csrf | ApiError::Refused(_) => 403,
            ApiError::NotFound => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::VersionConflict | ApiError::Conflict(_) | ApiError::LastAdmin | ApiError::SlotFull | ApiError::Held(_) => 409,
            ApiError::Gone => 410,
            ApiError::Transition(t) => t.status(),
            ApiError::TooLarge(_) => 413,
            ApiError::UnsupportedMediaType => 415,
            ApiError::Field(_) => 422,
            ApiError::RateLimited(_) => 429,
            ApiError::Internal(_) => 500,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::MalformedJson => "malformed_json",
            ApiError::Field(f) => f.code,
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Forbidden | ApiError::Refused(_) => "forbidden",
            ApiError::Csrf => "csrf",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::VersionConflict => "version_conflict",
            ApiError::Conflict(_) => "conflict",
            ApiError::LastAdmin => "last_admin",
            ApiError::SlotFull => "slot_full",
            ApiError::Held(hold) => hold.code(),
            ApiError::Gone => "gone",
            ApiError::Transition(domain::lifecycle::TransitionError::Forbidden { .. }) => "forbidden",
            ApiError::Transition(domain::lifecycle::TransitionError::Missing(_)) => "missing_field",
            ApiError::Transition(domain::lifecycle::TransitionError::IdentityUnverified) => "identity_unverified",
            ApiError::Transition(_) => "illegal_transition",
            ApiError::TooLarge(_) => "body_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The shared error body. The message of a field error is the check's own text.
    pub fn body(&self) -> ErrorBody {
        let (message, field) = match self {
            ApiError::Field(f) => (f.message.clone(), Some(f.field.clone())),
            ApiError::Transition(t @ domain::lifecycle::TransitionError::Missing(field)) => (t.to_string(), Some(field.to_string())),
            other => (other.to_string(), None),
        };
        ErrorBody { error: ErrorDetail { code: self.code().to_string(), message, field } }
    }
}
