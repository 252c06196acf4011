//! The wizard's logic: a step enum with pure transitions. Components only render the current
//! step and report what happened; every "what next" decision is here, with native tests.

use crate::api::{ApiError, ErrorCode};
use crate::json::{self, FromJson, Names, Object, Value};

/// The wizard's steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Step {
    /// 1. Ask for the email, send the code.
    #[default]
    Email,
    /// 2. Enter the emailed code (or paste the link).
    Code,
    /// 3. Verify a second factor (only for users with MFA).
    SecondFactor,
    /// 4. Choose the new password.
    NewPassword,
    /// The password was changed; the user is signed in.
    Done,
}

impl Step {
    /// How the wizard's step is stored.
    const NAMES: &Names<Step> = &[
        (Step::Email, "Email"),
        (Step::Code, "Code"),
        (Step::SecondFactor, "SecondFactor"),
        (Step::NewPassword, "NewPassword"),
        (Step::Done, "Done"),
    ];

    /// Whether this step needs a recovery session.
    pub fn needs_session(self) -> bool {
        matches!(self, Step::SecondFactor | Step::NewPassword)
    }
}

/// What the wizard keeps between steps and across reloads (in `sessionStorage`): the step,
/// the email, and the id of the account whose recovery session it got. Never codes, nonces,
/// tokens or passwords.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct WizardState {
    /// The current step.
    pub step: Step,
    /// The email the code was sent to.
    pub email: String,
    /// The user id of the recovery session the wizard started with (empty before one).
    pub user: String,
}

impl WizardState {
    /// The stored text.
    pub fn to_json(&self) -> String {
        let step = json::name_of(Step::NAMES, &self.step);
        let o = Object::new().str("step", step).str("email", &self.email);
        if self.user.is_empty() { o } else { o.str("user", &self.user) }.finish()
    }
}

impl FromJson for WizardState {
    fn from_json(v: &Value) -> Option<Self> {
        let step = json::variant(Step::NAMES, v.get("step")?.as_str()?)?;
        let user = v.string("user").unwrap_or_default();
        Some(WizardState { step, email: v.string("email")?, user })
    }
}

/// Something that happened in a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// `/recover` answered (or was rate limited): always move on, never reveal the account.
    CodeSent {
        /// The address.
        email: String,
    },
    /// The user wants to use another address.
    ChangeEmail,
    /// A recovery session exists (code, link, or another tab). `needs_step_up`: the user has a
    /// verified factor and the session is aal1.
    Verified {
        /// Whether the second-factor step is needed.
        needs_step_up: bool,
        /// The session's user id.
        user: String,
    },
    /// The second factor was verified (session is aal2).
    FactorVerified,
    /// The new password was saved.
    PasswordSaved,
    /// `PUT /user` failed.
    PasswordFailed(ApiError),
    /// The recovery session is gone (expired, signed out elsewhere).
    SessionLost,
}

/// Why the wizard moved somewhere unexpected (shown to the user).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The session expired: start again.
    SessionLost,
    /// The server asked for the second factor after all.
    StepUpRequired,
}

/// The transition function: the next state and an optional notice.
pub fn next(state: &WizardState, event: Event) -> (WizardState, Option<Notice>) {
    let with = |step: Step| {
        // Back at the first step, the wizard has no session any more.
        let user = if step == Step::Email { String::new() } else { state.user.clone() };
        WizardState { step, email: state.email.clone(), user }
    };
    match event {
        Event::CodeSent { email } => {
            (WizardState { step: Step::Code, email, user: String::new() }, None)
        }
        Event::ChangeEmail => (with(Step::Email), None),
        Event::Verified { needs_step_up, user } => {
            let step = if needs_step_up { Step::SecondFactor } else { Step::NewPassword };
            (WizardState { step, email: state.email.clone(), user }, None)
        }
        Event::FactorVerified => (with(Step::NewPassword), None),
        Event::PasswordSaved => (with(Step::Done), None),
        Event::PasswordFailed(err) => match password_failure(&err) {
            PasswordFailure::StepUp => (with(Step::SecondFactor), Some(Notice::StepUpRequired)),
            PasswordFailure::SessionLost => (with(Step::Email), Some(Notice::SessionLost)),
            PasswordFailure::Stay => (state.clone(), None),
        },
        Event::SessionLost => (with(Step::Email), Some(Notice::SessionLost)),
    }
}

/// Where a restored (reloaded) state may resume: a step that needs a session falls back to the
/// first step when there is none; `Done` needs one too (else start over quietly).
pub fn restore(saved: WizardState, has_recovery_session: bool) -> (WizardState, Option<Notice>) {
    match saved.step {
        s if s.needs_session() && !has_recovery_session => (
            WizardState { email: saved.email, ..WizardState::default() },
            Some(Notice::SessionLost),
        ),
        Step::Done if !has_recovery_session => (WizardState::default(), None),
        _ => (saved, None),
    }
}

/// Whether the wizard may save a password with a session of `user`: only the account it
/// started with (a session that changed under it, by another tab or a late answer, is not).
pub fn same_user(state: &WizardState, user: &str) -> bool {
    !state.user.is_empty() && state.user == user
}

