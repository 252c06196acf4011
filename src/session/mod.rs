//! The auth store: the one way in to the session. Screens and hosts read its signals and call
//! its commands (`commands.rs`); only the store talks to the GoTrue client and changes the
//! session, here, through [`AuthStore::adopt_response`], [`AuthStore::set_user`] and
//! [`AuthStore::clear_session`].

pub mod aal;
pub mod claims;
mod commands;
pub mod lock;
pub mod persist;
pub mod state;
pub mod step_up;
mod webauthn;

use crate::api::{ApiError, Factor, GoTrue, TokenResponse, User};
use crate::config::AuthConfig;
use crate::strings::Strings;
use aal::{Requirement, Verdict};
use claims::Aal;
use leptos::prelude::*;
use state::{classify_refresh_error, AuthState, RefreshFailure, Session};
use std::sync::Arc;

pub use step_up::Resume;

/// What happened to the session, for [`AuthStore::on_event`] listeners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthEvent {
    /// A new session (password, link, another tab).
    SignedIn,
    /// The session ended (here or in another tab).
    SignedOut,
    /// The same session with new tokens.
    TokenRefreshed,
    /// The user (factors, email) was read again or changed.
    UserUpdated,
    /// A recovery session from an emailed code or link.
    PasswordRecovery,
    /// A second factor was verified: the session is at `aal2`.
    MfaChallengeVerified,
}

type Listener = Arc<dyn Fn(AuthEvent) + Send + Sync>;
/// Goes to a path: `(path, replace)`.
type Go = Box<dyn Fn(&str, bool)>;

/// The router the store moves with: the host's `leptos_router` ([`AuthProvider`]) or the
/// standalone app's own.
pub(crate) struct Nav {
    /// Goes to a path: `(path, replace)` (replace: no new history entry).
    pub go: Go,
    /// The current path with query and fragment, e.g. `/billing?tab=1`.
    pub here: Box<dyn Fn() -> String>,
    /// The current query (`?next=..`), tracked: it follows navigation.
    pub search: Signal<String>,
}

/// How long one GoTrue request may take before it counts as a network failure.
const REQUEST_TIMEOUT_MS: i32 = 15_000;

/// The reactive auth store; get it with [`use_auth`]. Cheap to copy.
#[derive(Clone, Copy)]
pub struct AuthStore {
    config: StoredValue<AuthConfig>,
    state: RwSignal<AuthState>,
    listeners: StoredValue<Vec<Listener>>,
    /// Bumped on every new session or sign-out: late answers for an older one are dropped.
    epoch: StoredValue<u64>,
    timer: StoredValue<Option<TimeoutHandle>>,
    retries: StoredValue<u32>,
    /// Local time (ms) of the last refresh this tab started or adopted.
    last_refresh_ms: StoredValue<f64>,
    /// Bumped on every state change: a user read that started before one is dropped.
    changes: StoredValue<u64>,
    nav: StoredValue<Nav, LocalStorage>,
    /// Whether the server has passkeys on, once asked (`GET /settings`).
    passkeys_on: StoredValue<Option<bool>>,
    /// The texts of the language shown; `None` while its locale file loads.
    language: RwSignal<Option<&'static Strings>>,
}

impl AuthStore {
    /// A store for `config`, restored from storage in the browser.
    pub fn new(config: AuthConfig) -> Self {
        let restored = restore(&config);
        let store = AuthStore {
            config: StoredValue::new(config),
            state: RwSignal::new(restored),
            listeners: StoredValue::new(Vec::new()),
            epoch: StoredValue::new(0),
            timer: StoredValue::new(None),
            retries: StoredValue::new(0),
            last_refresh_ms: StoredValue::new(f64::MIN),
            changes: StoredValue::new(0),
            nav: StoredValue::new_local(Nav {
                go: Box::new(|_, _| {}),
                here: Box::new(crate::components::browser::current_path),
                search: Signal::stored(String::new()),
            }),
            passkeys_on: StoredValue::new(None),
            language: RwSignal::new(None),
        };
        crate::i18n::choose(store.config.get_value(), store.language);
        store.schedule_refresh();
        store
    }

    /// The configuration the store was made with.
    pub fn config(&self) -> AuthConfig {
        self.config.get_value()
    }

