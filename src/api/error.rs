//! The API layer's single error type, and parsing of GoTrue error responses.
//!
//! GoTrue answers errors in three shapes (see `gotrue-api.md` §1.2): the 2024 shape
//! `{"code": "x", "message": ".."}`, the legacy shape
//! `{"code": 400, "error_code": "x", "msg": ".."}` and the OAuth shape
//! `{"error": "x", "error_description": ".."}`. [`parse_error`] accepts all three and non-JSON
//! bodies. Decisions key on [`ErrorCode`], never on the message text or status.

use std::fmt;

use crate::json::{self, Value};

macro_rules! error_codes {
    ($($(#[$doc:meta])* $name:ident = $s:literal,)*) => {
        /// A GoTrue `error_code`. Unrecognised codes are kept verbatim in [`ErrorCode::Other`].
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* $name,)*
            /// Any code not listed above, verbatim.
            Other(String),
        }

        impl ErrorCode {
            /// Parses a wire code; `""` gives [`ErrorCode::Unknown`].
            pub fn parse(s: &str) -> ErrorCode {
                match s {
                    $($s => ErrorCode::$name,)*
                    "" => ErrorCode::Unknown,
                    other => ErrorCode::Other(other.to_owned()),
                }
            }

            /// The wire code.
            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$name => $s,)*
                    ErrorCode::Other(s) => s,
                }
            }
        }
    };
}

