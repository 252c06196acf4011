//! Changing the password: the current password is checked by signing in with it (that extra
//! session is only a proof and is signed out at once), the new one follows the policy, a
//! step-up runs first when the session is not recent aal2 (the typed passwords wait in memory),
//! and an emailed nonce is asked for when the server wants one.

use super::actions::{recovery, Action, Recovery};
use super::draft::{self, Draft};
use super::messages::{message, Op};
use crate::api::{ApiError, AuthError, ErrorCode};
use crate::components::task::{run, spawn};
use crate::components::{password_acceptable, Alert, CodeField, NewPasswordFields, PasswordField};
use crate::components::{Status, SubmitButton};
use crate::platform::browser::focus_id;
use leptos::prelude::*;

/// The change-password form (its card is the screen's), with focus on its first field when
/// shown. `resume`: the change was waiting for a step-up.
#[component]
pub fn ChangePassword(resume: bool) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let policy = auth.config().password_policy;
    let otp_len = auth.config().otp_length;
    let current = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let nonce = RwSignal::new(String::new());
    let asking_nonce = RwSignal::new(false);
    let reasons = RwSignal::new(Vec::<String>::new());
    let current_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let send_nonce = move || {
        spawn(async move { auth.reauthenticate().await }, move |sent| {
            asking_nonce.set(true);
            match sent {
                Ok(()) => status.set(Some(s.nonce_sent.to_owned())),
                Err(e) => error.set(Some(message(s, Op::SendNonce, &e))),
            }
        });
    };

    let update = move |cur: String, new: String, with_nonce: Option<String>, resumed: bool| {
        let work = {
            let (cur, new) = (cur.clone(), new.clone());
            async move { auth.update_password(&new, Some(&cur), with_nonce.as_deref()).await }
        };
        run(pending, work, move |result| {
            match result {
                Ok(()) => {
                    for f in [current, password, confirm, nonce] {
                        f.set(String::new());
                    }
                    asking_nonce.set(false);
                    reasons.set(Vec::new());
                    status.set(Some(s.password_changed.to_owned()));
                }
                Err(e) => {
                    if let ApiError::Auth(AuthError { weak_reasons, .. }) = &e {
                        reasons.set(weak_reasons.clone());
                    }
                    if recovery(&e, resumed) == Recovery::SendNonce {
                        send_nonce();
                        return;
                    }
                    let msg = if e.is(&ErrorCode::ReauthenticationNotValid) {
                        Some(message(s, Op::ChangePassword, &e))
                    } else {
                        let keep = Draft::Password { current: cur, new };
                        let action = Action::ChangePassword;
                        super::on_error(auth, &e, Op::ChangePassword, &action, resumed, Some(keep))
                    };
                    // Field errors are announced by the field itself.
                    if e.is(&ErrorCode::CurrentPasswordInvalid) {
                        current_error.set(msg);
                    } else {
                        error.set(msg);
                    }
                }
            }
        });
    };

    let submit = move || {
        if pending.get_untracked() {
            return;
        }
        error.set(None);
        status.set(None);
        current_error.set(None);
        let (cur, new) = (current.get_untracked(), password.get_untracked());
        if asking_nonce.get_untracked() {
            return update(cur, new, Some(nonce.get_untracked()), false);
        }
        if cur.is_empty() {
            current_error.set(Some(s.err_current_required.to_owned()));
            return;
        }
        if !password_acceptable(&policy, &new, &confirm.get_untracked()) {
            error.set(Some(s.err_password_checks.to_owned()));
            return;
        }
        let work = {
            let cur = cur.clone();
            async move { auth.check_password(&cur).await }
        };
        run(pending, work, move |checked| {
            if let Err(e) = checked {
                let msg = Some(message(s, Op::CurrentPassword, &e));
                return if e.is(&ErrorCode::InvalidCredentials) {
                    current_error.set(msg)
                } else {
                    error.set(msg)
                };
            }
            let keep = Draft::Password { current: cur.clone(), new: new.clone() };
            super::guard(auth, &Action::ChangePassword, Some(keep), move || {
                update(cur, new, None, false)
            });
        });
    };

    if resume {
        match draft::take(|d| match d {
            Draft::Password { current, new } => Some((current, new)),
            _ => None,
        }) {
            Some((cur, new)) => {
                current.set(cur.clone());
                password.set(new.clone());
                confirm.set(new.clone());
                update(cur, new, None, true);
            }
            None => status.set(Some(s.password_again.to_owned())),
        }
    } else {
        request_animation_frame(|| focus_id("lsa-current-password"));
    }

    let user_email = auth.email();
    let email = Signal::derive(move || user_email.get().unwrap_or_default());
    view! {
        <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <Show when=move || asking_nonce.get() fallback=move || view! {
                <PasswordField id="lsa-current-password" label=s.current_password_label value=current
                    autocomplete="current-password" error=current_error/>
                <NewPasswordFields password confirm username=email server_reasons=reasons/>
            }>
                <CodeField id="lsa-nonce" label=s.nonce_label value=nonce len=otp_len/>
                <p><button type="button" class="lsa-link-button" disabled=move || pending.get()
                    on:click=move |_| send_nonce()>{s.resend}</button></p>
            </Show>
            <Status message=status/>
            <Alert message=error/>
            <SubmitButton label=s.save_password pending=pending/>
        </form>
    }
}
