//! The outboxes: a Mailpit-compatible subset at `/_mail`, SMS at `/_sms`, and an inbox page.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{ok_json, RequestInfo, SharedState};
use crate::domain::factors;
use crate::error::ApiError;
use crate::outbox::Mail;
use crate::state::AppState;
use crate::util::{html_escape, rfc3339, short_time};

/// The outbox routes.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/_mail", get(page))
        .route("/_mail/", get(page))
        .route("/_mail/api/v1/messages", get(list).delete(clear))
        .route("/_mail/api/v1/search", get(search))
        .route("/_mail/api/v1/message/{id}", get(message))
        .route("/_sms/api/v1/messages", get(sms_list).delete(sms_clear))
}

fn listing(mails: Vec<&Mail>, total: usize) -> Value {
    let messages: Vec<Value> = mails.iter().map(|m| m.summary()).collect();
    json!({
        "total": total,
        "unread": messages.len(),
        "count": messages.len(),
        "messages_count": messages.len(),
        "start": 0,
        "tags": [],
        "messages": messages,
    })
}

async fn list(state: SharedState) -> Response {
    state.read(|data| {
        let mails: Vec<&Mail> = data.outbox.mails.iter().rev().collect();
        ok_json(listing(mails, data.outbox.mails.len()))
    })
}

async fn search(state: SharedState, request: RequestInfo) -> Response {
    let q = request.query_value("query");
    state.read(|data| {
        let mails: Vec<&Mail> =
            data.outbox.mails.iter().rev().filter(|m| m.matches_search(&q)).collect();
        ok_json(listing(mails, data.outbox.mails.len()))
    })
}

async fn message(state: SharedState, Path(id): Path<String>) -> Result<Response, ApiError> {
    state.read(|data| {
        let m = if id == "latest" {
            data.outbox.mails.last()
        } else {
            data.outbox.mails.iter().find(|m| m.id == id)
        };
        m.map(|m| ok_json(m.full()))
            .ok_or_else(|| ApiError::not_found("not_found", "message not found"))
    })
}

async fn clear(state: SharedState) -> Response {
    state.volatile(|data| data.outbox.mails.clear());
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
}

async fn sms_list(state: SharedState) -> Response {
    state.read(|data| {
        let messages: Vec<Value> = data
            .outbox
            .sms
            .iter()
            .rev()
            .map(|m| json!({"to": m.to, "body": m.body, "created": rfc3339(m.created)}))
            .collect();
        ok_json(json!({"total": messages.len(), "messages": messages}))
    })
}

async fn sms_clear(state: SharedState) -> Response {
    state.volatile(|data| data.outbox.sms.clear());
    ok_json(json!({}))
}

/// The inbox page for people: mails and SMS newest first, current TOTP codes of seeded factors.
/// Plain server-rendered HTML (no script, no inline style) so it works under the CSP.
async fn page(state: SharedState) -> Response {
    let now = state.clock.now_secs();
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"5\"><title>Emulator inbox</title></head><body>\n\
         <h1>Emulator inbox</h1>\n",
    );
    let codes = factors::seeded_totp_codes(&state, now);
    if !codes.is_empty() {
        html.push_str("<h2>Authenticator codes</h2>\n<ul>\n");
        for c in codes {
            html.push_str(&format!(
                "<li><strong>{}</strong> ({}): <code>{}</code>, {} s left</li>\n",
                html_escape(&c.email),
                html_escape(&c.friendly_name),
                c.code,
                30 - now.rem_euclid(30)
            ));
        }
        html.push_str("</ul>\n");
    }
    state.read(|data| {
        html.push_str(&format!("<h2>Mail ({})</h2>\n", data.outbox.mails.len()));
        if data.outbox.mails.is_empty() {
            html.push_str("<p>No mail yet.</p>\n");
        }
        for m in data.outbox.mails.iter().rev() {
            html.push_str(&format!(
                "<article><h3>{}</h3><p>To {} at {}</p><pre>{}</pre></article>\n",
                html_escape(&m.subject),
                html_escape(&m.to),
                short_time(m.created),
                linkify(&m.text)
            ));
        }
        html.push_str(&format!("<h2>SMS ({})</h2>\n", data.outbox.sms.len()));
        if data.outbox.sms.is_empty() {
            html.push_str("<p>No SMS yet.</p>\n");
        }
        html.push_str("<ul>\n");
        for m in data.outbox.sms.iter().rev() {
            html.push_str(&format!(
                "<li>To {} at {}: {}</li>\n",
                html_escape(&m.to),
                short_time(m.created),
                html_escape(&m.body)
            ));
        }
        html.push_str("</ul>\n");
    });
    html.push_str("</body></html>\n");
    let mut resp = (StatusCode::OK, html).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The inbox lists links that carry tokens: following one must not leak this page either.
    resp.headers_mut().insert(header::REFERRER_POLICY, super::static_files::NO_REFERRER);
    if state.config.csp {
        resp.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(super::static_files::CSP),
        );
    }
    resp
}

/// Escapes text and turns lines that are URLs into links.
fn linkify(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("http://") || l.starts_with("https://") {
                format!("<a href=\"{0}\">{0}</a>", html_escape(l))
            } else {
                html_escape(l)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
