//! Settings → Security (placeholder while the screen is written).
use leptos::prelude::*;

/// The security screen at `{base}/security`.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let s = crate::use_auth().strings();
    view! { <section class="lsa-card"><h1 id="lsa-heading" tabindex="-1">{s.security_title}</h1></section> }
}
