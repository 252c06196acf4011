//! [`AuthConfig`]: the one way to configure the auth section.

use crate::password::PasswordPolicy;
use crate::strings::Strings;

/// Which factor types users may enrol and use (GoTrue's `/settings` does not say).
///
/// ```
/// use leptos_supabase_auth::{AuthConfig, FactorTypes};
/// let mut config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key");
/// assert_eq!(config.factor_types, FactorTypes { totp: true, phone: true });
/// config.factor_types = FactorTypes { phone: false, ..FactorTypes::default() }; // no SMS
/// assert!(config.factor_types.totp && !config.factor_types.phone);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FactorTypes {
    /// Authenticator apps (TOTP).
    pub totp: bool,
    /// SMS codes to a phone.
    pub phone: bool,
}

impl Default for FactorTypes {
    fn default() -> Self {
        Self { totp: true, phone: true }
    }
}

/// Configuration of the auth section, given to [`crate::AuthProvider`].
///
/// ```
/// use leptos_supabase_auth::AuthConfig;
/// let config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key")
///     .with_base("/account")
///     .with_otp_length(8);
/// assert_eq!(config.base, "/account");
/// ```
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// GoTrue API base URL, ending in `/auth/v1` on Supabase.
    pub gotrue_url: String,
    /// The project's anon (publishable) key, sent as `apikey`.
    pub anon_key: String,
    /// Where the auth pages live: one path segment such as `/auth` (default) or `/account`.
    pub base: String,
    /// `localStorage` key of the persisted session (versioned).
    pub storage_key: String,
    /// Refresh the access token this many seconds before it expires.
    pub refresh_margin_secs: i64,
    /// Length of emailed and SMS codes (6 to 10; GoTrue's `MAILER_OTP_LENGTH`).
    pub otp_length: usize,
    /// How long an emailed code stays valid, in seconds (GoTrue's `MAILER_OTP_EXP`, default
    /// 3600; Supabase's "Email OTP Expiration"). The code step says so; 0 says nothing.
    pub otp_expiry_secs: u32,
    /// The password rules the server enforces (GoTrue does not publish them).
    pub password_policy: PasswordPolicy,
    /// Enabled factor types.
    pub factor_types: FactorTypes,
    /// Emailed recovery links use PKCE (the link then only works in this browser tab).
    pub pkce: bool,
    /// Where to go after sign-in when no valid `next` was given.
    pub after_sign_in: String,
    /// Where to go after sign-out.
    pub after_sign_out: String,
    /// Every user-facing text.
    pub strings: &'static Strings,
}

impl AuthConfig {
    /// A configuration with defaults for everything but the backend.
    ///
    /// ```
    /// use leptos_supabase_auth::AuthConfig;
    /// let config = AuthConfig::new("https://project.supabase.co/auth/v1", "anon-key");
    /// assert_eq!(config.base, "/auth");
    /// assert_eq!(config.otp_length, 6);
    /// assert_eq!(config.otp_expiry_secs, 3600); // GoTrue's default: one hour
    /// assert_eq!(config.storage_key, "lsa.session.v1");
    /// assert!(!config.pkce);
    /// ```
    pub fn new(gotrue_url: impl Into<String>, anon_key: impl Into<String>) -> Self {
        Self {
            gotrue_url: gotrue_url.into(),
            anon_key: anon_key.into(),
            base: "/auth".into(),
            storage_key: "lsa.session.v1".into(),
            refresh_margin_secs: 90,
            otp_length: 6,
            otp_expiry_secs: 3600,
            password_policy: PasswordPolicy::default(),
            factor_types: FactorTypes::default(),
            pkce: false,
            after_sign_in: "/".into(),
            after_sign_out: "/".into(),
            strings: &Strings::EN,
        }
    }

    /// Mounts the auth pages under `base` (one segment, e.g. `/account`).
    ///
    /// ```
    /// use leptos_supabase_auth::AuthConfig;
    /// let config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key");
    /// assert_eq!(config.clone().with_base("/account").base, "/account");
    /// assert_eq!(config.with_base("account/").base, "/account"); // slashes are normalised
    /// ```
    pub fn with_base(mut self, base: &str) -> Self {
        self.base = ["/", base.trim_matches('/')].concat();
        self
    }

    /// Sets the code length (clamped to 6..=10).
    ///
    /// ```
    /// use leptos_supabase_auth::AuthConfig;
    /// let config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key");
    /// assert_eq!(config.clone().with_otp_length(8).otp_length, 8);
    /// assert_eq!(config.with_otp_length(4).otp_length, 6);
    /// ```
    pub fn with_otp_length(mut self, len: usize) -> Self {
        self.otp_length = crate::otp::clamp_otp_length(len);
        self
    }

    /// Replaces the password policy.
    ///
    /// ```
    /// use leptos_supabase_auth::{password::PasswordPolicy, AuthConfig};
    /// // Mirror `GOTRUE_PASSWORD_MIN_LENGTH=10` and `..._REQUIRED_CHARACTERS=0123456789`.
    /// let digits = PasswordPolicy::with_required("0123456789");
    /// let policy = PasswordPolicy { min_length: 10, ..digits };
    /// let config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key")
    ///     .with_password_policy(policy);
    /// assert!(config.password_policy.check("correct horse 7").is_empty());
    /// assert!(!config.password_policy.check("secret7").is_empty());
    /// ```
    pub fn with_password_policy(mut self, policy: PasswordPolicy) -> Self {
        self.password_policy = policy;
        self
    }

    /// Replaces the strings (for another language).
    ///
    /// ```
    /// use leptos_supabase_auth::{AuthConfig, Strings};
    /// static DE: Strings = Strings { sign_in_title: "Anmelden", ..Strings::EN };
    /// let config =
    ///     AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key").with_strings(&DE);
    /// assert_eq!(config.strings.sign_in_title, "Anmelden");
    /// assert_eq!(config.strings.cancel, Strings::EN.cancel); // the rest stays English
    /// ```
    pub fn with_strings(mut self, strings: &'static Strings) -> Self {
        self.strings = strings;
        self
    }

    /// Sets where users land after signing in.
    ///
    /// ```
    /// use leptos_supabase_auth::AuthConfig;
    /// let config = AuthConfig::new("http://127.0.0.1:54321/auth/v1", "anon-key")
    ///     .with_after_sign_in("/dashboard");
    /// assert_eq!(config.after_sign_in, "/dashboard");
    /// assert_eq!(config.after_sign_out, "/"); // unchanged
    /// ```
    pub fn with_after_sign_in(mut self, path: &str) -> Self {
        self.after_sign_in = path.into();
        self
    }
}
