//! The auth store: the one way in to the session. Screens and hosts read its signals
//! (`signals.rs`) and call its commands, one file per feature: `sign_in.rs`, `user.rs`,
//! `front.rs`, `email.rs`, `oauth.rs`, `recovery.rs`, `factors.rs`, `webauthn.rs`, `step_up.rs`. Only the store talks to the GoTrue
//! client (`request.rs`) and changes the session, here, through [`AuthStore::adopt_response`],
//! [`AuthStore::set_user`] and [`AuthStore::clear_session`]; `refresh.rs` keeps it alive, `tabs.rs`
//! follows other tabs, `nav.rs` moves between pages and `provider.rs` hands the store out.

/// Store methods the crate uses that this repository's browser tests call too: `pub` with the
/// feature `test-internals` (hidden from the docs), else `pub(crate)`. Not an API.
macro_rules! test_visible {
    ($(#[$attr:meta])* fn $($item:tt)*) => {
        #[cfg(feature = "test-internals")]
        #[doc(hidden)]
        $(#[$attr])*
        pub fn $($item)*
        #[cfg(not(feature = "test-internals"))]
        $(#[$attr])*
        pub(crate) fn $($item)*
    };
}

pub mod aal;
pub mod claims;
mod email;
mod events;
mod factors;
mod front;
mod held;
#[cfg(feature = "test-internals")]
mod internals;
pub mod lock;
mod nav;
#[cfg(feature = "social")]
mod oauth;
#[cfg(feature = "social")]
pub(crate) use oauth::{connected_waiting, take_connected, Finished};
pub mod persist;
mod provider;
mod recovery;
mod refresh;
mod request;
mod sign_in;
mod signals;
pub mod state;
pub mod step_up;
mod tabs;
mod user;
#[cfg(feature = "webauthn")]
mod webauthn;

use crate::api::{ApiError, GoTrue, TokenResponse, User};
use crate::config::AuthConfig;
use crate::strings::Strings;
use events::Listener;
use leptos::prelude::*;
use state::{AuthState, Session};

pub use events::AuthEvent;
pub(crate) use nav::Nav;
pub(crate) use provider::provide_store;
pub use provider::{try_use_auth, use_auth, AuthProvider};
pub use step_up::Resume;

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
    /// The server's settings, once asked (`GET /settings`).
    settings: StoredValue<Option<crate::api::Settings>>,
    /// The texts of the language shown; `None` while its locale file loads.
    language: RwSignal<Option<&'static Strings>>,
}

impl AuthStore {
    test_visible! {
        /// A store for `config`, restored from storage in the browser.
        fn new(config: AuthConfig) -> Self {
            let restored = restore(&config);
            let store = AuthStore::with(
                config,
                restored,
                StoredValue::new_local(Nav::none()),
                StoredValue::new(None),
                RwSignal::new(None),
            );
            crate::i18n::choose(store.config.get_value(), store.language);
            store.schedule_refresh();
            store
        }
    }

    /// A store in `state` with fresh bookkeeping; the router, the server's settings and
    /// the language are given (a held store shares the app store's).
    fn with(
        config: AuthConfig,
        state: AuthState,
        nav: StoredValue<Nav, LocalStorage>,
        settings: StoredValue<Option<crate::api::Settings>>,
        language: RwSignal<Option<&'static Strings>>,
    ) -> Self {
        AuthStore {
            config: StoredValue::new(config),
            state: RwSignal::new(state),
            listeners: StoredValue::new(Vec::new()),
            epoch: StoredValue::new(0),
            timer: StoredValue::new(None),
            retries: StoredValue::new(0),
            last_refresh_ms: StoredValue::new(f64::MIN),
            changes: StoredValue::new(0),
            nav,
            settings,
            language,
        }
    }

    test_visible! {
        /// The configuration the store was made with.
        fn config(&self) -> AuthConfig {
            self.config.get_value()
        }
    }

    /// The user-facing texts, in the language shown (English until its table has loaded).
    pub(crate) fn strings(&self) -> &'static Strings {
        self.language.get_untracked().unwrap_or_else(|| self.config.with_value(|c| c.strings))
    }

    /// The texts of the language shown, reactive; `None` while they load (the section waits).
    pub(crate) fn language(&self) -> Option<&'static Strings> {
        self.language.get()
    }

    fn api(&self) -> GoTrue {
        self.config.with_value(|c| GoTrue::new(&c.gotrue_url, &c.anon_key))
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
    /// A write that continues this tab's session (issue 30) never replaces another tab's newer
    /// or other user's session: this tab takes that one over instead.
    fn write(&self, session: Session, event: AuthEvent) {
        let key = self.storage_key();
        let stored = persist::load(&key);
        let session = if matches!(
            event,
            AuthEvent::TokenRefreshed | AuthEvent::MfaChallengeVerified | AuthEvent::UserUpdated
        ) {
            match state::continue_write(stored, self.session_untracked().as_ref(), session) {
                state::Continue::Write(s) => s,
                state::Continue::Yield(other) => return self.adopt(other),
            }
        } else {
            state::rotation_safe(stored, session)
        };
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
        let Some(current) = self.session_untracked() else { return };
        if current.user.id != user.id {
            return;
        }
        let session = Session { user, ..current.clone() };
        let key = self.storage_key();
        let session = match state::continue_write(persist::load(&key), Some(&current), session) {
            state::Continue::Write(s) => s,
            state::Continue::Yield(other) => return self.adopt(other),
        };
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
}

fn restore(config: &AuthConfig) -> AuthState {
    if cfg!(all(target_arch = "wasm32", not(feature = "ssr"), not(feature = "hydrate"))) {
        persist::load(&config.storage_key).map_or(AuthState::SignedOut, AuthState::from_session)
    } else {
        AuthState::Loading
    }
}
