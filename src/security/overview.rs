//! The overview card: the page heading, the account, the session's level and how it was reached.

use super::factors::methods_phrase;
use crate::components::Heading;
use crate::Aal;
use leptos::prelude::*;

/// Heading, email, assurance level and sign-in methods (from the `amr` claim, newest first).
#[component]
pub fn Overview() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let (user_email, aal, state) = (auth.email(), auth.current_aal(), auth.state());
    let email =
        move || s.security_account.replace("{email}", &user_email.get().unwrap_or_default());
    let level = move || match aal.get() {
        Some(Aal::Aal2) => s.security_level_aal2,
        _ => s.security_level_aal1,
    };
    let methods = move || {
        state.with(|st| {
            let methods = st.session().map(|x| x.claims.methods_newest_first()).unwrap_or_default();
            s.security_methods.replace("{methods}", &methods_phrase(s, &methods))
        })
    };
    view! {
        <section class="lsa-card">
            <Heading text=s.security_title/>
            <p>{email}</p>
            <p id="lsa-level">{level}</p>
            <p class="lsa-muted">{methods}</p>
        </section>
    }
}
