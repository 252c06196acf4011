//! Passkeys: `POST /passkeys/registration/options|verify`, `GET /passkeys`,
//! `PATCH|DELETE /passkeys/{id}`, `POST /passkeys/authentication/options|verify` (sign-in).
//!
//! A passkey challenge is spent by the first verify attempt, good or bad. A passkey sign-in is
//! aal1 (amr `passkey`) even for users with MFA; such users need an aal2 session to register,
//! rename or delete passkeys.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ok_json, s, RawBody, St};
use crate::auth::AuthUser;
use crate::clock::secs;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Db, Passkey, PasskeyChallenge};
use crate::{util, webauthn};

fn enabled(st: &AppState) -> Result<(), ApiError> {
    if st.config.passkey_enabled {
        Ok(())
    } else {
        Err(ApiError::validation("Passkeys are disabled"))
    }
}

/// 403 `insufficient_aal` for a user with MFA on an aal1 session.
fn require_manage(st: &AppState, auth: &AuthUser) -> Result<(), ApiError> {
    if st.read(|i| i.db.has_mfa(&auth.user.id)) && !auth.is_aal2() {
        return Err(ApiError::forbidden(
            "insufficient_aal",
            "AAL2 session is required to manage passkeys when MFA is enabled",
        ));
    }
    Ok(())
}

/// A passkey as the API lists it (`last_used_at` only once used).
pub fn passkey_json(p: &Passkey) -> Value {
    let mut v = json!({"id": p.id, "friendly_name": p.friendly_name, "created_at": util::rfc3339(p.created_at)});
    if let Some(t) = p.last_used_at {
        v["last_used_at"] = json!(util::rfc3339(t));
    }
    v
}

fn not_found() -> ApiError {
    ApiError::bad_request("webauthn_challenge_not_found", "Challenge not found or already used")
}

fn verification_failed(invalid: bool) -> ApiError {
    ApiError::bad_request(
        "webauthn_verification_failed",
        if invalid { "Invalid credential response" } else { "Credential verification failed" },
    )
}

/// Takes (spends) a passkey challenge of `kind`; expired ones give 400 `webauthn_challenge_expired`.
fn take_challenge(
    st: &AppState,
    db: &mut Db,
    id: &str,
    kind: &str,
    user_id: Option<&str>,
) -> Result<PasskeyChallenge, ApiError> {
    let id = id.to_lowercase();
    let pos = db
        .passkey_challenges
        .iter()
        .position(|c| c.id == id && c.kind == kind && c.user_id.as_deref() == user_id)
        .ok_or_else(not_found)?;
    let ch = db.passkey_challenges.remove(pos);
    if st.now() > ch.created_at + secs(st.config.passkey_challenge_expiry) {
        return Err(ApiError::bad_request("webauthn_challenge_expired", "Challenge has expired"));
    }
    Ok(ch)
}

fn new_challenge(st: &AppState, kind: &str, user_id: Option<&str>) -> (PasskeyChallenge, i64) {
    let now = st.now();
    let ch = PasskeyChallenge {
        id: util::uuid_v4(),
        kind: kind.into(),
        user_id: user_id.map(str::to_string),
        challenge: webauthn::new_challenge(),
        created_at: now,
    };
    let expires_at = (now + secs(st.config.passkey_challenge_expiry)).div_euclid(1_000_000);
    (ch, expires_at)
}

fn expect<'a>(st: &'a AppState, challenge: &'a str) -> webauthn::Expect<'a> {
    webauthn::Expect {
        challenge,
        rp_id: &st.config.webauthn_rp_id,
        origins: &st.config.webauthn_rp_origins,
        require_uv: false,
    }
}

/// Creation options for a new passkey (the user's passkeys excluded).
pub async fn registration_options(
    st: St,
    auth: AuthUser,
    body: RawBody,
) -> Result<Response, ApiError> {
    enabled(&st)?;
    auth.require_not_anonymous()?;
    let _: Value = body.json()?;
    require_manage(&st, &auth)?;
    let (ch, expires_at) = new_challenge(&st, "registration", Some(&auth.user.id));
    let c = &st.config;
    let exclude: Vec<Value> = st.read(|i| {
        i.db.passkeys
            .iter()
            .filter(|p| p.user_id == auth.user.id)
            .map(|p| webauthn::descriptor(&p.credential.id, &p.credential.transports))
            .collect()
    });
    let options = webauthn::creation_options(
        &c.webauthn_rp_id,
        &c.webauthn_rp_display_name,
        &auth.user.id,
        &auth.user.email,
        &ch.challenge,
        &exclude,
        json!({"residentKey": "required", "userVerification": "preferred"}),
        true,
    );
    let id = ch.id.clone();
    st.write(|i| i.db.passkey_challenges.push(ch));
    Ok(ok_json(json!({"challenge_id": id, "options": options, "expires_at": expires_at})))
}

#[derive(Deserialize)]
struct VerifyBody {
    challenge_id: Option<String>,
    credential: Option<Value>,
    friendly_name: Option<String>,
}

