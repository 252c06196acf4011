//! Settings: GoTrue's defaults, its environment variable names, and the emulator's own flags.

use std::path::PathBuf;

use crate::util::parse_duration_secs;

/// Every setting of the emulator. `Default` gives GoTrue's defaults with the settings of the
/// fidelity recordings (autoconfirm on, phone MFA enabled, 60 s intervals, reuse interval 0).
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind (`GOTRUE_EMULATOR_HOST`, `--host`).
    pub host: String,
    /// Port to bind; 0 picks a free one (`GOTRUE_EMULATOR_PORT`, `--port`).
    pub port: u16,
    /// Directory served at `/` with an `index.html` fallback (`--serve-dir`).
    pub serve_dir: Option<PathBuf>,
    /// Send the Content-Security-Policy header on served pages (`--no-csp` turns it off).
    pub csp: bool,
    /// Enable `/_emulator/...` (`--test-controls`, `GOTRUE_EMULATOR_TEST_CONTROLS=true`).
    pub test_controls: bool,
    /// Seed the demo users on start (`--seed-demo`).
    pub seed_demo: bool,
    /// Serve the built-in test provider under `/_provider` and turn GoTrue's `keycloak` provider
    /// on at it, with manual linking (`--test-provider`, `GOTRUE_EMULATOR_TEST_PROVIDER=true`).
    pub test_provider: bool,
    /// When set, requests under `/auth/v1` must carry this `apikey` (or a service-role JWT).
    pub anon_key: Option<String>,
    /// Allowed CORS origins; `*` wildcards allowed, a lone `*` allows every origin.
    pub cors_origins: Vec<String>,
    /// SQLite file that keeps the state across restarts; `None` keeps it in memory.
    pub db_path: Option<PathBuf>,
    /// HS256 secret (`GOTRUE_JWT_SECRET`).
    pub jwt_secret: String,
    /// Access-token lifetime in seconds (`GOTRUE_JWT_EXP`).
    pub jwt_exp: i64,
    /// Audience of new users and tokens (`GOTRUE_JWT_AUD`).
    pub jwt_aud: String,
    /// `iss` claim; omitted when `None` (`GOTRUE_JWT_ISSUER`).
    pub jwt_issuer: Option<String>,
    /// `kid` header of issued JWTs (`GOTRUE_JWT_KEY_ID`).
    pub jwt_key_id: Option<String>,
    /// Roles accepted on admin endpoints (`GOTRUE_JWT_ADMIN_ROLES`).
    pub jwt_admin_roles: Vec<String>,
    /// Role of new users (`GOTRUE_JWT_DEFAULT_GROUP_NAME`).
    pub jwt_default_group: String,
    /// Site URL; `None` = the server's own origin (`GOTRUE_SITE_URL`).
    pub site_url: Option<String>,
    /// External URL of the API (with `/auth/v1`); `None` = derived from the bound address (`API_EXTERNAL_URL`).
    pub api_external_url: Option<String>,
    /// Redirect allow-list globs (`GOTRUE_URI_ALLOW_LIST`, comma separated).
    pub uri_allow_list: Vec<String>,
    /// Refuse new sign-ups (`GOTRUE_DISABLE_SIGNUP`).
    pub disable_signup: bool,
    /// Confirm emails at sign-up without a mail (`GOTRUE_MAILER_AUTOCONFIRM`).
    pub mailer_autoconfirm: bool,
    /// An email change needs a code from the current address too
    /// (`GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED`, GoTrue's default true).
    pub mailer_secure_email_change_enabled: bool,
    /// `POST /signup` without email or phone signs in an anonymous user
    /// (`GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED`).
    pub anonymous_users_enabled: bool,
    /// Lifetime of emailed codes and links in seconds (`GOTRUE_MAILER_OTP_EXP`).
    pub mailer_otp_exp: i64,
    /// Digits of emailed codes, clamped to 6..=10 (`GOTRUE_MAILER_OTP_LENGTH`).
    pub mailer_otp_length: usize,
    /// Minimum seconds between two emails of one kind to a user (`GOTRUE_SMTP_MAX_FREQUENCY`).
    pub smtp_max_frequency: f64,
    /// Emails per hour when autoconfirm is off (`GOTRUE_RATE_LIMIT_EMAIL_SENT`).
    pub rate_limit_email_sent: u32,
    /// Sender of the emails (`GOTRUE_SMTP_ADMIN_EMAIL`).
    pub smtp_admin_email: String,
    /// Minimum password length, at least 6 (`GOTRUE_PASSWORD_MIN_LENGTH`).
    pub password_min_length: usize,
    /// Character sets a password needs one of each (`GOTRUE_PASSWORD_REQUIRED_CHARACTERS`, `:` separated).
    pub password_required_characters: Vec<String>,
    /// Secure password change: nonce needed for sessions older than 24 h
    /// (`GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION`).
    pub update_password_require_reauthentication: bool,
    /// Current password needed outside recovery sessions
    /// (`GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD`).
    pub update_password_require_current_password: bool,
    /// Revoke the token family on reuse (`GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED`).
    pub refresh_token_rotation_enabled: bool,
    /// Seconds a revoked refresh token stays usable (`GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL`).
    pub refresh_token_reuse_interval: i64,
    /// `GOTRUE_MFA_TOTP_ENROLL_ENABLED`.
    pub mfa_totp_enroll_enabled: bool,
    /// `GOTRUE_MFA_TOTP_VERIFY_ENABLED`.
    pub mfa_totp_verify_enabled: bool,
    /// `GOTRUE_MFA_PHONE_ENROLL_ENABLED`.
    pub mfa_phone_enroll_enabled: bool,
    /// `GOTRUE_MFA_PHONE_VERIFY_ENABLED`.
    pub mfa_phone_verify_enabled: bool,
    /// Minimum seconds between two SMS to one factor (`GOTRUE_MFA_PHONE_MAX_FREQUENCY`).
    pub mfa_phone_max_frequency: f64,
    /// Digits of SMS codes (`GOTRUE_MFA_PHONE_OTP_LENGTH`).
    pub mfa_phone_otp_length: usize,
    /// SMS text; `{{ .Code }}` is replaced (`GOTRUE_MFA_PHONE_TEMPLATE`).
    pub mfa_phone_template: String,
    /// Challenge lifetime in seconds, at least 300 (`GOTRUE_MFA_CHALLENGE_EXPIRY_DURATION`).
    pub mfa_challenge_expiry: f64,
    /// Age after which unchallenged unverified factors are dropped (`GOTRUE_MFA_FACTOR_EXPIRY_DURATION`).
    pub mfa_factor_expiry: f64,
    /// `GOTRUE_MFA_MAX_ENROLLED_FACTORS`.
    pub mfa_max_enrolled_factors: usize,
    /// `GOTRUE_MFA_MAX_VERIFIED_FACTORS`.
    pub mfa_max_verified_factors: usize,
    /// PKCE flow-state lifetime in seconds, at least 300 (`GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION`).
    pub flow_state_expiry: f64,
    /// `GOTRUE_MFA_WEB_AUTHN_ENROLL_ENABLED` (GoTrue's default: false).
    pub mfa_webauthn_enroll_enabled: bool,
    /// `GOTRUE_MFA_WEB_AUTHN_VERIFY_ENABLED` (GoTrue's default: false).
    pub mfa_webauthn_verify_enabled: bool,
    /// Passkey sign-in and management under `/passkeys` (`GOTRUE_PASSKEY_ENABLED`).
    pub passkey_enabled: bool,
    /// Passkey challenge lifetime in seconds (`GOTRUE_PASSKEY_CHALLENGE_EXPIRY_DURATION`, 300).
    pub passkey_challenge_expiry: f64,
    /// WebAuthn relying-party id: a host name, never an IP address (`GOTRUE_WEBAUTHN_RP_ID`).
    pub webauthn_rp_id: String,
    /// Relying-party name shown by authenticators (`GOTRUE_WEBAUTHN_RP_DISPLAY_NAME`).
    pub webauthn_rp_display_name: String,
    /// Origins WebAuthn responses may come from (`GOTRUE_WEBAUTHN_RP_ORIGINS`, comma separated;
    /// `*` wildcards allowed here, e.g. `http://localhost:*`).
    pub webauthn_rp_origins: Vec<String>,
    /// bcrypt cost of stored passwords (`GOTRUE_EMULATOR_BCRYPT_COST`; GoTrue uses 10).
    pub bcrypt_cost: u32,
    /// Largest accepted request body in bytes (GoTrue: 1 MB).
    pub max_body_bytes: usize,
    /// OAuth providers by name (`GOTRUE_EXTERNAL_<NAME>_ENABLED`, `_CLIENT_ID`, `_SECRET`,
    /// `_REDIRECT_URI`, `_URL`); only the configured ones are listed.
    pub external: Vec<ExternalProvider>,
    /// `GET /user/identities/authorize` and `DELETE /user/identities/{id}`
    /// (`GOTRUE_SECURITY_MANUAL_LINKING_ENABLED`).
    pub manual_linking_enabled: bool,
}

