//! The bearer-token extractors (HTTP side): the signed-in user with its session, and the admin
//! caller. Who a token's claims name is decided in [`crate::domain::sessions`].

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde_json::Value;

use crate::domain::sessions::{caller_from_claims, Caller};
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
    /// The caller as the domain sees it.
    pub fn caller(&self) -> Caller<'_> {
        Caller { user: &self.user, session: self.session.as_ref() }
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
pub fn claims_of(state: &AppState, token: &str) -> Result<Value, ApiError> {
    crate::jwt::verify(token, &state.config.jwt_secret, state.clock.now_secs()).map_err(|e| {
        ApiError::forbidden(
            "bad_jwt",
            format!("invalid JWT: unable to parse or verify signature, {e}"),
        )
    })
}

/// What a request's verified bearer claims become; `bearer_extractor!` makes each such type
/// an extractor.
trait FromClaims: Sized {
    fn from_claims(state: &AppState, claims: Value) -> Result<Self, ApiError>;
}

/// Makes a `FromClaims` type an extractor: bearer token → verified claims → the type.
macro_rules! bearer_extractor {
    ($($t:ty),*) => {$(
        impl FromRequestParts<Arc<AppState>> for $t {
            type Rejection = ApiError;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &Arc<AppState>,
            ) -> Result<Self, ApiError> {
                <$t as FromClaims>::from_claims(state, claims_of(state, &bearer(parts)?)?)
            }
        }
    )*};
}

bearer_extractor!(AuthUser, AdminUser);

impl FromClaims for AuthUser {
    fn from_claims(state: &AppState, claims: Value) -> Result<Self, ApiError> {
        let (user, session) = caller_from_claims(state, &claims)?;
        Ok(AuthUser { user, session, claims })
    }
}

/// A caller whose JWT carries an admin role (`service_role` by default).
#[derive(Debug, Clone)]
pub struct AdminUser {
    /// The verified claims.
    pub claims: Value,
}

impl FromClaims for AdminUser {
    fn from_claims(state: &AppState, claims: Value) -> Result<Self, ApiError> {
        let role = claims.get("role").and_then(Value::as_str).unwrap_or("");
        if !state.config.jwt_admin_roles.iter().any(|r| r == role) {
            return Err(ApiError::forbidden("not_admin", "User not allowed"));
        }
        Ok(AdminUser { claims })
    }
}
