//! The passkeys of the user: list, add (named), rename, remove. Adding and removing are
//! guarded like factors (GoTrue asks an MFA user for aal2); removal is confirmed first.

use super::actions::Action;
use super::factors::passkey_details;
use super::messages::Op;
use crate::api::webauthn::Passkey;
use crate::components::browser::focus_id;
use crate::components::task::run;
use crate::components::{Alert, Confirm, Field, Status, SubmitButton};
use leptos::{prelude::*, task::spawn_local};

/// What the panel is doing besides listing.
#[derive(Clone, Debug, PartialEq)]
enum Mode {
    List,
    Adding,
    Renaming(Passkey),
    Removing(Passkey),
}

/// The passkeys section. `resume`: an action of this section that waited for a step-up, and
/// whether it may run by itself.
#[component]
pub fn Passkeys(resume: Option<(Action, bool)>) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let list = RwSignal::new(Vec::<Passkey>::new());
    let mode = RwSignal::new(Mode::List);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let show = move |next: Mode, focus: &'static str| {
        error.set(None);
        mode.set(next);
        request_animation_frame(move || focus_id(focus));
    };
    let failed = move |e: &crate::api::ApiError, action: &Action| {
        let shown = super::on_error(auth, e, Op::Enroll, action, false, None);
        error.set(shown.map(|_| s.key_error(e)));
    };

    let add = move || {
        let n = name.get_untracked().trim().to_owned();
        if n.is_empty() {
            error.set(Some(s.err_name_required.to_owned()));
            return;
        }
        error.set(None);
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
                    show(Mode::List, "lsa-passkeys-h");
                }
                Err(e) => {
                    status.set(None);
                    failed(&e, &Action::AddPasskey);
                }
            });
        });
    };

    let rename = move |p: Passkey| {
        let n = name.get_untracked().trim().to_owned();
        if n.is_empty() {
            error.set(Some(s.err_name_required.to_owned()));
            return;
        }
        error.set(None);
        let work = async move { auth.rename_passkey(&p.id, &n).await };
        run(pending, work, move |result| match result {
            Ok(renamed) => {
                status.set(Some(s.passkey_renamed.replace("{name}", &renamed.friendly_name)));
                list.update(|l| {
                    l.iter_mut().filter(|x| x.id == renamed.id).for_each(|x| *x = renamed.clone())
                });
                show(Mode::List, "lsa-passkeys-h");
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
                    show(Mode::List, "lsa-passkeys-h");
                }
                Err(e) => failed(&e, &action),
            });
        });
    };

    // The list, then whatever came back from a step-up.
    spawn_local(async move {
        let Ok(found) = auth.passkeys().await else { return };
        if list.try_set(found).is_some() {
            return; // the screen is gone
        }
        match &resume {
            Some((Action::AddPasskey, _)) => {
                name.set(s.passkey_name_default.to_owned());
                status.set(Some(s.key_resume.to_owned()));
                show(Mode::Adding, "lsa-passkey-name");
            }
            Some((Action::RemovePasskey(id), run_now)) => {
                if let Some(p) = list.get_untracked().into_iter().find(|p| &p.id == id) {
                    show(Mode::Removing(p.clone()), "lsa-passkey-confirm");
                    if *run_now {
                        remove(p);
                    }
                }
            }
            _ => {}
        }
    });

    let item = move |p: Passkey| {
        let line = passkey_details(s, &p);
        let rename_label = s.rename_named.replace("{name}", &p.friendly_name);
        let remove_label = s.remove_named.replace("{name}", &p.friendly_name);
        let (for_rename, for_remove) = (p.clone(), p.clone());
        view! {
            <li class="lsa-list-item">
                <div>
                    <div>{p.friendly_name.clone()}</div>
                    <div class="lsa-muted">{line}</div>
                </div>
                <div class="lsa-row">
                    <button type="button" class="lsa-button lsa-button-secondary" aria-label=rename_label
                        disabled=move || pending.get() on:click=move |_| {
                            name.set(for_rename.friendly_name.clone());
                            show(Mode::Renaming(for_rename.clone()), "lsa-passkey-name");
                        }>{s.rename}</button>
                    <button type="button" class="lsa-button lsa-button-danger" aria-label=remove_label
                        disabled=move || pending.get()
                        on:click=move |_| show(Mode::Removing(for_remove.clone()), "lsa-passkey-confirm")>
                        {s.remove}
                    </button>
                </div>
            </li>
        }
    };

    let panel = move || match mode.get() {
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
                                show(Mode::List, "lsa-passkeys-h");
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
                    on_cancel=Callback::new(move |_| show(Mode::List, "lsa-passkeys-h"))/>
            }
            .into_any()
        }
    };

    view! {
        <section class="lsa-card" aria-labelledby="lsa-passkeys-h">
            <h2 id="lsa-passkeys-h" tabindex="-1">{s.passkeys_title}</h2>
            <p class="lsa-muted">{s.passkeys_intro}</p>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="lsa-muted">{s.passkeys_none}</p>
            </Show>
            <ul class="lsa-list">
                {move || list.get().into_iter().map(item).collect_view()}
            </ul>
            <Show when=move || mode.with(|m| *m == Mode::List)>
                <p><button type="button" class="lsa-button lsa-button-secondary" on:click=move |_| {
                    name.set(s.passkey_name_default.to_owned());
                    status.set(None);
                    show(Mode::Adding, "lsa-passkey-name");
                }>{s.add_passkey}</button></p>
            </Show>
            {panel}
            <Status message=status/>
            <Alert message=error/>
        </section>
    }
}