/// One OAuth provider's settings, GoTrue's `OAuthProviderConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalProvider {
    /// Lowercase name (`keycloak`, `github`...).
    pub name: String,
    /// `GOTRUE_EXTERNAL_<NAME>_ENABLED`.
    pub enabled: bool,
    /// `GOTRUE_EXTERNAL_<NAME>_CLIENT_ID` (GoTrue takes the first of a comma-separated list).
    pub client_id: String,
    /// `GOTRUE_EXTERNAL_<NAME>_SECRET`.
    pub secret: String,
    /// The API's `/callback` as registered at the provider (`GOTRUE_EXTERNAL_<NAME>_REDIRECT_URI`).
    pub redirect_uri: String,
    /// Base URL for self-hosted providers such as Keycloak or GitLab (`GOTRUE_EXTERNAL_<NAME>_URL`).
    pub url: String,
}

impl Config {
    /// The settings of provider `name`, when configured.
    pub fn external_provider(&self, name: &str) -> Option<&ExternalProvider> {
        self.external.iter().find(|p| p.name == name)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 54321,
            serve_dir: None,
            csp: true,
            test_controls: false,
            seed_demo: false,
            anon_key: None,
            cors_origins: vec!["http://127.0.0.1:*".into(), "http://localhost:*".into()],
            db_path: None,
            jwt_secret: "super-secret-jwt-token-with-at-least-32-characters-long".into(),
            jwt_exp: 3600,
            jwt_aud: "authenticated".into(),
            jwt_issuer: None,
            jwt_key_id: None,
            jwt_admin_roles: vec!["service_role".into(), "supabase_admin".into()],
            jwt_default_group: "authenticated".into(),
            site_url: None,
            api_external_url: None,
            uri_allow_list: vec!["http://127.0.0.1:*/**".into(), "http://localhost:*/**".into()],
            disable_signup: false,
            mailer_autoconfirm: true,
            mailer_secure_email_change_enabled: true,
            anonymous_users_enabled: false,
            mailer_otp_exp: 86_400,
            mailer_otp_length: 6,
            smtp_max_frequency: 60.0,
            rate_limit_email_sent: 30,
            smtp_admin_email: "admin@example.com".into(),
            password_min_length: 6,
            password_required_characters: Vec::new(),
            update_password_require_reauthentication: false,
            update_password_require_current_password: false,
            refresh_token_rotation_enabled: true,
            refresh_token_reuse_interval: 0,
            mfa_totp_enroll_enabled: true,
            mfa_totp_verify_enabled: true,
            mfa_phone_enroll_enabled: true,
            mfa_phone_verify_enabled: true,
            mfa_phone_max_frequency: 60.0,
            mfa_phone_otp_length: 6,
            mfa_phone_template: "Your code is {{ .Code }}".into(),
            mfa_challenge_expiry: 300.0,
            mfa_factor_expiry: 300.0,
            mfa_max_enrolled_factors: 10,
            mfa_max_verified_factors: 10,
            flow_state_expiry: 300.0,
            mfa_webauthn_enroll_enabled: false,
            mfa_webauthn_verify_enabled: false,
            passkey_enabled: false,
            passkey_challenge_expiry: 300.0,
            webauthn_rp_id: "localhost".into(),
            webauthn_rp_display_name: "gotrue-emulator".into(),
            webauthn_rp_origins: vec!["http://localhost:*".into()],
            bcrypt_cost: 10,
            max_body_bytes: 1024 * 1024,
            external: Vec::new(),
            manual_linking_enabled: false,
            test_provider: false,
        }
    }
}

