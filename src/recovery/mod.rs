//! The password-recovery wizard (placeholder while the flow is written).
use leptos::prelude::*;

/// The wizard at `{base}/recover`.
#[component]
pub fn RecoverPage() -> impl IntoView {
    let s = crate::use_auth().strings();
    view! { <section class="lsa-card"><h1 id="lsa-heading" tabindex="-1">{s.recover_step_email}</h1></section> }
}

/// Where emailed links land, `{base}/confirm`.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let s = crate::use_auth().strings();
    view! { <section class="lsa-card"><h1 id="lsa-heading" tabindex="-1">{s.confirm_title}</h1></section> }
}
