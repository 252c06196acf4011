//! GoTrue's error responses in both shapes (legacy and API version 2024-01-01).

use std::borrow::Cow;

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// An error as GoTrue reports it: status, `error_code`, message, and for weak passwords the reasons.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// GoTrue's `error_code` (e.g. `validation_failed`).
    pub code: Cow<'static, str>,
    /// Human-readable message (`msg` / `message`).
    pub message: String,
    /// `weak_password.reasons` for `weak_password` errors.
    pub weak_password: Option<Vec<String>>,
}

/// Shorthand constructors for the statuses GoTrue uses.
impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code: Cow::Borrowed(code), message: message.into(), weak_password: None }
    }
    /// 400.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    /// 401.
    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }
    /// 403.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }
    /// 404.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
    /// 422.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    /// 429.
    pub fn too_many(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, code, message)
    }
    /// 500 `unexpected_failure`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "unexpected_failure", message)
    }
    /// 400 `bad_json` with the parser's complaint.
    pub fn bad_json(detail: impl std::fmt::Display) -> Self {
        Self::bad_request("bad_json", format!("Could not parse request body as JSON: {detail}"))
    }
    /// 400 `validation_failed`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::bad_request("validation_failed", message)
    }
    /// 429 `over_email_send_rate_limit` / `over_sms_send_rate_limit` with the seconds left.
    pub fn frequency(code: &'static str, seconds_left: i64) -> Self {
        Self::too_many(
            code,
            format!(
                "For security purposes, you can only request this after {} seconds.",
                seconds_left.max(0)
            ),
        )
    }

    /// The legacy body: `{code: <status>, error_code, msg}` (+ `weak_password`, `error_id` on 5xx).
    fn legacy_body(&self) -> Value {
        let mut b =
            json!({"code": self.status.as_u16(), "error_code": self.code, "msg": self.message});
        if let Some(r) = &self.weak_password {
            b["weak_password"] = json!({"reasons": r});
        }
        if self.status.is_server_error() {
            b["error_id"] = json!(crate::util::uuid_v4());
        }
        b
    }

    /// The 2024-01-01 body: `{code: <error_code>, message}` (+ `weak_password`).
    fn v2024_body(&self) -> Value {
        let mut b = json!({"code": self.code, "message": self.message});
        if let Some(r) = &self.weak_password {
            b["weak_password"] = json!({"reasons": r});
        }
        b
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    /// Renders the legacy shape; [`api_version_layer`] swaps in the 2024 shape when asked for.
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.legacy_body())).into_response();
        if let Ok(v) = HeaderValue::from_str(&self.code) {
            resp.headers_mut().insert("x-sb-error-code", v);
        }
        resp.extensions_mut().insert(self);
        resp
    }
}

/// True when the request asks for API version 2024-01-01 or later (`YYYY-MM-DD` ≥ 2024-01-01).
pub fn wants_2024(req_header: Option<&HeaderValue>) -> bool {
    let Some(v) = req_header.and_then(|v| v.to_str().ok()) else { return false };
    let v = v.trim();
    let b = v.as_bytes();
    let well_formed = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !well_formed {
        return false;
    }
    let month: u32 = v[5..7].parse().unwrap_or(0);
    let day: u32 = v[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day) && v >= "2024-01-01"
}

/// Middleware: renders [`ApiError`] responses in the shape the request's
/// `X-Supabase-Api-Version` asks for, and echoes that header on errors only (like GoTrue).
pub async fn api_version_layer(req: Request, next: Next) -> Response {
    let v2024 = wants_2024(req.headers().get("x-supabase-api-version"));
    let mut resp = next.run(req).await;
    if !v2024 {
        return resp;
    }
    let Some(err) = resp.extensions().get::<ApiError>().cloned() else { return resp };
    let mut new = (err.status, axum::Json(err.v2024_body())).into_response();
    // GoTrue leaves x-sb-error-code out on the 2024 weak-password branch.
    if err.weak_password.is_none() {
        if let Ok(v) = HeaderValue::from_str(&err.code) {
            new.headers_mut().insert("x-sb-error-code", v);
        }
    }
    new.headers_mut().insert("x-supabase-api-version", HeaderValue::from_static("2024-01-01"));
    for (k, v) in resp.headers() {
        if !new.headers().contains_key(k) && k != "x-sb-error-code" {
            new.headers_mut().insert(k.clone(), v.clone());
        }
    }
    *new.extensions_mut() = std::mem::take(resp.extensions_mut());
    new
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    #[test]
    fn version_header_parsing() {
        let w = |s: &str| super::wants_2024(Some(&HeaderValue::from_str(s).unwrap()));
        assert!(w("2024-01-01"));
        assert!(w("2025-06-30"));
        assert!(!w("2023-12-31"));
        assert!(!w("garbage"));
        assert!(!w("2024-13-01"));
        assert!(!super::wants_2024(None));
    }
}
