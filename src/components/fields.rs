//! Labelled inputs: a text field, the one-time-code field, and the resend button with countdown.

use crate::otp::{extract_link_token, is_complete, normalize_code, LinkToken};
use leptos::prelude::*;

/// A labelled input bound to `value`, with an optional hint and error tied by
/// `aria-describedby` (the error also sets `aria-invalid`).
#[component]
pub fn Field(
    /// Input id (unique on the page).
    id: &'static str,
    /// Visible label text.
    label: &'static str,
    /// The value.
    value: RwSignal<String>,
    /// `type` attribute.
    #[prop(default = "text")]
    kind: &'static str,
    /// `autocomplete` attribute.
    autocomplete: &'static str,
    /// Hint under the field.
    #[prop(optional, into)]
    hint: MaybeProp<String>,
    /// Error for this field.
    #[prop(optional, into)]
    error: MaybeProp<String>,
    /// `inputmode` attribute.
    #[prop(optional)]
    inputmode: Option<&'static str>,
) -> impl IntoView {
    let hint_id = [id, "-hint"].concat();
    let error_id = [id, "-error"].concat();
    let described = {
        let (h, e) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.get().is_some() {
                ids.push(h.as_str());
            }
            if error.get().is_some() {
                ids.push(e.as_str());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="lsa-field">
            <label for=id>{label}</label>
            <input
                id=id
                class="lsa-input"
                type=kind
                name=id
                autocomplete=autocomplete
                inputmode=inputmode
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described
                bind:value=value
            />
            <p class="lsa-muted" id=hint_id hidden=move || hint.get().is_none()>{move || hint.get()}</p>
            <p class="lsa-field-error" role="alert" id=error_id hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

/// The one-time-code input: one field, numeric keyboard, `autocomplete="one-time-code"`.
/// Pasted codes are cleaned (spaces, dashes, other digit scripts); a pasted emailed link is
/// handed to `on_link`; a complete code calls `on_complete` (submit on completion).
#[component]
pub fn CodeField(
    /// Input id.
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// The code (digits only).
    value: RwSignal<String>,
    /// Number of digits (6–10).
    len: usize,
    /// Error tied to the field.
    #[prop(optional, into)]
    error: MaybeProp<String>,
    /// Hint under the field.
    #[prop(optional, into)]
    hint: MaybeProp<String>,
    /// Called with the code once it is complete.
    #[prop(optional)]
    on_complete: Option<Callback<String>>,
    /// Called with the token of a pasted link.
    #[prop(optional)]
    on_link: Option<Callback<LinkToken>>,
) -> impl IntoView {
    let hint_id = [id, "-hint"].concat();
    let error_id = [id, "-error"].concat();
    let described = [hint_id.as_str(), " ", error_id.as_str()].concat();
    let on_input = move |ev: leptos::ev::Event| {
        let raw = event_target_value(&ev);
        if let (Some(link), Some(cb)) = (extract_link_token(&raw), on_link) {
            value.set(String::new());
            cb.run(link);
            return;
        }
        let code = normalize_code(&raw, len);
        let changed = value.get_untracked() != code;
        value.set(code.clone());
        // Keep the input showing the cleaned code even when the signal did not change.
        if let Some(input) = ev.target() {
            use wasm_bindgen::JsCast;
            if let Ok(input) = input.dyn_into::<web_sys::HtmlInputElement>() {
                input.set_value(&code);
            }
        }
        if changed && is_complete(&code, len) {
            if let Some(cb) = on_complete {
                cb.run(code);
            }
        }
    };
    view! {
        <div class="lsa-field">
            <label for=id>{label}</label>
            <input
                id=id
                class="lsa-input lsa-code"
                type="text"
                name=id
                inputmode="numeric"
                autocomplete="one-time-code"
                spellcheck="false"
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described
                prop:value=move || value.get()
                on:input=on_input
            />
            <p class="lsa-muted" id=hint_id>{move || hint.get()}</p>
            <p class="lsa-field-error" role="alert" id=error_id hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

/// How long an emailed code lasts, said on a code step (`None` when the project says nothing).
pub(crate) fn code_expiry(s: &crate::Strings, secs: u32) -> Option<String> {
    crate::otp::expiry_minutes(secs).map(|m| match m {
        1 => s.code_expiry_minute.to_owned(),
        m => s.count(s.code_expiry, m.into()),
    })
}

/// A "send a new code" button that counts down `seconds` (shown and announced once when it
/// starts); disabled while counting or while `pending`.
#[component]
pub fn ResendButton(
    /// Seconds left before another code may be requested.
    seconds: RwSignal<u32>,
    /// Whether a request is under way.
    #[prop(into)]
    pending: Signal<bool>,
    /// Called on press.
    on_press: Callback<()>,
) -> impl IntoView {
    let s = crate::use_auth().strings();
    #[cfg(target_arch = "wasm32")]
    {
        let tick = set_interval_with_handle(
            move || {
                if seconds.get_untracked() > 0 {
                    seconds.update(|n| *n -= 1);
                }
            },
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = tick {
            on_cleanup(move || handle.clear());
        }
    }
    view! {
        <div class="lsa-row">
            <button
                type="button"
                class="lsa-button lsa-button-secondary"
                disabled=move || { pending.get() || seconds.get() > 0 }
                on:click=move |_| on_press.run(())
            >
                {s.resend}
            </button>
            <span class="lsa-muted" aria-live="off">
                {move || {
                    let n = seconds.get();
                    (n > 0).then(|| s.count(s.resend_in, n.into()))
                }}
            </span>
        </div>
    }
}
