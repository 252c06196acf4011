//! Password recovery: the emailed code and link, and the recovery session they give.

use super::{AuthEvent, AuthStore};
use crate::api::{ApiError, TokenResponse};
use crate::otp::LinkToken;
use leptos::prelude::*;

impl AuthStore {
    /// Sends the recovery email (code and link) for `email`, the link landing on
    /// `redirect_to`. With PKCE, the verifier is kept where every tab of this origin sees it.
    pub(crate) async fn send_recovery(
        &self,
        email: &str,
        redirect_to: &str,
    ) -> Result<(), ApiError> {
        let challenge = self.pkce_challenge().await?;
        self.request(self.api().recover(email, Some(redirect_to), challenge.as_deref())).await
    }

    /// With PKCE links (`AuthConfig::with_pkce`), a new flow's challenge; its verifier is kept
    /// where every tab of this origin sees it.
    pub(super) async fn pkce_challenge(&self) -> Result<Option<String>, ApiError> {
        match self.config.with_value(|c| c.pkce) {
            true => crate::api::pkce::begin().await.map(Some),
            false => Ok(None),
        }
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
