//! Step 4: the new password. A late `insufficient_aal` sends the wizard to the second-factor
//! step and, once verified, the save is retried by itself with what the user typed.

use super::flow::{self, Event};
use super::Wizard;
use crate::api::ApiError;
use crate::components::task::run;
use crate::components::{
    password_acceptable, Alert, Heading, NewPasswordFields, Status, SubmitButton,
};
use leptos::prelude::*;

#[component]
pub fn NewPasswordStep() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let policy = auth.config().password_policy;
    let wizard = expect_context::<Wizard>();
    let email = Signal::derive(move || wizard.state.with(|w| w.email.clone()));
    let error = RwSignal::new(None::<String>);
    let reasons = RwSignal::new(Vec::<String>::new());
    let pending = RwSignal::new(false);

    let attempt = move || {
        let (pw, confirm) = (wizard.password.get_untracked(), wizard.confirm.get_untracked());
        if !password_acceptable(&policy, &pw, &confirm) {
            error.set(Some(s.err_password_checks.to_owned()));
            return;
        }
        error.set(None);
        // Only for the account the wizard started with (and showed): issue 30.
        let user = auth.session_untracked().map(|s| s.user.id).unwrap_or_default();
        if !flow::same_user(&wizard.state.get_untracked(), &user) {
            wizard.apply(Event::SessionLost);
            return;
        }
        let work = async move { auth.update_password(&pw, None, None).await };
        run(pending, work, move |result| match result {
            Ok(()) => {
                wizard.apply(Event::PasswordSaved);
                // Done: the held session becomes the app's (signed in as that account).
                wizard.app.adopt_held(&auth);
            }
            Err(e) => {
                if let ApiError::Auth(a) = &e {
                    reasons.set(a.weak_reasons.clone());
                }
                error.set(Some(s.error(&e)));
                wizard.apply(Event::PasswordFailed(e));
            }
        });
    };
    // Back from a step-up the server asked for: save again without another press.
    if wizard.retry_password.get_untracked() {
        wizard.retry_password.set(false);
        let attempt = attempt.clone();
        Effect::new(move |_| attempt());
    }
    view! {
        <Heading text=s.recover_step_password/>
        // Whose password this is: a link can carry someone else's account.
        <p class="lsa-muted">{move || s.recover_for_account.replace("{email}", &email.get())}</p>
        <Status message=wizard.notice/>
        <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); attempt(); }>
            <NewPasswordFields password=wizard.password confirm=wizard.confirm username=email server_reasons=reasons/>
            <Alert message=error/>
            <SubmitButton label=s.save_password pending=pending/>
        </form>
    }
}
