//! The standalone app: its own small router (`router.rs`), the store, the auth pages, a home page
//! and a not-found page. Its configuration is read at start from `<meta>` tags, so one build
//! serves any backend.

mod router;

use crate::{AuthConfig, AuthRoute};
use leptos::prelude::*;
use router::Page;

/// Reads the runtime configuration from `<meta name="supabase-url">`,
/// `<meta name="supabase-anon-key">`, `<meta name="supabase-flow-type" content="pkce">`
/// (PKCE recovery links) and `<meta name="supabase-mfa-webauthn" content="on">` (security keys
/// can be added; the server must have WebAuthn MFA on). Without them the API is the page's own origin + `/auth/v1` (the
/// emulator serving the app). An invalid URL is an error message.
pub fn config_from_page() -> Result<AuthConfig, String> {
    let meta = |name: &str| -> Option<String> {
        #[cfg(target_arch = "wasm32")]
        {
            let doc = web_sys::window()?.document()?;
            let el = doc.query_selector(&["meta[name=\"", name, "\"]"].concat()).ok()??;
            el.get_attribute("content").map(|c| c.trim().to_owned()).filter(|c| !c.is_empty())
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = name;
            None
        }
    };
    let origin = crate::platform::browser::origin();
    let key = meta("supabase-anon-key").unwrap_or_default();
    let pkce = meta("supabase-flow-type").is_some_and(|f| f.eq_ignore_ascii_case("pkce"));
    let webauthn = meta("supabase-mfa-webauthn").is_some_and(|f| f.eq_ignore_ascii_case("on"));
    check_backend(meta("supabase-url"), &key, &origin).map(|api| {
        let mut config = AuthConfig::new(api, key);
        config.pkce = pkce;
        config.factor_types.webauthn = webauthn;
        config
    })
}

/// Decides the GoTrue URL from the `supabase-url` meta value (if any), the anon key and the
/// page origin: no value means this origin (the emulator serving the app); a value must be an
/// http(s) URL, and another origin (a Supabase project) needs an anon key. Pure.
pub fn check_backend(url: Option<String>, anon_key: &str, origin: &str) -> Result<String, String> {
    let url = url.unwrap_or_else(|| origin.to_owned());
    let url = url.trim_end_matches('/');
    let host_start = url.find("://").map(|i| i + 3);
    let valid = (url.starts_with("https://") || url.starts_with("http://"))
        && host_start.is_some_and(|i| url.len() > i && !url[i..].starts_with('/'));
    if !valid {
        return Err(url.to_owned());
    }
    let same_origin =
        !origin.is_empty() && (url == origin || url.starts_with(&[origin, "/"].concat()));
    if !same_origin && anon_key.is_empty() {
        return Err(url.to_owned());
    }
    Ok(if url.ends_with("/auth/v1") { url.to_owned() } else { [url, "/auth/v1"].concat() })
}

/// The standalone application.
///
/// It brings its own router and store, so it is the root of the page (as in the crate's
/// binary), not something to nest in a host's router (hosts use [`crate::AuthRoutes`]).
#[component]
pub fn App() -> impl IntoView {
    match config_from_page() {
        Ok(config) => view! { <Shell config/> }.into_any(),
        Err(_) => view! { <ConfigError/> }.into_any(),
    }
}

#[component]
fn Shell(config: AuthConfig) -> impl IntoView {
    let page = router::provide(config);
    let auth = crate::use_auth();
    let lang = move || auth.language().map(|s| s.lang);
    view! {
        <main class="lsa-root" lang=lang dir=move || lang().map(crate::i18n::dir)>
            {move || auth.language().map(|s| {
                match page.get() {
                    Page::Home => home(),
                    Page::Auth(route) => route.page(),
                    Page::NotFound => view! {
                        <section class="lsa-card"><h1>{s.not_found}</h1><a href="/">{s.home_title}</a></section>
                    }
                    .into_any(),
                }
            })}
        </main>
    }
}

