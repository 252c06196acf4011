//! Headings that take focus, alerts, status messages and submit buttons.

use leptos::{html, prelude::*};

/// The page or step heading (`<h1>`); takes keyboard focus when it appears, so screen readers
/// announce each step.
#[component]
pub fn Heading(
    /// The heading text.
    #[prop(into)]
    text: Signal<String>,
) -> impl IntoView {
    let node = NodeRef::<html::H1>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            request_animation_frame(move || {
                let _ = el.focus();
            });
        }
    });
    view! { <h1 id="lsa-heading" tabindex="-1" node_ref=node>{text}</h1> }
}

/// An error region (`role="alert"`): always in the page, empty when there is nothing to say.
#[component]
pub fn Alert(
    /// The message, if any.
    #[prop(into)]
    message: Signal<Option<String>>,
    /// Element id, for `aria-describedby`.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    view! { <div class="lsa-alert" role="alert" id=id>{move || message.get()}</div> }
}

/// A polite status region (`role="status"`, `aria-live="polite"`).
#[component]
pub fn Status(
    /// The message, if any.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! { <div class="lsa-status" role="status" aria-live="polite">{move || message.get()}</div> }
}

/// A submit button that shows a pending state and cannot be pressed twice.
#[component]
pub fn SubmitButton(
    /// The button text.
    label: &'static str,
    /// Whether the request is under way.
    #[prop(into)]
    pending: Signal<bool>,
    /// Extra class (`lsa-button-danger`, `lsa-button-secondary`).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let working = crate::use_auth().strings().working;
    view! {
        <button
            type="submit"
            class=["lsa-button ", class].concat()
            disabled=move || pending.get()
            aria-busy=move || if pending.get() { "true" } else { "false" }
        >
            {move || if pending.get() { working } else { label }}
        </button>
    }
}
