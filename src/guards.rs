//! Guards for the host's own routes and actions: [`RequireSignIn`] (signed-in only, else to the
//! sign-in page and back), [`RequireAal`] (a second factor, possibly a recent one, else to the
//! step-up page and back) and [`use_guarded_action`] (run an action now, or once the user has
//! verified a second factor, without pressing again).
//!
//! They only decide what to show and where to send the user. The server stays the authority:
//! an API that needs `aal2` must check the token's `aal` claim itself.

use crate::session::{aal::Requirement, state::AuthState, step_up, AuthStore};
use crate::{use_auth, AuthRoute};
use leptos::prelude::*;
use leptos_router::{
    hooks::{use_location, use_navigate},
    NavigateOptions,
};

/// `sessionStorage` key: the path [`RequireAal`] last sent to the step-up page. Coming back to
/// it with no pending step-up means the user cancelled, so the page does not bounce them again.
const SENT_KEY: &str = "lsa.guard.sent";

/// What a guard shows for the store's state.
///
/// ```
/// # use leptos_supabase_auth::api::{pkce::base64url, TokenResponse, User};
/// # use leptos_supabase_auth::session::state::Session;
/// # let access_token = format!("h.{}.s", base64url(br#"{"sub": "u1", "aal": "aal1"}"#));
/// # let user = User { id: "u1".into(), ..User::default() };
/// # let resp = TokenResponse {
/// #     access_token, refresh_token: "r1".into(), expires_in: 3600, expires_at: None, user,
/// # };
/// # let session = Session::from_response(resp, 0).unwrap();
/// use leptos_supabase_auth::guards::{gate, Gate};
/// use leptos_supabase_auth::session::state::AuthState;
/// let signed_in = AuthState::SignedIn(session);
/// assert_eq!(gate(&signed_in, true, || false), Gate::Open);
/// assert_eq!(gate(&signed_in, false, || false), Gate::StepUp);
/// assert_eq!(gate(&signed_in, false, || true), Gate::Declined); // back without verifying
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// The session is not known yet (storage unread, or server rendering): the neutral fallback.
    Wait,
    /// Signed out: leaving for the sign-in page.
    SignIn,
    /// Signed in below the requirement: leaving for the step-up page.
    StepUp,
    /// Came back from the step-up page without verifying: explain and offer it again.
    Declined,
    /// The requirement is met: the guarded content.
    Open,
}

/// Decides the [`Gate`]. `met` says whether the session meets the requirement; `declined` is
/// asked only for a signed-in session below it.
///
/// ```
/// use leptos_supabase_auth::guards::{gate, Gate};
/// use leptos_supabase_auth::session::state::AuthState;
/// assert_eq!(gate(&AuthState::Loading, false, || false), Gate::Wait);
/// assert_eq!(gate(&AuthState::SignedOut, false, || false), Gate::SignIn);
/// ```
pub fn gate(state: &AuthState, met: bool, declined: impl FnOnce() -> bool) -> Gate {
    match state {
        AuthState::Loading => Gate::Wait,
        AuthState::SignedOut => Gate::SignIn,
        AuthState::SignedIn(_) if met => Gate::Open,
        AuthState::SignedIn(_) if declined() => Gate::Declined,
        AuthState::SignedIn(_) => Gate::StepUp,
    }
}

/// Joins `?search` onto a path the way the router reports it (`search` may lack the `?`).
fn with_search(path: String, search: &str, hash: &str) -> String {
    let q = if search.is_empty() || search.starts_with('?') { "" } else { "?" };
    [path.as_str(), q, search, hash].concat()
}

fn current(loc: &leptos_router::location::Location) -> String {
    with_search(
        loc.pathname.get_untracked(),
        &loc.search.get_untracked(),
        &loc.hash.get_untracked(),
    )
}

fn route_next(auth: AuthStore, route: AuthRoute, next: &str) -> String {
    route.path_with_next(&auth.config().base, next)
}

fn loading_view() -> impl IntoView {
    view! { <div class="lsa-loading" aria-busy="true"></div> }
}

/// Shows `children` to signed-in users. Signed-out users are sent (replacing the history
/// entry) to `{base}/sign-in?next=<this page>`, which brings them back after signing in.
/// While the session is unknown — before storage is read, and always during server rendering —
/// it shows `fallback` (default: an empty `<div class="lsa-loading" aria-busy="true">`).
///
/// ```no_run
/// # use leptos::prelude::*;
/// use leptos_supabase_auth::RequireSignIn;
/// # #[component] fn Dashboard() -> impl IntoView { "stats" }
/// # fn route() -> impl IntoView {
/// view! { <RequireSignIn><Dashboard/></RequireSignIn> }
/// # }
/// ```
#[component]
pub fn RequireSignIn(
    /// Shown while the session is unknown or the user is being sent to sign in.
    #[prop(optional, into)]
    fallback: Option<ViewFn>,
    /// The guarded content.
    children: ChildrenFn,
) -> impl IntoView {
    RequireAal(RequireAalProps {
        requirement: Requirement::ANY,
        id: "lsa.sign-in",
        fallback,
        children,
    })
}

