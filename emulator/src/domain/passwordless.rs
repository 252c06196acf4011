//! `POST /otp` (a code and link by email: a magic link for a confirmed user, a sign-up
//! confirmation for a new or unconfirmed address) and `POST /resend` (sign-up and email-change
//! mails again), as GoTrue v2.196 answers them. No SMS provider: phone requests are refused.

use serde_json::{Map, Value};

use crate::domain::mailer;
use crate::domain::signup::{self, Pkce, SignUp};
use crate::domain::{email_change, sessions, validation};
use crate::error::ApiError;
use crate::outbox::MailKind;
use crate::state::AppState;

/// What `POST /otp` asks for (absent strings as `""`).
#[derive(Debug, Clone)]
pub struct OtpRequest {
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// SMS channel.
    pub channel: String,
    /// Create a user for an unknown address (GoTrue's default true).
    pub create_user: bool,
    /// `user_metadata` of a created user.
    pub data: Option<Map<String, Value>>,
    /// PKCE challenge.
    pub code_challenge: String,
    /// PKCE method.
    pub code_challenge_method: String,
}

fn phone_disabled() -> ApiError {
    ApiError::bad_request("phone_provider_disabled", "Unsupported phone provider")
}

fn pkce_of(challenge: &str, method: &str) -> Pkce {
    (!challenge.is_empty()).then(|| (challenge.to_string(), method.to_lowercase()))
}

/// GoTrue's `Otp` then `MagicLink`. A new or unconfirmed address is signed up (a random password;
/// `GOTRUE_DISABLE_SIGNUP` refuses it) and, with autoconfirm, sent a magic link, else a sign-up
/// confirmation; a confirmed user gets a magic link (429 within the interval of the last one).
pub async fn otp(state: &AppState, input: OtpRequest, redirect_to: &str) -> Result<(), ApiError> {
    if !input.email.is_empty() && !input.phone.is_empty() {
        return Err(ApiError::validation(
            "Only an email address or phone number should be provided",
        ));
    }
    if !input.email.is_empty() && !input.channel.is_empty() {
        return Err(ApiError::validation("Channel should only be specified with Phone OTP"));
    }
    sessions::validate_pkce(&input.code_challenge_method, &input.code_challenge)?;
    let aud = state.config.jwt_aud.clone();
    if !input.create_user {
        let known = if !input.email.is_empty() {
            let email = validation::validate_email(&input.email)?;
            state.read(|data| data.db.user_by_email(&email, &aud).is_some())
        } else if !input.phone.is_empty() {
            let phone = validation::validate_phone(&input.phone)?;
            state.read(|data| data.db.users.iter().any(|u| u.phone == phone && u.aud == aud))
        } else {
            true
        };
        if !known {
            return Err(ApiError::unprocessable("otp_disabled", "Signups not allowed for otp"));
        }
    }
    if input.email.is_empty() {
        if !input.phone.is_empty() {
            return Err(phone_disabled());
        }
        return Err(ApiError::validation("One of email or phone must be set"));
    }
    let email = validation::validate_email(&input.email)?;
    let pkce = pkce_of(&input.code_challenge, &input.code_challenge_method);
    let user = state.read(|data| data.db.user_by_email(&email, &aud).cloned());
    if user.as_ref().is_none_or(|u| u.email_confirmed_at.is_none()) {
        // GoTrue's `GeneratePassword(RequiredCharacters, 33)`: random, one of each required set.
        let mut password = crate::util::hex(&crate::util::random_bytes::<16>());
        for set in &state.config.password_required_characters {
            password.extend(set.chars().next());
        }
        let sign_up = SignUp {
            email: email.clone(),
            password,
            data: input.data.clone(),
            code_challenge: input.code_challenge.clone(),
            code_challenge_method: input.code_challenge_method.clone(),
            ..SignUp::default()
        };
        signup::sign_up(state, sign_up, redirect_to).await?;
        if !state.config.mailer_autoconfirm {
            return Ok(());
        }
    }
    state.write(|data| {
        let now = state.now();
        let user = data
            .db
            .user_by_email(&email, &aud)
            .cloned()
            .ok_or_else(|| ApiError::internal("Database error finding user"))?;
        // A magic link is a recovery with another template: it shares the recovery interval.
        mailer::check_can_email(state, data, user.recovery_sent_at)?;
        if let Some((challenge, method)) = &pkce {
            data.db.flow_states.push(sessions::new_flow_state(
                &user.id,
                challenge,
                method,
                "magiclink",
                now,
            ));
        }
        mailer::send_recovery_token(
            state,
            data,
            &user,
            pkce.is_some(),
            MailKind::MagicLink,
            "magiclink",
            redirect_to,
            now,
        );
        Ok(())
    })
}

/// What `POST /resend` asks for (absent strings as `""`).
#[derive(Debug, Clone, Default)]
pub struct ResendRequest {
    /// `signup`, `email_change`, `sms` or `phone_change`.
    pub kind: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// PKCE challenge.
    pub code_challenge: String,
    /// PKCE method.
    pub code_challenge_method: String,
}

