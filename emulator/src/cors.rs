//! CORS for browsers calling the API from another origin (the app's dev server, test pages).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;
use crate::util::wildcard_match;

const ALLOW_HEADERS: &str =
    "apikey, authorization, content-type, x-supabase-api-version, x-client-info";
const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

fn allowed(state: &AppState, origin: &str) -> bool {
    origin == state.origin
        || state.config.cors_origins.iter().any(|p| p == "*" || wildcard_match(p, origin))
}

/// Middleware: answers preflights and adds the CORS headers for allowed origins.
pub async fn cors_layer(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| allowed(&state, o))
        .and_then(|o| HeaderValue::from_str(o).ok());
    let preflight = req.method() == Method::OPTIONS
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        let mut resp = StatusCode::NO_CONTENT.into_response();
        if let Some(o) = origin {
            let mut allow = ALLOW_HEADERS.to_string();
            if let Some(extra) = req
                .headers()
                .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
                .and_then(|v| v.to_str().ok())
            {
                for h in extra.split(',').map(str::trim).filter(|h| !h.is_empty()) {
                    if !ALLOW_HEADERS.split(", ").any(|a| a.eq_ignore_ascii_case(h)) {
                        allow.push_str(", ");
                        allow.push_str(h);
                    }
                }
            }
            let h = resp.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOW_METHODS));
            if let Ok(v) = HeaderValue::from_str(&allow) {
                h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, v);
            }
            h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
            h.insert(header::VARY, HeaderValue::from_static("Origin"));
        }
        return resp;
    }
    let mut resp = next.run(req).await;
    if let Some(o) = origin {
        let h = resp.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("X-Supabase-Api-Version"),
        );
        h.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
}
