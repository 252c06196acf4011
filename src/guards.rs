//! Guards for the host's own routes and actions: [`RequireSignIn`] (signed-in only, else to the
//! sign-in page and back), [`RequireAal`] (a second factor, possibly a recent one, else to the
//! step-up page and back) and [`use_guarded_action`] (run an action now, or once the user has
//! verified a second factor, without pressing again).
//!
//! They only decide what to show and where to send the user. The server stays the authority:
//! an API that needs `aal2` must check the token's `aal` claim itself.

use crate::platform::storage::{self, Area};
use crate::session::{aal::Requirement, state::AuthState, step_up::Reason, AuthStore, Resume};
use crate::{use_auth, AuthRoute};
use leptos::prelude::*;

/// Where a guarded page notes that it sent the user to the step-up page (`sessionStorage`).
const SENT_KEY: &str = "lsa.guard.sent";

/// What a guarded page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gate {
    /// The session is not known yet.
    Wait,
    /// Nobody is signed in: to the sign-in page.
    SignIn,
    /// The password is done but not the second factor: to the sign-in page's second step.
    SecondFactor,
    /// Signed in, but the requirement needs a (fresh) second factor: to the step-up page.
    StepUp,
    /// The user cancelled the step-up for this page: explain instead of bouncing.
    Declined,
    /// Show the page.
    Open,
}

/// The gate for `state`; `met` tells whether the requirement is met, `anonymous` whether an
/// anonymous user may in, `declined` whether the user cancelled the step-up this page asked
/// for.
pub(crate) fn gate(
    state: &AuthState,
    met: bool,
    anonymous: bool,
    declined: impl FnOnce() -> bool,
) -> Gate {
    match state {
        AuthState::Loading => Gate::Wait,
        AuthState::SignedOut => Gate::SignIn,
        // The sign-in page lets them sign in (or on to sign-up, which keeps what they did).
        s if s.is_anonymous() && !anonymous => Gate::SignIn,
        AuthState::SecondFactorPending(_) => Gate::SecondFactor,
        AuthState::SignedIn(_) if met => Gate::Open,
        AuthState::SignedIn(_) if declined() => Gate::Declined,
        AuthState::SignedIn(_) => Gate::StepUp,
    }
}

fn loading_view() -> impl IntoView {
    view! { <div class="lsa-loading" aria-busy="true"></div> }
}

/// Shows `children` to fully signed-in users only. Signed-out users go to the sign-in page,
/// and users who typed their password but not yet their second factor go to its second step;
/// both come back here afterwards. Anonymous users count as signed out unless
/// `allow_anonymous`. Your backend must still check the token's `aal` (for
/// example in row-level security): this guard decides what the page shows, not what the API
/// allows.
///
/// ```no_run
/// # use leptos::prelude::*;
/// # use leptos_supabase_auth::RequireSignIn;
/// # #[component] fn Dashboard() -> impl IntoView { "…" }
/// view! { <RequireSignIn><Dashboard/></RequireSignIn> };
/// ```
#[component]
pub fn RequireSignIn(
    /// Shown while the session is not known yet, or while redirecting.
    #[prop(optional, into)]
    fallback: Option<ViewFn>,
    /// Lets anonymous users in ([`AuthStore::sign_in_anonymously`]).
    #[prop(optional)]
    allow_anonymous: bool,
    children: ChildrenFn,
) -> impl IntoView {
    RequireAal(RequireAalProps {
        requirement: Requirement::ANY,
        id: "lsa.sign-in",
        fallback,
        allow_anonymous,
        children,
    })
}