/// GoTrue's `Resend`: the sign-up confirmation of an unconfirmed user, or the pending email
/// change's codes, again (429 within the interval); `{}` and nothing sent for an unknown
/// address or nothing pending.
pub fn resend(state: &AppState, input: &ResendRequest, redirect_to: &str) -> Result<(), ApiError> {
    let kind = input.kind.as_str();
    match kind {
        "signup" | "email_change" => {
            sessions::validate_pkce(&input.code_challenge_method, &input.code_challenge)?
        }
        "sms" | "phone_change" => {}
        _ => {
            return Err(ApiError::validation(
                "Missing one of these types: signup, email_change, sms, phone_change",
            ))
        }
    }
    if input.email.is_empty() && kind == "signup" {
        return Err(ApiError::validation("Type provided requires an email address"));
    }
    if input.phone.is_empty() && kind == "sms" {
        return Err(ApiError::validation("Type provided requires a phone number"));
    }
    if !input.email.is_empty() && !input.phone.is_empty() {
        return Err(ApiError::validation(
            "Only an email address or phone number should be provided.",
        ));
    }
    if input.email.is_empty() {
        if input.phone.is_empty() {
            return Err(ApiError::validation("Missing email address or phone number"));
        }
        return Err(ApiError::bad_request("phone_provider_disabled", "Phone logins are disabled"));
    }
    let email = validation::validate_email(&input.email)?;
    let aud = state.config.jwt_aud.clone();
    let pkce = pkce_of(&input.code_challenge, &input.code_challenge_method);
    state.write(|data| {
        let Some(user) = data.db.user_by_email(&email, &aud).cloned() else { return Ok(()) };
        match kind {
            "signup" if user.email_confirmed_at.is_none() => {
                signup::send_confirmation(state, data, &user.id, redirect_to, &pkce)
            }
            "email_change" if !user.new_email.is_empty() => {
                email_change::send(state, data, &user.id, &user.new_email, redirect_to, &pkce)
            }
            // Confirmed, nothing pending, or a phone type for an email: nothing to send.
            _ => Ok(()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::test_state;

    fn request(email: &str, create_user: bool) -> OtpRequest {
        OtpRequest {
            email: email.into(),
            phone: String::new(),
            channel: String::new(),
            create_user,
            data: None,
            code_challenge: String::new(),
            code_challenge_method: String::new(),
        }
    }

    fn subjects(state: &AppState) -> Vec<String> {
        state.read(|data| data.outbox.mails.iter().map(|m| m.subject.clone()).collect())
    }

    #[tokio::test]
    async fn otp_signs_up_new_addresses_and_links_confirmed_ones() {
        let state = test_state(|c| c.mailer_autoconfirm = false);
        let e = otp(&state, request("x@example.com", false), "").await.unwrap_err();
        assert_eq!((e.status.as_u16(), e.code.as_ref()), (422, "otp_disabled"));
        otp(&state, request("x@example.com", true), "").await.unwrap();
        assert_eq!(subjects(&state), ["Confirm Your Signup"]);
        crate::domain::seed::create_seeded_user(&state, "m@example.com", "pw-123456", None, None)
            .unwrap();
        otp(&state, request("m@example.com", false), "").await.unwrap();
        assert_eq!(subjects(&state)[1], "Your Magic Link");
        let e = otp(&state, request("m@example.com", false), "").await.unwrap_err();
        assert_eq!(e.code, "over_email_send_rate_limit");
        let e = otp(&state, request("", true), "").await.unwrap_err();
        assert_eq!(e.message, "One of email or phone must be set");
        // With autoconfirm a new address is signed up and sent a magic link at once.
        let state = test_state(|_| {});
        otp(&state, request("n@example.com", true), "").await.unwrap();
        assert_eq!(subjects(&state), ["Your Magic Link"]);
        let state = test_state(|c| c.disable_signup = true);
        let e = otp(&state, request("n@example.com", true), "").await.unwrap_err();
        assert_eq!(e.code, "signup_disabled");
    }

    #[tokio::test]
    async fn resend_only_what_is_pending() {
        let state = test_state(|c| c.mailer_autoconfirm = false);
        let req = |kind: &str, email: &str| ResendRequest {
            kind: kind.into(),
            email: email.into(),
            ..ResendRequest::default()
        };
        assert_eq!(
            resend(&state, &req("magiclink", "a@example.com"), "").unwrap_err().code,
            "validation_failed"
        );
        resend(&state, &req("signup", "nobody@example.com"), "").unwrap();
        let sign_up = SignUp {
            email: "u@example.com".into(),
            password: "pw-123456".into(),
            ..SignUp::default()
        };
        signup::sign_up(&state, sign_up, "").await.unwrap();
        let e = resend(&state, &req("signup", "u@example.com"), "").unwrap_err();
        assert_eq!(e.code, "over_email_send_rate_limit");
        state.clock.advance(61.0);
        resend(&state, &req("signup", "u@example.com"), "").unwrap();
        resend(&state, &req("email_change", "u@example.com"), "").unwrap();
        assert_eq!(subjects(&state).len(), 2);
    }
}
