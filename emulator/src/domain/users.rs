//! Users: validation of addresses, new users, GoTrue's User JSON, sign-up, updates (password,
//! email, metadata), reauthentication, recovery mails, the admin API's users, seeded users.

use serde_json::{json, Map, Value};

use crate::domain::mailer::{self, EmailOtp};
use crate::domain::outbox::MailKind;
use crate::domain::sessions::{self, Caller};
use crate::domain::{factors, passwords};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Db, Factor, Identity, Micros, User};
use crate::util::{self, rfc3339};

/// The demo TOTP secret seeded for `mfa@example.com`.
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// The demo password.
pub const DEMO_PASSWORD: &str = "demo-password-1";

/// GoTrue's `validateEmail`: required, at most 255 characters, checkmail's format; lowercased.
pub fn validate_email(email: &str) -> Result<String, ApiError> {
    if email.is_empty() {
        return Err(ApiError::validation("An email address is required"));
    }
    if email.len() > 255 {
        return Err(ApiError::validation("An email address is too long"));
    }
    if !util::valid_email_format(email) {
        return Err(ApiError::validation("Unable to validate email address: invalid format"));
    }
    Ok(email.to_lowercase())
}

/// GoTrue's `validatePhone`: strips `+` and spaces, then E.164 digits.
pub fn validate_phone(phone: &str) -> Result<String, ApiError> {
    let p: String = phone.chars().filter(|c| *c != ' ' && *c != '+').collect();
    let ok =
        (2..=15).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) && !p.starts_with('0');
    if ok {
        Ok(p)
    } else {
        Err(ApiError::validation("Invalid phone number format (E.164 required)"))
    }
}

/// 403 `user_not_found` for a token whose `sub` names no user.
pub fn not_found_from_sub() -> ApiError {
    ApiError::forbidden("user_not_found", "User from sub claim in JWT does not exist")
}

fn vanished() -> ApiError {
    ApiError::internal("user vanished")
}

fn email_exists() -> ApiError {
    ApiError::unprocessable(
        "email_exists",
        "A user with this email address has already been registered",
    )
}

