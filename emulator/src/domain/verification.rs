//! Emailed codes and links: `POST /verify` (email + code, or token hash) and the emailed link
//! (`GET /verify`), with their effect on the user (confirmation, recovery, email change).

use serde_json::{Map, Value};

use crate::domain::validation::{validate_email, validate_phone};
use crate::domain::{email_change, passwords, sessions};
use crate::error::ApiError;
use crate::state::{AppState, ServerData};
use crate::store::{Micros, User};
use crate::util;

fn otp_expired(state: &AppState, sent_at: Option<Micros>) -> bool {
    match sent_at {
        Some(t) => state.now() > t + state.config.mailer_otp_exp * 1_000_000,
        None => true,
    }
}

fn otp_valid(state: &AppState, actual: &str, expected: &str, sent_at: Option<Micros>) -> bool {
    !expected.is_empty()
        && !otp_expired(state, sent_at)
        && (util::ct_eq(actual, expected) | util::ct_eq(&format!("pkce_{actual}"), expected))
}

fn token_error() -> ApiError {
    ApiError::forbidden("otp_expired", "Token has expired or is invalid")
}

fn link_error() -> ApiError {
    ApiError::forbidden("otp_expired", "Email link is invalid or has expired")
}

/// A verified code: whose it is and what it was for (`email` resolves to `signup` or
/// `magiclink`).
struct Verified {
    user_id: String,
    kind: String,
    /// The presented token hash (an email change clears the token it matches).
    hash: String,
}

/// `email` + code: finds the user and checks the code against the stored hash of `kind`.
fn check_email_code(
    state: &AppState,
    data: &ServerData,
    email: &str,
    hash: &str,
    kind: &str,
) -> Result<Verified, ApiError> {
    let aud = &state.config.jwt_aud;
    let user = if kind == "email_change" {
        // GoTrue finds the user by the token (current or new address), not by the address.
        data.db.users.iter().find(|u| &u.aud == aud && email_change::holds_token(u, hash))
    } else {
        data.db.user_by_email(email, aud)
    }
    .ok_or_else(token_error)?;
    if user.banned_until.is_some_and(|t| t > state.now()) {
        return Err(ApiError::forbidden("user_banned", "User is banned"));
    }
    let valid = |expected: &str, sent: Option<Micros>| otp_valid(state, hash, expected, sent);
    let effective = match kind {
        "email" if valid(&user.confirmation_token, user.confirmation_sent_at) => "signup",
        "email" if valid(&user.recovery_token, user.recovery_sent_at) => "magiclink",
        "signup" | "invite" if valid(&user.confirmation_token, user.confirmation_sent_at) => kind,
        "recovery" | "magiclink" if valid(&user.recovery_token, user.recovery_sent_at) => kind,
        "email_change"
            if valid(&user.email_change_token_current, user.email_change_sent_at)
                | valid(&user.email_change_token, user.email_change_sent_at) =>
        {
            kind
        }
        _ => return Err(token_error()),
    };
    Ok(Verified { user_id: user.id.clone(), kind: effective.to_string(), hash: hash.to_string() })
}

/// Token hash (POST `token_hash`, or the link's `token`): finds the user holding it.
fn check_token_hash(
    state: &AppState,
    data: &ServerData,
    hash: &str,
    kind: &str,
) -> Result<Verified, ApiError> {
    let find = |pred: &dyn Fn(&User) -> bool| data.db.users.iter().find(|u| pred(u)).cloned();
    let user = match kind {
        "email" => find(&|u| {
            util::ct_eq(hash, &u.confirmation_token) | util::ct_eq(hash, &u.recovery_token)
        }),
        "signup" | "invite" => find(&|u| util::ct_eq(hash, &u.confirmation_token)),
        "recovery" | "magiclink" => find(&|u| util::ct_eq(hash, &u.recovery_token)),
        "email_change" => find(&|u| {
            util::ct_eq(hash, &u.email_change_token)
                | util::ct_eq(hash, &u.email_change_token_current)
        }),
        _ => return Err(ApiError::validation("Invalid email verification type")),
    };
    let user = user.filter(|_| !hash.is_empty()).ok_or_else(link_error)?;
    if user.banned_until.is_some_and(|t| t > state.now()) {
        return Err(ApiError::forbidden("user_banned", "User is banned"));
    }
    let (sent, effective) = match kind {
        "email" if util::ct_eq(hash, &user.recovery_token) => (user.recovery_sent_at, "magiclink"),
        "email" => (user.confirmation_sent_at, "signup"),
        "signup" | "invite" => (user.confirmation_sent_at, kind),
        "recovery" | "magiclink" => (user.recovery_sent_at, kind),
        _ => (user.email_change_sent_at, kind),
    };
    if otp_expired(state, sent) {
        return Err(link_error());
    }
    Ok(Verified { user_id: user.id, kind: effective.to_string(), hash: hash.to_string() })
}

