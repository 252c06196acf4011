//! The step-up page at `{base}/mfa?next=...`, where [`crate::AuthStore::step_up`] sends users:
//! it says why, verifies a second factor, then returns to the validated `next`, whose page
//! resumes the pending action ([`crate::AuthStore::resume`]). Cancel returns too, and forgets the
//! pending action. Everything it needs survives a reload (session in `localStorage`, pending
//! action in `sessionStorage`).

use crate::components::task::spawn;
use crate::components::Heading;
use crate::session::state::AuthState;
use crate::AuthRoute;
use leptos::prelude::*;

crate::split::points! {
    /// The step-up page: only a sensitive action sends users there.
    #[part(step_up, card)]
    pub(crate) fn step_up() => view! { <MfaPage/> };
}

/// The step-up page (`{base}/mfa?next=…`): verify a second factor, then back to `next`, where
/// the action that asked resumes. Cancel, or leaving without verifying, forgets that action.
#[component]
pub fn MfaPage() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let next = Memo::new(move |_| auth.next());
    // Set once a factor is verified: leaving then is the way back, not an abandonment.
    let verified = StoredValue::new(false);
    // Also called from async tasks: once the page is gone (`next` disposed) it does nothing.
    let go_next = move || {
        if let Some(path) = next.try_get_untracked() {
            auth.navigate(&path);
        }
    };
    on_cleanup(move || {
        if !verified.try_get_value().unwrap_or(true) {
            auth.cancel_step_up();
        }
    });

    // Signed out (here or in another tab): sign in first, keeping where to go afterwards.
    let (state, factors) = (auth.state(), auth.factors());
    let has_session = Memo::new(move |_| state.with(|st| st.session().is_some()));
    Effect::new(move |_| {
        if state.with(|st| matches!(st, AuthState::SignedOut)) {
            let base = auth.config().base;
            auth.navigate(&AuthRoute::SignIn.path_with_next(&base, &next.get_untracked()));
        }
    });
    // Fresh factors: a user without a verified factor has nothing to verify and goes on.
    let checked = RwSignal::new(false);
    Effect::new(move |_| {
        if has_session.get() && !checked.get_untracked() {
            checked.set(true);
            spawn(async move { auth.reload_user().await }, move |_| {
                if auth.session_untracked().is_some_and(|s| !s.user.has_verified_factor()) {
                    go_next();
                }
            });
        }
    });

    let reason = auth.step_up_reason().unwrap_or(s.mfa_step_up_intro);
    let cancel = move |_| {
        auth.cancel_step_up();
        go_next();
    };
    let done = Callback::new(move |_| {
        verified.set_value(true);
        go_next();
    });
    let has_factor = move || factors.with(|fs| fs.iter().any(|f| f.is_verified()));
    view! {
        <section class="lsa-card">
            <Heading text=s.mfa_title/>
            <p>{reason}</p>
            <Show when=has_factor>
                {crate::components::factor_verify(done)}
            </Show>
            <p>
                <button type="button" class="lsa-button lsa-button-secondary" on:click=cancel>{s.cancel}</button>
            </p>
        </section>
    }
}
