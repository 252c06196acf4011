//! Users: updates (password, email, metadata), reauthentication, recovery mails, the admin
//! API's users.

use serde_json::{Map, Value};

use crate::domain::mailer::{self, EmailOtp};
use crate::domain::sessions::{self, Caller};
use crate::domain::{email_change, passwords, validation, wire};
use crate::error::ApiError;
use crate::outbox::MailKind;
use crate::state::AppState;
use crate::store::{Micros, User};
use crate::util;

fn vanished() -> ApiError {
    ApiError::internal("user vanished")
}

fn email_exists() -> ApiError {
    ApiError::unprocessable(
        "email_exists",
        "A user with this email address has already been registered",
    )
}

/// The stored user `user_id` as GoTrue's User JSON (403 `user_not_found` when gone).
pub fn current_json(state: &AppState, user_id: &str) -> Result<Value, ApiError> {
    state.read(|data| {
        let u = data.db.user(user_id).ok_or_else(sessions::user_not_found_from_sub)?;
        Ok(wire::user_json(&data.db, u, false))
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
    let email = validation::validate_email(email)?;
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
        mailer::send_recovery_token(
            state,
            data,
            &user,
            pkce,
            MailKind::Recovery,
            "recovery",
            redirect_to,
            now,
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
    /// PKCE pair for the email change's links.
    pub pkce: crate::domain::signup::Pkce,
}

const DAY_MICROS: i64 = 86_400_000_000;

/// `PUT /user`: password (with GoTrue's checks, in its order), email (codes mailed; an
/// anonymous user's changed at once with autoconfirm), metadata. Answers the updated User JSON.
pub async fn update(
    state: &AppState,
    caller: Caller<'_>,
    input: UserUpdate,
    redirect_to: &str,
) -> Result<Value, ApiError> {
    let config = &state.config;
    let user = caller.user;
    let email = if input.email.is_empty() {
        input.email
    } else {
        validation::validate_email(&input.email)?
    };
    let phone = if input.phone.is_empty() {
        input.phone
    } else {
        validation::validate_phone(&input.phone)?
    };
    if !input.channel.is_empty() && input.channel != "sms" {
        return Err(ApiError::validation(
            "Invalid channel, supported values are 'sms' or 'whatsapp'",
        ));
    }
    if let Some(pw) = &input.password {
        validation::check_strength(config, pw)?;
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
    if user.is_anonymous && changes_password && email.is_empty() && phone.is_empty() {
        return Err(ApiError::unprocessable(
            "validation_failed",
            "Updating password of an anonymous user without an email or phone is not allowed",
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
    // GoTrue changes an anonymous user's address at once with autoconfirm, else mails codes.
    let change_at_once = user.is_anonymous && config.mailer_autoconfirm;
    state.write(|data| {
        let now = state.now();
        let uid = user.id.clone();
        let current_sid = caller.session.map(|x| x.id.clone());
        if changes_email && !change_at_once {
            // Before anything changes: GoTrue rolls the whole update back on a refused mail.
            let sent = data.db.user(&uid).and_then(|u| u.email_change_sent_at);
            mailer::check_can_email(state, data, sent)?;
        }
        {
            let u = data.db.user_mut(&uid).ok_or_else(sessions::user_not_found_from_sub)?;
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
                // GoTrue's `UpdatePassword`: every pending token and its send time is reset.
                u.confirmation_token.clear();
                u.confirmation_sent_at = None;
                u.recovery_token.clear();
                u.recovery_sent_at = None;
                u.reauthentication_token.clear();
                u.reauthentication_sent_at = None;
                u.email_change_token.clear();
                u.email_change_token_current.clear();
                u.email_change_sent_at = None;
            }
            if changes_email && change_at_once {
                email_change::change_address(u, &email, now);
            }
            u.updated_at = now;
        }
        if changes_password {
            data.db.delete_sessions(|x| x.user_id == uid && Some(&x.id) != current_sid.as_ref());
        }
        if changes_email && !change_at_once {
            email_change::send(state, data, &uid, &email, redirect_to, &input.pkce)?;
        }
        let u = data.db.user(&uid).ok_or_else(vanished)?;
        Ok(wire::user_json(&data.db, u, false))
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
        let u = data.db.user(&user.id).cloned().ok_or_else(sessions::user_not_found_from_sub)?;
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
    let email = validation::validate_email(&input.email)?;
    let aud = state.config.jwt_aud.clone();
    if state.read(|data| data.db.user_by_email(&email, &aud).is_some()) {
        return Err(email_exists());
    }
    let hash = if input.password.is_empty() {
        String::new()
    } else {
        validation::check_strength(&state.config, &input.password)?;
        passwords::hash_off_thread(&state.config, &input.password).await?
    };
    let mut user = User::new(
        &state.config,
        &email,
        hash,
        input.email_confirm,
        input.user_metadata.as_ref(),
        state.now(),
    );
    if let (Some(extra), Some(app)) = (input.app_metadata, user.app_metadata.as_object_mut()) {
        for (k, v) in extra {
            app.insert(k, v);
        }
    }
    Ok(state.write(|data| {
        let json = wire::user_json(&data.db, &user, false);
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
    state.read(|data| wire::user_json(&data.db, user, false))
}

/// Deletes a user with its sessions, factors, flow states and passkeys.
pub fn delete(state: &AppState, user_id: &str) {
    state.write(|data| data.db.delete_user(user_id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::seed::create_seeded_user;
    use crate::state::test_state;

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
}
