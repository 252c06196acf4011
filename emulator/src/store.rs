//! The data: users, factors, challenges, sessions, refresh tokens, PKCE flow states.
//!
//! The working copy lives in memory ([`Db`]); with a database path every change is written
//! through to SQLite (one table per entity, each row the entity as JSON) and read back on start.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A registered WebAuthn credential (MFA factor or passkey) as the server keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredCredential {
    /// Credential id, base64url without padding.
    pub id: String,
    /// The P-256 public key as an uncompressed SEC1 point, base64url.
    pub public_key: String,
    /// The COSE key as the authenticator sent it, base64url.
    pub cose_key: String,
    /// Last signature counter seen.
    pub sign_count: u32,
    /// Authenticator model (AAGUID, UUID form).
    pub aaguid: String,
    /// Transports the browser reported (`internal`, `usb`...).
    pub transports: Vec<String>,
}

/// Timestamps are microseconds since the Unix epoch.
pub type Micros = i64;

/// A user (GoTrue's `auth.users` row plus its email identity).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    /// UUID.
    pub id: String,
    /// Audience.
    pub aud: String,
    /// Role.
    pub role: String,
    /// Lowercased email, `""` when none.
    pub email: String,
    /// Phone without `+`, `""` when none.
    pub phone: String,
    /// bcrypt hash, `""` when none.
    pub encrypted_password: String,
    /// When the email was confirmed.
    pub email_confirmed_at: Option<Micros>,
    /// When the phone was confirmed.
    pub phone_confirmed_at: Option<Micros>,
    /// Sign-up confirmation token hash.
    pub confirmation_token: String,
    /// When the confirmation mail was sent.
    pub confirmation_sent_at: Option<Micros>,
    /// Recovery token hash (`pkce_`-prefixed in PKCE mode).
    pub recovery_token: String,
    /// When the recovery mail was sent.
    pub recovery_sent_at: Option<Micros>,
    /// Reauthentication nonce hash.
    pub reauthentication_token: String,
    /// When the reauthentication mail was sent.
    pub reauthentication_sent_at: Option<Micros>,
    /// Pending new email.
    pub new_email: String,
    /// Email-change token hash of the new address (GoTrue's `email_change_token_new`).
    pub email_change_token: String,
    /// When the admin API invited the user (`POST /invite`).
    #[serde(default)]
    pub invited_at: Option<Micros>,
    /// Email-change token hash of the current address (secure email change).
    #[serde(default)]
    pub email_change_token_current: String,
    /// GoTrue's `email_change_confirm_status`: 1 once one of two addresses has confirmed.
    #[serde(default)]
    pub email_change_confirm_status: u8,
    /// When the email-change mail was sent.
    pub email_change_sent_at: Option<Micros>,
    /// Last sign-in.
    pub last_sign_in_at: Option<Micros>,
    /// `app_metadata`.
    pub app_metadata: Value,
    /// `user_metadata`.
    pub user_metadata: Value,
    /// Created.
    pub created_at: Micros,
    /// Updated.
    pub updated_at: Micros,
    /// Banned until.
    pub banned_until: Option<Micros>,
    /// Anonymous user.
    pub is_anonymous: bool,
    /// The email identity.
    pub identity: Option<Identity>,
    /// OAuth identities (Keycloak...), in the order they were linked.
    #[serde(default)]
    pub external_identities: Vec<ExternalIdentity>,
}

/// An identity at an OAuth provider (GoTrue's `auth.identities` row of a provider other than
/// `email`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExternalIdentity {
    /// `identity_id` (row UUID).
    pub identity_id: String,
    /// Provider name (`keycloak`).
    pub provider: String,
    /// The provider's subject (`id` in the JSON).
    pub provider_id: String,
    /// `identity_data`: the provider's claims.
    pub identity_data: Value,
    /// Last sign-in.
    pub last_sign_in_at: Option<Micros>,
    /// Created.
    pub created_at: Micros,
    /// Updated.
    pub updated_at: Micros,
}

impl ExternalIdentity {
    /// The email of the claims (`""` when none).
    pub fn email(&self) -> String {
        self.identity_data.get("email").and_then(Value::as_str).unwrap_or("").to_lowercase()
    }
}

