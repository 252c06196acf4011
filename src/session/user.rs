//! The signed-in user: reading it again, and changing the password (checking the current
//! one, and the reauthentication code).

use super::AuthStore;
use crate::api::{ApiError, LogoutScope, User, UserUpdate};
use leptos::prelude::*;

impl AuthStore {
    /// Reads the user (factors included) again. An answer that arrives after the session
    /// changed (a factor removed and the token refreshed meanwhile) may predate that change, so
    /// it is returned but not applied.
    pub async fn reload_user(&self) -> Result<User, ApiError> {
        let changes = self.changes;
        let (asked, user) = self
            .authed(move |api, token| {
                // Counted once the token is ready: a refresh for this read is not a change.
                let asked = changes.get_value();
                async move { api.get_user(&token).await.map(|user| (asked, user)) }
            })
            .await?;
        if self.changes.get_value() == asked {
            self.set_user(user.clone());
        }
        Ok(user)
    }

    /// Changes the password; `current` and `nonce` when the server asks for them.
    pub(crate) async fn update_password(
        &self,
        new: &str,
        current: Option<&str>,
        nonce: Option<&str>,
    ) -> Result<(), ApiError> {
        let update = UserUpdate {
            password: Some(new.to_owned()),
            current_password: current.map(str::to_owned),
            nonce: nonce.filter(|n| !n.is_empty()).map(str::to_owned),
            ..UserUpdate::default()
        };
        let update = &update;
        let user = self
            .authed(|api, token| async move { api.update_user(&token, update, None).await })
            .await?;
        self.set_user(user);
        Ok(())
    }

    /// Sends the reauthentication code (email or SMS) a password change may need.
    pub(crate) async fn reauthenticate(&self) -> Result<(), ApiError> {
        self.authed(|api, token| async move { api.reauthenticate(&token).await }).await
    }

    /// Checks `password` for the signed-in user without touching this session (a separate
    /// sign-in whose session is ended at once).
    pub(crate) async fn check_password(&self, password: &str) -> Result<(), ApiError> {
        let email = self.session_untracked().map(|s| s.user.email).unwrap_or_default();
        let api = self.api();
        let proof = self.request(api.sign_in_password(&email, password)).await?;
        let _ = self.request(api.logout(&proof.access_token, LogoutScope::Local)).await;
        Ok(())
    }
}
