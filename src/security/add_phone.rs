//! Adding a phone (SMS): number in E.164 → enrol → the SMS is sent → code → done, with a
//! resend countdown and a warning that SMS is weaker than an app.

use super::actions::Action;
use super::draft::{self, Draft};
use super::messages::Op;
use super::phone::{mask, normalize_e164, to_remove, PhoneStep};
use super::Close;
use crate::api::{ApiError, ErrorCode};
use crate::components::task::{run, spawn};
use crate::components::{Alert, CodeField, Field, ResendButton, Status, SubmitButton};
use crate::platform::browser::focus_id;
use leptos::prelude::*;

const CODE_LEN: usize = 6;
const SMS_INTERVAL_SECS: u32 = 60;

/// "Add a phone (SMS)" (`resume`: the enrolment comes back from a step-up).
pub(super) fn offer(resume: bool) -> impl IntoView {
    let label = crate::use_auth().strings().add_phone_title;
    view! { <super::OnDemand form=super::Form::Phone id="lsa-add-phone" label resume/> }
}

crate::split::points! {
    /// The form that adds a phone.
    #[part(add_phone)]
    pub(super) fn form(resume: bool, close: Close) => view! { <AddPhone resume close/> };
}

/// The "add a phone" panel, open when shown. `resume`: the enrolment was waiting for a step-up.
#[component]
pub fn AddPhone(resume: bool, close: Close) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let step = RwSignal::new(PhoneStep::Number);
    let number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let field_error = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let resend = RwSignal::new(0u32);
    let show = move |next: PhoneStep| {
        step.set(next);
        request_animation_frame(|| focus_id("lsa-phone-h"));
    };
    let failed = move |e: &ApiError, op: Op, resumed: bool, keep: Option<Draft>| {
        if let Some(n) = e.retry_after_secs() {
            resend.set(n);
        }
        error.set(super::on_error(auth, e, op, &Action::AddPhone, resumed, keep));
    };

    // Sends the SMS for `factor_id` (first time and resends).
    let send = move |factor_id: String, phone: String| {
        error.set(None);
        let work = {
            let factor_id = factor_id.clone();
            async move { auth.challenge(&factor_id).await }
        };
        run(pending, work, move |result| {
            let challenge_id = match result {
                Ok(c) => {
                    resend.set(SMS_INTERVAL_SECS);
                    status.set(Some(s.phone_code_sent.replace("{phone}", &mask(&phone))));
                    Some(c.id)
                }
                Err(e) => {
                    failed(&e, Op::Challenge, true, None);
                    None
                }
            };
            step.set(PhoneStep::Code { factor_id, challenge_id, phone });
        });
    };

    let start = move |resumed: bool| {
        let Some(phone) = normalize_e164(&number.get_untracked()) else {
            field_error.set(Some(s.err_phone_invalid.to_owned()));
            return;
        };
        field_error.set(None);
        error.set(None);
        let keep = Draft::Phone { phone: phone.clone() };
        super::guard(auth, &Action::AddPhone, Some(keep.clone()), move || {
            let remove = to_remove(&super::factors_now(auth), &phone);
            let work = {
                let phone = phone.clone();
                async move { auth.enroll_phone(&phone, &remove).await }
            };
            run(pending, work, move |result| match result {
                Ok(factor_id) => {
                    code.set(String::new());
                    send(factor_id, phone);
                    request_animation_frame(|| focus_id("lsa-phone-h"));
                }
                Err(e) => failed(&e, Op::Enroll, resumed, Some(keep)),
            });
        });
    };

    let verify = move |entered: String| {
        let PhoneStep::Code { factor_id, challenge_id: Some(ch), .. } = step.get_untracked() else {
            return;
        };
        if entered.len() < CODE_LEN {
            return;
        }
        error.set(None);
        let work = async move { auth.verify_challenge(&factor_id, &ch, &entered).await };
        run(pending, work, move |result| match result {
            Ok(()) => close.run(Some(s.phone_added.to_owned())),
            Err(e) => {
                if e.is(&ErrorCode::MfaChallengeExpired) {
                    step.update(|st| {
                        if let PhoneStep::Code { challenge_id, .. } = st {
                            *challenge_id = None;
                        }
                    });
                    resend.set(0);
                } else if e.is(&ErrorCode::MfaFactorNotFound) {
                    step.set(PhoneStep::Number);
                }
                failed(&e, Op::VerifyNew, true, None);
            }
        });
    };

    let cancel = move || {
        if let PhoneStep::Code { factor_id, .. } = step.get_untracked() {
            spawn(async move { auth.abandon_enrolment(&factor_id).await }, drop);
        }
        close.run(None);
    };

    show(PhoneStep::Number);
    if resume {
        if let Some(p) = draft::take(|d| match d {
            Draft::Phone { phone } => Some(phone),
            _ => None,
        }) {
            number.set(p);
            start(true);
        }
    }

    let resend_now = move || {
        if let PhoneStep::Code { factor_id, phone, .. } = step.get_untracked() {
            send(factor_id, phone);
        }
    };
    let code_step = move || {
        view! {
            <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); verify(code.get_untracked()); }>
                <CodeField id="lsa-phone-code" label=s.code_label value=code len=CODE_LEN
                    on_complete=Callback::new(verify)/>
                <ResendButton seconds=resend pending=pending on_press=Callback::new(move |_| resend_now())/>
                <SubmitButton label=s.verify pending=pending/>
            </form>
        }
    };
    let number_step = move || {
        view! {
            <p class="lsa-muted">{s.sms_warning}</p>
            <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); start(false); }>
                <Field id="lsa-phone" label=s.phone_label value=number kind="tel" autocomplete="tel"
                    inputmode="tel" hint=s.phone_hint.to_owned() error=field_error/>
                <SubmitButton label=s.send_code pending=pending/>
            </form>
        }
    };
    let is_code = move || step.with(|st| matches!(st, PhoneStep::Code { .. }));

    view! {
        <div class="lsa-form" role="group" aria-labelledby="lsa-phone-h">
            <h3 id="lsa-phone-h" tabindex="-1">{s.add_phone_title}</h3>
            <Status message=status/>
            <Show when=is_code fallback=number_step>{code_step}</Show>
            <Alert message=error/>
            <p><button type="button" class="lsa-link-button" on:click=move |_| cancel()>{s.cancel}</button></p>
        </div>
    }
}