/// A pending OAuth sign-in or link: the `state` handed to the provider (GoTrue keeps it as a
/// flow state whose id is the `state`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OAuthState {
    /// UUID, the `state` parameter.
    pub id: String,
    /// Provider name.
    pub provider: String,
    /// Where the callback redirects (the allowed `redirect_to`, else the site URL).
    pub referrer: String,
    /// PKCE code challenge (`""` for the implicit flow).
    pub code_challenge: String,
    /// `s256` or `plain` (`""` for the implicit flow).
    pub code_challenge_method: String,
    /// The user an identity is linked to (manual linking).
    pub linking_user_id: Option<String>,
    /// Created.
    pub created_at: Micros,
}

/// The `email` identity of a user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identity {
    /// `identity_id` (row UUID).
    pub identity_id: String,
    /// `identity_data`.
    pub identity_data: Value,
    /// Last sign-in.
    pub last_sign_in_at: Option<Micros>,
    /// Created.
    pub created_at: Micros,
    /// Updated.
    pub updated_at: Micros,
}

/// An MFA factor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Factor {
    /// UUID.
    pub id: String,
    /// Owner.
    pub user_id: String,
    /// `friendly_name` (`""` when none).
    pub friendly_name: String,
    /// `totp` or `phone`.
    pub factor_type: String,
    /// `verified` or `unverified`.
    pub status: String,
    /// TOTP secret (base32), never serialized to clients.
    pub secret: String,
    /// Phone without `+` for phone factors.
    pub phone: String,
    /// Created.
    pub created_at: Micros,
    /// Updated.
    pub updated_at: Micros,
    /// Last challenge.
    pub last_challenged_at: Option<Micros>,
    /// Created by the seed or `/_emulator/users` (its code is shown on the inbox page).
    pub seeded: bool,
    /// The credential of a verified `webauthn` factor.
    #[serde(default)]
    pub webauthn_credential: Option<StoredCredential>,
    /// `last_webauthn_challenge_data`: the last verified challenge and its parsed response.
    #[serde(default)]
    pub last_webauthn_challenge_data: Option<Value>,
}

/// An MFA challenge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Challenge {
    /// UUID.
    pub id: String,
    /// The factor challenged.
    pub factor_id: String,
    /// Created.
    pub created_at: Micros,
    /// When it was used.
    pub verified_at: Option<Micros>,
    /// The caller's IP.
    pub ip: String,
    /// The SMS code for phone challenges.
    pub otp_code: String,
    /// WebAuthn challenges: `create` or `request` and go-webauthn's session data.
    #[serde(default)]
    pub webauthn: Option<WebauthnSession>,
}

/// The WebAuthn side of an MFA challenge.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebauthnSession {
    /// `create` (unverified factor) or `request` (verified factor).
    pub kind: String,
    /// The challenge, base64url.
    pub challenge: String,
    /// go-webauthn's `SessionData` JSON (shown back in `last_webauthn_challenge_data`).
    pub session_data: Value,
}

/// A passkey (a discoverable WebAuthn credential that signs in on its own, at aal1).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Passkey {
    /// UUID.
    pub id: String,
    /// Owner.
    pub user_id: String,
    /// `friendly_name` (`Passkey` unless renamed).
    pub friendly_name: String,
    /// The credential.
    pub credential: StoredCredential,
    /// Created.
    pub created_at: Micros,
    /// Updated.
    pub updated_at: Micros,
    /// Last sign-in with it.
    pub last_used_at: Option<Micros>,
}

/// A passkey registration or sign-in challenge (spent by the first verify attempt).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    /// UUID.
    pub id: String,
    /// `registration` or `authentication`.
    pub kind: String,
    /// The user registering (`None` for sign-in).
    pub user_id: Option<String>,
    /// The challenge, base64url.
    pub challenge: String,
    /// Created.
    pub created_at: Micros,
}

/// One `mfa_amr_claims` row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AmrClaim {
    /// Method (`password`, `otp`, `totp`, `mfa/phone`, `recovery`...).
    pub method: String,
    /// Last time this method was used on the session.
    pub updated_at: Micros,
}

