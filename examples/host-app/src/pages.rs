//! The host's own pages.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_supabase_auth::{use_auth, use_guarded_action, Aal, Requirement};

/// Public home page.
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <h1>"Acme"</h1>
        <p>"An example app that embeds the account pages of leptos-supabase-auth under /account."</p>
        <p><A href="/dashboard">"Open your dashboard"</A></p>
    }
}

fn level(aal: Option<Aal>) -> &'static str {
    match aal {
        Some(Aal::Aal2) => "two steps",
        _ => "one step",
    }
}

/// Signed-in users only (the route wraps it in `RequireSignIn`).
#[component]
pub fn Dashboard() -> impl IntoView {
    let auth = use_auth();
    view! {
        <h1>"Dashboard"</h1>
        <p>"Signed in as " {move || auth.email().get().unwrap_or_default()} "."</p>
        <p>"This session was verified with " {move || level(auth.current_aal().get())} "."</p>
    }
}

/// Billing (signed-in users only): deleting the card needs a second factor verified within the
/// last 5 minutes; after the step-up it completes by itself.
#[component]
pub fn Billing() -> impl IntoView {
    let auth = use_auth();
    let card = RwSignal::new(true);
    let status = RwSignal::new(None::<String>);
    // In a real app this calls the host's backend, which checks the token's `aal` claim.
    let delete_card = use_guarded_action("host.delete-card", Requirement::within_minutes(5), move || {
        card.set(false);
        let how = level(auth.current_aal().get_untracked());
        status.set(Some(format!("Card deleted (session verified with {how}).")));
    });
    view! {
        <h1>"Billing"</h1>
        <Show when=move || card.get() fallback=|| view! { <p>"No card on file."</p> }>
            <p>"Visa ending in 4242"</p>
            <button type="button" class="host-button host-danger" on:click=move |_| delete_card()>
                "Delete card"
            </button>
        </Show>
        <p class="host-notice" role="status">{move || status.get()}</p>
    }
}

/// Payouts: the whole page needs a second factor verified within the last 10 minutes.
#[component]
pub fn Payouts() -> impl IntoView {
    view! {
        <h1>"Payouts"</h1>
        <p>"Next payout: 1,204.00 EUR on the 1st."</p>
    }
}
