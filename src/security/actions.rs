//! The guarded actions of the security screen: their step-up ids, what each requires, and what
//! to do when the server refuses one. Pure: no browser, no signals.

use crate::api::{ApiError, ErrorCode, Factor};
use crate::session::aal::Requirement;
use crate::session::state::{classify_refresh_error, RefreshFailure};
use crate::strings::Strings;

/// How recent the second factor must be for a password change (minutes).
///
/// ```
/// use leptos_supabase_auth::security::actions::{Action, FRESH_MINUTES};
/// use leptos_supabase_auth::Requirement;
/// let req = Action::ChangePassword.requirement(&[]);
/// assert_eq!(req, Requirement::within_minutes(FRESH_MINUTES));
/// assert_eq!(req.max_age_secs, Some(600));
/// ```
pub const FRESH_MINUTES: i64 = 10;

const PASSWORD_ID: &str = "lsa.security.password";
const TOTP_ID: &str = "lsa.security.add-totp";
const PHONE_ID: &str = "lsa.security.add-phone";
const REMOVE_PREFIX: &str = "lsa.security.remove:";

/// An action of the security screen that may need a step-up first.
///
/// ```
/// use leptos_supabase_auth::security::actions::Action;
/// let action = Action::Remove("f1".into());
/// // The id recorded before the step-up page gives the same action back afterwards.
/// assert_eq!(Action::parse(&action.id()), Some(action));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Change the password.
    ChangePassword,
    /// Enrol an authenticator app.
    AddTotp,
    /// Enrol a phone.
    AddPhone,
    /// Remove the factor with this id.
    Remove(String),
}

impl Action {
    /// The id recorded while the step-up is pending.
    ///
    /// ```
    /// use leptos_supabase_auth::security::actions::Action;
    /// assert_eq!(Action::ChangePassword.id(), "lsa.security.password");
    /// assert_eq!(Action::AddTotp.id(), "lsa.security.add-totp");
    /// assert_eq!(Action::Remove("f1".into()).id(), "lsa.security.remove:f1");
    /// ```
    pub fn id(&self) -> String {
        match self {
            Action::ChangePassword => PASSWORD_ID.into(),
            Action::AddTotp => TOTP_ID.into(),
            Action::AddPhone => PHONE_ID.into(),
            Action::Remove(factor) => [REMOVE_PREFIX, factor].concat(),
        }
    }

    /// The action a pending id stands for (`None` for ids of other pages).
    ///
    /// ```
    /// use leptos_supabase_auth::security::actions::Action;
    /// assert_eq!(Action::parse("lsa.security.add-phone"), Some(Action::AddPhone));
    /// assert_eq!(Action::parse("lsa.security.remove:f1"), Some(Action::Remove("f1".into())));
    /// assert_eq!(Action::parse("lsa.security.remove:"), None); // no factor id
    /// assert_eq!(Action::parse("billing.pay"), None); // the host's own action
    /// ```
    pub fn parse(id: &str) -> Option<Action> {
        match id {
            PASSWORD_ID => Some(Action::ChangePassword),
            TOTP_ID => Some(Action::AddTotp),
            PHONE_ID => Some(Action::AddPhone),
            _ => id
                .strip_prefix(REMOVE_PREFIX)
                .filter(|f| !f.is_empty())
                .map(|f| Action::Remove(f.to_owned())),
        }
    }

    /// What the session must meet before the action runs. `factors` are the user's factors
    /// (removing an unverified factor needs nothing; a verified one needs aal2).
    ///
    /// ```
    /// use leptos_supabase_auth::{api::Factor, security::actions::Action, Requirement};
    /// let factor = |id: &str, status: &str| {
    ///     Factor { id: id.into(), status: status.into(), ..Factor::default() }
    /// };
    /// let factors = [factor("app", "verified"), factor("half", "unverified")];
    /// assert_eq!(Action::Remove("app".into()).requirement(&factors), Requirement::AAL2);
    /// assert_eq!(Action::Remove("half".into()).requirement(&factors), Requirement::ANY);
    /// assert_eq!(Action::AddTotp.requirement(&factors), Requirement::AAL2);
    /// assert_eq!(Action::ChangePassword.requirement(&[]), Requirement::within_minutes(10));
    /// ```
    pub fn requirement(&self, factors: &[Factor]) -> Requirement {
        match self {
            Action::ChangePassword => Requirement::within_minutes(FRESH_MINUTES),
            Action::AddTotp | Action::AddPhone => Requirement::AAL2,
            Action::Remove(id) => match factors.iter().find(|f| &f.id == id) {
                Some(f) if !f.is_verified() => Requirement::ANY,
                _ => Requirement::AAL2,
            },
        }
    }
}

