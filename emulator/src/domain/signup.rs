//! `POST /signup` as GoTrue v2.196 answers it: an email user (signed in with autoconfirm, else
//! mailed a confirmation code and link, in PKCE mode with a flow state and a `pkce_` token), an
//! anonymous user (no email, no phone), or, for an address already confirmed when autoconfirm is
//! off, a made-up user that gives nothing away (new id, no role, no identities, no mail).

use serde_json::{json, Map, Value};

use crate::domain::mailer::{self, CodeMail, EmailOtp};
use crate::domain::{passwords, sessions, validation, wire};
use crate::error::ApiError;
use crate::outbox::MailKind;
use crate::state::{AppState, ServerData};
use crate::store::User;
use crate::util;

fn vanished() -> ApiError {
    ApiError::internal("user vanished")
}

/// 422 `signup_disabled` with `GOTRUE_DISABLE_SIGNUP`.
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

/// What sign-up answers: a session (autoconfirm, anonymous) or a user JSON (the unconfirmed
/// user it mailed, or the made-up one).
#[derive(Debug, Clone)]
pub enum SignedUp {
    /// GoTrue's token response.
    Session(Map<String, Value>),
    /// GoTrue's User JSON.
    AwaitingConfirmation(Value),
}

/// A PKCE pair for a mailed link: `(code_challenge, method)`, method lowercased.
pub type Pkce = Option<(String, String)>;

/// `POST /signup`. Without email and phone: an anonymous user
/// (`GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED`, else 422 `anonymous_provider_disabled`).
pub async fn sign_up(
    state: &AppState,
    input: SignUp,
    redirect_to: &str,
) -> Result<SignedUp, ApiError> {
    if input.email.is_empty() && input.phone.is_empty() {
        return sign_up_anonymously(state, input.data).map(SignedUp::Session);
    }
    check_signup_enabled(state)?;
    let SignUp { email, phone, password, .. } = &input;
    if password.is_empty() {
        return Err(ApiError::validation("Signup requires a valid password"));
    }
    validation::check_strength(&state.config, password)?;
    if !email.is_empty() && !phone.is_empty() {
        return Err(ApiError::validation(
            "Only an email address or phone number should be provided on signup.",
        ));
    }
    sessions::validate_pkce(&input.code_challenge_method, &input.code_challenge)?;
    if email.is_empty() {
        return Err(ApiError::bad_request("phone_provider_disabled", "Phone signups are disabled"));
    }
    let email = validation::validate_email(email)?;
    let aud = state.config.jwt_aud.clone();
    let autoconfirm = state.config.mailer_autoconfirm;
    if let Some(existing) = state.read(|data| data.db.user_by_email(&email, &aud).cloned()) {
        if existing.email_confirmed_at.is_some() {
            if autoconfirm {
                return Err(ApiError::unprocessable(
                    "user_already_exists",
                    "User already registered",
                ));
            }
            return Ok(SignedUp::AwaitingConfirmation(made_up_user(state, &email, &input)));
        }
    }
    let hash = passwords::hash_off_thread(&state.config, password).await?;
    let pkce = (!input.code_challenge.is_empty())
        .then(|| (input.code_challenge.clone(), input.code_challenge_method.to_lowercase()));
    state.write(|data| {
        let now = state.now();
        // GoTrue does not touch an unconfirmed user signing up again: it only mails again.
        let uid = match data.db.user_by_email(&email, &aud).cloned() {
            Some(u) => u.id,
            None => {
                let user =
                    User::new(&state.config, &email, hash, autoconfirm, input.data.as_ref(), now);
                let uid = user.id.clone();
                if !autoconfirm {
                    // The mail limits are checked before anything is stored (GoTrue rolls the
                    // transaction back).
                    mailer::check_can_email(state, data, None)?;
                }
                data.db.users.push(user);
                uid
            }
        };
        if autoconfirm {
            // An unconfirmed user (from before autoconfirm) is confirmed now, as in GoTrue.
            if let Some(u) = data.db.user_mut(&uid) {
                u.confirm_email(now);
            }
            let tokens = sessions::sign_in(state, &mut data.db, &uid, "password", now);
            let mut resp = sessions::token_response(state, &data.db, &tokens)?;
            // GoTrue answers the user object it built in memory, before the database filled in
            // the generated `confirmed_at` column, so a fresh sign-up has no `confirmed_at`.
            let user = data.db.user(&uid).ok_or_else(vanished)?;
            resp.insert("user".into(), wire::user_json(&data.db, user, true));
            return Ok(SignedUp::Session(resp));
        }
        send_confirmation(state, data, &uid, redirect_to, &pkce)?;
        let user = data.db.user(&uid).ok_or_else(vanished)?;
        Ok(SignedUp::AwaitingConfirmation(wire::user_json(&data.db, user, false)))
    })
}

