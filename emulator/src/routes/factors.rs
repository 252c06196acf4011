//! MFA: `POST /factors`, `POST /factors/{id}/challenge`, `POST /factors/{id}/verify`,
//! `DELETE /factors/{id}`.

use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::{ok_json, or_empty, RawBody, RequestInfo, SharedState};
use crate::auth::AuthUser;
use crate::domain::factors::{self, Enrollment, VerifyInput, WebauthnAnswer};
use crate::domain::sessions::Caller;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::Factor;

#[derive(Deserialize)]
struct EnrollParams {
    factor_type: Option<String>,
    friendly_name: Option<String>,
    issuer: Option<String>,
    phone: Option<String>,
}

/// Enrolls an unverified TOTP, phone or WebAuthn factor.
pub async fn enroll(
    state: SharedState,
    auth: AuthUser,
    body: RawBody,
) -> Result<Response, ApiError> {
    auth.caller().require_not_anonymous()?;
    let p: EnrollParams = body.json()?;
    let input = Enrollment {
        factor_type: or_empty(&p.factor_type),
        friendly_name: or_empty(&p.friendly_name),
        issuer: or_empty(&p.issuer),
        phone: or_empty(&p.phone),
    };
    Ok(ok_json(factors::enroll(&state, auth.caller(), input)?))
}

/// The caller (not anonymous) and its factor `id`.
fn own_factor<'a>(
    state: &AppState,
    auth: &'a AuthUser,
    id: &str,
) -> Result<(Caller<'a>, Factor), ApiError> {
    let caller = auth.caller();
    caller.require_not_anonymous()?;
    Ok((caller, factors::load(state, &caller.user.id, id)?))
}

#[derive(Deserialize)]
struct ChallengeParams {
    channel: Option<String>,
}

/// Creates a challenge (phone: sends the SMS; WebAuthn: the ceremony's options).
pub async fn challenge(
    state: SharedState,
    request: RequestInfo,
    auth: AuthUser,
    Path(id): Path<String>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let (caller, factor) = own_factor(&state, &auth, &id)?;
    factors::check_verify_enabled(&state, &factor)?;
    let channel = if factors::challenge_reads_body(&factor) {
        let p: ChallengeParams = body.json()?;
        Some(or_empty(&p.channel))
    } else {
        None
    };
    Ok(ok_json(factors::challenge(&state, caller, &factor, channel.as_deref(), &request.ip)?))
}

#[derive(Deserialize)]
struct VerifyParams {
    challenge_id: Option<String>,
    code: Option<String>,
    webauthn: Option<WebauthnParams>,
}

#[derive(Deserialize)]
struct WebauthnParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    credential_response: Option<Value>,
}

/// Checks the answer to a challenge; on success answers an aal2 session.
pub async fn verify(
    state: SharedState,
    request: RequestInfo,
    auth: AuthUser,
    Path(id): Path<String>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let (caller, factor) = own_factor(&state, &auth, &id)?;
    let p: VerifyParams = body.json()?;
    let input = VerifyInput {
        challenge_id: or_empty(&p.challenge_id),
        code: or_empty(&p.code),
        webauthn: p.webauthn.map(|w| WebauthnAnswer {
            kind: or_empty(&w.kind),
            credential_response: w.credential_response,
        }),
    };
    let tokens = factors::verify(&state, caller, &factor, input, &request.ip)?;
    Ok(ok_json(Value::Object(tokens)))
}

/// Removes a factor (a verified one needs aal2); sessions raised by it drop back to aal1.
pub async fn unenroll(
    state: SharedState,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = auth.caller();
    caller.require_not_anonymous()?;
    Ok(ok_json(factors::unenroll(&state, caller, &id)?))
}
