//! Shared server state and the GoTrue shapes built from it (user JSON, token responses, mails).

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Map, Value};

use crate::clock::Clock;
use crate::config::Config;
use crate::error::ApiError;
use crate::faults::Fault;
use crate::outbox::{render, Mail, MailKind, Outbox, Sms};
use crate::store::{Db, Factor, Identity, Micros, Persist, Session, User};
use crate::util::{self, rfc3339};

/// Everything behind the lock.
#[derive(Debug, Default)]
pub struct Inner {
    /// Auth data.
    pub db: Db,
    /// Sent mail and SMS.
    pub outbox: Outbox,
    /// Pending injected faults.
    pub faults: Vec<Fault>,
    /// Send times of recent emails (for `GOTRUE_RATE_LIMIT_EMAIL_SENT`).
    pub email_sent: Vec<Micros>,
}

/// The server's state.
#[derive(Debug)]
pub struct AppState {
    /// Settings.
    pub config: Config,
    /// The clock (test controls can move it).
    pub clock: Clock,
    /// `GOTRUE_SITE_URL`, or the server's origin.
    pub site_url: String,
    /// The API's external URL, ending in `/auth/v1`.
    pub external_url: String,
    /// The server's own origin (`http://host:port`).
    pub origin: String,
    inner: Mutex<Inner>,
    persist: Option<Mutex<Persist>>,
}

/// The demo TOTP secret seeded for `mfa@example.com`.
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// The demo password.
pub const DEMO_PASSWORD: &str = "demo-password-1";

impl AppState {
    /// Builds the state for a server reachable at `origin` (e.g. `http://127.0.0.1:54321`).
    pub fn new(config: Config, origin: String) -> std::io::Result<Arc<Self>> {
        let config = config.normalized();
        let site_url = config.site_url.clone().unwrap_or_else(|| origin.clone());
        let external_url = config
            .api_external_url
            .clone()
            .unwrap_or_else(|| format!("{origin}/auth/v1"))
            .trim_end_matches('/')
            .to_string();
        let mut inner = Inner::default();
        let persist = match &config.db_path {
            Some(p) => {
                let persist = Persist::open(p)?;
                inner.db = persist.load()?;
                Some(Mutex::new(persist))
            }
            None => None,
        };
        let state = Arc::new(AppState {
            config,
            clock: Clock::new(),
            site_url,
            external_url,
            origin,
            inner: Mutex::new(inner),
            persist,
        });
        if state.config.seed_demo {
            state.seed_demo();
        }
        Ok(state)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the state.
    pub fn read<R>(&self, f: impl FnOnce(&Inner) -> R) -> R {
        f(&self.lock())
    }

    /// Changes the state and writes the auth data through to SQLite when configured.
    pub fn write<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut g = self.lock();
        let r = f(&mut g);
        if let Some(p) = &self.persist {
            let mut p = p.lock().unwrap_or_else(|e| e.into_inner());
            if let Err(e) = p.save(&g.db) {
                eprintln!("gotrue-emulator: could not save state: {e}");
            }
        }
        r
    }

