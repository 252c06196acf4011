//! Below the sign-in form: "Email me a sign-in code", and "Create an account" when the server
//! takes sign-ups; the code step in the form's place once asked for.

use super::code::CodeStep;
use super::CodeKind;
use crate::components::task::spawn;
use crate::components::Alert;
use crate::AuthRoute;
use leptos::prelude::*;

/// GoTrue's default interval between two mails to one address.
pub(super) const MAIL_INTERVAL_SECS: u32 = 60;

/// The offers, or the code step while `code` holds an address.
pub(super) fn by_email(
    email: RwSignal<String>,
    code: RwSignal<Option<String>>,
    unconfirmed: RwSignal<bool>,
) -> impl IntoView {
    let back = Callback::new(move |()| {
        code.set(None);
        unconfirmed.set(false);
    });
    move || match code.get() {
        None => view! { <Offers email code/> }.into_any(),
        Some(email) => {
            let kind =
                if unconfirmed.get_untracked() { CodeKind::Unconfirmed } else { CodeKind::SignIn };
            view! { <CodeStep email kind wait=0 back/> }.into_any()
        }
    }
}

#[component]
fn Offers(email: RwSignal<String>, code: RwSignal<Option<String>>) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let error = RwSignal::new(None::<String>);
    let sign_up = RwSignal::new(false);
    spawn(async move { auth.settings().await }, move |got| {
        sign_up.set(got.is_some_and(|g| g.sign_up));
    });
    // The code step mails the code as it opens.
    let send = move |_| {
        let address = email.get_untracked().trim().to_owned();
        if super::code::looks_like_email(&address) {
            code.set(Some(address));
        } else {
            error.set(Some(s.err_email_invalid.to_owned()));
        }
    };
    let sign_up_path = auth.path_keeping_next(AuthRoute::SignUp);
    view! {
        <Alert message=error/>
        <p>
            <button type="button" class="lsa-button lsa-button-secondary" on:click=send>{s.code_sign_in}</button>
        </p>
        <Show when=move || sign_up.get()>
            <p><a href=sign_up_path.clone()>{s.sign_up_title}</a></p>
        </Show>
    }
}
