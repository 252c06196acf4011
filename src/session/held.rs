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
use leptos::reactive::owner::WeakOwner;

/// An app storage key, the owner of the app's store (weak: the held store never keeps it, or
/// the nodes of an older app store, alive) and its held store once made.
type Entry = (String, Option<WeakOwner>, Option<AuthStore>);

thread_local! {
    /// Per app storage key: the owner of the app's store and, once first asked for, its held
    /// store. A held store is made under that owner (not the screen that asks), so it lives as
    /// long as the app's store: its timers and requests never meet a disposed value. It is
    /// made only when a recovery screen needs it, so its code is in the recovery parts.
    static HELD: std::cell::RefCell<Vec<Entry>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl AuthStore {
    /// Remembers the owner of the app's store (see [`HELD`]): the held store of an earlier
    /// app store with the same key is forgotten.
    pub(crate) fn own_held(&self) {
        let key = held_key(&self.storage_key());
        HELD.with(|h| {
            let mut h = h.borrow_mut();
            h.retain(|e| e.0 != key);
            h.push((key, Owner::current().map(|o| o.downgrade()), None));
        });
    }

    /// The store of this tab's held session (restored from `sessionStorage` the first time).
    pub(crate) fn held(&self) -> AuthStore {
        let key = held_key(&self.storage_key());
        let (owner, live) = HELD.with(|h| {
            h.borrow().iter().find(|e| e.0 == key).map_or((None, None), |e| (e.1.clone(), e.2))
        });
        if let Some(store) = live.filter(|s| s.state.try_with_untracked(|_| ()).is_some()) {
            return store;
        }
        let mut config = self.config();
        config.storage_key = key.clone();
        let make = || {
            let restored = if cfg!(target_arch = "wasm32") {
                persist::load(&key).map_or(AuthState::SignedOut, AuthState::from_session)
            } else {
                AuthState::SignedOut
            };
            let store = AuthStore::with(config, restored, self.nav, self.settings, self.language);
            store.schedule_refresh();
            store
        };
        let store = match owner.as_ref().and_then(WeakOwner::upgrade) {
            Some(owner) => owner.with(make),
            None => make(),
        };
        HELD.with(|h| {
            let mut h = h.borrow_mut();
            h.retain(|e| e.0 != key);
            h.push((key, owner, Some(store)));
        });
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
