//! Code that a first load does not run, behind split points: the recovery wizard (and its later
//! steps), the sign-in page's passkey button, the emailed link's landing page, the signed-in
//! security screen, its forms (each fetched when the user opens it) and passkeys section (what
//! its buttons open comes with the first press), the authenticator app's QR code and
//! second-factor verification (only users with MFA reach it).
//! With the `split` feature (the standalone app, built by `scripts/build-app.sh`) each is a wasm
//! chunk of its own, fetched the first time it is shown, so signing in does not download the
//! settings screen. Without it (hosts, tests) they are plain views.

use crate::recovery::flow::Step;
use crate::security::{Close, Form, PasskeyState, Resumed};
use crate::AuthRoute;
use leptos::prelude::*;

/// The recovery wizard, or for [`AuthRoute::Confirm`] the emailed link's landing page (each its
/// own part: the landing page is most of what a link's first load needs).
pub fn recovery(route: AuthRoute) -> AnyView {
    #[cfg(feature = "split")]
    return match route {
        AuthRoute::Confirm => lazy(true, points::confirm),
        _ => lazy(true, points::recover),
    };
    #[cfg(not(feature = "split"))]
    match route {
        AuthRoute::Confirm => views::confirm(),
        _ => views::recover(),
    }
}

/// The step-up page ([`crate::pages::MfaPage`]): only a sensitive action sends users there.
pub fn step_up() -> AnyView {
    #[cfg(feature = "split")]
    return lazy(true, points::step_up);
    #[cfg(not(feature = "split"))]
    views::step_up()
}

/// The sign-in page's passkey button and autofill ([`crate::pages::PasskeySignIn`]), fetched
/// only when the server has passkeys on.
pub fn passkey_sign_in(error: RwSignal<Option<String>>) -> AnyView {
    #[cfg(feature = "split")]
    return lazy(false, move || points::passkey_sign_in(error));
    #[cfg(not(feature = "split"))]
    views::passkey_sign_in(error)
}

/// The recovery wizard's code step or new-password step ([`crate::recovery::later_step`]):
/// opening the wizard fetches its email step only, these come when the user gets there.
pub fn recovery_step(step: Step) -> AnyView {
    #[cfg(feature = "split")]
    return lazy(false, move || points::recovery_step(step));
    #[cfg(not(feature = "split"))]
    views::recovery_step(step)
}

/// The security screen of a signed-in user (its page guard stays in the first load, so a
/// signed-out visitor is sent to sign in without fetching the screen).
pub fn security_screen(leaving: StoredValue<bool>) -> AnyView {
    #[cfg(feature = "split")]
    return lazy(false, move || points::security_screen(leaving));
    #[cfg(not(feature = "split"))]
    views::security_screen(leaving)
}

/// One of the security screen's forms, opened by the user or coming back from a step-up
/// (`resume`; [`crate::security`]).
pub fn security_form(form: Form, resume: bool, close: Close) -> AnyView {
    #[cfg(feature = "split")]
    return match form {
        Form::Key => lazy(false, move || points::add_key(resume, close)),
        Form::Totp => lazy(false, move || points::add_totp(resume, close)),
        Form::Phone => lazy(false, move || points::add_phone(resume, close)),
        Form::Password => lazy(false, move || points::change_password(resume)),
    };
    #[cfg(not(feature = "split"))]
    views::security_form(form, resume, close)
}

/// The security screen's passkeys section, shown only when the server has passkeys on.
pub fn passkeys(resume: Resumed) -> AnyView {
    #[cfg(feature = "split")]
    {
        let resume = StoredValue::new(resume);
        lazy(false, move || points::passkeys(resume.get_value()))
    }
    #[cfg(not(feature = "split"))]
    views::passkeys(resume)
}

/// What a button of the passkeys section opens ([`crate::security::PasskeyPanel`]), fetched
/// when one is first pressed.
pub fn passkey_panel(st: PasskeyState, run_now: bool) -> AnyView {
    #[cfg(feature = "split")]
    return lazy(false, move || points::passkey_panel(st, run_now));
    #[cfg(not(feature = "split"))]
    views::passkey_panel(st, run_now)
}

/// Second-factor verification ([`crate::components::FactorVerify`]).
pub fn factor_verify(on_verified: Callback<()>) -> AnyView {
    #[cfg(feature = "split")]
    return lazy(false, move || points::factor_verify(on_verified));
    #[cfg(not(feature = "split"))]
    views::factor_verify(on_verified)
}

/// The QR code of a new authenticator-app factor ([`crate::components::QrCode`]): the `qrcode`
/// crate is only fetched when a user adds one.
pub fn qr_code(data: String, alt: &'static str) -> AnyView {
    #[cfg(feature = "split")]
    {
        let data = StoredValue::new(data);
        lazy(false, move || points::qr_code(data.get_value(), alt))
    }
    #[cfg(not(feature = "split"))]
    views::qr_code(data, alt)
}

