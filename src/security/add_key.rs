//! Adding a security key: a name → the browser's prompt makes the credential → verified (the
//! store gets the new aal2 session) → done. A cancelled prompt keeps the name and leaves no
//! half-made factor. Back from a step-up the panel is open again with the name kept, and the
//! user presses once more: browsers open their prompt only for a press.

use super::actions::Action;
use super::draft::{self, Draft};
use super::messages::Op;
use super::Close;
use crate::components::task::run;
use crate::components::{Alert, Field, Status, SubmitButton};
use crate::platform::browser::focus_id;
use leptos::prelude::*;

/// "Add a security key", when the host enabled security keys and this browser can use them
/// (`resume`: the enrolment comes back from a step-up).
pub(super) fn offer(resume: bool) -> impl IntoView {
    let auth = crate::use_auth();
    let keys = auth.config().factor_types.webauthn && auth.webauthn_available();
    let label = auth.strings().add_key_title;
    keys.then(|| view! { <super::OnDemand form=super::Form::Key id="lsa-add-key" label resume/> })
}

crate::split::points! {
    /// The form that adds a security key.
    #[part(add_key)]
    pub(super) fn form(resume: bool, close: Close) => view! { <AddKey resume close/> };
}

/// The "add a security key" panel, open when shown. `resume`: the enrolment was waiting for a
/// step-up.
#[component]
pub fn AddKey(resume: bool, close: Close) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let name = RwSignal::new(s.key_name_default.to_owned());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let start = move || {
        let Some(n) = super::typed_name(name, error, s) else { return };
        let keep = Draft::Key { name: n.clone() };
        super::guard(auth, &Action::AddKey, Some(keep.clone()), move || {
            // Half-made keys of earlier tries go first (their names would clash).
            let remove: Vec<String> = super::factors_now(auth)
                .into_iter()
                .filter(|f| f.is_webauthn() && !f.is_verified())
                .map(|f| f.id)
                .collect();
            status.set(Some(s.key_waiting.to_owned()));
            let work = async move { auth.add_key(&n, &remove).await };
            run(pending, work, move |result| match result {
                Ok(()) => close.run(Some(s.key_added.to_owned())),
                Err(e) => {
                    status.set(None);
                    let shown =
                        super::on_error(auth, &e, Op::Enroll, &Action::AddKey, false, Some(keep));
                    error.set(shown.map(|_| s.key_error(&e)));
                }
            });
        });
    };

    if resume {
        if let Some(n) = draft::take(|d| match d {
            Draft::Key { name } => Some(name),
            _ => None,
        }) {
            name.set(n);
        }
        status.set(Some(s.key_resume.to_owned()));
    }
    request_animation_frame(|| focus_id("lsa-key-h"));

    // While the browser's prompt is open, Cancel closes it (the panel stays, with the name).
    let cancel = move || {
        if pending.get_untracked() {
            return auth.cancel_prompt();
        }
        close.run(None);
    };

    view! {
        <div class="lsa-form" role="group" aria-labelledby="lsa-key-h">
            <h3 id="lsa-key-h" tabindex="-1">{s.add_key_title}</h3>
            <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); start(); }>
                <Field id="lsa-key-name" label=s.key_name_label value=name autocomplete="off"
                    hint=s.key_name_hint.to_owned()/>
                <SubmitButton label=s.add_key_button pending/>
            </form>
            <Alert message=error/>
            <p><button type="button" class="lsa-link-button" on:click=move |_| cancel()>{s.cancel}</button></p>
        </div>
        <Status message=status/>
    }
}
