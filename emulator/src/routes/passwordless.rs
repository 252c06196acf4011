//! `POST /otp` and `POST /resend`.

use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{ok_json, or_empty, PkceParams, RawBody, RequestInfo, SharedState};
use crate::domain::passwordless::{self, OtpRequest, ResendRequest};
use crate::error::ApiError;

#[derive(Deserialize)]
struct OtpParams {
    email: Option<String>,
    phone: Option<String>,
    channel: Option<String>,
    create_user: Option<bool>,
    data: Option<Map<String, Value>>,
    #[serde(flatten)]
    pkce: PkceParams,
}

/// Mails a code and link (magic link, or a sign-up confirmation for a new address); `{}`.
pub async fn otp(
    state: SharedState,
    request: RequestInfo,
    body: RawBody,
) -> Result<Response, ApiError> {
    let p: OtpParams = body.json()?;
    let (code_challenge, code_challenge_method) = p.pkce.pair();
    let input = OtpRequest {
        email: or_empty(&p.email),
        phone: or_empty(&p.phone),
        channel: or_empty(&p.channel),
        create_user: p.create_user.unwrap_or(true),
        data: p.data,
        code_challenge,
        code_challenge_method,
    };
    passwordless::otp(&state, input, &request.redirect_target(&state)).await?;
    Ok(ok_json(json!({})))
}

#[derive(Deserialize)]
struct ResendParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    #[serde(flatten)]
    pkce: PkceParams,
}

/// Sends a sign-up confirmation or the pending email change's codes again; `{}`.
pub async fn resend(
    state: SharedState,
    request: RequestInfo,
    body: RawBody,
) -> Result<Response, ApiError> {
    let p: ResendParams = body.json()?;
    let (code_challenge, code_challenge_method) = p.pkce.pair();
    let input = ResendRequest {
        kind: or_empty(&p.kind),
        email: or_empty(&p.email),
        phone: or_empty(&p.phone),
        code_challenge,
        code_challenge_method,
    };
    passwordless::resend(&state, &input, &request.redirect_target(&state))?;
    Ok(ok_json(json!({})))
}