/// Verifies the new credential and stores the passkey.
pub async fn registration_verify(
    st: St,
    auth: AuthUser,
    body: RawBody,
) -> Result<Response, ApiError> {
    enabled(&st)?;
    auth.require_not_anonymous()?;
    let p: VerifyBody = body.json()?;
    require_manage(&st, &auth)?;
    let uid = auth.user.id.clone();
    st.write(|inner| {
        let ch =
            take_challenge(&st, &mut inner.db, &s(&p.challenge_id), "registration", Some(&uid))?;
        let cred = p.credential.as_ref().ok_or_else(|| verification_failed(true))?;
        let parsed = webauthn::parse_registration(cred).map_err(|_| verification_failed(true))?;
        let stored = webauthn::verify_registration(&parsed, &expect(&st, &ch.challenge))
            .map_err(|_| verification_failed(false))?;
        if inner.db.passkeys.iter().any(|k| k.credential.id == stored.id) {
            return Err(verification_failed(false));
        }
        let now = st.now();
        let name = match s(&p.friendly_name) {
            n if n.trim().is_empty() => "Passkey".to_string(),
            n => n,
        };
        let pk = Passkey {
            id: util::uuid_v4(),
            user_id: uid.clone(),
            friendly_name: name,
            credential: stored,
            created_at: now,
            updated_at: now,
            last_used_at: None,
        };
        let out = passkey_json(&pk);
        inner.db.passkeys.push(pk);
        Ok(ok_json(out))
    })
}

/// The caller's passkeys, oldest first.
pub async fn list(st: St, auth: AuthUser) -> Result<Response, ApiError> {
    enabled(&st)?;
    let items: Vec<Value> = st.read(|i| {
        i.db.passkeys.iter().filter(|p| p.user_id == auth.user.id).map(passkey_json).collect()
    });
    Ok(ok_json(json!(items)))
}

fn find_own(st: &AppState, user_id: &str, id: &str) -> Result<String, ApiError> {
    let id = id.to_lowercase();
    st.read(|i| i.db.passkeys.iter().any(|p| p.id == id && p.user_id == user_id))
        .then_some(id)
        .ok_or_else(|| ApiError::not_found("validation_failed", "Passkey not found"))
}

#[derive(Deserialize)]
struct RenameBody {
    friendly_name: Option<String>,
}

/// Renames a passkey.
pub async fn rename(
    st: St,
    auth: AuthUser,
    Path(id): Path<String>,
    body: RawBody,
) -> Result<Response, ApiError> {
    enabled(&st)?;
    let p: RenameBody = body.json()?;
    let name = s(&p.friendly_name).trim().to_string();
    if name.is_empty() {
        return Err(ApiError::validation("friendly_name is required"));
    }
    require_manage(&st, &auth)?;
    let id = find_own(&st, &auth.user.id, &id)?;
    let now = st.now();
    let out = st.write(|i| {
        i.db.passkeys.iter_mut().find(|p| p.id == id).map(|p| {
            p.friendly_name = name;
            p.updated_at = now;
            passkey_json(p)
        })
    });
    out.map(ok_json).ok_or_else(|| ApiError::not_found("validation_failed", "Passkey not found"))
}

/// Deletes a passkey (204, no body).
pub async fn remove(st: St, auth: AuthUser, Path(id): Path<String>) -> Result<Response, ApiError> {
    enabled(&st)?;
    require_manage(&st, &auth)?;
    let id = find_own(&st, &auth.user.id, &id)?;
    st.write(|i| i.db.passkeys.retain(|p| p.id != id));
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Request options for a discoverable sign-in (no user, no allow list).
pub async fn authentication_options(st: St, body: RawBody) -> Result<Response, ApiError> {
    enabled(&st)?;
    let _: Value = body.json()?;
    let (ch, expires_at) = new_challenge(&st, "authentication", None);
    let options =
        webauthn::request_options(&st.config.webauthn_rp_id, &ch.challenge, &[], Some("preferred"));
    let id = ch.id.clone();
    st.write(|i| i.db.passkey_challenges.push(ch));
    Ok(ok_json(json!({"challenge_id": id, "options": options, "expires_at": expires_at})))
}

/// Verifies a passkey assertion and signs its user in (aal1, amr `passkey`).
pub async fn authentication_verify(st: St, body: RawBody) -> Result<Response, ApiError> {
    enabled(&st)?;
    let p: VerifyBody = body.json()?;
    st.write(|inner| {
        let ch = take_challenge(&st, &mut inner.db, &s(&p.challenge_id), "authentication", None)?;
        let cred = p.credential.as_ref().ok_or_else(|| verification_failed(true))?;
        let parsed = webauthn::parse_assertion(cred).map_err(|_| verification_failed(true))?;
        let id = webauthn::b64url(&parsed.raw_id);
        let pk = inner
            .db
            .passkeys
            .iter()
            .find(|k| k.credential.id == id)
            .cloned()
            .ok_or_else(|| verification_failed(false))?;
        if !parsed.user_handle.is_empty() && parsed.user_handle != pk.user_id.as_bytes() {
            return Err(verification_failed(false));
        }
        let count =
            webauthn::verify_assertion(&parsed, &expect(&st, &ch.challenge), &pk.credential)
                .map_err(|_| verification_failed(false))?;
        let now = st.now();
        let user = inner.db.user(&pk.user_id).cloned().ok_or_else(|| verification_failed(false))?;
        if user.banned_until.is_some_and(|t| t > now) {
            return Err(ApiError::bad_request("user_banned", "User is banned"));
        }
        if let Some(k) = inner.db.passkeys.iter_mut().find(|k| k.id == pk.id) {
            k.credential.sign_count = count;
            k.last_used_at = Some(now);
            k.updated_at = now;
        }
        st.touch_sign_in(&mut inner.db, &user.id);
        let (sid, refresh) = inner.db.create_session(&user.id, "passkey", now);
        Ok(ok_json(Value::Object(st.token_response(&inner.db, &sid, &refresh)?)))
    })
}
