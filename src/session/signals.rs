//! What screens and hosts read from the store: the state as signals, and untracked reads.

use super::aal::{self, Requirement, Verdict};
use super::claims::Aal;
use super::state::{AuthState, Session};
use super::{persist, AuthStore};
use crate::api::{Factor, User};
use leptos::prelude::*;

impl AuthStore {
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

    /// Whether the user is anonymous ([`AuthStore::sign_in_anonymously`]): signed in, but
    /// [`RequireSignIn`](crate::RequireSignIn) lets them in only when the host allows it.
    pub fn is_anonymous(&self) -> Signal<bool> {
        let state = self.state;
        Signal::derive(move || state.with(AuthState::is_anonymous))
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

    test_visible! {
        /// The session now, without tracking.
        fn session_untracked(&self) -> Option<Session> {
            self.state.with_untracked(|s| s.session().cloned())
        }
    }

    test_visible! {
        /// Whether the sessions will survive a reload (false when the browser blocks storage:
        /// the store then keeps the session for this tab only).
        fn storage_persists(&self) -> bool {
            crate::platform::storage::persistent()
        }
    }

    /// Whether the session meets `req` now (freshness on the server's clock).
    pub(crate) fn satisfies(&self, req: &Requirement) -> bool {
        self.state.with_untracked(|st| {
            st.session().is_some_and(|s| {
                let has = s.user.has_verified_factor();
                let now = s.server_now(persist::now());
                aal::check(req, &s.claims, has, now) == Verdict::Met
            })
        })
    }
}