/// Shows `children` when the session meets `requirement` (e.g. [`Requirement::AAL2`] or
/// [`Requirement::within_minutes`]). Signed-out users go to the sign-in page; signed-in users
/// below the requirement go (replacing the history entry) to `{base}/mfa?next=<this page>`,
/// which brings them back once they verified a factor. If they cancel there, this shows an
/// explanation with a button to try again instead of sending them back at once. Users without a
/// verified factor meet an `aal2` requirement (they have nothing to step up with).
///
/// The requirement is checked when the session changes and when the page opens; a
/// `within_minutes` requirement is not re-checked while the page stays open.
///
/// ```no_run
/// # use leptos::prelude::*;
/// use leptos_supabase_auth::{RequireAal, Requirement};
/// # #[component] fn Payouts() -> impl IntoView { "payouts" }
/// # fn route() -> impl IntoView {
/// view! { <RequireAal requirement=Requirement::within_minutes(10)><Payouts/></RequireAal> }
/// # }
/// ```
#[component]
pub fn RequireAal(
    /// What the session must meet.
    requirement: Requirement,
    /// Names this guard's pending step-up (shown reasons and resume use it).
    #[prop(default = "lsa.page")]
    id: &'static str,
    /// Shown while the session is unknown or the user is being sent away.
    #[prop(optional, into)]
    fallback: Option<ViewFn>,
    /// The guarded content.
    children: ChildrenFn,
) -> impl IntoView {
    let auth = use_auth();
    let loc = use_location();
    let state = auth.state();
    let navigate = use_navigate();
    let replace_with =
        move |path: &str| navigate(path, NavigateOptions { replace: true, ..Default::default() });
    let here = loc.clone();
    let shown = Memo::new(move |_| {
        state.with(|s| {
            gate(s, auth.satisfies(&requirement), || {
                sent_here(&current(&here)) && step_up::peek().is_none_or(|p| p.id != id)
            })
        })
    });
    Effect::new(move |_| {
        let path = current(&loc);
        match shown.get() {
            Gate::SignIn => replace_with(&route_next(auth, AuthRoute::SignIn, &path)),
            Gate::StepUp => {
                session_set(SENT_KEY, &path);
                step_up::set(&step_up::Pending { id: id.into(), return_to: path.clone() });
                replace_with(&route_next(auth, AuthRoute::Mfa, &path));
            }
            Gate::Declined => session_delete(SENT_KEY),
            Gate::Open => {
                if sent_here(&path) {
                    session_delete(SENT_KEY);
                }
                step_up::take(id);
            }
            Gate::Wait => {}
        }
    });
    let fallback = fallback.unwrap_or_else(|| ViewFn::from(loading_view));
    move || match shown.get() {
        Gate::Open => children().into_any(),
        Gate::Declined => declined(auth, id).into_any(),
        _ => fallback.run(),
    }
}

fn declined(auth: AuthStore, id: &'static str) -> impl IntoView {
    let s = auth.strings();
    let retry = move |_| {
        session_set(SENT_KEY, &crate::components::browser::current_path());
        auth.step_up(id);
    };
    view! {
        <section class="lsa-card">
            <h1>{s.mfa_title}</h1>
            <p>{s.mfa_step_up_intro}</p>
            <p><button type="button" class="lsa-button" on:click=retry>{s.continue_}</button></p>
        </section>
    }
}

/// A guarded action: calling the returned closure runs `action` if the session meets
/// `requirement`, and otherwise records it (as `id`) and sends the user to the step-up page.
/// When the user comes back verified, the component that called this hook runs `action` by
/// itself once it is mounted again ([`AuthStore::resume`]) — no second press. The closure is
/// `Copy`, so it can serve several buttons. Anything the action needs must survive the trip
/// (the page is re-created): keep it in the URL or storage, never a password.
///
/// ```no_run
/// # use leptos::prelude::*;
/// use leptos_supabase_auth::{use_guarded_action, Requirement};
/// # #[component] fn Billing() -> impl IntoView {
/// let deleted = RwSignal::new(false);
/// let delete_card = use_guarded_action("delete-card", Requirement::AAL2, move || deleted.set(true));
/// view! { <button on:click=move |_| delete_card()>"Delete card"</button> }
/// # }
/// ```
pub fn use_guarded_action(
    id: impl Into<String>,
    requirement: Requirement,
    action: impl Fn() + 'static,
) -> impl Fn() + Copy + 'static {
    let auth = use_auth();
    let id = StoredValue::new(id.into());
    let action = StoredValue::new_local(action);
    let state = auth.state();
    // Resume once the session is known (at once in the browser; never during server rendering).
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || state.with(|s| matches!(s, AuthState::Loading)) {
            return done.unwrap_or(false);
        }
        if id.with_value(|id| auth.resume(id, &requirement)) {
            action.with_value(|a| a());
        }
        true
    });
    move || {
        id.with_value(|id| auth.guard(id, &requirement, || action.with_value(|a| a())));
    }
}

/// Whether [`RequireAal`] last sent the user from `path` to the step-up page.
fn sent_here(path: &str) -> bool {
    session_get(SENT_KEY).as_deref() == Some(path)
}

fn session_get(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()?.session_storage().ok()??.get_item(key).ok()?
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

fn session_set(key: &str, value: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, value);
}

fn session_delete(key: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.remove_item(key);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = key;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates() {
        assert_eq!(gate(&AuthState::Loading, false, || unreachable!()), Gate::Wait);
        assert_eq!(gate(&AuthState::SignedOut, false, || unreachable!()), Gate::SignIn);
        assert_eq!(gate(&AuthState::SignedOut, true, || unreachable!()), Gate::SignIn);
    }

    #[test]
    fn search_is_joined() {
        assert_eq!(with_search("/a".into(), "", ""), "/a");
        assert_eq!(with_search("/a".into(), "x=1", "#h"), "/a?x=1#h");
        assert_eq!(with_search("/a".into(), "?x=1", ""), "/a?x=1");
    }
}