/// A session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    /// UUID.
    pub id: String,
    /// Owner.
    pub user_id: String,
    /// Created.
    pub created_at: Micros,
    /// Updated.
    pub updated_at: Micros,
    /// `aal1` or `aal2` (the server's view; JWT claims never override it).
    pub aal: String,
    /// Factor that raised it to aal2.
    pub factor_id: Option<String>,
    /// Authentication methods used.
    pub amr: Vec<AmrClaim>,
}

impl Session {
    /// Adds or refreshes an AMR claim.
    pub fn add_amr(&mut self, method: &str, now: Micros) {
        match self.amr.iter_mut().find(|c| c.method == method) {
            Some(c) => c.updated_at = now,
            None => self.amr.push(AmrClaim { method: method.into(), updated_at: now }),
        }
    }

    /// True when the session was started by an emailed code or link (GoTrue's `IsRecovery`).
    pub fn is_recovery(&self) -> bool {
        self.amr.iter().any(|c| matches!(c.method.as_str(), "otp" | "magiclink" | "recovery"))
    }

    /// The AAL implied by the AMR claims (what goes in the JWT).
    pub fn aal_from_amr(&self) -> &'static str {
        if self
            .amr
            .iter()
            .any(|c| matches!(c.method.as_str(), "totp" | "mfa/phone" | "mfa/webauthn"))
        {
            "aal2"
        } else {
            "aal1"
        }
    }
}

/// A legacy refresh token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshToken {
    /// Sequence number (GoTrue's bigserial id).
    pub id: u64,
    /// The 12-character token.
    pub token: String,
    /// Owner.
    pub user_id: String,
    /// Session.
    pub session_id: String,
    /// Revoked by rotation.
    pub revoked: bool,
    /// The token it replaced (`""` for the first of a session).
    pub parent: String,
    /// Created.
    pub created_at: Micros,
    /// Updated (revocation time for revoked tokens).
    pub updated_at: Micros,
}

/// A PKCE flow state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FlowState {
    /// UUID.
    pub id: String,
    /// User.
    pub user_id: String,
    /// The auth code handed out in `?code=`.
    pub auth_code: String,
    /// Code challenge.
    pub code_challenge: String,
    /// `s256` or `plain`.
    pub code_challenge_method: String,
    /// Method recorded on the session (`recovery`...).
    pub authentication_method: String,
    /// Created.
    pub created_at: Micros,
    /// When the auth code was issued (link clicked).
    pub auth_code_issued_at: Option<Micros>,
    /// The OAuth provider's access token, handed out with the session (`provider_token`).
    #[serde(default)]
    pub provider_token: Option<String>,
    /// The OAuth provider's refresh token (`provider_refresh_token`).
    #[serde(default)]
    pub provider_refresh_token: Option<String>,
}

/// All auth data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Db {
    /// Users.
    pub users: Vec<User>,
    /// Factors, in creation order.
    pub factors: Vec<Factor>,
    /// Challenges.
    pub challenges: Vec<Challenge>,
    /// Sessions.
    pub sessions: Vec<Session>,
    /// Refresh tokens.
    pub refresh_tokens: Vec<RefreshToken>,
    /// PKCE flow states.
    pub flow_states: Vec<FlowState>,
    /// Next refresh-token id.
    pub next_token_id: u64,
    /// Passkeys.
    #[serde(default)]
    pub passkeys: Vec<Passkey>,
    /// Pending passkey challenges.
    #[serde(default)]
    pub passkey_challenges: Vec<PasskeyChallenge>,
    /// Pending OAuth sign-ins and links.
    #[serde(default)]
    pub oauth_states: Vec<OAuthState>,
}

