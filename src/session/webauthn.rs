//! The store's WebAuthn commands: security keys as a second factor, passkeys to sign in and
//! their management. Each runs the browser's prompt between two GoTrue requests; the prompt
//! itself is not under the request timeout (the user may take their time).

use super::{AuthEvent, AuthStore};
use crate::api::webauthn::{credential, Ceremony, Passkey, RelyingParty};
use crate::api::ApiError;
use crate::platform::authenticator;

impl AuthStore {
    /// Whether this browser can use security keys and passkeys here.
    pub fn webauthn_available(&self) -> bool {
        authenticator::available()
    }

    /// Closes the security-key or passkey prompt open now (the user gave up waiting): the
    /// command that opened it fails with [`AuthenticatorError::Cancelled`](crate::AuthenticatorError).
    pub fn cancel_prompt(&self) {
        authenticator::cancel();
    }

    /// Whether "Sign in with a passkey" can work: the browser can, and the server has passkeys
    /// on (asked once per page load; a failed ask is asked again next time).
    pub async fn passkeys_available(&self) -> bool {
        if !authenticator::available() {
            return false;
        }
        self.settings().await.is_some_and(|s| s.passkeys)
    }

    async fn key_ceremony(&self, factor_id: &str) -> Result<Ceremony, ApiError> {
        use crate::platform::browser::{hostname, origin};
        let (host, origin) = (hostname(), origin());
        let rp = RelyingParty { rp_id: &host, rp_origins: [&origin] };
        self.authed(|api, token| async move { api.challenge_webauthn(&token, factor_id, rp).await })
            .await
    }

    async fn finish_key(
        &self,
        factor_id: &str,
        ceremony: &Ceremony,
        made: String,
    ) -> Result<(), ApiError> {
        let made = &credential(made)?;
        let resp = self
            .authed(|api, token| async move {
                api.verify_webauthn(&token, factor_id, ceremony, made).await
            })
            .await?;
        self.adopt_response(resp, AuthEvent::MfaChallengeVerified)
    }

    /// Verifies the security key `factor_id` with the browser's prompt: the session is then
    /// at `aal2`. A cancelled prompt changes nothing.
    pub(crate) async fn verify_key(&self, factor_id: &str) -> Result<(), ApiError> {
        let ceremony = self.key_ceremony(factor_id).await?;
        let made = authenticator::get(&ceremony.options).await?;
        self.finish_key(factor_id, &ceremony, made).await
    }

    /// Adds a security key named `name` (first removing the abandoned enrolments `remove`):
    /// the browser makes the credential, the session is then at `aal2`. A cancelled prompt or
    /// a refused credential leaves no half-made factor behind.
    pub(crate) async fn add_key(&self, name: &str, remove: &[String]) -> Result<(), ApiError> {
        self.unenroll_all(remove).await?;
        let enrolled = self
            .authed(|api, token| async move { api.enroll_webauthn(&token, name).await })
            .await?;
        let id = enrolled.id.as_str();
        let made = async {
            let ceremony = self.key_ceremony(id).await?;
            let made = authenticator::create(&ceremony.options).await?;
            self.finish_key(id, &ceremony, made).await
        }
        .await;
        if made.is_err() {
            self.abandon_enrolment(id).await;
        }
        made
    }

    /// Signs in with a passkey (the browser lists the ones it holds for this site). The
    /// session is aal1 (amr `passkey`): a user with a second factor then verifies it, as after
    /// a password.
    pub async fn sign_in_passkey(&self) -> Result<(), ApiError> {
        let ceremony = self.request(self.api().passkey_sign_in_options()).await?;
        let made = authenticator::get(&ceremony.options).await?;
        self.finish_passkey_sign_in(&ceremony, made).await
    }

    /// Sends the assertion `made` for `ceremony` and adopts the aal1 session it answers.
    async fn finish_passkey_sign_in(
        &self,
        ceremony: &Ceremony,
        made: String,
    ) -> Result<(), ApiError> {
        let made = credential(made)?;
        let resp = self.request(self.api().passkey_sign_in(&ceremony.id, &made)).await?;
        self.adopt_response(resp, AuthEvent::SignedIn)
    }

    /// Offers this browser's passkeys in the email field's autofill, where the browser
    /// supports it (conditional mediation); picking one signs in as
    /// [`AuthStore::sign_in_passkey`] does. `Ok(false)`: no autofill here, or it ended without
    /// a pick (the page was left, or a modal prompt was opened instead). `still_here` says
    /// whether the page that asked is still shown, checked before the request opens.
    pub(crate) async fn offer_passkey_autofill(
        &self,
        still_here: impl Fn() -> bool,
    ) -> Result<bool, ApiError> {
        if !authenticator::autofill_available().await || !self.passkeys_available().await {
            return Ok(false);
        }
        let ceremony = self.request(self.api().passkey_sign_in_options()).await?;
        if !still_here() {
            return Ok(false);
        }
        let made = match authenticator::autofill(&ceremony.options).await {
            Err(ApiError::Authenticator(_)) => return Ok(false),
            made => made?,
        };
        self.finish_passkey_sign_in(&ceremony, made).await.map(|()| true)
    }

    /// Ends the autofill offer of [`AuthStore::offer_passkey_autofill`].
    pub(crate) fn end_passkey_autofill(&self) {
        authenticator::cancel_autofill();
    }

    /// The signed-in user's passkeys.
    pub(crate) async fn passkeys(&self) -> Result<Vec<Passkey>, ApiError> {
        self.authed(|api, token| async move { api.passkeys(&token).await }).await
    }

    /// Registers a new passkey for the signed-in user (an MFA user needs `aal2`).
    pub(crate) async fn add_passkey(&self) -> Result<Passkey, ApiError> {
        let ceremony =
            self.authed(|api, token| async move { api.passkey_registration(&token).await }).await?;
        let made = &credential(authenticator::create(&ceremony.options).await?)?;
        let id = ceremony.id.as_str();
        self.authed(|api, token| async move { api.passkey_register(&token, id, made).await }).await
    }

    /// Renames passkey `id`.
    pub(crate) async fn rename_passkey(&self, id: &str, name: &str) -> Result<Passkey, ApiError> {
        self.authed(|api, token| async move { api.rename_passkey(&token, id, name).await }).await
    }

    /// Removes passkey `id` (an MFA user needs `aal2`).
    pub(crate) async fn remove_passkey(&self, id: &str) -> Result<(), ApiError> {
        self.authed(|api, token| async move { api.delete_passkey(&token, id).await }).await
    }
}
