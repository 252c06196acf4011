//! `GET /user`, `PUT /user`, `GET /reauthenticate`, `POST /logout`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{ok_json, or_empty, PkceParams, RawBody, RequestInfo, SharedState};
use crate::auth::AuthUser;
use crate::domain::sessions::{self, LogoutScope};
use crate::domain::users::{self, UserUpdate};
use crate::error::ApiError;

/// The signed-in user.
pub async fn get(state: SharedState, auth: AuthUser) -> Result<Response, ApiError> {
    Ok(ok_json(users::current_json(&state, &auth.user.id)?))
}

#[derive(Deserialize)]
struct UpdateParams {
    email: Option<String>,
    password: Option<String>,
    current_password: Option<String>,
    nonce: Option<String>,
    data: Option<Map<String, Value>>,
    app_metadata: Option<Value>,
    phone: Option<String>,
    channel: Option<String>,
    #[serde(flatten)]
    pkce: PkceParams,
}

/// Updates the user: password, email, metadata.
pub async fn put(
    state: SharedState,
    request: RequestInfo,
    auth: AuthUser,
    body: RawBody,
) -> Result<Response, ApiError> {
    let p: UpdateParams = body.json()?;
    let input = UserUpdate {
        email: or_empty(&p.email),
        password: p.password,
        current_password: or_empty(&p.current_password),
        nonce: or_empty(&p.nonce),
        data: p.data,
        app_metadata: p.app_metadata,
        phone: or_empty(&p.phone),
        channel: or_empty(&p.channel),
        pkce: match p.pkce.pair() {
            (challenge, _) if challenge.is_empty() => None,
            (challenge, method) => Some((challenge, method.to_lowercase())),
        },
    };
    let redirect_to = request.redirect_target(&state);
    Ok(ok_json(users::update(&state, auth.caller(), input, &redirect_to).await?))
}

/// Mails a reauthentication nonce (for `PUT /user {password, nonce}`).
pub async fn reauthenticate(state: SharedState, auth: AuthUser) -> Result<Response, ApiError> {
    users::reauthenticate(&state, auth.caller())?;
    Ok(ok_json(json!({})))
}

/// Ends sessions: `global` (default), `local` or `others`; 204.
pub async fn logout(
    state: SharedState,
    request: RequestInfo,
    auth: AuthUser,
) -> Result<Response, ApiError> {
    let scope = LogoutScope::parse(&request.query_value("scope"))?;
    sessions::logout(&state, auth.caller(), scope);
    Ok(StatusCode::NO_CONTENT.into_response())
}
