//! Settings → Security at `{base}/security`: an overview of the session, the factor list with
//! removal, security-key, authenticator-app and phone enrolment, passkeys, password and email
//! change, and sign-out scopes. The forms are fetched when the user opens one ([`OnDemand`]; a
//! form that comes back from a step-up opens by itself), so the screen's first load is its
//! overview.
//!
//! Sensitive actions are guarded: when the session is below what an [`actions::Action`] needs,
//! the typed input is kept in memory ([`draft`]), the store records the action and sends the
//! user to the step-up page; back here, [`SecurityPage`] resumes it without another press. The
//! decisions are pure ([`actions`], [`messages`], [`totp`], [`phone`], [`factors`]); the
//! components only wire them to the store.

pub mod actions;
#[cfg(feature = "webauthn")]
mod add_key;
#[cfg(feature = "phone")]
mod add_phone;
mod add_totp;
mod change_password;
pub mod draft;
mod email;
mod factor_list;
pub mod factors;
#[cfg(feature = "social")]
mod identities;
pub mod messages;
mod overview;
#[cfg(feature = "webauthn")]
mod passkey_panel;
#[cfg(feature = "webauthn")]
mod passkeys;
#[cfg(feature = "phone")]
pub mod phone;
mod sessions;
pub mod totp;

use add_totp::AddTotp;
use change_password::ChangePassword;
use email::EmailChange;

use crate::components::task::spawn;
use crate::session::{state::AuthState, AuthStore, Resume};
use crate::AuthRoute;
use actions::{recovery, Action, Recovery};
use leptos::prelude::*;
use messages::Op;

/// Settings → Security (`{base}/security`): for fully signed-in users; the others sign in (or
/// finish their second factor) first and come back.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let auth = crate::use_auth();
    // Set while this page signs the user out on purpose (it then leaves by itself).
    let leaving = StoredValue::new(false);
    let state = auth.state();
    let signed_in = Signal::derive(move || state.with(|s| s.is_signed_in() && !s.is_anonymous()));
    Effect::new(move |_| {
        let away = state.with(|s| {
            matches!(s, AuthState::SignedOut | AuthState::SecondFactorPending(_))
                || s.is_anonymous()
        });
        if away && !leaving.get_value() {
            let base = auth.config().base;
            auth.navigate(&AuthRoute::SignIn.path_with_next(&base, &auth.here()));
        }
    });
    view! {
        <Show when=move || signed_in.get()>
            {security_screen(leaving)}
        </Show>
    }
}

/// An action that comes back from its step-up, and whether it may run by itself (`false`: the
/// page was reloaded since, so the screen asks again).
pub(crate) type Resumed = Option<(Action, bool)>;

/// The screen's forms that are fetched when opened ([`security_form`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Form {
    #[cfg(feature = "webauthn")]
    Key,
    Totp,
    #[cfg(feature = "phone")]
    Phone,
    Password,
    Email,
    #[cfg(feature = "social")]
    SignInMethods,
    #[cfg(feature = "webauthn")]
    Passkeys,
}

/// How a form closes: `None` on Cancel (focus back on its opening button), or `Some` message
/// to announce when it is done (focus on the section's heading).
pub(crate) type Close = Callback<Option<String>>;

/// One of the screen's forms, opened by the user or coming back from a step-up (`resume`;
/// `resumed`: the action itself, for a form with several).
#[cfg_attr(not(any(feature = "social", feature = "webauthn")), allow(unused_variables))]
fn security_form(form: Form, resume: bool, close: Close, resumed: Resumed) -> AnyView {
    match form {
        #[cfg(feature = "webauthn")]
        Form::Key => add_key::form(resume, close),
        Form::Totp => add_totp(resume, close),
        #[cfg(feature = "phone")]
        Form::Phone => add_phone::form(resume, close),
        Form::Password => change_password(resume),
        Form::Email => change_email(resume, close),
        #[cfg(feature = "social")]
        Form::SignInMethods => identities::sign_in_methods(resumed),
        #[cfg(feature = "webauthn")]
        Form::Passkeys => passkeys::section(resumed),
    }
}

