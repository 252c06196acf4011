//! Below the sign-in form: "Email me a sign-in code", and "Create an account" when the server
//! takes sign-ups.

use super::{CodeFor, CodeKind};
use crate::components::task::{run, spawn};
use crate::AuthRoute;
use leptos::prelude::*;

/// GoTrue's default interval between two mails to one address.
pub(super) const MAIL_INTERVAL_SECS: u32 = 60;

#[component]
pub(super) fn Offers(
    email: RwSignal<String>,
    code: RwSignal<Option<CodeFor>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let pending = RwSignal::new(false);
    let sign_up = RwSignal::new(false);
    spawn(async move { auth.settings().await }, move |got| {
        sign_up.set(got.is_some_and(|g| g.sign_up));
    });
    let send = move |_| {
        let address = email.get_untracked().trim().to_owned();
        if !super::code::looks_like_email(&address) {
            error.set(Some(s.err_email_invalid.to_owned()));
            return;
        }
        error.set(None);
        let to = address.clone();
        let work = async move { auth.send_sign_in_code(&to).await };
        run(pending, work, move |r| match super::code::sent(r) {
            Ok(wait) => code.set(Some(CodeFor { email: address, kind: CodeKind::SignIn, wait })),
            Err(e) => error.set(Some(s.error(&e))),
        });
    };
    let sign_up_path = auth.path_keeping_next(AuthRoute::SignUp);
    view! {
        <p>
            <button type="button" class="lsa-button lsa-button-secondary" disabled=move || pending.get() on:click=send>
                {move || if pending.get() { s.working } else { s.code_sign_in }}
            </button>
        </p>
        <Show when=move || sign_up.get()>
            <p><a href=sign_up_path.clone()>{s.sign_up_title}</a></p>
        </Show>
    }
}