/// Shows `children` to fully signed-in users whose session meets `requirement` (a second
/// factor, or one verified within some minutes); the others sign in or step up first and come
/// back. Cancelling the step-up shows an explanation with a button to try again. Anonymous
/// users count as signed out unless `allow_anonymous`.
///
/// ```no_run
/// # use leptos::prelude::*;
/// # use leptos_supabase_auth::{RequireAal, Requirement};
/// # #[component] fn Payouts() -> impl IntoView { "…" }
/// view! {
///     <RequireAal requirement=Requirement::within_minutes(10) id="host.payouts">
///         <Payouts/>
///     </RequireAal>
/// };
/// ```
#[component]
pub fn RequireAal(
    /// What the session must meet.
    requirement: Requirement,
    /// Names this page's pending step-up.
    #[prop(default = "lsa.page")]
    id: &'static str,
    /// Shown while the session is not known yet, or while redirecting.
    #[prop(optional, into)]
    fallback: Option<ViewFn>,
    /// Lets anonymous users in ([`AuthStore::sign_in_anonymously`]).
    #[prop(optional)]
    allow_anonymous: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let auth = use_auth();
    let state = auth.state();
    let recheck = RwSignal::new(0u32);
    watch_freshness(auth, requirement, recheck);
    let shown = Memo::new(move |_| {
        recheck.track();
        state.with(|s| {
            gate(s, auth.satisfies(&requirement), allow_anonymous, || {
                sent_here(&auth.here()) && auth.pending_step_up().is_none_or(|p| p != id)
            })
        })
    });
    let base = auth.config().base;
    Effect::new(move |_| {
        let path = auth.here();
        match shown.get() {
            Gate::SignIn | Gate::SecondFactor => {
                auth.replace(&AuthRoute::SignIn.path_with_next(&base, &path))
            }
            Gate::StepUp => {
                storage::set(Area::Session, SENT_KEY, &path);
                auth.remember_step_up(id, Reason::Continue, &path);
                auth.replace(&AuthRoute::Mfa.path_with_next(&base, &path));
            }
            Gate::Declined => storage::remove(Area::Session, SENT_KEY),
            Gate::Open => {
                if sent_here(&path) {
                    storage::remove(Area::Session, SENT_KEY);
                }
                // The page itself was what waited: consume its entry.
                let _ = auth.resume_step_up(id, &requirement);
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

/// Bumps `recheck` when a verdict of `req` may have changed with time alone: when the second
/// factor grows too old for it (a timer set for that moment), and when the page becomes visible
/// again (timers sleep in background tabs). The verdict is not kept while the page stays open.
fn watch_freshness(auth: AuthStore, req: Requirement, recheck: RwSignal<u32>) {
    if req.max_age_secs.is_none() || !cfg!(target_arch = "wasm32") {
        return;
    }
    let bump = move || {
        let _ = recheck.try_update(|n| *n = n.wrapping_add(1));
    };
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        recheck.track();
        auth.state().track();
        if let Some(t) = timer.get_value() {
            t.clear();
        }
        let secs = auth.session_untracked().and_then(|s| {
            let now = s.server_now(crate::session::persist::now());
            crate::session::aal::met_for(&req, &s.claims, s.user.has_verified_factor(), now)
        });
        let ms = secs.map(|s| s.clamp(1, 86_400) as u64 * 1000);
        let handle = ms.and_then(|ms| {
            set_timeout_with_handle(bump, std::time::Duration::from_millis(ms)).ok()
        });
        timer.set_value(handle);
    });
    #[cfg(target_arch = "wasm32")]
    {
        let visible = window_event_listener_untyped("visibilitychange", move |_| bump());
        on_cleanup(move || visible.remove());
    }
    on_cleanup(move || {
        if let Some(t) = timer.try_get_value().flatten() {
            t.clear();
        }
    });
}

fn declined(auth: AuthStore, id: &'static str) -> impl IntoView {
    let s = auth.strings();
    let retry = move |_| {
        storage::set(Area::Session, SENT_KEY, &auth.here());
        auth.ask_step_up(id, Reason::Continue);
    };
    view! {
        <section class="lsa-card">
            <h1>{s.mfa_title}</h1>
            <p>{s.mfa_step_up_intro}</p>
            <p><button type="button" class="lsa-button" on:click=retry>{s.continue_}</button></p>
        </section>
    }
}

/// Wraps a sensitive action of the host: calling the returned function runs `action` when the
/// session meets `requirement`, and otherwise goes through the step-up page and runs it by
/// itself when the user comes back verified. It runs only for the same user and session that
/// asked, within five minutes, and after a second factor was verified since; after a reload on
/// the step-up page the user presses again instead.
///
/// ```no_run
/// # use leptos::prelude::*;
/// # use leptos_supabase_auth::{use_guarded_action, Requirement};
/// # #[component] fn Card() -> impl IntoView {
/// let delete = use_guarded_action("host.delete-card", Requirement::within_minutes(5), move || {
///     // call your backend here
/// });
/// view! { <button on:click=move |_| delete()>"Delete card"</button> }
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
        if id.with_value(|id| auth.resume_step_up(id, &requirement)) == Resume::Run {
            action.with_value(|a| a());
        }
        true
    });
    move || {
        id.with_value(|id| auth.guard(id, &requirement, || action.with_value(|a| a())));
    }
}

