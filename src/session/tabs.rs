//! Other tabs of the same origin: a session another tab stored (signed in, refreshed, signed
//! out) is taken over here through the `storage` event.

use super::{persist, state::Session, AuthEvent, AuthState, AuthStore};
use leptos::prelude::*;

impl AuthStore {
    /// Takes over a session another tab stored.
    pub(super) fn adopt(&self, session: Session) {
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
    pub(super) fn sync_from_storage(&self) {
        match persist::load(&self.storage_key()) {
            Some(stored) => {
                if self.session_untracked().as_ref() != Some(&stored) {
                    self.adopt(stored);
                }
            }
            None => self.end_locally(),
        }
    }

    /// Keeps the store in step with other tabs while the owner lives: reads storage once the
    /// browser runs (hydrating or SSR-first hosts), then on every change of the session's key.
    pub(super) fn follow_other_tabs(&self) {
        let store = *self;
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
    }
}
