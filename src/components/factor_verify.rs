//! Second-factor verification, shared by sign-in, the step-up page and the recovery wizard:
//! pick a verified factor (when there are several; security keys first), then the browser's
//! security-key prompt, a TOTP code, or an SMS code (send, resend with countdown). Handles
//! `mfa_verification_failed` (code kept), `mfa_challenge_expired` (a new challenge), rate
//! limits (countdown from the server's seconds), a cancelled key prompt, and a lost device.

use super::{Alert, CodeField, Status, SubmitButton};
use crate::api::{Challenge, ErrorCode, Factor};
use crate::strings::Strings;
use leptos::prelude::*;

/// Digits of TOTP and (GoTrue default) SMS factor codes.
const FACTOR_CODE_LEN: usize = 6;
/// GoTrue's default minimum interval between SMS to one factor.
#[cfg(feature = "phone")]
const SMS_INTERVAL_SECS: u32 = 60;

/// How a factor is named to the user: "Authenticator app (Work phone)", "Text message (SMS) (•••1111)".
pub fn factor_label(s: &Strings, f: &Factor) -> String {
    if f.is_phone() {
        let tail: String =
            f.phone.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        return [s.factor_phone, " (•••", &tail, ")"].concat();
    }
    let kind = if f.is_webauthn() { s.factor_webauthn } else { s.factor_totp };
    match f.friendly_name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => [kind, " (", name, ")"].concat(),
        None => kind.to_owned(),
    }
}

/// Whether this build can verify `f`: security keys need the `webauthn` feature, phones the
/// `phone` feature (a factor left out is never offered).
pub(crate) fn offered(f: &Factor) -> bool {
    (cfg!(feature = "webauthn") || !f.is_webauthn()) && (cfg!(feature = "phone") || !f.is_phone())
}

crate::split::points! {
    /// Second-factor verification: only users with MFA reach it.
    #[part(second_factor)]
    pub(crate) fn factor_verify(on_verified: Callback<()>) => view! { <FactorVerify on_verified/> };
}

