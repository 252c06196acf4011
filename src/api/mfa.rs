//! MFA factors: enrol, challenge, verify, unenrol.

use super::client::{GoTrue, Method};
use super::{ApiError, Challenge, Enrolled, TokenResponse};
use crate::json::Object;

/// The body of `POST /factors`.
pub(super) fn enroll_body(factor_type: &str, friendly_name: &str, phone: Option<&str>) -> String {
    let body = Object::new().str("factor_type", factor_type).str("friendly_name", friendly_name);
    body.opt_str("phone", phone).finish()
}

fn factor_path(id: &str, tail: &str) -> String {
    ["/factors/", id, tail].concat()
}

impl GoTrue {
    /// `POST /factors` for a TOTP factor: answers the secret and `otpauth://` URI (shown once).
    pub async fn enroll_totp(
        &self,
        access_token: &str,
        friendly_name: &str,
    ) -> Result<Enrolled, ApiError> {
        let body = Some(enroll_body("totp", friendly_name, None));
        self.send(Method::Post, "/factors", Some(access_token), body).await
    }

    /// `POST /factors` for a phone (SMS) factor with an E.164 number.
    #[cfg(feature = "phone")]
    pub async fn enroll_phone(
        &self,
        access_token: &str,
        friendly_name: &str,
        phone: &str,
    ) -> Result<Enrolled, ApiError> {
        let body = Some(enroll_body("phone", friendly_name, Some(phone)));
        self.send(Method::Post, "/factors", Some(access_token), body).await
    }

    /// `POST /factors/{id}/challenge`: for a phone factor this sends the SMS.
    pub async fn challenge(
        &self,
        access_token: &str,
        factor_id: &str,
    ) -> Result<Challenge, ApiError> {
        let path = factor_path(factor_id, "/challenge");
        self.send(Method::Post, &path, Some(access_token), Some("{}".into())).await
    }

    /// `POST /factors/{id}/verify`: on success the same session becomes aal2 (new tokens).
    pub async fn verify_factor(
        &self,
        access_token: &str,
        factor_id: &str,
        challenge_id: &str,
        code: &str,
    ) -> Result<TokenResponse, ApiError> {
        let path = factor_path(factor_id, "/verify");
        let body = Object::new().str("challenge_id", challenge_id).str("code", code).finish();
        self.send(Method::Post, &path, Some(access_token), Some(body)).await
    }

    /// `DELETE /factors/{id}`: a verified factor needs an aal2 session.
    pub async fn unenroll(&self, access_token: &str, factor_id: &str) -> Result<(), ApiError> {
        let path = factor_path(factor_id, "");
        self.send_raw(Method::Delete, &path, Some(access_token), None).await.map(drop)
    }
}
