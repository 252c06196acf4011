//! The pure core of the store: [`AuthState`], [`Session`], the persisted shape, and decisions
//! (what a refresh failure means, how long to wait before retrying). No browser API here.

use super::claims::{Aal, Claims};
use crate::api::{ApiError, ErrorCode, TokenResponse, User};
use serde::{Deserialize, Serialize};

/// A signed-in session: tokens, the user, and the claims decoded from the access token.
///
/// ```
/// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
/// # use leptos_supabase_auth::session::state::Session;
/// # // A session (received at t = 0, valid 3600 s) whose token has the claim `aal`,
/// # // for a user with a verified or an unverified TOTP factor.
/// # let session = |aal: &str, verified: bool| {
/// #     let payload = format!(r#"{{"sub": "u1", "aal": "{aal}"}}"#);
/// #     let status = if verified { "verified" } else { "unverified" };
/// #     let factor =
/// #         Factor { factor_type: "totp".into(), status: status.into(), ..Factor::default() };
/// #     let user = User { id: "u1".into(), factors: vec![factor], ..User::default() };
/// #     let access_token = format!("h.{}.s", base64url(payload.as_bytes()));
/// #     let resp = TokenResponse {
/// #         access_token, refresh_token: "r1".into(), expires_in: 3600, expires_at: None,
/// #         user,
/// #     };
/// #     Session::from_response(resp, 0).unwrap()
/// # };
/// let s = session("aal1", true);
/// assert_eq!(s.claims.sub, s.user.id); // claims come from `access_token`
/// assert_eq!((s.refresh_token.as_str(), s.expires_at), ("r1", 3600));
/// assert!(s.user.has_verified_factor());
/// ```
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
    ///
    /// ```
    /// use leptos_supabase_auth::api::{pkce::base64url, ApiError, TokenResponse, User};
    /// use leptos_supabase_auth::session::state::Session;
    /// let payload = base64url(br#"{"sub": "u1", "iat": 1000, "exp": 4600}"#);
    /// let access_token = format!("h.{payload}.s");
    /// let user = User { id: "u1".into(), ..User::default() };
    /// let resp = TokenResponse { access_token, refresh_token: "r1".into(), expires_in: 3600,
    ///     expires_at: Some(4600), user };
    /// let session = Session::from_response(resp.clone(), 100).unwrap();
    /// assert_eq!(session.expires_at, 3700); // local `now` + `expires_in`, not the server's `exp`
    /// let opaque = TokenResponse { access_token: "opaque".into(), ..resp };
    /// assert!(matches!(Session::from_response(opaque, 100), Err(ApiError::Decode(_))));
    /// ```
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
    ///
    /// ```
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::session::state::Session;
    /// # // A session (received at t = 0, valid 3600 s) whose token has the claim `aal`,
    /// # // for a user with a verified or an unverified TOTP factor.
    /// # let session = |aal: &str, verified: bool| {
    /// #     let payload = format!(r#"{{"sub": "u1", "aal": "{aal}"}}"#);
    /// #     let status = if verified { "verified" } else { "unverified" };
    /// #     let factor =
    /// #         Factor { factor_type: "totp".into(), status: status.into(), ..Factor::default() };
    /// #     let user = User { id: "u1".into(), factors: vec![factor], ..User::default() };
    /// #     let access_token = format!("h.{}.s", base64url(payload.as_bytes()));
    /// #     let resp = TokenResponse {
    /// #         access_token, refresh_token: "r1".into(), expires_in: 3600, expires_at: None,
    /// #         user,
    /// #     };
    /// #     Session::from_response(resp, 0).unwrap()
    /// # };
    /// let s = session("aal1", false);
    /// assert_eq!(Session::from_persisted(s.to_persisted()), Some(s.clone()));
    /// let mut tampered = s.to_persisted();
    /// tampered.user.id = "someone-else".into(); // no longer the token's `sub`
    /// assert_eq!(Session::from_persisted(tampered), None);
    /// ```
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
    ///
    /// ```
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::session::state::Session;
    /// # // A session (received at t = 0, valid 3600 s) whose token has the claim `aal`,
    /// # // for a user with a verified or an unverified TOTP factor.
    /// # let session = |aal: &str, verified: bool| {
    /// #     let payload = format!(r#"{{"sub": "u1", "aal": "{aal}"}}"#);
    /// #     let status = if verified { "verified" } else { "unverified" };
    /// #     let factor =
    /// #         Factor { factor_type: "totp".into(), status: status.into(), ..Factor::default() };
    /// #     let user = User { id: "u1".into(), factors: vec![factor], ..User::default() };
    /// #     let access_token = format!("h.{}.s", base64url(payload.as_bytes()));
    /// #     let resp = TokenResponse {
    /// #         access_token, refresh_token: "r1".into(), expires_in: 3600, expires_at: None,
    /// #         user,
    /// #     };
    /// #     Session::from_response(resp, 0).unwrap()
    /// # };
    /// use leptos_supabase_auth::session::state::Persisted;
    /// let p = session("aal1", false).to_persisted();
    /// assert_eq!((p.v, p.refresh_token.as_str(), p.expires_at), (Persisted::VERSION, "r1", 3600));
    /// let json = serde_json::to_string(&p).unwrap();
    /// assert!(json.contains(r#""refresh_token":"r1""#) && !json.contains("claims"));
    /// ```
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
    ///
    /// ```
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::session::state::Session;
    /// # // A session (received at t = 0, valid 3600 s) whose token has the claim `aal`,
    /// # // for a user with a verified or an unverified TOTP factor.
    /// # let session = |aal: &str, verified: bool| {
    /// #     let payload = format!(r#"{{"sub": "u1", "aal": "{aal}"}}"#);
    /// #     let status = if verified { "verified" } else { "unverified" };
    /// #     let factor =
    /// #         Factor { factor_type: "totp".into(), status: status.into(), ..Factor::default() };
    /// #     let user = User { id: "u1".into(), factors: vec![factor], ..User::default() };
    /// #     let access_token = format!("h.{}.s", base64url(payload.as_bytes()));
    /// #     let resp = TokenResponse {
    /// #         access_token, refresh_token: "r1".into(), expires_in: 3600, expires_at: None,
    /// #         user,
    /// #     };
    /// #     Session::from_response(resp, 0).unwrap()
    /// # };
    /// use leptos_supabase_auth::Aal;
    /// assert_eq!(session("aal1", true).current_level(), Aal::Aal1);
    /// assert_eq!(session("aal2", true).current_level(), Aal::Aal2);
    /// ```
    pub fn current_level(&self) -> Aal {
        self.claims.aal
    }

    /// `aal2` when the user has a verified factor, else the current level (as supabase-js).
    ///
    /// ```
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::session::state::Session;
    /// # // A session (received at t = 0, valid 3600 s) whose token has the claim `aal`,
    /// # // for a user with a verified or an unverified TOTP factor.
    /// # let session = |aal: &str, verified: bool| {
    /// #     let payload = format!(r#"{{"sub": "u1", "aal": "{aal}"}}"#);
    /// #     let status = if verified { "verified" } else { "unverified" };
    /// #     let factor =
    /// #         Factor { factor_type: "totp".into(), status: status.into(), ..Factor::default() };
    /// #     let user = User { id: "u1".into(), factors: vec![factor], ..User::default() };
    /// #     let access_token = format!("h.{}.s", base64url(payload.as_bytes()));
    /// #     let resp = TokenResponse {
    /// #         access_token, refresh_token: "r1".into(), expires_in: 3600, expires_at: None,
    /// #         user,
    /// #     };
    /// #     Session::from_response(resp, 0).unwrap()
    /// # };
    /// use leptos_supabase_auth::Aal;
    /// assert_eq!(session("aal1", true).next_level(), Aal::Aal2);
    /// assert_eq!(session("aal1", false).next_level(), Aal::Aal1); // the factor is unverified
    /// ```
    pub fn next_level(&self) -> Aal {
        super::aal::next_level(self.claims.aal, self.user.has_verified_factor())
    }

    /// Whether the user must verify a second factor to reach their highest level.
    ///
    /// ```
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::session::state::Session;
    /// # // A session (received at t = 0, valid 3600 s) whose token has the claim `aal`,
    /// # // for a user with a verified or an unverified TOTP factor.
    /// # let session = |aal: &str, verified: bool| {
    /// #     let payload = format!(r#"{{"sub": "u1", "aal": "{aal}"}}"#);
    /// #     let status = if verified { "verified" } else { "unverified" };
    /// #     let factor =
    /// #         Factor { factor_type: "totp".into(), status: status.into(), ..Factor::default() };
    /// #     let user = User { id: "u1".into(), factors: vec![factor], ..User::default() };
    /// #     let access_token = format!("h.{}.s", base64url(payload.as_bytes()));
    /// #     let resp = TokenResponse {
    /// #         access_token, refresh_token: "r1".into(), expires_in: 3600, expires_at: None,
    /// #         user,
    /// #     };
    /// #     Session::from_response(resp, 0).unwrap()
    /// # };
    /// assert!(session("aal1", true).needs_step_up());
    /// assert!(!session("aal2", true).needs_step_up());
    /// assert!(!session("aal1", false).needs_step_up());
    /// ```
    pub fn needs_step_up(&self) -> bool {
        super::aal::needs_step_up(self.claims.aal, self.user.has_verified_factor())
    }

    /// Whether the access token expires within `margin` seconds of `now`.
    ///
    /// ```
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::session::state::Session;
    /// # // A session (received at t = 0, valid 3600 s) whose token has the claim `aal`,
    /// # // for a user with a verified or an unverified TOTP factor.
    /// # let session = |aal: &str, verified: bool| {
    /// #     let payload = format!(r#"{{"sub": "u1", "aal": "{aal}"}}"#);
    /// #     let status = if verified { "verified" } else { "unverified" };
    /// #     let factor =
    /// #         Factor { factor_type: "totp".into(), status: status.into(), ..Factor::default() };
    /// #     let user = User { id: "u1".into(), factors: vec![factor], ..User::default() };
    /// #     let access_token = format!("h.{}.s", base64url(payload.as_bytes()));
    /// #     let resp = TokenResponse {
    /// #         access_token, refresh_token: "r1".into(), expires_in: 3600, expires_at: None,
    /// #         user,
    /// #     };
    /// #     Session::from_response(resp, 0).unwrap()
    /// # };
    /// let s = session("aal1", false); // expires at t = 3600
    /// assert!(!s.expires_within(3000, 90));
    /// assert!(s.expires_within(3510, 90));
    /// ```
    pub fn expires_within(&self, now: i64, margin: i64) -> bool {
        self.expires_at - now <= margin
    }
}

