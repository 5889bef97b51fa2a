//! The session cookie: reading it from a request and writing it on sign-in and sign-out.

use worker::Request;

use crate::error::ApiError;

pub const COOKIE: &str = "kefu_session";

/// How long a session lasts: one working shift.
pub const SESSION_HOURS: i64 = 12;

/// Whether the request came over https: then cookies are `Secure` and HSTS is sent.
pub fn is_https(req: &Request) -> bool {
    req.url().map(|u| u.scheme() == "https").unwrap_or(false)
}

/// The session token the request's cookie carries, if any.
pub fn session_token(req: &Request) -> Result<Option<String>, ApiError> {
    let Some(header) = req.headers().get("cookie")? else {
        return Ok(None);
    };
    Ok(header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128))
}

/// The Set-Cookie value that gives the browser a session; `Secure` when served over https.
pub fn set_cookie(token: &str, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", SESSION_HOURS * 3600)
}

/// The Set-Cookie value that makes the browser forget its session.
pub fn clear_cookie(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}