crate::split::points! {
    /// The screen of a signed-in user (its page guard stays in the first load, so a signed-out
    /// visitor is sent to sign in without fetching the screen).
    #[part(security)]
    fn security_screen(leaving: StoredValue<bool>) => view! { <Screen leaving/> };
    /// The form that adds an authenticator app.
    #[part(add_totp)]
    fn add_totp(resume: bool, close: Close) => view! { <AddTotp resume close/> };
    /// The password change.
    #[part(change_password)]
    fn change_password(resume: bool) => view! { <ChangePassword resume/> };
    /// The email change: its form, or the change waiting for its confirmations.
    #[part(change_email)]
    fn change_email(resume: bool, close: Close) => view! { <EmailChange resume close/> };
}

/// A form behind its opening button (`id`, `label`): pressing it loads the form, which opens
/// with focus on its first step; `resume` (back from a step-up) opens it at once, the first
/// time. The form hands back with [`Close`]; what it announced stays here.
#[component]
fn OnDemand(
    form: Form,
    id: &'static str,
    label: &'static str,
    resume: bool,
    /// The heading of the section, focused when the form is done.
    #[prop(default = "lsa-add-h")]
    heading: &'static str,
    /// The action back from a step-up, for a form with several.
    #[prop(optional)]
    resumed: Resumed,
) -> impl IntoView {
    let opened = RwSignal::new(resume);
    let resume = StoredValue::new(resume);
    let resumed = StoredValue::new(resumed);
    let status = RwSignal::new(None::<String>);
    let close = Callback::new(move |done: Option<String>| {
        let to = if done.is_some() { heading } else { id };
        status.set(done);
        opened.set(false);
        request_animation_frame(move || crate::platform::browser::focus_id(to));
    });
    let form = move || {
        let (run, action) = (resume.get_value(), resumed.get_value());
        resume.set_value(false);
        resumed.set_value(None);
        security_form(form, run, close, action)
    };
    view! {
        <crate::components::Status message=status/>
        <Show when=move || opened.get() fallback=move || view! {
            <p><button type="button" id=id class="lsa-button lsa-button-secondary"
                on:click=move |_| { status.set(None); opened.set(true) }>{label}</button></p>
        }>
            {form()}
        </Show>
    }
}

// What the features left out of the build (`webauthn`, `phone`) offer: nothing.
#[cfg(feature = "phone")]
use add_phone::offer as phone_offer;
#[cfg(feature = "webauthn")]
use {add_key::offer as key_offer, passkeys::offer as passkeys_offer};
#[cfg(not(feature = "webauthn"))]
fn key_offer(_resume: bool) {}
#[cfg(not(feature = "phone"))]
fn phone_offer(_resume: bool) {}
#[cfg(not(feature = "webauthn"))]
fn passkeys_offer(_resume: Resumed) {}

/// The screen itself, a split point of its own ([`security_screen`]).
#[component]
fn Screen(leaving: StoredValue<bool>) -> impl IntoView {
    let auth = crate::use_auth();
    let resumed = take_resumed(auth);
    // Fresh factors, and a check that another device did not end this session (the store
    // signs out here if so).
    spawn(async move { auth.reload_user().await }, drop);
    let is = |a: Action| resumed.as_ref().is_some_and(|(r, run)| *r == a && *run);
    let remove = match &resumed {
        Some((Action::Remove(id), run)) => Some((id.clone(), *run)),
        _ => None,
    };
    let (totp, phone) = (is(Action::AddTotp), is(Action::AddPhone));
    let key = resumed.as_ref().is_some_and(|(a, _)| *a == Action::AddKey);
    let password = resumed.as_ref().is_some_and(|(a, _)| *a == Action::ChangePassword);
    let email = resumed.as_ref().is_some_and(|(a, _)| *a == Action::ChangeEmail);
    let passkey =
        resumed.clone().filter(|(a, _)| matches!(a, Action::AddPasskey | Action::RemovePasskey(_)));
    let methods =
        resumed.clone().filter(|(a, _)| matches!(a, Action::Connect(_) | Action::Disconnect(_)));
    let s = auth.strings();
    view! {
        <overview::Overview/>
        <factor_list::FactorList resume_remove=remove/>
        <section class="lsa-card" aria-labelledby="lsa-add-h">
            <h2 id="lsa-add-h" tabindex="-1">{s.add_factor_title}</h2>
            {key_offer(key)}
            <OnDemand form=Form::Totp id="lsa-add-totp" label=s.add_totp_title resume=totp/>
            {phone_offer(phone)}
        </section>
        {passkeys_offer(passkey)}
        <section class="lsa-card" aria-labelledby="lsa-password-h">
            <h2 id="lsa-password-h">{s.change_password_title}</h2>
            <OnDemand form=Form::Password id="lsa-change-password" label=s.change_password_open
                resume=password/>
        </section>
        <EmailCard resume=email/>
        <MethodsCard resumed=methods/>
        <sessions::Sessions leaving/>
    }
}

