//! Sessions and tokens: who a bearer token belongs to, access tokens, GoTrue's token response,
//! the password / refresh-token / PKCE grants, AAL changes and logout.

use serde_json::{json, Map, Value};

use crate::clock::secs;
use crate::domain::{passwords, validation, wire};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{AmrClaim, Db, FlowState, Micros, Session, User};
use crate::util;

/// The caller of an authenticated operation: the user and the stored session its token names.
/// AAL decisions use the stored session, never the JWT claim.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The user from `sub`.
    pub user: &'a User,
    /// The session from `session_id`, when the token names one.
    pub session: Option<&'a Session>,
}

impl Caller<'_> {
    /// The session's stored AAL is aal2.
    pub fn is_aal2(&self) -> bool {
        self.session.is_some_and(|s| s.aal == "aal2")
    }

    /// 403 `no_authorization` for anonymous users (GoTrue's `requireNotAnonymous`).
    pub fn require_not_anonymous(&self) -> Result<(), ApiError> {
        if self.user.is_anonymous {
            return Err(ApiError::forbidden(
                "no_authorization",
                "Anonymous user not allowed to perform these actions",
            ));
        }
        Ok(())
    }
}

/// The user and session named by verified JWT claims (`sub`, `session_id`), as stored.
pub fn caller_from_claims(
    state: &AppState,
    claims: &Value,
) -> Result<(User, Option<Session>), ApiError> {
    let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
    if sub.is_empty() {
        return Err(ApiError::forbidden("bad_jwt", "invalid claim: missing sub claim"));
    }
    let Some(sub) = util::parse_uuid(sub) else {
        return Err(ApiError::bad_request("bad_jwt", "invalid claim: sub claim must be a UUID"));
    };
    let sid = claims.get("session_id").and_then(Value::as_str).unwrap_or("").to_string();
    state.read(|data| {
        let user = data.db.user(&sub).cloned().ok_or_else(user_not_found_from_sub)?;
        let session = if sid.is_empty() || sid == "00000000-0000-0000-0000-000000000000" {
            None
        } else {
            let Some(sid) = util::parse_uuid(&sid) else {
                return Err(ApiError::forbidden(
                    "bad_jwt",
                    "invalid claim: session_id claim must be a UUID",
                ));
            };
            Some(data.db.session(&sid).cloned().ok_or_else(session_not_found)?)
        };
        Ok((user, session))
    })
}

/// 403 `session_not_found`.
pub fn session_not_found() -> ApiError {
    ApiError::forbidden("session_not_found", "Session from session_id claim in JWT does not exist")
}

/// A session's id and the refresh token to hand out with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// The session.
    pub session_id: String,
    /// Its current refresh token.
    pub refresh_token: String,
}

/// Starts an aal1 session with AMR `method` at `now` and records the sign-in on the user.
pub fn sign_in(state: &AppState, db: &mut Db, user_id: &str, method: &str, now: Micros) -> Tokens {
    let (session_id, refresh_token) = db.create_session(user_id, method, now);
    touch_sign_in(state, db, user_id);
    Tokens { session_id, refresh_token }
}

/// Records a sign-in on the user.
pub fn touch_sign_in(state: &AppState, db: &mut Db, user_id: &str) {
    let now = state.now();
    if let Some(u) = db.user_mut(user_id) {
        u.last_sign_in_at = Some(now);
        u.updated_at = now;
    }
}

/// Signs an access token for `session` of `user`; returns it with its `exp`.
pub fn access_token(state: &AppState, user: &User, session: &Session) -> (String, i64) {
    let config = &state.config;
    let iat = state.clock.now_secs();
    let exp = iat + config.jwt_exp;
    let mut amr: Vec<&AmrClaim> = session.amr.iter().collect();
    amr.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
    let amr: Vec<Value> = amr
        .iter()
        .map(|c| json!({"method": c.method, "timestamp": c.updated_at.div_euclid(1_000_000)}))
        .collect();
    let mut claims = Map::new();
    if let Some(iss) = &config.jwt_issuer {
        claims.insert("iss".into(), json!(iss));
    }
    for (k, v) in [
        ("sub", json!(user.id)),
        ("aud", json!(user.aud)),
        ("exp", json!(exp)),
        ("iat", json!(iat)),
        ("email", json!(user.email)),
        ("phone", json!(user.phone)),
        ("app_metadata", user.app_metadata.clone()),
        ("user_metadata", user.user_metadata.clone()),
        ("role", json!(user.role)),
        ("aal", json!(session.aal_from_amr())),
        ("amr", json!(amr)),
        ("session_id", json!(session.id)),
        ("is_anonymous", json!(user.is_anonymous)),
    ] {
        claims.insert(k.into(), v);
    }
    let token =
        crate::jwt::sign(&Value::Object(claims), &config.jwt_secret, config.jwt_key_id.as_deref());
    (token, exp)
}

