//! [`AuthConfig`]: the one way to configure the auth section.

use crate::password::PasswordPolicy;
use crate::strings::Strings;

/// Which factor types users may enrol and use (GoTrue's `/settings` does not say). Start from
/// `FactorTypes::default()` and set the fields to change (more may come).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FactorTypes {
    /// Authenticator apps (TOTP).
    pub totp: bool,
    /// SMS codes to a phone.
    pub phone: bool,
    /// Security keys and platform authenticators (WebAuthn). Off by default, as in GoTrue
    /// (`GOTRUE_MFA_WEB_AUTHN_ENROLL_ENABLED`); a key the user already has is offered anyway.
    pub webauthn: bool,
}

impl Default for FactorTypes {
    fn default() -> Self {
        Self { totp: true, phone: true, webauthn: false }
    }
}

/// Configuration of the auth section, given to [`crate::AuthProvider`]: [`AuthConfig::new`]
/// with the backend, then a `with_*` method for each setting to change.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AuthConfig {
    /// GoTrue API base URL, ending in `/auth/v1` on Supabase.
    pub(crate) gotrue_url: String,
    /// The project's anon (publishable) key, sent as `apikey`.
    pub(crate) anon_key: String,
    /// Where the auth pages live: one path segment such as `/auth` (default) or `/account`.
    pub(crate) base: String,
    /// `localStorage` key of the persisted session (versioned).
    pub(crate) storage_key: String,
    /// Refresh the access token this many seconds before it expires.
    pub(crate) refresh_margin_secs: i64,
    /// Length of emailed and SMS codes (6 to 10; GoTrue's `MAILER_OTP_LENGTH`).
    pub(crate) otp_length: usize,
    /// How long an emailed code stays valid, in seconds (GoTrue's `MAILER_OTP_EXP`, default
    /// 3600; Supabase's "Email OTP Expiration"). The code step says so; 0 says nothing.
    pub(crate) otp_expiry_secs: u32,
    /// The password rules the server enforces (GoTrue does not publish them).
    pub(crate) password_policy: PasswordPolicy,
    /// Enabled factor types.
    pub(crate) factor_types: FactorTypes,
    /// Emailed recovery links use PKCE (the link then only works in this browser tab).
    pub(crate) pkce: bool,
    /// Where to go after sign-in when no valid `next` was given.
    pub(crate) after_sign_in: String,
    /// Where to go after sign-out.
    pub(crate) after_sign_out: String,
    /// Every user-facing text.
    pub(crate) strings: &'static Strings,
    /// The section applies its own stylesheet ([`AuthConfig::with_stylesheet`]).
    pub(crate) stylesheet: bool,
    /// The language to show, a BCP 47 tag such as `de` or `pt-BR` (matched to the nearest
    /// table, as `i18n::negotiate` does); `None` follows the browser's languages.
    pub(crate) locale: Option<String>,
    /// A language the host changes while the section is shown (a tag, or empty for the
    /// browser's); wins over `locale`.
    pub(crate) locale_signal: Option<leptos::prelude::Signal<String>>,
    /// Where the locale files (`<tag>.txt`, this crate's `locales/` folder) are served.
    pub(crate) locales_url: String,
    /// Changes to single texts, applied on top of whichever language is shown.
    pub(crate) texts: Option<fn(&mut Strings)>,
    /// A sign-in code may make an account for an unknown address (`POST /otp` `create_user`).
    #[cfg(feature = "sign-up")]
    pub(crate) code_sign_up: bool,
    /// An email change is confirmed from both addresses (GoTrue's
    /// `GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED`, on by default).
    pub(crate) secure_email_change: bool,
    /// The profile fields the sign-up page asks for, sent as the user's `data`.
    #[cfg(feature = "sign-up")]
    pub(crate) sign_up_fields: Vec<ProfileField>,
    /// The social providers' order and options ([`AuthConfig::with_provider`]).
    #[cfg(feature = "social")]
    pub(crate) providers: Vec<Provider>,
    /// Social sign-in uses the implicit flow (tokens in the callback's fragment), not PKCE.
    #[cfg(feature = "social")]
    pub(crate) implicit_oauth: bool,
}

/// A social provider as the host wants it ([`AuthConfig::with_provider`]).
#[cfg(feature = "social")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Provider {
    /// GoTrue's name of the provider: `google`, `github`, `keycloak`…
    pub name: &'static str,
    /// Space-separated scopes (`""`: the provider's defaults).
    pub scopes: &'static str,
    /// Extra query parameters for the provider.
    pub query: &'static [(&'static str, &'static str)],
}

/// A profile field of the sign-up page ([`AuthConfig::with_sign_up_field`]).
#[cfg(feature = "sign-up")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileField {
    /// The key in the user's `data` (`user_metadata`), e.g. `name`.
    pub key: &'static str,
    /// The visible label, in the host's language.
    pub label: &'static str,
    /// The `autocomplete` token, e.g. `name` or `organization`.
    pub autocomplete: &'static str,
}