/// GoTrue's `sendConfirmation` (sign-up, `/resend`, `/otp` for a new address): 429 within the
/// interval of the last confirmation mail, then the budget; a new code and link of type
/// `signup` (in PKCE mode a flow state `email/signup` and a `pkce_` token).
pub fn send_confirmation(
    state: &AppState,
    data: &mut ServerData,
    uid: &str,
    redirect_to: &str,
    pkce: &Pkce,
) -> Result<(), ApiError> {
    let now = state.now();
    let user = data.db.user(uid).cloned().ok_or_else(vanished)?;
    mailer::check_can_email(state, data, user.confirmation_sent_at)?;
    if let Some((challenge, method)) = pkce {
        data.db.flow_states.push(sessions::new_flow_state(
            uid,
            challenge,
            method,
            "email/signup",
            now,
        ));
    }
    let otp = EmailOtp::new(state, &user.email);
    let hash = if pkce.is_some() { format!("pkce_{}", otp.hash) } else { otp.hash };
    if let Some(u) = data.db.user_mut(uid) {
        u.confirmation_token = hash.clone();
        u.confirmation_sent_at = Some(now);
        u.updated_at = now;
    }
    let mail = CodeMail {
        to: &user.email,
        mail: MailKind::Confirmation,
        kind: "signup",
        code: &otp.code,
        token_hash: &hash,
    };
    mailer::send_code_mail(state, data, &mail, redirect_to, true);
    Ok(())
}

/// `POST /invite` (admin): creates the user (or takes an unconfirmed one) and mails an invite
/// code and link (type `invite`, no interval); 422 `email_exists` for a confirmed address.
/// Verifying it confirms the address; a user without a password gets a random one.
pub fn invite(
    state: &AppState,
    email: &str,
    data: Option<Map<String, Value>>,
    redirect_to: &str,
) -> Result<Value, ApiError> {
    let email = validation::validate_email(email)?;
    let aud = state.config.jwt_aud.clone();
    state.write(|db_data| {
        let now = state.now();
        mailer::check_email_budget(state, db_data)?;
        let uid = match db_data.db.user_by_email(&email, &aud) {
            Some(u) if u.email_confirmed_at.is_some() => {
                return Err(ApiError::unprocessable(
                    "email_exists",
                    "A user with this email address has already been registered",
                ))
            }
            Some(u) => u.id.clone(),
            None => {
                let user =
                    User::new(&state.config, &email, String::new(), false, data.as_ref(), now);
                let uid = user.id.clone();
                db_data.db.users.push(user);
                uid
            }
        };
        let otp = EmailOtp::new(state, &email);
        if let Some(u) = db_data.db.user_mut(&uid) {
            u.confirmation_token = otp.hash.clone();
            u.confirmation_sent_at = Some(now);
            u.invited_at = Some(now);
            u.updated_at = now;
        }
        let mail = CodeMail {
            to: &email,
            mail: MailKind::Invite,
            kind: "invite",
            code: &otp.code,
            token_hash: &otp.hash,
        };
        mailer::send_code_mail(state, db_data, &mail, redirect_to, true);
        let user = db_data.db.user(&uid).ok_or_else(vanished)?;
        Ok(wire::user_json(&db_data.db, user, false))
    })
}

/// GoTrue's `sanitizeUser`: what a repeated sign-up of a confirmed address answers when
/// confirmations are on, so that the answer does not tell whether the address has an account.
fn made_up_user(state: &AppState, email: &str, input: &SignUp) -> Value {
    let now = util::rfc3339(state.now());
    json!({
        "id": util::uuid_v4(),
        "aud": state.config.jwt_aud,
        "role": "",
        "email": email,
        "phone": "",
        "confirmation_sent_at": now,
        "app_metadata": {"provider": "email", "providers": ["email"]},
        "user_metadata": input.data.clone().unwrap_or_default(),
        "identities": [],
        "created_at": now,
        "updated_at": now,
        "is_anonymous": false,
    })
}