/// A new user (not stored). `password_hash` may be empty.
pub fn new_user(
    state: &AppState,
    email: &str,
    password_hash: String,
    confirmed: bool,
    data: Option<&Map<String, Value>>,
) -> User {
    let now = state.now();
    let id = util::uuid_v4();
    let identity_data =
        json!({"email": email, "email_verified": confirmed, "phone_verified": false, "sub": id});
    let mut meta = data.cloned().unwrap_or_default();
    if let Value::Object(idm) = &identity_data {
        for (k, v) in idm {
            meta.insert(k.clone(), v.clone());
        }
    }
    User {
        id: id.clone(),
        aud: state.config.jwt_aud.clone(),
        role: state.config.jwt_default_group.clone(),
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
pub fn user_json(db: &Db, u: &User, fresh: bool) -> Value {
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
    let factors: Vec<Value> = db.factors_of(&u.id).into_iter().map(factors::factor_json).collect();
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

/// The stored user `user_id` as GoTrue's User JSON (403 `user_not_found` when gone).
pub fn current_json(state: &AppState, user_id: &str) -> Result<Value, ApiError> {
    state.read(|data| {
        let u = data.db.user(user_id).ok_or_else(not_found_from_sub)?;
        Ok(user_json(&data.db, u, false))
    })
}

/// 422 `signup_disabled` with `GOTRUE_DISABLE_SIGNUP` (checked before the body is read).
pub fn check_signup_enabled(state: &AppState) -> Result<(), ApiError> {
    if state.config.disable_signup {
        return Err(ApiError::unprocessable(
            "signup_disabled",
            "Signups not allowed for this instance",
        ));
    }
    Ok(())
}

/// What `POST /signup` asks for (absent fields as `""`).
#[derive(Debug, Clone, Default)]
pub struct SignUp {
    /// Email.
    pub email: String,
    /// Phone (phone sign-ups are refused).
    pub phone: String,
    /// Password.
    pub password: String,
    /// `data`: initial `user_metadata`.
    pub data: Option<Map<String, Value>>,
    /// PKCE challenge.
    pub code_challenge: String,
    /// PKCE method.
    pub code_challenge_method: String,
}

/// What sign-up answers: a session (autoconfirm) or the unconfirmed user it mailed.
#[derive(Debug, Clone)]
pub enum SignedUp {
    /// GoTrue's token response.
    Session(Map<String, Value>),
    /// GoTrue's User JSON.
    AwaitingConfirmation(Value),
}

/// Creates a user; with autoconfirm (the default) signs it in, otherwise mails a confirmation
/// code and link to `redirect_to`. An unconfirmed user signing up again gets another mail.
pub async fn sign_up(
    state: &AppState,
    input: SignUp,
    redirect_to: &str,
) -> Result<SignedUp, ApiError> {
    let SignUp { email, phone, password, .. } = &input;
    if password.is_empty() {
        return Err(ApiError::validation("Signup requires a valid password"));
    }
    passwords::check_strength(&state.config, password)?;
    if !email.is_empty() && !phone.is_empty() {
        return Err(ApiError::validation(
            "Only an email address or phone number should be provided on signup.",
        ));
    }
    sessions::validate_pkce(&input.code_challenge_method, &input.code_challenge)?;
    if email.is_empty() {
        if !phone.is_empty() {
            return Err(ApiError::unprocessable(
                "phone_provider_disabled",
                "Phone signups are disabled",
            ));
        }
        return Err(ApiError::validation("To signup, please provide your email"));
    }
    let email = validate_email(email)?;
    let aud = state.config.jwt_aud.clone();
    if let Some(existing) = state.read(|data| data.db.user_by_email(&email, &aud).cloned()) {
        if existing.email_confirmed_at.is_some() {
            return Err(ApiError::unprocessable("user_already_exists", "User already registered"));
        }
    }
    let hash = passwords::hash_off_thread(&state.config, password).await?;
    let autoconfirm = state.config.mailer_autoconfirm;
    state.write(|data| {
        let now = state.now();
        // The mail limits are checked before anything is stored (GoTrue rolls the transaction
        // back).
        let existing = data.db.user_by_email(&email, &aud).cloned();
        if !autoconfirm {
            mailer::check_can_email(
                state,
                data,
                existing.as_ref().and_then(|u| u.confirmation_sent_at),
            )?;
        }
        let uid = match existing {
            Some(u) => u.id,
            None => {
                let user = new_user(state, &email, hash, autoconfirm, input.data.as_ref());
                let uid = user.id.clone();
                data.db.users.push(user);
                uid
            }
        };
        if autoconfirm {
            let tokens = sessions::sign_in(state, &mut data.db, &uid, "password", now);
            let mut resp = sessions::token_response(state, &data.db, &tokens)?;
            // GoTrue answers the user object it built in memory, before the database filled in
            // the generated `confirmed_at` column, so a fresh sign-up has no `confirmed_at`.
            let user = data.db.user(&uid).ok_or_else(vanished)?;
            resp.insert("user".into(), user_json(&data.db, user, true));
            return Ok(SignedUp::Session(resp));
        }
        let otp = EmailOtp::new(state, &email);
        let link = mailer::verify_link(state, &otp.hash, "signup", redirect_to);
        if let Some(u) = data.db.user_mut(&uid) {
            u.confirmation_token = otp.hash;
            u.confirmation_sent_at = Some(now);
            u.updated_at = now;
        }
        mailer::send_mail(
            state,
            data,
            &email,
            MailKind::Confirmation,
            &otp.code,
            Some(&link),
            None,
        );
        let user = data.db.user(&uid).ok_or_else(vanished)?;
        Ok(SignedUp::AwaitingConfirmation(user_json(&data.db, user, false)))
    })
}

/// `POST /recover`: mails a recovery code and link (in PKCE mode with a flow state and a
/// `pkce_` token). Unknown addresses get nothing, and the same answer.
pub fn recover(
    state: &AppState,
    email: &str,
    code_challenge: &str,
    code_challenge_method: &str,
    redirect_to: &str,
) -> Result<(), ApiError> {
    if email.is_empty() {
        return Err(ApiError::validation("Password recovery requires an email"));
    }
    let email = validate_email(email)?;
    let method = code_challenge_method.to_lowercase();
    sessions::validate_pkce(&method, code_challenge)?;
    let pkce = !code_challenge.is_empty();
    if pkce && method != "s256" && method != "plain" {
        return Err(ApiError::internal(format!("unsupported code_challenge method {method:?}")));
    }
    let aud = state.config.jwt_aud.clone();
    state.write(|data| {
        let now = state.now();
        let Some(user) = data.db.user_by_email(&email, &aud).cloned() else { return Ok(()) };
        mailer::check_can_email(state, data, user.recovery_sent_at)?;
        if pkce {
            data.db.flow_states.push(sessions::new_flow_state(
                &user.id,
                code_challenge,
                &method,
                "recovery",
                now,
            ));
        }
        let otp = EmailOtp::new(state, &user.email);
        let hash = if pkce { format!("pkce_{}", otp.hash) } else { otp.hash };
        // The project's template: the app's own link, then GoTrue's `{{ .ConfirmationURL }}`.
        let app_link = mailer::recovery_app_link(state, &hash);
        let link = mailer::verify_link(state, &hash, "recovery", redirect_to);
        if let Some(u) = data.db.user_mut(&user.id) {
            u.recovery_token = hash;
            u.recovery_sent_at = Some(now);
            u.updated_at = now;
        }
        mailer::send_mail(
            state,
            data,
            &user.email,
            MailKind::Recovery,
            &otp.code,
            Some(&app_link),
            Some(&link),
        );
        Ok(())
    })
}

/// What `PUT /user` asks to change (`None` / `""` when absent).
#[derive(Debug, Clone, Default)]
pub struct UserUpdate {
    /// New email.
    pub email: String,
    /// New password (`Some("")` is checked but changes nothing).
    pub password: Option<String>,
    /// Current password (`GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD`).
    pub current_password: String,
    /// Reauthentication nonce (`GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION`).
    pub nonce: String,
    /// `user_metadata` changes (null values delete keys).
    pub data: Option<Map<String, Value>>,
    /// Present when the caller tried to set `app_metadata` (refused).
    pub app_metadata: Option<Value>,
    /// New phone (refused: no SMS provider).
    pub phone: String,
    /// OTP channel.
    pub channel: String,
}

const DAY_MICROS: i64 = 86_400_000_000;

/// `PUT /user`: password (with GoTrue's checks, in its order), email (mailed unless
/// autoconfirm), metadata. Answers the updated User JSON.
pub async fn update(
    state: &AppState,
    caller: Caller<'_>,
    input: UserUpdate,
    redirect_to: &str,
) -> Result<Value, ApiError> {
    let config = &state.config;
    let user = caller.user;
    let email = if input.email.is_empty() { input.email } else { validate_email(&input.email)? };
    let phone = if input.phone.is_empty() { input.phone } else { validate_phone(&input.phone)? };
    if !input.channel.is_empty() && input.channel != "sms" {
        return Err(ApiError::validation(
            "Invalid channel, supported values are 'sms' or 'whatsapp'",
        ));
    }
    if let Some(pw) = &input.password {
        passwords::check_strength(config, pw)?;
    }
    if input.app_metadata.is_some() {
        return Err(ApiError::forbidden(
            "not_admin",
            "Updating app_metadata requires admin privileges",
        ));
    }
    let changes_password = input.password.as_deref().is_some_and(|pw| !pw.is_empty());
    let changes_email = !email.is_empty() && email != user.email;
    let changes_phone = !phone.is_empty() && phone != user.phone;
    let has_mfa = state.read(|data| data.db.has_mfa(&user.id));
    if has_mfa && !caller.is_aal2() && (changes_password || changes_email || changes_phone) {
        return Err(ApiError::unauthorized(
            "insufficient_aal",
            "AAL2 session is required to update email or password when MFA is enabled.",
        ));
    }
    let aud = config.jwt_aud.clone();
    if changes_email && state.read(|data| data.db.user_by_email(&email, &aud).is_some()) {
        return Err(email_exists());
    }
    if changes_phone {
        if state.read(|data| data.db.users.iter().any(|u| u.phone == phone && u.id != user.id)) {
            return Err(ApiError::unprocessable(
                "phone_exists",
                "A user with this phone number has already been registered",
            ));
        }
        // Phone changes need an SMS provider for the phone identity; the emulator has none.
        return Err(ApiError::unprocessable(
            "phone_provider_disabled",
            "Phone changes are not supported by the emulator",
        ));
    }
    let mut consume_nonce = false;
    let mut new_hash = None;
    if let Some(pw) = &input.password {
        let now = state.now();
        let old_session = caller.session.is_none_or(|sess| now > sess.created_at + DAY_MICROS);
        if config.update_password_require_reauthentication && old_session {
            check_nonce(state, user, &input.nonce, now)?;
            consume_nonce = true;
        }
        let is_recovery = caller.session.is_some_and(|sess| sess.is_recovery());
        if config.update_password_require_current_password
            && !user.encrypted_password.is_empty()
            && !is_recovery
        {
            let msg = "Current password required when setting new password.";
            if input.current_password.is_empty() {
                return Err(ApiError::bad_request("current_password_required", msg));
            }
            if !passwords::matches(&input.current_password, &user.encrypted_password).await {
                return Err(ApiError::bad_request("current_password_invalid", msg));
            }
        }
        if passwords::matches(pw, &user.encrypted_password).await {
            return Err(ApiError::unprocessable(
                "same_password",
                "New password should be different from the old password.",
            ));
        }
        new_hash = Some(passwords::hash_off_thread(config, pw).await?);
    }
    state.write(|data| {
        let now = state.now();
        let uid = user.id.clone();
        let current_sid = caller.session.map(|x| x.id.clone());
        let mut mail = None;
        {
            let u = data.db.user_mut(&uid).ok_or_else(not_found_from_sub)?;
            if let Some(changes) = &input.data {
                if let Some(meta) = u.user_metadata.as_object_mut() {
                    for (k, v) in changes {
                        if v.is_null() {
                            meta.remove(k);
                        } else {
                            meta.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            if consume_nonce {
                u.reauthentication_token.clear();
            }
            if let Some(h) = new_hash.take() {
                u.encrypted_password = h;
                // What real GoTrue does on a password change (recording: recovery_sent_at is gone).
                u.confirmation_token.clear();
                u.recovery_token.clear();
                u.recovery_sent_at = None;
                u.reauthentication_token.clear();
                u.email_change_token.clear();
            }
            if changes_email {
                if config.mailer_autoconfirm {
                    set_email(u, &email, now);
                } else {
                    mailer::check_email_frequency(state, u.email_change_sent_at)?;
                    let otp = EmailOtp::new(state, &email);
                    u.new_email = email.clone();
                    u.email_change_token = otp.hash.clone();
                    u.email_change_sent_at = Some(now);
                    mail = Some((
                        otp.code,
                        mailer::verify_link(state, &otp.hash, "email_change", redirect_to),
                    ));
                }
            }
            u.updated_at = now;
        }
        if changes_password {
            data.db.delete_sessions(|x| x.user_id == uid && Some(&x.id) != current_sid.as_ref());
        }
        if let Some((code, link)) = mail {
            mailer::check_email_budget(state, data)?;
            mailer::send_mail(state, data, &email, MailKind::EmailChange, &code, Some(&link), None);
        }
        let u = data.db.user(&uid).ok_or_else(vanished)?;
        Ok(user_json(&data.db, u, false))
    })
}

/// The reauthentication nonce of a password change: present, unexpired, matching.
fn check_nonce(state: &AppState, user: &User, nonce: &str, now: Micros) -> Result<(), ApiError> {
    if nonce.is_empty() {
        return Err(ApiError::bad_request(
            "reauthentication_needed",
            "Password update requires reauthentication",
        ));
    }
    let fresh = state.read(|data| data.db.user(&user.id).cloned()).unwrap_or_else(|| user.clone());
    let valid = !fresh.reauthentication_token.is_empty()
        && fresh
            .reauthentication_sent_at
            .is_some_and(|t| now <= t + state.config.mailer_otp_exp * 1_000_000)
        && util::ct_eq(&util::token_hash(&fresh.email, nonce), &fresh.reauthentication_token);
    if !valid {
        return Err(ApiError::unprocessable(
            "reauthentication_not_valid",
            "Nonce has expired or is invalid",
        ));
    }
    Ok(())
}

/// Sets a confirmed email on the user, its metadata and its identity.
pub fn set_email(u: &mut User, email: &str, now: Micros) {
    u.email = email.to_string();
    if let Some(m) = u.user_metadata.as_object_mut() {
        m.insert("email".into(), json!(email));
    }
    if let Some(i) = u.identity.as_mut() {
        i.identity_data["email"] = json!(email);
        i.updated_at = now;
    }
}

/// `GET /reauthenticate`: mails a nonce for `PUT /user {password, nonce}`.
pub fn reauthenticate(state: &AppState, caller: Caller<'_>) -> Result<(), ApiError> {
    let user = caller.user;
    if user.email.is_empty() && user.phone.is_empty() {
        return Err(ApiError::validation(
            "Reauthentication requires the user to have an email or a phone number",
        ));
    }
    if user.email.is_empty() {
        return Err(ApiError::unprocessable(
            "phone_provider_disabled",
            "Phone reauthentication is not supported by the emulator",
        ));
    }
    if user.email_confirmed_at.is_none() {
        return Err(ApiError::unprocessable(
            "email_not_confirmed",
            "Please verify your email first.",
        ));
    }
    state.write(|data| {
        let now = state.now();
        let u = data.db.user(&user.id).cloned().ok_or_else(not_found_from_sub)?;
        mailer::check_can_email(state, data, u.reauthentication_sent_at)?;
        let otp = EmailOtp::new(state, &u.email);
        if let Some(m) = data.db.user_mut(&u.id) {
            m.reauthentication_token = otp.hash;
            m.reauthentication_sent_at = Some(now);
            m.updated_at = now;
        }
        mailer::send_mail(state, data, &u.email, MailKind::Reauthentication, &otp.code, None, None);
        Ok(())
    })
}

/// What `POST /admin/users` asks for.
#[derive(Debug, Clone, Default)]
pub struct AdminCreate {
    /// Email (required).
    pub email: String,
    /// Password (`""`: none).
    pub password: String,
    /// Confirm the email right away.
    pub email_confirm: bool,
    /// `user_metadata`.
    pub user_metadata: Option<Map<String, Value>>,
    /// Extra `app_metadata` keys.
    pub app_metadata: Option<Map<String, Value>>,
}

/// `POST /admin/users`: creates a user; answers its User JSON.
pub async fn admin_create(state: &AppState, input: AdminCreate) -> Result<Value, ApiError> {
    let email = validate_email(&input.email)?;
    let aud = state.config.jwt_aud.clone();
    if state.read(|data| data.db.user_by_email(&email, &aud).is_some()) {
        return Err(email_exists());
    }
    let hash = if input.password.is_empty() {
        String::new()
    } else {
        passwords::check_strength(&state.config, &input.password)?;
        passwords::hash_off_thread(&state.config, &input.password).await?
    };
    let mut user = new_user(state, &email, hash, input.email_confirm, input.user_metadata.as_ref());
    if let (Some(extra), Some(app)) = (input.app_metadata, user.app_metadata.as_object_mut()) {
        for (k, v) in extra {
            app.insert(k, v);
        }
    }
    Ok(state.write(|data| {
        let json = user_json(&data.db, &user, false);
        data.db.users.push(user);
        json
    }))
}

/// The user an admin path names: 404 `validation_failed` for a non-UUID, 404 `user_not_found`.
pub fn find_for_admin(state: &AppState, user_id: &str) -> Result<User, ApiError> {
    let Some(user_id) = util::parse_uuid(user_id) else {
        return Err(ApiError::not_found("validation_failed", "user_id must be an UUID"));
    };
    state
        .read(|data| data.db.user(&user_id).cloned())
        .ok_or_else(|| ApiError::not_found("user_not_found", "User not found"))
}

/// The User JSON of a user found with [`find_for_admin`].
pub fn admin_json(state: &AppState, user: &User) -> Value {
    state.read(|data| user_json(&data.db, user, false))
}

/// Deletes a user with its sessions, factors, flow states and passkeys.
pub fn delete(state: &AppState, user_id: &str) {
    state.write(|data| data.db.delete_user(user_id));
}

/// A factor of a seeded user, as `/_emulator/users` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededFactor {
    /// Factor id.
    pub id: String,
    /// `totp` or `phone`.
    pub factor_type: String,
}

/// Creates a confirmed user with optional verified TOTP / phone factors (seed, test controls);
/// an existing user with that email is replaced. Returns the user id and its factors.
pub fn create_seeded_user(
    state: &AppState,
    email: &str,
    password: &str,
    totp_secret: Option<&str>,
    phone: Option<&str>,
) -> Result<(String, Vec<SeededFactor>), ApiError> {
    let hash = passwords::hash(&state.config, password)?;
    let user = new_user(state, email, hash, true, None);
    let uid = user.id.clone();
    let now = state.now();
    let mut seeded = Vec::new();
    let mut factors = Vec::new();
    let mut add = |factor_type: &str, secret: String, phone: String, name: &str| {
        let factor = Factor {
            status: "verified".into(),
            seeded: true,
            ..factors::new_factor(&uid, factor_type, name, secret, phone, now)
        };
        seeded.push(SeededFactor { id: factor.id.clone(), factor_type: factor_type.into() });
        factors.push(factor);
    };
    if let Some(s) = totp_secret {
        add("totp", s.to_uppercase().replace([' ', '='], ""), String::new(), "Authenticator");
    }
    if let Some(p) = phone {
        add("phone", String::new(), p.trim_start_matches('+').replace(' ', ""), "Phone");
    }
    state.write(|data| {
        if let Some(old) = data.db.user_by_email(email, &state.config.jwt_aud).map(|u| u.id.clone())
        {
            data.db.delete_user(&old);
        }
        data.db.users.push(user);
        data.db.factors.extend(factors);
    });
    Ok((uid, seeded))
}

/// Seeds `demo@example.com` and `mfa@example.com` (with a TOTP factor) unless they exist.
pub fn seed_demo(state: &AppState) {
    let aud = state.config.jwt_aud.clone();
    for (email, secret) in [("demo@example.com", None), ("mfa@example.com", Some(DEMO_TOTP_SECRET))]
    {
        if state.read(|data| data.db.user_by_email(email, &aud).is_none()) {
            if let Err(e) = create_seeded_user(state, email, DEMO_PASSWORD, secret, None) {
                eprintln!("gotrue-emulator: could not seed {email}: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_state;

    #[test]
    fn addresses() {
        assert_eq!(validate_email("A@Example.com").unwrap(), "a@example.com");
        assert_eq!(validate_email("").unwrap_err().message, "An email address is required");
        assert!(validate_email("nope").is_err());
        assert!(validate_email(&format!("{}@x.com", "a".repeat(255))).is_err());
        assert_eq!(validate_phone("+1 555 0100").unwrap(), "15550100");
        assert!(validate_phone("0123").is_err());
        assert!(validate_phone("+1").is_err());
    }

    #[test]
    fn user_json_shapes() {
        let state = test_state(|_| {});
        let mut meta = Map::new();
        meta.insert("name".into(), json!("A"));
        let user = new_user(&state, "A@example.com", String::new(), true, Some(&meta));
        assert_eq!(user.email, "a@example.com");
        assert_eq!(user.user_metadata["name"], "A");
        assert_eq!(user.user_metadata["email_verified"], true);
        let db = Db::default();
        let full = user_json(&db, &user, false);
        assert!(full.get("confirmed_at").is_some() && full.get("factors").is_none());
        assert_eq!(full["identities"][0]["provider"], "email");
        assert!(user_json(&db, &user, true).get("confirmed_at").is_none());
    }

    #[tokio::test]
    async fn sign_up_with_and_without_autoconfirm() {
        let state = test_state(|_| {});
        let input = SignUp {
            email: "new@example.com".into(),
            password: "password-1".into(),
            ..SignUp::default()
        };
        let SignedUp::Session(resp) = sign_up(&state, input.clone(), "").await.unwrap() else {
            panic!("autoconfirm signs in")
        };
        assert!(resp["user"].get("confirmed_at").is_none());
        let e = sign_up(&state, input.clone(), "").await.unwrap_err();
        assert_eq!(e.code, "user_already_exists");

        let state = test_state(|c| c.mailer_autoconfirm = false);
        let redirect = "http://localhost:1/done";
        let SignedUp::AwaitingConfirmation(user) =
            sign_up(&state, input.clone(), redirect).await.unwrap()
        else {
            panic!("a confirmation mail")
        };
        assert!(user.get("confirmation_sent_at").is_some());
        let mail = state.read(|data| data.outbox.mails[0].clone());
        assert_eq!(mail.subject, "Confirm Your Signup");
        assert!(mail.text.contains("type=signup&redirect_to=http%3A%2F%2Flocalhost%3A1%2Fdone"));
        // Again within a minute: refused by the one frequency check.
        let e = sign_up(&state, input, redirect).await.unwrap_err();
        assert_eq!((e.status.as_u16(), e.code.as_ref()), (429, "over_email_send_rate_limit"));
    }

    #[test]
    fn recovery_mail_and_its_interval() {
        let state = test_state(|_| {});
        create_seeded_user(&state, "r@example.com", "password-1", None, None).unwrap();
        recover(&state, "nobody@example.com", "", "", "x").unwrap();
        assert!(state.read(|data| data.outbox.mails.is_empty()));
        recover(&state, "r@example.com", "", "", "http://localhost:1/").unwrap();
        assert_eq!(recover(&state, "r@example.com", "", "", "").unwrap_err().status.as_u16(), 429);
        state.clock.advance(61.0);
        let challenge = "a".repeat(43);
        recover(&state, "r@example.com", &challenge, "S256", "").unwrap();
        state.read(|data| {
            assert_eq!(data.outbox.mails.len(), 2);
            assert!(data.db.users[0].recovery_token.starts_with("pkce_"));
            // The app's link carries the stored hash (with its `pkce_` prefix), then the
            // `GET /verify` link with the same token.
            let token = &data.db.users[0].recovery_token;
            let text = &data.outbox.mails[1].text;
            let app =
                format!("http://127.0.0.1:9999/auth/confirm?token_hash={token}&type=recovery");
            let verify =
                format!("http://127.0.0.1:9999/auth/v1/verify?token={token}&type=recovery");
            let app_at = text.find(&app).unwrap_or_else(|| panic!("{text}"));
            assert!(text.find(&verify).is_some_and(|at| at > app_at), "{text}");
            assert_eq!(data.db.flow_states[0].code_challenge_method, "s256");
        });
    }

    #[test]
    fn seeding_replaces_and_reports_factors() {
        let state = test_state(|_| {});
        let (first, _) =
            create_seeded_user(&state, "s@example.com", "pw-123456", None, None).unwrap();
        let (id, factors) = create_seeded_user(
            &state,
            "s@example.com",
            "pw-123456",
            Some("jbsw y3dp="),
            Some("+1 555"),
        )
        .unwrap();
        assert_ne!(first, id);
        let kinds: Vec<&str> = factors.iter().map(|f| f.factor_type.as_str()).collect();
        assert_eq!(kinds, ["totp", "phone"]);
        state.read(|data| {
            assert_eq!(data.db.users.len(), 1);
            assert_eq!(data.db.factors[0].secret, "JBSWY3DP");
            assert_eq!(data.db.factors[1].phone, "1555");
            assert!(data.db.has_mfa(&id));
        });
        seed_demo(&state);
        seed_demo(&state);
        assert_eq!(state.read(|data| data.db.users.len()), 3);
    }
}