impl Db {
    /// The user with this id.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }
    /// The user with this id, mutable.
    pub fn user_mut(&mut self, id: &str) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.id == id)
    }
    /// The user with this (lowercased) email and audience.
    pub fn user_by_email(&self, email: &str, aud: &str) -> Option<&User> {
        let e = email.to_lowercase();
        self.users.iter().find(|u| u.email == e && u.aud == aud && !e.is_empty())
    }
    /// The user with this phone (without `+`) and audience.
    pub fn user_by_phone(&self, phone: &str, aud: &str) -> Option<&User> {
        self.users.iter().find(|u| !u.phone.is_empty() && u.phone == phone && u.aud == aud)
    }
    /// The session with this id.
    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }
    /// The session with this id, mutable.
    pub fn session_mut(&mut self, id: &str) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|s| s.id == id)
    }
    /// The factors of a user, in creation order.
    pub fn factors_of(&self, user_id: &str) -> Vec<&Factor> {
        self.factors.iter().filter(|f| f.user_id == user_id).collect()
    }
    /// True when the user has a verified factor.
    pub fn has_mfa(&self, user_id: &str) -> bool {
        self.factors.iter().any(|f| f.user_id == user_id && f.status == "verified")
    }
    /// Deletes sessions matching `pred`, with their refresh tokens.
    pub fn delete_sessions(&mut self, pred: impl Fn(&Session) -> bool) {
        let gone: Vec<String> =
            self.sessions.iter().filter(|s| pred(s)).map(|s| s.id.clone()).collect();
        self.sessions.retain(|s| !gone.contains(&s.id));
        self.refresh_tokens.retain(|t| !gone.contains(&t.session_id));
    }
    /// Deletes a factor with its challenges.
    pub fn delete_factor(&mut self, factor_id: &str) {
        self.factors.retain(|f| f.id != factor_id);
        self.challenges.retain(|c| c.factor_id != factor_id);
    }
    /// Deletes a user and everything that hangs off it.
    pub fn delete_user(&mut self, user_id: &str) {
        self.delete_sessions(|s| s.user_id == user_id);
        let fids: Vec<String> = self.factors_of(user_id).iter().map(|f| f.id.clone()).collect();
        for f in fids {
            self.delete_factor(&f);
        }
        self.flow_states.retain(|f| f.user_id != user_id);
        self.passkeys.retain(|p| p.user_id != user_id);
        self.passkey_challenges.retain(|c| c.user_id.as_deref() != Some(user_id));
        self.users.retain(|u| u.id != user_id);
    }
    /// Creates a session with one AMR claim and its first refresh token; returns both.
    pub fn create_session(&mut self, user_id: &str, method: &str, now: Micros) -> (String, String) {
        let sid = crate::util::uuid_v4();
        self.sessions.push(Session {
            id: sid.clone(),
            user_id: user_id.into(),
            created_at: now,
            updated_at: now,
            aal: "aal1".into(),
            factor_id: None,
            amr: vec![AmrClaim { method: method.into(), updated_at: now }],
        });
        let token = self.grant_token(user_id, &sid, "", now);
        (sid, token)
    }
    /// Issues a refresh token for a session (child of `parent`).
    pub fn grant_token(
        &mut self,
        user_id: &str,
        session_id: &str,
        parent: &str,
        now: Micros,
    ) -> String {
        self.next_token_id += 1;
        let token = crate::util::refresh_token_string();
        self.refresh_tokens.push(RefreshToken {
            id: self.next_token_id,
            token: token.clone(),
            user_id: user_id.into(),
            session_id: session_id.into(),
            revoked: false,
            parent: parent.into(),
            created_at: now,
            updated_at: now,
        });
        token
    }
    /// Revokes `old` and issues its child (GoTrue's `GrantRefreshTokenSwap`).
    pub fn swap_token(&mut self, old_token: &str, now: Micros) -> Option<String> {
        let t = self.refresh_tokens.iter_mut().find(|t| t.token == old_token)?;
        t.revoked = true;
        t.updated_at = now;
        let (uid, sid) = (t.user_id.clone(), t.session_id.clone());
        Some(self.grant_token(&uid, &sid, old_token, now))
    }
    /// Revokes every unrevoked token of a session (reuse of a revoked token).
    pub fn revoke_session_tokens(&mut self, session_id: &str, now: Micros) {
        for t in self.refresh_tokens.iter_mut().filter(|t| t.session_id == session_id && !t.revoked)
        {
            t.revoked = true;
            t.updated_at = now;
        }
    }
    /// The newest unrevoked token of a session.
    pub fn active_token(&self, session_id: &str) -> Option<&RefreshToken> {
        self.refresh_tokens
            .iter()
            .filter(|t| t.session_id == session_id && !t.revoked)
            .max_by_key(|t| t.id)
    }
    /// The newest token of a session, revoked or not.
    pub fn latest_token(&self, session_id: &str) -> Option<&RefreshToken> {
        self.refresh_tokens.iter().filter(|t| t.session_id == session_id).max_by_key(|t| t.id)
    }
}