/// 403 `user_not_found` for a token whose `sub` names no user.
pub fn user_not_found_from_sub() -> ApiError {
    ApiError::forbidden("user_not_found", "User from sub claim in JWT does not exist")
}

/// GoTrue's `AccessTokenResponse` for a session and refresh token.
pub fn token_response(
    state: &AppState,
    db: &Db,
    tokens: &Tokens,
) -> Result<Map<String, Value>, ApiError> {
    let session =
        db.session(&tokens.session_id).ok_or_else(|| ApiError::internal("session vanished"))?;
    let user = db.user(&session.user_id).ok_or_else(|| ApiError::internal("user vanished"))?;
    let (token, exp) = access_token(state, user, session);
    let user_json = wire::user_json(db, user, false);
    Ok(wire::token_json(&token, exp, state.clock.now_secs(), &tokens.refresh_token, user_json))
}

fn invalid_login() -> ApiError {
    ApiError::bad_request("invalid_credentials", "Invalid login credentials")
}

/// `grant_type=password`: email or phone with a password. A correct password that fails the
/// current policy still signs in, with `weak_password` set.
pub async fn password_grant(
    state: &AppState,
    email: &str,
    phone: &str,
    password: &str,
) -> Result<Map<String, Value>, ApiError> {
    if !email.is_empty() && !phone.is_empty() {
        return Err(ApiError::validation(
            "Only an email address or phone number should be provided on login.",
        ));
    }
    let aud = state.config.jwt_aud.clone();
    let user = if !email.is_empty() {
        state.read(|data| data.db.user_by_email(email, &aud).cloned())
    } else if !phone.is_empty() {
        let phone = phone.trim_start_matches('+').replace(' ', "");
        state.read(|data| data.db.user_by_phone(&phone, &aud).cloned())
    } else {
        return Err(ApiError::validation("missing email or phone"));
    };
    let user = user.ok_or_else(invalid_login)?;
    if !passwords::matches(password, &user.encrypted_password).await {
        return Err(invalid_login());
    }
    if !email.is_empty() && user.email_confirmed_at.is_none() {
        return Err(ApiError::bad_request("email_not_confirmed", "Email not confirmed"));
    }
    if email.is_empty() && user.phone_confirmed_at.is_none() {
        return Err(ApiError::bad_request("phone_not_confirmed", "Phone not confirmed"));
    }
    let weak = match validation::check_strength(&state.config, password) {
        Err(e) if e.weak_password.is_some() => {
            json!({"message": e.message, "reasons": e.weak_password})
        }
        _ => Value::Null,
    };
    state.write(|data| {
        let now = state.now();
        if data.db.user(&user.id).is_none() {
            return Err(invalid_login());
        }
        let tokens = sign_in(state, &mut data.db, &user.id, "password", now);
        let mut resp = token_response(state, &data.db, &tokens)?;
        resp.insert("weak_password".into(), weak);
        Ok(resp)
    })
}

