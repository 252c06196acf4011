//! Settings → Security at `{base}/security`: an overview of the session, the factor list with
//! removal, authenticator-app and phone enrolment, password change and sign-out scopes.
//!
//! Sensitive actions are guarded: when the session is below what an [`actions::Action`] needs,
//! the typed input is kept in memory ([`draft`]), the store records the action and sends the
//! user to the step-up page; back here, [`SecurityPage`] resumes it without another press. The
//! decisions are pure ([`actions`], [`messages`], [`totp`], [`phone`], [`factors`]); the
//! components only wire them to the store.

pub mod actions;
mod add_phone;
mod add_totp;
mod change_password;
pub mod draft;
mod factor_list;
pub mod factors;
pub mod messages;
mod overview;
pub mod phone;
mod sessions;
pub mod totp;

use crate::components::browser::current_path;
use crate::session::{state::AuthState, step_up, AuthStore};
use crate::AuthRoute;
use actions::{recovery, Action, Recovery};
use leptos::prelude::*;
use messages::Op;

/// The security screen at `{base}/security` (signed-in only; others go to sign-in and back).
///
/// ```no_run
/// # use leptos::prelude::*;
/// use leptos_supabase_auth::security::SecurityPage;
/// # fn route() -> impl IntoView {
/// // Inside `AuthProvider`; `AuthRoutes` already mounts it at `{base}/security`.
/// view! { <SecurityPage/> }
/// # }
/// ```
#[component]
pub fn SecurityPage() -> impl IntoView {
    let auth = crate::use_auth();
    // Set while this page signs the user out on purpose (it then leaves by itself).
    let leaving = StoredValue::new(false);
    let (state, signed_in) = (auth.state(), auth.is_signed_in());
    Effect::new(move |_| {
        let signed_out = state.with(|s| matches!(s, AuthState::SignedOut));
        if signed_out && !leaving.get_value() {
            let base = auth.config().base;
            auth.navigate(&AuthRoute::SignIn.path_with_next(&base, &current_path()));
        }
    });
    view! {
        <Show when=move || signed_in.get()>
            <Screen leaving/>
        </Show>
    }
}

#[component]
fn Screen(leaving: StoredValue<bool>) -> impl IntoView {
    let auth = crate::use_auth();
    let resumed = take_resumed(auth);
    // Fresh factors, and a check that another device did not end this session.
    leptos::task::spawn_local(async move {
        if let Err(e) = auth.reload_user().await {
            if recovery(&e, false) == Recovery::SignIn {
                auth.clear_session();
            }
        }
    });
    let remove = match &resumed {
        Some(Action::Remove(id)) => Some(id.clone()),
        _ => None,
    };
    let (totp, phone) = (resumed == Some(Action::AddTotp), resumed == Some(Action::AddPhone));
    let password = resumed == Some(Action::ChangePassword);
    view! {
        <overview::Overview/>
        <factor_list::FactorList resume_remove=remove/>
        <section class="lsa-card" aria-labelledby="lsa-add-h">
            <h2 id="lsa-add-h" tabindex="-1">{auth.strings().add_factor_title}</h2>
            <add_totp::AddTotp resume=totp/>
            <add_phone::AddPhone resume=phone/>
        </section>
        <change_password::ChangePassword resume=password/>
        <sessions::Sessions leaving/>
    }
}

/// The action of this screen that was waiting for a step-up and may run now. A pending action
/// whose requirement is still not met was abandoned (the user came back without verifying):
/// it is forgotten, with its draft.
fn take_resumed(auth: AuthStore) -> Option<Action> {
    let pending = step_up::peek().and_then(|p| Action::parse(&p.id));
    let factors = factors_now(auth);
    let resumed = pending.filter(|a| auth.resume(&a.id(), &a.requirement(&factors)));
    if resumed.is_none() {
        if pending_is_ours() {
            step_up::clear();
        }
        draft::clear();
    }
    resumed
}

fn pending_is_ours() -> bool {
    step_up::peek().is_some_and(|p| Action::parse(&p.id).is_some())
}

/// Handles a failed request of `action`: a step-up (keeping `draft` in memory), a lost session
/// (forgotten here; the page then goes to sign-in), or a message to show (returned).
pub(crate) fn on_error(
    auth: AuthStore,
    err: &crate::api::ApiError,
    op: Op,
    action: &Action,
    resumed: bool,
    keep: Option<draft::Draft>,
) -> Option<String> {
    match recovery(err, resumed) {
        Recovery::StepUp => {
            if let Some(d) = keep {
                draft::put(d);
            }
            // The server may know of a factor we did not: reload first so the step-up page
            // offers it.
            let id = action.id();
            leptos::task::spawn_local(async move {
                let _ = auth.reload_user().await;
                auth.step_up(&id);
            });
            None
        }
        Recovery::SignIn => {
            auth.clear_session();
            None
        }
        Recovery::SendNonce | Recovery::Show => Some(messages::message(auth.strings(), op, err)),
    }
}

/// Runs `action` now if the session meets its requirement; otherwise keeps `keep` in memory and
/// goes to the step-up page. Returns whether it ran.
pub(crate) fn guarded(
    auth: AuthStore,
    action: &Action,
    keep: Option<draft::Draft>,
    run: impl FnOnce(),
) -> bool {
    let req = action.requirement(&factors_now(auth));
    if auth.satisfies(&req) {
        run();
        true
    } else {
        if let Some(d) = keep {
            draft::put(d);
        }
        auth.step_up(&action.id());
        false
    }
}

/// The user's factors as the store has them now (untracked; safe inside async tasks).
pub(crate) fn factors_now(auth: AuthStore) -> Vec<crate::api::Factor> {
    auth.session_untracked().map(|s| s.user.factors).unwrap_or_default()
}
