//! `{base}/callback`: where a provider's round trip lands. The store takes the code or tokens
//! (only those this browser asked for) and the sign-in page goes on from there: to `next`, or
//! to the second factor first. An error is said by its code, with the way back to sign-in.

use crate::api::oauth::{parse_callback, Callback};
use crate::api::ApiError;
use crate::components::{task::run, Alert, Heading};
use crate::recovery::link;
use crate::redirect::search_and_hash;
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
    link::forget_tokens();
    let error = RwSignal::new(None::<String>);
    let retry = RwSignal::new(None::<Callback>);
    let pending = RwSignal::new(false);
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
                Ok(()) => auth.navigate(&sign_in),
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
    view! {
        <Heading text=s.sign_in_title/>
        <p role="status" hidden=move || !pending.get()>{s.oauth_finishing}</p>
        <Alert message=error/>
        <p hidden=move || retry.with(Option::is_none)>
            <button type="button" class="lsa-button" on:click=again>{s.retry}</button>
        </p>
        <p hidden=move || error.with(Option::is_none)>
            <a class="lsa-button lsa-button-secondary" href=sign_in>{s.back}</a>
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
