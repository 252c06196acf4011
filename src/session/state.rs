//! The pure core of the store: [`AuthState`], [`Session`], the stored shape, and decisions
//! (which stored copy wins, when to refresh, what a refresh failure means). No browser API here.

use super::claims::{Aal, Claims};
use crate::api::{ApiError, ErrorCode, TokenResponse, User};
use crate::json::{self, FromJson, Object, Value};

/// A session: tokens, the user, and the claims decoded from the access token.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Session {
    /// The access token (JWT).
    pub access_token: String,
    /// The refresh token (single use).
    pub refresh_token: String,
    /// Local unix time at which the access token expires.
    pub expires_at: i64,
    /// The server's clock minus ours (seconds), measured when the token arrived: server time is
    /// `local + skew`. Freshness and step-up decisions compare server timestamps with it.
    pub skew: i64,
    /// The user, as last read from GoTrue.
    pub user: User,
    /// The access token's claims.
    pub claims: Claims,
}

impl Session {
    /// A session from a token response received at local time `now`.
    pub fn from_response(resp: TokenResponse, now: i64) -> Result<Session, ApiError> {
        let claims = Claims::decode(&resp.access_token)
            .map_err(|_| ApiError::Decode("access token is not a JWT".into()))?;
        // A link's fragment says `expires_in` itself: any number, so no overflow.
        let lifetime = if resp.expires_in > 0 {
            resp.expires_in
        } else {
            claims.exp.saturating_sub(claims.iat)
        };
        let skew = if claims.iat > 0 { claims.iat.saturating_sub(now) } else { 0 };
        Ok(Session {
            access_token: resp.access_token,
            refresh_token: resp.refresh_token,
            expires_at: now.saturating_add(lifetime),
            skew,
            user: resp.user,
            claims,
        })
    }

    /// The stored copy back as a session; `None` when inconsistent (a token of another user,
    /// no refresh token, not a JWT).
    pub fn from_persisted(p: Persisted) -> Option<Session> {
        if p.refresh_token.is_empty() {
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
            skew: p.skew,
            user: p.user,
            claims,
        })
    }

    /// What is stored: the tokens and only the user fields the screens show (no phone numbers:
    /// a phone factor keeps the four digits its label shows).
    pub fn to_persisted(&self) -> Persisted {
        let mut user = self.user.clone();
        user.phone.clear();
        for f in &mut user.factors {
            let keep = f.phone.chars().rev().take(4).collect::<Vec<_>>();
            f.phone = keep.into_iter().rev().collect();
        }
        Persisted {
            v: Persisted::VERSION,
            access_token: self.access_token.clone(),
            refresh_token: self.refresh_token.clone(),
            expires_at: self.expires_at,
            skew: self.skew,
            user,
        }
    }

    /// Now on the server's clock, from local time `now`.
    pub fn server_now(&self, now: i64) -> i64 {
        now.saturating_add(self.skew)
    }

    /// The access token's lifetime in seconds.
    pub fn lifetime(&self) -> i64 {
        (self.claims.exp - self.claims.iat).max(0)
    }

    /// The level of this session (the token's `aal`).
    pub fn current_level(&self) -> Aal {
        self.claims.aal
    }

    /// The level this user can reach (`aal2` once a factor is verified).
    pub fn next_level(&self) -> Aal {
        super::aal::next_level(self.claims.aal, self.user.has_verified_factor())
    }

    /// Whether the user has a verified factor but this session has not used it yet.
    pub fn needs_step_up(&self) -> bool {
        super::aal::needs_step_up(self.claims.aal, self.user.has_verified_factor())
    }

    /// Whether the access token expires within `margin` seconds of local time `now`.
    pub fn expires_within(&self, now: i64, margin: i64) -> bool {
        self.expires_at - now <= margin
    }

    /// Whether `self` is a later copy of the same session than `other` (a rotated token).
    pub(crate) fn is_newer_than(&self, other: &Session) -> bool {
        self.claims.session_id.is_some()
            && self.claims.session_id == other.claims.session_id
            && self.user.id == other.user.id
            && self.claims.iat > other.claims.iat
    }
}

/// Which copy to write when a tab saves `ours` over what storage holds: never a token older
/// than the stored one of the same session (another tab rotated it meanwhile). Returns the
/// session to keep, with `ours`' user when the stored tokens win.
pub(crate) fn rotation_safe(stored: Option<Session>, ours: Session) -> Session {
    match stored {
        Some(mut s) if s.is_newer_than(&ours) => {
            s.user = ours.user;
            s
        }
        _ => ours,
    }
}