/// The effect of a verified code on the user (single use: the token is cleared); `false` when
/// it was the first of an email change's two confirmations (no session then).
fn apply(state: &AppState, data: &mut ServerData, verified: &Verified) -> Result<bool, ApiError> {
    let now = state.now();
    if verified.kind == "email_change" {
        let confirmed = email_change::confirm(state, data, &verified.user_id, &verified.hash);
        return Ok(confirmed == email_change::Confirmed::Changed);
    }
    let u = data.db.user_mut(&verified.user_id).ok_or_else(token_error)?;
    match verified.kind.as_str() {
        "signup" | "invite" => {
            u.confirmation_token.clear();
            u.confirm_email(now);
            // GoTrue's signupVerify: an invited user without a password gets a random one.
            if u.invited_at.is_some() && u.encrypted_password.is_empty() {
                let random = util::hex(&util::random_bytes::<32>());
                u.encrypted_password = passwords::hash(&state.config, &random)?;
            }
        }
        "recovery" | "magiclink" => {
            u.recovery_token.clear();
            u.confirm_email(now);
        }
        _ => return Err(ApiError::validation("Unsupported verification type")),
    }
    u.updated_at = now;
    Ok(true)
}

/// What `POST /verify` carries (absent fields as `""`).
#[derive(Debug, Clone, Default)]
pub struct CodeCheck {
    /// `type`.
    pub kind: String,
    /// The code from the mail.
    pub token: String,
    /// The hash from the link.
    pub token_hash: String,
    /// Email for a code.
    pub email: String,
    /// Phone for a code (no user can hold a phone OTP here).
    pub phone: String,
    /// `redirect_to` (not allowed with a token hash).
    pub redirect_to: String,
}

/// `POST /verify`: verifies an emailed code (`email` + `token`) or hash (`token_hash`); answers
/// a new aal1 session with AMR `otp`.
pub fn verify_code(state: &AppState, input: &CodeCheck) -> Result<Map<String, Value>, ApiError> {
    let CodeCheck { kind, token, token_hash, email, phone, redirect_to } = input;
    if kind.is_empty() {
        return Err(ApiError::validation("Verify requires a verification type"));
    }
    if token.is_empty() == token_hash.is_empty() {
        return Err(ApiError::validation("Verify requires either a token or a token hash"));
    }
    let mut email_hash = None;
    if !token.is_empty() {
        if !phone.is_empty() && email.is_empty() {
            validate_phone(phone)?;
            // No SMS sign-in here: no user can hold a phone OTP.
            return Err(token_error());
        } else if !email.is_empty() && phone.is_empty() {
            let email = validate_email(email).map_err(|_| {
                ApiError::unprocessable("validation_failed", "Invalid email format")
            })?;
            email_hash = Some((crate::util::token_hash(&email, token), email));
        } else {
            return Err(ApiError::validation(
                "Only an email address or phone number should be provided on verify",
            ));
        }
    } else if !email.is_empty() || !phone.is_empty() || !redirect_to.is_empty() {
        return Err(ApiError::validation("Only the token_hash and type should be provided"));
    }
    state.write(|data| {
        let verified = match &email_hash {
            Some((hash, email)) => check_email_code(state, data, email, hash, kind)?,
            None => check_token_hash(state, data, token_hash, kind)?,
        };
        if !apply(state, data, &verified)? {
            let mut m = Map::new();
            m.insert("msg".into(), Value::from(email_change::SINGLE_CONFIRMATION));
            m.insert("code".into(), Value::from("200"));
            return Ok(m);
        }
        let tokens = sessions::sign_in(state, &mut data.db, &verified.user_id, "otp", state.now());
        sessions::token_response(state, &data.db, &tokens)
    })
}

/// Where a followed link leads.
#[derive(Debug, Clone)]
pub enum LinkOutcome {
    /// Implicit flow: a new session (GoTrue's token response) for the redirect's fragment.
    Session(Map<String, Value>),
    /// PKCE flow (`pkce_` token): the auth code issued on the flow state, for `?code=`.
    AuthCode(String),
    /// The first of an email change's two confirmations: GoTrue's message, no session.
    Message(&'static str),
}

/// The parameters of an emailed link (`?type=&token=`), checked before anything is verified:
/// these errors are answered as JSON, the later ones by redirecting.
#[derive(Debug, Clone)]
pub struct Link {
    kind: String,
    token: String,
}

impl Link {
    /// 400 `validation_failed` without a type or a token.
    pub fn parse(kind: String, token: String) -> Result<Self, ApiError> {
        if kind.is_empty() {
            return Err(ApiError::validation("Verify requires a verification type"));
        }
        if token.is_empty() {
            return Err(ApiError::validation("Verify requires a token or a token hash"));
        }
        Ok(Link { kind, token })
    }

