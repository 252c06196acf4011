//! MFA: `POST /factors`, `POST /factors/{id}/challenge`, `POST /factors/{id}/verify`,
//! `DELETE /factors/{id}`.

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::response::{IntoResponse, Response};
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

/// A call to one of the caller's factors (`/factors/{id}/…`), extracted in the order the
/// handlers' arguments were: request info, bearer caller, path id, body.
pub struct FactorCall {
    request: RequestInfo,
    auth: AuthUser,
    id: String,
    body: RawBody,
}

impl FromRequest<Arc<AppState>> for FactorCall {
    type Rejection = Response;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Ok(request) = RequestInfo::from_request_parts(&mut parts, state).await;
        let auth = AuthUser::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(id) = Path::<String>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let body = RawBody::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(FactorCall { request, auth, id, body })
    }
}

impl FactorCall {
    /// The caller (not anonymous) and its factor.
    fn own_factor(&self, state: &AppState) -> Result<(Caller<'_>, Factor), ApiError> {
        let caller = self.auth.caller();
        caller.require_not_anonymous()?;
        Ok((caller, factors::load(state, &caller.user.id, &self.id)?))
    }
}

#[derive(Deserialize)]
struct ChallengeParams {
    channel: Option<String>,
}

/// Creates a challenge (phone: sends the SMS; WebAuthn: the ceremony's options).
pub async fn challenge(state: SharedState, call: FactorCall) -> Result<Response, ApiError> {
    let (caller, factor) = call.own_factor(&state)?;
    factors::check_verify_enabled(&state, &factor)?;
    let channel = if factors::challenge_reads_body(&factor) {
        let p: ChallengeParams = call.body.json()?;
        Some(or_empty(&p.channel))
    } else {
        None
    };
    let ip = &call.request.ip;
    Ok(ok_json(factors::challenge(&state, caller, &factor, channel.as_deref(), ip)?))
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
pub async fn verify(state: SharedState, call: FactorCall) -> Result<Response, ApiError> {
    let (caller, factor) = call.own_factor(&state)?;
    let p: VerifyParams = call.body.json()?;
    let input = VerifyInput {
        challenge_id: or_empty(&p.challenge_id),
        code: or_empty(&p.code),
        webauthn: p.webauthn.map(|w| WebauthnAnswer {
            kind: or_empty(&w.kind),
            credential_response: w.credential_response,
        }),
    };
    let tokens = factors::verify(&state, caller, &factor, input, &call.request.ip)?;
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