impl AuthConfig {
    /// A configuration with defaults for everything but the backend.
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
            stylesheet: true,
            locale: None,
            locale_signal: None,
            locales_url: "/locales".into(),
            texts: None,
            #[cfg(feature = "sign-up")]
            code_sign_up: false,
            secure_email_change: true,
            #[cfg(feature = "sign-up")]
            sign_up_fields: Vec::new(),
            #[cfg(feature = "social")]
            providers: Vec::new(),
            #[cfg(feature = "social")]
            implicit_oauth: false,
        }
    }

    /// Mounts the auth pages under `base` (one segment, e.g. `/account`).
    pub fn with_base(mut self, base: &str) -> Self {
        self.base = ["/", base.trim_matches('/')].concat();
        self
    }

    /// Sets the code length (clamped to 6..=10).
    pub fn with_otp_length(mut self, len: usize) -> Self {
        self.otp_length = crate::otp::clamp_otp_length(len);
        self
    }

    /// Replaces the password policy.
    pub fn with_password_policy(mut self, policy: PasswordPolicy) -> Self {
        self.password_policy = policy;
        self
    }

    /// Replaces the strings (for another language).
    pub fn with_strings(mut self, strings: &'static Strings) -> Self {
        self.strings = strings;
        self
    }

    /// Whether the section applies its own stylesheet (`style/lsa.css`, in the cascade layer
    /// `lsa`) to the document, as a constructable stylesheet: on by default. Turn it off when the
    /// host links the file itself (for instance to have styles before hydration when rendering
    /// on the server).
    pub fn with_stylesheet(mut self, apply: bool) -> Self {
        self.stylesheet = apply;
        self
    }

    /// Shows the section in one language (`de`, `pt-BR`, …) instead of the browser's.
    pub fn with_locale(mut self, tag: &str) -> Self {
        self.locale = Some(tag.into());
        self
    }

    /// Follows a language the host controls: the section shows the language its value names
    /// (a tag such as `de`; empty for the browser's) and changes when it changes.
    pub fn with_locale_signal(
        mut self,
        locale: impl Into<leptos::prelude::Signal<String>>,
    ) -> Self {
        self.locale_signal = Some(locale.into());
        self
    }

    /// Serves the locale files from `url` (default `/locales`).
    pub fn with_locales_url(mut self, url: &str) -> Self {
        self.locales_url = url.into();
        self
    }

    /// Changes single texts in every language, e.g.
    /// `config.with_texts(|s| s.sign_in_title = "Log in")`.
    pub fn with_texts(mut self, change: fn(&mut Strings)) -> Self {
        self.texts = Some(change);
        self
    }

    /// Lets "Email me a sign-in code" make an account for an address that has none (off by
    /// default: the code then only signs in existing users). (Feature `sign-up`.)
    #[cfg(feature = "sign-up")]
    pub fn with_code_sign_up(mut self, allow: bool) -> Self {
        self.code_sign_up = allow;
        self
    }

    /// Says the project confirms an email change from the new address only
    /// (`GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED=false`): the security screen then asks for
    /// one code, not two.
    pub fn with_secure_email_change(mut self, on: bool) -> Self {
        self.secure_email_change = on;
        self
    }

    /// Names a social provider the server has on, with the scopes to ask for and extra query
    /// parameters for it: providers come in the order of these calls, before any other the
    /// server has on. E.g. `config.with_provider("google", "email profile", &[("prompt",
    /// "select_account")])`. (Feature `social`.)
    #[cfg(feature = "social")]
    pub fn with_provider(
        mut self,
        name: &'static str,
        scopes: &'static str,
        query: &'static [(&'static str, &'static str)],
    ) -> Self {
        self.providers.push(Provider { name, scopes, query });
        self
    }

    /// Social sign-in by the implicit flow (GoTrue puts the session in the callback address's
    /// fragment) instead of PKCE, the default. (Feature `social`.)
    #[cfg(feature = "social")]
    pub fn with_implicit_oauth(mut self, on: bool) -> Self {
        self.implicit_oauth = on;
        self
    }

    /// Asks for a profile field on the sign-up page, sent as the user's `data`, e.g.
    /// `config.with_sign_up_field("name", "Full name", "name")`. (Feature `sign-up`.)
    #[cfg(feature = "sign-up")]
    pub fn with_sign_up_field(
        mut self,
        key: &'static str,
        label: &'static str,
        autocomplete: &'static str,
    ) -> Self {
        self.sign_up_fields.push(ProfileField { key, label, autocomplete });
        self
    }

    /// Sets where users land after signing in.
    pub fn with_after_sign_in(mut self, path: &str) -> Self {
        self.after_sign_in = path.into();
        self
    }

    /// Keeps the session in `localStorage` under `key` (default `lsa.session.v1`).
    pub fn with_storage_key(mut self, key: &str) -> Self {
        self.storage_key = key.into();
        self
    }

    /// Refreshes the access token `secs` seconds before it expires (default 90).
    pub fn with_refresh_margin_secs(mut self, secs: i64) -> Self {
        self.refresh_margin_secs = secs;
        self
    }

    /// Says how long an emailed code stays valid, in seconds (default 3600; 0 says nothing).
    pub fn with_otp_expiry_secs(mut self, secs: u32) -> Self {
        self.otp_expiry_secs = secs;
        self
    }

    /// Sets which factor types users may enrol and use.
    pub fn with_factor_types(mut self, types: FactorTypes) -> Self {
        self.factor_types = types;
        self
    }

    /// Makes emailed recovery links use PKCE (off by default).
    pub fn with_pkce(mut self, pkce: bool) -> Self {
        self.pkce = pkce;
        self
    }

    /// Sets where users land after signing out.
    pub fn with_after_sign_out(mut self, path: &str) -> Self {
        self.after_sign_out = path.into();
        self
    }

    /// The `localStorage` key of the session.
    pub fn storage_key(&self) -> &str {
        &self.storage_key
    }
}