const TABLES: &[&str] = &[
    "users",
    "factors",
    "challenges",
    "sessions",
    "refresh_tokens",
    "flow_states",
    "passkeys",
    "passkey_challenges",
    "oauth_states",
];

/// Write-through persistence of a [`Db`] into a SQLite file.
pub struct Persist {
    conn: rusqlite::Connection,
}

impl std::fmt::Debug for Persist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Persist")
    }
}

fn sql_err(e: rusqlite::Error) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl Persist {
    /// Opens (or creates) the file and its tables.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let conn = rusqlite::Connection::open(path).map_err(sql_err)?;
        for t in TABLES {
            conn.execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS {t} (id TEXT PRIMARY KEY, data TEXT NOT NULL);"
            ))
            .map_err(sql_err)?;
        }
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )
        .map_err(sql_err)?;
        Ok(Persist { conn })
    }

    /// Reads everything back.
    pub fn load(&self) -> std::io::Result<Db> {
        fn rows<T: for<'de> Deserialize<'de>>(
            c: &rusqlite::Connection,
            t: &str,
        ) -> std::io::Result<Vec<T>> {
            let mut st =
                c.prepare(&format!("SELECT data FROM {t} ORDER BY rowid")).map_err(sql_err)?;
            let it = st.query_map([], |r| r.get::<_, String>(0)).map_err(sql_err)?;
            let mut out = Vec::new();
            for s in it {
                let s = s.map_err(sql_err)?;
                out.push(serde_json::from_str(&s).map_err(std::io::Error::other)?);
            }
            Ok(out)
        }
        let c = &self.conn;
        let next: Option<String> = c
            .query_row("SELECT value FROM meta WHERE key = 'next_token_id'", [], |r| r.get(0))
            .ok();
        Ok(Db {
            users: rows(c, "users")?,
            factors: rows(c, "factors")?,
            challenges: rows(c, "challenges")?,
            sessions: rows(c, "sessions")?,
            refresh_tokens: rows(c, "refresh_tokens")?,
            flow_states: rows(c, "flow_states")?,
            passkeys: rows(c, "passkeys")?,
            passkey_challenges: rows(c, "passkey_challenges")?,
            oauth_states: rows(c, "oauth_states")?,
            next_token_id: next.and_then(|s| s.parse().ok()).unwrap_or(0),
        })
    }

    /// Replaces the stored state with `db` in one transaction.
    pub fn save(&mut self, db: &Db) -> std::io::Result<()> {
        fn put<T: Serialize>(
            tx: &rusqlite::Transaction<'_>,
            t: &str,
            items: &[T],
            id: impl Fn(&T) -> String,
        ) -> std::io::Result<()> {
            tx.execute(&format!("DELETE FROM {t}"), []).map_err(sql_err)?;
            let mut st = tx
                .prepare(&format!("INSERT INTO {t} (id, data) VALUES (?1, ?2)"))
                .map_err(sql_err)?;
            for i in items {
                let data = serde_json::to_string(i).map_err(std::io::Error::other)?;
                st.execute(rusqlite::params![id(i), data]).map_err(sql_err)?;
            }
            Ok(())
        }
        let tx = self.conn.transaction().map_err(sql_err)?;
        put(&tx, "users", &db.users, |u| u.id.clone())?;
        put(&tx, "factors", &db.factors, |f| f.id.clone())?;
        put(&tx, "challenges", &db.challenges, |c| c.id.clone())?;
        put(&tx, "sessions", &db.sessions, |s| s.id.clone())?;
        put(&tx, "refresh_tokens", &db.refresh_tokens, |t| t.id.to_string())?;
        put(&tx, "flow_states", &db.flow_states, |f| f.id.clone())?;
        put(&tx, "passkeys", &db.passkeys, |p| p.id.clone())?;
        put(&tx, "passkey_challenges", &db.passkey_challenges, |c| c.id.clone())?;
        put(&tx, "oauth_states", &db.oauth_states, |o| o.id.clone())?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('next_token_id', ?1)",
            [db.next_token_id.to_string()],
        )
        .map_err(sql_err)?;
        tx.commit().map_err(sql_err)
    }
}

