//! `POST /signup`.

use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{ok_json, s, validate_email, validate_pkce, Ctx, RawBody, St};
use crate::error::ApiError;
use crate::outbox::MailKind;

#[derive(Deserialize)]
struct SignupParams {
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
    data: Option<Map<String, Value>>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// Creates a user; with autoconfirm (the default) answers a session, otherwise mails a
/// confirmation and answers the user.
pub async fn post(st: St, ctx: Ctx, body: RawBody) -> Result<Response, ApiError> {
    if st.config.disable_signup {
        return Err(ApiError::unprocessable(
            "signup_disabled",
            "Signups not allowed for this instance",
        ));
    }
    let p: SignupParams = body.json()?;
    let (email, phone, password) = (s(&p.email), s(&p.phone), s(&p.password));
    if password.is_empty() {
        return Err(ApiError::validation("Signup requires a valid password"));
    }
    st.check_password_strength(&password)?;
    if !email.is_empty() && !phone.is_empty() {
        return Err(ApiError::validation(
            "Only an email address or phone number should be provided on signup.",
        ));
    }
    validate_pkce(&s(&p.code_challenge_method), &s(&p.code_challenge))?;
    if email.is_empty() {
        if !phone.is_empty() {
            return Err(ApiError::unprocessable(
                "phone_provider_disabled",
                "Phone signups are disabled",
            ));
        }
        return Err(ApiError::validation("To signup, please provide your email"));
    }
    let email = validate_email(&email)?;
    let aud = st.config.jwt_aud.clone();
    if let Some(existing) = st.read(|i| i.db.user_by_email(&email, &aud).cloned()) {
        if existing.email_confirmed_at.is_some() {
            return Err(ApiError::unprocessable("user_already_exists", "User already registered"));
        }
    }
    let hash = st.hash_password_async(&password).await?;
    let referrer = st.referrer(&ctx.headers, &ctx.query);
    let autoconfirm = st.config.mailer_autoconfirm;
    st.write(|inner| {
        let now = st.now();
        // An unconfirmed user signing up again gets another confirmation mail. The mail limits
        // are checked before anything is stored (GoTrue rolls the transaction back).
        let existing = inner.db.user_by_email(&email, &aud).cloned();
        if !autoconfirm {
            if let Some(sent) = existing.as_ref().and_then(|u| u.confirmation_sent_at) {
                let until = sent + crate::clock::secs(st.config.smtp_max_frequency);
                if now < until {
                    return Err(ApiError::frequency(
                        "over_email_send_rate_limit",
                        (until - now) / 1_000_000,
                    ));
                }
            }
            st.check_email_budget(inner)?;
        }
        let uid = match existing {
            Some(u) => u.id,
            None => {
                let user = st.new_user(&email, hash, autoconfirm, p.data.as_ref());
                let uid = user.id.clone();
                inner.db.users.push(user);
                uid
            }
        };
        if autoconfirm {
            let (sid, refresh) = inner.db.create_session(&uid, "password", now);
            st.touch_sign_in(&mut inner.db, &uid);
            let mut resp = st.token_response(&inner.db, &sid, &refresh)?;
            // GoTrue answers the user object it built in memory, before the database filled in
            // the generated `confirmed_at` column, so a fresh sign-up has no `confirmed_at`.
            let user = inner.db.user(&uid).ok_or_else(|| ApiError::internal("user vanished"))?;
            resp.insert("user".into(), st.user_json(&inner.db, user, true));
            return Ok(ok_json(Value::Object(resp)));
        }
        let otp = crate::util::random_digits(st.config.mailer_otp_length);
        let hash = crate::util::token_hash(&email, &otp);
        let link = st.verify_link(&hash, "signup", &referrer);
        if let Some(u) = inner.db.user_mut(&uid) {
            u.confirmation_token = hash;
            u.confirmation_sent_at = Some(now);
            u.updated_at = now;
        }
        st.send_mail(inner, &email, MailKind::Confirmation, &otp, Some(&link));
        let user = inner.db.user(&uid).ok_or_else(|| ApiError::internal("user vanished"))?;
        Ok(ok_json(st.user_json(&inner.db, user, false)))
    })
}
