//! The shapes GoTrue answers with (only the fields the product reads).

use crate::json::{self, FromJson, Names, Object, Value};

/// A session as returned by `POST /token`, `POST /verify` and `POST /factors/{id}/verify`.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenResponse {
    /// The access token (a JWT).
    pub access_token: String,
    /// The opaque, single-use refresh token.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Unix time at which the access token expires.
    pub expires_at: Option<i64>,
    /// The signed-in user.
    pub user: User,
}

/// A GoTrue user (`GET /user`).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct User {
    /// The user's id (UUID).
    pub id: String,
    /// Email address, `""` when none.
    pub email: String,
    /// Phone number without `+`, `""` when none.
    pub phone: String,
    /// Every factor, verified or not.
    pub factors: Vec<Factor>,
    /// The address an email change waits to confirm, `""` when none.
    pub new_email: String,
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
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Factor {
    /// Factor id (UUID).
    pub id: String,
    /// What kind of factor it is.
    pub factor_type: FactorType,
    /// Whether its enrolment was completed.
    pub status: FactorStatus,
    /// The name the user gave it.
    pub friendly_name: Option<String>,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// The phone number of a phone factor.
    pub phone: String,
}

impl Factor {
    /// Whether this factor completed enrolment.
    pub fn is_verified(&self) -> bool {
        self.status == FactorStatus::Verified
    }

    /// Whether this is an SMS (phone) factor.
    pub fn is_phone(&self) -> bool {
        self.factor_type == FactorType::Phone
    }

    /// Whether this is a security key (WebAuthn) factor.
    pub fn is_webauthn(&self) -> bool {
        self.factor_type == FactorType::Webauthn
    }
}

/// The kind of an MFA factor (GoTrue's `factor_type`). A kind this crate does not know is kept
/// verbatim in [`FactorType::Other`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FactorType {
    /// An authenticator app (`totp`).
    Totp,
    /// SMS codes to a phone (`phone`).
    Phone,
    /// A security key or platform authenticator (`webauthn`).
    Webauthn,
    /// Any other kind, verbatim.
    Other(String),
}

/// Whether an MFA factor's enrolment was completed (GoTrue's `status`). A status this crate
/// does not know is kept verbatim in [`FactorStatus::Other`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum FactorStatus {
    /// Enrolled and usable (`verified`).
    Verified,
    /// Enrolment started but not completed (`unverified`).
    #[default]
    Unverified,
    /// Any other status, verbatim.
    Other(String),
}

impl FactorType {
    const NAMES: &Names<FactorType> = &[
        (FactorType::Totp, "totp"),
        (FactorType::Phone, "phone"),
        (FactorType::Webauthn, "webauthn"),
    ];

    /// The wire name, e.g. `totp`.
    pub fn as_str(&self) -> &str {
        match self {
            FactorType::Other(s) => s,
            known => json::name_of(Self::NAMES, known),
        }
    }
}

impl From<&str> for FactorType {
    /// Reads a wire name; an unknown one is kept in [`FactorType::Other`].
    fn from(s: &str) -> Self {
        json::variant(Self::NAMES, s).unwrap_or_else(|| FactorType::Other(s.to_owned()))
    }
}

impl Default for FactorType {
    fn default() -> Self {
        FactorType::Other(String::new())
    }
}

impl FactorStatus {
    const NAMES: &Names<FactorStatus> =
        &[(FactorStatus::Verified, "verified"), (FactorStatus::Unverified, "unverified")];

    /// The wire name, e.g. `verified`.
    pub fn as_str(&self) -> &str {
        match self {
            FactorStatus::Other(s) => s,
            known => json::name_of(Self::NAMES, known),
        }
    }
}

impl From<&str> for FactorStatus {
    /// Reads a wire name; an unknown one is kept in [`FactorStatus::Other`].
    fn from(s: &str) -> Self {
        json::variant(Self::NAMES, s).unwrap_or_else(|| FactorStatus::Other(s.to_owned()))
    }
}