/// The persisted session, under one versioned key. Never holds codes, nonces or TOTP secrets.
///
/// ```
/// use leptos_supabase_auth::{api::User, session::state::Persisted};
/// let p = Persisted { v: Persisted::VERSION, access_token: "h.e30.s".into(),
///     refresh_token: "r1".into(), expires_at: 3600, user: User::default() };
/// let json = serde_json::to_string(&p).unwrap();
/// assert!(json.starts_with(r#"{"v":1,"access_token":"h.e30.s","refresh_token":"r1","#));
/// assert_eq!(serde_json::from_str::<Persisted>(&json).unwrap(), p);
/// ```
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
    ///
    /// ```
    /// # use leptos_supabase_auth::api::{pkce::base64url, User};
    /// use leptos_supabase_auth::session::state::{Persisted, Session};
    /// # let access_token = format!("h.{}.s", base64url(br#"{"sub": "u1"}"#));
    /// # let user = User { id: "u1".into(), ..User::default() };
    /// let mut p = Persisted { v: Persisted::VERSION, access_token, refresh_token: "r1".into(),
    ///     expires_at: 3600, user };
    /// assert!(Session::from_persisted(p.clone()).is_some());
    /// p.v = Persisted::VERSION + 1; // written by another version of the crate
    /// assert!(Session::from_persisted(p).is_none());
    /// ```
    pub const VERSION: u32 = 1;
}

