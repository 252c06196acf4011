//! `{base}/callback`: where a provider's round trip lands. The store takes the code or tokens
//! (only those this browser asked for). A sign-in goes on through the sign-in page: to `next`,
//! or to the second factor first; a session bound to this tab by its mark alone (the implicit
//! flow) is named first and counts only on the press, as emailed links are
//! ([`crate::landing`]); a connected provider goes back to Settings → Security. An error is said
//! by its code, with the way back.

use crate::api::oauth::{parse_callback, Callback, OAuthSession};
use crate::api::ApiError;
use crate::components::{task::run, Alert, Heading};
use crate::recovery::link;
use crate::redirect::search_and_hash;
use crate::session::Finished;
use crate::AuthRoute;
use leptos::prelude::*;

/// The callback page.
#[component]
pub(super) fn CallbackPage() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let here = link::landing(auth.here());
    let (query, fragment) = search_and_hash(&here);
    let callback = parse_callback(query, fragment);
    let sign_in = auth.path_keeping_next(AuthRoute::SignIn);
    // A connection goes back to Settings → Security (its `next`), a sign-in to the sign-in page.
    let connecting = auth.connecting();
    let (title, finishing, back) = match connecting {
        true => (s.identities_title, s.identity_connecting, untrack(|| auth.next())),
        false => (s.sign_in_title, s.oauth_finishing, sign_in.clone()),
    };
    link::forget_tokens();
    let error = RwSignal::new(None::<String>);
    let retry = RwSignal::new(None::<Callback>);
    let pending = RwSignal::new(false);
    let named = RwSignal::new(None::<OAuthSession>);
    let finish = {
        let sign_in = sign_in.clone();
        move |callback: Callback| {
            error.set(None);
            let work = {
                let callback = callback.clone();
                async move { auth.finish_oauth(callback).await }
            };
            let sign_in = sign_in.clone();
            run(pending, work, move |r| match r {
                // The sign-in page goes on to `next`, or asks for the second factor first.
                Ok(Finished::SignedIn) => auth.navigate(&sign_in),
                Ok(Finished::Named(got)) => named.set(Some(*got)),
                Ok(Finished::Connected) => auth.navigate(&auth.next()),
                Err(e) => {
                    // A network failure keeps the code (and this browser's verifier): retry.
                    retry.set(e.is_network().then_some(callback));
                    error.set(Some(message(s, &e)));
                }
            });
        }
    };
    finish(callback);
    let again = move |_| {
        if let Some(c) = retry.get_untracked() {
            finish(c);
        }
    };
    let account = move || {
        let got = named.get()?;
        let email = got.session.user.email.clone();
        let other = crate::recovery::other_account(auth, &got.session)
            .map(|o| s.confirm_replaces.replace("{email}", &o));
        let sign_in = sign_in.clone();
        let go = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            match auth.adopt_oauth(got.clone()) {
                Ok(()) => auth.navigate(&sign_in),
                Err(e) => error.set(Some(message(s, &e))),
            }
        };
        Some(view! {
            <p role="status">{s.oauth_sign_in_for.replace("{email}", &email)}</p>
            {other.map(|o| view! { <p class="lsa-alert">{o}</p> })}
            <form class="lsa-form" on:submit=go>
                <button type="submit" class="lsa-button">
                    {s.confirm_continue_as.replace("{email}", &email)}
                </button>
            </form>
        })
    };
    view! {
        <Heading text=title/>
        <p role="status" hidden=move || !pending.get()>{finishing}</p>
        {account}
        <Alert message=error/>
        <p hidden=move || retry.with(Option::is_none)>
            <button type="button" class="lsa-button" on:click=again>{s.retry}</button>
        </p>
        <p hidden=move || error.with(Option::is_none)>
            <a class="lsa-button lsa-button-secondary" href=back>{s.back}</a>
        </p>
    }
}

/// What a failed round trip says: by GoTrue's code, or the network's.
fn message(s: &'static crate::Strings, e: &ApiError) -> String {
    match e.code() {
        _ if e.is_network() => s.error(e),
        Some(code) => super::callback_message(s, code.as_str()).to_owned(),
        None => s.oauth_failed.to_owned(),
    }
}
