//! The built-in test provider's endpoints (`--test-provider`), a Keycloak realm's OIDC paths
//! under [`REALM_PATH`]: the authorization page (plain HTML, one link per demo account and
//! *Cancel*), the token endpoint and the user-info endpoint.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde_json::json;

use super::static_files::{CSP, NO_REFERRER};
use super::{RequestInfo, SharedState};
use crate::domain::test_provider as rules;
use crate::state::AppState;
use crate::test_provider::{account, ACCOUNTS, REALM_PATH};
use crate::util::{encode_query, html_escape, parse_query};

/// The realm's routes.
pub fn router() -> Router<Arc<AppState>> {
    let oidc = format!("{REALM_PATH}/protocol/openid-connect");
    Router::new()
        .route(&format!("{oidc}/auth"), get(page))
        .route(&format!("{oidc}/auth/continue"), get(continue_as))
        .route(&format!("{oidc}/auth/cancel"), get(cancel))
        .route(&format!("{oidc}/token"), post(token))
        .route(&format!("{oidc}/userinfo"), get(userinfo))
}

/// The authorization request's `redirect_uri` and `state`, once the client and redirect URI
/// are the registered ones; else why not.
fn checked(state: &AppState, request: &RequestInfo) -> Result<(String, String), String> {
    let (client_id, redirect_uri) =
        (request.query_value("client_id"), request.query_value("redirect_uri"));
    rules::check_client(state, &client_id, &redirect_uri)?;
    Ok((redirect_uri, request.query_value("state")))
}

/// The 400 page for a request the realm refuses.
fn refused(state: &AppState, why: &str) -> Response {
    html(state, StatusCode::BAD_REQUEST, &error_page(why))
}

/// `GET .../auth`: the page where a person picks a demo account or cancels.
async fn page(state: SharedState, request: RequestInfo) -> Response {
    let (redirect_uri, flow) = match checked(&state, &request) {
        Ok(x) => x,
        Err(why) => return refused(&state, &why),
    };
    let link = |action: &str, extra: Option<&str>| {
        let mut q = vec![
            ("client_id".to_string(), request.query_value("client_id")),
            ("redirect_uri".to_string(), redirect_uri.clone()),
            ("state".to_string(), flow.clone()),
        ];
        if let Some(sub) = extra {
            q.push(("account".into(), sub.into()));
        }
        let href =
            format!("{REALM_PATH}/protocol/openid-connect/auth/{action}?{}", encode_query(&q));
        html_escape(&href)
    };
    let mut body = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Test provider (not a real sign-in)</title></head><body>\n\
         <h1>gotrue-emulator test provider: not a real sign-in</h1>\n\
         <p>This page is served by the emulator itself. It stands in for a social sign-in \
         provider (GoTrue's <code>keycloak</code>) so the demo works offline. No password is \
         asked and nothing leaves this machine: pick a demo account to continue as it.</p>\n<ul>\n",
    );
    for a in ACCOUNTS {
        body.push_str(&format!(
            "<li><a href=\"{}\">Continue as {} ({})</a></li>\n",
            link("continue", Some(a.sub)),
            html_escape(a.name),
            html_escape(a.email)
        ));
    }
    body.push_str(&format!(
        "</ul>\n<p><a href=\"{}\">Cancel</a></p>\n</body></html>\n",
        link("cancel", None)
    ));
    html(&state, StatusCode::OK, &body)
}

/// `GET .../auth/continue?account=`: back to the redirect URI with a code for that account.
async fn continue_as(state: SharedState, request: RequestInfo) -> Response {
    let (redirect_uri, flow) = match checked(&state, &request) {
        Ok(x) => x,
        Err(why) => return refused(&state, &why),
    };
    let Some(who) = account(&request.query_value("account")) else {
        return refused(&state, "Unknown account.");
    };
    found(&rules::continue_as(&state, who, &redirect_uri, &flow))
}

/// `GET .../auth/cancel`: back to the redirect URI with `access_denied`.
async fn cancel(state: SharedState, request: RequestInfo) -> Response {
    match checked(&state, &request) {
        Ok((redirect_uri, flow)) => found(&rules::cancel(&redirect_uri, &flow)),
        Err(why) => refused(&state, &why),
    }
}

/// `POST .../token`: the code exchange; client credentials by HTTP Basic or in the form.
async fn token(state: SharedState, headers: HeaderMap, body: Bytes) -> Response {
    let form = parse_query(&String::from_utf8_lossy(&body));
    let field = |k: &str| form.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
    let mut client =
        (field("client_id").unwrap_or_default(), field("client_secret").unwrap_or_default());
    if let Some(basic) = basic_credentials(&headers) {
        client = basic;
    }
    let code = field("code").unwrap_or_default();
    let redirect_uri = field("redirect_uri").unwrap_or_default();
    match rules::exchange(&state, (&client.0, &client.1), &code, &redirect_uri) {
        Ok(answer) => (StatusCode::OK, axum::Json(answer)).into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
            (status, axum::Json(e.body)).into_response()
        }
    }
}

/// `GET .../userinfo`: the profile of the bearer token's account.
async fn userinfo(state: SharedState, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    match rules::userinfo(&state, bearer) {
        Some(profile) => (StatusCode::OK, axum::Json(profile)).into_response(),
        None => (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "invalid_token"})))
            .into_response(),
    }
}

/// The client id and secret of an `Authorization: Basic` header (each form-encoded, as Go's
/// oauth2 package sends them).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let raw =
        base64::engine::general_purpose::STANDARD.decode(value.strip_prefix("Basic ")?).ok()?;
    let raw = String::from_utf8(raw).ok()?;
    let (id, secret) = raw.split_once(':')?;
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_encoding::percent_decode_str(&s).decode_utf8().ok().map(|v| v.into_owned())
    };
    Some((decode(id)?, decode(secret)?))
}

/// A 302 to `location`.
fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The page shown for a request the realm refuses.
fn error_page(why: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Test provider: error</title></head><body>\n\
         <h1>gotrue-emulator test provider: not a real sign-in</h1>\n<p>{}</p>\n</body></html>\n",
        html_escape(why)
    )
}

/// An HTML answer with the emulator's page headers (CSP unless `--no-csp`, no referrer, no cache).
fn html(state: &AppState, status: StatusCode, body: &str) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, NO_REFERRER);
    if state.config.csp {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    resp
}
