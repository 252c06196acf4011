//! `GET /user`, `PUT /user`, `GET /reauthenticate`, `POST /logout`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{ok_json, s, validate_email, validate_phone, Ctx, RawBody, St};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::outbox::MailKind;

/// The signed-in user.
pub async fn get(st: St, auth: AuthUser) -> Result<Response, ApiError> {
    st.read(|inner| {
        let u = inner.db.user(&auth.user.id).ok_or_else(|| {
            ApiError::forbidden("user_not_found", "User from sub claim in JWT does not exist")
        })?;
        Ok(ok_json(st.user_json(&inner.db, u, false)))
    })
}

#[derive(Deserialize)]
struct UpdateParams {
    email: Option<String>,
    password: Option<String>,
    current_password: Option<String>,
    nonce: Option<String>,
    data: Option<Map<String, Value>>,
    app_metadata: Option<Value>,
    phone: Option<String>,
    channel: Option<String>,
}

const DAY_MICROS: i64 = 86_400_000_000;

/// Updates the user: password (with GoTrue's checks, in its order), email, metadata.
pub async fn put(st: St, ctx: Ctx, auth: AuthUser, body: RawBody) -> Result<Response, ApiError> {
    let p: UpdateParams = body.json()?;
    let user = &auth.user;
    let email = s(&p.email);
    let phone = s(&p.phone);
    let email = if email.is_empty() { email } else { validate_email(&email)? };
    let phone = if phone.is_empty() { phone } else { validate_phone(&phone)? };
    let channel = s(&p.channel);
    if !channel.is_empty() && channel != "sms" {
        return Err(ApiError::validation(
            "Invalid channel, supported values are 'sms' or 'whatsapp'",
        ));
    }
    if let Some(pw) = &p.password {
        st.check_password_strength(pw)?;
    }
    if p.app_metadata.is_some() {
        return Err(ApiError::forbidden(
            "not_admin",
            "Updating app_metadata requires admin privileges",
        ));
    }
    let changes_password = p.password.as_deref().is_some_and(|pw| !pw.is_empty());
    let changes_email = !email.is_empty() && email != user.email;
    let changes_phone = !phone.is_empty() && phone != user.phone;
    let has_mfa = st.read(|i| i.db.has_mfa(&user.id));
    if has_mfa && !auth.is_aal2() && (changes_password || changes_email || changes_phone) {
        return Err(ApiError::unauthorized(
            "insufficient_aal",
            "AAL2 session is required to update email or password when MFA is enabled.",
        ));
    }
    let aud = st.config.jwt_aud.clone();
    if changes_email && st.read(|i| i.db.user_by_email(&email, &aud).is_some()) {
        return Err(ApiError::unprocessable(
            "email_exists",
            "A user with this email address has already been registered",
        ));
    }
    if changes_phone {
        if st.read(|i| i.db.users.iter().any(|u| u.phone == phone && u.id != user.id)) {
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
    if let Some(pw) = &p.password {
        let now = st.now();
        let old_session =
            auth.session.as_ref().is_none_or(|sess| now > sess.created_at + DAY_MICROS);
        if st.config.update_password_require_reauthentication && old_session {
            let nonce = s(&p.nonce);
            if nonce.is_empty() {
                return Err(ApiError::bad_request(
                    "reauthentication_needed",
                    "Password update requires reauthentication",
                ));
            }
            let fresh = st.read(|i| i.db.user(&user.id).cloned()).unwrap_or_else(|| user.clone());
            let valid = !fresh.reauthentication_token.is_empty()
                && fresh
                    .reauthentication_sent_at
                    .is_some_and(|t| now <= t + st.config.mailer_otp_exp * 1_000_000)
                && crate::util::token_hash(&fresh.email, &nonce) == fresh.reauthentication_token;
            if !valid {
                return Err(ApiError::unprocessable(
                    "reauthentication_not_valid",
                    "Nonce has expired or is invalid",
                ));
            }
            consume_nonce = true;
        }
        let is_recovery = auth.session.as_ref().is_some_and(|sess| sess.is_recovery());
        if st.config.update_password_require_current_password
            && !user.encrypted_password.is_empty()
            && !is_recovery
        {
            let current = s(&p.current_password);
            let msg = "Current password required when setting new password.";
            if current.is_empty() {
                return Err(ApiError::bad_request("current_password_required", msg));
            }
            if !crate::state::password_matches(&current, &user.encrypted_password).await {
                return Err(ApiError::bad_request("current_password_invalid", msg));
            }
        }
        if crate::state::password_matches(pw, &user.encrypted_password).await {
            return Err(ApiError::unprocessable(
                "same_password",
                "New password should be different from the old password.",
            ));
        }
        new_hash = Some(st.hash_password_async(pw).await?);
    }
    let referrer = st.referrer(&ctx.headers, &ctx.query);
    st.write(|inner| {
        let now = st.now();
        let uid = user.id.clone();
        let current_sid = auth.session.as_ref().map(|x| x.id.clone());
        let mut mail = None;
        {
            let u = inner.db.user_mut(&uid).ok_or_else(|| {
                ApiError::forbidden("user_not_found", "User from sub claim in JWT does not exist")
            })?;
            if let Some(data) = &p.data {
                let meta = u.user_metadata.as_object_mut();
                if let Some(meta) = meta {
                    for (k, v) in data {
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
                if st.config.mailer_autoconfirm {
                    u.email = email.clone();
                    if let Some(m) = u.user_metadata.as_object_mut() {
                        m.insert("email".into(), json!(email));
                    }
                    if let Some(i) = u.identity.as_mut() {
                        i.identity_data["email"] = json!(email);
                        i.updated_at = now;
                    }
                } else {
                    if let Some(sent) = u.email_change_sent_at {
                        let until = sent + crate::clock::secs(st.config.smtp_max_frequency);
                        if now < until {
                            return Err(ApiError::frequency(
                                "over_email_send_rate_limit",
                                (until - now) / 1_000_000,
                            ));
                        }
                    }
                    let otp = crate::util::random_digits(st.config.mailer_otp_length);
                    let hash = crate::util::token_hash(&email, &otp);
                    u.new_email = email.clone();
                    u.email_change_token = hash.clone();
                    u.email_change_sent_at = Some(now);
                    mail = Some((otp, st.verify_link(&hash, "email_change", &referrer)));
                }
            }
            u.updated_at = now;
        }
        if changes_password {
            inner.db.delete_sessions(|x| x.user_id == uid && Some(&x.id) != current_sid.as_ref());
        }
        if let Some((otp, link)) = mail {
            st.check_email_budget(inner)?;
            st.send_mail(inner, &email, MailKind::EmailChange, &otp, Some(&link));
        }
        let u = inner.db.user(&uid).ok_or_else(|| ApiError::internal("user vanished"))?;
        Ok(ok_json(st.user_json(&inner.db, u, false)))
    })
}

/// Mails a reauthentication nonce (for `PUT /user {password, nonce}`).
pub async fn reauthenticate(st: St, auth: AuthUser) -> Result<Response, ApiError> {
    let user = &auth.user;
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
    st.write(|inner| {
        let now = st.now();
        let u = inner.db.user(&user.id).cloned().ok_or_else(|| {
            ApiError::forbidden("user_not_found", "User from sub claim in JWT does not exist")
        })?;
        if let Some(sent) = u.reauthentication_sent_at {
            let until = sent + crate::clock::secs(st.config.smtp_max_frequency);
            if now < until {
                return Err(ApiError::frequency(
                    "over_email_send_rate_limit",
                    (until - now) / 1_000_000,
                ));
            }
        }
        st.check_email_budget(inner)?;
        let otp = crate::util::random_digits(st.config.mailer_otp_length);
        if let Some(m) = inner.db.user_mut(&u.id) {
            m.reauthentication_token = crate::util::token_hash(&u.email, &otp);
            m.reauthentication_sent_at = Some(now);
            m.updated_at = now;
        }
        st.send_mail(inner, &u.email, MailKind::Reauthentication, &otp, None);
        Ok(ok_json(json!({})))
    })
}

/// Ends sessions: `global` (default), `local` or `others`; 204.
pub async fn logout(st: St, ctx: Ctx, auth: AuthUser) -> Result<Response, ApiError> {
    let scope = ctx.q("scope");
    if !matches!(scope.as_str(), "" | "global" | "local" | "others") {
        return Err(ApiError::validation(format!("Unsupported logout scope {scope:?}")));
    }
    let uid = auth.user.id.clone();
    let sid = auth.session.as_ref().map(|x| x.id.clone());
    st.write(|inner| match (scope.as_str(), sid) {
        ("local", Some(sid)) => inner.db.delete_sessions(|x| x.id == sid),
        ("others", Some(sid)) => inner.db.delete_sessions(|x| x.user_id == uid && x.id != sid),
        _ => inner.db.delete_sessions(|x| x.user_id == uid),
    });
    Ok(StatusCode::NO_CONTENT.into_response())
}
