//! The reactive auth store: [`AuthStore`] (signals + commands), provided by [`AuthProvider`].
//!
//! Pure decisions live in [`state`], [`claims`] and [`aal`]; this module is the thin reactive
//! shell around them. Persistence ([`persist`]), timers and the cross-tab `storage` listener are
//! effects at its edge, and run only in the browser (never during server rendering).

pub mod aal;
pub mod claims;
pub mod lock;
pub mod persist;
pub mod state;
pub mod step_up;

use crate::api::{ApiError, Factor, GoTrue, LogoutScope, TokenResponse, User};
use crate::config::AuthConfig;
use crate::strings::Strings;
use aal::{Requirement, Verdict};
use claims::Aal;
use leptos::prelude::*;
use state::{classify_refresh_error, AuthState, RefreshFailure, Session};
use std::sync::Arc;

/// Something that happened to the session, for host apps (modelled on auth-js's events).
///
/// ```no_run
/// use leptos_supabase_auth::{use_auth, AuthEvent};
/// # fn f() {
/// use_auth().on_event(|event| match event {
///     AuthEvent::SignedOut => { /* drop the host's cached user data */ }
///     AuthEvent::MfaChallengeVerified => { /* the session is aal2 now */ }
///     _ => {}
/// });
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthEvent {
    /// A new session (sign-in, recovery code or link).
    SignedIn,
    /// The session ended (here or in another tab).
    SignedOut,
    /// The access token was refreshed.
    TokenRefreshed,
    /// The user changed (password, factors).
    UserUpdated,
    /// A recovery session began (code or link verified).
    PasswordRecovery,
    /// A second factor was verified: the session is now aal2.
    MfaChallengeVerified,
}

type Listener = Arc<dyn Fn(AuthEvent) + Send + Sync>;
type Navigate = Box<dyn Fn(&str)>;

/// The auth store: read its state through signals, change it through commands. `Copy`.
///
/// ```no_run
/// # use leptos::prelude::*;
/// use leptos_supabase_auth::use_auth;
/// # #[component] fn Badge() -> impl IntoView {
/// let auth = use_auth();
/// view! { <span>{move || auth.email().get().unwrap_or_default()}</span> }
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct AuthStore {
    config: StoredValue<AuthConfig>,
    state: RwSignal<AuthState>,
    listeners: StoredValue<Vec<Listener>>,
    epoch: StoredValue<u64>,
    timer: StoredValue<Option<TimeoutHandle>>,
    retries: StoredValue<u32>,
    navigate: StoredValue<Navigate, LocalStorage>,
}

impl AuthStore {
    /// A store for `config`, restored from storage when running in a browser.
    ///
    /// Hosts normally let [`AuthProvider`] create and provide the store; build one yourself only
    /// to provide it differently (e.g. in tests).
    ///
    /// ```
    /// use leptos_supabase_auth::{AuthConfig, AuthStore};
    /// # let owner = leptos::prelude::Owner::new();
    /// # owner.set();
    /// let config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key");
    /// let auth = AuthStore::new(config.with_base("/account"));
    /// assert_eq!(auth.config().base, "/account");
    /// assert!(auth.session_untracked().is_none());
    /// ```
    pub fn new(config: AuthConfig) -> Self {
        let restored = restore(&config);
        let store = AuthStore {
            config: StoredValue::new(config),
            state: RwSignal::new(restored),
            listeners: StoredValue::new(Vec::new()),
            epoch: StoredValue::new(0),
            timer: StoredValue::new(None),
            retries: StoredValue::new(0),
            navigate: StoredValue::new_local(Box::new(|_: &str| {})),
        };
        store.schedule_refresh();
        store
    }

    /// A copy of the configuration.
    ///
    /// ```
    /// use leptos_supabase_auth::{AuthConfig, AuthStore};
    /// # let owner = leptos::prelude::Owner::new();
    /// # owner.set();
    /// let config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key");
    /// let auth = AuthStore::new(config.with_after_sign_in("/dashboard"));
    /// assert_eq!(auth.config().after_sign_in, "/dashboard");
    /// assert_eq!(auth.config().otp_length, 6);
    /// ```
    pub fn config(&self) -> AuthConfig {
        self.config.get_value()
    }

