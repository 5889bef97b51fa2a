//! The route table and the one path every `/api` request takes through it.
//!
//! Each route names its method, path, who may call it and what it does. The same table drives
//! dispatch, the session and role check, and the OpenAPI document, so a route cannot exist
//! without a rule or without being described.

use chrono::DateTime;
use domain::Role;
use worker::{Env, Headers, Method, Request, Response};

use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::routes::{self, Endpoint};
use crate::{auth, db};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Anyone,
    /// Signed in with at least this role.
    Role(Role),
}

pub struct Route {
    pub method: Method,
    /// Segments in braces (`{id}`) match any one segment and are passed to the handler in order.
    pub path: &'static str,
    pub endpoint: Endpoint,
    pub access: Access,
    pub summary: &'static str,
}

/// The route for a method and path, and the path's parameters; `MethodNotAllowed` when only
/// the path is known.
fn find(method: &Method, path: &str) -> Result<(&'static Route, Vec<String>), ApiError> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut path_known = false;
    for route in routes::ROUTES {
        let pattern: Vec<&str> = route.path.split('/').collect();
        if pattern.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let matched = pattern.iter().zip(&segments).all(|(p, s)| {
            if p.starts_with('{') {
                params.push(s.to_string());
                !s.is_empty()
            } else {
                p == s
            }
        });
        if matched {
            if route.method == *method {
                return Ok((route, params));
            }
            path_known = true;
        }
    }
    Err(if path_known { ApiError::MethodNotAllowed } else { ApiError::NotFound })
}

fn changes_state(method: &Method) -> bool {
    matches!(method, Method::Post | Method::Put | Method::Patch | Method::Delete)
}

/// Handles one `/api` request, from matching to the response with its security headers.
pub async fn handle(req: Request, env: Env, now_ms: f64) -> worker::Result<Response> {
    let https = auth::is_https(&req);
    let result = dispatch(req, env, now_ms).await;
    let mut response = match result {
        Ok(response) => response,
        Err(err) => {
            if let ApiError::Internal(cause) = &err {
                // The cause names the failing step, never request data.
                worker::console_error!("internal error: {cause}");
            }
            let mut response = Response::from_json(&err.body())?.with_status(err.status());
            if let ApiError::RateLimited(seconds) = err {
                response.headers_mut().set("Retry-After", &seconds.to_string())?;
            }
            response
        }
    };
    secure(response.headers_mut(), https)?;
    Ok(response)
}

async fn dispatch(req: Request, env: Env, now_ms: f64) -> Result<Response, ApiError> {
    let method = req.method();
    let (route, params) = find(&method, &req.path())?;
    let db = env.d1("DB")?;
    let now = DateTime::from_timestamp_millis(now_ms as i64).unwrap_or_default();
    let token = auth::session_token(&req)?;

    // A browser sends the session cookie on its own; only our app adds this header, which a
    // cross-site form cannot. Checked before anything else so a forged request learns nothing.
    if changes_state(&method) && token.is_some() && req.headers().get("x-requested-with")?.as_deref() != Some("kefu") {
        return Err(ApiError::Csrf);
    }
    let user = match &token {
        Some(token) => db::sessions::user(&db, &crate::ids::token_hash(token), now.timestamp_millis()).await?,
        None => None,
    };
    if let Access::Role(required) = route.access {
        let user = user.as_ref().ok_or(ApiError::Unauthenticated)?;
        if !user.role.includes(required) {
            return Err(ApiError::Forbidden);
        }
    }
    routes::call(route.endpoint, Ctx { req, db, now, user, params, env }).await
}

/// Headers every API response carries: never cached, never sniffed, never framed.
fn secure(headers: &mut Headers, https: bool) -> worker::Result<()> {
    headers.set("Cache-Control", "no-store")?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Referrer-Policy", "no-referrer")?;
    headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")?;
    if https {
        headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")?;
    }
    Ok(())
}
