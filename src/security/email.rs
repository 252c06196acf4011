//! The email card: the change form and a change waiting for its confirmations. GoTrue mails a
//! code and a link to the new address and (its secure email change, the default) to the
//! current one; the change is done once both have confirmed, here by code or on the confirm
//! page by link. The form is guarded like the password change: an MFA user confirms a second
//! factor within 10 minutes first (the typed address waits in memory).

use super::actions::Action;
use super::draft::{self, Draft};
use super::messages::{message, Op};
use super::Close;
use crate::api::{ApiError, EmailChange};
use crate::components::task::run;
use crate::components::{Alert, CodeField, Field, ResendButton, Status, SubmitButton};
use crate::landing::same_address;
use crate::otp::LinkToken;
use crate::platform::browser::focus_id;
use crate::AuthStore;
use leptos::prelude::*;

/// The email change (its card is the screen's): the change waiting for its confirmations when
/// there is one, else the form. `resume`: the form was waiting for a step-up.
#[component]
pub fn EmailChange(resume: bool, close: Close) -> impl IntoView {
    let auth = crate::use_auth();
    let draft = resume
        .then(|| draft::take(|d| if let Draft::Email { new } = d { Some(new) } else { None }))
        .flatten();
    let waiting = auth.session_untracked().map(|x| x.user.new_email).filter(|e| !e.is_empty());
    // The address that waits; `None`: the form. Switched here, not by the store's user: the
    // panel stays until it has said how its confirmation went.
    let to = RwSignal::new(waiting.filter(|_| draft.is_none()));
    let mailed = Callback::new(move |addr: String| {
        to.set(Some(addr));
        request_animation_frame(|| focus_id("lsa-email-code-new"));
    });
    let other = Callback::new(move |()| to.set(None));
    move || match to.get() {
        Some(to) => view! { <Waiting to close other/> }.into_any(),
        None => view! { <ChangeForm draft=draft.clone() close mailed/> }.into_any(),
    }
}

/// The form: the new address, sent when the session is recent enough (`draft`: the address
/// typed before a step-up, sent at once). `mailed` gets the address that now waits.
#[component]
fn ChangeForm(draft: Option<String>, close: Close, mailed: Callback<String>) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let change = move |to: String, resumed: bool| {
        let work = {
            let to = to.clone();
            async move { auth.change_email(&to).await }
        };
        run(pending, work, move |r| match r {
            Ok(true) => close.run(Some(s.email_changed.replace("{email}", &to))),
            Ok(false) => mailed.run(to),
            Err(e) => {
                let keep = Some(Draft::Email { new: to });
                let action = Action::ChangeEmail;
                error.set(super::on_error(auth, &e, Op::ChangeEmail, &action, resumed, keep));
            }
        });
    };
    let submit = move || {
        if pending.get_untracked() {
            return;
        }
        let to = email.get_untracked().trim().to_owned();
        let current = auth.session_untracked().map(|x| x.user.email).unwrap_or_default();
        let refused = match () {
            _ if !to.contains('@') => Some(s.err_email_invalid),
            _ if same_address(&to, &current) => Some(s.err_email_same),
            _ => None,
        };
        error.set(refused.map(str::to_owned));
        if refused.is_none() {
            let keep = Some(Draft::Email { new: to.clone() });
            super::guard(auth, &Action::ChangeEmail, keep, move || change(to, false));
        }
    };
    match draft {
        Some(to) => {
            email.set(to.clone());
            change(to, true);
        }
        None => request_animation_frame(|| focus_id("lsa-new-email")),
    }
    view! {
        <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <Field id="lsa-new-email" label=s.new_email_label value=email kind="email" autocomplete="email"/>
            <Alert message=error/>
            <div class="lsa-row">
                <SubmitButton label=s.send_code pending=pending/>
                <button type="button" class="lsa-button lsa-button-secondary"
                    on:click=move |_| close.run(None)>{s.cancel}</button>
            </div>
        </form>
    }
}

