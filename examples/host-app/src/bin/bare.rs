//! The host example without the auth section, for `scripts/bench.sh --host`: the same Leptos
//! app shell (its router, navigation and pages' places) with a plain form where the section's
//! sign-in page would be. What the host example fetches beyond this is the section's share.
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes, A},
    path,
};

#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <header class="host-header">
                <nav class="host-nav" aria-label="Main">
                    <A href="/">"Acme"</A>
                    <A href="/dashboard">"Dashboard"</A>
                    <A href="/billing">"Billing"</A>
                    <A href="/payouts">"Payouts"</A>
                    <span class="host-spacer"></span>
                    <A href="/account/sign-in">"Sign in"</A>
                </nav>
            </header>
            <main class="host-main">
                <Routes fallback=|| view! { <h1>"Not found"</h1> }>
                    <Route path=path!("/") view=|| view! { <h1>"Acme"</h1> }/>
                    <Route path=path!("/dashboard") view=|| view! { <h1>"Dashboard"</h1> }/>
                    <Route path=path!("/billing") view=|| view! { <h1>"Billing"</h1> }/>
                    <Route path=path!("/payouts") view=|| view! { <h1>"Payouts"</h1> }/>
                    <Route path=path!("/account/sign-in") view=SignIn/>
                </Routes>
            </main>
        </Router>
    }
}

/// Where the section's sign-in page would be: one field, so that the bench sees the page ready.
#[component]
fn SignIn() -> impl IntoView {
    view! {
        <h1>"Sign in"</h1>
        <form><label>"Email" <input type="email" name="email"/></label></form>
    }
}

fn main() {
    leptos::mount::mount_to_body(App);
}