/// GoTrue's `SignupAnonymously`: a user without email or identity, `is_anonymous`, signed in
/// with amr `anonymous`.
fn sign_up_anonymously(
    state: &AppState,
    data: Option<Map<String, Value>>,
) -> Result<Map<String, Value>, ApiError> {
    if !state.config.anonymous_users_enabled {
        return Err(ApiError::unprocessable(
            "anonymous_provider_disabled",
            "Anonymous sign-ins are disabled",
        ));
    }
    check_signup_enabled(state)?;
    state.write(|db_data| {
        let now = state.now();
        let mut user = User::new(&state.config, "", String::new(), false, None, now);
        user.identity = None;
        user.is_anonymous = true;
        user.app_metadata = json!({});
        user.user_metadata = Value::Object(data.unwrap_or_default());
        let uid = user.id.clone();
        db_data.db.users.push(user);
        let tokens = sessions::sign_in(state, &mut db_data.db, &uid, "anonymous", now);
        sessions::token_response(state, &db_data.db, &tokens)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::test_state;

    fn input(email: &str) -> SignUp {
        SignUp { email: email.into(), password: "password-1".into(), ..SignUp::default() }
    }

    #[tokio::test]
    async fn sign_up_with_and_without_autoconfirm() {
        let state = test_state(|_| {});
        let SignedUp::Session(resp) = sign_up(&state, input("new@example.com"), "").await.unwrap()
        else {
            panic!("autoconfirm signs in")
        };
        assert!(resp["user"].get("confirmed_at").is_none());
        let e = sign_up(&state, input("new@example.com"), "").await.unwrap_err();
        assert_eq!(e.code, "user_already_exists");

        let state = test_state(|c| c.mailer_autoconfirm = false);
        let redirect = "http://localhost:1/done";
        let SignedUp::AwaitingConfirmation(user) =
            sign_up(&state, input("new@example.com"), redirect).await.unwrap()
        else {
            panic!("a confirmation mail")
        };
        assert!(user.get("confirmation_sent_at").is_some());
        let mail = state.read(|data| data.outbox.mails[0].clone());
        assert_eq!(mail.subject, "Confirm Your Signup");
        assert!(mail.text.contains("type=signup&redirect_to=http%3A%2F%2Flocalhost%3A1%2Fdone"));
        // Again within a minute: refused by the one frequency check.
        let e = sign_up(&state, input("new@example.com"), redirect).await.unwrap_err();
        assert_eq!((e.status.as_u16(), e.code.as_ref()), (429, "over_email_send_rate_limit"));
    }

    #[tokio::test]
    async fn a_confirmed_address_gets_a_made_up_user_without_mail() {
        let state = test_state(|c| c.mailer_autoconfirm = false);
        crate::domain::seed::create_seeded_user(&state, "c@example.com", "pw-123456", None, None)
            .unwrap();
        let SignedUp::AwaitingConfirmation(u) =
            sign_up(&state, input("c@example.com"), "").await.unwrap()
        else {
            panic!("a user")
        };
        let real = state.read(|data| data.db.users[0].id.clone());
        assert_ne!(u["id"], json!(real));
        assert_eq!(
            (u["role"].as_str(), u["identities"].as_array().map(Vec::len)),
            (Some(""), Some(0))
        );
        assert!(state.read(|data| data.outbox.mails.is_empty() && data.db.users.len() == 1));
    }

    #[test]
    fn anonymous_sign_ups_only_when_enabled() {
        let off = test_state(|_| {});
        let e = sign_up_anonymously(&off, None).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code.as_ref()), (422, "anonymous_provider_disabled"));
        let on = test_state(|c| c.anonymous_users_enabled = true);
        let mut data = Map::new();
        data.insert("theme".into(), json!("dark"));
        let s = sign_up_anonymously(&on, Some(data)).unwrap();
        assert_eq!(s["user"]["is_anonymous"], true);
        assert_eq!(s["user"]["email"], "");
        assert_eq!(s["user"]["app_metadata"], json!({}));
        assert_eq!(s["user"]["user_metadata"], json!({"theme": "dark"}));
        assert_eq!(s["user"]["identities"], json!([]));
        let disabled = test_state(|c| {
            c.anonymous_users_enabled = true;
            c.disable_signup = true;
        });
        assert_eq!(sign_up_anonymously(&disabled, None).unwrap_err().code, "signup_disabled");
    }
}
