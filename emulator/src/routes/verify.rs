//! `POST /verify` (code or token hash) and `GET /verify` (the emailed link).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use super::{ok_json, or_empty, RawBody, RequestInfo, SharedState};
use crate::domain::verification::{self, CodeCheck, Link, LinkOutcome};
use crate::error::ApiError;
use crate::util::{encode_query, SplitUrl};

#[derive(Deserialize)]
struct VerifyParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    token: Option<String>,
    token_hash: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    redirect_to: Option<String>,
}

/// Verifies an emailed code (`email` + `token`) or hash (`token_hash`); answers a new aal1
/// session with AMR `otp`.
pub async fn post(state: SharedState, body: RawBody) -> Result<Response, ApiError> {
    let p: VerifyParams = body.json()?;
    let check = CodeCheck {
        kind: or_empty(&p.kind),
        token: or_empty(&p.token),
        token_hash: or_empty(&p.token_hash),
        email: or_empty(&p.email),
        phone: or_empty(&p.phone),
        redirect_to: or_empty(&p.redirect_to),
    };
    Ok(ok_json(Value::Object(verification::verify_code(&state, &check)?)))
}

/// Go's `http.Redirect` with 303: Location plus a small HTML body.
pub fn see_other(url: &str) -> Response {
    let body = format!("<a href=\"{}\">See Other</a>.\n\n", crate::util::html_escape(url));
    let mut resp = (StatusCode::SEE_OTHER, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(url) {
        h.insert(header::LOCATION, v);
    }
    resp
}

/// GoTrue's `prepErrorRedirectURL`: error fields in the fragment, and in PKCE mode in the query too.
fn error_redirect(redirect: &str, err: &ApiError, pkce: bool) -> Response {
    let mut u = SplitUrl::parse(redirect);
    let oauth = match err.status.as_u16() {
        400 => Some("invalid_request"),
        401 => Some("unauthorized_client"),
        403 => Some("access_denied"),
        500 => Some("server_error"),
        503 => Some("temporarily_unavailable"),
        _ => None,
    };
    let mut frag: Vec<(String, String)> = Vec::new();
    if let Some(o) = oauth {
        frag.push(("error".into(), o.into()));
        if pkce {
            u.set("error", o);
        }
    }
    frag.push(("error_code".into(), err.code.to_string()));
    frag.push(("error_description".into(), err.message.clone()));
    frag.push(("sb".into(), String::new()));
    if pkce {
        u.set("error_code", &err.code);
        u.set("error_description", &err.message);
    }
    u.fragment = encode_query(&frag);
    see_other(&u.to_url_string())
}

/// The session of an implicit-flow link as the redirect's fragment.
fn session_fragment(tokens: &serde_json::Map<String, Value>, kind: &str) -> String {
    let field = |k: &str| match &tokens[k] {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let pairs: Vec<(String, String)> = vec![
        ("access_token".into(), field("access_token")),
        ("expires_at".into(), field("expires_at")),
        ("expires_in".into(), field("expires_in")),
        ("refresh_token".into(), field("refresh_token")),
        ("sb".into(), String::new()),
        ("token_type".into(), field("token_type")),
        ("type".into(), kind.to_string()),
    ];
    encode_query(&pairs)
}

/// The emailed link: verifies the token hash and redirects to `redirect_to` (or the site URL)
/// with the session in the fragment, `?code=` in PKCE mode, or the error.
pub async fn get(state: SharedState, request: RequestInfo) -> Result<Response, ApiError> {
    let link = Link::parse(request.query_value("type"), request.query_value("token"))?;
    let redirect = request.redirect_target(&state);
    Ok(match verification::follow_link(&state, &link) {
        Ok(LinkOutcome::Session(tokens)) => {
            see_other(&format!("{redirect}#{}", session_fragment(&tokens, link.kind())))
        }
        Ok(LinkOutcome::AuthCode(code)) => {
            let mut u = SplitUrl::parse(&redirect);
            u.set("code", &code);
            see_other(&u.to_url_string())
        }
        // GoTrue's prepRedirectURL: the message in the fragment (and the query with PKCE).
        Ok(LinkOutcome::Message(message)) => {
            let mut u = SplitUrl::parse(&redirect);
            if link.is_pkce() {
                u.set("message", message);
            }
            u.fragment = encode_query(&[
                ("message".to_string(), message.to_string()),
                ("sb".to_string(), String::new()),
            ]);
            see_other(&u.to_url_string())
        }
        Err(e) => error_redirect(&redirect, &e, link.is_pkce()),
    })
}