/// The environment variables read by [`Config::from_env`], with a line of help each.
pub const ENV_VARS: &[(&str, &str)] = &[
    ("GOTRUE_EMULATOR_HOST", "address to bind (127.0.0.1)"),
    ("GOTRUE_EMULATOR_PORT", "port to bind (54321; 0 = any free port)"),
    ("GOTRUE_EMULATOR_SERVE_DIR", "directory served at / with index.html fallback"),
    ("GOTRUE_EMULATOR_DB", "SQLite file that keeps state across restarts"),
    ("GOTRUE_EMULATOR_ANON_KEY", "require this apikey under /auth/v1"),
    (
        "GOTRUE_EMULATOR_CORS_ORIGINS",
        "comma-separated allowed origins (http://127.0.0.1:*,http://localhost:*)",
    ),
    ("GOTRUE_EMULATOR_TEST_CONTROLS", "true enables /_emulator/ (false)"),
    ("GOTRUE_EMULATOR_SEED_DEMO", "true seeds the demo users (false)"),
    (
        "GOTRUE_EMULATOR_TEST_PROVIDER",
        "true serves the built-in test provider as keycloak, with manual linking (false)",
    ),
    ("GOTRUE_EMULATOR_CSP", "false drops the Content-Security-Policy header (true)"),
    ("GOTRUE_EMULATOR_BCRYPT_COST", "bcrypt cost (10)"),
    ("GOTRUE_JWT_SECRET", "HS256 secret"),
    ("GOTRUE_JWT_EXP", "access token lifetime in seconds (3600)"),
    ("GOTRUE_JWT_AUD", "audience (authenticated)"),
    ("GOTRUE_JWT_ISSUER", "iss claim (none)"),
    ("GOTRUE_JWT_KEY_ID", "kid header (none)"),
    ("GOTRUE_JWT_ADMIN_ROLES", "roles allowed on /admin (service_role,supabase_admin)"),
    ("GOTRUE_JWT_DEFAULT_GROUP_NAME", "role of new users (authenticated)"),
    ("GOTRUE_SITE_URL", "site URL (the server's own origin)"),
    (
        "API_EXTERNAL_URL",
        "external URL of the API, used in emailed links (http://HOST:PORT/auth/v1)",
    ),
    ("GOTRUE_URI_ALLOW_LIST", "redirect allow-list (http://127.0.0.1:*/**,http://localhost:*/**)"),
    ("GOTRUE_DISABLE_SIGNUP", "refuse sign-ups (false)"),
    ("GOTRUE_MAILER_AUTOCONFIRM", "confirm emails at sign-up (true)"),
    (
        "GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED",
        "email change confirmed from both addresses (true)",
    ),
    ("GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED", "anonymous sign-ins (false)"),
    ("GOTRUE_MAILER_OTP_EXP", "emailed code/link lifetime in seconds (86400)"),
    ("GOTRUE_MAILER_OTP_LENGTH", "emailed code digits, 6..10 (6)"),
    ("GOTRUE_SMTP_MAX_FREQUENCY", "minimum interval between emails to a user (60s)"),
    ("GOTRUE_SMTP_ADMIN_EMAIL", "sender address (admin@example.com)"),
    ("GOTRUE_RATE_LIMIT_EMAIL_SENT", "emails per hour when autoconfirm is off (30)"),
    ("GOTRUE_PASSWORD_MIN_LENGTH", "minimum password length (6)"),
    ("GOTRUE_PASSWORD_REQUIRED_CHARACTERS", "':'-separated character sets a password needs (none)"),
    ("GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION", "secure password change (false)"),
    (
        "GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD",
        "current password on change (false)",
    ),
    ("GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED", "revoke the family on reuse (true)"),
    (
        "GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL",
        "seconds a revoked refresh token stays usable (0)",
    ),
    ("GOTRUE_MFA_TOTP_ENROLL_ENABLED", "(true)"),
    ("GOTRUE_MFA_TOTP_VERIFY_ENABLED", "(true)"),
    ("GOTRUE_MFA_PHONE_ENROLL_ENABLED", "(true here; GoTrue's default is false)"),
    ("GOTRUE_MFA_PHONE_VERIFY_ENABLED", "(true here; GoTrue's default is false)"),
    ("GOTRUE_MFA_PHONE_MAX_FREQUENCY", "minimum interval between SMS to a factor (60s)"),
    ("GOTRUE_MFA_PHONE_OTP_LENGTH", "SMS code digits (6)"),
    ("GOTRUE_MFA_PHONE_TEMPLATE", "SMS text (Your code is {{ .Code }})"),
    ("GOTRUE_MFA_CHALLENGE_EXPIRY_DURATION", "challenge lifetime in seconds (300)"),
    ("GOTRUE_MFA_FACTOR_EXPIRY_DURATION", "unverified factor lifetime (300s)"),
    ("GOTRUE_MFA_MAX_ENROLLED_FACTORS", "(10)"),
    ("GOTRUE_MFA_MAX_VERIFIED_FACTORS", "(10)"),
    ("GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION", "PKCE flow state lifetime (300s)"),
    ("GOTRUE_MFA_WEB_AUTHN_ENROLL_ENABLED", "WebAuthn MFA factors (false)"),
    ("GOTRUE_MFA_WEB_AUTHN_VERIFY_ENABLED", "WebAuthn MFA challenges (false)"),
    ("GOTRUE_PASSKEY_ENABLED", "passkeys under /passkeys (false)"),
    ("GOTRUE_PASSKEY_CHALLENGE_EXPIRY_DURATION", "passkey challenge lifetime (300s)"),
    ("GOTRUE_WEBAUTHN_RP_ID", "WebAuthn RP id, a host name (localhost)"),
    ("GOTRUE_WEBAUTHN_RP_DISPLAY_NAME", "WebAuthn RP name (gotrue-emulator)"),
    ("GOTRUE_WEBAUTHN_RP_ORIGINS", "allowed WebAuthn origins, '*' wildcards (http://localhost:*)"),
    ("GOTRUE_SECURITY_MANUAL_LINKING_ENABLED", "identity linking under /user/identities (false)"),
    (
        "GOTRUE_EXTERNAL_<PROVIDER>_ENABLED",
        "OAuth provider on, with _CLIENT_ID, _SECRET, _REDIRECT_URI, _URL (keycloak works end to end)",
    ),
];