error_codes! {
    /// Body is not valid JSON for the endpoint.
    BadJson = "bad_json",
    /// Missing or invalid fields.
    ValidationFailed = "validation_failed",
    /// No bearer token, or an anonymous user on `/factors`.
    NoAuthorization = "no_authorization",
    /// JWT signature, expiry or claims rejected.
    BadJwt = "bad_jwt",
    /// The token's user no longer exists.
    UserNotFound = "user_not_found",
    /// The token's session no longer exists.
    SessionNotFound = "session_not_found",
    /// Session timed out (timebox, inactivity, low AAL, single session).
    SessionExpired = "session_expired",
    /// Unknown refresh token.
    RefreshTokenNotFound = "refresh_token_not_found",
    /// Refresh token reused outside the allowed window.
    RefreshTokenAlreadyUsed = "refresh_token_already_used",
    /// Too many concurrent refreshes.
    Conflict = "conflict",
    /// Wrong email/password, or unsupported grant.
    InvalidCredentials = "invalid_credentials",
    /// Email not confirmed.
    EmailNotConfirmed = "email_not_confirmed",
    /// Phone not confirmed.
    PhoneNotConfirmed = "phone_not_confirmed",
    /// User is banned.
    UserBanned = "user_banned",
    /// Email provider disabled.
    EmailProviderDisabled = "email_provider_disabled",
    /// Phone provider disabled.
    PhoneProviderDisabled = "phone_provider_disabled",
    /// Sign-ups are disabled.
    SignupDisabled = "signup_disabled",
    /// A sign-in code for an unknown address while sign-up by code is off.
    OtpDisabled = "otp_disabled",
    /// A user with this identifier already exists (sign-up).
    UserAlreadyExists = "user_already_exists",
    /// CAPTCHA missing or invalid.
    CaptchaFailed = "captcha_failed",
    /// Email address not allowed to receive mail.
    EmailAddressNotAuthorized = "email_address_not_authorized",
    /// Email address rejected.
    EmailAddressInvalid = "email_address_invalid",
    /// Email frequency limit or global email budget reached.
    OverEmailSendRateLimit = "over_email_send_rate_limit",
    /// SMS frequency limit reached.
    OverSmsSendRateLimit = "over_sms_send_rate_limit",
    /// IP request limit reached.
    OverRequestRateLimit = "over_request_rate_limit",
    /// OTP or link wrong, expired or already used.
    OtpExpired = "otp_expired",
    /// PKCE flow state missing.
    FlowStateNotFound = "flow_state_not_found",
    /// PKCE flow state too old.
    FlowStateExpired = "flow_state_expired",
    /// PKCE verifier does not match.
    BadCodeVerifier = "bad_code_verifier",
    /// Password fails the strength policy (see `AuthError::weak_reasons`).
    WeakPassword = "weak_password",
    /// New password equals the current one.
    SamePassword = "same_password",
    /// Password change needs a reauthentication nonce.
    ReauthenticationNeeded = "reauthentication_needed",
    /// Reauthentication nonce wrong or expired.
    ReauthenticationNotValid = "reauthentication_not_valid",
    /// auth-js name for a missing nonce (not emitted by current servers).
    ReauthNonceMissing = "reauth_nonce_missing",
    /// Current password required to set a new one.
    CurrentPasswordRequired = "current_password_required",
    /// Current password is wrong.
    CurrentPasswordInvalid = "current_password_invalid",
    /// The session must be `aal2` for this.
    InsufficientAal = "insufficient_aal",
    /// SSO users cannot change credentials.
    UserSsoManaged = "user_sso_managed",
    /// The new email is taken.
    EmailExists = "email_exists",
    /// The new phone is taken.
    PhoneExists = "phone_exists",
    /// Admin rights required.
    NotAdmin = "not_admin",
    /// Unknown factor or challenge.
    MfaFactorNotFound = "mfa_factor_not_found",
    /// Duplicate factor friendly name.
    MfaFactorNameConflict = "mfa_factor_name_conflict",
    /// Factor limit reached.
    TooManyEnrolledMfaFactors = "too_many_enrolled_mfa_factors",
    /// A verified phone factor for this number exists.
    MfaVerifiedFactorExists = "mfa_verified_factor_exists",
    /// TOTP enrollment disabled.
    MfaTotpEnrollNotEnabled = "mfa_totp_enroll_not_enabled",
    /// Phone enrollment disabled.
    MfaPhoneEnrollNotEnabled = "mfa_phone_enroll_not_enabled",
    /// WebAuthn enrollment disabled.
    MfaWebauthnEnrollNotEnabled = "mfa_webauthn_enroll_not_enabled",
    /// TOTP verification disabled.
    MfaTotpVerifyNotEnabled = "mfa_totp_verify_not_enabled",
    /// Phone verification disabled.
    MfaPhoneVerifyNotEnabled = "mfa_phone_verify_not_enabled",
    /// WebAuthn verification disabled.
    MfaWebauthnVerifyNotEnabled = "mfa_webauthn_verify_not_enabled",
    /// The browser's WebAuthn credential did not verify (passkeys).
    WebauthnVerificationFailed = "webauthn_verification_failed",
    /// Unknown or already used passkey challenge.
    WebauthnChallengeNotFound = "webauthn_challenge_not_found",
    /// The passkey challenge expired.
    WebauthnChallengeExpired = "webauthn_challenge_expired",
    /// Challenge from another IP, or already verified.
    MfaIpAddressMismatch = "mfa_ip_address_mismatch",
    /// Challenge expired.
    MfaChallengeExpired = "mfa_challenge_expired",
    /// Wrong MFA code.
    MfaVerificationFailed = "mfa_verification_failed",
    /// A verification hook rejected the attempt.
    MfaVerificationRejected = "mfa_verification_rejected",
    /// Request body too large.
    RequestEntityTooLarge = "request_entity_too_large",
    /// Server error.
    UnexpectedFailure = "unexpected_failure",
    /// The server gave no code.
    Unknown = "unknown",
}

/// An error answer from GoTrue.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthError {
    /// The error code.
    pub code: ErrorCode,
    /// The server's message (may be empty); for display or logs only.
    pub message: String,
    /// HTTP status.
    pub status: u16,
    /// `weak_password.reasons` (`length`, `characters`, `pwned`), if any.
    pub weak_reasons: Vec<String>,
    /// Seconds to wait before retrying, from `Retry-After` or the rate-limit message.
    pub retry_after_secs: Option<u32>,
}