impl User {
    /// A new user with an email identity (not stored), audience and role from the settings.
    /// `password_hash` may be empty.
    pub fn new(
        config: &crate::config::Config,
        email: &str,
        password_hash: String,
        confirmed: bool,
        data: Option<&serde_json::Map<String, Value>>,
        now: Micros,
    ) -> User {
        let id = crate::util::uuid_v4();
        let mut identity = serde_json::Map::new();
        identity.insert("email".into(), Value::from(email));
        identity.insert("email_verified".into(), Value::Bool(confirmed));
        identity.insert("phone_verified".into(), Value::Bool(false));
        identity.insert("sub".into(), Value::from(id.clone()));
        let mut meta = data.cloned().unwrap_or_default();
        // GoTrue: the identity's claims win in `user_metadata`; sign-up `data` keys the claims
        // lack are copied into `identity_data`.
        for (k, v) in &identity {
            meta.insert(k.clone(), v.clone());
        }
        for (k, v) in data.into_iter().flatten() {
            identity.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let identity_data = Value::Object(identity);
        User {
            id: id.clone(),
            aud: config.jwt_aud.clone(),
            role: config.jwt_default_group.clone(),
            email: email.to_lowercase(),
            phone: String::new(),
            encrypted_password: password_hash,
            email_confirmed_at: confirmed.then_some(now),
            phone_confirmed_at: None,
            confirmation_token: String::new(),
            confirmation_sent_at: None,
            recovery_token: String::new(),
            recovery_sent_at: None,
            reauthentication_token: String::new(),
            reauthentication_sent_at: None,
            new_email: String::new(),
            email_change_token: String::new(),
            email_change_token_current: String::new(),
            email_change_confirm_status: 0,
            invited_at: None,
            email_change_sent_at: None,
            last_sign_in_at: None,
            app_metadata: serde_json::json!({"provider": "email", "providers": ["email"]}),
            user_metadata: Value::Object(meta),
            created_at: now,
            updated_at: now,
            banned_until: None,
            is_anonymous: false,
            identity: Some(Identity {
                identity_id: crate::util::uuid_v4(),
                identity_data,
                last_sign_in_at: Some(now),
                created_at: now,
                updated_at: now,
            }),
            external_identities: Vec::new(),
        }
    }
}

impl User {
    /// GoTrue's `Confirm`: the email confirmed now (unless it was), `email_verified` in the
    /// metadata and the identity.
    pub fn confirm_email(&mut self, now: Micros) {
        if self.email_confirmed_at.is_none() {
            self.email_confirmed_at = Some(now);
            if let Some(m) = self.user_metadata.as_object_mut() {
                m.insert("email_verified".into(), Value::Bool(true));
            }
            if let Some(i) = self.identity.as_mut() {
                i.identity_data["email_verified"] = Value::Bool(true);
            }
        }
    }
}

impl Factor {
    /// A new unverified factor (not stored).
    pub fn new(
        user_id: &str,
        factor_type: &str,
        name: &str,
        secret: String,
        phone: String,
        now: Micros,
    ) -> Factor {
        Factor {
            id: crate::util::uuid_v4(),
            user_id: user_id.into(),
            friendly_name: name.into(),
            factor_type: factor_type.into(),
            status: "unverified".into(),
            secret,
            phone,
            created_at: now,
            updated_at: now,
            last_challenged_at: None,
            seeded: false,
            webauthn_credential: None,
            last_webauthn_challenge_data: None,
        }
    }
}
