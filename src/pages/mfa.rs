//! Step-up page (placeholder while the flow is written).
use leptos::prelude::*;

/// Verifies a second factor, then resumes the pending action.
#[component]
pub fn MfaPage() -> impl IntoView {
    let s = crate::use_auth().strings();
    view! { <section class="lsa-card"><h1 id="lsa-heading" tabindex="-1">{s.mfa_title}</h1></section> }
}
