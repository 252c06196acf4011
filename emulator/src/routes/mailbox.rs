//! The outboxes: a Mailpit-compatible subset at `/_mail`, SMS at `/_sms`, and an inbox page.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{ok_json, Ctx, St};
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

async fn list(st: St) -> Response {
    st.read(|i| {
        let mails: Vec<&Mail> = i.outbox.mails.iter().rev().collect();
        ok_json(listing(mails, i.outbox.mails.len()))
    })
}

/// Mailpit search terms: `to:`, `from:`, `subject:` and plain words (case-insensitive, quotes ok).
fn matches(m: &Mail, query: &str) -> bool {
    query.split_whitespace().all(|term| {
        let term = term.to_lowercase();
        let unquote = |v: &str| v.trim_matches('"').to_string();
        if let Some(v) = term.strip_prefix("to:") {
            m.to.to_lowercase().contains(&unquote(v))
        } else if let Some(v) = term.strip_prefix("from:") {
            m.from.to_lowercase().contains(&unquote(v))
        } else if let Some(v) = term.strip_prefix("subject:") {
            m.subject.to_lowercase().contains(&unquote(v))
        } else {
            let t = unquote(&term);
            m.subject.to_lowercase().contains(&t) || m.text.to_lowercase().contains(&t)
        }
    })
}

async fn search(st: St, ctx: Ctx) -> Response {
    let q = ctx.q("query");
    st.read(|i| {
        let mails: Vec<&Mail> = i.outbox.mails.iter().rev().filter(|m| matches(m, &q)).collect();
        ok_json(listing(mails, i.outbox.mails.len()))
    })
}

async fn message(st: St, Path(id): Path<String>) -> Result<Response, ApiError> {
    st.read(|i| {
        let m = if id == "latest" {
            i.outbox.mails.last()
        } else {
            i.outbox.mails.iter().find(|m| m.id == id)
        };
        m.map(|m| ok_json(m.full()))
            .ok_or_else(|| ApiError::not_found("not_found", "message not found"))
    })
}

async fn clear(st: St) -> Response {
    st.volatile(|i| i.outbox.mails.clear());
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
}

async fn sms_list(st: St) -> Response {
    st.read(|i| {
        let messages: Vec<Value> = i
            .outbox
            .sms
            .iter()
            .rev()
            .map(|m| json!({"to": m.to, "body": m.body, "created": rfc3339(m.created)}))
            .collect();
        ok_json(json!({"total": messages.len(), "messages": messages}))
    })
}

async fn sms_clear(st: St) -> Response {
    st.volatile(|i| i.outbox.sms.clear());
    ok_json(json!({}))
}

/// The Content-Security-Policy of pages served by the emulator.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The inbox page for people: mails and SMS newest first, current TOTP codes of seeded factors.
/// Plain server-rendered HTML (no script, no inline style) so it works under the CSP.
async fn page(st: St) -> Response {
    let now = st.clock.now_secs();
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"5\"><title>Emulator inbox</title></head><body>\n\
         <h1>Emulator inbox</h1>\n",
    );
    st.read(|i| {
        let seeded: Vec<_> =
            i.db.factors.iter().filter(|f| f.seeded && f.factor_type == "totp").collect();
        if !seeded.is_empty() {
            html.push_str("<h2>Authenticator codes</h2>\n<ul>\n");
            for f in seeded {
                let email = i.db.user(&f.user_id).map(|u| u.email.clone()).unwrap_or_default();
                html.push_str(&format!(
                    "<li><strong>{}</strong> ({}): <code>{}</code>, {} s left</li>\n",
                    html_escape(&email),
                    html_escape(&f.friendly_name),
                    crate::totp::code(&f.secret, now.max(0) as u64),
                    30 - now.rem_euclid(30)
                ));
            }
            html.push_str("</ul>\n");
        }
        html.push_str(&format!("<h2>Mail ({})</h2>\n", i.outbox.mails.len()));
        if i.outbox.mails.is_empty() {
            html.push_str("<p>No mail yet.</p>\n");
        }
        for m in i.outbox.mails.iter().rev() {
            html.push_str(&format!(
                "<article><h3>{}</h3><p>To {} at {}</p><pre>{}</pre></article>\n",
                html_escape(&m.subject),
                html_escape(&m.to),
                short_time(m.created),
                linkify(&m.text)
            ));
        }
        html.push_str(&format!("<h2>SMS ({})</h2>\n", i.outbox.sms.len()));
        if i.outbox.sms.is_empty() {
            html.push_str("<p>No SMS yet.</p>\n");
        }
        html.push_str("<ul>\n");
        for m in i.outbox.sms.iter().rev() {
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
    if st.config.csp {
        resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
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
