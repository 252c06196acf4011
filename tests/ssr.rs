//! Server rendering: with the `ssr` feature (as a cargo-leptos host builds its server), the
//! provider, the auth routes and the guards render to HTML natively, touch no browser API (any
//! such call panics off wasm), and show a neutral loading state wherever the answer depends on
//! the session, which only the browser knows.
//!
//! `cargo test -p leptos-supabase-auth --features ssr --test ssr`
#![cfg(feature = "ssr")]

use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes},
    location::RequestUrl,
    path,
};
use leptos_supabase_auth::{
    AuthConfig, AuthProvider, AuthRoutes, RequireAal, RequireSignIn, Requirement, Strings,
};

/// Renders a host app (Router > AuthProvider > Routes with AuthRoutes under `/account`) at `url`.
fn render(url: &str) -> String {
    let owner = Owner::new();
    owner.set();
    provide_context(RequestUrl::new(url));
    let config =
        AuthConfig::new("https://project.supabase.co/auth/v1", "anon-key").with_base("/account");
    let html = view! {
        <Router>
            <AuthProvider config>
                <main>
                    <Routes fallback=|| view! { <h1>"Not found"</h1> }>
                        <Route path=path!("/") view=|| view! { <h1>"Host home"</h1> }/>
                        <Route
                            path=path!("/dashboard")
                            view=|| view! { <RequireSignIn><p>"private dashboard"</p></RequireSignIn> }
                        />
                        <Route
                            path=path!("/payouts")
                            view=|| view! { <RequireAal requirement=Requirement::AAL2><p>"private payouts"</p></RequireAal> }
                        />
                        <AuthRoutes/>
                    </Routes>
                </main>
            </AuthProvider>
        </Router>
    }
    .to_html();
    drop(owner);
    html
}

const EN: Strings = Strings::EN;

#[test]
fn host_routes_render_around_the_provider() {
    let html = render("/");
    assert!(html.contains("<h1>Host home</h1>"), "{html}");
    assert!(render("/nowhere").contains("Not found"));
}

#[test]
fn guards_render_a_neutral_loading_state() {
    for (url, private) in [("/dashboard", "private dashboard"), ("/payouts", "private payouts")] {
        let html = render(url);
        assert!(
            html.contains(r#"class="lsa-loading""#) && html.contains(r#"aria-busy="true""#),
            "{url}: {html}"
        );
        assert!(!html.contains(private), "{url} shows nothing private: {html}");
    }
}

#[test]
fn sign_in_page_waits_for_the_browser() {
    // Neither the form nor the second-factor step: the session is unknown on the server.
    let html = render("/account/sign-in?next=%2Fdashboard");
    assert!(html.contains(r#"class="lsa-card""#), "{html}");
    assert!(!html.contains("<form"), "{html}");
    assert!(!html.contains(EN.mfa_title), "{html}");
}

#[test]
fn auth_pages_render_their_headings() {
    let html = render("/account/recover");
    assert!(html.contains(EN.recover_step_email), "{html}");
    assert!(html.contains(r#"type="email""#), "the first step is the same for everyone: {html}");

    let html = render("/account/mfa?next=%2Fbilling");
    assert!(html.contains(EN.mfa_title), "{html}");
}

/// The link page renders on the server without touching a browser API.
#[test]
fn confirm_page_renders_its_heading() {
    let html = render("/account/confirm?token_hash=abc&type=recovery");
    assert!(html.contains(EN.confirm_title), "{html}");
}

#[test]
fn security_page_shows_nothing_before_the_session_is_known() {
    let html = render("/account/security");
    assert!(!html.contains(EN.security_title), "{html}");
    assert!(html.contains("<main>"), "{html}");
}
