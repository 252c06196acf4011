//! The pure core of the store: [`AuthState`], [`Session`], the persisted shape, and decisions
//! (what a refresh failure means, how long to wait before retrying). No browser API here.

use super::claims::{Aal, Claims};
use crate::api::{ApiError, ErrorCode, TokenResponse, User};
use serde::{Deserialize, Serialize};

/// A signed-in session: tokens, the user, and the claims decoded from the access token.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// The access token (JWT).
    pub access_token: String,
    /// The refresh token (single use).
    pub refresh_token: String,
    /// Local unix time at which the access token expires.
    pub expires_at: i64,
    /// The user, with factors.
    pub user: User,
    /// Claims of the access token (decoded, not verified).
    pub claims: Claims,
}

impl Session {
    /// Builds a session from a token response received at local time `now`.
    ///
    /// The expiry is taken from `expires_in` so that a skewed local clock does not matter.
    pub fn from_response(resp: TokenResponse, now: i64) -> Result<Session, ApiError> {
        let claims = Claims::decode(&resp.access_token)
            .map_err(|_| ApiError::Decode("access token is not a JWT".into()))?;
        let lifetime = if resp.expires_in > 0 { resp.expires_in } else { claims.exp - claims.iat };
        Ok(Session {
            access_token: resp.access_token,
            refresh_token: resp.refresh_token,
            expires_at: now + lifetime,
            user: resp.user,
            claims,
        })
    }

    /// Restores a session from storage; `None` when the value is inconsistent (tampered/corrupt).
    pub fn from_persisted(p: Persisted) -> Option<Session> {
        if p.v != Persisted::VERSION || p.refresh_token.is_empty() {
            return None;
        }
        let claims = Claims::decode(&p.access_token).ok()?;
        if claims.sub != p.user.id {
            return None;
        }
        Some(Session {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            expires_at: p.expires_at,
            user: p.user,
            claims,
        })
    }

    /// What is written to storage: tokens, expiry and the user; claims are derived again.
    pub fn to_persisted(&self) -> Persisted {
        Persisted {
            v: Persisted::VERSION,
            access_token: self.access_token.clone(),
            refresh_token: self.refresh_token.clone(),
            expires_at: self.expires_at,
            user: self.user.clone(),
        }
    }

    /// The session's assurance level (the access token's `aal` claim).
    pub fn current_level(&self) -> Aal {
        self.claims.aal
    }

    /// `aal2` when the user has a verified factor, else the current level (as supabase-js).
    pub fn next_level(&self) -> Aal {
        super::aal::next_level(self.claims.aal, self.user.has_verified_factor())
    }

    /// Whether the user must verify a second factor to reach their highest level.
    pub fn needs_step_up(&self) -> bool {
        super::aal::needs_step_up(self.claims.aal, self.user.has_verified_factor())
    }

    /// Whether the access token expires within `margin` seconds of `now`.
    pub fn expires_within(&self, now: i64, margin: i64) -> bool {
        self.expires_at - now <= margin
    }
}

/// The persisted session, under one versioned key. Never holds codes, nonces or TOTP secrets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Persisted {
    /// Schema version.
    pub v: u32,
    /// The access token.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
    /// Local unix expiry of the access token.
    pub expires_at: i64,
    /// The user.
    pub user: User,
}

impl Persisted {
    /// The current schema version.
    pub const VERSION: u32 = 1;
}

/// The state of the store.
// One value per app: boxing the session would only add an indirection.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum AuthState {
    /// Not known yet (before storage was read, or rendering on the server).
    Loading,
    /// No session.
    SignedOut,
    /// A session.
    SignedIn(Session),
}

impl AuthState {
    /// The session, if signed in.
    pub fn session(&self) -> Option<&Session> {
        match self {
            AuthState::SignedIn(s) => Some(s),
            _ => None,
        }
    }
}

/// What to do after a refresh failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshFailure {
    /// The session is gone on the server: sign out locally.
    SignOut,
    /// Transient (network, 5xx, conflict): retry later while the access token is valid.
    Retry,
}

/// Classifies a refresh error by its code (never by its text).
pub fn classify_refresh_error(err: &ApiError) -> RefreshFailure {
    match err.code() {
        Some(
            ErrorCode::RefreshTokenAlreadyUsed
            | ErrorCode::RefreshTokenNotFound
            | ErrorCode::SessionNotFound
            | ErrorCode::SessionExpired
            | ErrorCode::UserNotFound
            | ErrorCode::UserBanned
            | ErrorCode::ValidationFailed,
        ) => RefreshFailure::SignOut,
        _ => RefreshFailure::Retry,
    }
}

