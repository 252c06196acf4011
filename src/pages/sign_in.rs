//! Sign-in page (placeholder while the flow is written).
use leptos::prelude::*;

/// Email + password sign-in, then MFA when the user has a factor.
#[component]
pub fn SignInPage() -> impl IntoView {
    let s = crate::use_auth().strings();
    view! { <section class="lsa-card"><h1 id="lsa-heading" tabindex="-1">{s.sign_in_title}</h1></section> }
}
