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
        let mark = mark(&provider);
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
                {mark}<span>{label}</span>
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

/// The mark beside a provider's name: a small drawing of its logo for the best-known ones,
/// in the page's text colour where the logo is black, else one neutral mark (a door with an
/// arrow going in). Static SVG shapes only: no styles, links or scripts (the strict CSP holds,
/// nothing is fetched).
fn mark(provider: &str) -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" inner_html=shapes(provider)></svg>
    }
}

/// The shapes of `provider`'s mark (drawn for this crate from the logos' geometry).
pub(super) fn shapes(provider: &str) -> &'static str {
    match provider {
        "google" => concat!(
            r##"<g fill="none" stroke-width="3.5">"##,
            r##"<path stroke="#4285F4" d="M12 12h8a8 8 0 0 1-2.34 5.66"/>"##,
            r##"<path stroke="#34A853" d="M17.66 17.66A8 8 0 0 1 5.07 16"/>"##,
            r##"<path stroke="#FBBC05" d="M5.07 16a8 8 0 0 1 0-8"/>"##,
            r##"<path stroke="#EA4335" d="M5.07 8a8 8 0 0 1 13.06-1.14"/></g>"##,
        ),
        "azure" => concat!(
            r##"<rect x="2" y="2" width="9.5" height="9.5" fill="#F25022"/>"##,
            r##"<rect x="12.5" y="2" width="9.5" height="9.5" fill="#7FBA00"/>"##,
            r##"<rect x="2" y="12.5" width="9.5" height="9.5" fill="#00A4EF"/>"##,
            r##"<rect x="12.5" y="12.5" width="9.5" height="9.5" fill="#FFB900"/>"##,
        ),
        "apple" => concat!(
            r##"<path fill="currentColor" d="M12 7.5c-1.6-1-4.6-1.2-6.2 1.4S4.7 15.4 6.6 18.3 9.8 21.4 12 20.4"##,
            r##"c2.2 1 3.5.3 5.4-2.1 1-1.3 1.6-2.7 1.9-3.8-2.3-.9-3-3.9-.8-5.6-1.5-1.9-4.3-2.2-6.5-1.4z"##,
            r##"M12.2 6.4c0-2 1.5-3.7 3.3-3.9.2 2-1.4 3.8-3.3 3.9z"/>"##,
        ),
        "github" => concat!(
            r##"<path fill="currentColor" d="M12 2a10 10 0 0 0-3.2 19.5c.5.1.7-.2.7-.5v-1.8"##,
            r##"c-2.8.6-3.4-1.2-3.4-1.2-.5-1.2-1.1-1.5-1.1-1.5-.9-.6.1-.6.1-.6 1 .1 1.5 1 1.5 1"##,
            r##" .9 1.5 2.3 1.1 2.9.8.1-.6.3-1.1.6-1.3-2.2-.3-4.6-1.1-4.6-5 0-1.1.4-2 1-2.7"##,
            r##"-.1-.3-.4-1.3.1-2.7 0 0 .8-.3 2.7 1a9.4 9.4 0 0 1 5 0c1.9-1.3 2.7-1 2.7-1"##,
            r##" .5 1.4.2 2.4.1 2.7.6.7 1 1.6 1 2.7 0 3.9-2.4 4.7-4.6 5 .4.3.7.9.7 1.8V21"##,
            r##"c0 .3.2.6.7.5A10 10 0 0 0 12 2z"/>"##,
        ),
        "gitlab" => {
            r##"<path fill="#FC6D26" d="M12 21.5 2.6 14.6 5 5l2.6 6.8h8.8L19 5l2.4 9.6z"/>"##
        }
        "facebook" => concat!(
            r##"<circle cx="12" cy="12" r="10" fill="#1877F2"/>"##,
            r##"<path fill="#fff" d="M13.4 22v-7.6h2.5l.4-2.9h-2.9V9.7c0-.8.3-1.4 1.4-1.4h1.6V5.7"##,
            r##"a20 20 0 0 0-2.3-.1c-2.3 0-3.8 1.4-3.8 3.9v2H7.8v2.9h2.5V22z"/>"##,
        ),
        "twitter" | "x" => concat!(
            r##"<path fill="currentColor" d="M3.5 3.5h5l12 17h-5z"/>"##,
            r##"<path stroke="currentColor" stroke-width="1.8" d="M4 20.5 10.8 13M13.4 10.4 20 3.5"/>"##,
        ),
        _ => concat!(
            r##"<path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round""##,
            r##" stroke-linejoin="round" d="M14 3h5a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-5M10 17l5-5-5-5M15 12H3"/>"##,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::shapes;

    /// Every mark is static shapes: no styles (the CSP), nothing fetched, nothing run.
    #[test]
    fn marks_are_plain_shapes() {
        for p in ["google", "azure", "apple", "github", "gitlab", "facebook", "x", "keycloak"] {
            let m = shapes(p);
            assert!(m.starts_with('<') && m.ends_with("/>") || m.ends_with("</g>"), "{p}");
            for banned in ["style", "href", "url(", "script", "on", "<image", "<foreign"] {
                let found = m.split(['<', ' ']).any(|w| w.starts_with(banned));
                assert!(!found, "{p} has {banned}");
            }
            let opened = m.matches('<').count() - m.matches("</").count() * 2;
            assert_eq!(opened, m.matches("/>").count(), "{p}: every element is closed");
        }
        assert_eq!(shapes("keycloak"), shapes("someidp"), "the neutral mark for the others");
        assert_ne!(shapes("github"), shapes("keycloak"));
    }
}
