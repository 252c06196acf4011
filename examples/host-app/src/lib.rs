//! An example host: a Leptos CSR app with its own router, layout, navigation and pages, that
//! embeds the auth section of `leptos-supabase-auth` under `/account`.
//!
//! - `/` — home, public.
//! - `/dashboard` — signed-in users only ([`RequireSignIn`]).
//! - `/billing` — signed-in users; "Delete card" needs a second factor within 5 minutes ([`use_guarded_action`]).
//! - `/payouts` — the whole page needs a second factor verified in the last 10 minutes
//!   ([`RequireAal`]).
//! - `/account/...` — the auth section ([`AuthRoutes`]).

mod pages;

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path,
};
use leptos_supabase_auth::{
    app::config_from_page, use_auth, AuthEvent, AuthProvider, AuthRoute, AuthRoutes, LogoutScope,
    RequireAal, RequireSignIn, Requirement,
};

/// The application: its `<Router>`, the auth provider inside it, then the layout and routes.
#[component]
pub fn App() -> impl IntoView {
    // Runtime configuration from `<meta>` tags (same origin when absent), like the standalone app.
    match config_from_page() {
        Ok(config) => {
            let config = config.with_base("/account").with_after_sign_in("/dashboard");
            // The sign-up page asks for a name too (the user's `data.name`); the section's
            // sign-up comes with this example's `full` feature.
            #[cfg(feature = "full")]
            let config = config.with_sign_up_field("name", "Full name", "name");
            view! {
                <Router>
                    <AuthProvider config>
                        <Layout/>
                    </AuthProvider>
                </Router>
            }
            .into_any()
        }
        Err(url) => view! { <p class="host-main">"Invalid Supabase URL: " {url}</p> }.into_any(),
    }
}

#[component]
fn Layout() -> impl IntoView {
    let auth = use_auth();
    // Host-side reaction to auth events: a notice when the session ends (here or in another tab).
    let notice = RwSignal::new(None::<&'static str>);
    auth.on_event(move |event| match event {
        AuthEvent::SignedOut => notice.set(Some("You are signed out.")),
        AuthEvent::SignedIn => notice.set(None),
        _ => {}
    });
    view! {
        <header class="host-header">
            <nav class="host-nav" aria-label="Main">
                <A href="/">"Acme"</A>
                <A href="/dashboard">"Dashboard"</A>
                <A href="/billing">"Billing"</A>
                <A href="/payouts">"Payouts"</A>
                <span class="host-spacer"></span>
                <Account/>
            </nav>
        </header>
        <main class="host-main">
            <p class="host-notice" role="status">{move || notice.get()}</p>
            <Routes fallback=|| view! { <h1>"Not found"</h1> }>
                <Route path=path!("/") view=pages::Home/>
                <Route path=path!("/dashboard") view=|| view! { <RequireSignIn><pages::Dashboard/></RequireSignIn> }/>
                <Route path=path!("/billing") view=|| view! { <RequireSignIn><pages::Billing/></RequireSignIn> }/>
                <Route
                    path=path!("/payouts")
                    view=|| view! {
                        <RequireAal requirement=Requirement::within_minutes(10) id="host.payouts">
                            <pages::Payouts/>
                        </RequireAal>
                    }
                />
                <AuthRoutes/>
            </Routes>
        </main>
    }
}

/// The account part of the navigation: sign-in link, or email, settings and sign-out.
#[component]
fn Account() -> impl IntoView {
    let auth = use_auth();
    let (signed_in, loading) = (auth.is_signed_in(), auth.is_loading());
    let sign_out = move |_| {
        // Leave guarded pages first, then end the session on the server and here.
        auth.navigate("/");
        spawn_local(async move {
            let _ = auth.sign_out(LogoutScope::Local).await;
        });
    };
    view! {
        <Show when=move || !loading.get()>
            <Show
                when=move || signed_in.get()
                fallback=move || view! { <A href=auth.path(AuthRoute::SignIn)>"Sign in"</A> }
            >
                <span class="host-user">{move || auth.email().get()}</span>
                <A href=auth.path(AuthRoute::Security)>"Security"</A>
                <button type="button" class="host-button" on:click=sign_out>"Sign out"</button>
            </Show>
        </Show>
    }
}
