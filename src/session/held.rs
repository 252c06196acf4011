//! Held sessions ([`crate::landing`]): a link's session kept apart from the app's until the
//! person has finished what the link is for. A held store is a second [`AuthStore`] over the
//! same backend and router, with its own state in this tab's `sessionStorage`: no listeners, no
//! cross-tab sync, invisible to the app's store. The wizard provides it to its steps, so their
//! commands (step-up, the password) run on the held session.

use super::state::AuthState;
use super::{persist, AuthEvent, AuthStore};
use crate::api::{ApiError, TokenResponse};
use crate::landing::{held_key, is_held_key};
use leptos::prelude::*;

thread_local! {
    /// This tab's held stores, one per app storage key: the confirm page and the wizard share
    /// one. [`super::provide_store`] makes it next to the app's store, so it lives as long as
    /// that one (its timers and requests never meet a disposed value).
    static HELD: std::cell::RefCell<Vec<(String, AuthStore)>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl AuthStore {
    /// The store of this tab's held session (restored from `sessionStorage`).
    pub(crate) fn held(&self) -> AuthStore {
        let key = held_key(&self.storage_key());
        let live = HELD.with(|h| {
            let h = h.borrow();
            let mut found =
                h.iter().filter(|(k, s)| *k == key && s.state.try_with_untracked(|_| ()).is_some());
            found.next().map(|e| e.1)
        });
        if let Some(store) = live {
            return store;
        }
        let mut config = self.config();
        config.storage_key = key.clone();
        let restored = if cfg!(target_arch = "wasm32") {
            persist::load(&key).map_or(AuthState::SignedOut, AuthState::from_session)
        } else {
            AuthState::SignedOut
        };
        let store = AuthStore::with(config, restored, self.nav, self.passkeys_on, self.language);
        HELD.with(|h| {
            let mut h = h.borrow_mut();
            h.retain(|(k, _)| *k != key);
            h.push((key, store));
        });
        store.schedule_refresh();
        store
    }

    /// Whether this is a held store.
    pub(crate) fn is_held(&self) -> bool {
        self.config.with_value(|c| is_held_key(&c.storage_key))
    }

    /// Holds a link's session in this tab (the app's session is not touched).
    pub(crate) fn hold(&self, resp: TokenResponse) -> Result<(), ApiError> {
        self.held().adopt_response(resp, AuthEvent::PasswordRecovery)
    }

    /// Adopts `held`'s session as the app's (the person finished: a new password for that
    /// account) and forgets the held copy.
    pub(crate) fn adopt_held(&self, held: &AuthStore) {
        if let Some(session) = held.session_untracked() {
            self.write(session, AuthEvent::PasswordRecovery);
        }
        held.forget_held();
    }

    /// Forgets the held session (abandoned, or adopted): nothing of it stays.
    pub(crate) fn forget_held(&self) {
        if self.is_held() {
            self.clear_session();
        }
    }
}
