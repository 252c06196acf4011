//! `POST /token`: password, refresh_token and pkce grants.

use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ok_json, s, Ctx, RawBody, St};
use crate::clock::secs;
use crate::error::ApiError;

/// Dispatches on `?grant_type=`.
pub async fn post(st: St, ctx: Ctx, body: RawBody) -> Result<Response, ApiError> {
    match ctx.q("grant_type").as_str() {
        "password" => password(st, body).await,
        "refresh_token" => refresh(st, body),
        "pkce" => pkce(st, body),
        _ => Err(ApiError::bad_request("invalid_credentials", "unsupported_grant_type")),
    }
}

#[derive(Deserialize)]
struct PasswordParams {
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
}

fn invalid_login() -> ApiError {
    ApiError::bad_request("invalid_credentials", "Invalid login credentials")
}

async fn password(st: St, body: RawBody) -> Result<Response, ApiError> {
    let p: PasswordParams = body.json()?;
    let (email, phone, password) = (s(&p.email), s(&p.phone), s(&p.password));
    if !email.is_empty() && !phone.is_empty() {
        return Err(ApiError::validation(
            "Only an email address or phone number should be provided on login.",
        ));
    }
    let aud = st.config.jwt_aud.clone();
    let user = if !email.is_empty() {
        st.read(|i| i.db.user_by_email(&email, &aud).cloned())
    } else if !phone.is_empty() {
        let phone = phone.trim_start_matches('+').replace(' ', "");
        st.read(|i| {
            i.db.users
                .iter()
                .find(|u| !u.phone.is_empty() && u.phone == phone && u.aud == aud)
                .cloned()
        })
    } else {
        return Err(ApiError::validation("missing email or phone"));
    };
    let user = user.ok_or_else(invalid_login)?;
    if !crate::state::password_matches(&password, &user.encrypted_password).await {
        return Err(invalid_login());
    }
    if !email.is_empty() && user.email_confirmed_at.is_none() {
        return Err(ApiError::bad_request("email_not_confirmed", "Email not confirmed"));
    }
    if email.is_empty() && user.phone_confirmed_at.is_none() {
        return Err(ApiError::bad_request("phone_not_confirmed", "Phone not confirmed"));
    }
    // A correct password that fails the current policy still signs in, with a warning.
    let weak = match st.check_password_strength(&password) {
        Err(e) if e.weak_password.is_some() => {
            json!({"message": e.message, "reasons": e.weak_password})
        }
        _ => Value::Null,
    };
    st.write(|inner| {
        let now = st.now();
        if inner.db.user(&user.id).is_none() {
            return Err(invalid_login());
        }
        let (sid, refresh) = inner.db.create_session(&user.id, "password", now);
        st.touch_sign_in(&mut inner.db, &user.id);
        let mut resp = st.token_response(&inner.db, &sid, &refresh)?;
        resp.insert("weak_password".into(), weak);
        Ok(ok_json(Value::Object(resp)))
    })
}

#[derive(Deserialize)]
struct RefreshParams {
    refresh_token: Option<String>,
}

fn refresh(st: St, body: RawBody) -> Result<Response, ApiError> {
    let p: RefreshParams = body.json()?;
    let token = s(&p.refresh_token);
    // Legacy tokens are 12 characters of [a-z0-9]; this server issues no longer (v2) tokens.
    let legacy_ok =
        token.len() == 12 && token.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !legacy_ok {
        return Err(ApiError::validation("Refresh token is not valid"));
    }
    st.write(|inner| {
        let now = st.now();
        let db = &mut inner.db;
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
                        t.updated_at + secs(st.config.refresh_token_reuse_interval as f64);
                    if now > reuse_until {
                        if st.config.refresh_token_rotation_enabled {
                            for x in db
                                .refresh_tokens
                                .iter_mut()
                                .filter(|x| x.session_id == t.session_id && !x.revoked)
                            {
                                x.revoked = true;
                                x.updated_at = now;
                            }
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
        Ok(ok_json(Value::Object(st.token_response(db, &t.session_id, &issued)?)))
    })
}

#[derive(Deserialize)]
struct PkceParams {
    auth_code: Option<String>,
    code_verifier: Option<String>,
}

fn pkce(st: St, body: RawBody) -> Result<Response, ApiError> {
    let p: PkceParams = body.json()?;
    let (code, verifier) = (s(&p.auth_code), s(&p.code_verifier));
    if code.is_empty() || verifier.is_empty() {
        return Err(ApiError::validation(
            "invalid request: both auth code and code verifier should be non-empty",
        ));
    }
    st.write(|inner| {
        let now = st.now();
        let db = &mut inner.db;
        let flow = db
            .flow_states
            .iter()
            .find(|f| f.auth_code == code && f.auth_code_issued_at.is_some())
            .cloned()
            .ok_or_else(|| {
                ApiError::not_found(
                    "flow_state_not_found",
                    "invalid flow state, no valid flow state found",
                )
            })?;
        // Recovery flow states are timed from their creation (the /recover call); others from
        // when the auth code was issued.
        let start = if flow.authentication_method == "magiclink" {
            flow.auth_code_issued_at.unwrap_or(flow.created_at)
        } else {
            flow.created_at
        };
        if now > start + secs(st.config.flow_state_expiry) {
            return Err(ApiError::unprocessable(
                "flow_state_expired",
                "invalid flow state, flow state has expired",
            ));
        }
        let ok = match flow.code_challenge_method.as_str() {
            "s256" => crate::util::pkce_s256(&verifier) == flow.code_challenge,
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
            return Err(ApiError::not_found(
                "flow_state_not_found",
                "invalid flow state, no valid flow state found",
            ));
        }
        let (sid, refresh) = db.create_session(&flow.user_id, &flow.authentication_method, now);
        st.touch_sign_in(db, &flow.user_id);
        db.flow_states.retain(|f| f.id != flow.id);
        Ok(ok_json(Value::Object(st.token_response(db, &sid, &refresh)?)))
    })
}