/// What a failed `PUT /user` means for the wizard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordFailure {
    /// `insufficient_aal`: verify a factor, then retry.
    StepUp,
    /// The recovery session is gone.
    SessionLost,
    /// Show the message and stay (weak, same, network...).
    Stay,
}

/// Classifies a `PUT /user` error by code.
pub fn password_failure(err: &ApiError) -> PasswordFailure {
    match err.code() {
        Some(ErrorCode::InsufficientAal) => PasswordFailure::StepUp,
        Some(
            ErrorCode::SessionNotFound
            | ErrorCode::SessionExpired
            | ErrorCode::BadJwt
            | ErrorCode::UserNotFound
            | ErrorCode::NoAuthorization
            | ErrorCode::RefreshTokenNotFound
            | ErrorCode::RefreshTokenAlreadyUsed,
        ) => PasswordFailure::SessionLost,
        _ => PasswordFailure::Stay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::AuthError;

    fn err(code: ErrorCode, status: u16) -> ApiError {
        ApiError::Auth(AuthError {
            code,
            message: String::new(),
            status,
            weak_reasons: vec![],
            retry_after_secs: None,
        })
    }

    fn at(step: Step) -> WizardState {
        let user = if step == Step::Email || step == Step::Code { "" } else { "u1" };
        WizardState { step, email: "a@b.c".into(), user: user.into() }
    }

    fn verified(needs_step_up: bool) -> Event {
        Event::Verified { needs_step_up, user: "u1".into() }
    }

    /// Issue 30: the wizard says "For the account Y"; a session of X under it is refused.
    #[test]
    fn the_password_is_saved_only_for_the_account_the_wizard_started_with() {
        let (s, _) = next(&at(Step::Code), verified(false));
        assert_eq!(s.user, "u1");
        assert!(same_user(&s, "u1"));
        assert!(!same_user(&s, "u2"));
        assert!(!same_user(&at(Step::Code), ""), "no session yet");
        let (back, _) = next(&s, Event::SessionLost);
        assert_eq!(back.user, "", "starting over forgets the account");
    }

    #[test]
    fn happy_path_without_mfa() {
        let (s, n) = next(&WizardState::default(), Event::CodeSent { email: "a@b.c".into() });
        assert_eq!((s.clone(), n), (at(Step::Code), None));
        let (s, _) = next(&s, verified(false));
        assert_eq!(s.step, Step::NewPassword);
        let (s, _) = next(&s, Event::PasswordSaved);
        assert_eq!(s, at(Step::Done));
    }

    #[test]
    fn mfa_users_verify_a_factor_before_the_password() {
        let (s, _) = next(&at(Step::Code), verified(true));
        assert_eq!(s.step, Step::SecondFactor);
        let (s, _) = next(&s, Event::FactorVerified);
        assert_eq!(s.step, Step::NewPassword);
    }

    #[test]
    fn a_late_insufficient_aal_goes_to_the_factor_step() {
        let (s, n) = next(
            &at(Step::NewPassword),
            Event::PasswordFailed(err(ErrorCode::InsufficientAal, 401)),
        );
        assert_eq!((s.step, n), (Step::SecondFactor, Some(Notice::StepUpRequired)));
    }

    #[test]
    fn password_errors_that_the_user_fixes_keep_the_step() {
        for e in [
            err(ErrorCode::WeakPassword, 422),
            err(ErrorCode::SamePassword, 422),
            err(ErrorCode::Unknown, 500),
            ApiError::Transport("offline".into()),
        ] {
            let (s, n) = next(&at(Step::NewPassword), Event::PasswordFailed(e));
            assert_eq!((s, n), (at(Step::NewPassword), None));
        }
    }

    #[test]
    fn a_lost_session_starts_over_with_the_email_kept() {
        let (s, n) = next(
            &at(Step::NewPassword),
            Event::PasswordFailed(err(ErrorCode::SessionNotFound, 403)),
        );
        assert_eq!((s, n), (at(Step::Email), Some(Notice::SessionLost)));
        let (s, n) = next(&at(Step::SecondFactor), Event::SessionLost);
        assert_eq!((s, n), (at(Step::Email), Some(Notice::SessionLost)));
    }

    #[test]
    fn change_email_goes_back_to_step_one() {
        assert_eq!(next(&at(Step::Code), Event::ChangeEmail).0, at(Step::Email));
    }

    #[test]
    fn restore_rules() {
        assert_eq!(restore(at(Step::Code), false), (at(Step::Code), None));
        assert_eq!(restore(at(Step::NewPassword), true), (at(Step::NewPassword), None));
        assert_eq!(
            restore(at(Step::NewPassword), false),
            (at(Step::Email), Some(Notice::SessionLost))
        );
        assert_eq!(restore(at(Step::SecondFactor), false).1, Some(Notice::SessionLost));
        assert_eq!(restore(at(Step::Done), false), (WizardState::default(), None));
    }

    #[test]
    fn numbering_and_serialisation() {
        let json = at(Step::Code).to_json();
        assert_eq!(json, r#"{"step":"Code","email":"a@b.c"}"#, "the shape stored so far");
        let read = |text: &str| WizardState::from_json(&crate::json::parse(text).unwrap());
        for &(step, _) in Step::NAMES {
            assert_eq!(read(&at(step).to_json()), Some(at(step)));
        }
        assert_eq!(read(r#"{"step":"Token","email":"a@b.c"}"#), None);
    }
}