/// The state of the store.
///
/// ```
/// use leptos_supabase_auth::session::state::AuthState;
/// fn greeting(state: &AuthState) -> &str {
///     match state {
///         AuthState::Loading => "",
///         AuthState::SignedOut => "Sign in",
///         AuthState::SignedIn(session) => &session.user.email,
///     }
/// }
/// assert_eq!(greeting(&AuthState::SignedOut), "Sign in");
/// ```
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
    ///
    /// ```
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::session::state::Session;
    /// # // A session (received at t = 0, valid 3600 s) whose token has the claim `aal`,
    /// # // for a user with a verified or an unverified TOTP factor.
    /// # let session = |aal: &str, verified: bool| {
    /// #     let payload = format!(r#"{{"sub": "u1", "aal": "{aal}"}}"#);
    /// #     let status = if verified { "verified" } else { "unverified" };
    /// #     let factor =
    /// #         Factor { factor_type: "totp".into(), status: status.into(), ..Factor::default() };
    /// #     let user = User { id: "u1".into(), factors: vec![factor], ..User::default() };
    /// #     let access_token = format!("h.{}.s", base64url(payload.as_bytes()));
    /// #     let resp = TokenResponse {
    /// #         access_token, refresh_token: "r1".into(), expires_in: 3600, expires_at: None,
    /// #         user,
    /// #     };
    /// #     Session::from_response(resp, 0).unwrap()
    /// # };
    /// use leptos_supabase_auth::session::state::AuthState;
    /// let s = session("aal1", false);
    /// assert_eq!(AuthState::SignedIn(s.clone()).session(), Some(&s));
    /// assert_eq!(AuthState::Loading.session(), None);
    /// ```
    pub fn session(&self) -> Option<&Session> {
        match self {
            AuthState::SignedIn(s) => Some(s),
            _ => None,
        }
    }
}

