//! Changing the signed-in user's address: GoTrue mails a code and a link to the new address
//! and (its secure email change, the default) to the current one; the change is done when both
//! have confirmed. Either confirmation may come from this page (a code) or from a link opened
//! on the confirm page.

use super::AuthStore;
use crate::api::{ApiError, EmailChange, LogoutScope, TokenResponse, UserUpdate};
use crate::landing::same_address;

impl AuthStore {
    /// Asks to change the address to `email`. `Ok(true)`: changed at once (a project that
    /// confirms addresses by itself) and the session renewed to say so; `Ok(false)`: mailed,
    /// and the user's `new_email` is the address that waits.
    pub(crate) async fn change_email(&self, email: &str) -> Result<bool, ApiError> {
        let to = self.landing("email_change");
        let update = UserUpdate { email: Some(email.to_owned()), ..UserUpdate::default() };
        let (update, to) = (&update, to.as_str());
        let user = self
            .authed(|api, token| async move { api.update_user(&token, update, Some(to)).await })
            .await?;
        let done = same_address(&user.email, email);
        self.set_user(user);
        if done {
            self.refresh().await?;
        }
        Ok(done)
    }

    /// Mails the codes and links of the pending change again (new codes for both addresses:
    /// whatever was confirmed before must be confirmed again).
    pub(crate) async fn resend_email_change(&self) -> Result<(), ApiError> {
        let email = self.session_untracked().map(|s| s.user.email).unwrap_or_default();
        let to = self.landing("email_change");
        self.request(self.api().resend("email_change", &email, Some(&to))).await
    }

    /// Confirms the pending change with the code mailed to `email` (either address).
    /// `Ok(false)`: the other address must confirm too; `Ok(true)`: done, this session renewed.
    pub(crate) async fn confirm_email_change(
        &self,
        email: &str,
        code: &str,
    ) -> Result<bool, ApiError> {
        match self.request(self.api().verify_email_change(email, code)).await? {
            EmailChange::OtherAddress => Ok(false),
            EmailChange::Done(resp) => self.settle_new_session(*resp).await.map(|_| true),
        }
    }

    /// Verifies an email change's link (its token hash), for the confirm page.
    pub(crate) async fn verify_email_change_link(
        &self,
        token_hash: &str,
    ) -> Result<EmailChange, ApiError> {
        self.request(self.api().verify_email_change("", token_hash)).await
    }

    /// A session GoTrue made for a change to the signed-in user (an email change done, a
    /// provider connected). When its user is the one signed in here, that session (aal1, a
    /// stranger to this page) is ended and this one renewed, so its token carries the change
    /// and keeps its level: `Ok(None)`. Otherwise the session is handed back (`Ok(Some)`), for
    /// the page to name before anything is adopted.
    pub(crate) async fn settle_new_session(
        &self,
        resp: TokenResponse,
    ) -> Result<Option<TokenResponse>, ApiError> {
        if self.session_untracked().is_none_or(|s| s.user.id != resp.user.id) {
            return Ok(Some(resp));
        }
        let _ = self.request(self.api().logout(&resp.access_token, LogoutScope::Local)).await;
        self.refresh().await.map(|()| None)
    }
}
