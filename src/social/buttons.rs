//! "Continue with …": a button per provider the server has on, with its mark (drawn here as
//! SVG: nothing is fetched from elsewhere, and the strict CSP holds).

use crate::components::{task::spawn, Alert};
use leptos::prelude::*;

/// The buttons, for the providers the server has on (`providers`, its order).
#[component]
pub(super) fn ProviderButtons(providers: String) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let error = RwSignal::new(None::<String>);
    let config = auth.config();
    let list: Vec<String> =
        super::ordered(&config.providers, &providers).into_iter().map(str::to_owned).collect();
    let button = move |provider: String| {
        let label = s.provider_continue.replace("{provider}", &super::display_name(&provider));
        let go = move |_| {
            error.set(None);
            let p = provider.clone();
            // The browser leaves for the provider; only an error comes back.
            spawn(async move { auth.sign_in_with_provider(&p).await }, move |r| {
                if let Err(e) = r {
                    error.set(Some(s.error(&e)));
                }
            });
        };
        view! {
            <button type="button" class="lsa-button lsa-button-secondary lsa-provider" on:click=go>
                {mark()}<span>{label}</span>
            </button>
        }
    };
    view! {
        <div class="lsa-providers">
            {list.into_iter().map(button).collect_view()}
            <Alert message=error/>
        </div>
    }
}

/// The mark beside a provider's name: one neutral mark (no provider's artwork is shipped), a
/// door with an arrow going in.
fn mark() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"
            fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M14 3h5a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-5M10 17l5-5-5-5M15 12H3"/>
        </svg>
    }
}
