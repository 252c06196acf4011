//! What happened to the session: [`AuthEvent`], told to the listeners of
//! [`AuthStore::on_event`] after every transition.

use super::AuthStore;
use leptos::prelude::*;
use std::sync::Arc;

/// What happened to the session, for [`AuthStore::on_event`] listeners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthEvent {
    /// A new session (password, link, another tab).
    SignedIn,
    /// The session ended (here or in another tab).
    SignedOut,
    /// The same session with new tokens.
    TokenRefreshed,
    /// The user (factors, email) was read again or changed.
    UserUpdated,
    /// A password reset finished: the recovery session (a code's or link's, held by the wizard
    /// until then) is now the app's.
    PasswordRecovery,
    /// A second factor was verified: the session is at `aal2`.
    MfaChallengeVerified,
}

pub(super) type Listener = Arc<dyn Fn(AuthEvent) + Send + Sync>;

impl AuthStore {
    /// Calls `listener` on every [`AuthEvent`].
    pub fn on_event(&self, listener: impl Fn(AuthEvent) + Send + Sync + 'static) {
        self.listeners.update_value(|l| l.push(Arc::new(listener)));
    }

    pub(super) fn emit(&self, event: AuthEvent) {
        for l in self.listeners.get_value() {
            l(event);
        }
    }
}