/// `grant_type=refresh_token`: rotates a legacy refresh token (GoTrue's reuse interval, the
/// lost-answer retry, and revocation of the family on reuse).
pub fn refresh_grant(state: &AppState, token: &str) -> Result<Map<String, Value>, ApiError> {
    // Legacy tokens are 12 characters of [a-z0-9]; this server issues no longer (v2) tokens.
    let legacy_ok =
        token.len() == 12 && token.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !legacy_ok {
        return Err(ApiError::validation("Refresh token is not valid"));
    }
    let config = &state.config;
    state.write(|data| {
        let now = state.now();
        let db = &mut data.db;
        let not_found = || {
            ApiError::bad_request(
                "refresh_token_not_found",
                "Invalid Refresh Token: Refresh Token Not Found",
            )
        };
        let t =
            db.refresh_tokens.iter().find(|t| t.token == token).cloned().ok_or_else(not_found)?;
        if db.user(&t.user_id).is_none() {
            return Err(not_found());
        }
        if db.session(&t.session_id).is_none() {
            return Err(ApiError::bad_request(
                "session_not_found",
                "Invalid Refresh Token: No Valid Session Found",
            ));
        }
        let issued = if t.revoked {
            match db.active_token(&t.session_id) {
                // The client lost the answer of its last refresh: hand out the active token again.
                Some(active) if active.parent == t.token => active.token.clone(),
                _ => {
                    let reuse_until =
                        t.updated_at + secs(config.refresh_token_reuse_interval as f64);
                    if now > reuse_until {
                        if config.refresh_token_rotation_enabled {
                            db.revoke_session_tokens(&t.session_id, now);
                        }
                        return Err(ApiError::bad_request(
                            "refresh_token_already_used",
                            "Invalid Refresh Token: Already Used",
                        ));
                    }
                    db.swap_token(&t.token, now).ok_or_else(not_found)?
                }
            }
        } else {
            db.swap_token(&t.token, now).ok_or_else(not_found)?
        };
        if let Some(sess) = db.session_mut(&t.session_id) {
            sess.updated_at = now;
        }
        token_response(state, db, &Tokens { session_id: t.session_id, refresh_token: issued })
    })
}

fn flow_state_not_found() -> ApiError {
    ApiError::not_found("flow_state_not_found", "invalid flow state, no valid flow state found")
}

/// `grant_type=pkce`: exchanges an issued auth code and its verifier for a session.
pub fn pkce_grant(
    state: &AppState,
    auth_code: &str,
    verifier: &str,
) -> Result<Map<String, Value>, ApiError> {
    if auth_code.is_empty() || verifier.is_empty() {
        return Err(ApiError::validation(
            "invalid request: both auth code and code verifier should be non-empty",
        ));
    }
    state.write(|data| {
        let now = state.now();
        let db = &mut data.db;
        let flow = db
            .flow_states
            .iter()
            .find(|f| f.auth_code == auth_code && f.auth_code_issued_at.is_some())
            .cloned()
            .ok_or_else(flow_state_not_found)?;
        // Recovery flow states are timed from their creation (the /recover call); others from
        // when the auth code was issued.
        let start = if flow.authentication_method == "magiclink" {
            flow.auth_code_issued_at.unwrap_or(flow.created_at)
        } else {
            flow.created_at
        };
        if now > start + secs(state.config.flow_state_expiry) {
            return Err(ApiError::unprocessable(
                "flow_state_expired",
                "invalid flow state, flow state has expired",
            ));
        }
        let ok = match flow.code_challenge_method.as_str() {
            "s256" => util::pkce_s256(verifier) == flow.code_challenge,
            "plain" => verifier == flow.code_challenge,
            _ => false,
        };
        if !ok {
            return Err(ApiError::bad_request(
                "bad_code_verifier",
                "code challenge does not match previously saved code verifier",
            ));
        }
        if db.user(&flow.user_id).is_none() {
            return Err(flow_state_not_found());
        }
        let (session_id, refresh_token) =
            db.create_session(&flow.user_id, &flow.authentication_method, now);
        touch_sign_in(state, db, &flow.user_id);
        db.flow_states.retain(|f| f.id != flow.id);
        let mut resp = token_response(state, db, &Tokens { session_id, refresh_token })?;
        if let Some(t) = flow.provider_token {
            resp.insert("provider_token".into(), json!(t));
        }
        if let Some(t) = flow.provider_refresh_token {
            resp.insert("provider_refresh_token".into(), json!(t));
        }
        Ok(resp)
    })
}

/// GoTrue's `validatePKCEParams`.
pub fn validate_pkce(method: &str, challenge: &str) -> Result<(), ApiError> {
    if challenge.is_empty() != method.is_empty() {
        return Err(ApiError::validation(
            "PKCE flow requires code_challenge_method and code_challenge",
        ));
    }
    if !challenge.is_empty() {
        let ok_chars = challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
        if !(43..=128).contains(&challenge.len()) {
            return Err(ApiError::validation(format!(
                "code challenge has to be between {} and {} characters",
                43, 128
            )));
        }
        if !ok_chars {
            return Err(ApiError::validation("code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes"));
        }
    }
    Ok(())
}