/// The email card: the change form behind its button, open from the start when a change
/// waits for its confirmations (which the form's part then shows).
#[component]
fn EmailCard(resume: bool) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let waiting = auth.session_untracked().is_some_and(|x| !x.user.new_email.is_empty());
    view! {
        <section class="lsa-card" aria-labelledby="lsa-email-h">
            <h2 id="lsa-email-h" tabindex="-1">{s.email_title}</h2>
            <OnDemand form=Form::Email id="lsa-change-email" label=s.change_email_open
                resume=resume || waiting heading="lsa-email-h"/>
        </section>
    }
}

/// What a build without social sign-in offers for the sign-in methods: nothing.
#[cfg(not(feature = "social"))]
#[component]
fn MethodsCard(resumed: Resumed) -> impl IntoView {
    let _ = resumed;
}

/// The sign-in methods card: the list behind its button, open from the start when an action of
/// it comes back from a step-up or a provider was just connected.
#[cfg(feature = "social")]
#[component]
fn MethodsCard(resumed: Resumed) -> impl IntoView {
    let s = crate::use_auth().strings();
    let open = resumed.is_some() || crate::session::connected_waiting();
    view! {
        <section class="lsa-card" aria-labelledby="lsa-identities-h">
            <h2 id="lsa-identities-h" tabindex="-1">{s.identities_title}</h2>
            <OnDemand form=Form::SignInMethods id="lsa-identities" label=s.identities_open
                resume=open heading="lsa-identities-h" resumed/>
        </section>
    }
}

/// The action of this screen that waited for a step-up, if it may come back now. Drafts of
/// anything else are dropped.
fn take_resumed(auth: AuthStore) -> Resumed {
    let resumed = auth.pending_step_up().and_then(|id| Action::parse(&id)).and_then(|a| match auth
        .resume_step_up(&a.id(), &a.requirement(&factors_now(auth)))
    {
        Resume::Run => Some((a, true)),
        Resume::Confirm => Some((a, false)),
        Resume::Nothing | Resume::Waiting => None,
    });
    if resumed.is_none() {
        draft::clear();
    }
    resumed
}

/// What a failed action shows: `None` when the screen moves on instead (to the step-up page,
/// or to sign-in when the session is gone, which the store already handled).
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
            let action = action.clone();
            spawn(async move { auth.reload_user().await }, move |_| {
                auth.ask_step_up(&action.id(), action.reason());
            });
            None
        }
        Recovery::SignIn => None,
        Recovery::SendNonce | Recovery::Show => Some(messages::message(auth.strings(), op, err)),
    }
}

/// Runs `run` when the session meets what `action` needs; otherwise keeps `keep` in memory and
/// asks for the step-up (the store's guard).
pub(crate) fn guard(
    auth: AuthStore,
    action: &Action,
    keep: Option<draft::Draft>,
    run: impl FnOnce(),
) -> bool {
    let req = action.requirement(&factors_now(auth));
    let ran = auth.guard_for(&action.id(), action.reason(), &req, run);
    if !ran {
        if let Some(d) = keep {
            draft::put(d);
        }
    }
    ran
}

/// The name typed in `name`, trimmed. When it is empty, `error` says a name is needed and the
/// answer is `None`; otherwise `error` is cleared.
pub(crate) fn typed_name(
    name: RwSignal<String>,
    error: RwSignal<Option<String>>,
    s: &'static crate::Strings,
) -> Option<String> {
    let n = name.get_untracked().trim().to_owned();
    error.set(n.is_empty().then(|| s.err_name_required.to_owned()));
    (!n.is_empty()).then_some(n)
}

/// The factors as the store knows them now.
pub(crate) fn factors_now(auth: AuthStore) -> Vec<crate::api::Factor> {
    auth.session_untracked().map(|s| s.user.factors).unwrap_or_default()
}
