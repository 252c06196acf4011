//! Passkeys: registration and discoverable sign-in with real WebAuthn verification, listing,
//! renaming, deleting.
//!
//! A passkey challenge is spent by the first verify attempt, good or bad. A passkey sign-in is
//! aal1 (amr `passkey`) even for users with MFA; such users need an aal2 session to register,
//! rename or delete passkeys.

use serde_json::{json, Map, Value};

use crate::clock::secs;
use crate::domain::sessions::{self, Caller, Tokens};
use crate::domain::wire;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Db, Passkey, PasskeyChallenge};
use crate::{util, webauthn};

/// 400 `validation_failed` unless `GOTRUE_PASSKEY_ENABLED`.
pub fn check_enabled(state: &AppState) -> Result<(), ApiError> {
    if state.config.passkey_enabled {
        Ok(())
    } else {
        Err(ApiError::validation("Passkeys are disabled"))
    }
}

/// 403 `insufficient_aal` for a user with MFA on an aal1 session.
fn check_may_manage(state: &AppState, caller: Caller<'_>) -> Result<(), ApiError> {
    if state.read(|data| data.db.has_mfa(&caller.user.id)) && !caller.is_aal2() {
        return Err(ApiError::forbidden(
            "insufficient_aal",
            "AAL2 session is required to manage passkeys when MFA is enabled",
        ));
    }
    Ok(())
}

fn challenge_not_found() -> ApiError {
    ApiError::bad_request("webauthn_challenge_not_found", "Challenge not found or already used")
}

fn verification_failed(invalid: bool) -> ApiError {
    ApiError::bad_request(
        "webauthn_verification_failed",
        if invalid { "Invalid credential response" } else { "Credential verification failed" },
    )
}

fn passkey_not_found() -> ApiError {
    ApiError::not_found("validation_failed", "Passkey not found")
}

/// Takes (spends) a passkey challenge of `kind`; expired ones give 400 `webauthn_challenge_expired`.
fn take_challenge(
    state: &AppState,
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
        .ok_or_else(challenge_not_found)?;
    let ch = db.passkey_challenges.remove(pos);
    if state.now() > ch.created_at + secs(state.config.passkey_challenge_expiry) {
        return Err(ApiError::bad_request("webauthn_challenge_expired", "Challenge has expired"));
    }
    Ok(ch)
}

/// Stores a new challenge of `kind`; answers `{challenge_id, options, expires_at}` with the
/// options `make_options` builds around the challenge.
fn store_challenge(
    state: &AppState,
    kind: &str,
    user_id: Option<&str>,
    make_options: impl FnOnce(&str) -> Value,
) -> Value {
    let now = state.now();
    let ch = PasskeyChallenge {
        id: util::uuid_v4(),
        kind: kind.into(),
        user_id: user_id.map(str::to_string),
        challenge: webauthn::new_challenge(),
        created_at: now,
    };
    let expires_at = (now + secs(state.config.passkey_challenge_expiry)).div_euclid(1_000_000);
    let options = make_options(&ch.challenge);
    let id = ch.id.clone();
    state.write(|data| data.db.passkey_challenges.push(ch));
    json!({"challenge_id": id, "options": options, "expires_at": expires_at})
}

/// Creation options for a new passkey of the caller (its passkeys excluded).
pub fn registration_options(state: &AppState, caller: Caller<'_>) -> Result<Value, ApiError> {
    check_may_manage(state, caller)?;
    let c = &state.config;
    let user = caller.user;
    let exclude: Vec<Value> = state.read(|data| {
        data.db
            .passkeys
            .iter()
            .filter(|p| p.user_id == user.id)
            .map(|p| webauthn::descriptor(&p.credential.id, &p.credential.transports))
            .collect()
    });
    Ok(store_challenge(state, "registration", Some(&user.id), |challenge| {
        webauthn::creation_options(
            &c.webauthn_rp_id,
            &c.webauthn_rp_display_name,
            &user.id,
            &user.email,
            challenge,
            &exclude,
            json!({"residentKey": "required", "userVerification": "preferred"}),
            true,
        )
    }))
}

