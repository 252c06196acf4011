//! The shapes GoTrue answers with (only the fields the product reads).

use serde::{Deserialize, Serialize};

/// A session as returned by `POST /token`, `POST /verify` and `POST /factors/{id}/verify`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token (a JWT).
    pub access_token: String,
    /// The opaque, single-use refresh token.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    #[serde(default)]
    pub expires_in: i64,
    /// Unix time at which the access token expires.
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// The signed-in user.
    pub user: User,
}

/// A GoTrue user (`GET /user`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's id (UUID).
    pub id: String,
    /// Email address, `""` when none.
    #[serde(default)]
    pub email: String,
    /// Phone number without `+`, `""` when none.
    #[serde(default)]
    pub phone: String,
    /// Every factor, verified or not.
    #[serde(default)]
    pub factors: Vec<Factor>,
}

impl User {
    /// The user's verified factors.
    pub fn verified_factors(&self) -> impl Iterator<Item = &Factor> {
        self.factors.iter().filter(|f| f.is_verified())
    }

    /// Whether the user has at least one verified factor (MFA is on).
    pub fn has_verified_factor(&self) -> bool {
        self.verified_factors().next().is_some()
    }
}

/// An MFA factor of a user.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// Factor id (UUID).
    pub id: String,
    /// `totp`, `phone` or `webauthn`.
    pub factor_type: String,
    /// `verified` or `unverified`.
    pub status: String,
    /// The name the user gave it.
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// Creation time (RFC 3339).
    #[serde(default)]
    pub created_at: String,
    /// The phone number of a phone factor.
    #[serde(default)]
    pub phone: String,
}

impl Factor {
    /// Whether this factor completed enrolment.
    pub fn is_verified(&self) -> bool {
        self.status == "verified"
    }

    /// Whether this is an SMS (phone) factor.
    pub fn is_phone(&self) -> bool {
        self.factor_type == "phone"
    }

    /// Whether this is a security key (WebAuthn) factor.
    pub fn is_webauthn(&self) -> bool {
        self.factor_type == "webauthn"
    }
}

/// The answer to `POST /factors`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Enrolled {
    /// The new (unverified) factor's id.
    pub id: String,
    /// `totp` or `phone`.
    #[serde(rename = "type")]
    pub factor_type: String,
    /// TOTP details (QR code, secret, URI) for a TOTP factor.
    #[serde(default)]
    pub totp: Option<TotpEnrollment>,
}

/// The TOTP part of an enrolment. The secret is shown once and never stored by this crate.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TotpEnrollment {
    /// Base32 secret.
    pub secret: String,
    /// The `otpauth://` URI for authenticator apps.
    pub uri: String,
}

/// The answer to `POST /factors/{id}/challenge`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Challenge {
    /// Challenge id (UUID).
    pub id: String,
    /// Unix time after which the challenge expires.
    #[serde(default)]
    pub expires_at: i64,
}

/// The body of `PUT /user` (only the fields this product changes).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UserUpdate {
    /// New password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The current password, when the server requires it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
    /// The reauthentication nonce from `GET /reauthenticate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// Which sessions `POST /logout` ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogoutScope {
    /// Only this session.
    Local,
    /// Every session of the user.
    Global,
    /// Every session but this one.
    Others,
}

impl LogoutScope {
    /// The `scope` query value.
    pub fn as_str(self) -> &'static str {
        match self {
            LogoutScope::Local => "local",
            LogoutScope::Global => "global",
            LogoutScope::Others => "others",
        }
    }
}
