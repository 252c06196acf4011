//! Test controls under `/_emulator/` (only with `--test-controls`).

use std::sync::Arc;

use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::{ok_json, or_empty, RawBody, SharedState};
use crate::domain::seed;
use crate::error::ApiError;
use crate::faults::Fault;
use crate::state::AppState;

/// The control routes.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/faults", post(add_fault).delete(clear_faults).get(list_faults))
        .route("/reset", post(reset))
        .route("/users", post(create_user))
}

async fn clock(state: SharedState) -> Response {
    ok_json(json!({"now": state.clock.now_secs()}))
}

#[derive(Deserialize)]
struct Advance {
    seconds: f64,
}

async fn advance(state: SharedState, body: RawBody) -> Result<Response, ApiError> {
    let a: Advance = body.json()?;
    state.clock.advance(a.seconds);
    Ok(ok_json(json!({"now": state.clock.now_secs()})))
}

async fn add_fault(state: SharedState, body: RawBody) -> Result<Response, ApiError> {
    let f: Fault = body.json()?;
    state.volatile(|data| data.faults.push(f));
    Ok(ok_json(json!({})))
}

async fn list_faults(state: SharedState) -> Response {
    let faults: Vec<_> = state.read(|data| data.faults.iter().map(Fault::summary).collect());
    ok_json(json!(faults))
}

async fn clear_faults(state: SharedState) -> Response {
    state.volatile(|data| data.faults.clear());
    ok_json(json!({}))
}

async fn reset(state: SharedState) -> Response {
    seed::reset(&state);
    ok_json(json!({}))
}

#[derive(Deserialize)]
struct NewUser {
    email: Option<String>,
    password: Option<String>,
    totp_secret: Option<String>,
    phone: Option<String>,
}

async fn create_user(state: SharedState, body: RawBody) -> Result<Response, ApiError> {
    let p: NewUser = body.json()?;
    let email = crate::domain::validation::validate_email(&or_empty(&p.email))?;
    let password = or_empty(&p.password);
    if password.is_empty() {
        return Err(ApiError::validation("password is required"));
    }
    let secret = p.totp_secret.filter(|x| !x.is_empty());
    if let Some(sec) = &secret {
        if crate::util::base32_decode(sec).is_none_or(|k| k.is_empty()) {
            return Err(ApiError::validation("totp_secret must be base32"));
        }
    }
    let phone = match p.phone.filter(|x| !x.is_empty()) {
        Some(ph) => Some(crate::domain::validation::validate_phone(&ph)?),
        None => None,
    };
    let (id, factors) =
        seed::create_seeded_user(&state, &email, &password, secret.as_deref(), phone.as_deref())?;
    let factors: Vec<_> =
        factors.iter().map(|f| json!({"id": f.id, "factor_type": f.factor_type})).collect();
    Ok(ok_json(json!({"id": id, "factors": factors})))
}