    /// The configured strings.
    ///
    /// ```
    /// use leptos_supabase_auth::{AuthConfig, AuthStore, Strings};
    /// # let owner = leptos::prelude::Owner::new();
    /// # owner.set();
    /// static FR: Strings = Strings { sign_in_title: "Connexion", ..Strings::EN };
    /// let config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key");
    /// let auth = AuthStore::new(config.with_strings(&FR));
    /// assert_eq!(auth.strings().sign_in_title, "Connexion");
    /// ```
    pub fn strings(&self) -> &'static Strings {
        self.config.with_value(|c| c.strings)
    }

    /// A GoTrue client for the configured project.
    ///
    /// ```
    /// use leptos_supabase_auth::{AuthConfig, AuthStore};
    /// # let owner = leptos::prelude::Owner::new();
    /// # owner.set();
    /// let auth = AuthStore::new(AuthConfig::new("http://127.0.0.1:54321/auth/v1/", "anon-key"));
    /// assert_eq!(auth.api().base(), "http://127.0.0.1:54321/auth/v1");
    /// ```
    pub fn api(&self) -> GoTrue {
        self.config.with_value(|c| GoTrue::new(&c.gotrue_url, &c.anon_key))
    }

    /// The full path of an auth page under the configured base.
    ///
    /// ```
    /// use leptos_supabase_auth::{AuthConfig, AuthRoute, AuthStore};
    /// # let owner = leptos::prelude::Owner::new();
    /// # owner.set();
    /// let config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key");
    /// let auth = AuthStore::new(config.with_base("/account"));
    /// assert_eq!(auth.path(AuthRoute::Security), "/account/security");
    /// ```
    pub fn path(&self, route: crate::AuthRoute) -> String {
        self.config.with_value(|c| route.path(&c.base))
    }

    /// The state as a signal.
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// use leptos_supabase_auth::{session::state::AuthState, use_auth};
    /// # fn f() -> impl IntoView {
    /// let auth = use_auth();
    /// move || match auth.state().get() {
    ///     AuthState::Loading => "…".to_owned(),
    ///     AuthState::SignedOut => "Signed out".to_owned(),
    ///     AuthState::SignedIn(session) => format!("Hello {}", session.user.email),
    /// }
    /// # }
    /// ```
    pub fn state(&self) -> Signal<AuthState> {
        self.state.into()
    }

    /// `true` while storage has not been read yet (or on the server).
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::use_auth;
    /// # fn f() -> impl IntoView {
    /// let auth = use_auth();
    /// // Render nothing session-dependent until the browser has read storage.
    /// view! { <Show when=move || !auth.is_loading().get()>"ready"</Show> }
    /// # }
    /// ```
    pub fn is_loading(&self) -> Signal<bool> {
        let state = self.state;
        Signal::derive(move || state.with(|s| matches!(s, AuthState::Loading)))
    }

    /// Whether there is a session.
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::{use_auth, AuthRoute};
    /// # fn f() -> impl IntoView {
    /// let auth = use_auth();
    /// let sign_in = auth.path(AuthRoute::SignIn);
    /// view! {
    ///     <Show when=move || auth.is_signed_in().get() fallback=move || view! {
    ///         <a href=sign_in.clone()>"Sign in"</a>
    ///     }>"Welcome back"</Show>
    /// }
    /// # }
    /// ```
    pub fn is_signed_in(&self) -> Signal<bool> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.session().is_some()))
    }

    /// The signed-in user.
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::use_auth;
    /// # fn f() -> impl IntoView {
    /// let auth = use_auth();
    /// let user_id = move || auth.user().get().map(|u| u.id);
    /// view! { <span>"User: " {user_id}</span> }
    /// # }
    /// ```
    pub fn user(&self) -> Signal<Option<User>> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.session().map(|s| s.user.clone())))
    }

    /// The signed-in user's email.
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::{otp::mask_email, use_auth};
    /// # fn f() -> impl IntoView {
    /// let auth = use_auth();
    /// view! { <p>"Signed in as " {move || auth.email().get().map(|e| mask_email(&e))}</p> }
    /// # }
    /// ```
    pub fn email(&self) -> Signal<Option<String>> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.session().map(|s| s.user.email.clone())))
    }

    /// The user's factors (verified or not).
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::use_auth;
    /// # fn f() -> impl IntoView {
    /// let auth = use_auth();
    /// let verified = move || auth.factors().get().iter().filter(|f| f.is_verified()).count();
    /// view! { <p>{verified} " second factor(s)"</p> }
    /// # }
    /// ```
    pub fn factors(&self) -> Signal<Vec<Factor>> {
        let state = self.state;
        Signal::derive(move || {
            state.with(|s| s.session().map(|s| s.user.factors.clone()).unwrap_or_default())
        })
    }

    /// The session's assurance level (`aal` claim).
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::{use_auth, Aal};
    /// # fn f() -> impl IntoView {
    /// let auth = use_auth();
    /// let mfa_badge = move || (auth.current_aal().get() == Some(Aal::Aal2)).then_some("MFA ✓");
    /// view! { <span>{mfa_badge}</span> }
    /// # }
    /// ```
    pub fn current_aal(&self) -> Signal<Option<Aal>> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.session().map(Session::current_level)))
    }

    /// The highest level the user can reach (`aal2` with a verified factor).
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::use_auth;
    /// # fn f() -> impl IntoView {
    /// let auth = use_auth();
    /// // aal1 with a verified factor: the user still has to verify it.
    /// let must_verify = move || auth.current_aal().get() < auth.next_aal().get();
    /// view! { <Show when=must_verify>"Verify your second factor"</Show> }
    /// # }
    /// ```
    pub fn next_aal(&self) -> Signal<Option<Aal>> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.session().map(Session::next_level)))
    }

    /// The current session, read without tracking.
    ///
    /// ```
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::{AuthConfig, AuthEvent, AuthStore};
    /// # let owner = Owner::new();
    /// # owner.set();
    /// # let auth = AuthStore::new(AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon"));
    /// # // An aal1 sign-in of a user with a verified TOTP factor.
    /// # let totp = Factor { status: "verified".into(), ..Factor::default() };
    /// # let user = User { id: "u1".into(), email: "jane@example.com".into(), factors: vec![totp],
    /// #     ..User::default() };
    /// # let jwt = format!("h.{}.s", base64url(br#"{"sub": "u1", "aal": "aal1"}"#));
    /// # let resp = TokenResponse { access_token: jwt, refresh_token: "r1".into(),
    /// #     expires_in: 3600, expires_at: None, user };
    /// assert!(auth.session_untracked().is_none());
    /// auth.set_session(resp, AuthEvent::SignedIn)?;
    /// let session = auth.session_untracked().expect("signed in");
    /// assert_eq!((session.refresh_token.as_str(), session.claims.sub.as_str()), ("r1", "u1"));
    /// # Ok::<(), leptos_supabase_auth::api::ApiError>(())
    /// ```
    pub fn session_untracked(&self) -> Option<Session> {
        self.state.with_untracked(|s| s.session().cloned())
    }

    /// Calls `listener` for every future [`AuthEvent`].
    ///
    /// ```
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::{AuthConfig, AuthEvent, AuthStore};
    /// # let owner = Owner::new();
    /// # owner.set();
    /// # let auth = AuthStore::new(AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon"));
    /// # // An aal1 sign-in of a user with a verified TOTP factor.
    /// # let totp = Factor { status: "verified".into(), ..Factor::default() };
    /// # let user = User { id: "u1".into(), email: "jane@example.com".into(), factors: vec![totp],
    /// #     ..User::default() };
    /// # let jwt = format!("h.{}.s", base64url(br#"{"sub": "u1", "aal": "aal1"}"#));
    /// # let resp = TokenResponse { access_token: jwt, refresh_token: "r1".into(),
    /// #     expires_in: 3600, expires_at: None, user };
    /// let events = RwSignal::new(Vec::new());
    /// auth.on_event(move |e| events.update(|v| v.push(e)));
    /// auth.set_session(resp, AuthEvent::SignedIn)?;
    /// auth.clear_session();
    /// assert_eq!(events.get_untracked(), [AuthEvent::SignedIn, AuthEvent::SignedOut]);
    /// # Ok::<(), leptos_supabase_auth::api::ApiError>(())
    /// ```
    pub fn on_event(&self, listener: impl Fn(AuthEvent) + Send + Sync + 'static) {
        self.listeners.update_value(|l| l.push(Arc::new(listener)));
    }

    fn emit(&self, event: AuthEvent) {
        for l in self.listeners.get_value() {
            l(event);
        }
    }

    fn storage_key(&self) -> String {
        self.config.with_value(|c| c.storage_key.clone())
    }

    /// Adopts a token response as the session and emits `event`.
    ///
    /// ```
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::{AuthConfig, AuthEvent, AuthStore};
    /// # let owner = Owner::new();
    /// # owner.set();
    /// # let auth = AuthStore::new(AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon"));
    /// # // An aal1 sign-in of a user with a verified TOTP factor.
    /// # let totp = Factor { status: "verified".into(), ..Factor::default() };
    /// # let user = User { id: "u1".into(), email: "jane@example.com".into(), factors: vec![totp],
    /// #     ..User::default() };
    /// # let jwt = format!("h.{}.s", base64url(br#"{"sub": "u1", "aal": "aal1"}"#));
    /// # let resp = TokenResponse { access_token: jwt, refresh_token: "r1".into(),
    /// #     expires_in: 3600, expires_at: None, user };
    /// let opaque = TokenResponse { access_token: "not-a-jwt".into(), ..resp.clone() };
    /// assert!(auth.set_session(opaque, AuthEvent::SignedIn).is_err()); // nothing adopted
    /// assert!(!auth.is_signed_in().get_untracked());
    /// // `resp` came from e.g. `GoTrue::verify_email_code` (a recovery code).
    /// auth.set_session(resp, AuthEvent::PasswordRecovery)?;
    /// assert!(auth.is_signed_in().get_untracked());
    /// assert_eq!(auth.email().get_untracked().as_deref(), Some("jane@example.com"));
    /// # Ok::<(), leptos_supabase_auth::api::ApiError>(())
    /// ```
    pub fn set_session(&self, resp: TokenResponse, event: AuthEvent) -> Result<(), ApiError> {
        let session = Session::from_response(resp, persist::now())?;
        persist::save(&self.storage_key(), &session.to_persisted());
        if event != AuthEvent::TokenRefreshed {
            self.epoch.update_value(|e| *e += 1);
        }
        self.state.set(AuthState::SignedIn(session));
        self.schedule_refresh();
        self.emit(event);
        Ok(())
    }

    /// Replaces the user of the current session (after `PUT /user` or `GET /user`).
    ///
    /// ```
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::{AuthConfig, AuthEvent, AuthStore};
    /// # let owner = Owner::new();
    /// # owner.set();
    /// # let auth = AuthStore::new(AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon"));
    /// # // An aal1 sign-in of a user with a verified TOTP factor.
    /// # let totp = Factor { status: "verified".into(), ..Factor::default() };
    /// # let user = User { id: "u1".into(), email: "jane@example.com".into(), factors: vec![totp],
    /// #     ..User::default() };
    /// # let jwt = format!("h.{}.s", base64url(br#"{"sub": "u1", "aal": "aal1"}"#));
    /// # let resp = TokenResponse { access_token: jwt, refresh_token: "r1".into(),
    /// #     expires_in: 3600, expires_at: None, user };
    /// auth.set_session(resp.clone(), AuthEvent::SignedIn)?;
    /// // After `PUT /user` or `GET /user` answered the user without factors:
    /// auth.set_user(User { factors: vec![], ..resp.user.clone() });
    /// assert!(auth.factors().get_untracked().is_empty());
    /// auth.set_user(User { id: "someone-else".into(), ..resp.user }); // ignored
    /// assert_eq!(auth.user().get_untracked().map(|u| u.id).as_deref(), Some("u1"));
    /// # Ok::<(), leptos_supabase_auth::api::ApiError>(())
    /// ```
    pub fn set_user(&self, user: User) {
        let mut changed = None;
        self.state.update(|s| {
            if let AuthState::SignedIn(session) = s {
                if session.user.id == user.id {
                    session.user = user;
                    changed = Some(session.to_persisted());
                }
            }
        });
        if let Some(p) = changed {
            persist::save(&self.storage_key(), &p);
            self.emit(AuthEvent::UserUpdated);
        }
    }

    /// Forgets the session locally (storage too) and emits `SignedOut`.
    ///
    /// No request is made: the refresh token stays valid on the server. To end the session
    /// there as well, use [`Self::sign_out`].
    ///
    /// ```
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::{AuthConfig, AuthEvent, AuthStore};
    /// # let owner = Owner::new();
    /// # owner.set();
    /// # let auth = AuthStore::new(AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon"));
    /// # // An aal1 sign-in of a user with a verified TOTP factor.
    /// # let totp = Factor { status: "verified".into(), ..Factor::default() };
    /// # let user = User { id: "u1".into(), email: "jane@example.com".into(), factors: vec![totp],
    /// #     ..User::default() };
    /// # let jwt = format!("h.{}.s", base64url(br#"{"sub": "u1", "aal": "aal1"}"#));
    /// # let resp = TokenResponse { access_token: jwt, refresh_token: "r1".into(),
    /// #     expires_in: 3600, expires_at: None, user };
    /// auth.set_session(resp, AuthEvent::SignedIn)?;
    /// auth.clear_session();
    /// assert!(!auth.is_signed_in().get_untracked());
    /// assert!(auth.session_untracked().is_none());
    /// # Ok::<(), leptos_supabase_auth::api::ApiError>(())
    /// ```
    pub fn clear_session(&self) {
        persist::clear(&self.storage_key());
        self.end_locally();
    }

    fn end_locally(&self) {
        self.epoch.update_value(|e| *e += 1);
        if let Some(t) = self.timer.get_value() {
            t.clear();
        }
        let was_signed_in = self.state.with_untracked(|s| s.session().is_some());
        self.state.set(AuthState::SignedOut);
        if was_signed_in {
            self.emit(AuthEvent::SignedOut);
        }
    }

    /// Signs in with email and password; the session is aal1 (check [`Self::next_aal`]).
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::{api::ApiError, use_auth};
    /// # async fn example() -> Result<(), ApiError> {
    /// let auth = use_auth();
    /// auth.sign_in_password("jane@example.com", "correct horse").await?;
    /// if auth.current_aal().get_untracked() < auth.next_aal().get_untracked() {
    ///     // The user has a verified factor: continue with the MFA page.
    ///     auth.navigate(&auth.path(leptos_supabase_auth::AuthRoute::Mfa));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_password(&self, email: &str, password: &str) -> Result<(), ApiError> {
        let resp = self.api().sign_in_password(email, password).await?;
        self.set_session(resp, AuthEvent::SignedIn)
    }

    /// Signs out with `scope`. For this device and everywhere the local session ends even if
    /// the server already forgot it; for `Others` it stays.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::{api::ApiError, use_auth};
    /// # async fn example() -> Result<(), ApiError> {
    /// let auth = use_auth();
    /// use leptos_supabase_auth::LogoutScope;
    /// auth.sign_out(LogoutScope::Others).await?; // "sign out of other devices": we stay in
    /// auth.sign_out(LogoutScope::Local).await?; // now this device too
    /// auth.navigate(&auth.config().after_sign_out);
    /// # Ok(()) }
    /// ```
    pub async fn sign_out(&self, scope: LogoutScope) -> Result<(), ApiError> {
        let Some(session) = self.session_untracked() else {
            return Ok(());
        };
        let result = self.api().logout(&session.access_token, scope).await;
        let server_forgot =
            matches!(&result, Err(ApiError::Auth(e)) if matches!(e.status, 401 | 403 | 404));
        if scope != LogoutScope::Others && (result.is_ok() || server_forgot) {
            self.clear_session();
            return Ok(());
        }
        result
    }

    /// A valid access token, refreshing first when it is about to expire.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::{api::ApiError, use_auth};
    /// # async fn example() -> Result<(), ApiError> {
    /// let auth = use_auth();
    /// // Call the host's own API (e.g. PostgREST) as the signed-in user.
    /// let bearer = format!("Bearer {}", auth.access_token().await?);
    /// # let _ = bearer;
    /// # Ok(()) }
    /// ```
    pub async fn access_token(&self) -> Result<String, ApiError> {
        let session = self.session_untracked().ok_or_else(not_signed_in)?;
        if session.expires_within(persist::now(), 10) {
            self.refresh().await?;
        }
        self.session_untracked().map(|s| s.access_token).ok_or_else(not_signed_in)
    }

    /// Reloads the user (factors) from `GET /user`.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::{api::ApiError, use_auth};
    /// # async fn example() -> Result<(), ApiError> {
    /// let auth = use_auth();
    /// // After enrolling a factor elsewhere (e.g. the Supabase dashboard):
    /// let user = auth.reload_user().await?;
    /// println!("{} verified factor(s)", user.verified_factors().count());
    /// # Ok(()) }
    /// ```
    pub async fn reload_user(&self) -> Result<User, ApiError> {
        let token = self.access_token().await?;
        let user = self.api().get_user(&token).await?;
        self.set_user(user.clone());
        Ok(user)
    }

    /// Refreshes the tokens once across all tabs (single flight). A rotated token is never used
    /// twice: inside the cross-tab lock the stored session is re-read first, and adopted if
    /// another tab already refreshed it.
    ///
    /// The store already refreshes on a timer shortly before expiry; call this after a change
    /// that only shows in new tokens (e.g. the server changed the user's role).
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::{api::ApiError, use_auth};
    /// # async fn example() -> Result<(), ApiError> {
    /// let auth = use_auth();
    /// auth.refresh().await?;
    /// let session = auth.session_untracked().expect("still signed in");
    /// println!("role is now {}", session.claims.role);
    /// # Ok(()) }
    /// ```
    pub async fn refresh(&self) -> Result<(), ApiError> {
        let store = *self;
        let key = self.storage_key();
        let lock_name = [key.as_str(), ".refresh"].concat();
        let result =
            lock::with_lock(&lock_name, move || async move { store.refresh_locked().await }).await;
        result.unwrap_or_else(|| Err(ApiError::Transport("lock unavailable".into())))
    }

    async fn refresh_locked(&self) -> Result<(), ApiError> {
        let Some(current) = self.session_untracked() else {
            return Ok(());
        };
        let key = self.storage_key();
        match load_session(&key) {
            None => {
                // Signed out in another tab while we waited.
                self.end_locally();
                return Ok(());
            }
            Some(stored) if stored.refresh_token != current.refresh_token => {
                self.adopt(stored);
                return Ok(());
            }
            Some(_) => {}
        }
        let epoch = self.epoch.get_value();
        match self.api().refresh(&current.refresh_token).await {
            Ok(resp) => {
                let still_same = self.epoch.get_value() == epoch
                    && self
                        .session_untracked()
                        .is_some_and(|s| s.refresh_token == current.refresh_token);
                if still_same {
                    self.retries.set_value(0);
                    self.set_session(resp, AuthEvent::TokenRefreshed)?;
                }
                Ok(())
            }
            Err(err) => {
                if self.epoch.get_value() == epoch {
                    match classify_refresh_error(&err) {
                        RefreshFailure::SignOut => self.clear_session(),
                        RefreshFailure::Retry => self.schedule_retry(),
                    }
                }
                Err(err)
            }
        }
    }

    /// Takes a session written by another tab (cross-tab sync).
    fn adopt(&self, session: Session) {
        let before = self.session_untracked();
        let event = match &before {
            Some(b) if b.claims.session_id == session.claims.session_id => {
                AuthEvent::TokenRefreshed
            }
            _ => AuthEvent::SignedIn,
        };
        if event == AuthEvent::SignedIn {
            self.epoch.update_value(|e| *e += 1);
        }
        self.state.set(AuthState::SignedIn(session));
        self.schedule_refresh();
        self.emit(event);
    }

    /// Reacts to a change of the storage key made by another tab.
    ///
    /// [`AuthProvider`] already calls it on every `storage` event for the key. A host that built
    /// its own store with [`AuthStore::new`] wires it up itself:
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::AuthStore;
    /// # fn f(auth: AuthStore) {
    /// let key = auth.config().storage_key;
    /// let handle = window_event_listener(leptos::ev::storage, move |e| {
    ///     if e.key().is_none_or(|k| k == key) {
    ///         auth.sync_from_storage();
    ///     }
    /// });
    /// on_cleanup(move || handle.remove());
    /// # }
    /// ```
    pub fn sync_from_storage(&self) {
        match load_session(&self.storage_key()) {
            Some(stored) => {
                if self.session_untracked().as_ref() != Some(&stored) {
                    self.adopt(stored);
                }
            }
            None => self.end_locally(),
        }
    }

    fn schedule_refresh(&self) {
        #[cfg(target_arch = "wasm32")]
        {
            if let Some(t) = self.timer.get_value() {
                t.clear();
            }
            let Some(session) = self.session_untracked() else { return };
            let margin = self.config.with_value(|c| c.refresh_margin_secs);
            // Milliseconds to an absolute instant, so every tab holding this session fires at
            // the same moment; the cross-tab lock then lets exactly one of them refresh.
            let ms = state::refresh_delay_ms(session.expires_at, js_sys::Date::now(), margin);
            let store = *self;
            let handle = set_timeout_with_handle(
                move || {
                    leptos::task::spawn_local(async move {
                        let _ = store.refresh().await;
                    })
                },
                std::time::Duration::from_millis(ms),
            );
            self.timer.set_value(handle.ok());
        }
    }

    /// After a transient refresh failure: try again with backoff (1 s, 2 s, 4 s … 30 s). The
    /// session is kept; if the access token expires meanwhile, calls fail until a retry works.
    fn schedule_retry(&self) {
        #[cfg(target_arch = "wasm32")]
        {
            let attempt = self.retries.get_value();
            self.retries.set_value(attempt.saturating_add(1));
            let store = *self;
            let handle = set_timeout_with_handle(
                move || {
                    leptos::task::spawn_local(async move {
                        let _ = store.refresh().await;
                    })
                },
                std::time::Duration::from_millis(state::retry_delay_ms(attempt) as u64),
            );
            if let Some(t) = self.timer.get_value() {
                t.clear();
            }
            self.timer.set_value(handle.ok());
        }
    }

    /// Whether the session meets `req` now (untracked).
    ///
    /// ```
    /// # use leptos::prelude::*;
    /// # use leptos_supabase_auth::api::{pkce::base64url, Factor, TokenResponse, User};
    /// # use leptos_supabase_auth::{AuthConfig, AuthEvent, Requirement, AuthStore};
    /// # let owner = Owner::new();
    /// # owner.set();
    /// # let auth = AuthStore::new(AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon"));
    /// # // An aal1 sign-in of a user with a verified TOTP factor.
    /// # let totp = Factor { status: "verified".into(), ..Factor::default() };
    /// # let user = User { id: "u1".into(), email: "jane@example.com".into(), factors: vec![totp],
    /// #     ..User::default() };
    /// # let jwt = format!("h.{}.s", base64url(br#"{"sub": "u1", "aal": "aal1"}"#));
    /// # let resp = TokenResponse { access_token: jwt, refresh_token: "r1".into(),
    /// #     expires_in: 3600, expires_at: None, user };
    /// assert!(!auth.satisfies(&Requirement::ANY)); // signed out
    /// auth.set_session(resp, AuthEvent::SignedIn)?; // aal1, with a verified factor
    /// assert!(auth.satisfies(&Requirement::ANY));
    /// assert!(!auth.satisfies(&Requirement::AAL2)); // needs a step-up first
    /// # Ok::<(), leptos_supabase_auth::api::ApiError>(())
    /// ```
    pub fn satisfies(&self, req: &Requirement) -> bool {
        self.session_untracked().is_some_and(|s| {
            aal::check(req, &s.claims, s.user.has_verified_factor(), persist::now()) == Verdict::Met
        })
    }

    /// Navigates (client-side) to `path`.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::{use_auth, AuthRoute};
    /// # fn f() {
    /// let auth = use_auth();
    /// auth.navigate(&auth.path(AuthRoute::Security));
    /// # }
    /// ```
    pub fn navigate(&self, path: &str) {
        self.navigate.with_value(|n| n(path));
    }

    /// Runs `action` now if the session meets `req`; otherwise records the action as pending
    /// (id `id`, returning to the current page) and sends the user to the step-up page. Returns
    /// whether the action ran. Pair it with [`Self::resume`] on the page that owns the action.
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// use leptos_supabase_auth::{use_auth, Requirement};
    /// # fn f() -> impl IntoView {
    /// let auth = use_auth();
    /// let req = Requirement::within_minutes(5);
    /// let export = move || { /* the sensitive action */ };
    /// // Back on this page after the step-up, the action runs by itself:
    /// if auth.resume("export-data", &req) {
    ///     export();
    /// }
    /// let on_click = move |_| {
    ///     auth.guard("export-data", &req, export);
    /// };
    /// view! { <button on:click=on_click>"Export"</button> }
    /// # }
    /// ```
    pub fn guard(&self, id: &str, req: &Requirement, action: impl FnOnce()) -> bool {
        if self.satisfies(req) {
            action();
            true
        } else {
            self.step_up(id);
            false
        }
    }

    /// Records `id` as pending and sends the user to `{base}/mfa?next=<current page>`. Used by
    /// [`Self::guard`] and after a late `insufficient_aal` from the server.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, ErrorCode, UserUpdate};
    /// # use leptos_supabase_auth::use_auth;
    /// # async fn example(update: UserUpdate) -> Result<(), ApiError> {
    /// let auth = use_auth();
    /// let token = auth.access_token().await?;
    /// match auth.api().update_user(&token, &update).await {
    ///     // The server wants aal2 after all: verify a factor, then come back to this page.
    ///     Err(e) if e.is(&ErrorCode::InsufficientAal) => auth.step_up("change-password"),
    ///     other => auth.set_user(other?),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn step_up(&self, id: &str) {
        let here = crate::components::browser::current_path();
        step_up::set(&step_up::Pending { id: id.into(), return_to: here.clone() });
        let target =
            self.config.with_value(|c| crate::AuthRoute::Mfa.path_with_next(&c.base, &here));
        self.navigate(&target);
    }

    /// If the action `id` was pending a step-up and the session now meets `req`, forgets it and
    /// returns `true`: the caller runs the action again, without the user pressing anything.
    ///
    /// ```no_run
    /// # use leptos::prelude::*;
    /// use leptos_supabase_auth::{use_auth, Requirement};
    /// # fn f() {
    /// let auth = use_auth();
    /// // On the page that owns the "delete-account" action, once the session is known:
    /// Effect::new(move |_| {
    ///     if auth.is_signed_in().get() && auth.resume("delete-account", &Requirement::AAL2) {
    ///         // run the deletion again; the user already confirmed it before the step-up
    ///     }
    /// });
    /// # }
    /// ```
    pub fn resume(&self, id: &str, req: &Requirement) -> bool {
        self.satisfies(req) && step_up::peek().is_some_and(|p| p.id == id) && step_up::take(id)
    }
}

