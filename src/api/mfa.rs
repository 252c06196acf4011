//! MFA factors: enrol, challenge, verify, unenrol.

use super::client::{json, GoTrue, Method};
use super::{ApiError, Challenge, Enrolled, TokenResponse};
use serde::Serialize;

#[derive(Serialize)]
struct Enroll<'a> {
    factor_type: &'a str,
    friendly_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
}

#[derive(Serialize)]
struct ChallengeBody {}

#[derive(Serialize)]
struct Verify<'a> {
    challenge_id: &'a str,
    code: &'a str,
}

fn factor_path(id: &str, tail: &str) -> String {
    ["/factors/", id, tail].concat()
}

impl GoTrue {
    /// `POST /factors` for a TOTP factor: answers the secret and `otpauth://` URI (shown once).
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, GoTrue};
    /// # async fn example(api: &GoTrue, access_token: &str) -> Result<(), ApiError> {
    /// let enrolled = api.enroll_totp(access_token, "Phone app").await?;
    /// if let Some(totp) = &enrolled.totp {
    ///     // Show `totp.uri` as a QR code and `totp.secret` for manual entry, once.
    /// }
    /// // Then `challenge(enrolled.id)` and `verify_factor` with a code from the app.
    /// # Ok(()) }
    /// ```
    pub async fn enroll_totp(
        &self,
        access_token: &str,
        friendly_name: &str,
    ) -> Result<Enrolled, ApiError> {
        let body = json(&Enroll { factor_type: "totp", friendly_name, phone: None });
        self.send(Method::Post, "/factors", Some(access_token), body).await
    }

    /// `POST /factors` for a phone (SMS) factor with an E.164 number.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, GoTrue};
    /// # async fn example(api: &GoTrue, access_token: &str) -> Result<(), ApiError> {
    /// let enrolled = api.enroll_phone(access_token, "Work phone", "+15551234567").await?;
    /// let challenge = api.challenge(access_token, &enrolled.id).await?; // sends the SMS
    /// # Ok(()) }
    /// ```
    pub async fn enroll_phone(
        &self,
        access_token: &str,
        friendly_name: &str,
        phone: &str,
    ) -> Result<Enrolled, ApiError> {
        let body = json(&Enroll { factor_type: "phone", friendly_name, phone: Some(phone) });
        self.send(Method::Post, "/factors", Some(access_token), body).await
    }

    /// `POST /factors/{id}/challenge`: for a phone factor this sends the SMS.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, Factor, GoTrue};
    /// # async fn example(api: &GoTrue, access_token: &str, factor: &Factor)
    /// #     -> Result<(), ApiError> {
    /// let challenge = api.challenge(access_token, &factor.id).await?;
    /// // Keep `challenge.id` for `verify_factor`; it expires at `challenge.expires_at`.
    /// # Ok(()) }
    /// ```
    pub async fn challenge(
        &self,
        access_token: &str,
        factor_id: &str,
    ) -> Result<Challenge, ApiError> {
        let path = factor_path(factor_id, "/challenge");
        self.send(Method::Post, &path, Some(access_token), json(&ChallengeBody {})).await
    }

    /// `POST /factors/{id}/verify`: on success the same session becomes aal2 (new tokens).
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, GoTrue, User};
    /// # async fn example(api: &GoTrue, access_token: &str, user: &User)
    /// #     -> Result<(), ApiError> {
    /// let factor = user.verified_factors().next().expect("MFA is on");
    /// let challenge = api.challenge(access_token, &factor.id).await?;
    /// let aal2 = api.verify_factor(access_token, &factor.id, &challenge.id, "123456").await?;
    /// // Use `aal2.access_token` from now on: the old one is still aal1.
    /// # Ok(()) }
    /// ```
    pub async fn verify_factor(
        &self,
        access_token: &str,
        factor_id: &str,
        challenge_id: &str,
        code: &str,
    ) -> Result<TokenResponse, ApiError> {
        let path = factor_path(factor_id, "/verify");
        let body = json(&Verify { challenge_id, code });
        self.send(Method::Post, &path, Some(access_token), body).await
    }

    /// `DELETE /factors/{id}`: a verified factor needs an aal2 session.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, ErrorCode, Factor, GoTrue};
    /// # async fn example(api: &GoTrue, aal2_token: &str, factor: &Factor)
    /// #     -> Result<(), ApiError> {
    /// match api.unenroll(aal2_token, &factor.id).await {
    ///     Ok(()) => { /* removed; reload the user to refresh the factor list */ }
    ///     Err(e) if e.is(&ErrorCode::InsufficientAal) => { /* step up first */ }
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn unenroll(&self, access_token: &str, factor_id: &str) -> Result<(), ApiError> {
        let path = factor_path(factor_id, "");
        self.send_raw(Method::Delete, &path, Some(access_token), None).await.map(drop)
    }
}
