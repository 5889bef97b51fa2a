//! What a handler gets: the request, the database, the instant it is handled at, the signed-in
//! user, and the path parameters; plus the helpers that turn a body into a checked request.

use chrono::{DateTime, Utc};
use domain::api::{FieldError, User, Validate};
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{D1Database, Env, Headers, Request, Response};

use crate::error::ApiError;

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

pub struct Ctx {
    pub req: Request,
    pub db: D1Database,
    pub now: DateTime<Utc>,
    pub user: Option<User>,
    pub params: Vec<String>,
    /// The worker's vars (institution name, public address).
    pub env: Env,
}

impl Ctx {
    /// The signed-in user. Routes that call this are declared as needing a session, so the
    /// router has already answered 401 when there is none.
    pub fn user(&self) -> Result<&User, ApiError> {
        self.user.as_ref().ok_or(ApiError::Unauthenticated)
    }

    pub fn param(&self, index: usize) -> &str {
        self.params.get(index).map(String::as_str).unwrap_or("")
    }

    pub fn now_ms(&self) -> i64 {
        self.now.timestamp_millis()
    }

    /// The client's address as Cloudflare reports it (empty when there is none, locally).
    pub fn client_address(&self) -> Result<String, ApiError> {
        Ok(self.req.headers().get("cf-connecting-ip")?.unwrap_or_default())
    }

    /// Query parameters as decoded pairs.
    pub fn query(&self) -> Result<Vec<(String, String)>, ApiError> {
        Ok(self.req.url()?.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// Reads the body as `T` and checks it: 415 unless it is sent as JSON, 413 when too large,
    /// 400 when not JSON, 422 naming the field that is missing, of the wrong type or value,
    /// unknown, or fails its check.
    pub async fn body<T: DeserializeOwned + Validate>(&mut self) -> Result<T, ApiError> {
        // A cross-site form can post only form encodings or text/plain, never application/json
        // without a CORS preflight: requiring it stops a forged sign-in (login CSRF) and any
        // other forged JSON post, session or not.
        let content_type = self.req.headers().get("content-type")?.unwrap_or_default();
        if !is_json(&content_type) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let declared = self.req.headers().get("content-length")?.and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > BODY_LIMIT) {
            return Err(ApiError::TooLarge(BODY_LIMIT));
        }
        let bytes = self.read_limited(BODY_LIMIT).await?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| ApiError::MalformedJson)?;
        if !value.is_object() {
            return Err(ApiError::MalformedJson);
        }
        let parsed: T = serde_path_to_error::deserialize(value).map_err(field_error)?;
        parsed.validate()?;
        Ok(parsed)
    }

    /// The body's bytes, read chunk by chunk and refused (413) as soon as they pass `limit`:
    /// a body sent without Content-Length (chunked) is never held whole in the isolate's
    /// memory before it is found too large.
    async fn read_limited(&mut self, limit: usize) -> Result<Vec<u8>, ApiError> {
        use futures_util::StreamExt;
        // No body at all: nothing to read (the JSON check then refuses it).
        let Ok(mut stream) = self.req.stream() else {
            return Ok(Vec::new());
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| ApiError::MalformedJson)?;
            if bytes.len() + chunk.len() > limit {
                return Err(ApiError::TooLarge(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

/// Whether a Content-Type is JSON: `application/json`, with parameters or not, in any case.
fn is_json(content_type: &str) -> bool {
    content_type.split(';').next().is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Names the field a deserialization error is about, without echoing the client's value.
fn field_error(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let message = err.inner().to_string();
    let path = err.path().to_string();
    // serde reports a missing or unknown field at the enclosing object, naming it in backticks.
    let named = message.split('`').nth(1).map(str::to_string);
    let (field, code, text) = if message.starts_with("missing field") {
        (named.unwrap_or(path), "missing_field", "is required")
    } else if message.starts_with("unknown field") {
        (named.unwrap_or(path), "invalid_field", "is not a field of this request")
    } else {
        (path, "invalid_field", "has a value of the wrong type or outside the allowed values")
    };
    // An unknown field's name is the client's text: keep it short in the answer.
    let field: String = field.chars().take(64).collect();
    ApiError::Field(FieldError { message: format!("{field} {text}"), field, code })
}

/// A JSON response with the given status.
pub fn json<T: Serialize>(status: u16, value: &T) -> Result<Response, ApiError> {
    Ok(Response::from_json(value)?.with_status(status))
}

/// A CSV to download: its body (already text or a stream), typed and named for saving.
pub fn csv_download(response: Response, filename: &str) -> Result<Response, ApiError> {
    let headers = response.headers().clone();
    headers.set("Content-Type", "text/csv; charset=utf-8")?;
    headers.set("Content-Disposition", &format!("attachment; filename=\"{filename}\""))?;
    Ok(response.with_headers(headers))
}

/// An empty 204 response.
pub fn no_content() -> Result<Response, ApiError> {
    Ok(Response::empty()?.with_status(204).with_headers(Headers::new()))
}