/// What a write that continues this tab's session (a refresh, a user read, a verified factor)
/// does with what storage holds now.
#[derive(Debug, PartialEq)]
pub(crate) enum Continue {
    /// Write this session (rotation-safe against a newer copy of the same session).
    Write(Session),
    /// Another tab put another user's session, or a newer session, in storage since: this tab
    /// takes that one over and writes nothing.
    Yield(Session),
}

/// Decides a continuing write: `current` is the session this tab held when the work began,
/// `ours` the session it would now write. Never replaces a stored session of another user,
/// nor a newer one of another session (a stale tab must not undo another tab's sign-in).
pub(crate) fn continue_write(
    stored: Option<Session>,
    current: Option<&Session>,
    ours: Session,
) -> Continue {
    let Some(stored) = stored else { return Continue::Write(ours) };
    let base = current.unwrap_or(&ours);
    let same_session = stored.user.id == base.user.id
        && stored.claims.session_id.is_some()
        && stored.claims.session_id == base.claims.session_id;
    if same_session {
        return Continue::Write(rotation_safe(Some(stored), ours));
    }
    if stored.user.id != base.user.id || stored.claims.iat > base.claims.iat {
        return Continue::Yield(stored);
    }
    Continue::Write(ours)
}

/// The stored shape (`localStorage`), versioned.
#[derive(Clone, Debug, PartialEq)]
pub struct Persisted {
    pub v: u32,
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: i64,
    pub skew: i64,
    pub user: User,
}

impl Persisted {
    /// The version this build writes. It reads version 1 (no skew) too, and leaves a newer
    /// version alone (a tab of a newer build owns it).
    pub const VERSION: u32 = 2;

    /// The stored text.
    pub fn to_json(&self) -> String {
        let p = Object::new().int("v", self.v.into()).str("access_token", &self.access_token);
        let p = p.str("refresh_token", &self.refresh_token).int("expires_at", self.expires_at);
        p.int("skew", self.skew).raw("user", &self.user.to_json()).finish()
    }

    /// The stored text read back; `None` when it is not of this shape.
    pub fn parse(text: &str) -> Option<Persisted> {
        json::read(text)
    }
}

impl FromJson for Persisted {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Persisted {
            v: v.int_at("v")?.try_into().ok()?,
            access_token: v.string("access_token")?,
            refresh_token: v.string("refresh_token")?,
            expires_at: v.int_at("expires_at")?,
            skew: v.int_at("skew").unwrap_or(0),
            user: User::from_json(v.get("user")?)?,
        })
    }
}

/// What the stored text is to this build.
#[derive(Debug, PartialEq)]
pub(crate) enum Stored {
    Nothing,
    Session(Box<Session>),
    /// Written by a newer build: not ours to read or delete.
    Newer,
    /// Corrupt or inconsistent: to be removed.
    Broken,
}

/// Reads the stored text (pure).
pub(crate) fn read_stored(text: Option<&str>) -> Stored {
    let Some(text) = text else { return Stored::Nothing };
    let Some(value) = json::parse(text) else { return Stored::Broken };
    match value.int_at("v") {
        Some(v) if v > Persisted::VERSION.into() => Stored::Newer,
        Some(1 | 2) => <Persisted as FromJson>::from_json(&value)
            .and_then(Session::from_persisted)
            .map_or(Stored::Broken, |s| Stored::Session(Box::new(s))),
        _ => Stored::Broken,
    }
}

/// The store's state.
// One value per app: boxing the session would only add an indirection.
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::large_enum_variant)]
#[non_exhaustive]
pub enum AuthState {
    /// Not known yet (server rendering, or before the browser has read storage).
    Loading,
    /// Nobody is signed in.
    SignedOut,
    /// The password (or a link, or a passkey) is done, but the user has a verified second
    /// factor that this session has not used: not signed in yet for any page. The session is
    /// there so that the second-factor step can use it.
    SecondFactorPending(Session),
    /// Fully signed in.
    SignedIn(Session),
}

impl AuthState {
    /// The state for a session: [`AuthState::SecondFactorPending`] while it needs a step-up.
    pub fn from_session(session: Session) -> AuthState {
        if session.needs_step_up() {
            AuthState::SecondFactorPending(session)
        } else {
            AuthState::SignedIn(session)
        }
    }

    /// The session, fully signed in or waiting for its second factor.
    pub fn session(&self) -> Option<&Session> {
        match self {
            AuthState::SignedIn(s) | AuthState::SecondFactorPending(s) => Some(s),
            _ => None,
        }
    }

