//! "Sign in with a passkey" on the sign-in page (feature `webauthn`), and passkeys in the email
//! field's autofill.

use crate::components::task::{run, spawn};
use crate::components::{BusyButton, StopWaiting};
use leptos::prelude::*;

/// The passkey button when the server has passkeys on (`on`, from the settings the sign-in
/// page asks for when it opens) and the browser can; errors go to the form's alert, `error`.
pub(crate) fn offer(error: RwSignal<Option<String>>, on: RwSignal<bool>) -> impl IntoView {
    let can = crate::platform::authenticator::available();
    view! {
        <Show when=move || on.get() && can>
            {passkey_sign_in(error)}
        </Show>
    }
}

crate::split::points! {
    /// The passkey button and autofill, fetched only when the server has passkeys on.
    #[part(passkey)]
    fn passkey_sign_in(error: RwSignal<Option<String>>) => view! { <PasskeySignIn error/> };
}

/// "Sign in with a passkey", and passkeys in the email field's autofill where the browser
/// offers that; errors go to the form's alert, `error`.
#[component]
fn PasskeySignIn(error: RwSignal<Option<String>>) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let pending = RwSignal::new(false);
    // Until the page is gone (and this signal with it).
    let still_here = move || pending.try_get_untracked().is_some();
    spawn(async move { auth.offer_passkey_autofill(still_here).await }, move |r| {
        if let Err(e) = r {
            error.set(Some(s.key_error(&e)));
        }
    });
    on_cleanup(move || auth.end_passkey_autofill());
    let with_passkey = move |_| {
        error.set(None);
        let work = async move { auth.sign_in_passkey().await };
        run(pending, work, move |r| {
            if let Err(err) = r {
                error.set(Some(s.key_error(&err)));
            }
        });
    };
    view! {
        <p>
            <BusyButton label=s.sign_in_passkey pending on_press=Callback::new(with_passkey)
                class="lsa-button-secondary"/>
            <StopWaiting pending/>
        </p>
    }
}