/// A PKCE flow state waiting for its emailed link (`authentication_method` e.g. `recovery`).
pub fn new_flow_state(
    user_id: &str,
    code_challenge: &str,
    code_challenge_method: &str,
    authentication_method: &str,
    now: i64,
) -> FlowState {
    FlowState {
        id: util::uuid_v4(),
        user_id: user_id.into(),
        auth_code: util::uuid_v4(),
        code_challenge: code_challenge.into(),
        code_challenge_method: code_challenge_method.into(),
        authentication_method: authentication_method.into(),
        created_at: now,
        auth_code_issued_at: None,
        provider_token: None,
        provider_refresh_token: None,
    }
}

/// Raises a session to aal2 after a verified factor: AMR `method`, the next refresh token of
/// the session, and the user's other aal1 sessions ended.
pub fn raise_to_aal2(
    db: &mut Db,
    user_id: &str,
    session_id: &str,
    factor_id: &str,
    method: &str,
    now: Micros,
) -> Result<Tokens, ApiError> {
    let sess = db.session_mut(session_id).ok_or_else(session_not_found)?;
    sess.add_amr(method, now);
    sess.aal = "aal2".into();
    sess.factor_id = Some(factor_id.to_string());
    sess.updated_at = now;
    let current = db
        .active_token(session_id)
        .or_else(|| db.latest_token(session_id))
        .map(|t| t.token.clone());
    let refresh_token = match current {
        Some(t) => db.swap_token(&t, now),
        None => None,
    }
    .unwrap_or_else(|| db.grant_token(user_id, session_id, "", now));
    db.delete_sessions(|x| x.user_id == user_id && x.id != session_id && x.aal != "aal2");
    Ok(Tokens { session_id: session_id.to_string(), refresh_token })
}

/// Drops the sessions raised by a deleted factor back to aal1 (GoTrue's
/// `DowngradeSessionsToAAL1`), removing the factor's AMR `method`.
pub fn downgrade_to_aal1(db: &mut Db, factor_id: &str, method: &str) {
    for sess in db.sessions.iter_mut().filter(|x| x.factor_id.as_deref() == Some(factor_id)) {
        sess.amr.retain(|c| c.method != method);
        sess.aal = "aal1".into();
        sess.factor_id = None;
    }
}

/// Which sessions `POST /logout` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutScope {
    /// Every session of the user (the default).
    Global,
    /// The caller's session.
    Local,
    /// The user's other sessions.
    Others,
}

impl LogoutScope {
    /// `""` / `global`, `local`, `others`; anything else is 400 `validation_failed`.
    pub fn parse(scope: &str) -> Result<Self, ApiError> {
        match scope {
            "" | "global" => Ok(LogoutScope::Global),
            "local" => Ok(LogoutScope::Local),
            "others" => Ok(LogoutScope::Others),
            _ => Err(ApiError::validation(format!("Unsupported logout scope {scope:?}"))),
        }
    }
}

