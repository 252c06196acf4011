//! Injected faults (test controls) as data: what to do to the next matching requests (delay,
//! fail, drop, hold the answer). The middleware that applies them is
//! [`crate::routes::fault_layer`].

use std::borrow::Cow;

use axum::http::{Method, StatusCode};
use serde::Deserialize;

use crate::error::ApiError;

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
    /// Whether the fault applies to a request.
    pub fn matches(&self, method: &Method, path: &str) -> bool {
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

/// Takes one use of the first pending fault matching the request (a fault whose uses are spent
/// is removed).
pub fn take(faults: &mut Vec<Fault>, method: &Method, path: &str) -> Option<Fault> {
    let i = faults.iter().position(|f| f.count > 0 && f.matches(method, path))?;
    let f = faults[i].clone();
    faults[i].count -= 1;
    if faults[i].count == 0 {
        faults.remove(i);
    }
    Some(f)
}

impl Fault {
    /// The GoTrue-shaped error to answer instead of the real answer (`status` given), with
    /// GoTrue's usual code and message for that status unless the fault names them.
    pub fn error(&self) -> Option<ApiError> {
        let status = self.status.and_then(|s| StatusCode::from_u16(s).ok())?;
        let code = match &self.code {
            Some(c) => Cow::Owned(c.clone()),
            None => Cow::Borrowed(match status.as_u16() {
                429 => "over_request_rate_limit",
                500..=599 => "unexpected_failure",
                _ => "unknown",
            }),
        };
        let message = self.message.clone().unwrap_or_else(|| match status.as_u16() {
            429 => "Request rate limit reached".into(),
            _ => status.canonical_reason().unwrap_or("Injected fault").into(),
        });
        Some(ApiError { status, code, message, weak_password: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(json: serde_json::Value) -> Fault {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn faults_match_count_down_and_answer() {
        let mut faults = vec![
            fault(serde_json::json!({"path": "/auth/v1/token/", "method": "POST", "count": 2})),
            fault(serde_json::json!({"path": "/auth/v1/factors/*", "status": 429})),
        ];
        assert!(take(&mut faults, &Method::GET, "/auth/v1/token").is_none());
        assert!(take(&mut faults, &Method::POST, "/auth/v1/token").is_some());
        assert!(take(&mut faults, &Method::POST, "/auth/v1/token").is_some());
        assert!(take(&mut faults, &Method::POST, "/auth/v1/token").is_none());
        assert!(take(&mut faults, &Method::OPTIONS, "/auth/v1/factors/x").is_none());
        let f = take(&mut faults, &Method::POST, "/auth/v1/factors/x/verify").unwrap();
        let e = f.error().unwrap();
        assert_eq!((e.status.as_u16(), e.code.as_ref()), (429, "over_request_rate_limit"));
        assert!(faults.is_empty());
        assert!(fault(serde_json::json!({"path": "/x"})).error().is_none());
    }
}
