//! `GET /authorize`, `GET /callback` (OAuth sign-in through a provider) and the identity
//! routes `GET /user/identities/authorize`, `DELETE /user/identities/{id}`.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::verify::see_other;
use super::{ok_json, RawBody, RequestInfo, SharedState};
use crate::auth::AuthUser;
use crate::domain::identities;
use crate::domain::oauth::{self, Authorize, CallbackDone, CallbackError, FlowError};
use crate::error::ApiError;
use crate::util::{encode_query, SplitUrl};

/// Go's `http.Redirect` with 302: Location plus a small HTML body.
fn found(url: &str) -> Response {
    let body = format!("<a href=\"{}\">Found</a>.\n\n", crate::util::html_escape(url));
    let mut resp = (StatusCode::FOUND, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(url) {
        h.insert(header::LOCATION, v);
    }
    resp
}

/// Starts sign-in at `provider`: 302 to its authorization URL.
pub async fn authorize(state: SharedState, request: RequestInfo) -> Result<Response, ApiError> {
    let req = Authorize {
        query: request.query.clone(),
        referrer: request.redirect_target(&state),
        linking_user_id: None,
    };
    Ok(found(&oauth::authorize(&state, &req)?))
}

/// 404 `manual_linking_disabled` unless `GOTRUE_SECURITY_MANUAL_LINKING_ENABLED`.
fn require_manual_linking(state: &SharedState) -> Result<(), ApiError> {
    if state.config.manual_linking_enabled {
        Ok(())
    } else {
        Err(ApiError::not_found("manual_linking_disabled", "Manual linking is disabled"))
    }
}

/// Starts linking an identity at `provider` to the caller: `{url}` with
/// `skip_http_redirect=true`, else 302 to it.
pub async fn link_identity(
    state: SharedState,
    request: RequestInfo,
    auth: AuthUser,
) -> Result<Response, ApiError> {
    require_manual_linking(&state)?;
    let req = Authorize {
        query: request.query.clone(),
        referrer: request.redirect_target(&state),
        linking_user_id: Some(auth.user.id.clone()),
    };
    let url = oauth::authorize(&state, &req)?;
    if request.query_value("skip_http_redirect") == "true" {
        return Ok(ok_json(json!({ "url": url })));
    }
    Ok(found(&url))
}

/// Unlinks one of the caller's identities: `{}`.
pub async fn unlink_identity(
    state: SharedState,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require_manual_linking(&state)?;
    identities::unlink(&state, &auth.user.id, &id)?;
    Ok(ok_json(json!({})))
}

/// GoTrue's `error` for an API error in a redirect (`getErrorQueryString`).
fn oauth_error(e: &ApiError) -> &'static str {
    match (e.code.as_ref(), e.status.as_u16()) {
        ("signup_disabled" | "user_banned" | "provider_email_needs_verification", _) => {
            "access_denied"
        }
        (_, 400) => "invalid_request",
        (_, 401) => "unauthorized_client",
        (_, 403) => "access_denied",
        (_, 503) => "temporarily_unavailable",
        _ => "server_error",
    }
}

/// The provider sends the browser back here: 302 to the flow's `redirect_to` with the session
/// in the fragment (implicit), `?code=` (PKCE) or the error in query and fragment; a bad
/// `state` is 303 to the site URL with the error in the query.
pub async fn callback(state: SharedState, request: RequestInfo) -> Response {
    callback_with(&state, &request.query).await
}

/// The provider posts the browser back here (`response_mode=form_post`): the form's values
/// first, then the query's (Go's `r.Form`), otherwise as [`callback`].
pub async fn callback_post(state: SharedState, request: RequestInfo, body: RawBody) -> Response {
    let mut params = crate::util::parse_query(&String::from_utf8_lossy(&body.0));
    params.extend(request.query.iter().cloned());
    callback_with(&state, &params).await
}

async fn callback_with(state: &SharedState, params: &[(String, String)]) -> Response {
    match oauth::callback(state, params).await {
        Ok(CallbackDone::Session { referrer, tokens, provider_token, provider_refresh_token }) => {
            let field = |k: &str| match tokens.get(k) {
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => String::new(),
            };
            let mut pairs: Vec<(String, String)> = ["access_token", "expires_at", "expires_in"]
                .into_iter()
                .chain(["refresh_token", "token_type"])
                .map(|k| (k.to_string(), field(k)))
                .collect();
            pairs.push(("provider_token".into(), provider_token));
            if !provider_refresh_token.is_empty() {
                pairs.push(("provider_refresh_token".into(), provider_refresh_token));
            }
            pairs.push(("sb".into(), String::new()));
            let mut u = SplitUrl::parse(&referrer);
            u.fragment = encode_query(&pairs);
            found(&u.to_url_string())
        }
        Ok(CallbackDone::Code { referrer, code }) => {
            let mut u = SplitUrl::parse(&referrer);
            u.set("code", &code);
            found(&u.to_url_string())
        }
        Err(CallbackError::State(e)) => {
            let mut u = SplitUrl::parse(&state.site_url);
            u.set("error", oauth_error(&e));
            u.set("error_code", &e.code);
            u.set("error_description", &e.message);
            see_other(&u.to_url_string())
        }
        Err(CallbackError::Flow { referrer, error }) => {
            let mut u = SplitUrl::parse(&referrer);
            let mut frag: Vec<(String, String)> = Vec::new();
            let mut add = |k: &str, v: &str| {
                u.set(k, v);
                frag.push((k.to_string(), v.to_string()));
            };
            match &error {
                FlowError::Api(e) => {
                    add("error", oauth_error(e));
                    add("error_code", &e.code);
                    add("error_description", &e.message);
                }
                FlowError::Provider { error, description } => {
                    add("error", error);
                    if !description.is_empty() {
                        add("error_description", description);
                    }
                }
            }
            frag.push(("sb".into(), String::new()));
            u.fragment = encode_query(&frag);
            found(&u.to_url_string())
        }
    }
}
