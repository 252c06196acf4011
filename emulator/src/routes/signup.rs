//! `POST /signup`.

use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{ok_json, or_empty, PkceParams, RawBody, RequestInfo, SharedState};
use crate::domain::signup::{self, SignUp, SignedUp};
use crate::error::ApiError;

#[derive(Deserialize)]
struct SignupParams {
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
    data: Option<Map<String, Value>>,
    #[serde(flatten)]
    pkce: PkceParams,
}

/// Creates a user: a session with autoconfirm (the default), otherwise the mailed user; without
/// email and phone an anonymous user (when enabled).
pub async fn post(
    state: SharedState,
    request: RequestInfo,
    body: RawBody,
) -> Result<Response, ApiError> {
    let p: SignupParams = body.json()?;
    let (code_challenge, code_challenge_method) = p.pkce.pair();
    let input = SignUp {
        email: or_empty(&p.email),
        phone: or_empty(&p.phone),
        password: or_empty(&p.password),
        data: p.data,
        code_challenge,
        code_challenge_method,
    };
    let redirect_to = request.redirect_target(&state);
    Ok(ok_json(match signup::sign_up(&state, input, &redirect_to).await? {
        SignedUp::Session(tokens) => Value::Object(tokens),
        SignedUp::AwaitingConfirmation(user) => user,
    }))
}
