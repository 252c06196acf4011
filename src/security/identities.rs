//! Settings → Security → Sign-in methods: the user's identities (the email address, each
//! connected provider, with that account's address and when it was connected), *Connect* for
//! the providers the server has on and the user has not connected, and *Disconnect* after a
//! question, never for the last one. Both are guarded like the other sensitive actions (an MFA
//! user needs a second factor within 10 minutes). A part of its own, fetched when opened.

use super::actions::Action;
use super::messages::Op;
use super::Resumed;
use crate::api::identities::Identity;
use crate::components::task::{run, spawn};
use crate::components::{Alert, Confirm, Status};
use crate::platform::browser::focus_id;
use crate::social::display_name;
use crate::Strings;
use leptos::prelude::*;

/// The heading of the section (focus after a change).
const HEADING: &str = "lsa-identities-h";
/// The removal question.
const CONFIRM: &str = "lsa-identity-confirm";

/// A sign-in method's name: the email address's, or its provider's.
pub(crate) fn method_name(s: &Strings, provider: &str) -> String {
    match provider {
        "email" => s.identity_email.to_owned(),
        p => display_name(p),
    }
}

/// The line under a method: the account's address there and when it was connected.
pub(crate) fn details(s: &Strings, i: &Identity, today: &str) -> String {
    let added = super::factors::added(s, &i.created_at, today);
    let email = Some(i.email.clone()).filter(|e| !e.is_empty());
    email.into_iter().chain(added).collect::<Vec<_>>().join(" · ")
}

/// The providers to offer to connect: those on (in the host's order), less those connected.
pub(crate) fn connectable<'a>(on: &[&'a str], connected: &[Identity]) -> Vec<&'a str> {
    on.iter().copied().filter(|p| connected.iter().all(|i| i.provider != *p)).collect()
}

/// Whether a method may be disconnected: never the last one (GoTrue refuses it too).
pub(crate) fn can_disconnect(list: &[Identity]) -> bool {
    list.len() > 1
}

/// The message for a failed connect or disconnect, by GoTrue's code.
pub(crate) fn error_message(s: &Strings, e: &crate::api::ApiError) -> String {
    match e.code().map(crate::api::ErrorCode::as_str) {
        Some("manual_linking_disabled") => s.identity_linking_off.to_owned(),
        Some("single_identity_not_deletable") => s.identity_only_one.to_owned(),
        Some("identity_already_exists") => s.oauth_identity_taken.to_owned(),
        _ => super::messages::message(s, Op::Identity, e),
    }
}

crate::split::points! {
    /// The sign-in methods: the list, connect and disconnect.
    #[part(sign_in_methods)]
    pub(super) fn sign_in_methods(resume: Resumed) => view! { <SignInMethods resume/> };
}

