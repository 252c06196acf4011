//! The bearer-token extractors: the signed-in user (with its session) and the admin caller.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Session, User};

/// The caller of an authenticated route: the user from `sub` and the session from `session_id`
/// as stored on the server (AAL decisions use the stored session, never the JWT claim).
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The user.
    pub user: User,
    /// The session named by the token, when it names one.
    pub session: Option<Session>,
    /// The verified claims.
    pub claims: Value,
}

impl AuthUser {
    /// The session's stored AAL is aal2.
    pub fn is_aal2(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.aal == "aal2")
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

/// The bearer token of a request (401 `no_authorization` without one).
pub fn bearer(parts: &Parts) -> Result<String, ApiError> {
    let missing = || {
        ApiError::unauthorized("no_authorization", "This endpoint requires a valid Bearer token")
    };
    let h = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let (scheme, token) = h.trim().split_once(' ').ok_or_else(missing)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(missing());
    }
    Ok(token.to_string())
}

/// Verifies a JWT with the server's secret and clock (403 `bad_jwt` on failure).
pub fn claims_of(st: &AppState, token: &str) -> Result<Value, ApiError> {
    crate::jwt::verify(token, &st.config.jwt_secret, st.clock.now_secs()).map_err(|e| {
        ApiError::forbidden(
            "bad_jwt",
            format!("invalid JWT: unable to parse or verify signature, {e}"),
        )
    })
}

impl FromRequestParts<Arc<AppState>> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Self, ApiError> {
        let token = bearer(parts)?;
        let claims = claims_of(st, &token)?;
        let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
        if sub.is_empty() {
            return Err(ApiError::forbidden("bad_jwt", "invalid claim: missing sub claim"));
        }
        if !crate::util::is_uuid(sub) {
            return Err(ApiError::bad_request(
                "bad_jwt",
                "invalid claim: sub claim must be a UUID",
            ));
        }
        let sid = claims.get("session_id").and_then(Value::as_str).unwrap_or("").to_string();
        let sub = sub.to_lowercase();
        st.read(|inner| {
            let user = inner.db.user(&sub).cloned().ok_or_else(|| {
                ApiError::forbidden("user_not_found", "User from sub claim in JWT does not exist")
            })?;
            let session = if sid.is_empty() || sid == "00000000-0000-0000-0000-000000000000" {
                None
            } else {
                if !crate::util::is_uuid(&sid) {
                    return Err(ApiError::forbidden(
                        "bad_jwt",
                        "invalid claim: session_id claim must be a UUID",
                    ));
                }
                Some(inner.db.session(&sid.to_lowercase()).cloned().ok_or_else(|| {
                    ApiError::forbidden(
                        "session_not_found",
                        "Session from session_id claim in JWT does not exist",
                    )
                })?)
            };
            Ok(AuthUser { user, session, claims: claims.clone() })
        })
    }
}

/// A caller whose JWT carries an admin role (`service_role` by default).
#[derive(Debug, Clone)]
pub struct AdminUser {
    /// The verified claims.
    pub claims: Value,
}

impl FromRequestParts<Arc<AppState>> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &Arc<AppState>) -> Result<Self, ApiError> {
        let token = bearer(parts)?;
        let claims = claims_of(st, &token)?;
        let role = claims.get("role").and_then(Value::as_str).unwrap_or("");
        if !st.config.jwt_admin_roles.iter().any(|r| r == role) {
            return Err(ApiError::forbidden("not_admin", "User not allowed"));
        }
        Ok(AdminUser { claims })
    }
}
