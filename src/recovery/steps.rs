//! Steps 1 and 2: the email, then the emailed code (or the pasted link).

use super::flow::Event;
use super::Wizard;
use crate::api::{ApiError, ErrorCode};
use crate::components::task::run;
use crate::components::{
    browser, Alert, CodeField, Field, Heading, ResendButton, Status, SubmitButton,
};
use crate::otp::{expiry_minutes, mask_email, LinkToken};
use crate::{AuthRoute, AuthStore};
use leptos::prelude::*;

/// GoTrue's default minimum interval between two recovery emails to one user.
const EMAIL_INTERVAL_SECS: u32 = 60;

/// Asks GoTrue to send the code. Rate limits and unknown addresses look the same to the user;
/// only a network failure (or an invalid address) is reported.
async fn send_code(auth: AuthStore, email: &str, wizard: Wizard) -> Result<(), ApiError> {
    let config = auth.config();
    let redirect = [
        browser::origin(),
        AuthRoute::Confirm.path_with_next(&config.base, &wizard.next.get_untracked()),
    ]
    .concat();
    match auth.send_recovery(email, &redirect).await {
        Ok(()) => {
            wizard.resend.set(EMAIL_INTERVAL_SECS);
            Ok(())
        }
        Err(e) if e.is_network() || e.is(&ErrorCode::ValidationFailed) => Err(e),
        Err(e) => {
            wizard.resend.set(e.retry_after_secs().unwrap_or(EMAIL_INTERVAL_SECS));
            Ok(())
        }
    }
}

#[component]
pub fn EmailStep() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let wizard = expect_context::<Wizard>();
    let email = RwSignal::new(wizard.state.with_untracked(|w| w.email.clone()));
    let error = RwSignal::new(None::<String>);
    let field_error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = email.get_untracked().trim().to_owned();
        if !value.contains('@') || value.len() < 3 {
            field_error.set(Some(s.err_email_invalid.to_owned()));
            return;
        }
        field_error.set(None);
        error.set(None);
        let work = {
            let value = value.clone();
            async move { send_code(auth, &value, wizard).await }
        };
        run(pending, work, move |result| match result {
            Ok(()) => wizard.apply(Event::CodeSent { email: value }),
            Err(e) if e.is(&ErrorCode::ValidationFailed) => {
                field_error.set(Some(s.err_email_invalid.to_owned()))
            }
            Err(e) => error.set(Some(s.error(&e))),
        });
    };
    view! {
        <Heading text=s.recover_step_email/>
        <p>{s.recover_email_intro}</p>
        <Status message=wizard.notice/>
        <form class="lsa-form" on:submit=submit novalidate>
            <Field id="lsa-email" label=s.email_label value=email kind="email" autocomplete="email" error=field_error/>
            <Alert message=error/>
            <SubmitButton label=s.send_code pending=pending/>
        </form>
        <a href=auth.path(AuthRoute::SignIn)>{s.back}</a>
    }
}

/// Verifies the emailed code or a pasted link and adopts the recovery session (the page's
/// effect then moves the wizard on).
async fn verify(auth: AuthStore, email: String, input: Input) -> Result<(), ApiError> {
    match input {
        Input::Code(code) => auth.verify_recovery_code(&email, &code).await,
        Input::Link(link) => auth.adopt_recovery(auth.verify_link(link).await?),
    }
}

enum Input {
    Code(String),
    Link(LinkToken),
}

/// Step 2: the code.
#[component]
pub fn CodeStep() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let config = auth.config();
    let len = config.otp_length;
    let expiry = expiry_minutes(config.otp_expiry_secs).map(|m| match m {
        1 => s.code_expiry_minute.to_owned(),
        m => s.count(s.code_expiry, m.into()),
    });
    let wizard = expect_context::<Wizard>();
    let email = wizard.state.with_untracked(|w| w.email.clone());
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let field_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(Some(s.recover_sent.replace("{email}", &mask_email(&email))));
    let pending = RwSignal::new(false);

    let attempt = {
        let email = email.clone();
        move |input: Input| {
            error.set(None);
            field_error.set(None);
            let work = verify(auth, email.clone(), input);
            run(pending, work, move |result| match result {
                Err(e) if e.is(&ErrorCode::OtpExpired) => field_error.set(Some(s.error(&e))),
                Err(ApiError::Decode(_)) => error.set(Some(s.confirm_other_browser.to_owned())),
                Err(e) => error.set(Some(s.error(&e))),
                Ok(()) => {}
            });
        }
    };
    let submit = {
        let attempt = attempt.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let c = code.get_untracked();
            if crate::otp::is_complete(&c, len) {
                attempt(Input::Code(c));
            } else {
                field_error.set(Some(s.count(s.code_hint, len as u64)));
            }
        }
    };
    let resend = {
        let email = email.clone();
        move |_| {
            error.set(None);
            let email = email.clone();
            let work = async move { send_code(auth, &email, wizard).await };
            run(pending, work, move |result| match result {
                Ok(()) => status.set(Some(s.code_resent.to_owned())),
                Err(e) => error.set(Some(s.error(&e))),
            });
        }
    };
    let on_complete = {
        let attempt = attempt.clone();
        Callback::new(move |c: String| attempt(Input::Code(c)))
    };
    let on_link = Callback::new(move |l: LinkToken| attempt(Input::Link(l)));
    view! {
        <Heading text=s.recover_step_code/>
        <Status message=status/>
        <Status message=wizard.notice/>
        {expiry.map(|text| view! { <p class="lsa-muted">{text}</p> })}
        {config.pkce.then(|| view! { <p class="lsa-muted">{s.code_expiry_pkce}</p> })}
        <p>
            <button type="button" class="lsa-link-button" on:click=move |_| wizard.apply(Event::ChangeEmail)>
                {s.change_email}
            </button>
        </p>
        <form class="lsa-form" on:submit=submit>
            <CodeField
                id="lsa-code"
                label=s.code_label
                value=code
                len=len
                hint=s.count(s.code_hint, len as u64)
                error=field_error
                on_complete=on_complete
                on_link=on_link
            />
            <Alert message=error/>
            <SubmitButton label=s.verify pending=pending/>
        </form>
        <ResendButton seconds=wizard.resend pending=pending on_press=Callback::new(resend)/>
    }
}