fn sent_here(path: &str) -> bool {
    storage::get(Area::Session, SENT_KEY).as_deref() == Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates() {
        assert_eq!(gate(&AuthState::Loading, false, false, || unreachable!()), Gate::Wait);
        assert_eq!(gate(&AuthState::SignedOut, false, false, || unreachable!()), Gate::SignIn);
        assert_eq!(gate(&AuthState::SignedOut, true, false, || unreachable!()), Gate::SignIn);
    }

    /// A session whose access token has the claims `payload`, for a user with `factors`.
    fn session_of(
        payload: &str,
        factors: Vec<crate::api::Factor>,
    ) -> crate::session::state::Session {
        let b = crate::api::pkce::base64url;
        let jwt = [b(br#"{"alg":"HS256"}"#), b(payload.as_bytes()), "sig".into()].join(".");
        let user = crate::api::User { id: "u".into(), factors, ..Default::default() };
        let resp = crate::api::TokenResponse {
            access_token: jwt,
            refresh_token: "r".into(),
            expires_in: 3600,
            expires_at: None,
            user,
        };
        crate::session::state::Session::from_response(resp, 0).unwrap()
    }

    fn session(aal: &str, verified_factor: bool) -> crate::session::state::Session {
        let payload =
            format!(r#"{{"sub":"u","exp":9999999999,"iat":1,"aal":"{aal}","session_id":"s"}}"#);
        let status = if verified_factor { "verified" } else { "unverified" };
        let factor = crate::api::Factor {
            id: "f".into(),
            factor_type: "totp".into(),
            status: status.into(),
            ..Default::default()
        };
        session_of(&payload, vec![factor])
    }

    #[test]
    fn a_pending_second_factor_is_never_let_in() {
        let pending = AuthState::from_session(session("aal1", true));
        // Even a requirement that is "met" (RequireSignIn asks for nothing more) does not open.
        assert_eq!(gate(&pending, true, false, || unreachable!()), Gate::SecondFactor);
        assert_eq!(gate(&pending, false, false, || true), Gate::SecondFactor);
        let full = AuthState::from_session(session("aal2", true));
        assert_eq!(gate(&full, true, false, || unreachable!()), Gate::Open);
        assert_eq!(gate(&full, false, false, || false), Gate::StepUp);
        assert_eq!(gate(&full, false, false, || true), Gate::Declined);
        let one_step = AuthState::from_session(session("aal1", false));
        assert_eq!(gate(&one_step, true, false, || unreachable!()), Gate::Open);
    }

    /// An anonymous user is signed in, but kept out unless the page allows it.
    #[test]
    fn an_anonymous_user_is_let_in_only_when_allowed() {
        let anonymous = AuthState::from_session(anonymous_session());
        assert!(anonymous.is_signed_in() && anonymous.is_anonymous());
        assert_eq!(gate(&anonymous, true, false, || unreachable!()), Gate::SignIn);
        assert_eq!(gate(&anonymous, true, true, || unreachable!()), Gate::Open);
        let full = AuthState::from_session(session("aal1", false));
        assert!(!full.is_anonymous());
    }

    fn anonymous_session() -> crate::session::state::Session {
        session_of(
            r#"{"sub":"u","exp":9999999999,"iat":1,"aal":"aal1","session_id":"s","is_anonymous":true,"amr":[{"method":"anonymous","timestamp":1}]}"#,
            Vec::new(),
        )
    }
}