/// Why the step-up page asks, for the pending action `id` (`None` for other pages' actions).
///
/// ```
/// use leptos_supabase_auth::security::actions::{step_up_reason, Action};
/// use leptos_supabase_auth::Strings;
/// let s = &Strings::EN;
/// let reason = step_up_reason(s, &Action::AddTotp.id());
/// assert_eq!(reason, Some("Confirm it's you to add a new verification method."));
/// assert_eq!(step_up_reason(s, "host.checkout"), None); // not an action of this screen
/// ```
pub fn step_up_reason(s: &Strings, id: &str) -> Option<&'static str> {
    Some(match Action::parse(id)? {
        Action::ChangePassword => s.step_up_reason_password,
        Action::AddTotp | Action::AddPhone => s.step_up_reason_add_factor,
        Action::Remove(_) => s.step_up_reason_remove,
    })
}

/// What to do after a request of the security screen failed.
///
/// ```
/// use leptos_supabase_auth::api::{error::parse_error, ApiError};
/// use leptos_supabase_auth::security::actions::{recovery, Recovery};
/// let err: ApiError = parse_error(401, None, r#"{"code": "insufficient_aal"}"#).into();
/// let next = match recovery(&err, false) {
///     Recovery::StepUp => "verify a second factor, then run the action again",
///     Recovery::SendNonce => "email a nonce and ask for it",
///     Recovery::SignIn => "forget the session and sign in",
///     Recovery::Show => "show a message",
/// };
/// assert_eq!(next, "verify a second factor, then run the action again");
/// ```
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
///
/// ```
/// use leptos_supabase_auth::api::{error::parse_error, ApiError};
/// use leptos_supabase_auth::security::actions::{recovery, Recovery};
/// let err = |code: &str| -> ApiError {
///     parse_error(400, None, &format!(r#"{{"code": "{code}"}}"#)).into()
/// };
/// assert_eq!(recovery(&err("insufficient_aal"), false), Recovery::StepUp);
/// assert_eq!(recovery(&err("insufficient_aal"), true), Recovery::Show); // no second round
/// assert_eq!(recovery(&err("reauthentication_needed"), false), Recovery::SendNonce);
/// assert_eq!(recovery(&err("session_not_found"), false), Recovery::SignIn);
/// assert_eq!(recovery(&err("weak_password"), false), Recovery::Show);
/// ```
pub fn recovery(err: &ApiError, resumed: bool) -> Recovery {
    match err.code() {
        Some(ErrorCode::InsufficientAal) if !resumed => Recovery::StepUp,
        Some(ErrorCode::ReauthenticationNeeded | ErrorCode::ReauthNonceMissing) => {
            Recovery::SendNonce
        }
        Some(
            ErrorCode::BadJwt | ErrorCode::NoAuthorization | ErrorCode::MfaVerificationRejected,
        ) => Recovery::SignIn,
        Some(_) if classify_refresh_error(err) == RefreshFailure::SignOut => {
            // Validation errors of the action itself are not a lost session.
            if err.is(&ErrorCode::ValidationFailed) {
                Recovery::Show
            } else {
                Recovery::SignIn
            }
        }
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
            Action::AddTotp,
            Action::AddPhone,
            Action::Remove("f-1".into()),
        ] {
            assert_eq!(Action::parse(&a.id()), Some(a));
        }
        assert_eq!(Action::parse("billing.pay"), None);
        assert_eq!(Action::parse("lsa.security.remove:"), None);
    }

    #[test]
    fn requirements() {
        let fs = [factor("v", "verified"), factor("u", "unverified")];
        assert_eq!(Action::ChangePassword.requirement(&fs), Requirement::within_minutes(10));
        assert_eq!(Action::AddTotp.requirement(&fs), Requirement::AAL2);
        assert_eq!(Action::AddPhone.requirement(&fs), Requirement::AAL2);
        assert_eq!(Action::Remove("v".into()).requirement(&fs), Requirement::AAL2);
        assert_eq!(Action::Remove("u".into()).requirement(&fs), Requirement::ANY);
        // Unknown factor: ask the most (the server has the last word).
        assert_eq!(Action::Remove("x".into()).requirement(&fs), Requirement::AAL2);
    }

    #[test]
    fn reasons() {
        let s = &Strings::EN;
        assert_eq!(
            step_up_reason(s, &Action::ChangePassword.id()),
            Some(s.step_up_reason_password)
        );
        assert_eq!(
            step_up_reason(s, &Action::Remove("f".into()).id()),
            Some(s.step_up_reason_remove)
        );
        assert_eq!(step_up_reason(s, "host.checkout"), None);
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