/// Why the browser's security-key or passkey prompt (`navigator.credentials`) gave no
/// credential. Nothing was sent to the server; the user can try again.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthenticatorError {
    /// The user closed the prompt, or it timed out (`NotAllowedError`; browsers do not tell
    /// the two apart), or no authenticator here holds a matching credential.
    Cancelled,
    /// The prompt gave no answer in time and was abandoned.
    TimedOut,
    /// The authenticator already holds a credential for this account (`InvalidStateError`).
    AlreadyRegistered,
    /// This browser or page cannot use WebAuthn (no API, not a secure context, an RP id that
    /// does not match the address: `NotSupportedError`, `SecurityError`).
    Unavailable,
    /// Any other failure, with the browser's error name.
    Other(String),
}

impl AuthenticatorError {
    /// Classifies a `DOMException` by its `name`.
    pub fn from_name(name: &str) -> Self {
        match name {
            "NotAllowedError" | "AbortError" => AuthenticatorError::Cancelled,
            "InvalidStateError" => AuthenticatorError::AlreadyRegistered,
            "NotSupportedError" | "SecurityError" => AuthenticatorError::Unavailable,
            other => AuthenticatorError::Other(other.to_owned()),
        }
    }
}

/// Everything an API call or store command can fail with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiError {
    /// The request did not complete (offline, CORS, aborted).
    Transport(String),
    /// The server answered with an error.
    Auth(AuthError),
    /// A success response could not be decoded.
    Decode(String),
    /// The browser's authenticator prompt failed (security keys, passkeys).
    Authenticator(AuthenticatorError),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Transport(m) => {
                f.write_str("network error: ")?;
                f.write_str(m)
            }
            ApiError::Auth(e) if e.message.is_empty() => f.write_str(e.code.as_str()),
            ApiError::Auth(e) => f.write_str(&e.message),
            ApiError::Decode(m) => {
                f.write_str("unexpected response: ")?;
                f.write_str(m)
            }
            ApiError::Authenticator(e) => write!(f, "authenticator: {e:?}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        ApiError::Auth(e)
    }
}

impl ApiError {
    /// The server's error code, if the server answered.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            ApiError::Auth(e) => Some(&e.code),
            _ => None,
        }
    }

    /// True if the server answered with `code`.
    pub fn is(&self, code: &ErrorCode) -> bool {
        self.code() == Some(code)
    }

    /// True for transport failures and the statuses auth-js retries (500–504, 520–530).
    pub fn is_network(&self) -> bool {
        match self {
            ApiError::Transport(_) => true,
            ApiError::Auth(e) => matches!(e.status, 500..=504 | 520..=530),
            ApiError::Decode(_) | ApiError::Authenticator(_) => false,
        }
    }

    /// Seconds to wait before retrying, when the server said so.
    pub fn retry_after_secs(&self) -> Option<u32> {
        match self {
            ApiError::Auth(e) => e.retry_after_secs,
            _ => None,
        }
    }
}

