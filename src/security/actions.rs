//! The guarded actions of the security screen: their step-up ids, what each requires, and what
//! to do when the server refuses one. Pure: no browser, no signals.

use crate::api::{ApiError, ErrorCode, Factor};
use crate::session::aal::Requirement;
use crate::session::state::session_gone;
use crate::session::step_up::Reason;

/// How recent the second factor must be for a password or email change, or a factor removal
/// (minutes).
pub const FRESH_MINUTES: i64 = 10;

const PASSWORD_ID: &str = "lsa.security.password";
const EMAIL_ID: &str = "lsa.security.email";
const TOTP_ID: &str = "lsa.security.add-totp";
const PHONE_ID: &str = "lsa.security.add-phone";
const KEY_ID: &str = "lsa.security.add-key";
const PASSKEY_ID: &str = "lsa.security.add-passkey";
const REMOVE_PREFIX: &str = "lsa.security.remove:";
const REMOVE_PASSKEY_PREFIX: &str = "lsa.security.remove-passkey:";
const CONNECT_PREFIX: &str = "lsa.security.connect:";
const DISCONNECT_PREFIX: &str = "lsa.security.disconnect:";

/// Makes an action of an id's tail.
type Make = fn(String) -> Action;

/// An action of the security screen that may need a step-up first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Change the password.
    ChangePassword,
    /// Change the email address.
    ChangeEmail,
    /// Enrol an authenticator app.
    AddTotp,
    /// Enrol a phone.
    AddPhone,
    /// Enrol a security key (WebAuthn factor).
    AddKey,
    /// Register a passkey.
    AddPasskey,
    /// Remove the factor with this id.
    Remove(String),
    /// Remove the passkey with this id.
    RemovePasskey(String),
    /// Connect an account at this provider (a sign-in method).
    Connect(String),
    /// Disconnect the identity with this id.
    Disconnect(String),
}

impl Action {
    /// The id recorded while the step-up is pending.
    pub fn id(&self) -> String {
        match self {
            Action::ChangePassword => PASSWORD_ID.into(),
            Action::ChangeEmail => EMAIL_ID.into(),
            Action::AddTotp => TOTP_ID.into(),
            Action::AddPhone => PHONE_ID.into(),
            Action::AddKey => KEY_ID.into(),
            Action::AddPasskey => PASSKEY_ID.into(),
            Action::Remove(factor) => [REMOVE_PREFIX, factor].concat(),
            Action::RemovePasskey(passkey) => [REMOVE_PASSKEY_PREFIX, passkey].concat(),
            Action::Connect(provider) => [CONNECT_PREFIX, provider].concat(),
            Action::Disconnect(identity) => [DISCONNECT_PREFIX, identity].concat(),
        }
    }

    /// The action a pending id stands for (`None` for ids of other pages).
    pub fn parse(id: &str) -> Option<Action> {
        match id {
            PASSWORD_ID => Some(Action::ChangePassword),
            EMAIL_ID => Some(Action::ChangeEmail),
            TOTP_ID => Some(Action::AddTotp),
            PHONE_ID => Some(Action::AddPhone),
            KEY_ID => Some(Action::AddKey),
            PASSKEY_ID => Some(Action::AddPasskey),
            _ => {
                let tail = |prefix: &str| {
                    id.strip_prefix(prefix).filter(|f| !f.is_empty()).map(str::to_owned)
                };
                let made: [(&str, Make); 4] = [
                    (REMOVE_PREFIX, Action::Remove),
                    (REMOVE_PASSKEY_PREFIX, Action::RemovePasskey),
                    (CONNECT_PREFIX, Action::Connect),
                    (DISCONNECT_PREFIX, Action::Disconnect),
                ];
                made.iter().find_map(|(prefix, make)| tail(prefix).map(make))
            }
        }
    }

    /// What the session must meet before the action runs. `factors` are the user's factors
    /// (removing an unverified factor needs nothing; a verified one needs aal2).
    ///
    /// Why the step-up page asks (its sentence).
    pub(crate) fn reason(&self) -> Reason {
        match self {
            Action::ChangePassword => Reason::ChangePassword,
            Action::ChangeEmail => Reason::ChangeEmail,
            Action::AddTotp | Action::AddPhone | Action::AddKey | Action::AddPasskey => {
                Reason::AddFactor
            }
            Action::Remove(_) | Action::RemovePasskey(_) => Reason::RemoveFactor,
            Action::Connect(_) | Action::Disconnect(_) => Reason::SignInMethods,
        }
    }

    pub fn requirement(&self, factors: &[Factor]) -> Requirement {
        match self {
            Action::ChangePassword | Action::ChangeEmail => {
                Requirement::within_minutes(FRESH_MINUTES)
            }
            // GoTrue asks an MFA user for aal2 to add a key or manage passkeys.
            Action::AddTotp | Action::AddPhone | Action::AddKey | Action::AddPasskey => {
                Requirement::AAL2
            }
            Action::RemovePasskey(_) | Action::Connect(_) | Action::Disconnect(_) => {
                Requirement::within_minutes(FRESH_MINUTES)
            }
            Action::Remove(id) => match factors.iter().find(|f| &f.id == id) {
                Some(f) if !f.is_verified() => Requirement::ANY,
                _ => Requirement::within_minutes(FRESH_MINUTES),
            },
        }
    }
}