    /// A `pkce_` token: the redirect carries `?code=` (and errors in the query too).
    pub fn is_pkce(&self) -> bool {
        self.token.starts_with("pkce_")
    }

    /// The `type` of the link.
    pub fn kind(&self) -> &str {
        &self.kind
    }
}

/// The emailed link: verifies the token hash and signs in, or in PKCE mode issues the flow
/// state's auth code.
pub fn follow_link(state: &AppState, link: &Link) -> Result<LinkOutcome, ApiError> {
    let (kind, token) = (link.kind.as_str(), link.token.as_str());
    state.write(|data| {
        let verified = check_token_hash(state, data, token, kind)?;
        if !apply(state, data, &verified)? {
            return Ok(LinkOutcome::Message(email_change::SINGLE_CONFIRMATION));
        }
        if !link.is_pkce() {
            let tokens =
                sessions::sign_in(state, &mut data.db, &verified.user_id, "otp", state.now());
            return Ok(LinkOutcome::Session(sessions::token_response(state, &data.db, &tokens)?));
        }
        let method = match verified.kind.as_str() {
            "recovery" => "recovery",
            "magiclink" => "magiclink",
            "email_change" => "email_change",
            "invite" => "invite",
            _ => "email/signup",
        };
        let now = state.now();
        let flow = data
            .db
            .flow_states
            .iter_mut()
            .filter(|f| f.user_id == verified.user_id && f.authentication_method == method)
            .max_by_key(|f| f.created_at)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "flow_state_not_found",
                    "No associated flow state found. no flow state found",
                )
            })?;
        flow.auth_code_issued_at = Some(now);
        Ok(LinkOutcome::AuthCode(flow.auth_code.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::seed::create_seeded_user;
    use crate::domain::users;
    use crate::state::test_state;

    fn token_in(text: &str) -> String {
        let start = text.find("token=").unwrap() + 6;
        text[start..].split('&').next().unwrap().to_string()
    }

    #[test]
    fn recovery_code_signs_in_once() {
        let state = test_state(|_| {});
        create_seeded_user(&state, "v@example.com", "password-1", None, None).unwrap();
        users::recover(&state, "v@example.com", "", "", "").unwrap();
        let text = state.read(|data| data.outbox.mails[0].text.clone());
        let code = text.lines().find_map(|l| l.strip_prefix("Code: ")).unwrap().to_string();
        let check = CodeCheck {
            kind: "recovery".into(),
            token: code,
            email: "v@example.com".into(),
            ..CodeCheck::default()
        };
        let resp = verify_code(&state, &check).unwrap();
        assert_eq!(resp["user"]["email"], "v@example.com");
        assert_eq!(verify_code(&state, &check).unwrap_err().code, "otp_expired");
        let both = CodeCheck { token_hash: "x".into(), ..check };
        assert_eq!(verify_code(&state, &both).unwrap_err().code, "validation_failed");
    }

    #[test]
    fn links_sign_in_or_issue_a_pkce_code() {
        let state = test_state(|_| {});
        create_seeded_user(&state, "l@example.com", "password-1", None, None).unwrap();
        users::recover(&state, "l@example.com", "", "", "").unwrap();
        let hash = token_in(&state.read(|data| data.outbox.mails[0].text.clone()));
        let link = |kind: &str, token: &str| Link::parse(kind.into(), token.into()).unwrap();
        assert!(Link::parse(String::new(), hash.clone()).is_err());
        assert!(matches!(
            follow_link(&state, &link("recovery", &hash)),
            Ok(LinkOutcome::Session(_))
        ));
        assert_eq!(follow_link(&state, &link("recovery", &hash)).unwrap_err().code, "otp_expired");
        assert_eq!(
            follow_link(&state, &link("bogus", &hash)).unwrap_err().code,
            "validation_failed"
        );

        state.clock.advance(61.0);
        let challenge = crate::util::pkce_s256("verifier");
        users::recover(&state, "l@example.com", &challenge, "s256", "").unwrap();
        let hash = token_in(&state.read(|data| data.outbox.mails[1].text.clone()));
        assert!(link("recovery", &hash).is_pkce());
        let Ok(LinkOutcome::AuthCode(code)) = follow_link(&state, &link("recovery", &hash)) else {
            panic!("PKCE links issue an auth code")
        };
        let resp = sessions::pkce_grant(&state, &code, "verifier").unwrap();
        assert_eq!(resp["user"]["email"], "l@example.com");
        assert_eq!(
            sessions::pkce_grant(&state, &code, "verifier").unwrap_err().status.as_u16(),
            404
        );
    }
}
