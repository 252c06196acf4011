//! The store's commands: every GoTrue mutation the product makes. Each returns a typed result;
//! the store applies the transition (a new session, a new user, signed out).

use super::state::session_gone;
use super::{AuthEvent, AuthStore};
use crate::api::UserUpdate;
use crate::api::{ApiError, Challenge, Enrolled, ErrorCode, LogoutScope, TokenResponse, User};
use crate::otp::LinkToken;
use leptos::prelude::*;

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

    /// Starts a challenge of `factor_id` (for a phone factor this sends the SMS).
    pub(crate) async fn challenge(&self, factor_id: &str) -> Result<Challenge, ApiError> {
        self.authed(|api, token| async move { api.challenge(&token, factor_id).await }).await
    }

    /// Verifies `code` for an open challenge; the session is then at `aal2`.
    pub(crate) async fn verify_challenge(
        &self,
        factor_id: &str,
        challenge_id: &str,
        code: &str,
    ) -> Result<(), ApiError> {
        let resp = self
            .authed(|api, token| async move {
                api.verify_factor(&token, factor_id, challenge_id, code).await
            })
            .await?;
        self.adopt_response(resp, AuthEvent::MfaChallengeVerified)
    }

    /// Verifies a TOTP code: a new challenge (they are free), and once more with another if
    /// that one expired before the code arrived.
    pub(crate) async fn verify_totp(&self, factor_id: &str, code: &str) -> Result<(), ApiError> {
        let mut tries = 0;
        loop {
            let challenge = self.challenge(factor_id).await?;
            match self.verify_challenge(factor_id, &challenge.id, code).await {
                Err(e) if e.is(&ErrorCode::MfaChallengeExpired) && tries == 0 => tries += 1,
                other => return other,
            }
        }
    }

    /// Removes `ids` (factors already gone count as removed).
    pub(super) async fn unenroll_all(&self, ids: &[String]) -> Result<(), ApiError> {
        for id in ids {
            match self.authed(|api, token| async move { api.unenroll(&token, id).await }).await {
                Err(e) if !e.is(&ErrorCode::MfaFactorNotFound) => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }

    /// Enrols a TOTP factor named `name`, first removing the abandoned enrolments `remove`.
    pub(crate) async fn enroll_totp(
        &self,
        name: &str,
        remove: &[String],
    ) -> Result<Enrolled, ApiError> {
        self.unenroll_all(remove).await?;
        if !remove.is_empty() {
            let _ = self.reload_user().await;
        }
        self.authed(|api, token| async move { api.enroll_totp(&token, name).await }).await
    }

    /// Enrols a phone factor for `phone` (E.164), first removing the enrolments `remove`.
    pub(crate) async fn enroll_phone(
        &self,
        phone: &str,
        remove: &[String],
    ) -> Result<String, ApiError> {
        self.unenroll_all(remove).await?;
        let enrolled = self
            .authed(|api, token| async move { api.enroll_phone(&token, phone, phone).await })
            .await?;
        Ok(enrolled.id)
    }

    /// Removes a factor. The session may lose its `aal2` with it: refreshed, then the user is
    /// read again. A factor already gone counts as removed.
    pub(crate) async fn remove_factor(&self, factor_id: &str) -> Result<(), ApiError> {
        self.unenroll_all(&[factor_id.to_owned()]).await?;
        let _ = self.refresh().await;
        let _ = self.reload_user().await;
        Ok(())
    }

    /// Drops an enrolment the user abandoned (best effort), then reads the user again.
    pub(crate) async fn abandon_enrolment(&self, factor_id: &str) {
        let _ = self.unenroll_all(&[factor_id.to_owned()]).await;
        let _ = self.reload_user().await;
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
        };
        let update = &update;
        let user =
            self.authed(|api, token| async move { api.update_user(&token, update).await }).await?;
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

    /// Sends the recovery email (code and link) for `email`, the link landing on
    /// `redirect_to`. With PKCE, the verifier is kept where every tab of this origin sees it.
    pub(crate) async fn send_recovery(
        &self,
        email: &str,
        redirect_to: &str,
    ) -> Result<(), ApiError> {
        let challenge = if self.config.with_value(|c| c.pkce) {
            Some(crate::api::pkce::begin().await?)
        } else {
            None
        };
        self.request(self.api().recover(email, Some(redirect_to), challenge.as_deref())).await
    }

    /// Verifies an emailed recovery code and adopts the recovery session.
    pub(crate) async fn verify_recovery_code(
        &self,
        email: &str,
        code: &str,
    ) -> Result<(), ApiError> {
        let resp = self.request(self.api().verify_email_code(email, code, "recovery")).await?;
        self.adopt_response(resp, AuthEvent::PasswordRecovery)
    }

    /// Verifies an emailed link (token hash, or PKCE code) without adopting its session yet:
    /// the link page first shows whose it is.
    pub(crate) async fn verify_link(&self, link: LinkToken) -> Result<TokenResponse, ApiError> {
        let api = self.api();
        match link {
            LinkToken::TokenHash { token_hash, kind } => {
                self.request(api.verify_token_hash(&token_hash, &kind)).await
            }
            LinkToken::Code(code) => {
                let verifier = crate::api::pkce::verifier()
                    .ok_or_else(|| ApiError::Decode("pkce verifier missing".into()))?;
                let resp = self.request(api.exchange_code(&code, &verifier)).await?;
                // Only a successful exchange spends the verifier: a network error can be retried.
                crate::api::pkce::forget_verifier();
                Ok(resp)
            }
        }
    }

    /// The session of tokens a link put in the address bar, checked with the server (the user
    /// it belongs to), not adopted yet.
    pub(crate) async fn inspect_tokens(
        &self,
        access_token: String,
        refresh_token: String,
        expires_in: i64,
    ) -> Result<TokenResponse, ApiError> {
        let user = self.request(self.api().get_user(&access_token)).await?;
        Ok(TokenResponse { access_token, refresh_token, expires_in, expires_at: None, user })
    }

    /// Adopts the recovery session of a verified link or code.
    pub(crate) fn adopt_recovery(&self, resp: TokenResponse) -> Result<(), ApiError> {
        self.adopt_response(resp, AuthEvent::PasswordRecovery)
    }
}