/// Builds an [`AuthError`] from an error response's status, `Retry-After` header and body.
///
/// Code: the string `code` (2024 shape), else `error_code` (legacy), else `error` (OAuth);
/// without one, `over_request_rate_limit` for 429, `request_entity_too_large` for 413,
/// otherwise `unknown`. Message: `msg`, `message`, `error_description`, then `error` (like
/// auth-js); for non-JSON bodies the trimmed body, cut to 200 bytes.
pub fn parse_error(status: u16, retry_after_header: Option<&str>, body: &str) -> AuthError {
    let json = json::parse(body);
    let obj = json.as_ref().filter(|v| matches!(v, Value::Object(_)));
    let field =
        |k: &str| obj.and_then(|o| o.get(k)).and_then(Value::as_str).filter(|s| !s.is_empty());
    let code = match field("code").or_else(|| field("error_code")).or_else(|| field("error")) {
        Some(c) => ErrorCode::parse(c),
        None => match status {
            429 => ErrorCode::OverRequestRateLimit,
            413 => ErrorCode::RequestEntityTooLarge,
            _ => ErrorCode::Unknown,
        },
    };
    let message = match obj {
        Some(_) => ["msg", "message", "error_description", "error"]
            .iter()
            .find_map(|k| field(k))
            .unwrap_or_default()
            .to_owned(),
        None => truncate(body.trim(), 200).to_owned(),
    };
    let weak_reasons = obj
        .and_then(|o| o.get("weak_password"))
        .and_then(|w| w.get("reasons"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|r| r.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let retry_after_secs =
        retry_after_header.and_then(|h| h.trim().parse().ok()).or_else(|| seconds_in(&message));
    AuthError { code, message, status, weak_reasons, retry_after_secs }
}

/// [`parse_error`] for the client: in the split app (feature `split`) a part of its own,
/// `errors`, fetched with the first error answer (the code table is the biggest piece of this
/// module, and a page that meets no error never needs it). Should that fetch fail, the error
/// keeps its status and says `unknown`.
pub(crate) async fn parse_answer(
    status: u16,
    retry_after: Option<String>,
    body: String,
) -> AuthError {
    #[cfg(feature = "split")]
    return errors::parse(status, retry_after, body).await.unwrap_or_else(|_| AuthError {
        code: ErrorCode::Unknown,
        message: String::new(),
        status,
        weak_reasons: Vec::new(),
        retry_after_secs: None,
    });
    #[cfg(not(feature = "split"))]
    parse_error(status, retry_after.as_deref(), &body)
}

/// The split point of [`parse_answer`] (it returns data, not a view: declared by hand).
#[cfg(feature = "split")]
#[allow(unsafe_code, improper_ctypes_definitions)]
mod errors {
    use super::AuthError;
    use leptos::wasm_split::SplitLoaderError;

    #[leptos::wasm_split::wasm_split(errors, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn parse(
        status: u16,
        retry_after: Option<String>,
        body: String,
    ) -> Result<AuthError, SplitLoaderError> {
        Ok(super::parse_error(status, retry_after.as_deref(), &body))
    }
}

fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The `N` in "... after N second(s)".
fn seconds_in(msg: &str) -> Option<u32> {
    msg.match_indices("after ").find_map(|(i, m)| {
        let rest = &msg[i + m.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || !rest[digits..].starts_with(" second") {
            return None;
        }
        rest[..digits].parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, body: &str) -> AuthError {
        parse_error(status, None, body)
    }

    #[test]
    fn real_2024_bodies() {
        // From fidelity/real-gotrue/default.jsonl.
        let cases: &[(u16, &str, ErrorCode, &str)] = &[
            (
                422,
                r#"{"code": "user_already_exists", "message": "User already registered"}"#,
                ErrorCode::UserAlreadyExists,
                "User already registered",
            ),
            (
                422,
                r#"{"code": "mfa_verification_failed", "message": "Invalid MFA Phone code entered"}"#,
                ErrorCode::MfaVerificationFailed,
                "Invalid MFA Phone code entered",
            ),
            (
                404,
                r#"{"code": "mfa_factor_not_found", "message": "Factor not found"}"#,
                ErrorCode::MfaFactorNotFound,
                "Factor not found",
            ),
            (
                404,
                r#"{"code": "validation_failed", "message": "factor_id must be an UUID"}"#,
                ErrorCode::ValidationFailed,
                "factor_id must be an UUID",
            ),
            (
                400,
                r#"{"code": "refresh_token_already_used", "message": "Invalid Refresh Token: Already Used"}"#,
                ErrorCode::RefreshTokenAlreadyUsed,
                "Invalid Refresh Token: Already Used",
            ),
            (
                403,
                r#"{"code": "session_not_found", "message": "Session from session_id claim in JWT does not exist"}"#,
                ErrorCode::SessionNotFound,
                "Session from session_id claim in JWT does not exist",
            ),
            (
                403,
                r#"{"code": "otp_expired", "message": "Email link is invalid or has expired"}"#,
                ErrorCode::OtpExpired,
                "Email link is invalid or has expired",
            ),
            (
                400,
                r#"{"code": "bad_code_verifier", "message": "code challenge does not match previously saved code verifier"}"#,
                ErrorCode::BadCodeVerifier,
                "code challenge does not match previously saved code verifier",
            ),
            (
                404,
                r#"{"code": "flow_state_not_found", "message": "invalid flow state, no valid flow state found"}"#,
                ErrorCode::FlowStateNotFound,
                "invalid flow state, no valid flow state found",
            ),
            (
                401,
                r#"{"code": "insufficient_aal", "message": "AAL2 session is required to update email or password when MFA is enabled."}"#,
                ErrorCode::InsufficientAal,
                "AAL2 session is required to update email or password when MFA is enabled.",
            ),
            (
                400,
                r#"{"code": "current_password_required", "message": "Current password required when setting new password."}"#,
                ErrorCode::CurrentPasswordRequired,
                "Current password required when setting new password.",
            ),
        ];
        for (status, body, code, message) in cases {
            let e = err(*status, body);
            assert_eq!(&e.code, code, "{body}");
            assert_eq!(e.message, *message);
            assert_eq!(e.status, *status);
            assert!(e.weak_reasons.is_empty());
            assert_eq!(e.retry_after_secs, None);
        }
    }

    #[test]
    fn weak_password() {
        let e = err(
            422,
            r#"{"code": "weak_password", "message": "Password should be at least 6 characters.", "weak_password": {"reasons": ["length"]}}"#,
        );
        assert_eq!(e.code, ErrorCode::WeakPassword);
        assert_eq!(e.weak_reasons, ["length"]);
        let e = err(
            422,
            r#"{"code":422,"error_code":"weak_password","msg":"x","weak_password":{"reasons":["characters","pwned",3]}}"#,
        );
        assert_eq!(e.weak_reasons, ["characters", "pwned"]);
    }

    #[test]
    fn rate_limit_seconds() {
        let e = err(
            429,
            r#"{"code": "over_sms_send_rate_limit", "message": "For security purposes, you can only request this after 46 seconds."}"#,
        );
        assert_eq!(e.code, ErrorCode::OverSmsSendRateLimit);
        assert_eq!(e.retry_after_secs, Some(46));
        let e = err(
            429,
            r#"{"code":"over_email_send_rate_limit","message":"For security purposes, you can only request this after 1 second."}"#,
        );
        assert_eq!(e.retry_after_secs, Some(1));
        let e = err(
            429,
            r#"{"code":"over_email_send_rate_limit","message":"email rate limit exceeded"}"#,
        );
        assert_eq!((e.code.clone(), e.retry_after_secs), (ErrorCode::OverEmailSendRateLimit, None));
        // Header wins over the message; an HTTP-date header falls back to the message.
        let body = r#"{"code":"over_email_send_rate_limit","message":"... after 37 seconds."}"#;
        assert_eq!(parse_error(429, Some(" 12 "), body).retry_after_secs, Some(12));
        assert_eq!(
            parse_error(429, Some("Wed, 21 Oct 2015 07:28:00 GMT"), body).retry_after_secs,
            Some(37)
        );
        assert_eq!(parse_error(429, Some("5"), "").retry_after_secs, Some(5));
        assert_eq!(
            err(400, r#"{"message":"after x seconds, after 9 seconds"}"#).retry_after_secs,
            Some(9)
        );
        assert_eq!(err(400, r#"{"message":"after 99999999999 seconds"}"#).retry_after_secs, None);
    }

    #[test]
    fn legacy_shape() {
        let e = err(
            400,
            r#"{"code":400,"error_code":"invalid_credentials","msg":"Invalid login credentials"}"#,
        );
        assert_eq!(e.code, ErrorCode::InvalidCredentials);
        assert_eq!(e.message, "Invalid login credentials");
        let e = err(
            500,
            r#"{"code":500,"error_code":"unexpected_failure","msg":"Internal Server Error","error_id":"abc"}"#,
        );
        assert_eq!(e.code, ErrorCode::UnexpectedFailure);
        let e = err(400, r#"{"code":400,"msg":"old server"}"#);
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::Unknown, "old server"));
    }

    #[test]
    fn oauth_shape() {
        let e =
            err(400, r#"{"error":"invalid_grant","error_description":"Invalid Refresh Token"}"#);
        assert_eq!(e.code, ErrorCode::Other("invalid_grant".into()));
        assert_eq!(e.message, "Invalid Refresh Token");
        let e = err(400, r#"{"error":"invalid_client"}"#);
        assert_eq!(e.message, "invalid_client");
    }

    #[test]
    fn non_json_and_odd_bodies() {
        assert_eq!(err(429, "Too Many Requests").code, ErrorCode::OverRequestRateLimit);
        assert_eq!(err(429, "").code, ErrorCode::OverRequestRateLimit);
        assert_eq!(err(413, "<html>too big</html>").code, ErrorCode::RequestEntityTooLarge);
        let e = err(502, "  Bad Gateway\n");
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::Unknown, "Bad Gateway"));
        assert_eq!(err(500, "").message, "");
        assert_eq!(err(401, r#"{"message":"Invalid API key"}"#).code, ErrorCode::Unknown);
        assert_eq!(err(400, r#"{"code":"","message":"x"}"#).code, ErrorCode::Unknown);
        assert_eq!(err(400, "[1,2]").code, ErrorCode::Unknown);
        assert_eq!(err(400, "null").code, ErrorCode::Unknown);
        let long = "é".repeat(300);
        let e = err(500, &long);
        assert_eq!(e.message.len(), 200);
        // Message text never decides the code.
        assert_eq!(err(400, r#"{"message":"insufficient_aal"}"#).code, ErrorCode::Unknown);
    }

    #[test]
    fn authenticator_errors_by_name() {
        use AuthenticatorError as A;
        assert_eq!(A::from_name("NotAllowedError"), A::Cancelled);
        assert_eq!(A::from_name("AbortError"), A::Cancelled);
        assert_eq!(A::from_name("InvalidStateError"), A::AlreadyRegistered);
        assert_eq!(A::from_name("SecurityError"), A::Unavailable);
        assert_eq!(A::from_name("NotSupportedError"), A::Unavailable);
        assert_eq!(A::from_name("UnknownError"), A::Other("UnknownError".into()));
        let e = ApiError::Authenticator(A::Cancelled);
        assert!(!e.is_network() && e.code().is_none());
    }

    #[test]
    fn codes_roundtrip() {
        for s in [
            "bad_json",
            "insufficient_aal",
            "mfa_webauthn_verify_not_enabled",
            "webauthn_challenge_expired",
            "unknown",
            "unexpected_failure",
            "reauthentication_needed",
            "too_many_enrolled_mfa_factors",
            "something_new",
        ] {
            assert_eq!(ErrorCode::parse(s).as_str(), s);
        }
        assert_eq!(ErrorCode::parse("same_password"), ErrorCode::SamePassword);
        assert_eq!(ErrorCode::parse("x"), ErrorCode::Other("x".into()));
        assert_eq!(ErrorCode::parse(""), ErrorCode::Unknown);
    }

    #[test]
    fn api_error_helpers() {
        let auth =
            |status| ApiError::Auth(err(status, r#"{"code":"insufficient_aal","message":"m"}"#));
        let e = auth(401);
        assert!(e.is(&ErrorCode::InsufficientAal));
        assert!(!e.is(&ErrorCode::BadJwt));
        assert_eq!(e.code(), Some(&ErrorCode::InsufficientAal));
        assert!(!e.is_network());
        assert_eq!(e.to_string(), "m");
        for s in [500, 502, 504, 520, 530] {
            assert!(auth(s).is_network(), "{s}");
        }
        for s in [400, 429, 499, 505, 519, 531] {
            assert!(!auth(s).is_network(), "{s}");
        }
        let t = ApiError::Transport("offline".into());
        assert!(t.is_network() && t.code().is_none() && !t.is(&ErrorCode::Unknown));
        assert_eq!(t.to_string(), "network error: offline");
        let d = ApiError::Decode("eof".into());
        assert!(!d.is_network());
        assert_eq!(d.to_string(), "unexpected response: eof");
        assert_eq!(ApiError::Auth(err(500, "")).to_string(), "unknown");
        let r: ApiError = parse_error(429, Some("3"), "").into();
        assert_eq!(r.retry_after_secs(), Some(3));
        assert_eq!(t.retry_after_secs(), None);
        let _: &dyn std::error::Error = &r;
    }
}
