//! Second factors (TOTP, phone): challenges and verification, enrolment and removal.
//! Security keys are in `webauthn.rs`.

use super::{AuthEvent, AuthStore};
use crate::api::{ApiError, Challenge, Enrolled, ErrorCode};

impl AuthStore {
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
    #[cfg(feature = "phone")]
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
}