/// The answer to `POST /factors`.
#[derive(Clone, Debug, PartialEq)]
pub struct Enrolled {
    /// The new (unverified) factor's id.
    pub id: String,
    /// `totp` or `phone`.
    pub factor_type: String,
    /// TOTP details (QR code, secret, URI) for a TOTP factor.
    pub totp: Option<TotpEnrollment>,
}

/// The TOTP part of an enrolment. The secret is shown once and never stored by this crate.
#[derive(Clone, Debug, PartialEq)]
pub struct TotpEnrollment {
    /// Base32 secret.
    pub secret: String,
    /// The `otpauth://` URI for authenticator apps.
    pub uri: String,
}

/// The answer to `POST /factors/{id}/challenge`.
#[derive(Clone, Debug, PartialEq)]
pub struct Challenge {
    /// Challenge id (UUID).
    pub id: String,
    /// Unix time after which the challenge expires.
    pub expires_at: i64,
}

/// The body of `PUT /user` (only the fields this product changes).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserUpdate {
    /// New password.
    pub password: Option<String>,
    /// The current password, when the server requires it.
    pub current_password: Option<String>,
    /// The reauthentication nonce from `GET /reauthenticate`.
    pub nonce: Option<String>,
    /// A new address: an email change, or an anonymous user's conversion.
    pub email: Option<String>,
    /// Profile changes: a JSON object's text, merged into `user_metadata`.
    pub data: Option<String>,
}

impl FromJson for TokenResponse {
    fn from_json(v: &Value) -> Option<Self> {
        Some(TokenResponse {
            access_token: v.string("access_token")?,
            refresh_token: v.string("refresh_token")?,
            expires_in: v.int_at("expires_in").unwrap_or(0),
            expires_at: v.int_at("expires_at"),
            user: User::from_json(v.get("user")?)?,
        })
    }
}

impl FromJson for User {
    fn from_json(v: &Value) -> Option<Self> {
        let factors = v.items("factors").iter().map(Factor::from_json);
        Some(User {
            id: v.string("id")?,
            email: v.text("email"),
            phone: v.text("phone"),
            factors: factors.collect::<Option<_>>()?,
            new_email: v.text("new_email"),
        })
    }
}

impl User {
    /// The fields this crate reads, as JSON (what it stores).
    pub(crate) fn to_json(&self) -> String {
        let factors = json::array(self.factors.iter().map(Factor::to_json));
        let user = Object::new().str("id", &self.id).str("email", &self.email);
        let user = user.str("phone", &self.phone).str("new_email", &self.new_email);
        user.raw("factors", &factors).finish()
    }
}

impl FromJson for Factor {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Factor {
            id: v.string("id")?,
            factor_type: v.get("factor_type")?.as_str()?.into(),
            status: v.get("status")?.as_str()?.into(),
            friendly_name: v.string("friendly_name"),
            created_at: v.text("created_at"),
            phone: v.text("phone"),
        })
    }
}

impl Factor {
    fn to_json(&self) -> String {
        let f = Object::new().str("id", &self.id).str("factor_type", self.factor_type.as_str());
        let f = f.str("status", self.status.as_str());
        let f = f.opt_str("friendly_name", self.friendly_name.as_deref());
        f.str("created_at", &self.created_at).str("phone", &self.phone).finish()
    }
}

impl FromJson for Enrolled {
    fn from_json(v: &Value) -> Option<Self> {
        let totp = match v.get("totp") {
            None | Some(Value::Null) => None,
            Some(t) => Some(TotpEnrollment { secret: t.string("secret")?, uri: t.string("uri")? }),
        };
        Some(Enrolled { id: v.string("id")?, factor_type: v.string("type")?, totp })
    }
}

impl FromJson for Challenge {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Challenge { id: v.string("id")?, expires_at: v.int_at("expires_at").unwrap_or(0) })
    }
}

impl UserUpdate {
    /// The request body.
    pub(crate) fn to_json(&self) -> String {
        let body = Object::new().opt_str("password", self.password.as_deref());
        let body = body.opt_str("current_password", self.current_password.as_deref());
        let body = body.opt_str("nonce", self.nonce.as_deref());
        let body = body.opt_str("email", self.email.as_deref());
        match &self.data {
            Some(d) => body.raw("data", d),
            None => body,
        }
        .finish()
    }
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