/// What to do after a refresh failed.
///
/// ```
/// use leptos_supabase_auth::api::ApiError;
/// use leptos_supabase_auth::session::state::{classify_refresh_error, RefreshFailure};
/// let offline = ApiError::Transport("offline".into());
/// match classify_refresh_error(&offline) {
///     RefreshFailure::SignOut => unreachable!("a network error never ends the session"),
///     RefreshFailure::Retry => {} // try again later with the same refresh token
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshFailure {
    /// The session is gone on the server: sign out locally.
    SignOut,
    /// Transient (network, 5xx, conflict): retry later while the access token is valid.
    Retry,
}

/// Classifies a refresh error by its code (never by its text).
///
/// ```
/// use leptos_supabase_auth::api::{error::parse_error, ApiError};
/// use leptos_supabase_auth::session::state::{classify_refresh_error, RefreshFailure};
/// let reused = parse_error(400, None, r#"{"code": "refresh_token_already_used", "message": ""}"#);
/// assert_eq!(classify_refresh_error(&ApiError::Auth(reused)), RefreshFailure::SignOut);
/// let busy = parse_error(409, None, r#"{"code": "conflict", "message": "Try again"}"#);
/// assert_eq!(classify_refresh_error(&ApiError::Auth(busy)), RefreshFailure::Retry);
/// ```
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
///
/// ```
/// use leptos_supabase_auth::session::state::retry_delay_ms;
/// assert_eq!(retry_delay_ms(0), 1_000);
/// assert_eq!(retry_delay_ms(2), 4_000);
/// assert_eq!(retry_delay_ms(10), 30_000);
/// ```
pub fn retry_delay_ms(attempt: u32) -> u32 {
    1000u32.saturating_mul(1 << attempt.min(5)).min(30_000)
}

/// Milliseconds from `now_ms` until the refresh should start (`margin` seconds before expiry),
/// capped to what a browser timer can hold.
///
/// ```
/// use leptos_supabase_auth::session::state::refresh_delay_ms;
/// // Expires at t = 1000 s, refresh 90 s early; it is now t = 800 s (given in milliseconds).
/// assert_eq!(refresh_delay_ms(1000, 800_000.0, 90), 110_000);
/// assert_eq!(refresh_delay_ms(1000, 990_000.0, 90), 0); // already due
/// ```
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
