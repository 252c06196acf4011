//! Injected faults (test controls): delay, fail or drop the next matching requests.

use std::borrow::Cow;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;

/// A fault for the next `count` requests whose path matches `path` (exact, or a prefix when it
/// ends with `*`) and, when given, whose method is `method`.
#[derive(Debug, Clone, Deserialize)]
pub struct Fault {
    /// Path to match, e.g. `/auth/v1/recover`.
    pub path: String,
    /// Method to match (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Answer with this status (a GoTrue-shaped error) instead of the real answer.
    #[serde(default)]
    pub status: Option<u16>,
    /// Error code for `status` (default by status).
    #[serde(default)]
    pub code: Option<String>,
    /// Error message for `status`.
    #[serde(default)]
    pub message: Option<String>,
    /// Wait this long first.
    #[serde(default)]
    pub delay_ms: u64,
    /// Send the real answer this long after it was made: a late answer that may be stale by
    /// the time it arrives.
    #[serde(default)]
    pub hold_ms: u64,
    /// Close the connection without an answer.
    #[serde(default)]
    pub drop: bool,
    /// How many requests it applies to.
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

impl Fault {
    fn matches(&self, method: &Method, path: &str) -> bool {
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path || path == self.path.trim_end_matches('/'),
        };
        let method_ok = match &self.method {
            Some(m) => m.eq_ignore_ascii_case(method.as_str()),
            None => method != Method::OPTIONS,
        };
        path_ok && method_ok
    }
}

impl Fault {
    /// The fault as `GET /_emulator/faults` lists it.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "path": self.path,
            "method": self.method,
            "status": self.status,
            "delay_ms": self.delay_ms,
            "hold_ms": self.hold_ms,
            "drop": self.drop,
            "count": self.count,
        })
    }
}

/// Marks a response whose connection must be closed without sending it.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// Middleware applying the first matching fault.
pub async fn fault_layer(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let fault = state.volatile(|data| {
        let i = data
            .faults
            .iter()
            .position(|f| f.count > 0 && f.matches(req.method(), req.uri().path()))?;
        let f = data.faults[i].clone();
        data.faults[i].count -= 1;
        if data.faults[i].count == 0 {
            data.faults.remove(i);
        }
        Some(f)
    });
    let Some(f) = fault else { return next.run(req).await };
    if f.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(f.delay_ms)).await;
    }
    if f.drop {
        let mut resp = StatusCode::BAD_GATEWAY.into_response();
        resp.extensions_mut().insert(DropConnection);
        return resp;
    }
    let Some(status) = f.status.and_then(|s| StatusCode::from_u16(s).ok()) else {
        let resp = next.run(req).await;
        tokio::time::sleep(std::time::Duration::from_millis(f.hold_ms)).await;
        return resp;
    };
    let code = match f.code {
        Some(c) => Cow::Owned(c),
        None => Cow::Borrowed(match status.as_u16() {
            429 => "over_request_rate_limit",
            500..=599 => "unexpected_failure",
            _ => "unknown",
        }),
    };
    let message = f.message.unwrap_or_else(|| match status.as_u16() {
        429 => "Request rate limit reached".into(),
        _ => status.canonical_reason().unwrap_or("Injected fault").into(),
    });
    ApiError { status, code, message, weak_password: None }.into_response()
}
