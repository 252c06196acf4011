//! Adding an authenticator app: friendly name → enrol → QR code, grouped setup key and an
//! `otpauth://` link → first code verified (the store gets the new aal2 session) → done.
//! The secret lives in this component's memory only.

use super::actions::Action;
use super::draft::{self, Draft};
use super::messages::Op;
use super::totp::{group_secret, Issued, Plan, TotpFlow, TotpStep};
use super::Close;
use crate::api::{ApiError, Enrolled, ErrorCode};
use crate::components::task::{run, spawn};
use crate::components::{Alert, CodeField, Field, SubmitButton};
use crate::platform::browser::focus_id;
use leptos::prelude::*;

const CODE_LEN: usize = 6;

/// The "add an authenticator app" panel, open when shown. `resume`: the enrolment was waiting
/// for a step-up.
#[component]
pub fn AddTotp(resume: bool, close: Close) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let flow = RwSignal::new(TotpFlow::default());
    let step = Memo::new(move |_| flow.with(|f| f.step));
    let name = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let go = move |change: fn(&mut TotpFlow)| {
        flow.update(change);
        request_animation_frame(|| focus_id("lsa-totp-h"));
    };

    let start = move |resumed: bool| {
        let Some(n) = super::typed_name(name, error, s) else { return };
        let keep = Draft::Totp { name: n.clone() };
        super::guard(auth, &Action::AddTotp, Some(keep.clone()), move || {
            let plan = flow.with_untracked(|f| f.plan(&n, &super::factors_now(auth)));
            let Plan::Enroll { remove } = plan else {
                return go(|f| f.scanning(None));
            };
            let work = {
                let n = n.clone();
                async move { auth.enroll_totp(&n, &remove).await }
            };
            run(pending, work, move |result| match result.and_then(|e| issued(e, &n)) {
                Ok(issued) => {
                    code.set(String::new());
                    flow.update(|f| f.scanning(Some(issued)));
                    request_animation_frame(|| focus_id("lsa-totp-h"));
                }
                Err(e) => {
                    let action = Action::AddTotp;
                    error.set(super::on_error(auth, &e, Op::Enroll, &action, resumed, Some(keep)));
                }
            });
        });
    };

    let verify = move |entered: String| {
        let Some(issued) = flow.with_untracked(|f| f.issued.clone()) else { return };
        if entered.len() < CODE_LEN {
            return;
        }
        error.set(None);
        let work = async move { auth.verify_totp(&issued.factor_id, &entered).await };
        run(pending, work, move |result| match result {
            Ok(()) => close.run(Some(s.factor_added.to_owned())),
            Err(e) => {
                if e.is(&ErrorCode::MfaFactorNotFound) {
                    flow.update(TotpFlow::lost);
                }
                let action = Action::AddTotp;
                error.set(super::on_error(auth, &e, Op::VerifyNew, &action, true, None));
            }
        });
    };

    let cancel = move || {
        if let Some(id) = flow.with_untracked(TotpFlow::abandoned) {
            spawn(async move { auth.abandon_enrolment(&id).await }, drop);
        }
        close.run(None);
    };

    request_animation_frame(|| focus_id("lsa-totp-h"));
    if resume {
        if let Some(n) = draft::take(|d| match d {
            Draft::Totp { name } => Some(name),
            _ => None,
        }) {
            name.set(n);
            start(true);
        }
    }

    let scanning = move || {
        let Some(i) = flow.with_untracked(|f| f.issued.clone()) else { return ().into_any() };
        view! {
            // Without the `qr` feature there is no code to scan: the key only.
            <p>{if cfg!(feature = "qr") { s.totp_scan_intro } else { s.totp_key_intro }}</p>
            {crate::components::qr_code(i.uri.clone(), s.qr_alt)}
            <div class="lsa-field">
                <label for="lsa-totp-secret">{s.secret_label}</label>
                <input id="lsa-totp-secret" class="lsa-input lsa-secret" type="text" readonly
                    aria-describedby="lsa-totp-secret-hint" prop:value=group_secret(&i.secret)/>
                <p class="lsa-muted" id="lsa-totp-secret-hint">{s.totp_secret_hint}</p>
            </div>
            {i.app_link().map(|href| view! { <p><a href=href.to_owned()>{s.open_in_app}</a></p> })}
            <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); verify(code.get_untracked()); }>
                <CodeField id="lsa-totp-code" label=s.mfa_totp_label value=code len=CODE_LEN
                    on_complete=Callback::new(verify)/>
                <div class="lsa-row">
                    <SubmitButton label=s.verify pending=pending/>
                    <button type="button" class="lsa-button lsa-button-secondary" disabled=move || pending.get()
                        on:click=move |_| go(TotpFlow::back)>{s.back}</button>
                </div>
            </form>
        }
        .into_any()
    };

    view! {
        <div class="lsa-form" role="group" aria-labelledby="lsa-totp-h">
            <h3 id="lsa-totp-h" tabindex="-1">{s.add_totp_title}</h3>
            {move || match step.get() {
                TotpStep::Scanning => scanning(),
                TotpStep::Naming => view! {
                    <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); start(false); }>
                        <Field id="lsa-totp-name" label=s.friendly_name_label value=name autocomplete="off"
                            hint=s.totp_name_hint.to_owned()/>
                        <SubmitButton label=s.add_factor pending=pending/>
                    </form>
                }
                .into_any(),
            }}
            <Alert message=error/>
            <p><button type="button" class="lsa-link-button" on:click=move |_| cancel()>{s.cancel}</button></p>
        </div>
    }
}

/// Removes abandoned factors (`remove`), then enrols a TOTP factor named `name`.
/// What the screen shows of a new enrolment.
fn issued(enrolled: Enrolled, name: &str) -> Result<Issued, ApiError> {
    let totp = enrolled.totp.ok_or_else(|| ApiError::Decode("enrolment without totp".into()))?;
    Ok(Issued { factor_id: enrolled.id, name: name.to_owned(), secret: totp.secret, uri: totp.uri })
}