/// The providers GoTrue knows (`GOTRUE_EXTERNAL_<NAME>_...`), as `/settings` lists them.
pub const PROVIDER_NAMES: &[&str] = &[
    "apple",
    "azure",
    "bitbucket",
    "discord",
    "facebook",
    "snapchat",
    "figma",
    "fly",
    "github",
    "gitlab",
    "google",
    "keycloak",
    "kakao",
    "linkedin",
    "linkedin_oidc",
    "notion",
    "spotify",
    "slack",
    "slack_oidc",
    "workos",
    "twitch",
    "twitter",
    "zoom",
];

/// The prefix of the OAuth providers' variables (`GOTRUE_EXTERNAL_KEYCLOAK_URL`...).
const EXTERNAL_PREFIX: &str = "GOTRUE_EXTERNAL_";

/// Reads the settings' variables from some source (the process environment, or a map in tests).
/// Blank values count as unset.
struct EnvSource<F: Fn(&str) -> Option<String>> {
    lookup: F,
}

impl<F: Fn(&str) -> Option<String>> EnvSource<F> {
    fn text(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.trim().is_empty())
    }

    fn flag(&self, name: &str) -> Option<bool> {
        self.text(name)
            .map(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
    }

    /// A number; an unparsable value counts as unset (the default stays).
    fn number<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.text(name).and_then(|v| v.trim().parse().ok())
    }

    fn seconds(&self, name: &str) -> Option<f64> {
        self.text(name).and_then(|v| parse_duration_secs(&v))
    }

    fn list(&self, name: &str) -> Option<Vec<String>> {
        self.text(name)
            .map(|v| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
    }
}