    /// Whether someone is fully signed in (an anonymous user too: see [`Self::is_anonymous`]).
    pub fn is_signed_in(&self) -> bool {
        matches!(self, AuthState::SignedIn(_))
    }

    /// Whether the session is an anonymous user's (GoTrue's `is_anonymous`: signed in without an
    /// address or password, until the sign-up page converts them).
    pub fn is_anonymous(&self) -> bool {
        self.session().is_some_and(|s| s.claims.is_anonymous)
    }
}

/// What a failed refresh means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefreshFailure {
    /// The session is gone: sign out here.
    SignOut,
    /// A passing failure (network, server): try again later.
    Retry,
}

/// Classifies a refresh error by GoTrue's error code.
pub(crate) fn classify_refresh_error(err: &ApiError) -> RefreshFailure {
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

/// Whether an answer to an authenticated request says this session no longer exists on the
/// server (validation errors of the request itself do not).
pub(crate) fn session_gone(err: &ApiError) -> bool {
    matches!(
        err.code(),
        Some(
            ErrorCode::BadJwt
                | ErrorCode::NoAuthorization
                | ErrorCode::MfaVerificationRejected
                | ErrorCode::RefreshTokenAlreadyUsed
                | ErrorCode::RefreshTokenNotFound
                | ErrorCode::SessionNotFound
                | ErrorCode::SessionExpired
                | ErrorCode::UserNotFound
                | ErrorCode::UserBanned
        )
    )
}

/// Milliseconds before retry number `attempt` (0-based): 1 s doubling to at most 30 s.
pub(crate) fn retry_delay_ms(attempt: u32) -> u32 {
    1000u32.saturating_mul(1 << attempt.min(5)).min(30_000)
}

/// The shortest time between two refreshes of one session.
pub(crate) const MIN_REFRESH_GAP_MS: f64 = 5_000.0;

/// Milliseconds from local time `now_ms` until the session should be refreshed: `margin`
/// seconds before it expires, but never more than half of the token's `lifetime` early, and
/// never sooner than [`MIN_REFRESH_GAP_MS`] (or half the lifetime, if shorter) after the last
/// refresh at `last_ms`. Short-lived tokens therefore refresh about twice per lifetime.
pub(crate) fn refresh_delay_ms(
    expires_at: i64,
    lifetime: i64,
    now_ms: f64,
    margin: i64,
    last_ms: f64,
) -> u64 {
    let margin = if lifetime > 0 { margin.min(lifetime / 2) } else { margin };
    let due_ms = (expires_at - margin.max(0)) as f64 * 1000.0;
    let gap = if lifetime > 0 {
        MIN_REFRESH_GAP_MS.min(lifetime as f64 * 500.0)
    } else {
        MIN_REFRESH_GAP_MS
    };
    let earliest = last_ms + gap;
    (due_ms.max(earliest) - now_ms).clamp(0.0, i32::MAX as f64) as u64
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
        let mut garbage = s.to_persisted();
        garbage.access_token = "x.y.z".into();
        assert_eq!(Session::from_persisted(garbage), None);
    }

    #[test]
    fn stored_versions() {
        let s = Session::from_response(response("u1", "aal2"), 0).unwrap();
        let text = s.to_persisted().to_json();
        assert_eq!(read_stored(Some(&text)), Stored::Session(Box::new(s.clone())));
        assert_eq!(read_stored(None), Stored::Nothing);
        // A newer build's copy is left alone, whatever else it holds.
        assert_eq!(read_stored(Some(r#"{"v":3,"anything":[1,2]}"#)), Stored::Newer);
        // Version 1 (before the clock skew was kept) is still read.
        let v1 = text.replace("\"v\":2", "\"v\":1").replace(",\"skew\":1000", "");
        assert!(matches!(read_stored(Some(&v1)), Stored::Session(_)), "{v1}");
        for broken in ["{\"v\":1,\"access_token\":", "[]", "{\"v\":0}", "{\"v\":2}"] {
            assert_eq!(read_stored(Some(broken)), Stored::Broken, "{broken}");
        }
    }

    /// What the builds before `src/json.rs` stored (serde_json): the same members in the same
    /// order, and `null` for a factor without a name. Sessions stored by them still load.
    #[test]
    fn sessions_stored_by_earlier_builds_still_load() {
        let s = Session::from_response(response("u1", "aal2"), 0).unwrap();
        let factor = r#"{"id":"f1","factor_type":"totp","status":"verified","friendly_name":null,"created_at":"2026-11-23T14:13:22Z","phone":""}"#;
        let text = format!(
            r#"{{"v":2,"access_token":"{}","refresh_token":"{}","expires_at":{},"skew":{},"user":{{"id":"u1","email":"a@b.c","phone":"","factors":[{factor}]}}}}"#,
            s.access_token, s.refresh_token, s.expires_at, s.skew
        );
        let Stored::Session(read) = read_stored(Some(&text)) else { panic!("{text}") };
        assert_eq!(
            (read.access_token.as_str(), read.user.email.as_str()),
            (&*s.access_token, "a@b.c")
        );
        let f = &read.user.factors[0];
        assert_eq!(
            (f.id.as_str(), f.friendly_name.as_deref(), f.is_verified()),
            ("f1", None, true)
        );
        // Written back, it reads the same.
        let again = read.to_persisted().to_json();
        assert_eq!(read_stored(Some(&again)), Stored::Session(read));
    }

    #[test]
    fn stored_copy_keeps_no_phone_numbers() {
        let mut r = response("u1", "aal2");
        r.user.phone = "+15550001234".into();
        r.user.factors.push(crate::api::Factor {
            id: "f".into(),
            factor_type: "phone".into(),
            status: "verified".into(),
            phone: "+15550009876".into(),
            ..Default::default()
        });
        let p = Session::from_response(r, 0).unwrap().to_persisted();
        let text = p.to_json();
        assert_eq!(Persisted::parse(&text).as_ref(), Some(&p));
        assert!(!text.contains("555"), "{text}");
        assert_eq!(p.user.factors[0].phone, "9876");
    }

    #[test]
    fn server_clock_skew() {
        // The token says it was issued at 1000 (server); it arrived at local 400: the local
        // clock is 600 s behind.
        let s = Session::from_response(response("u1", "aal1"), 400).unwrap();
        assert_eq!(s.skew, 600);
        assert_eq!(s.server_now(410), 1010);
        let fast = Session::from_response(response("u1", "aal1"), 1600).unwrap();
        assert_eq!(fast.server_now(1610), 1010);
    }

    #[test]
    fn rotation_never_goes_back() {
        let mut older = Session::from_response(response("u1", "aal1"), 0).unwrap();
        older.user.email = "mine@example.com".into();
        let mut newer = Session::from_response(response("u1", "aal1"), 0).unwrap();
        newer.claims.iat += 30;
        newer.refresh_token = "r2".into();
        // A stale tab writing its user keeps the rotated token another tab stored.
        let kept = rotation_safe(Some(newer.clone()), older.clone());
        assert_eq!(kept.refresh_token, "r2");
        assert_eq!(kept.user.email, "mine@example.com");
        // The newer copy wins over an older stored one; another session is simply replaced.
        assert_eq!(rotation_safe(Some(older.clone()), newer.clone()), newer);
        let mut other = newer.clone();
        other.claims.session_id = Some("s2".into());
        other.claims.iat = 0;
        assert_eq!(rotation_safe(Some(newer.clone()), other.clone()), other);
        assert_eq!(rotation_safe(None, older.clone()), older);
    }

    #[test]
    fn a_huge_expires_in_does_not_overflow() {
        let mut r = response("u1", "aal1");
        r.expires_in = i64::MAX;
        let s = Session::from_response(r, 1_700_000_000).unwrap();
        assert_eq!(s.expires_at, i64::MAX, "saturates");
        assert!(!s.expires_within(1_700_000_000, 90));
        let mut r = response("u1", "aal1");
        r.expires_in = 0;
        assert_eq!(Session::from_response(r, 10).unwrap().expires_at, 1010);
    }

    /// Tab A (user X) has a read in flight; tab B switches to user Y (or signs X in again);
    /// A's late answer must not write X's old session over B's.
    #[test]
    fn a_stale_tab_never_overwrites_another_users_or_a_newer_session() {
        let x = Session::from_response(response("u1", "aal1"), 0).unwrap();
        let mut x_later = x.clone();
        x_later.claims.iat += 30;
        x_later.refresh_token = "r2".into();
        let mut y = Session::from_response(response("u2", "aal1"), 0).unwrap();
        y.claims.session_id = Some("s9".into());
        // Another user's session in storage: take it over, write nothing.
        assert_eq!(
            continue_write(Some(y.clone()), Some(&x), x_later.clone()),
            Continue::Yield(y.clone())
        );
        // The same user signed in again meanwhile (a newer, different session).
        let mut x_again = x.clone();
        x_again.claims.session_id = Some("s2".into());
        x_again.claims.iat += 5;
        assert_eq!(
            continue_write(Some(x_again.clone()), Some(&x), x_later.clone()),
            Continue::Yield(x_again)
        );
        // An older other session of the same user, nothing stored, or our own session: write.
        let mut x_old = x.clone();
        x_old.claims.session_id = Some("s0".into());
        x_old.claims.iat -= 5;
        assert_eq!(
            continue_write(Some(x_old), Some(&x), x_later.clone()),
            Continue::Write(x_later.clone())
        );
        assert_eq!(continue_write(None, Some(&x), x.clone()), Continue::Write(x.clone()));
        assert_eq!(
            continue_write(Some(x.clone()), Some(&x), x_later.clone()),
            Continue::Write(x_later.clone())
        );
        // Our older copy never goes over a rotated one of the same session.
        let mut stale_user = x.clone();
        stale_user.user.email = "new@example.com".into();
        let Continue::Write(kept) = continue_write(Some(x_later.clone()), Some(&x), stale_user)
        else {
            panic!("same session")
        };
        assert_eq!(
            (kept.refresh_token.as_str(), kept.user.email.as_str()),
            ("r2", "new@example.com")
        );
    }

    #[test]
    fn second_factor_pending_is_not_signed_in() {
        let mut s = Session::from_response(response("u1", "aal1"), 0).unwrap();
        assert!(AuthState::from_session(s.clone()).is_signed_in());
        s.user.factors.push(crate::api::Factor {
            id: "f".into(),
            factor_type: "totp".into(),
            status: "verified".into(),
            ..Default::default()
        });
        let pending = AuthState::from_session(s.clone());
        assert!(matches!(pending, AuthState::SecondFactorPending(_)));
        assert!(!pending.is_signed_in());
        assert_eq!(pending.session(), Some(&s));
        let s2 = Session::from_response(response("u1", "aal2"), 0).unwrap();
        assert!(AuthState::from_session(s2).is_signed_in());
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
    fn lost_sessions_by_code() {
        for gone in [ErrorCode::BadJwt, ErrorCode::SessionNotFound, ErrorCode::UserNotFound] {
            assert!(session_gone(&auth_err(gone)));
        }
        for kept in
            [ErrorCode::ValidationFailed, ErrorCode::InsufficientAal, ErrorCode::WeakPassword]
        {
            assert!(!session_gone(&auth_err(kept)));
        }
        assert!(!session_gone(&ApiError::Transport("offline".into())));
    }

    #[test]
    fn delays() {
        assert_eq!(retry_delay_ms(0), 1000);
        assert_eq!(retry_delay_ms(3), 8000);
        assert_eq!(retry_delay_ms(40), 30_000);
        // An hour-long token: 90 s before it expires.
        assert_eq!(refresh_delay_ms(1000, 3600, 800_000.0, 90, 0.0), 110_000);
        assert_eq!(refresh_delay_ms(1000, 3600, 800_250.0, 90, 0.0), 109_750);
        assert_eq!(refresh_delay_ms(1000, 3600, 990_000.0, 90, 0.0), 0);
        assert_eq!(refresh_delay_ms(i64::MAX / 2000, 3600, 0.0, 0, 0.0), i32::MAX as u64);
        // A 30 s token refreshes at half its life, not at once.
        assert_eq!(refresh_delay_ms(1030, 30, 1_000_000.0, 90, 0.0), 15_000);
        // Already due, but refreshed a moment ago: wait for the gap.
        assert_eq!(refresh_delay_ms(1000, 30, 1_000_000.0, 90, 999_000.0), 4_000);
    }

    /// 30 s tokens for three minutes, however late the timer fires: about two refreshes per
    /// lifetime (the storm this prevents made 1,281 requests in 10 s).
    #[test]
    fn short_tokens_do_not_storm() {
        let lifetime = 30;
        let (mut now_ms, mut last_ms, mut expires_at, mut refreshes) = (0.0, f64::MIN, 30, 0);
        while now_ms < 180_000.0 {
            now_ms += refresh_delay_ms(expires_at, lifetime, now_ms, 90, last_ms) as f64 + 1.0;
            last_ms = now_ms;
            expires_at = (now_ms / 1000.0) as i64 + lifetime;
            refreshes += 1;
        }
        assert!((10..=14).contains(&refreshes), "{refreshes} refreshes in 3 minutes");
        // A clock far ahead of the token's expiry still waits for the gap between refreshes.
        let (mut now_ms, mut last_ms, mut count) = (1e12, f64::MIN, 0);
        while now_ms < 1e12 + 60_000.0 {
            now_ms += refresh_delay_ms(30, lifetime, now_ms, 90, last_ms) as f64;
            last_ms = now_ms;
            count += 1;
        }
        assert!(count <= 13, "{count} refreshes in a minute with an expired clock");
    }
}