/// The answer to a passkey challenge (absent fields as `""` / `None`).
#[derive(Debug, Clone, Default)]
pub struct CeremonyAnswer {
    /// The challenge answered.
    pub challenge_id: String,
    /// The browser's `PublicKeyCredential.toJSON()`.
    pub credential: Option<Value>,
    /// Name of a new passkey (`Passkey` when blank).
    pub friendly_name: String,
}

/// Verifies the new credential and stores the passkey; answers its JSON.
pub fn register(
    state: &AppState,
    caller: Caller<'_>,
    answer: CeremonyAnswer,
) -> Result<Value, ApiError> {
    check_may_manage(state, caller)?;
    let uid = caller.user.id.clone();
    state.write(|data| {
        let ch =
            take_challenge(state, &mut data.db, &answer.challenge_id, "registration", Some(&uid))?;
        let cred = answer.credential.as_ref().ok_or_else(|| verification_failed(true))?;
        let parsed = webauthn::parse_registration(cred).map_err(|_| verification_failed(true))?;
        let expect = webauthn::Expect::with_config(&state.config, &ch.challenge);
        let stored = webauthn::verify_registration(&parsed, &expect)
            .map_err(|_| verification_failed(false))?;
        if data.db.passkeys.iter().any(|k| k.credential.id == stored.id) {
            return Err(verification_failed(false));
        }
        let now = state.now();
        let name = match answer.friendly_name {
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
        let out = wire::passkey_json(&pk);
        data.db.passkeys.push(pk);
        Ok(out)
    })
}

/// The caller's passkeys, oldest first.
pub fn list(state: &AppState, caller: Caller<'_>) -> Value {
    let items: Vec<Value> = state.read(|data| {
        data.db
            .passkeys
            .iter()
            .filter(|p| p.user_id == caller.user.id)
            .map(wire::passkey_json)
            .collect()
    });
    json!(items)
}

fn find_own(state: &AppState, user_id: &str, id: &str) -> Result<String, ApiError> {
    let id = id.to_lowercase();
    state
        .read(|data| data.db.passkeys.iter().any(|p| p.id == id && p.user_id == user_id))
        .then_some(id)
        .ok_or_else(passkey_not_found)
}

/// Renames a passkey of the caller; answers its JSON.
pub fn rename(
    state: &AppState,
    caller: Caller<'_>,
    id: &str,
    friendly_name: &str,
) -> Result<Value, ApiError> {
    let name = friendly_name.trim().to_string();
    if name.is_empty() {
        return Err(ApiError::validation("friendly_name is required"));
    }
    check_may_manage(state, caller)?;
    let id = find_own(state, &caller.user.id, id)?;
    let now = state.now();
    state
        .write(|data| {
            data.db.passkeys.iter_mut().find(|p| p.id == id).map(|p| {
                p.friendly_name = name;
                p.updated_at = now;
                wire::passkey_json(p)
            })
        })
        .ok_or_else(passkey_not_found)
}

/// Deletes a passkey of the caller.
pub fn remove(state: &AppState, caller: Caller<'_>, id: &str) -> Result<(), ApiError> {
    check_may_manage(state, caller)?;
    let id = find_own(state, &caller.user.id, id)?;
    state.write(|data| data.db.passkeys.retain(|p| p.id != id));
    Ok(())
}

/// Request options for a discoverable sign-in (no user, no allow list).
pub fn authentication_options(state: &AppState) -> Value {
    store_challenge(state, "authentication", None, |challenge| {
        webauthn::request_options(&state.config.webauthn_rp_id, challenge, &[], Some("preferred"))
    })
}

/// Verifies a passkey assertion and signs its user in (aal1, amr `passkey`); answers GoTrue's
/// token response.
pub fn sign_in(state: &AppState, answer: CeremonyAnswer) -> Result<Map<String, Value>, ApiError> {
    state.write(|data| {
        let ch = take_challenge(state, &mut data.db, &answer.challenge_id, "authentication", None)?;
        let cred = answer.credential.as_ref().ok_or_else(|| verification_failed(true))?;
        let parsed = webauthn::parse_assertion(cred).map_err(|_| verification_failed(true))?;
        let id = webauthn::b64url(&parsed.raw_id);
        let pk = data
            .db
            .passkeys
            .iter()
            .find(|k| k.credential.id == id)
            .cloned()
            .ok_or_else(|| verification_failed(false))?;
        // go-webauthn's ValidatePasskeyLogin refuses a blank user handle; GoTrue reads the
        // handle with uuid.FromString and it must name the passkey's owner.
        let handle = String::from_utf8(parsed.user_handle.clone()).ok();
        if handle.and_then(|h| crate::util::parse_uuid(&h)).as_deref() != Some(pk.user_id.as_str())
        {
            return Err(verification_failed(false));
        }
        let expect = webauthn::Expect::with_config(&state.config, &ch.challenge);
        let count = webauthn::verify_assertion(&parsed, &expect, &pk.credential)
            .map_err(|_| verification_failed(false))?;
        let now = state.now();
        let user = data.db.user(&pk.user_id).cloned().ok_or_else(|| verification_failed(false))?;
        if !user.email.is_empty() && user.email_confirmed_at.is_none() {
            return Err(ApiError::forbidden("email_not_confirmed", "Email not confirmed"));
        }
        if !user.phone.is_empty() && user.phone_confirmed_at.is_none() {
            return Err(ApiError::forbidden("phone_not_confirmed", "Phone not confirmed"));
        }
        if user.banned_until.is_some_and(|t| t > now) {
            return Err(ApiError::forbidden("user_banned", "User is banned"));
        }
        if let Some(k) = data.db.passkeys.iter_mut().find(|k| k.id == pk.id) {
            k.credential.sign_count = count;
            k.last_used_at = Some(now);
            k.updated_at = now;
        }
        sessions::touch_sign_in(state, &mut data.db, &user.id);
        let (session_id, refresh_token) = data.db.create_session(&user.id, "passkey", now);
        sessions::token_response(state, &data.db, &Tokens { session_id, refresh_token })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::seed::create_seeded_user;
    use crate::state::test_state;

    #[test]
    fn disabled_by_default() {
        assert_eq!(
            check_enabled(&test_state(|_| {})).unwrap_err().message,
            "Passkeys are disabled"
        );
        assert!(check_enabled(&test_state(|c| c.passkey_enabled = true)).is_ok());
    }

    #[test]
    fn challenges_are_spent_and_expire() {
        let state = test_state(|c| c.passkey_enabled = true);
        let options = authentication_options(&state);
        assert_eq!(options["options"]["rpId"], "localhost");
        let id = options["challenge_id"].as_str().unwrap().to_string();
        let answer = CeremonyAnswer { challenge_id: id.clone(), ..Default::default() };
        // The first attempt spends the challenge even though it carries no credential.
        assert_eq!(
            sign_in(&state, answer.clone()).unwrap_err().code,
            "webauthn_verification_failed"
        );
        assert_eq!(sign_in(&state, answer).unwrap_err().code, "webauthn_challenge_not_found");
        let id = authentication_options(&state)["challenge_id"].as_str().unwrap().to_string();
        state.clock.advance(301.0);
        let answer = CeremonyAnswer { challenge_id: id, ..Default::default() };
        assert_eq!(sign_in(&state, answer).unwrap_err().code, "webauthn_challenge_expired");
    }

    #[test]
    fn mfa_users_need_aal2_to_manage() {
        let state = test_state(|c| c.passkey_enabled = true);
        let (uid, _) =
            create_seeded_user(&state, "k@example.com", "password-1", Some("JBSWY3DP"), None)
                .unwrap();
        let (user, session) = state.write(|data| {
            let t = sessions::sign_in(&state, &mut data.db, &uid, "password", state.now());
            (data.db.user(&uid).cloned().unwrap(), data.db.session(&t.session_id).cloned().unwrap())
        });
        let caller = Caller { user: &user, session: Some(&session) };
        assert_eq!(registration_options(&state, caller).unwrap_err().code, "insufficient_aal");
        assert_eq!(rename(&state, caller, "x", " ").unwrap_err().code, "validation_failed");
        assert_eq!(list(&state, caller), json!([]));
        let aal2 = crate::store::Session { aal: "aal2".into(), ..session.clone() };
        let caller = Caller { user: &user, session: Some(&aal2) };
        let options = registration_options(&state, caller).unwrap();
        assert_eq!(options["options"]["attestation"], "none");
        assert_eq!(remove(&state, caller, "missing").unwrap_err().message, "Passkey not found");
    }
}