    /// Changes state that is not persisted (outboxes, faults).
    pub fn volatile<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        f(&mut self.lock())
    }

    /// Now, in microseconds.
    pub fn now(&self) -> Micros {
        self.clock.now_micros()
    }

    /// bcrypt hash with the configured cost (call outside the lock: it is slow on purpose).
    pub fn hash_password(&self, password: &str) -> Result<String, ApiError> {
        bcrypt::hash(password.as_bytes(), self.config.bcrypt_cost)
            .map_err(|_| ApiError::internal("Error hashing password"))
    }

    /// [`AppState::hash_password`] on the blocking pool, so that slow hashing does not hold up
    /// other requests.
    pub async fn hash_password_async(&self, password: &str) -> Result<String, ApiError> {
        let (pw, cost) = (password.to_string(), self.config.bcrypt_cost);
        tokio::task::spawn_blocking(move || bcrypt::hash(pw.as_bytes(), cost))
            .await
            .map_err(|_| ApiError::internal("Error hashing password"))?
            .map_err(|_| ApiError::internal("Error hashing password"))
    }

    /// GoTrue's `checkPasswordStrength`: 400 over 72 bytes, else 422 `weak_password` with reasons.
    pub fn check_password_strength(&self, password: &str) -> Result<(), ApiError> {
        if password.len() > 72 {
            return Err(ApiError::validation("Password cannot be longer than 72 characters"));
        }
        let (mut reasons, mut messages) = (Vec::new(), Vec::new());
        if password.len() < self.config.password_min_length {
            reasons.push("length".to_string());
            messages.push(format!(
                "Password should be at least {} characters.",
                self.config.password_min_length
            ));
        }
        let sets = &self.config.password_required_characters;
        if sets.iter().any(|set| !set.is_empty() && !password.chars().any(|c| set.contains(c))) {
            reasons.push("characters".to_string());
            messages.push(format!(
                "Password should contain at least one character of each: {}.",
                sets.join(", ")
            ));
        }
        if reasons.is_empty() {
            return Ok(());
        }
        let mut e = ApiError::unprocessable("weak_password", messages.join(" "));
        e.weak_password = Some(reasons);
        Err(e)
    }

    /// True when `url` is the site's host or matches `GOTRUE_URI_ALLOW_LIST`.
    pub fn is_redirect_valid(&self, url: &str) -> bool {
        if url.is_empty() {
            return false;
        }
        let same_host = matches!((util::url_hostname(&self.site_url), util::url_hostname(url)), (Some(a), Some(b)) if a == b);
        same_host || self.config.uri_allow_list.iter().any(|p| util::glob_match(p, url))
    }

    /// GoTrue's `GetReferrer`: a valid `redirect_to` (header or query), else a valid `Referer`,
    /// else the site URL.
    pub fn referrer(&self, headers: &axum::http::HeaderMap, query: &[(String, String)]) -> String {
        let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
        let from_request = header("redirect_to")
            .or_else(|| query.iter().find(|(k, _)| k == "redirect_to").map(|(_, v)| v.clone()));
        for candidate in [from_request, header("referer")].into_iter().flatten() {
            if self.is_redirect_valid(&candidate) {
                return candidate;
            }
        }
        self.site_url.clone()
    }

    /// The emailed link: `<external>/verify?token=<hash>&type=<type>&redirect_to=<redirect>`.
    pub fn verify_link(&self, token_hash: &str, kind: &str, redirect_to: &str) -> String {
        format!(
            "{}/verify?token={}&type={}&redirect_to={}",
            self.external_url,
            util::query_escape(token_hash),
            kind,
            util::query_escape(redirect_to)
        )
    }

    /// Puts a mail in the outbox.
    pub fn send_mail(
        &self,
        inner: &mut Inner,
        to: &str,
        kind: MailKind,
        code: &str,
        link: Option<&str>,
    ) {
        let now = self.now();
        let (subject, text, html) = render(kind, code, link);
        let id = util::uuid_v4();
        inner.outbox.mails.push(Mail {
            id,
            to: to.to_string(),
            from: self.config.smtp_admin_email.clone(),
            subject,
            text,
            html,
            created: now,
        });
        inner.email_sent.push(now);
    }

    /// GoTrue's global email budget (only when autoconfirm is off).
    pub fn check_email_budget(&self, inner: &mut Inner) -> Result<(), ApiError> {
        if self.config.mailer_autoconfirm {
            return Ok(());
        }
        let hour_ago = self.now() - 3_600_000_000;
        inner.email_sent.retain(|t| *t > hour_ago);
        if inner.email_sent.len() as u64 >= u64::from(self.config.rate_limit_email_sent) {
            return Err(ApiError::too_many(
                "over_email_send_rate_limit",
                "email rate limit exceeded",
            ));
        }
        Ok(())
    }

    /// Puts an SMS in the outbox.
    pub fn send_sms(&self, inner: &mut Inner, phone: &str, body: String) {
        inner.outbox.sms.push(Sms {
            to: format!("+{}", phone.trim_start_matches('+')),
            body,
            created: self.now(),
        });
    }

    /// A new user (not stored). `password_hash` may be empty.
    pub fn new_user(
        &self,
        email: &str,
        password_hash: String,
        confirmed: bool,
        data: Option<&Map<String, Value>>,
    ) -> User {
        let now = self.now();
        let id = util::uuid_v4();
        let identity_data = json!({"email": email, "email_verified": confirmed, "phone_verified": false, "sub": id});
        let mut meta = data.cloned().unwrap_or_default();
        if let Value::Object(idm) = &identity_data {
            for (k, v) in idm {
                meta.insert(k.clone(), v.clone());
            }
        }
        User {
            id: id.clone(),
            aud: self.config.jwt_aud.clone(),
            role: self.config.jwt_default_group.clone(),
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
            email_change_sent_at: None,
            last_sign_in_at: None,
            app_metadata: json!({"provider": "email", "providers": ["email"]}),
            user_metadata: Value::Object(meta),
            created_at: now,
            updated_at: now,
            banned_until: None,
            is_anonymous: false,
            identity: Some(Identity {
                identity_id: util::uuid_v4(),
                identity_data,
                last_sign_in_at: Some(now),
                created_at: now,
                updated_at: now,
            }),
        }
    }

    /// GoTrue's User JSON. `fresh` mimics the object GoTrue returns from sign-up before reloading
    /// it: `confirmed_at` (a generated column) is missing there.
    pub fn user_json(&self, db: &Db, u: &User, fresh: bool) -> Value {
        let mut m = Map::new();
        let ts = |v: Option<Micros>| v.map(rfc3339);
        let opt = |m: &mut Map<String, Value>, k: &str, v: Option<Micros>| {
            if let Some(s) = ts(v) {
                m.insert(k.into(), json!(s));
            }
        };
        m.insert("id".into(), json!(u.id));
        m.insert("aud".into(), json!(u.aud));
        m.insert("role".into(), json!(u.role));
        m.insert("email".into(), json!(u.email));
        opt(&mut m, "email_confirmed_at", u.email_confirmed_at);
        m.insert("phone".into(), json!(u.phone));
        opt(&mut m, "phone_confirmed_at", u.phone_confirmed_at);
        opt(&mut m, "confirmation_sent_at", u.confirmation_sent_at);
        if !fresh {
            let confirmed = match (u.email_confirmed_at, u.phone_confirmed_at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            opt(&mut m, "confirmed_at", confirmed);
        }
        opt(&mut m, "recovery_sent_at", u.recovery_sent_at);
        if !u.new_email.is_empty() {
            m.insert("new_email".into(), json!(u.new_email));
        }
        opt(&mut m, "email_change_sent_at", u.email_change_sent_at);
        opt(&mut m, "reauthentication_sent_at", u.reauthentication_sent_at);
        opt(&mut m, "last_sign_in_at", u.last_sign_in_at);
        m.insert("app_metadata".into(), u.app_metadata.clone());
        m.insert("user_metadata".into(), u.user_metadata.clone());
        let factors: Vec<Value> = db.factors_of(&u.id).into_iter().map(factor_json).collect();
        if !factors.is_empty() {
            m.insert("factors".into(), json!(factors));
        }
        let identities: Vec<Value> = u
            .identity
            .iter()
            .map(|i| {
                json!({
                    "identity_id": i.identity_id,
                    "id": u.id,
                    "user_id": u.id,
                    "identity_data": i.identity_data,
                    "provider": "email",
                    "last_sign_in_at": ts(i.last_sign_in_at),
                    "created_at": rfc3339(i.created_at),
                    "updated_at": rfc3339(i.updated_at),
                    "email": u.email,
                })
            })
            .collect();
        m.insert("identities".into(), json!(identities));
        m.insert("created_at".into(), json!(rfc3339(u.created_at)));
        m.insert("updated_at".into(), json!(rfc3339(u.updated_at)));
        opt(&mut m, "banned_until", u.banned_until);
        m.insert("is_anonymous".into(), json!(u.is_anonymous));
        Value::Object(m)
    }

    /// Signs an access token for `session` of `user`; returns it with its `exp`.
    pub fn access_token(&self, user: &User, session: &Session) -> (String, i64) {
        let iat = self.clock.now_secs();
        let exp = iat + self.config.jwt_exp;
        let mut amr: Vec<&crate::store::AmrClaim> = session.amr.iter().collect();
        amr.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
        let amr: Vec<Value> = amr
            .iter()
            .map(|c| json!({"method": c.method, "timestamp": c.updated_at.div_euclid(1_000_000)}))
            .collect();
        let mut claims = Map::new();
        if let Some(iss) = &self.config.jwt_issuer {
            claims.insert("iss".into(), json!(iss));
        }
        for (k, v) in [
            ("sub", json!(user.id)),
            ("aud", json!(user.aud)),
            ("exp", json!(exp)),
            ("iat", json!(iat)),
            ("email", json!(user.email)),
            ("phone", json!(user.phone)),
            ("app_metadata", user.app_metadata.clone()),
            ("user_metadata", user.user_metadata.clone()),
            ("role", json!(user.role)),
            ("aal", json!(session.aal_from_amr())),
            ("amr", json!(amr)),
            ("session_id", json!(session.id)),
            ("is_anonymous", json!(user.is_anonymous)),
        ] {
            claims.insert(k.into(), v);
        }
        let token = crate::jwt::sign(
            &Value::Object(claims),
            &self.config.jwt_secret,
            self.config.jwt_key_id.as_deref(),
        );
        (token, exp)
    }

    /// GoTrue's `AccessTokenResponse` for a session and refresh token.
    pub fn token_response(
        &self,
        db: &Db,
        session_id: &str,
        refresh_token: &str,
    ) -> Result<Map<String, Value>, ApiError> {
        let session =
            db.session(session_id).ok_or_else(|| ApiError::internal("session vanished"))?;
        let user = db.user(&session.user_id).ok_or_else(|| ApiError::internal("user vanished"))?;
        let (token, exp) = self.access_token(user, session);
        let mut m = Map::new();
        m.insert("access_token".into(), json!(token));
        m.insert("token_type".into(), json!("bearer"));
        m.insert("expires_in".into(), json!(exp - self.clock.now_secs()));
        m.insert("expires_at".into(), json!(exp));
        m.insert("refresh_token".into(), json!(refresh_token));
        m.insert("user".into(), self.user_json(db, user, false));
        Ok(m)
    }

    /// Records a sign-in on the user and its identity.
    pub fn touch_sign_in(&self, db: &mut Db, user_id: &str) {
        let now = self.now();
        if let Some(u) = db.user_mut(user_id) {
            u.last_sign_in_at = Some(now);
            u.updated_at = now;
        }
    }

    /// Creates a confirmed user with optional verified TOTP / phone factors (seed, test controls).
    /// Returns the user id and `(factor id, type)` pairs; an existing email is replaced.
    pub fn create_seeded_user(
        &self,
        email: &str,
        password: &str,
        totp_secret: Option<&str>,
        phone: Option<&str>,
    ) -> Result<(String, Vec<(String, String)>), ApiError> {
        let hash = self.hash_password(password)?;
        let user = self.new_user(email, hash, true, None);
        let uid = user.id.clone();
        let now = self.now();
        let mut factors = Vec::new();
        self.write(|inner| {
            if let Some(old) =
                inner.db.user_by_email(email, &self.config.jwt_aud).map(|u| u.id.clone())
            {
                inner.db.delete_user(&old);
            }
            inner.db.users.push(user);
            let mut add = |factor_type: &str, secret: String, phone: String, name: &str| {
                let id = util::uuid_v4();
                inner.db.factors.push(Factor {
                    id: id.clone(),
                    user_id: uid.clone(),
                    friendly_name: name.into(),
                    factor_type: factor_type.into(),
                    status: "verified".into(),
                    secret,
                    phone,
                    created_at: now,
                    updated_at: now,
                    last_challenged_at: None,
                    seeded: true,
                    webauthn_credential: None,
                    last_webauthn_challenge_data: None,
                });
                factors.push((id, factor_type.to_string()));
            };
            if let Some(s) = totp_secret {
                add(
                    "totp",
                    s.to_uppercase().replace([' ', '='], ""),
                    String::new(),
                    "Authenticator",
                );
            }
            if let Some(p) = phone {
                add("phone", String::new(), p.trim_start_matches('+').replace(' ', ""), "Phone");
            }
        });
        Ok((uid, factors))
    }

    /// Seeds `demo@example.com` and `mfa@example.com` (with a TOTP factor) unless they exist.
    pub fn seed_demo(&self) {
        let aud = self.config.jwt_aud.clone();
        for (email, secret) in
            [("demo@example.com", None), ("mfa@example.com", Some(DEMO_TOTP_SECRET))]
        {
            if self.read(|i| i.db.user_by_email(email, &aud).is_none()) {
                if let Err(e) = self.create_seeded_user(email, DEMO_PASSWORD, secret, None) {
                    eprintln!("gotrue-emulator: could not seed {email}: {e}");
                }
            }
        }
    }
}