#[component]
fn Home() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let (state, signed_in) = (auth.state(), auth.is_signed_in());
    let anonymous = Signal::derive(move || state.with(crate::AuthState::is_anonymous));
    let sign_out = move |_| {
        let work = async move { auth.sign_out(crate::api::LogoutScope::Local).await };
        crate::components::task::spawn(work, drop)
    };
    view! {
        <section class="lsa-card">
            <h1 id="lsa-heading" tabindex="-1">{s.home_title}</h1>
            <Show
                when=move || signed_in.get()
                fallback=move || view! {
                    <nav class="lsa-links">
                        <a href=auth.path(AuthRoute::SignIn)>{s.sign_in_title}</a>
                        <a href=auth.path(AuthRoute::Recover)>{s.forgot_password}</a>
                    </nav>
                    <Guest/>
                }
            >
                <p>{move || if anonymous.get() {
                    s.anonymous_home.to_owned()
                } else {
                    s.signed_in_as.replace("{email}", &auth.email().get().unwrap_or_default())
                }}</p>
                <nav class="lsa-links">
                    // An anonymous user's way to an account.
                    {crate::front::sign_up_link(auth.path(AuthRoute::SignUp), anonymous)}
                    <a href=auth.path(AuthRoute::Security) hidden=move || anonymous.get()>{s.security_link}</a>
                    <button type="button" class="lsa-link-button" on:click=sign_out>{s.sign_out}</button>
                </nav>
            </Show>
        </section>
    }
}

/// "Continue without an account", when the project allows anonymous users (feature `sign-up`).
#[component]
fn Guest() -> impl IntoView {
    #[cfg(feature = "sign-up")]
    {
        let auth = crate::use_auth();
        let s = auth.strings();
        let may_be_anonymous = RwSignal::new(false);
        crate::components::task::spawn(async move { auth.settings().await }, move |got| {
            may_be_anonymous.set(got.is_some_and(|g| g.anonymous));
        });
        let pending = RwSignal::new(false);
        let error = RwSignal::new(None::<String>);
        let as_guest = move |_| {
            let work = async move { auth.sign_in_anonymously().await };
            crate::components::task::run(pending, work, move |r| {
                if let Err(e) = r {
                    error.set(Some(s.error(&e)));
                }
            });
        };
        view! {
            <p hidden=move || !may_be_anonymous.get()>
                <button type="button" class="lsa-button lsa-button-secondary" disabled=move || pending.get() on:click=as_guest>
                    {s.anonymous_sign_in}
                </button>
            </p>
            <crate::components::Alert message=error/>
        }
    }
}

crate::split::points! {
    /// The standalone app's home page (no auth page's first load needs it).
    #[part(home, card)]
    fn home() => view! { <Home/> };
}

#[component]
fn ConfigError() -> impl IntoView {
    let s = &crate::Strings::EN;
    view! {
        <main class="lsa-root">
            <section class="lsa-card" role="alert">
                <h1>{s.config_error_title}</h1>
                <p>{s.config_error_text}</p>
            </section>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::check_backend;

    const ORIGIN: &str = "http://127.0.0.1:54321";

    #[test]
    fn same_origin_is_the_default() {
        assert_eq!(check_backend(None, "", ORIGIN).unwrap(), "http://127.0.0.1:54321/auth/v1");
    }

    #[test]
    fn a_project_url_needs_a_key() {
        let url = Some("https://abc.supabase.co".to_owned());
        assert_eq!(
            check_backend(url.clone(), "anon", ORIGIN).unwrap(),
            "https://abc.supabase.co/auth/v1"
        );
        assert!(check_backend(url, "", ORIGIN).is_err());
        let full = Some("https://abc.supabase.co/auth/v1/".to_owned());
        assert_eq!(check_backend(full, "anon", ORIGIN).unwrap(), "https://abc.supabase.co/auth/v1");
    }

    #[test]
    fn invalid_urls_are_errors() {
        for bad in ["abc.supabase.co", "javascript:alert(1)", "ftp://x", "https://", "http:///x"] {
            assert!(check_backend(Some(bad.to_owned()), "anon", ORIGIN).is_err(), "{bad}");
        }
    }
}