fn not_signed_in() -> ApiError {
    ApiError::Auth(crate::api::AuthError {
        code: crate::api::ErrorCode::SessionNotFound,
        message: String::new(),
        status: 401,
        weak_reasons: Vec::new(),
        retry_after_secs: None,
    })
}

/// The stored session, if valid. A value that parses but is inconsistent (old version, not a
/// JWT, user not matching `sub`) is removed like a corrupt one: it will never become valid.
fn load_session(key: &str) -> Option<Session> {
    let session = persist::load(key).and_then(Session::from_persisted);
    if session.is_none() {
        persist::clear(key);
    }
    session
}

fn restore(config: &AuthConfig) -> AuthState {
    if cfg!(all(target_arch = "wasm32", not(feature = "ssr"), not(feature = "hydrate"))) {
        load_session(&config.storage_key).map_or(AuthState::SignedOut, AuthState::SignedIn)
    } else {
        AuthState::Loading
    }
}

/// Provides the [`AuthStore`] to its children. Place it inside the host's `<Router>`.
///
/// ```no_run
/// # use leptos::prelude::*;
/// # use leptos_router::components::Router;
/// use leptos_supabase_auth::{AuthConfig, AuthProvider};
/// # fn app() -> impl IntoView {
/// view! {
///     <Router>
///         <AuthProvider config=AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon")>
///             <p>"the host's routes"</p>
///         </AuthProvider>
///     </Router>
/// }
/// # }
/// ```
#[component]
pub fn AuthProvider(
    /// The configuration (GoTrue URL, anon key, base path, policy, strings).
    config: AuthConfig,
    /// The host's content (its `<Routes>` with [`crate::AuthRoutes`] inside).
    children: Children,
) -> impl IntoView {
    let store = AuthStore::new(config);
    let navigate = leptos_router::hooks::use_navigate();
    store.navigate.set_value(Box::new(move |p: &str| navigate(p, Default::default())));
    provide_context(store);
    Effect::new(move |_| {
        // Hydrating or SSR-first hosts read storage only once the browser runs.
        if store.state.with_untracked(|s| matches!(s, AuthState::Loading)) {
            store.sync_from_storage();
        }
    });
    #[cfg(target_arch = "wasm32")]
    {
        let key = store.storage_key();
        let handle = window_event_listener(leptos::ev::storage, move |e| {
            if e.key().as_deref() == Some(key.as_str()) || e.key().is_none() {
                store.sync_from_storage();
            }
        });
        on_cleanup(move || handle.remove());
    }
    children()
}

/// The [`AuthStore`] from context. Panics outside [`AuthProvider`]; see [`try_use_auth`].
///
/// ```
/// use leptos::prelude::*;
/// use leptos_supabase_auth::{use_auth, AuthConfig, AuthStore};
/// # let owner = Owner::new();
/// # owner.set();
/// // What <AuthProvider> does:
/// provide_context(AuthStore::new(AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon")));
/// // Anywhere below it:
/// let auth = use_auth();
/// assert_eq!(auth.config().base, "/auth");
/// ```
pub fn use_auth() -> AuthStore {
    try_use_auth().expect("use_auth() needs an <AuthProvider> above it")
}

/// The [`AuthStore`] from context, or `None` outside [`AuthProvider`].
///
/// ```
/// use leptos::prelude::*;
/// use leptos_supabase_auth::{try_use_auth, AuthConfig, AuthStore};
/// # let owner = Owner::new();
/// # owner.set();
/// assert!(try_use_auth().is_none()); // e.g. a component also used outside the auth section
/// provide_context(AuthStore::new(AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon")));
/// assert!(try_use_auth().is_some());
/// ```
pub fn try_use_auth() -> Option<AuthStore> {
    use_context::<AuthStore>()
}
