//! What a passkey button opens (the passkeys section's panel): the name form (add, rename) or
//! the removal question, and the actions they run. Fetched when a button is first pressed.
//! The section's state is here too: the panel is below the section, which imports it.

use super::actions::Action;
use super::messages::Op;
use crate::api::webauthn::Passkey;
use crate::components::task::run;
use crate::components::{Confirm, Field, SubmitButton};
use crate::platform::browser::focus_id;
use leptos::prelude::*;

/// What the section is doing besides listing.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Mode {
    List,
    Adding,
    Renaming(Passkey),
    Removing(Passkey),
}

/// The section's state, shared by the section and its panel.
#[derive(Clone, Copy)]
pub(crate) struct PasskeyState {
    pub list: RwSignal<Vec<Passkey>>,
    pub mode: RwSignal<Mode>,
    pub name: RwSignal<String>,
    pub error: RwSignal<Option<String>>,
    pub status: RwSignal<Option<String>>,
    pub pending: RwSignal<bool>,
}

impl PasskeyState {
    /// Switches to `next`, with focus on `focus`.
    pub fn show(self, next: Mode, focus: &'static str) {
        self.error.set(None);
        self.mode.set(next);
        request_animation_frame(move || focus_id(focus));
    }
}

crate::split::points! {
    /// What a button of the passkeys section opens, fetched when one is first pressed.
    #[part(passkey_panel)]
    pub(crate) fn passkey_panel(st: PasskeyState, run_now: bool) => view! { <PasskeyPanel st run_now/> };
}

/// The open panel of the passkeys section. `run_now`: a removal back from its step-up runs at
/// once.
#[component]
fn PasskeyPanel(st: PasskeyState, run_now: bool) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let PasskeyState { list, mode, name, error, status, pending } = st;
    let failed = move |e: &crate::api::ApiError, action: &Action| {
        let shown = super::on_error(auth, e, Op::Enroll, action, false, None);
        error.set(shown.map(|_| s.key_error(e)));
    };

    let add = move || {
        let Some(n) = super::typed_name(name, error, s) else { return };
        super::guard(auth, &Action::AddPasskey, None, move || {
            status.set(Some(s.key_waiting.to_owned()));
            let work = async move {
                let made = auth.add_passkey().await?;
                if n == made.friendly_name {
                    return Ok(made);
                }
                // Named as the user asked; a failed rename still leaves a working passkey.
                Ok(auth.rename_passkey(&made.id, &n).await.unwrap_or(made))
            };
            run(pending, work, move |result| match result {
                Ok(p) => {
                    status.set(Some(s.passkey_added.replace("{name}", &p.friendly_name)));
                    list.update(|l| l.push(p));
                    st.show(Mode::List, "lsa-passkeys-h");
                }
                Err(e) => {
                    status.set(None);
                    failed(&e, &Action::AddPasskey);
                }
            });
        });
    };

    let rename = move |p: Passkey| {
        let Some(n) = super::typed_name(name, error, s) else { return };
        let work = async move { auth.rename_passkey(&p.id, &n).await };
        run(pending, work, move |result| match result {
            Ok(renamed) => {
                status.set(Some(s.passkey_renamed.replace("{name}", &renamed.friendly_name)));
                list.update(|l| {
                    l.iter_mut().filter(|x| x.id == renamed.id).for_each(|x| *x = renamed.clone())
                });
                st.show(Mode::List, "lsa-passkeys-h");
            }
            Err(e) => error.set(Some(s.error(&e))),
        });
    };

    let remove = move |p: Passkey| {
        let action = Action::RemovePasskey(p.id.clone());
        error.set(None);
        super::guard(auth, &action.clone(), None, move || {
            let id = p.id.clone();
            let work = async move { auth.remove_passkey(&id).await };
            run(pending, work, move |result| match result {
                Ok(()) => {
                    status.set(Some(s.passkey_removed.replace("{name}", &p.friendly_name)));
                    list.update(|l| l.retain(|x| x.id != p.id));
                    st.show(Mode::List, "lsa-passkeys-h");
                }
                Err(e) => failed(&e, &action),
            });
        });
    };

    // Shown once fetched: the focus `show` asked for, now that its element exists.
    let removing = match mode.get_untracked() {
        Mode::Removing(p) => Some(p),
        _ => None,
    };
    let focus = if removing.is_some() { "lsa-passkey-confirm" } else { "lsa-passkey-name" };
    request_animation_frame(move || focus_id(focus));
    if let Some(p) = removing.filter(|_| run_now) {
        remove(p);
    }

    move || match mode.get() {
        Mode::List => ().into_any(),
        Mode::Adding | Mode::Renaming(_) => {
            let renaming = match mode.get_untracked() {
                Mode::Renaming(p) => Some(p),
                _ => None,
            };
            let label = if renaming.is_some() { s.save } else { s.add_passkey };
            let submit = move || match renaming.clone() {
                Some(p) => rename(p),
                None => add(),
            };
            view! {
                <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    <Field id="lsa-passkey-name" label=s.passkey_name_label value=name autocomplete="off"/>
                    <div class="lsa-row">
                        <SubmitButton label pending/>
                        <button type="button" class="lsa-button lsa-button-secondary" on:click=move |_| {
                            if pending.get_untracked() {
                                auth.cancel_prompt(); // the prompt closes; the form stays
                            } else {
                                st.show(Mode::List, "lsa-passkeys-h");
                            }
                        }>{s.cancel}</button>
                    </div>
                </form>
            }
            .into_any()
        }
        Mode::Removing(p) => {
            let question = s.passkey_remove_confirm.replace("{name}", &p.friendly_name);
            view! {
                <Confirm id="lsa-passkey-confirm" question warning=None yes=s.remove_yes pending
                    on_yes=Callback::new(move |_| remove(p.clone()))
                    on_cancel=Callback::new(move |_| st.show(Mode::List, "lsa-passkeys-h"))/>
            }
            .into_any()
        }
    }
}
