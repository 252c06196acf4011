//! Password inputs: one field with a show/hide toggle, and the new + confirm pair with live
//! policy checks (minimum length, required characters, the 72-byte bcrypt limit, match) and the
//! server's `weak_password.reasons`.

use crate::password::{parse_reasons, PasswordIssue, ServerReason};
use leptos::prelude::*;

/// A password input with a visible label and a show/hide toggle (`aria-pressed`).
#[component]
pub fn PasswordField(
    /// Input id.
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// The value.
    value: RwSignal<String>,
    /// `current-password` or `new-password`.
    autocomplete: &'static str,
    /// Error tied to the field.
    #[prop(optional, into)]
    error: MaybeProp<String>,
    /// Extra `aria-describedby` ids (e.g. a checklist).
    #[prop(optional)]
    describedby: Option<&'static str>,
) -> impl IntoView {
    let s = crate::use_auth().strings();
    let shown = RwSignal::new(false);
    let error_id = [id, "-error"].concat();
    let described = [describedby.unwrap_or(""), " ", &error_id].concat();
    view! {
        <div class="lsa-field">
            <label for=id>{label}</label>
            <div class="lsa-row">
                <input
                    id=id
                    class="lsa-input"
                    name=id
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    aria-invalid=move || error.get().map(|_| "true")
                    aria-describedby=described
                    bind:value=value
                />
                <button
                    type="button"
                    class="lsa-link-button"
                    aria-controls=id
                    aria-pressed=move || if shown.get() { "true" } else { "false" }
                    on:click=move |_| shown.update(|v| *v = !*v)
                >
                    {move || if shown.get() { s.hide_password } else { s.show_password }}
                </button>
            </div>
            <p class="lsa-field-error" role="alert" id=error_id hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

/// Whether `password` and `confirm` satisfy `policy` and match.
pub fn acceptable(policy: &crate::password::PasswordPolicy, password: &str, confirm: &str) -> bool {
    !password.is_empty() && policy.check_pair(password, confirm).is_empty() && password == confirm
}

/// New password + confirmation, with a hidden username field (so password managers save the
/// right account) and a live checklist of the policy and the server's reasons.
#[component]
pub fn NewPasswordFields(
    /// The new password.
    password: RwSignal<String>,
    /// The confirmation.
    confirm: RwSignal<String>,
    /// The account's email, for the hidden username field.
    #[prop(into)]
    username: Signal<String>,
    /// `weak_password.reasons` from the last server answer.
    #[prop(into)]
    server_reasons: Signal<Vec<String>>,
) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let policy = auth.config().password_policy;
    let sets = policy.required_characters.clone();
    let issues = {
        let policy = policy.clone();
        Memo::new(move |_| policy.check(&password.get()))
    };
    let has = move |f: fn(&PasswordIssue) -> bool| issues.with(|i| i.iter().any(f));
    let item = move |ok: Signal<bool>, text: String| {
        view! {
            <li class=move || if ok.get() { "lsa-check-ok" } else { "lsa-check-bad" }>
                <span aria-hidden="true">{move || if ok.get() { "✓ " } else { "• " }}</span>
                {text}
            </li>
        }
    };
    let min = policy.min_length;
    let set_items = sets
        .into_iter()
        .enumerate()
        .map(|(i, set)| {
            let ok = Signal::derive(move || {
                !has_missing(&issues.get(), i) && !password.with(String::is_empty)
            });
            item(ok, s.pw_missing_chars.replace("{set}", &set))
        })
        .collect_view();
    let mismatch =
        Signal::derive(move || confirm.with(|c| !c.is_empty()) && password.get() != confirm.get());
    let pwned =
        Signal::derive(move || parse_reasons(&server_reasons.get()).contains(&ServerReason::Pwned));
    view! {
        <input
            type="text"
            class="lsa-hidden"
            autocomplete="username"
            name="username"
            aria-hidden="true"
            tabindex="-1"
            readonly
            prop:value=move || username.get()
        />
        <PasswordField id="lsa-new-password" label=s.new_password_label value=password autocomplete="new-password" describedby="lsa-password-checks"/>
        <ul class="lsa-checks" id="lsa-password-checks" aria-live="polite">
            {item(
                Signal::derive(move || !has(|i| matches!(i, PasswordIssue::TooShort { .. } | PasswordIssue::Empty)) && !password.with(String::is_empty)),
                s.count(s.pw_too_short, min as u64),
            )}
            {set_items}
            {item(Signal::derive(move || !has(|i| *i == PasswordIssue::TooLong)), s.pw_too_long.to_owned())}
            <Show when=move || pwned.get()>
                <li class="lsa-check-bad">{s.pw_pwned}</li>
            </Show>
        </ul>
        <PasswordField
            id="lsa-confirm-password"
            label=s.confirm_password_label
            value=confirm
            autocomplete="new-password"
            error=Signal::derive(move || mismatch.get().then(|| s.pw_mismatch.to_owned()))
        />
    }
}

fn has_missing(issues: &[PasswordIssue], index: usize) -> bool {
    issues
        .iter()
        .any(|i| matches!(i, PasswordIssue::MissingCharacters { set_index } if *set_index == index))
}