/// What to do after a request of the security screen failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// The server wants aal2: verify a second factor, then run the action again.
    StepUp,
    /// The server wants a reauthentication nonce (password change): email one, ask for it.
    SendNonce,
    /// The session is gone on the server: forget it here and go to sign-in.
    SignIn,
    /// Show a message; everything typed stays.
    Show,
}

/// Decides by error code (never by text). `resumed` says the action already ran again after a
/// step-up: a second `insufficient_aal` is then shown instead of looping through step-up.
pub fn recovery(err: &ApiError, resumed: bool) -> Recovery {
    match err.code() {
        Some(ErrorCode::InsufficientAal) if !resumed => Recovery::StepUp,
        Some(ErrorCode::ReauthenticationNeeded | ErrorCode::ReauthNonceMissing) => {
            Recovery::SendNonce
        }
        _ if session_gone(err) => Recovery::SignIn,
        _ => Recovery::Show,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::AuthError;

    fn err(code: &str) -> ApiError {
        ApiError::Auth(AuthError {
            code: ErrorCode::parse(code),
            message: String::new(),
            status: 400,
            weak_reasons: vec![],
            retry_after_secs: None,
        })
    }

    fn factor(id: &str, status: &str) -> Factor {
        Factor {
            id: id.into(),
            factor_type: "totp".into(),
            status: status.into(),
            ..Default::default()
        }
    }

    #[test]
    fn ids_round_trip() {
        for a in [
            Action::ChangePassword,
            Action::ChangeEmail,
            Action::AddTotp,
            Action::AddPhone,
            Action::Remove("f-1".into()),
            Action::AddKey,
            Action::AddPasskey,
            Action::RemovePasskey("p-1".into()),
            Action::Connect("github".into()),
            Action::Disconnect("i-1".into()),
        ] {
            assert_eq!(Action::parse(&a.id()), Some(a));
        }
        assert_eq!(Action::parse("billing.pay"), None);
        assert_eq!(Action::parse("lsa.security.remove:"), None);
        assert_eq!(Action::parse("lsa.security.remove-passkey:"), None);
        assert_eq!(Action::parse("lsa.security.connect:"), None);
        assert_eq!(Action::parse("lsa.security.disconnect:"), None);
        assert_eq!(
            Action::parse(&Action::Remove("x".into()).id()),
            Some(Action::Remove("x".into()))
        );
    }

    #[test]
    fn requirements() {
        let fs = [factor("v", "verified"), factor("u", "unverified")];
        assert_eq!(Action::ChangePassword.requirement(&fs), Requirement::within_minutes(10));
        assert_eq!(Action::ChangeEmail.requirement(&fs), Requirement::within_minutes(10));
        assert_eq!(Action::AddTotp.requirement(&fs), Requirement::AAL2);
        assert_eq!(Action::AddPhone.requirement(&fs), Requirement::AAL2);
        assert_eq!(Action::Remove("v".into()).requirement(&fs), Requirement::within_minutes(10));
        assert_eq!(Action::Remove("u".into()).requirement(&fs), Requirement::ANY);
        assert_eq!(Action::AddKey.requirement(&fs), Requirement::AAL2);
        assert_eq!(Action::AddPasskey.requirement(&fs), Requirement::AAL2);
        assert_eq!(
            Action::RemovePasskey("p".into()).requirement(&fs),
            Requirement::within_minutes(10)
        );
        assert_eq!(Action::Connect("g".into()).requirement(&fs), Requirement::within_minutes(10));
        assert_eq!(
            Action::Disconnect("i".into()).requirement(&fs),
            Requirement::within_minutes(10)
        );
        // Unknown factor: ask the most (the server has the last word).
        assert_eq!(Action::Remove("x".into()).requirement(&fs), Requirement::within_minutes(10));
    }

    #[test]
    fn reasons() {
        assert_eq!(Action::ChangePassword.reason(), Reason::ChangePassword);
        assert_eq!(Action::ChangeEmail.reason(), Reason::ChangeEmail);
        assert_eq!(Action::AddPhone.reason(), Reason::AddFactor);
        assert_eq!(Action::Remove("f".into()).reason(), Reason::RemoveFactor);
        assert_eq!(Action::Connect("g".into()).reason(), Reason::SignInMethods);
        assert_eq!(Action::Disconnect("i".into()).reason(), Reason::SignInMethods);
    }

    #[test]
    fn recovery_by_code() {
        assert_eq!(recovery(&err("insufficient_aal"), false), Recovery::StepUp);
        assert_eq!(recovery(&err("insufficient_aal"), true), Recovery::Show);
        assert_eq!(recovery(&err("reauthentication_needed"), false), Recovery::SendNonce);
        assert_eq!(recovery(&err("reauth_nonce_missing"), true), Recovery::SendNonce);
        for lost in ["session_not_found", "bad_jwt", "user_not_found", "refresh_token_not_found"] {
            assert_eq!(recovery(&err(lost), false), Recovery::SignIn, "{lost}");
        }
        for shown in [
            "validation_failed",
            "weak_password",
            "same_password",
            "mfa_verification_failed",
            "reauthentication_not_valid",
            "over_sms_send_rate_limit",
            "mfa_factor_name_conflict",
        ] {
            assert_eq!(recovery(&err(shown), false), Recovery::Show, "{shown}");
        }
        assert_eq!(recovery(&ApiError::Transport("x".into()), false), Recovery::Show);
    }
}