/// Ends sessions of `caller` in `scope` (without a session in the token: all of them).
pub fn logout(state: &AppState, caller: Caller<'_>, scope: LogoutScope) {
    let uid = caller.user.id.clone();
    let sid = caller.session.map(|x| x.id.clone());
    state.write(|data| match (scope, sid) {
        (LogoutScope::Local, Some(sid)) => data.db.delete_sessions(|x| x.id == sid),
        (LogoutScope::Others, Some(sid)) => {
            data.db.delete_sessions(|x| x.user_id == uid && x.id != sid)
        }
        _ => data.db.delete_sessions(|x| x.user_id == uid),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::test_state;

    fn user_with_session(state: &AppState) -> (String, Tokens) {
        let user =
            User::new(&state.config, "a@example.com", String::new(), true, None, state.now());
        let uid = user.id.clone();
        state.write(|data| {
            data.db.users.push(user);
            let tokens = sign_in(state, &mut data.db, &uid, "password", state.now());
            (uid, tokens)
        })
    }

    #[test]
    fn token_response_carries_a_verifiable_jwt() {
        let state = test_state(|_| {});
        let (uid, tokens) = user_with_session(&state);
        let resp = state.read(|data| token_response(&state, &data.db, &tokens)).unwrap();
        assert_eq!(resp["expires_in"], 3600);
        assert_eq!(resp["refresh_token"], json!(tokens.refresh_token));
        let claims = crate::jwt::verify(
            resp["access_token"].as_str().unwrap(),
            &state.config.jwt_secret,
            state.clock.now_secs(),
        )
        .unwrap();
        assert_eq!(claims["sub"], json!(uid));
        assert_eq!(claims["aal"], "aal1");
        assert_eq!(claims["amr"][0]["method"], "password");
        let (user, session) = caller_from_claims(&state, &claims).unwrap();
        assert_eq!((user.id, session.unwrap().id), (uid, tokens.session_id));
    }

    #[test]
    fn refresh_rotates_and_refuses_reuse() {
        let state = test_state(|_| {});
        let (_, tokens) = user_with_session(&state);
        let first = refresh_grant(&state, &tokens.refresh_token).unwrap();
        let next = first["refresh_token"].as_str().unwrap().to_string();
        assert_ne!(next, tokens.refresh_token);
        // The parent of the active token is handed the same child again.
        let again = refresh_grant(&state, &tokens.refresh_token).unwrap();
        assert_eq!(again["refresh_token"], json!(next));
        let newer = refresh_grant(&state, &next).unwrap()["refresh_token"].clone();
        state.clock.advance(1.0);
        let e = refresh_grant(&state, &tokens.refresh_token).unwrap_err();
        assert_eq!(e.code, "refresh_token_already_used");
        // Reuse revoked the family.
        state.clock.advance(1.0);
        let e = refresh_grant(&state, newer.as_str().unwrap()).unwrap_err();
        assert_eq!(e.code, "refresh_token_already_used");
        assert_eq!(refresh_grant(&state, "short").unwrap_err().code, "validation_failed");
    }

    #[test]
    fn aal2_and_back() {
        let state = test_state(|_| {});
        let (uid, tokens) = user_with_session(&state);
        let other =
            state.write(|data| sign_in(&state, &mut data.db, &uid, "password", state.now()));
        let raised = state.write(|data| {
            raise_to_aal2(&mut data.db, &uid, &tokens.session_id, "f1", "totp", state.now())
        });
        let raised = raised.unwrap();
        assert_ne!(raised.refresh_token, tokens.refresh_token);
        state.write(|data| {
            assert!(data.db.session(&other.session_id).is_none(), "other aal1 session ended");
            assert_eq!(data.db.session(&tokens.session_id).unwrap().aal, "aal2");
            downgrade_to_aal1(&mut data.db, "f1", "totp");
            let s = data.db.session(&tokens.session_id).unwrap();
            assert_eq!((s.aal.as_str(), s.amr.len()), ("aal1", 1));
        });
    }

    #[test]
    fn logout_scopes() {
        assert_eq!(LogoutScope::parse("").unwrap(), LogoutScope::Global);
        assert_eq!(LogoutScope::parse("others").unwrap(), LogoutScope::Others);
        assert!(LogoutScope::parse("everything").is_err());
        let state = test_state(|_| {});
        let (uid, tokens) = user_with_session(&state);
        let other =
            state.write(|data| sign_in(&state, &mut data.db, &uid, "password", state.now()));
        let (user, session) = state.read(|data| {
            (data.db.user(&uid).cloned().unwrap(), data.db.session(&tokens.session_id).cloned())
        });
        let caller = Caller { user: &user, session: session.as_ref() };
        logout(&state, caller, LogoutScope::Others);
        state.read(|data| {
            assert!(data.db.session(&tokens.session_id).is_some());
            assert!(data.db.session(&other.session_id).is_none());
        });
        logout(&state, caller, LogoutScope::Local);
        assert!(state.read(|data| data.db.sessions.is_empty()));
    }

    #[test]
    fn pkce_parameters() {
        assert!(validate_pkce("", "").is_ok());
        assert!(validate_pkce("s256", "").is_err());
        assert!(validate_pkce("s256", &"a".repeat(43)).is_ok());
        assert!(validate_pkce("s256", &"a".repeat(42)).is_err());
        assert!(validate_pkce("s256", &format!("{}!", "a".repeat(43))).is_err());
    }
}
