//! A button for one async action, the way out of a security-key prompt, and the confirmation
//! before a destructive one.

use leptos::prelude::*;

/// A plain button (not a submit) that runs `on_press`, shows "Working…" and cannot be pressed
/// again while `pending`.
#[component]
pub fn BusyButton(
    /// The button text.
    label: &'static str,
    /// Whether the action is under way.
    pending: RwSignal<bool>,
    /// Runs on a press.
    on_press: Callback<()>,
    /// Extra class (`lsa-button-danger`, `lsa-button-secondary`), or `""`.
    class: &'static str,
) -> impl IntoView {
    let working = crate::use_auth().strings().working;
    view! {
        <button type="button" class=["lsa-button ", class].concat() disabled=move || pending.get()
            aria-busy=move || if pending.get() { "true" } else { "false" }
            on:click=move |_| on_press.run(())>
            {move || if pending.get() { working } else { label }}
        </button>
    }
}

/// "Stop waiting for the key" (feature `webauthn`) while a security-key or passkey prompt is open (`pending`): it
/// closes the prompt, whose command then fails as cancelled.
#[cfg(feature = "webauthn")]
#[component]
pub fn StopWaiting(
    /// Whether the prompt is open.
    pending: RwSignal<bool>,
) -> impl IntoView {
    let auth = crate::use_auth();
    let label = auth.strings().key_stop;
    view! {
        <Show when=move || pending.get()>
            <button type="button" class="lsa-link-button" on:click=move |_| auth.cancel_prompt()>{label}</button>
        </Show>
    }
}

/// "Remove …?" with a destructive yes and Cancel; focus goes to the question (`id`).
#[component]
pub fn Confirm(
    /// Id of the question (focused when shown).
    id: &'static str,
    /// The question.
    question: String,
    /// A warning under it, if any.
    warning: Option<&'static str>,
    /// The yes button's text.
    yes: &'static str,
    /// Whether the action is under way.
    pending: RwSignal<bool>,
    /// Runs on yes.
    on_yes: Callback<()>,
    /// Runs on Cancel.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let cancel = crate::use_auth().strings().cancel;
    view! {
        <div class="lsa-form" role="group" aria-labelledby=id>
            <p id=id tabindex="-1">{question}</p>
            {warning.map(|w| view! { <p class="lsa-alert">{w}</p> })}
            <div class="lsa-row">
                <BusyButton label=yes pending on_press=on_yes class="lsa-button-danger"/>
                <button type="button" class="lsa-button lsa-button-secondary" disabled=move || pending.get()
                    on:click=move |_| on_cancel.run(())>{cancel}</button>
            </div>
        </div>
    }
}