    /// The user-facing texts, in the language shown (English until its table has loaded).
    pub fn strings(&self) -> &'static Strings {
        self.language.get_untracked().unwrap_or_else(|| self.config.with_value(|c| c.strings))
    }

    /// The texts of the language shown, reactive; `None` while they load (the section waits).
    pub(crate) fn language(&self) -> Option<&'static Strings> {
        self.language.get()
    }

    fn api(&self) -> GoTrue {
        self.config.with_value(|c| GoTrue::new(&c.gotrue_url, &c.anon_key))
    }

    /// The path of an auth page under the configured base.
    pub fn path(&self, route: crate::AuthRoute) -> String {
        self.config.with_value(|c| route.path(&c.base))
    }

    /// The whole state, reactive.
    pub fn state(&self) -> Signal<AuthState> {
        self.state.into()
    }

    /// Whether the store has not read the session yet (server rendering, before hydration).
    pub fn is_loading(&self) -> Signal<bool> {
        let state = self.state;
        Signal::derive(move || state.with(|s| matches!(s, AuthState::Loading)))
    }

    /// Whether someone is fully signed in: a user with a verified factor counts only once this
    /// session has used it ([`AuthState::SecondFactorPending`] is not signed in).
    pub fn is_signed_in(&self) -> Signal<bool> {
        let state = self.state;
        Signal::derive(move || state.with(AuthState::is_signed_in))
    }

    /// The user of the session (also while the second factor is pending).
    pub fn user(&self) -> Signal<Option<User>> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.session().map(|s| s.user.clone())))
    }

    /// The user's email.
    pub fn email(&self) -> Signal<Option<String>> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.session().map(|s| s.user.email.clone())))
    }

    /// The user's factors, verified or not.
    pub fn factors(&self) -> Signal<Vec<Factor>> {
        let state = self.state;
        Signal::derive(move || {
            state.with(|s| s.session().map(|s| s.user.factors.clone()).unwrap_or_default())
        })
    }

    /// The session's level (the token's `aal`).
    pub fn current_aal(&self) -> Signal<Option<Aal>> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.session().map(Session::current_level)))
    }

    /// The level the user can reach.
    pub fn next_aal(&self) -> Signal<Option<Aal>> {
        let state = self.state;
        Signal::derive(move || state.with(|s| s.session().map(Session::next_level)))
    }

    /// The session now, without tracking.
    pub fn session_untracked(&self) -> Option<Session> {
        self.state.with_untracked(|s| s.session().cloned())
    }

    /// Whether the sessions will survive a reload (false when the browser blocks storage: the
    /// store then keeps the session for this tab only).
    pub fn storage_persists(&self) -> bool {
        crate::storage::persistent()
    }

    /// Calls `listener` on every [`AuthEvent`].
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

    /// Adopts the session of a token response.
    fn adopt_response(&self, resp: TokenResponse, event: AuthEvent) -> Result<(), ApiError> {
        let session = Session::from_response(resp, persist::now())?;
        self.write(session, event);
        Ok(())
    }

    /// Stores `session` (never over a newer copy of the same session) and makes it the state.
    fn write(&self, session: Session, event: AuthEvent) {
        let key = self.storage_key();
        let session = state::rotation_safe(persist::load(&key), session);
        persist::save(&key, &session);
        if event == AuthEvent::TokenRefreshed {
            self.last_refresh_ms.set_value(persist::now_ms());
        } else {
            self.epoch.update_value(|e| *e += 1);
        }
        self.set_state(AuthState::from_session(session));
        self.schedule_refresh();
        self.emit(event);
    }

    fn set_state(&self, next: AuthState) {
        self.forget_foreign_step_up(&next);
        self.changes.update_value(|c| *c += 1);
        self.state.set(next);
    }

    /// Replaces the user of the current session (same user id only), rotation-safe: the tokens
    /// written are the newest this tab or storage has.
    fn set_user(&self, user: User) {
        let Some(mut session) = self.session_untracked() else { return };
        if session.user.id != user.id {
            return;
        }
        session.user = user;
        let key = self.storage_key();
        let session = state::rotation_safe(persist::load(&key), session);
        persist::save(&key, &session);
        self.set_state(AuthState::from_session(session));
        self.schedule_refresh();
        self.emit(AuthEvent::UserUpdated);
    }

    /// Forgets the session here (storage and memory); the server is not asked.
    fn clear_session(&self) {
        persist::clear(&self.storage_key());
        self.end_locally();
    }

    fn end_locally(&self) {
        self.epoch.update_value(|e| *e += 1);
        if let Some(t) = self.timer.get_value() {
            t.clear();
        }
        let was = self.state.with_untracked(|s| s.session().is_some());
        self.set_state(AuthState::SignedOut);
        if was {
            self.emit(AuthEvent::SignedOut);
        }
    }

    /// Runs one GoTrue request with the timeout.
    async fn request<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        crate::components::browser::timeout(REQUEST_TIMEOUT_MS, fut)
            .await
            .unwrap_or_else(|| Err(ApiError::Transport("the request timed out".into())))
    }

    /// Runs one request with the current access token; an answer that says the session is
    /// gone on the server signs out here.
    async fn authed<T, F, Fut>(&self, call: F) -> Result<T, ApiError>
    where
        F: FnOnce(GoTrue, String) -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let token = self.access_token().await?;
        let epoch = self.epoch.get_value();
        let result = self.request(call(self.api(), token)).await;
        if let Err(e) = &result {
            if state::session_gone(e) && self.epoch.get_value() == epoch {
                self.clear_session();
            }
        }
        result
    }

    /// A valid access token for the host's own calls, refreshed first when about to expire.
    pub async fn access_token(&self) -> Result<String, ApiError> {
        let session = self.session_untracked().ok_or_else(not_signed_in)?;
        if session.expires_within(persist::now(), 10) {
            self.refresh().await?;
        }
        self.session_untracked().map(|s| s.access_token).ok_or_else(not_signed_in)
    }

    /// Refreshes the session: one tab at a time, and not at all when another tab (or call)
    /// already rotated the token this call started from.
    pub async fn refresh(&self) -> Result<(), ApiError> {
        let Some(from) = self.session_untracked().map(|s| s.refresh_token) else {
            return Ok(());
        };
        let store = *self;
        let lock_name = [self.storage_key().as_str(), ".refresh"].concat();
        let result =
            lock::with_lock(&lock_name, move || async move { store.refresh_locked(from).await })
                .await;
        result.unwrap_or_else(|| Err(ApiError::Transport("lock unavailable".into())))
    }

    async fn refresh_locked(&self, from: String) -> Result<(), ApiError> {
        let Some(current) = self.session_untracked() else {
            return Ok(());
        };
        match persist::load(&self.storage_key()) {
            None => {
                // Signed out in another tab while we waited.
                self.end_locally();
                return Ok(());
            }
            Some(stored) if stored.refresh_token != current.refresh_token => {
                self.adopt(stored);
                return Ok(());
            }
            // Rotated here while this call waited for the lock.
            Some(_) if current.refresh_token != from => return Ok(()),
            Some(_) => {}
        }
        let epoch = self.epoch.get_value();
        self.last_refresh_ms.set_value(persist::now_ms());
        match self.request(self.api().refresh(&current.refresh_token)).await {
            Ok(resp) => {
                let still_same = self.epoch.get_value() == epoch
                    && self
                        .session_untracked()
                        .is_some_and(|s| s.refresh_token == current.refresh_token);
                if still_same {
                    self.retries.set_value(0);
                    self.adopt_response(resp, AuthEvent::TokenRefreshed)?;
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

    /// Takes over a session another tab stored.
    fn adopt(&self, session: Session) {
        let before = self.session_untracked();
        let same = before.as_ref().is_some_and(|b| {
            b.user.id == session.user.id && b.claims.session_id == session.claims.session_id
        });
        if same {
            self.last_refresh_ms.set_value(persist::now_ms());
        } else {
            self.epoch.update_value(|e| *e += 1);
        }
        self.set_state(AuthState::from_session(session));
        self.schedule_refresh();
        self.emit(if same { AuthEvent::TokenRefreshed } else { AuthEvent::SignedIn });
    }

    /// Reads the stored session again (another tab changed it).
    fn sync_from_storage(&self) {
        match persist::load(&self.storage_key()) {
            Some(stored) => {
                if self.session_untracked().as_ref() != Some(&stored) {
                    self.adopt(stored);
                }
            }
            None => self.end_locally(),
        }
    }

    fn schedule_refresh(&self) {
        let Some(session) = self.session_untracked() else { return };
        let margin = self.config.with_value(|c| c.refresh_margin_secs);
        // An absolute instant, so every tab holding this session fires at the same moment;
        // the cross-tab lock then lets exactly one of them refresh.
        let ms = state::refresh_delay_ms(
            session.expires_at,
            session.lifetime(),
            persist::now_ms(),
            margin,
            self.last_refresh_ms.get_value(),
        );
        self.set_timer(ms);
    }

    fn schedule_retry(&self) {
        let attempt = self.retries.get_value();
        self.retries.set_value(attempt.saturating_add(1));
        self.set_timer(state::retry_delay_ms(attempt) as u64);
    }

    /// Refreshes after `ms` (in the browser; elsewhere there is nothing to refresh for).
    fn set_timer(&self, ms: u64) {
        if !cfg!(target_arch = "wasm32") {
            return;
        }
        if let Some(t) = self.timer.get_value() {
            t.clear();
        }
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

    /// Whether the session meets `req` now (freshness on the server's clock).
    pub fn satisfies(&self, req: &Requirement) -> bool {
        self.state.with_untracked(|st| {
            st.session().is_some_and(|s| {
                let has = s.user.has_verified_factor();
                let now = s.server_now(persist::now());
                aal::check(req, &s.claims, has, now) == Verdict::Met
            })
        })
    }

    /// Navigates within the app's router (the host's, or the standalone app's own).
    pub fn navigate(&self, path: &str) {
        self.nav.with_value(|n| (n.go)(path, false));
    }

    /// Navigates without a new history entry (a guard's redirect: Back skips it).
    pub(crate) fn replace(&self, path: &str) {
        self.nav.with_value(|n| (n.go)(path, true));
    }

    /// The current path with query and fragment, as the router sees it.
    pub(crate) fn here(&self) -> String {
        self.nav.with_value(|n| (n.here)())
    }

    /// The value of `key` in the current URL's query, tracked: it follows navigation.
    pub(crate) fn query(&self, key: &str) -> Option<String> {
        let search = self.nav.with_value(|n| n.search);
        search.with(|q| crate::redirect::query_value(q, key))
    }

    /// Where a page goes once done: the current URL's `next` when it is a safe path, else
    /// [`AuthConfig::after_sign_in`]. Tracked, like [`AuthStore::query`].
    pub(crate) fn next(&self) -> String {
        let fallback = self.config.with_value(|c| c.after_sign_in.clone());
        crate::redirect::safe_next(self.query("next").as_deref(), &fallback)
    }
}

/// Entry points for this repository's browser tests (feature `test-internals`), which drive the
/// store's private transitions directly. Not an API.
#[cfg(feature = "test-internals")]
#[doc(hidden)]
impl AuthStore {
    pub fn __api(&self) -> GoTrue {
        self.api()
    }
    pub fn __adopt(&self, resp: TokenResponse, event: AuthEvent) -> Result<(), ApiError> {
        self.adopt_response(resp, event)
    }
    pub fn __set_user(&self, user: User) {
        self.set_user(user)
    }
    pub fn __clear_session(&self) {
        self.clear_session()
    }
    pub fn __sync_from_storage(&self) {
        self.sync_from_storage()
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

fn restore(config: &AuthConfig) -> AuthState {
    if cfg!(all(target_arch = "wasm32", not(feature = "ssr"), not(feature = "hydrate"))) {
        persist::load(&config.storage_key).map_or(AuthState::SignedOut, AuthState::from_session)
    } else {
        AuthState::Loading
    }
}

/// Provides the auth store to everything inside it. Place it inside the host's `<Router>`.
#[component]
pub fn AuthProvider(
    /// The backend and the section's settings.
    config: AuthConfig,
    children: Children,
) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let loc = leptos_router::hooks::use_location();
    let (path, search, hash) = (loc.pathname, loc.search, loc.hash);
    let here = move || {
        let search = search.get_untracked();
        let q = if search.is_empty() || search.starts_with('?') { "" } else { "?" };
        [path.get_untracked(), q.into(), search, hash.get_untracked()].concat()
    };
    let nav = Nav {
        go: Box::new(move |path, replace| {
            navigate(path, leptos_router::NavigateOptions { replace, ..Default::default() })
        }),
        here: Box::new(here),
        search: search.into(),
    };
    provide_store(config, nav);
    children()
}

/// Makes the store, provides it to what is below, and keeps it in step with other tabs;
/// `nav` is the router's (the host's, or the standalone app's own).
pub(crate) fn provide_store(config: AuthConfig, nav: Nav) -> AuthStore {
    let store = AuthStore::new(config);
    store.nav.set_value(nav);
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
    store
}

/// The auth store of the nearest [`AuthProvider`]. Panics without one.
pub fn use_auth() -> AuthStore {
    try_use_auth().expect("use_auth() needs an <AuthProvider> above it")
}

/// The auth store, if an [`AuthProvider`] is above.
pub fn try_use_auth() -> Option<AuthStore> {
    use_context::<AuthStore>()
}