/// Verifies one of the user's verified factors; on success the store holds the aal2 session
/// (event `MfaChallengeVerified`) and `on_verified` runs.
#[component]
pub fn FactorVerify(
    /// Called once the session is aal2.
    on_verified: Callback<()>,
) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let factors = Memo::new(move |_| {
        let mut fs: Vec<Factor> =
            auth.factors().get().into_iter().filter(|f| f.is_verified() && offered(f)).collect();
        // Security keys first (the strongest, one press), then authenticator apps, then SMS.
        crate::sort::stable(&mut fs, |a, b| {
            (!a.is_webauthn(), a.is_phone()) > (!b.is_webauthn(), b.is_phone())
        });
        fs
    });
    let selected = RwSignal::new(factors.with_untracked(|fs| fs.first().map(|f| f.id.clone())));
    let current = move || {
        let id = selected.get();
        factors.with(|fs| fs.iter().find(|f| Some(&f.id) == id.as_ref()).cloned())
    };
    let challenge = RwSignal::new(None::<Challenge>);
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let field_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let resend = RwSignal::new(0u32);

    let verify = move |entered: String| {
        let Some(f) = current() else { return };
        if entered.len() < FACTOR_CODE_LEN {
            return;
        }
        error.set(None);
        field_error.set(None);
        let open = challenge.get_untracked();
        let work = async move {
            match open {
                Some(ch) => auth.verify_challenge(&f.id, &ch.id, &entered).await,
                None => auth.verify_totp(&f.id, &entered).await,
            }
        };
        super::task::run(pending, work, move |result| match result {
            Ok(()) => {
                challenge.set(None);
                on_verified.run(());
            }
            Err(e) => {
                if e.is(&ErrorCode::MfaChallengeExpired) {
                    challenge.set(None);
                    resend.set(0);
                }
                if e.is(&ErrorCode::MfaVerificationFailed) {
                    field_error.set(Some(s.error(&e)));
                } else {
                    error.set(Some(s.error(&e)));
                }
            }
        });
    };

    // A phone: "Text me a code", then its code, with a countdown to the next one.
    #[cfg(feature = "phone")]
    let sms = move || {
        use super::ResendButton;
        let send_sms = move || {
            let Some(f) = current() else { return };
            error.set(None);
            let id = f.id.clone();
            super::task::run(pending, async move { auth.challenge(&id).await }, move |r| match r {
                Ok(c) => {
                    challenge.set(Some(c));
                    status.set(Some(s.mfa_sms_label.replace("{phone}", &factor_label(s, &f))));
                    resend.set(SMS_INTERVAL_SECS);
                }
                Err(e) => {
                    if let Some(n) = e.retry_after_secs() {
                        resend.set(n);
                    }
                    error.set(Some(s.error(&e)));
                }
            });
        };
        view! {
            <Show when=move || challenge.with(Option::is_some) fallback=move || view! {
                <button type="button" class="lsa-button" disabled=move || { pending.get() || resend.get() > 0 } on:click=move |_| send_sms()>{s.mfa_send_sms}</button>
            }>
                <CodeField id="lsa-sms-code" label=s.code_label value=code len=FACTOR_CODE_LEN
                    error=field_error on_complete=Callback::new(verify)/>
                <ResendButton seconds=resend pending=pending on_press=Callback::new(move |_| send_sms())/>
            </Show>
        }
    };
    #[cfg(not(feature = "phone"))]
    let sms = || ();

    // A security key: the browser's prompt, nothing to type.
    #[cfg(feature = "webauthn")]
    let key = move || {
        use super::{BusyButton, StopWaiting};
        let use_key = move || {
            let Some(f) = current() else { return };
            error.set(None);
            status.set(Some(s.key_waiting.to_owned()));
            let work = async move { auth.verify_key(&f.id).await };
            super::task::run(pending, work, move |result| {
                status.set(None);
                match result {
                    Ok(()) => on_verified.run(()),
                    Err(e) => error.set(Some(s.key_error(&e))),
                }
            });
        };
        view! {
            <div class="lsa-form">
                <BusyButton label=s.mfa_use_key pending on_press=Callback::new(move |_| use_key()) class=""/>
                <StopWaiting pending/>
                <Status message=status/>
                <Alert message=error/>
            </div>
        }
    };
    #[cfg(not(feature = "webauthn"))]
    let key = || ();
    let is_key = move || current().is_some_and(|f| f.is_webauthn());

    let pick = move |id: String| {
        selected.set(Some(id));
        challenge.set(None);
        code.set(String::new());
        error.set(None);
        field_error.set(None);
        status.set(None);
    };

    view! {
        <Show when=move || { factors.with(|f| f.len() > 1) }>
            <fieldset class="lsa-fieldset">
                <legend class="lsa-label">{s.mfa_choose_factor}</legend>
                {move || factors.get().into_iter().map(|f| {
                    let id = f.id.clone();
                    let input_id = ["lsa-factor-", &f.id].concat();
                    let checked = { let id = id.clone(); move || selected.get().as_ref() == Some(&id) };
                    view! {
                        <div class="lsa-row">
                            <input type="radio" name="lsa-factor" id=input_id.clone() prop:checked=checked on:change=move |_| pick(id.clone())/>
                            <label for=input_id>{factor_label(s, &f)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        </Show>
        <Show when=is_key>{key()}</Show>
        <Show when=move || !is_key()>
        <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); verify(code.get_untracked()); }>
            <Show when=move || current().is_some_and(|f| f.is_phone()) fallback=move || view! {
                <CodeField id="lsa-mfa-code" label=s.mfa_totp_label value=code len=FACTOR_CODE_LEN
                    error=field_error on_complete=Callback::new(verify)/>
            }>
                {sms()}
            </Show>
            <Status message=status/>
            <Alert message=error/>
            <Show when=move || !current().is_some_and(|f| f.is_phone()) || challenge.with(Option::is_some)>
                <SubmitButton label=s.verify pending=pending/>
            </Show>
        </form>
        </Show>
        <details class="lsa-muted">
            <summary>{s.mfa_lost_device}</summary>
            <p>{s.mfa_lost_device_help}</p>
        </details>
    }
}
