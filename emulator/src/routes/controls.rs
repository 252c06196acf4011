//! Test controls under `/_emulator/` (only with `--test-controls`).

use std::sync::Arc;

use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::{ok_json, s, RawBody, St};
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

async fn clock(st: St) -> Response {
    ok_json(json!({"now": st.clock.now_secs()}))
}

#[derive(Deserialize)]
struct Advance {
    seconds: f64,
}

async fn advance(st: St, body: RawBody) -> Result<Response, ApiError> {
    let a: Advance = body.json()?;
    st.clock.advance(a.seconds);
    Ok(ok_json(json!({"now": st.clock.now_secs()})))
}

async fn add_fault(st: St, body: RawBody) -> Result<Response, ApiError> {
    let f: Fault = body.json()?;
    st.volatile(|i| i.faults.push(f));
    Ok(ok_json(json!({})))
}

async fn list_faults(st: St) -> Response {
    let faults: Vec<_> = st.read(|i| {
        i.faults.iter().map(|f| json!({"path": f.path, "method": f.method, "status": f.status, "delay_ms": f.delay_ms, "drop": f.drop, "count": f.count})).collect()
    });
    ok_json(json!(faults))
}

async fn clear_faults(st: St) -> Response {
    st.volatile(|i| i.faults.clear());
    ok_json(json!({}))
}

async fn reset(st: St) -> Response {
    st.write(|i| {
        i.db = Default::default();
        i.outbox = Default::default();
        i.faults.clear();
        i.email_sent.clear();
    });
    st.clock.reset();
    if st.config.seed_demo {
        st.seed_demo();
    }
    ok_json(json!({}))
}

#[derive(Deserialize)]
struct NewUser {
    email: Option<String>,
    password: Option<String>,
    totp_secret: Option<String>,
    phone: Option<String>,
}

async fn create_user(st: St, body: RawBody) -> Result<Response, ApiError> {
    let p: NewUser = body.json()?;
    let email = super::validate_email(&s(&p.email))?;
    let password = s(&p.password);
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
        Some(ph) => Some(super::validate_phone(&ph)?),
        None => None,
    };
    let (id, factors) =
        st.create_seeded_user(&email, &password, secret.as_deref(), phone.as_deref())?;
    let factors: Vec<_> =
        factors.into_iter().map(|(id, t)| json!({"id": id, "factor_type": t})).collect();
    Ok(ok_json(json!({"id": id, "factors": factors})))
}