/// The list with its actions. `resume`: a connect or disconnect back from its step-up, and
/// whether it may run by itself.
#[component]
fn SignInMethods(resume: Resumed) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let list = RwSignal::new(Vec::<Identity>::new());
    let loaded = RwSignal::new(false);
    let on = RwSignal::new(Vec::<String>::new());
    let asking = RwSignal::new(None::<Identity>);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let connected = crate::session::take_connected();
    let status = RwSignal::new(
        connected.map(|p| s.identity_connected.replace("{provider}", &display_name(&p))),
    );
    let failed = move |e: &crate::api::ApiError, action: &Action, resumed: bool| {
        if super::on_error(auth, e, Op::Identity, action, resumed, None).is_some() {
            error.set(Some(error_message(s, e)));
        }
    };
    let reload = move || {
        spawn(async move { auth.identities().await }, move |r| {
            if let Ok(found) = r {
                list.set(found);
                loaded.set(true);
            }
        })
    };

    let connect = move |provider: String, resumed: bool| {
        error.set(None);
        status.set(None);
        let action = Action::Connect(provider.clone());
        super::guard(auth, &action.clone(), None, move || {
            // The browser leaves for the provider; only an error comes back.
            let work = async move { auth.connect_provider(&provider).await };
            run(pending, work, move |r| {
                if let Err(e) = r {
                    failed(&e, &action, resumed);
                }
            });
        });
    };
    let disconnect = move |i: Identity, resumed: bool| {
        error.set(None);
        let action = Action::Disconnect(i.id.clone());
        super::guard(auth, &action.clone(), None, move || {
            let id = i.id.clone();
            let work = async move { auth.disconnect_identity(&id).await };
            run(pending, work, move |r| {
                match r {
                    Ok(()) => {
                        let name = method_name(s, &i.provider);
                        status.set(Some(s.identity_disconnected.replace("{provider}", &name)));
                        asking.set(None);
                        request_animation_frame(|| focus_id(HEADING));
                    }
                    Err(e) => failed(&e, &action, resumed),
                }
                reload();
            });
        });
    };
    let ask = move |i: Identity| {
        status.set(None);
        error.set(None);
        asking.set(Some(i));
        request_animation_frame(|| focus_id(CONFIRM));
    };

    // The list and the providers on, then whatever came back from a step-up.
    spawn(
        async move { (auth.identities().await, auth.settings().await) },
        move |(found, settings)| {
            let Ok(found) = found else { return };
            let server = settings.map_or("", |x| x.providers);
            let host = auth.config().providers;
            on.set(crate::social::ordered(&host, server).into_iter().map(str::to_owned).collect());
            list.set(found);
            loaded.set(true);
            match resume {
                Some((Action::Connect(p), true)) => connect(p, true),
                Some((Action::Disconnect(id), run)) => {
                    if let Some(i) = list.get_untracked().into_iter().find(|i| i.id == id) {
                        if run {
                            asking.set(Some(i.clone()));
                            disconnect(i, true);
                        } else {
                            ask(i);
                        }
                    }
                }
                _ => {}
            }
        },
    );

    let item = move |i: Identity| {
        let name = method_name(s, &i.provider);
        let line = details(s, &i, &crate::i18n::today());
        let label = s.identity_disconnect_named.replace("{provider}", &name);
        let removable = move || list.with(|l| can_disconnect(l));
        view! {
            <li class="lsa-list-item">
                <div>
                    <div>{name}</div>
                    <div class="lsa-muted">{line}</div>
                </div>
                <Show when=removable>
                    <button type="button" class="lsa-button lsa-button-danger" aria-label=label.clone()
                        disabled=move || pending.get() on:click={
                            let i = i.clone();
                            move |_| ask(i.clone())
                        }>{s.identity_disconnect}</button>
                </Show>
            </li>
        }
    };
    let question = move || {
        asking.get().map(|i| {
            let name = method_name(s, &i.provider);
            let question = s.identity_disconnect_confirm.replace("{provider}", &name);
            view! {
                <Confirm id=CONFIRM question warning=None yes=s.identity_disconnect_yes pending
                    on_yes=Callback::new(move |_| disconnect(i.clone(), false))
                    on_cancel=Callback::new(move |_| {
                        asking.set(None);
                        request_animation_frame(|| focus_id(HEADING));
                    })/>
            }
        })
    };
    let offers = move || {
        let linked = list.get();
        let on = on.get();
        let on: Vec<&str> = on.iter().map(String::as_str).collect();
        connectable(&on, &linked)
            .into_iter()
            .map(|p| {
                let label = s.identity_connect.replace("{provider}", &display_name(p));
                let p = p.to_owned();
                view! {
                    <button type="button" class="lsa-button lsa-button-secondary"
                        disabled=move || pending.get() on:click=move |_| connect(p.clone(), false)>
                        {label}
                    </button>
                }
            })
            .collect_view()
    };
    request_animation_frame(|| focus_id(HEADING));
    view! {
        <ul class="lsa-list">
            {move || list.get().into_iter().map(item).collect_view()}
        </ul>
        <Show when=move || loaded.get() && !list.with(|l| can_disconnect(l))>
            <p class="lsa-muted">{s.identity_only_one}</p>
        </Show>
        {question}
        <div class="lsa-row">{offers}</div>
        <Status message=status/>
        <Alert message=error/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(provider: &str, email: &str) -> Identity {
        Identity {
            id: ["id-", provider].concat(),
            provider: provider.into(),
            email: email.into(),
            created_at: "2026-12-01T10:00:00Z".into(),
        }
    }

    #[test]
    fn names_and_details() {
        let s = &Strings::EN;
        assert_eq!(method_name(s, "email"), s.identity_email);
        assert_eq!(method_name(s, "github"), "GitHub");
        let line = details(s, &identity("github", "kay@idp.example"), "2026-12-07");
        assert!(line.starts_with("kay@idp.example · "), "{line}");
        assert!(line.contains("6"), "when it was connected: {line}");
        assert_eq!(details(s, &Identity::default(), "2026-12-07"), "", "nothing known, no line");
    }

    #[test]
    fn only_providers_not_yet_connected_are_offered() {
        let linked = [identity("email", "a@x.example"), identity("github", "")];
        assert_eq!(connectable(&["google", "github", "keycloak"], &linked), ["google", "keycloak"]);
        assert!(connectable(&[], &linked).is_empty());
    }

    #[test]
    fn never_the_last_one() {
        let one = [identity("email", "a@x.example")];
        assert!(!can_disconnect(&one));
        assert!(can_disconnect(&[identity("email", ""), identity("github", "")]));
        assert!(!can_disconnect(&[]));
    }

    #[test]
    fn errors_by_code() {
        let s = &Strings::EN;
        let err = |code: &str| {
            crate::api::ApiError::Auth(crate::api::AuthError {
                code: crate::api::ErrorCode::parse(code),
                message: "server text".into(),
                status: 422,
                weak_reasons: vec![],
                retry_after_secs: None,
            })
        };
        assert_eq!(error_message(s, &err("manual_linking_disabled")), s.identity_linking_off);
        assert_eq!(error_message(s, &err("single_identity_not_deletable")), s.identity_only_one);
        assert_eq!(error_message(s, &err("identity_already_exists")), s.oauth_identity_taken);
        assert_eq!(error_message(s, &err("insufficient_aal")), s.err_step_up_failed);
        assert!(!error_message(s, &err("unexpected_failure")).contains("server text"));
    }
}
