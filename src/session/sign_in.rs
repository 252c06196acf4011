//! Signing in and out with a password: the store's commands for the sign-in page and the
//! host's sign-out. (Passkeys are in `webauthn.rs`, the second factor in `factors.rs`.)

use super::state::session_gone;
use super::{AuthEvent, AuthStore};
use crate::api::{ApiError, LogoutScope};

impl AuthStore {
    /// Signs in with email and password. A user with a verified factor is then
    /// [`SecondFactorPending`](crate::AuthState::SecondFactorPending) until it is verified.
    pub async fn sign_in_password(&self, email: &str, password: &str) -> Result<(), ApiError> {
        let resp = self.request(self.api().sign_in_password(email, password)).await?;
        self.adopt_response(resp, AuthEvent::SignedIn)
    }

    /// Signs out: `Local` this session, `Global` every session of the user, `Others` every
    /// other one (this one stays). A session the server no longer knows is forgotten here too,
    /// and `Local` always ends the session here, even when the server cannot be reached.
    pub async fn sign_out(&self, scope: LogoutScope) -> Result<(), ApiError> {
        let Some(session) = self.session_untracked() else {
            return Ok(());
        };
        let result = self.request(self.api().logout(&session.access_token, scope)).await;
        let server_forgot = match &result {
            Err(e @ ApiError::Auth(a)) => matches!(a.status, 401 | 403 | 404) || session_gone(e),
            _ => false,
        };
        if server_forgot {
            // This session is already gone on the server: forget it here too.
            self.clear_session();
            return if scope == LogoutScope::Others { result } else { Ok(()) };
        }
        // Signing out here ends the session here, whatever the server answered (offline, a
        // server error): the tokens are forgotten, so nobody can use them from this device.
        if scope == LogoutScope::Local {
            self.clear_session();
            return Ok(());
        }
        if scope == LogoutScope::Global && result.is_ok() {
            self.clear_session();
        }
        result
    }
}
