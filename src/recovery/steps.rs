//! Steps 1 and 2: the email, then the emailed code (or the pasted link).

use super::flow::Event;
use super::Wizard;
use crate::api::{ApiError, ErrorCode, TokenResponse};
use crate::components::task::run;
use crate::components::{Alert, CodeField, Field, Heading, ResendButton, Status, SubmitButton};
use crate::landing::{declared_ok, Decision, Refusal};
use crate::otp::{mask_email, LinkToken};
use crate::platform::browser;
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

/// What became of an entered code or pasted link.
enum Outcome {
    /// The wizard holds the recovery session (the page's effect then moves it on).
    Held,
    /// A pasted link would replace another account signed in here: ask first.
    Ask(Box<TokenResponse>, String),
    /// A pasted link of another type or another account: not used.
    Refused(Refusal),
}

/// Verifies the emailed code or a pasted link; the wizard (`auth`, its held store) holds the
/// session. A pasted link is held to the rule of an opened one ([`crate::landing`]): a reset
/// link (checked before it is spent), for the address of step 1, and asked about when another
/// account is signed in here (`app`).
async fn verify(
    auth: AuthStore,
    app: AuthStore,
    email: String,
    input: Input,
) -> Result<Outcome, ApiError> {
    let link = match input {
        Input::Code(code) => {
            return auth.verify_recovery_code(&email, &code).await.map(|()| Outcome::Held)
        }
        Input::Link(link) => link,
    };
    let declared = match &link {
        LinkToken::TokenHash { kind, .. } => Some(kind.clone()),
        LinkToken::Code(_) => None,
    };
    if !declared_ok(declared.as_deref(), "recovery") {
        return Ok(Outcome::Refused(Refusal::WrongType));
    }
    let resp = auth.verify_link(link).await?;
    Ok(match super::confirm::judge_link(app, &resp, declared.as_deref(), Some(&email)) {
        Decision::Refuse(why) => Outcome::Refused(why),
        Decision::Hold { replaces: None } => {
            auth.adopt_recovery(resp)?;
            Outcome::Held
        }
        Decision::Hold { replaces: Some(other) } => Outcome::Ask(Box::new(resp), other),
    })
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
    let expiry = crate::components::code_expiry(s, config.otp_expiry_secs);
    let wizard = expect_context::<Wizard>();
    let email = wizard.state.with_untracked(|w| w.email.clone());
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let field_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(Some(s.recover_sent.replace("{email}", &mask_email(&email))));
    let pending = RwSignal::new(false);
    let ask = RwSignal::new(None::<(TokenResponse, String)>);

    let attempt = {
        let email = email.clone();
        move |input: Input| {
            error.set(None);
            field_error.set(None);
            ask.set(None);
            let work = verify(auth, wizard.app, email.clone(), input);
            run(pending, work, move |result| match result {
                Err(e) if e.is(&ErrorCode::OtpExpired) => field_error.set(Some(s.error(&e))),
                Err(ApiError::Decode(_)) => error.set(Some(s.confirm_other_browser.to_owned())),
                Err(e) => error.set(Some(s.error(&e))),
                Ok(Outcome::Refused(Refusal::WrongType)) => {
                    error.set(Some(s.confirm_wrong_type.to_owned()))
                }
                Ok(Outcome::Refused(Refusal::OtherAccount)) => {
                    error.set(Some(s.paste_other_account.to_owned()))
                }
                Ok(Outcome::Ask(resp, other)) => ask.set(Some((*resp, other))),
                Ok(Outcome::Held) => {}
            });
        }
    };
    // "Continue as …": the pasted link's account would replace the one signed in here.
    let asking = move || {
        ask.get().map(|(resp, other)| {
            let email = resp.user.email.clone();
            let go = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if let Err(e) = auth.adopt_recovery(resp.clone()) {
                    error.set(Some(s.error(&e)));
                }
                ask.set(None);
            };
            view! {
                <p class="lsa-alert">{s.confirm_replaces.replace("{email}", &other)}</p>
                <form class="lsa-form" on:submit=go>
                    <button type="submit" class="lsa-button">{s.confirm_continue_as.replace("{email}", &email)}</button>
                </form>
            }
        })
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
        {asking}
        <ResendButton seconds=wizard.resend pending=pending on_press=Callback::new(resend)/>
    }
}
