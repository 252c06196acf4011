//! The passkeys of the user: a card whose list, with the buttons to add, rename and remove
//! one, is fetched when opened (*Manage passkeys*). What a button opens (`passkey_panel.rs`:
//! the name form, the removal question, and the actions) is fetched when first pressed, so the
//! list's first show is only the list. Adding and removing are guarded like factors (GoTrue
//! asks an MFA user for aal2); removal is confirmed first.

use super::actions::Action;
use super::factors::passkey_details;
use crate::api::webauthn::Passkey;
use crate::components::task::spawn;
use crate::components::{Alert, Status};
use crate::platform::browser::focus_id;
use leptos::prelude::*;

use super::passkey_panel::{passkey_panel, Mode, PasskeyState};

/// The passkeys card when this browser can use them and the server has them on (asked when
/// the screen opens): its list and buttons behind *Manage passkeys*, open from the start when
/// an action of it comes back from a step-up (`resume`).
pub(super) fn offer(resume: super::Resumed) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let on = RwSignal::new(false);
    spawn(async move { auth.passkeys_available().await }, move |yes| on.set(yes));
    let open = resume.is_some();
    view! {
        <Show when=move || on.get()>
            <section class="lsa-card" aria-labelledby="lsa-passkeys-h">
                <h2 id="lsa-passkeys-h" tabindex="-1">{s.passkeys_title}</h2>
                <p class="lsa-muted">{s.passkeys_intro}</p>
                <super::OnDemand form=super::Form::Passkeys id="lsa-passkeys-open"
                    label=s.passkeys_open resume=open heading="lsa-passkeys-h" resumed=resume.clone()/>
            </section>
        </Show>
    }
}

crate::split::points! {
    /// The passkeys section's list and buttons, fetched when opened.
    #[part(passkeys)]
    pub(crate) fn section(resume: Option<(Action, bool)>) => view! { <Passkeys resume/> };
}

/// The passkeys section. `resume`: an action of this section that waited for a step-up, and
/// whether it may run by itself.
#[component]
fn Passkeys(resume: Option<(Action, bool)>) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let st = PasskeyState {
        list: RwSignal::new(Vec::new()),
        mode: RwSignal::new(Mode::List),
        name: RwSignal::new(String::new()),
        error: RwSignal::new(None),
        status: RwSignal::new(None),
        pending: RwSignal::new(false),
    };
    // A removal that came back from its step-up runs once, when its panel first shows.
    let run_now = StoredValue::new(false);

    // The list, then whatever came back from a step-up.
    spawn(async move { auth.passkeys().await }, move |found| {
        let Ok(found) = found else { return };
        st.list.set(found);
        match &resume {
            Some((Action::AddPasskey, _)) => {
                st.name.set(s.passkey_name_default.to_owned());
                st.status.set(Some(s.key_resume.to_owned()));
                st.show(Mode::Adding, "lsa-passkey-name");
            }
            Some((Action::RemovePasskey(id), run)) => {
                if let Some(p) = st.list.get_untracked().into_iter().find(|p| &p.id == id) {
                    run_now.set_value(*run);
                    st.show(Mode::Removing(p), "lsa-passkey-confirm");
                }
            }
            _ => {}
        }
    });

    let item = move |p: Passkey| {
        let line = passkey_details(s, &p, &crate::i18n::today());
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
                        disabled=move || st.pending.get() on:click=move |_| {
                            st.name.set(for_rename.friendly_name.clone());
                            st.show(Mode::Renaming(for_rename.clone()), "lsa-passkey-name");
                        }>{s.rename}</button>
                    <button type="button" class="lsa-button lsa-button-danger" aria-label=remove_label
                        disabled=move || st.pending.get()
                        on:click=move |_| st.show(Mode::Removing(for_remove.clone()), "lsa-passkey-confirm")>
                        {s.remove}
                    </button>
                </div>
            </li>
        }
    };
    let panel = move || {
        let run = run_now.get_value();
        run_now.set_value(false);
        passkey_panel(st, run)
    };

    request_animation_frame(|| focus_id("lsa-passkeys-h"));
    view! {
        <Show when=move || st.list.with(Vec::is_empty)>
            <p class="lsa-muted">{s.passkeys_none}</p>
        </Show>
        <ul class="lsa-list">
            {move || st.list.get().into_iter().map(item).collect_view()}
        </ul>
        <Show when=move || st.mode.with(|m| *m == Mode::List) fallback=panel>
            <p><button type="button" class="lsa-button lsa-button-secondary" on:click=move |_| {
                st.name.set(s.passkey_name_default.to_owned());
                st.status.set(None);
                st.show(Mode::Adding, "lsa-passkey-name");
            }>{s.add_passkey}</button></p>
        </Show>
        <Status message=st.status/>
        <Alert message=st.error/>
    }
}