/// True when `password` matches the bcrypt `hash` (checked on the blocking pool; an empty or
/// malformed hash never matches).
pub async fn password_matches(password: &str, hash: &str) -> bool {
    if hash.is_empty() {
        return false;
    }
    let (pw, h) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || bcrypt::verify(pw.as_bytes(), &h).unwrap_or(false))
        .await
        .unwrap_or(false)
}

/// GoTrue's Factor JSON (the secret is never included).
pub fn factor_json(f: &Factor) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    m.insert("created_at".into(), json!(rfc3339(f.created_at)));
    m.insert("updated_at".into(), json!(rfc3339(f.updated_at)));
    m.insert("status".into(), json!(f.status));
    if !f.friendly_name.is_empty() {
        m.insert("friendly_name".into(), json!(f.friendly_name));
    }
    m.insert("factor_type".into(), json!(f.factor_type));
    m.insert("phone".into(), json!(f.phone));
    m.insert("last_challenged_at".into(), json!(f.last_challenged_at.map(rfc3339)));
    if let Some(c) = &f.webauthn_credential {
        m.insert("web_authn_aaguid".into(), json!(c.aaguid));
    }
    if let Some(d) = &f.last_webauthn_challenge_data {
        m.insert("last_webauthn_challenge_data".into(), d.clone());
    }
    Value::Object(m)
}