/// A change to `to` waiting for its confirmations: a code field per address (the current
/// one's only with the secure email change), a pasted link works too, new mails, and `other`
/// for another address. Done, it closes with what to announce.
#[component]
fn Waiting(to: String, close: Close, other: Callback<()>) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let config = auth.config();
    let current = auth.session_untracked().map(|x| x.user.email).unwrap_or_default();
    let both = config.secure_email_change && !current.is_empty();
    // The address that confirmed, while the other has not (this page's knowledge only).
    let confirmed = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let seconds = RwSignal::new(0u32);

    let settled = {
        let to = to.clone();
        move |address: String, r: Result<bool, ApiError>| match r {
            Ok(true) => close.run(Some(s.email_changed.replace("{email}", &to))),
            Ok(false) => {
                confirmed.set(Some(address));
                status.set(Some(s.email_confirmed_one.to_owned()));
            }
            Err(e) => error.set(Some(message(s, Op::ChangeEmail, &e))),
        }
    };
    let verify = {
        let settled = settled.clone();
        move |address: String, code: String| {
            error.set(None);
            status.set(None);
            let work = {
                let address = address.clone();
                async move { auth.confirm_email_change(&address, &code).await }
            };
            let settled = settled.clone();
            run(pending, work, move |r| settled(address, r));
        }
    };
    let on_link = Callback::new(move |link: LinkToken| {
        error.set(None);
        let settled = settled.clone();
        run(pending, use_link(auth, link), move |r| match r {
            Ok(Some(r)) => settled(String::new(), Ok(r)),
            Ok(None) => error.set(Some(s.link_not_used.to_owned())),
            Err(e) => settled(String::new(), Err(e)),
        });
    });
    let resend = Callback::new(move |()| {
        error.set(None);
        run(pending, async move { auth.resend_email_change().await }, move |r| {
            match crate::otp::sent(r) {
                Ok(wait) => {
                    seconds.set(wait);
                    confirmed.set(None);
                    status.set(Some(s.code_resent.to_owned()));
                }
                Err(e) => error.set(Some(message(s, Op::ChangeEmail, &e))),
            }
        });
    });
    let inbox = move |id: &'static str, label: &'static str, address: String| {
        let value = RwSignal::new(String::new());
        let len = config.otp_length;
        let verify = verify.clone();
        let a = address.clone();
        let on_complete = Callback::new(move |code: String| verify(a.clone(), code));
        let gone =
            move || confirmed.with(|c| c.as_ref().is_some_and(|c| same_address(c, &address)));
        view! {
            <form class="lsa-form" hidden=gone on:submit=move |ev| {
                ev.prevent_default();
                on_complete.run(value.get_untracked());
            }>
                <CodeField id label value len on_complete on_link/>
                <SubmitButton label=s.verify pending=pending class="lsa-button-secondary"/>
            </form>
        }
    };
    view! {
        <p>{s.email_pending.replace("{email}", &to)}</p>
        {inbox("lsa-email-code-new", s.email_code_new, to.clone())}
        {both.then(|| inbox("lsa-email-code-current", s.email_code_current, current.clone()))}
        <ResendButton seconds pending on_press=resend/>
        <Status message=status/>
        <Alert message=error/>
        <p>
            <button type="button" class="lsa-link-button" on:click=move |_| other.run(())>{s.change_email}</button>
        </p>
    }
}

/// Verifies a pasted email change link: `Ok(Some(done))`, or `Ok(None)` when it is another
/// kind of link, or another account's (not adopted).
async fn use_link(auth: AuthStore, link: LinkToken) -> Result<Option<bool>, ApiError> {
    let LinkToken::TokenHash { token_hash, kind } = link else { return Ok(None) };
    if kind != "email_change" {
        return Ok(None);
    }
    match auth.verify_email_change_link(&token_hash).await? {
        EmailChange::OtherAddress => Ok(Some(false)),
        EmailChange::Done(resp) => {
            Ok(auth.settle_new_session(*resp).await?.is_none().then_some(true))
        }
    }
}
