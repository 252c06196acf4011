//! The password-recovery wizard at `{base}/recover` (email → code or link → second factor when
//! the user has MFA → new password → done, signed in) and the link landing page at
//! `{base}/confirm`. The logic is in [`flow`]; the components here render one step each.

mod confirm;
pub mod flow;
pub(crate) mod link;
mod password_step;
mod steps;

#[cfg(feature = "social")]
pub(crate) use confirm::other_account;
pub use confirm::ConfirmPage;

use crate::components::{Heading, Status};
use crate::platform::storage::{self, Area};
use flow::{Event, Notice, Step, WizardState};
use leptos::prelude::*;

/// `sessionStorage` key of the wizard's step and email (no codes, no tokens).
pub(crate) const WIZARD_KEY: &str = "lsa.recover.v1";

/// The wizard shared by its steps: state, notices, the validated `next`, the resend countdown,
/// and the new password (in memory only) so a step-up in the middle loses nothing.
#[derive(Clone, Copy)]
pub(crate) struct Wizard {
    /// The app's store (the steps' `use_auth()` is the wizard's held store).
    pub app: crate::AuthStore,
    pub state: RwSignal<WizardState>,
    pub notice: RwSignal<Option<String>>,
    pub next: Signal<String>,
    pub resend: RwSignal<u32>,
    pub password: RwSignal<String>,
    pub confirm: RwSignal<String>,
    pub retry_password: RwSignal<bool>,
    pub strings: &'static crate::Strings,
}

impl Wizard {
    /// Applies `event` (pure transition) and shows its notice.
    pub fn apply(&self, event: Event) {
        let s = self.strings;
        let (next, notice) = flow::next(&self.state.get_untracked(), event);
        self.notice.set(notice.map(|n| notice_text(s, n).to_owned()));
        self.retry_password.set(notice == Some(Notice::StepUpRequired));
        if next.step == Step::Email {
            self.password.set(String::new());
            self.confirm.set(String::new());
            // Abandoned or lost: nothing of the held session stays, nothing is adopted.
            self.app.held().forget_held();
        }
        self.state.set(next);
    }
}

fn notice_text(s: &crate::Strings, n: Notice) -> &'static str {
    match n {
        Notice::SessionLost => s.recover_session_lost,
        Notice::StepUpRequired => s.recover_step_up_needed,
    }
}

/// The wizard's place (step and email, never a code), kept for this tab across reloads.
pub(crate) fn load_state() -> Option<WizardState> {
    storage::get_json(Area::Session, WIZARD_KEY)
}

/// Saves the wizard's place.
pub(crate) fn save_state(state: &WizardState) {
    storage::set(Area::Session, WIZARD_KEY, &state.to_json());
}

/// The wizard. Its recovery session is held apart from the app's ([`crate::landing`]): the
/// steps below get the held store as `use_auth()`, and the app adopts the session only once the
/// new password is saved.
#[component]
pub fn RecoverPage() -> impl IntoView {
    let app = crate::use_auth();
    let auth = app.held();
    provide_context(auth);
    let s = auth.strings();
    let next = Signal::derive(move || auth.next());

    let session = auth.session_untracked();
    let has_recovery = session.as_ref().is_some_and(|s| s.claims.is_recovery());
    let (initial, notice) = flow::restore(load_state().unwrap_or_default(), has_recovery);
    if initial.step == Step::Email {
        auth.forget_held();
    }
    let wizard = Wizard {
        app,
        state: RwSignal::new(initial),
        notice: RwSignal::new(notice.map(|n| notice_text(s, n).to_owned())),
        next,
        resend: RwSignal::new(0),
        password: RwSignal::new(String::new()),
        confirm: RwSignal::new(String::new()),
        retry_password: RwSignal::new(false),
        strings: s,
    };
    provide_context(wizard);
    Effect::new(move |_| save_state(&wizard.state.get()));

    // A recovery session that this tab's wizard holds while waiting for the code moves it on;
    // one that disappears mid-wizard starts it over.
    let known_session = StoredValue::new(session.and_then(|s| s.claims.session_id));
    Effect::new(move |_| {
        let state = auth.state().get();
        let step = wizard.state.with_untracked(|w| w.step);
        match state.session() {
            Some(sess) if step == Step::Code && sess.claims.is_recovery() => {
                let email = wizard.state.with_untracked(|w| w.email.clone());
                let fresh = known_session.get_value() != sess.claims.session_id;
                if fresh && crate::landing::same_address(&sess.user.email, &email) {
                    known_session.set_value(sess.claims.session_id.clone());
                    let user = sess.user.id.clone();
                    wizard.apply(Event::Verified { needs_step_up: sess.needs_step_up(), user });
                }
            }
            None if step.needs_session()
                && !matches!(state, crate::session::state::AuthState::Loading) =>
            {
                wizard.apply(Event::SessionLost);
            }
            _ => {}
        }
    });

    let step = Memo::new(move |_| wizard.state.with(|w| w.step));
    view! {
        <section class="lsa-card">
            {move || match step.get() {
                Step::Email => view! { <steps::EmailStep/> }.into_any(),
                Step::SecondFactor => view! { <SecondFactorStep/> }.into_any(),
                step @ (Step::Code | Step::NewPassword) => recovery_step(step),
                Step::Done => view! { <DoneStep/> }.into_any(),
            }}
        </section>
    }
}

/// The wizard at `{base}/recover`, or for [`crate::AuthRoute::Confirm`] the emailed link's
/// landing page.
pub(crate) fn page(route: crate::AuthRoute) -> AnyView {
    match route {
        crate::AuthRoute::Confirm => confirm(),
        _ => recover(),
    }
}

crate::split::points! {
    /// The recovery wizard: its first load is the email step.
    #[part(recovery, card)]
    fn recover() => view! { <RecoverPage/> };
    /// The emailed link's landing page (most of what a link's first load needs).
    #[part(confirm, card)]
    fn confirm() => view! { <ConfirmPage/> };
    /// The code step or the new-password step, fetched when the wizard gets there.
    #[part(recovery_step)]
    fn recovery_step(step: Step) => later_step(step);
}

/// The code step and the new-password step.
fn later_step(step: Step) -> AnyView {
    match step {
        Step::Code => view! { <steps::CodeStep/> }.into_any(),
        _ => view! { <password_step::NewPasswordStep/> }.into_any(),
    }
}

#[component]
fn SecondFactorStep() -> impl IntoView {
    let s = crate::use_auth().strings();
    let wizard = expect_context::<Wizard>();
    view! {
        <Heading text=s.recover_step_mfa/>
        <p>{s.recover_mfa_intro}</p>
        <Status message=wizard.notice/>
        {crate::components::factor_verify(Callback::new(move |_| wizard.apply(Event::FactorVerified)))}
    }
}

#[component]
fn DoneStep() -> impl IntoView {
    let s = crate::use_auth().strings();
    let wizard = expect_context::<Wizard>();
    view! {
        <Heading text=s.recover_done_title/>
        <p role="status">{s.recover_done_text}</p>
        <a class="lsa-button" href=move || wizard.next.get() on:click=move |_| save_state(&WizardState::default())>
            {s.recover_done_continue}
        </a>
    }
}