/// Backoff before retry number `attempt` (0-based): 1 s, 2 s, 4 s ... capped at 30 s.
pub fn retry_delay_ms(attempt: u32) -> u32 {
    1000u32.saturating_mul(1 << attempt.min(5)).min(30_000)
}

/// Milliseconds from `now_ms` until the refresh should start (`margin` seconds before expiry),
/// capped to what a browser timer can hold.
pub fn refresh_delay_ms(expires_at: i64, now_ms: f64, margin: i64) -> u64 {
    let due_ms = (expires_at - margin) as f64 * 1000.0;
    (due_ms - now_ms).clamp(0.0, i32::MAX as f64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::AuthError;

    fn jwt(payload: &str) -> String {
        let b = crate::api::pkce::base64url;
        [b(br#"{"alg":"HS256"}"#), b(payload.as_bytes()), "sig".into()].join(".")
    }

    fn response(sub: &str, aal: &str) -> TokenResponse {
        let payload = format!(
            r#"{{"sub":"{sub}","exp":2000,"iat":1000,"aal":"{aal}","amr":[{{"method":"password","timestamp":1000}}],"session_id":"s1","email":"a@b.c","phone":"","is_anonymous":false,"role":"authenticated"}}"#
        );
        TokenResponse {
            access_token: jwt(&payload),
            refresh_token: "r1".into(),
            expires_in: 3600,
            expires_at: Some(4600),
            user: User { id: sub.into(), ..User::default() },
        }
    }

    fn auth_err(code: ErrorCode) -> ApiError {
        ApiError::Auth(AuthError {
            code,
            message: String::new(),
            status: 400,
            weak_reasons: vec![],
            retry_after_secs: None,
        })
    }

    #[test]
    fn expiry_comes_from_expires_in_and_local_clock() {
        let s = Session::from_response(response("u1", "aal1"), 50).unwrap();
        assert_eq!(s.expires_at, 3650);
        assert!(!s.expires_within(50, 90));
        assert!(s.expires_within(3600, 90));
    }

    #[test]
    fn a_non_jwt_access_token_is_a_decode_error() {
        let mut r = response("u1", "aal1");
        r.access_token = "nope".into();
        assert!(matches!(Session::from_response(r, 0), Err(ApiError::Decode(_))));
    }

    #[test]
    fn persisted_round_trip_and_tampering() {
        let s = Session::from_response(response("u1", "aal2"), 0).unwrap();
        assert_eq!(Session::from_persisted(s.to_persisted()), Some(s.clone()));
        let mut other_user = s.to_persisted();
        other_user.user.id = "u2".into();
        assert_eq!(Session::from_persisted(other_user), None);
        let mut old = s.to_persisted();
        old.v = 0;
        assert_eq!(Session::from_persisted(old), None);
        let mut garbage = s.to_persisted();
        garbage.access_token = "x.y.z".into();
        assert_eq!(Session::from_persisted(garbage), None);
    }

    #[test]
    fn levels_follow_supabase_js() {
        let mut s = Session::from_response(response("u1", "aal1"), 0).unwrap();
        assert_eq!(s.next_level(), Aal::Aal1);
        assert!(!s.needs_step_up());
        s.user.factors.push(crate::api::Factor {
            id: "f".into(),
            factor_type: "totp".into(),
            status: "verified".into(),
            ..Default::default()
        });
        assert_eq!(s.next_level(), Aal::Aal2);
        assert!(s.needs_step_up());
    }

    #[test]
    fn refresh_errors_are_classified_by_code() {
        for code in [
            ErrorCode::RefreshTokenAlreadyUsed,
            ErrorCode::RefreshTokenNotFound,
            ErrorCode::SessionNotFound,
        ] {
            assert_eq!(classify_refresh_error(&auth_err(code)), RefreshFailure::SignOut);
        }
        assert_eq!(classify_refresh_error(&auth_err(ErrorCode::Conflict)), RefreshFailure::Retry);
        let net = ApiError::Transport("offline".into());
        assert_eq!(classify_refresh_error(&net), RefreshFailure::Retry);
    }

    #[test]
    fn delays() {
        assert_eq!(retry_delay_ms(0), 1000);
        assert_eq!(retry_delay_ms(3), 8000);
        assert_eq!(retry_delay_ms(40), 30_000);
        assert_eq!(refresh_delay_ms(1000, 800_000.0, 90), 110_000);
        assert_eq!(refresh_delay_ms(1000, 800_250.0, 90), 109_750);
        assert_eq!(refresh_delay_ms(1000, 990_000.0, 90), 0);
        assert_eq!(refresh_delay_ms(i64::MAX / 2000, 0.0, 0), i32::MAX as u64);
    }
}
