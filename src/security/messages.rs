//! The message shown for a failed request of the security screen, by operation and error code
//! (never by the server's text or the HTTP status). Pure.

use crate::api::{ApiError, ErrorCode};
use crate::strings::Strings;

/// The request that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Re-checking the current password (a password sign-in).
    CurrentPassword,
    /// `PUT /user` with the new password.
    ChangePassword,
    /// `PUT /user` with a new address, or confirming it.
    ChangeEmail,
    /// `GET /reauthenticate` (emailing the nonce).
    SendNonce,
    /// `POST /factors` (TOTP or phone).
    Enroll,
    /// `POST /factors/{id}/challenge` (sends the SMS of a phone factor).
    #[cfg_attr(not(feature = "phone"), allow(dead_code))]
    Challenge,
    /// `POST /factors/{id}/verify` for a new factor.
    VerifyNew,
    /// `DELETE /factors/{id}`.
    Remove,
    /// `POST /logout`.
    SignOut,
    /// Connecting or disconnecting a sign-in method (`/user/identities`).
    #[cfg_attr(not(feature = "social"), allow(dead_code))]
    Identity,
}

/// The message for `err` during `op`.
pub fn message(s: &Strings, op: Op, err: &ApiError) -> String {
    let code = err.code();
    let is = |c: ErrorCode| code == Some(&c);
    let specific = match op {
        Op::CurrentPassword if is(ErrorCode::InvalidCredentials) => Some(s.err_current_password),
        Op::ChangePassword | Op::CurrentPassword if is(ErrorCode::UserSsoManaged) => {
            Some(s.err_sso_managed)
        }
        Op::ChangePassword if is(ErrorCode::ValidationFailed) => Some(s.err_password_checks),
        Op::ChangePassword | Op::SendNonce if is(ErrorCode::EmailNotConfirmed) => {
            Some(s.err_email_not_confirmed)
        }
        Op::ChangeEmail if is(ErrorCode::EmailExists) => Some(s.err_email_taken),
        Op::ChangeEmail if is(ErrorCode::ValidationFailed) | is(ErrorCode::EmailAddressInvalid) => {
            Some(s.err_email_invalid)
        }
        Op::Enroll if is(ErrorCode::ValidationFailed) => Some(s.err_phone_invalid),
        Op::Enroll | Op::Remove | Op::Identity if is(ErrorCode::InsufficientAal) => {
            Some(s.err_step_up_failed)
        }
        Op::ChangePassword | Op::ChangeEmail if is(ErrorCode::InsufficientAal) => {
            Some(s.err_step_up_failed)
        }
        Op::Challenge | Op::VerifyNew | Op::Remove if is(ErrorCode::MfaFactorNotFound) => {
            Some(s.err_factor_gone)
        }
        Op::VerifyNew if is(ErrorCode::MfaIpAddressMismatch) => Some(s.err_mfa_mismatch),
        Op::VerifyNew if is(ErrorCode::MfaVerificationRejected) => Some(s.err_mfa_rejected),
        Op::VerifyNew if is(ErrorCode::ValidationFailed) => Some(s.err_mfa_failed),
        _ => None,
    };
    match specific {
        Some(text) => text.to_owned(),
        None => s.error(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::AuthError;

    fn err(code: &str) -> ApiError {
        ApiError::Auth(AuthError {
            code: ErrorCode::parse(code),
            message: "server text that must not be shown".into(),
            status: 422,
            weak_reasons: vec![],
            retry_after_secs: Some(42),
        })
    }

    #[test]
    fn wrong_current_password_is_not_a_sign_in_failure() {
        let s = &Strings::EN;
        assert_eq!(
            message(s, Op::CurrentPassword, &err("invalid_credentials")),
            s.err_current_password
        );
        assert_eq!(
            message(s, Op::ChangePassword, &err("current_password_invalid")),
            s.err_current_password
        );
    }

    #[test]
    fn context_specific_messages() {
        let s = &Strings::EN;
        let table = [
            (Op::Enroll, "validation_failed", s.err_phone_invalid),
            (Op::Enroll, "mfa_verified_factor_exists", s.err_phone_exists),
            (Op::Enroll, "mfa_factor_name_conflict", s.err_factor_name),
            (Op::Enroll, "too_many_enrolled_mfa_factors", s.err_too_many_factors),
            (Op::Enroll, "mfa_phone_enroll_not_enabled", s.err_factor_disabled),
            (Op::Enroll, "insufficient_aal", s.err_step_up_failed),
            (Op::VerifyNew, "mfa_verification_failed", s.err_mfa_failed),
            (Op::VerifyNew, "mfa_challenge_expired", s.err_mfa_expired),
            (Op::VerifyNew, "mfa_ip_address_mismatch", s.err_mfa_mismatch),
            (Op::VerifyNew, "mfa_factor_not_found", s.err_factor_gone),
            (Op::Remove, "mfa_factor_not_found", s.err_factor_gone),
            (Op::ChangePassword, "same_password", s.err_same_password),
            (Op::ChangePassword, "weak_password", s.err_weak_password),
            (Op::ChangePassword, "reauthentication_not_valid", s.err_nonce_invalid),
            (Op::ChangePassword, "user_sso_managed", s.err_sso_managed),
            (Op::ChangePassword, "validation_failed", s.err_password_checks),
            (Op::SendNonce, "email_not_confirmed", s.err_email_not_confirmed),
            (Op::ChangeEmail, "email_exists", s.err_email_taken),
            (Op::ChangeEmail, "email_address_invalid", s.err_email_invalid),
            (Op::ChangeEmail, "validation_failed", s.err_email_invalid),
            (Op::ChangeEmail, "insufficient_aal", s.err_step_up_failed),
            (Op::ChangeEmail, "otp_expired", s.err_otp_expired),
            (Op::SignOut, "session_not_found", s.err_session),
            (Op::Remove, "something_new", s.err_unknown),
        ];
        for (op, code, want) in table {
            assert_eq!(message(s, op, &err(code)), want, "{op:?} {code}");
        }
    }

    #[test]
    fn rate_limits_say_how_long() {
        let s = &Strings::EN;
        let m = message(s, Op::Challenge, &err("over_sms_send_rate_limit"));
        assert!(m.contains("42"), "{m}");
        assert!(!m.contains("server text"));
    }

    #[test]
    fn network_errors() {
        let s = &Strings::EN;
        assert_eq!(message(s, Op::Remove, &ApiError::Transport("x".into())), s.err_network);
    }
}
