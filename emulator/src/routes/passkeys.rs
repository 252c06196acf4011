//! Passkeys: `POST /passkeys/registration/options|verify`, `GET /passkeys`,
//! `PATCH|DELETE /passkeys/{id}`, `POST /passkeys/authentication/options|verify` (sign-in).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use super::{ok_json, or_empty, RawBody, SharedState};
use crate::auth::AuthUser;
use crate::domain::passkeys::{self, CeremonyAnswer};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
struct VerifyBody {
    challenge_id: Option<String>,
    credential: Option<Value>,
    friendly_name: Option<String>,
}

impl VerifyBody {
    fn answer(self) -> CeremonyAnswer {
        CeremonyAnswer {
            challenge_id: or_empty(&self.challenge_id),
            credential: self.credential,
            friendly_name: or_empty(&self.friendly_name),
        }
    }
}

#[derive(Deserialize)]
struct RenameBody {
    friendly_name: Option<String>,
}

/// Passkeys on, and a caller that is not anonymous.
fn check_may_register(state: &AppState, auth: &AuthUser) -> Result<(), ApiError> {
    passkeys::check_enabled(state)?;
    auth.caller().require_not_anonymous()
}

/// Creation options for a new passkey.
pub async fn registration_options(
    state: SharedState,
    auth: AuthUser,
    body: RawBody,
) -> Result<Response, ApiError> {
    check_may_register(&state, &auth)?;
    let _: Value = body.json()?;
    Ok(ok_json(passkeys::registration_options(&state, auth.caller())?))
}

/// Verifies the new credential and stores the passkey.
pub async fn registration_verify(
    state: SharedState,
    auth: AuthUser,
    body: RawBody,
) -> Result<Response, ApiError> {
    check_may_register(&state, &auth)?;
    let p: VerifyBody = body.json()?;
    Ok(ok_json(passkeys::register(&state, auth.caller(), p.answer())?))
}

/// The caller's passkeys, oldest first.
pub async fn list(state: SharedState, auth: AuthUser) -> Result<Response, ApiError> {
    passkeys::check_enabled(&state)?;
    Ok(ok_json(passkeys::list(&state, auth.caller())))
}

/// Renames a passkey.
pub async fn rename(
    state: SharedState,
    auth: AuthUser,
    Path(id): Path<String>,
    body: RawBody,
) -> Result<Response, ApiError> {
    passkeys::check_enabled(&state)?;
    let p: RenameBody = body.json()?;
    Ok(ok_json(passkeys::rename(&state, auth.caller(), &id, &or_empty(&p.friendly_name))?))
}

/// Deletes a passkey (204, no body).
pub async fn remove(
    state: SharedState,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    passkeys::check_enabled(&state)?;
    passkeys::remove(&state, auth.caller(), &id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Request options for a discoverable sign-in.
pub async fn authentication_options(
    state: SharedState,
    body: RawBody,
) -> Result<Response, ApiError> {
    passkeys::check_enabled(&state)?;
    let _: Value = body.json()?;
    Ok(ok_json(passkeys::authentication_options(&state)))
}

/// Verifies a passkey assertion and signs its user in (aal1, amr `passkey`).
pub async fn authentication_verify(
    state: SharedState,
    body: RawBody,
) -> Result<Response, ApiError> {
    passkeys::check_enabled(&state)?;
    let p: VerifyBody = body.json()?;
    Ok(ok_json(Value::Object(passkeys::sign_in(&state, p.answer())?)))
}
