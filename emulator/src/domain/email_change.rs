//! Email changes as GoTrue v2.196 makes them (`sendEmailChange`, `emailChangeVerify`): a code
//! and link for the new address and, with `GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED` (the
//! default) and a current address, another pair for the current one. Without autoconfirm both
//! addresses must confirm: the first answers a message only, the second changes the address. An
//! anonymous user has no current address: one confirmation converts it to an email user.

use serde_json::{json, Value};

use crate::domain::mailer::{self, CodeMail, EmailOtp};
use crate::domain::sessions;
use crate::domain::signup::Pkce;
use crate::error::ApiError;
use crate::outbox::MailKind;
use crate::state::{AppState, ServerData};
use crate::store::{Identity, Micros, User};
use crate::util;

/// GoTrue's `singleConfirmationAccepted`.
pub const SINGLE_CONFIRMATION: &str =
    "Confirmation link accepted. Please proceed to confirm link sent to the other email";

/// Mails the codes and links of a change of `uid`'s address to `new_email`: 429 within
/// `GOTRUE_SMTP_MAX_FREQUENCY` of the last email-change mail, then the hourly budget. In PKCE
/// mode a flow state `email_change` and `pkce_` tokens.
pub fn send(
    state: &AppState,
    data: &mut ServerData,
    uid: &str,
    new_email: &str,
    redirect_to: &str,
    pkce: &Pkce,
) -> Result<(), ApiError> {
    let user = data.db.user(uid).cloned().ok_or_else(|| ApiError::internal("user vanished"))?;
    mailer::check_can_email(state, data, user.email_change_sent_at)?;
    let now = state.now();
    if let Some((challenge, method)) = pkce {
        let flow = sessions::new_flow_state(uid, challenge, method, "email_change", now);
        data.db.flow_states.push(flow);
    }
    let prefixed = |otp: EmailOtp| match pkce {
        Some(_) => EmailOtp { hash: format!("pkce_{}", otp.hash), ..otp },
        None => otp,
    };
    let new = prefixed(EmailOtp::new(state, new_email));
    let current = (state.config.mailer_secure_email_change_enabled && !user.email.is_empty())
        .then(|| prefixed(EmailOtp::new(state, &user.email)));
    if let Some(u) = data.db.user_mut(uid) {
        u.new_email = new_email.to_string();
        u.email_change_token = new.hash.clone();
        u.email_change_token_current = current.as_ref().map(|c| c.hash.clone()).unwrap_or_default();
        u.email_change_confirm_status = 0;
        u.email_change_sent_at = Some(now);
        u.updated_at = now;
    }
    // GoTrue's SMTP mailer: one mail to each address, each with its own code and links; its
    // limiter counts the one send once.
    let to_new = CodeMail {
        to: new_email,
        mail: MailKind::EmailChange,
        kind: "email_change",
        code: &new.code,
        token_hash: &new.hash,
    };
    mailer::send_code_mail(state, data, &to_new, redirect_to, true);
    if let Some(c) = &current {
        let to_current = CodeMail { to: &user.email, code: &c.code, token_hash: &c.hash, ..to_new };
        mailer::send_code_mail(state, data, &to_current, redirect_to, false);
    }
    Ok(())
}

/// The user holding an email-change token (current or new) equal to `hash` (or to `pkce_` +
/// `hash`).
pub fn holds_token(u: &User, hash: &str) -> bool {
    let is =
        |t: &str| !t.is_empty() && (util::ct_eq(hash, t) | util::ct_eq(&format!("pkce_{hash}"), t));
    is(&u.email_change_token_current) | is(&u.email_change_token)
}

/// What a verified email-change token did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// One of two addresses confirmed: GoTrue answers [`SINGLE_CONFIRMATION`], no session.
    One,
    /// The address changed.
    Changed,
}

/// GoTrue's `emailChangeVerify` for a verified token `hash` of `uid`.
pub fn confirm(state: &AppState, data: &mut ServerData, uid: &str, hash: &str) -> Confirmed {
    let config = &state.config;
    let now = state.now();
    let Some(u) = data.db.user_mut(uid) else { return Confirmed::Changed };
    if !config.mailer_autoconfirm
        && config.mailer_secure_email_change_enabled
        && u.email_change_confirm_status == 0
        && !u.email.is_empty()
    {
        u.email_change_confirm_status = 1;
        let matches = |t: &str| util::ct_eq(hash, t) | util::ct_eq(&format!("pkce_{hash}"), t);
        if matches(&u.email_change_token_current) {
            u.email_change_token_current.clear();
        } else if matches(&u.email_change_token) {
            u.email_change_token.clear();
        }
        u.updated_at = now;
        return Confirmed::One;
    }
    let email = std::mem::take(&mut u.new_email);
    change_address(u, &email, now);
    Confirmed::Changed
}

/// The change itself (`ConfirmEmailChange`): the address, confirmed; the email identity made or
/// updated (`email_verified`); an anonymous user becomes an email user. `user_metadata` keeps
/// the old address, as in GoTrue; `email_change_sent_at` stays.
pub fn change_address(u: &mut User, email: &str, now: Micros) {
    u.email = email.to_string();
    u.email_change_token.clear();
    u.email_change_token_current.clear();
    u.email_change_confirm_status = 0;
    u.confirm_email(now);
    match u.identity.as_mut() {
        Some(i) => {
            i.identity_data["email"] = json!(email);
            i.identity_data["email_verified"] = Value::Bool(true);
            i.updated_at = now;
        }
        None => {
            u.identity = Some(Identity {
                identity_id: util::uuid_v4(),
                identity_data: json!({
                    "email": email,
                    "email_verified": true,
                    "phone_verified": false,
                    "sub": u.id,
                }),
                last_sign_in_at: Some(now),
                created_at: now,
                updated_at: now,
            });
        }
    }
    if u.is_anonymous {
        u.is_anonymous = false;
        u.app_metadata = json!({"provider": "email", "providers": ["email"]});
    }
    u.updated_at = now;
}
