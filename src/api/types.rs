//! The shapes GoTrue answers with (only the fields the product reads).

use serde::{Deserialize, Serialize};

/// A session as returned by `POST /token`, `POST /verify` and `POST /factors/{id}/verify`.
///
/// ```
/// use leptos_supabase_auth::api::TokenResponse;
/// let json = r#"{"access_token": "h.p.s", "refresh_token": "r1", "expires_in": 3600,
///     "expires_at": 1700003600, "token_type": "bearer", "user": {"id": "u1"}}"#;
/// let resp: TokenResponse = serde_json::from_str(json).unwrap();
/// assert_eq!((resp.refresh_token.as_str(), resp.expires_in), ("r1", 3600));
/// assert_eq!(resp.user.id, "u1");
/// assert!(resp.user.email.is_empty()); // absent fields default
/// ```
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
///
/// ```
/// use leptos_supabase_auth::api::User;
/// let json = r#"{"id": "u1", "email": "jane@example.com", "factors": [
///     {"id": "f1", "factor_type": "totp", "status": "verified"}]}"#;
/// let user: User = serde_json::from_str(json).unwrap();
/// assert_eq!(user.email, "jane@example.com");
/// assert_eq!(user.factors[0].factor_type, "totp");
/// assert!(user.phone.is_empty());
/// ```
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
    ///
    /// ```
    /// use leptos_supabase_auth::api::{Factor, User};
    /// let factor = |id: &str, status: &str| {
    ///     Factor { id: id.into(), status: status.into(), ..Factor::default() }
    /// };
    /// let user = User { factors: vec![factor("a", "verified"), factor("b", "unverified")],
    ///     ..User::default() };
    /// let ids: Vec<&str> = user.verified_factors().map(|f| f.id.as_str()).collect();
    /// assert_eq!(ids, ["a"]);
    /// ```
    pub fn verified_factors(&self) -> impl Iterator<Item = &Factor> {
        self.factors.iter().filter(|f| f.is_verified())
    }

    /// Whether the user has at least one verified factor (MFA is on).
    ///
    /// ```
    /// use leptos_supabase_auth::api::{Factor, User};
    /// let pending = Factor { status: "unverified".into(), ..Factor::default() };
    /// let mut user = User { factors: vec![pending], ..User::default() };
    /// assert!(!user.has_verified_factor()); // an unfinished enrolment does not turn MFA on
    /// user.factors[0].status = "verified".into();
    /// assert!(user.has_verified_factor());
    /// ```
    pub fn has_verified_factor(&self) -> bool {
        self.verified_factors().next().is_some()
    }
}

/// An MFA factor of a user.
///
/// ```
/// use leptos_supabase_auth::api::Factor;
/// let json = r#"{"id": "f1", "factor_type": "phone", "status": "verified",
///     "friendly_name": "Work phone", "created_at": "2024-05-01T10:00:00Z",
///     "phone": "15551234567"}"#;
/// let factor: Factor = serde_json::from_str(json).unwrap();
/// assert!(factor.is_phone() && factor.is_verified());
/// assert_eq!(factor.friendly_name.as_deref(), Some("Work phone"));
/// ```
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
    ///
    /// ```
    /// use leptos_supabase_auth::api::Factor;
    /// let mut factor = Factor { factor_type: "totp".into(), status: "unverified".into(),
    ///     ..Factor::default() };
    /// assert!(!factor.is_verified());
    /// factor.status = "verified".into();
    /// assert!(factor.is_verified());
    /// ```
    pub fn is_verified(&self) -> bool {
        self.status == "verified"
    }

    /// Whether this is an SMS (phone) factor.
    ///
    /// ```
    /// use leptos_supabase_auth::api::Factor;
    /// let sms = Factor { factor_type: "phone".into(), ..Factor::default() };
    /// let app = Factor { factor_type: "totp".into(), ..Factor::default() };
    /// assert!(sms.is_phone());
    /// assert!(!app.is_phone());
    /// ```
    pub fn is_phone(&self) -> bool {
        self.factor_type == "phone"
    }
}

/// The answer to `POST /factors`.
///
/// ```
/// use leptos_supabase_auth::api::Enrolled;
/// let json = r#"{"id": "f1", "type": "totp", "friendly_name": "Phone app",
///     "totp": {"qr_code": "data:image/svg+xml;...", "secret": "JBSWY3DPEHPK3PXP",
///              "uri": "otpauth://totp/Example:jane?secret=JBSWY3DPEHPK3PXP"}}"#;
/// let enrolled: Enrolled = serde_json::from_str(json).unwrap();
/// assert_eq!(enrolled.factor_type, "totp");
/// assert_eq!(enrolled.totp.unwrap().secret, "JBSWY3DPEHPK3PXP");
/// let phone: Enrolled = serde_json::from_str(r#"{"id": "f2", "type": "phone"}"#).unwrap();
/// assert!(phone.totp.is_none());
/// ```
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
///
/// ```
/// use leptos_supabase_auth::api::types::TotpEnrollment;
/// let json = r#"{"secret": "JBSWY3DPEHPK3PXP",
///     "uri": "otpauth://totp/Example:jane?secret=JBSWY3DPEHPK3PXP"}"#;
/// let totp: TotpEnrollment = serde_json::from_str(json).unwrap();
/// assert!(totp.uri.starts_with("otpauth://totp/"));
/// assert!(totp.uri.contains(&totp.secret));
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TotpEnrollment {
    /// Base32 secret.
    pub secret: String,
    /// The `otpauth://` URI for authenticator apps.
    pub uri: String,
}

/// The answer to `POST /factors/{id}/challenge`.
///
/// ```
/// use leptos_supabase_auth::api::Challenge;
/// let json = r#"{"id": "c1", "type": "totp", "expires_at": 1700000300}"#;
/// let challenge: Challenge = serde_json::from_str(json).unwrap();
/// assert_eq!((challenge.id.as_str(), challenge.expires_at), ("c1", 1700000300));
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Challenge {
    /// Challenge id (UUID).
    pub id: String,
    /// Unix time after which the challenge expires.
    #[serde(default)]
    pub expires_at: i64,
}

/// The body of `PUT /user` (only the fields this product changes).
///
/// ```
/// use leptos_supabase_auth::api::UserUpdate;
/// let update = UserUpdate { password: Some("n3w-secret".into()), ..UserUpdate::default() };
/// // Unset fields are left out of the body.
/// assert_eq!(serde_json::to_string(&update).unwrap(), r#"{"password":"n3w-secret"}"#);
/// ```
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
///
/// ```
/// use leptos_supabase_auth::LogoutScope;
/// // "Sign out of other devices" keeps this session.
/// let scope = LogoutScope::Others;
/// assert_ne!(scope, LogoutScope::Global);
/// assert_eq!(scope.as_str(), "others");
/// ```
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
    ///
    /// ```
    /// use leptos_supabase_auth::LogoutScope;
    /// assert_eq!(LogoutScope::Local.as_str(), "local");
    /// assert_eq!(LogoutScope::Global.as_str(), "global");
    /// assert_eq!(LogoutScope::Others.as_str(), "others");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            LogoutScope::Local => "local",
            LogoutScope::Global => "global",
            LogoutScope::Others => "others",
        }
    }
}