/// Splits GoTrue's `GOTRUE_PASSWORD_REQUIRED_CHARACTERS` on unescaped `:`.
pub fn parse_required_characters(v: &str) -> Vec<String> {
    let mut sets = Vec::new();
    let mut cur = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ':' => sets.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    sets.push(cur);
    sets.into_iter().filter(|s| !s.is_empty()).collect()
}

impl Config {
    /// Defaults overridden by the process environment's variables listed in [`ENV_VARS`].
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Defaults overridden by the variables of [`ENV_VARS`] that `lookup` finds. Blank values
    /// are ignored, and so are numbers and durations that do not parse.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let vars = EnvSource { lookup };
        let env = |n: &str| vars.text(n);
        let env_bool = |n: &str| vars.flag(n);
        let env_secs = |n: &str| vars.seconds(n);
        let env_list = |n: &str| vars.list(n);
        let mut c = Config::default();
        macro_rules! set {
            ($field:expr, $value:expr) => {
                if let Some(v) = $value {
                    $field = v;
                }
            };
        }
        set!(c.host, env("GOTRUE_EMULATOR_HOST"));
        set!(c.port, vars.number("GOTRUE_EMULATOR_PORT"));
        c.serve_dir = env("GOTRUE_EMULATOR_SERVE_DIR").map(PathBuf::from).or(c.serve_dir);
        c.db_path = env("GOTRUE_EMULATOR_DB").map(PathBuf::from).or(c.db_path);
        c.anon_key = env("GOTRUE_EMULATOR_ANON_KEY").or(c.anon_key);
        set!(c.cors_origins, env_list("GOTRUE_EMULATOR_CORS_ORIGINS"));
        set!(c.test_controls, env_bool("GOTRUE_EMULATOR_TEST_CONTROLS"));
        set!(c.seed_demo, env_bool("GOTRUE_EMULATOR_SEED_DEMO"));
        set!(c.test_provider, env_bool("GOTRUE_EMULATOR_TEST_PROVIDER"));
        set!(c.csp, env_bool("GOTRUE_EMULATOR_CSP"));
        set!(c.bcrypt_cost, vars.number("GOTRUE_EMULATOR_BCRYPT_COST"));
        set!(c.jwt_secret, env("GOTRUE_JWT_SECRET"));
        set!(c.jwt_exp, vars.number("GOTRUE_JWT_EXP"));
        set!(c.jwt_aud, env("GOTRUE_JWT_AUD"));
        c.jwt_issuer = env("GOTRUE_JWT_ISSUER").or(c.jwt_issuer);
        c.jwt_key_id = env("GOTRUE_JWT_KEY_ID").or(c.jwt_key_id);
        set!(c.jwt_admin_roles, env_list("GOTRUE_JWT_ADMIN_ROLES"));
        set!(c.jwt_default_group, env("GOTRUE_JWT_DEFAULT_GROUP_NAME"));
        c.site_url = env("GOTRUE_SITE_URL").or(c.site_url);
        c.api_external_url = env("API_EXTERNAL_URL").or(c.api_external_url);
        set!(c.uri_allow_list, env_list("GOTRUE_URI_ALLOW_LIST"));
        set!(c.disable_signup, env_bool("GOTRUE_DISABLE_SIGNUP"));
        set!(c.mailer_autoconfirm, env_bool("GOTRUE_MAILER_AUTOCONFIRM"));
        set!(
            c.mailer_secure_email_change_enabled,
            env_bool("GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED")
        );
        set!(c.anonymous_users_enabled, env_bool("GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED"));
        set!(c.mailer_otp_exp, vars.number("GOTRUE_MAILER_OTP_EXP"));
        set!(c.mailer_otp_length, vars.number("GOTRUE_MAILER_OTP_LENGTH"));
        set!(c.smtp_max_frequency, env_secs("GOTRUE_SMTP_MAX_FREQUENCY"));
        set!(c.smtp_admin_email, env("GOTRUE_SMTP_ADMIN_EMAIL"));
        set!(c.rate_limit_email_sent, vars.number("GOTRUE_RATE_LIMIT_EMAIL_SENT"));
        set!(c.password_min_length, vars.number("GOTRUE_PASSWORD_MIN_LENGTH"));
        if let Some(v) = env("GOTRUE_PASSWORD_REQUIRED_CHARACTERS") {
            c.password_required_characters = parse_required_characters(&v);
        }
        set!(
            c.update_password_require_reauthentication,
            env_bool("GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION")
        );
        set!(
            c.update_password_require_current_password,
            env_bool("GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD")
        );
        set!(
            c.refresh_token_rotation_enabled,
            env_bool("GOTRUE_SECURITY_REFRESH_TOKEN_ROTATION_ENABLED")
        );
        set!(
            c.refresh_token_reuse_interval,
            vars.number("GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL")
        );
        set!(c.mfa_totp_enroll_enabled, env_bool("GOTRUE_MFA_TOTP_ENROLL_ENABLED"));
        set!(c.mfa_totp_verify_enabled, env_bool("GOTRUE_MFA_TOTP_VERIFY_ENABLED"));
        set!(c.mfa_phone_enroll_enabled, env_bool("GOTRUE_MFA_PHONE_ENROLL_ENABLED"));
        set!(c.mfa_phone_verify_enabled, env_bool("GOTRUE_MFA_PHONE_VERIFY_ENABLED"));
        set!(c.mfa_phone_max_frequency, env_secs("GOTRUE_MFA_PHONE_MAX_FREQUENCY"));
        set!(c.mfa_phone_otp_length, vars.number("GOTRUE_MFA_PHONE_OTP_LENGTH"));
        set!(c.mfa_phone_template, env("GOTRUE_MFA_PHONE_TEMPLATE"));
        set!(c.mfa_challenge_expiry, env_secs("GOTRUE_MFA_CHALLENGE_EXPIRY_DURATION"));
        set!(c.mfa_factor_expiry, env_secs("GOTRUE_MFA_FACTOR_EXPIRY_DURATION"));
        set!(c.mfa_max_enrolled_factors, vars.number("GOTRUE_MFA_MAX_ENROLLED_FACTORS"));
        set!(c.mfa_max_verified_factors, vars.number("GOTRUE_MFA_MAX_VERIFIED_FACTORS"));
        set!(c.flow_state_expiry, env_secs("GOTRUE_EXTERNAL_FLOW_STATE_EXPIRY_DURATION"));
        set!(c.mfa_webauthn_enroll_enabled, env_bool("GOTRUE_MFA_WEB_AUTHN_ENROLL_ENABLED"));
        set!(c.mfa_webauthn_verify_enabled, env_bool("GOTRUE_MFA_WEB_AUTHN_VERIFY_ENABLED"));
        set!(c.passkey_enabled, env_bool("GOTRUE_PASSKEY_ENABLED"));
        set!(c.passkey_challenge_expiry, env_secs("GOTRUE_PASSKEY_CHALLENGE_EXPIRY_DURATION"));
        set!(c.webauthn_rp_id, env("GOTRUE_WEBAUTHN_RP_ID"));
        set!(c.webauthn_rp_display_name, env("GOTRUE_WEBAUTHN_RP_DISPLAY_NAME"));
        set!(c.webauthn_rp_origins, env_list("GOTRUE_WEBAUTHN_RP_ORIGINS"));
        set!(c.manual_linking_enabled, env_bool("GOTRUE_SECURITY_MANUAL_LINKING_ENABLED"));
        for name in PROVIDER_NAMES {
            let var = |suffix: &str| format!("{EXTERNAL_PREFIX}{}_{suffix}", name.to_uppercase());
            let p = ExternalProvider {
                name: (*name).to_string(),
                enabled: env_bool(&var("ENABLED")).unwrap_or(false),
                client_id: env(&var("CLIENT_ID"))
                    .and_then(|v| v.split(',').next().map(|s| s.trim().to_string()))
                    .unwrap_or_default(),
                secret: env(&var("SECRET")).unwrap_or_default(),
                redirect_uri: env(&var("REDIRECT_URI")).unwrap_or_default(),
                url: env(&var("URL")).unwrap_or_default(),
            };
            if p != (ExternalProvider { name: p.name.clone(), ..Default::default() }) {
                c.external.push(p);
            }
        }
        c
    }

    /// Applies GoTrue's floors and clamps (min password length 6, OTP length 6..=10,
    /// challenge and flow-state lifetimes at least 300 s).
    pub fn normalized(mut self) -> Self {
        self.password_min_length = self.password_min_length.max(6);
        self.mailer_otp_length = self.mailer_otp_length.clamp(6, 10);
        self.mfa_phone_otp_length = self.mfa_phone_otp_length.clamp(6, 10);
        self.mfa_challenge_expiry = self.mfa_challenge_expiry.max(300.0);
        self.mfa_factor_expiry = self.mfa_factor_expiry.max(300.0);
        self.flow_state_expiry = self.flow_state_expiry.max(300.0);
        self.bcrypt_cost = self.bcrypt_cost.clamp(4, 31);
        self
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Config {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_vars(|n| map.get(n).cloned())
    }

    #[test]
    fn no_variables_give_the_defaults() {
        let c = from(&[]);
        let d = Config::default();
        assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 54321));
        assert_eq!(c.cors_origins, d.cors_origins);
        assert!(c.mailer_autoconfirm && !c.test_controls && c.csp);
        assert_eq!(c.smtp_max_frequency, 60.0);
        assert_eq!(c.jwt_secret, d.jwt_secret);
        assert!(c.site_url.is_none() && c.db_path.is_none());
    }

    #[test]
    fn variables_override_defaults() {
        let c = from(&[
            ("GOTRUE_EMULATOR_PORT", "9999"),
            ("GOTRUE_EMULATOR_TEST_CONTROLS", "TRUE"),
            ("GOTRUE_EMULATOR_CSP", "off"),
            ("GOTRUE_EMULATOR_DB", "/tmp/x.db"),
            ("GOTRUE_JWT_ISSUER", "me"),
            ("GOTRUE_JWT_ADMIN_ROLES", " a , ,b "),
            ("GOTRUE_SMTP_MAX_FREQUENCY", "1m30s"),
            ("GOTRUE_MFA_PHONE_MAX_FREQUENCY", "5"),
            ("GOTRUE_PASSWORD_REQUIRED_CHARACTERS", "abc:0123\\:x"),
            ("GOTRUE_PASSKEY_ENABLED", "1"),
            ("GOTRUE_EMULATOR_TEST_PROVIDER", "true"),
        ]);
        assert_eq!(c.port, 9999);
        assert!(c.test_controls && !c.csp && c.passkey_enabled && c.test_provider);
        assert_eq!(c.db_path, Some(PathBuf::from("/tmp/x.db")));
        assert_eq!(c.jwt_issuer.as_deref(), Some("me"));
        assert_eq!(c.jwt_admin_roles, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(c.smtp_max_frequency, 90.0);
        assert_eq!(c.mfa_phone_max_frequency, 5.0);
        assert_eq!(c.password_required_characters, vec!["abc".to_string(), "0123:x".to_string()]);
    }

    #[test]
    fn bad_or_blank_values_keep_the_defaults() {
        let c = from(&[
            ("GOTRUE_EMULATOR_PORT", "eighty"),
            ("GOTRUE_JWT_EXP", "-"),
            ("GOTRUE_SMTP_MAX_FREQUENCY", "soon"),
            ("GOTRUE_EMULATOR_HOST", "   "),
            ("GOTRUE_SITE_URL", ""),
        ]);
        assert_eq!(c.port, 54321);
        assert_eq!(c.jwt_exp, 3600);
        assert_eq!(c.smtp_max_frequency, 60.0);
        assert_eq!(c.host, "127.0.0.1");
        assert!(c.site_url.is_none());
        // A boolean that is not a yes turns the setting off.
        assert!(!from(&[("GOTRUE_MAILER_AUTOCONFIRM", "maybe")]).mailer_autoconfirm);
    }

    #[test]
    fn normalized_applies_gotrue_floors() {
        let c = Config {
            password_min_length: 2,
            mailer_otp_length: 12,
            mfa_challenge_expiry: 10.0,
            bcrypt_cost: 1,
            ..Config::default()
        }
        .normalized();
        assert_eq!(c.password_min_length, 6);
        assert_eq!(c.mailer_otp_length, 10);
        assert_eq!(c.mfa_challenge_expiry, 300.0);
        assert_eq!(c.bcrypt_cost, 4);
    }

    #[test]
    fn oauth_providers_from_the_environment() {
        let vars = [
            ("GOTRUE_EXTERNAL_KEYCLOAK_ENABLED", "true"),
            ("GOTRUE_EXTERNAL_KEYCLOAK_CLIENT_ID", "gotrue,other"),
            ("GOTRUE_EXTERNAL_KEYCLOAK_SECRET", "s"),
            ("GOTRUE_EXTERNAL_KEYCLOAK_URL", "http://kc/realms/x"),
            ("GOTRUE_SECURITY_MANUAL_LINKING_ENABLED", "true"),
        ];
        let c =
            Config::from_vars(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()));
        let kc = c.external_provider("keycloak").unwrap();
        assert!(kc.enabled && c.manual_linking_enabled);
        assert_eq!((kc.client_id.as_str(), kc.url.as_str()), ("gotrue", "http://kc/realms/x"));
        assert!(c.external_provider("github").is_none());
    }

    #[test]
    fn every_read_variable_is_documented() {
        let src = include_str!("config.rs");
        let body =
            &src[src.find("pub fn from_vars").unwrap()..src.find("pub fn normalized").unwrap()];
        for part in body.split('"').skip(1).step_by(2) {
            if part.starts_with("GOTRUE_") || part == "API_EXTERNAL_URL" {
                assert!(ENV_VARS.iter().any(|(v, _)| *v == part), "{part} missing from ENV_VARS");
            }
        }
    }
}