/// Shows a split point's view once its chunk is loaded (nothing before: one small fetch). If the
/// fetch fails (offline), an alert with a retry button (in a card of its own for a whole
/// page, `card`); a retry fetches again.
#[cfg(feature = "split")]
fn lazy<Fut>(card: bool, load: impl Fn() -> Fut + Send + Sync + 'static) -> AnyView
where
    Fut: std::future::Future<Output = Result<AnyView, leptos::wasm_split::SplitLoaderError>>
        + 'static,
{
    shown_when_loaded(card, std::sync::Arc::new(move || Box::pin(load()) as Loading))
}

/// A split point's load, boxed so that [`shown_when_loaded`] is one function for them all.
#[cfg(feature = "split")]
type Loading = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<AnyView, leptos::wasm_split::SplitLoaderError>>>,
>;

/// The body of [`lazy`], not generic: the suspense and retry code is in the bundle once
/// instead of once per split point (issue 16).
#[cfg(feature = "split")]
#[inline(never)]
fn shown_when_loaded(
    card: bool,
    load: std::sync::Arc<dyn Fn() -> Loading + Send + Sync>,
) -> AnyView {
    let attempt = RwSignal::new(0u32);
    let retry = move || attempt.update(|n| *n += 1);
    (move || {
        attempt.track();
        let part = load();
        Suspend::new(send_wrapper::SendWrapper::new(async move {
            part.await.unwrap_or_else(|_| view! { <LoadFailed card retry/> }.into_any())
        }))
    })
    .into_any()
}

/// What a failed chunk fetch shows.
#[cfg(feature = "split")]
#[component]
fn LoadFailed(card: bool, retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let s = crate::use_auth().strings();
    view! {
        <div class:lsa-card=card>
            <p class="lsa-alert" role="alert">{s.err_load_part}</p>
            <button type="button" class="lsa-button" on:click=move |_| retry()>{s.retry}</button>
        </div>
    }
}

mod views {
    use super::*;

    pub fn recover() -> AnyView {
        view! { <crate::recovery::RecoverPage/> }.into_any()
    }

    pub fn confirm() -> AnyView {
        view! { <crate::recovery::ConfirmPage/> }.into_any()
    }

    pub fn recovery_step(step: Step) -> AnyView {
        crate::recovery::later_step(step)
    }

    pub fn step_up() -> AnyView {
        view! { <crate::pages::MfaPage/> }.into_any()
    }

    pub fn passkey_sign_in(error: RwSignal<Option<String>>) -> AnyView {
        view! { <crate::pages::PasskeySignIn error/> }.into_any()
    }

    pub fn security_screen(leaving: StoredValue<bool>) -> AnyView {
        view! { <crate::security::Screen leaving/> }.into_any()
    }

    pub fn factor_verify(on_verified: Callback<()>) -> AnyView {
        view! { <crate::components::FactorVerify on_verified/> }.into_any()
    }

    #[cfg(not(feature = "split"))]
    pub fn security_form(form: Form, resume: bool, close: Close) -> AnyView {
        match form {
            Form::Key => add_key(resume, close),
            Form::Totp => add_totp(resume, close),
            Form::Phone => add_phone(resume, close),
            Form::Password => change_password(resume),
        }
    }

    pub fn add_key(resume: bool, close: Close) -> AnyView {
        view! { <crate::security::AddKey resume close/> }.into_any()
    }

    pub fn add_totp(resume: bool, close: Close) -> AnyView {
        view! { <crate::security::AddTotp resume close/> }.into_any()
    }

    pub fn add_phone(resume: bool, close: Close) -> AnyView {
        view! { <crate::security::AddPhone resume close/> }.into_any()
    }

    pub fn change_password(resume: bool) -> AnyView {
        view! { <crate::security::ChangePassword resume/> }.into_any()
    }

    pub fn passkeys(resume: Resumed) -> AnyView {
        view! { <crate::security::Passkeys resume/> }.into_any()
    }

    pub fn passkey_panel(st: PasskeyState, run_now: bool) -> AnyView {
        view! { <crate::security::PasskeyPanel st run_now/> }.into_any()
    }

    pub fn qr_code(data: String, alt: &'static str) -> AnyView {
        view! { <crate::components::QrCode data alt/> }.into_any()
    }
}

/// The split points: the macro turns each fn into an `async fn` that loads its chunk first (a
/// failed load is the `Err`); its loader is the one `unsafe` code in the crate. The view is built
/// untracked: it is built inside the `Suspend`, which would otherwise re-run whenever a signal
/// the page reads changes.
#[cfg(feature = "split")]
#[allow(unsafe_code, improper_ctypes_definitions)]
mod points {
    use super::*;
    use leptos::wasm_split::{wasm_split, SplitLoaderError};

    #[wasm_split(recovery, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn recover() -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(views::recover))
    }

    #[wasm_split(confirm, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn confirm() -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(views::confirm))
    }

    #[wasm_split(step_up, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn step_up() -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(views::step_up))
    }

    #[wasm_split(passkey, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn passkey_sign_in(error: RwSignal<Option<String>>) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::passkey_sign_in(error)))
    }

    #[wasm_split(recovery_step, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn recovery_step(step: Step) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::recovery_step(step)))
    }

    #[wasm_split(security, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn security_screen(leaving: StoredValue<bool>) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::security_screen(leaving)))
    }

    #[wasm_split(add_key, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn add_key(resume: bool, close: Close) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::add_key(resume, close)))
    }

    #[wasm_split(add_totp, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn add_totp(resume: bool, close: Close) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::add_totp(resume, close)))
    }

    #[wasm_split(add_phone, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn add_phone(resume: bool, close: Close) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::add_phone(resume, close)))
    }

    #[wasm_split(change_password, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn change_password(resume: bool) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::change_password(resume)))
    }

    #[wasm_split(passkeys, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn passkeys(resume: Resumed) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::passkeys(resume)))
    }

    #[wasm_split(passkey_panel, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn passkey_panel(st: PasskeyState, run_now: bool) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::passkey_panel(st, run_now)))
    }

    #[wasm_split(second_factor, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn factor_verify(on_verified: Callback<()>) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::factor_verify(on_verified)))
    }

    #[wasm_split(qr, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn qr_code(data: String, alt: &'static str) -> Result<AnyView, SplitLoaderError> {
        Ok(untrack(|| views::qr_code(data, alt)))
    }
}
