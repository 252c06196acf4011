//! Step-up: asking for a second factor before a sensitive action, then resuming that action.
//!
//! The whole capability lives here: [`AuthStore::guard`] runs an action or asks for the step-up,
//! the step-up page shows [`AuthStore::step_up_reason`] and cancels with
//! [`AuthStore::cancel_step_up`], and the screen that asked resumes with
//! [`AuthStore::resume_step_up`].
//!
//! A pending action is kept in `sessionStorage` (one tab) so that it survives the trip to the
//! step-up page and a reload there. It is bound to the user and the session that asked, lives
//! [`TTL_SECS`], and resumes only after a second factor was verified *after* it was asked for:
//! an abandoned, expired, planted or foreign entry never runs an action by itself.

use super::{AuthState, AuthStore};
use crate::json::{self, FromJson, Names, Object, Value};
use crate::platform::storage::{self, Area};
use crate::session::aal::Requirement;
use leptos::prelude::*;

/// Where the pending action is kept (`sessionStorage`).
pub const PENDING_KEY: &str = "lsa.step_up.pending";
/// How long a pending action may wait for its step-up: five minutes, the lifetime of a GoTrue
/// MFA challenge.
pub(crate) const TTL_SECS: i64 = 300;
/// Tolerance between our estimate of the server's clock and the server's own timestamps.
const CLOCK_GRACE_SECS: i64 = 5;
const VERSION: u32 = 2;

/// Why the step-up is asked for: decides the sentence on the step-up page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reason {
    #[default]
    Continue,
    ChangePassword,
    ChangeEmail,
    AddFactor,
    RemoveFactor,
    SignInMethods,
}

/// An action waiting for a step-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub v: u32,
    pub id: String,
    pub reason: Reason,
    pub return_to: String,
    pub user_id: String,
    pub session_id: String,
    /// When it was asked for, on the server's clock (seconds).
    pub asked_at: i64,
    /// The page load that asked: another one means the screen's context is gone.
    pub page: String,
}

impl Reason {
    /// How a pending action's reason is stored.
    const NAMES: &Names<Reason> = &[
        (Reason::Continue, "Continue"),
        (Reason::ChangePassword, "ChangePassword"),
        (Reason::ChangeEmail, "ChangeEmail"),
        (Reason::AddFactor, "AddFactor"),
        (Reason::RemoveFactor, "RemoveFactor"),
        (Reason::SignInMethods, "SignInMethods"),
    ];
}

impl Pending {
    /// The stored text.
    fn to_json(&self) -> String {
        let p = Object::new().int("v", self.v.into()).str("id", &self.id);
        let reason = json::name_of(Reason::NAMES, &self.reason);
        let p = p.str("reason", reason).str("return_to", &self.return_to);
        let p = p.str("user_id", &self.user_id).str("session_id", &self.session_id);
        p.int("asked_at", self.asked_at).str("page", &self.page).finish()
    }
}

impl FromJson for Pending {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Pending {
            v: v.int_at("v")?.try_into().ok()?,
            id: v.string("id")?,
            reason: json::variant(Reason::NAMES, v.get("reason")?.as_str()?)?,
            return_to: v.string("return_to")?,
            user_id: v.string("user_id")?,
            session_id: v.string("session_id")?,
            asked_at: v.int_at("asked_at")?,
            page: v.string("page")?,
        })
    }
}

/// Who is signed in now, as a pending action sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context<'a> {
    pub user_id: &'a str,
    pub session_id: &'a str,
    /// Now on the server's clock.
    pub now: i64,
    /// The newest second-factor verification of this session (server time).
    pub verified_at: Option<i64>,
    pub page: &'a str,
}

/// What to do with a pending action when its screen comes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resume {
    /// Nothing of this id is waiting (or it is no longer valid and was dropped).
    Nothing,
    /// Still waiting: the requirement is not met yet.
    Waiting,
    /// Run it: the same user and session verified a second factor after asking.
    Run,
    /// Verified, but the page was reloaded since: the screen asks once more instead of acting.
    Confirm,
}

/// Is this pending entry still valid for `ctx`? Pure; used by [`decide`] and the step-up page.
pub(crate) fn is_valid(p: &Pending, ctx: &Context) -> bool {
    p.v == VERSION
        && !p.id.is_empty()
        && p.user_id == ctx.user_id
        && !p.session_id.is_empty()
        && p.session_id == ctx.session_id
        && ctx.now.saturating_sub(p.asked_at) <= TTL_SECS
        && p.asked_at <= ctx.now.saturating_add(CLOCK_GRACE_SECS)
}

/// The pure resume decision for the action `id` whose requirement is `met` (or not) now.
pub(crate) fn decide(p: Option<&Pending>, id: &str, met: bool, ctx: Option<&Context>) -> Resume {
    let (Some(p), Some(ctx)) = (p, ctx) else { return Resume::Nothing };
    if p.id != id || !is_valid(p, ctx) {
        return Resume::Nothing;
    }
    if !met {
        return Resume::Waiting;
    }
    let verified_after = ctx.verified_at.is_some_and(|t| t + CLOCK_GRACE_SECS >= p.asked_at);
    match (verified_after, p.page == ctx.page) {
        (false, _) => Resume::Nothing,
        (true, true) => Resume::Run,
        (true, false) => Resume::Confirm,
    }
}

/// The stored pending action, valid or not.
pub fn load() -> Option<Pending> {
    storage::get_json(Area::Session, PENDING_KEY)
}

/// Removes the pending action.
pub fn clear() {
    storage::remove(Area::Session, PENDING_KEY);
}

/// An id for this page load (memory only): tells a resumed action whether its screen survived.
fn page_id() -> String {
    thread_local! {
        static PAGE: String = {
            #[cfg(target_arch = "wasm32")]
            { ((js_sys::Math::random() * 4_294_967_296.0) as u32).to_string() }
            #[cfg(not(target_arch = "wasm32"))]
            { String::from("native") }
        };
    }
    PAGE.with(Clone::clone)
}

impl AuthStore {
    fn step_up_context<T>(&self, f: impl FnOnce(Option<&Context>) -> T) -> T {
        let page = page_id();
        self.state.with_untracked(|s| match s.session() {
            Some(session) => {
                let ctx = Context {
                    user_id: &session.user.id,
                    session_id: session.claims.session_id.as_deref().unwrap_or_default(),
                    now: session.server_now(super::persist::now()),
                    verified_at: session.claims.mfa_verified_at(),
                    page: &page,
                };
                f(Some(&ctx))
            }
            None => f(None),
        })
    }

    /// Runs `action` now if the session meets `req`; otherwise remembers it under `id` and sends
    /// the user to the step-up page (the screen resumes it there with [`use_guarded_action`]).
    /// Returns whether it ran.
    ///
    /// [`use_guarded_action`]: crate::use_guarded_action
    pub fn guard(&self, id: &str, req: &Requirement, action: impl FnOnce()) -> bool {
        self.guard_for(id, Reason::Continue, req, action)
    }

    pub(crate) fn guard_for(
        &self,
        id: &str,
        reason: Reason,
        req: &Requirement,
        action: impl FnOnce(),
    ) -> bool {
        if self.satisfies(req) {
            action();
            true
        } else {
            self.ask_step_up(id, reason);
            false
        }
    }

    /// Remembers `id` as waiting for a step-up and goes to the step-up page, which comes back
    /// here afterwards.
    pub(crate) fn ask_step_up(&self, id: &str, reason: Reason) {
        let here = crate::platform::browser::current_path();
        self.remember_step_up(id, reason, &here);
        let target =
            self.config.with_value(|c| crate::AuthRoute::Mfa.path_with_next(&c.base, &here));
        self.navigate(&target);
    }

    /// Writes the pending entry for `id`, bound to the session now signed in.
    pub(crate) fn remember_step_up(&self, id: &str, reason: Reason, return_to: &str) {
        let pending = self.step_up_context(|ctx| {
            ctx.map(|c| Pending {
                v: VERSION,
                id: id.to_owned(),
                reason,
                return_to: return_to.to_owned(),
                user_id: c.user_id.to_owned(),
                session_id: c.session_id.to_owned(),
                asked_at: c.now,
                page: c.page.to_owned(),
            })
        });
        match pending {
            Some(p) => storage::set(Area::Session, PENDING_KEY, &p.to_json()),
            None => clear(),
        }
    }

    /// Whether the action `id` that asked for a step-up may run now. The entry is consumed
    /// unless it is still waiting, and anything not valid for the current user and session is
    /// dropped.
    pub fn resume_step_up(&self, id: &str, req: &Requirement) -> Resume {
        let Some(p) = load() else { return Resume::Nothing };
        let met = self.satisfies(req);
        let (valid, decision) = self.step_up_context(|ctx| {
            (ctx.is_some_and(|c| is_valid(&p, c)), decide(Some(&p), id, met, ctx))
        });
        if !valid || (p.id == id && decision != Resume::Waiting) {
            clear();
        }
        decision
    }

    /// Forgets the pending action (cancel on the step-up page, or leaving it unverified).
    pub fn cancel_step_up(&self) {
        clear();
    }

    /// The sentence the step-up page shows for the valid pending action, if there is one.
    pub fn step_up_reason(&self) -> Option<&'static str> {
        let s = self.strings();
        Some(match self.valid_pending()?.reason {
            Reason::Continue => s.mfa_step_up_intro,
            Reason::ChangePassword => s.step_up_reason_password,
            Reason::ChangeEmail => s.step_up_reason_email,
            Reason::AddFactor => s.step_up_reason_add_factor,
            Reason::RemoveFactor => s.step_up_reason_remove,
            Reason::SignInMethods => s.step_up_reason_identity,
        })
    }

    /// The id of the valid pending action, if any (the screen that asked picks it up).
    pub(crate) fn pending_step_up(&self) -> Option<String> {
        self.valid_pending().map(|p| p.id)
    }

    fn valid_pending(&self) -> Option<Pending> {
        load().filter(|p| self.step_up_context(|c| c.is_some_and(|c| is_valid(p, c))))
    }

    /// Drops a pending action that no longer belongs to the state (signed out, another user).
    pub(crate) fn forget_foreign_step_up(&self, state: &AuthState) {
        // A held session (a link's, not the app's) says nothing about the app's step-up.
        if self.is_held() {
            return;
        }
        let Some(p) = load() else { return };
        let ours = state.session().is_some_and(|s| {
            s.user.id == p.user_id && s.claims.session_id.as_deref() == Some(p.session_id.as_str())
        });
        if !ours {
            clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(asked_at: i64) -> Pending {
        Pending {
            v: VERSION,
            id: "billing.delete".into(),
            reason: Reason::Continue,
            return_to: "/billing".into(),
            user_id: "u1".into(),
            session_id: "s1".into(),
            asked_at,
            page: "p1".into(),
        }
    }

    fn ctx(now: i64, verified_at: Option<i64>) -> Context<'static> {
        Context { user_id: "u1", session_id: "s1", now, verified_at, page: "p1" }
    }

    #[test]
    fn runs_after_a_verification_by_the_same_user_and_session() {
        let p = pending(1_000);
        assert_eq!(
            decide(Some(&p), "billing.delete", true, Some(&ctx(1_030, Some(1_020)))),
            Resume::Run
        );
        assert_eq!(
            decide(Some(&p), "billing.delete", false, Some(&ctx(1_030, None))),
            Resume::Waiting
        );
    }

    #[test]
    fn another_user_or_session_never_resumes() {
        let p = pending(1_000);
        let other_user = Context { user_id: "u2", ..ctx(1_030, Some(1_020)) };
        let other_session = Context { session_id: "s2", ..ctx(1_030, Some(1_020)) };
        assert_eq!(decide(Some(&p), "billing.delete", true, Some(&other_user)), Resume::Nothing);
        assert_eq!(decide(Some(&p), "billing.delete", true, Some(&other_session)), Resume::Nothing);
        assert_eq!(decide(Some(&p), "billing.delete", true, None), Resume::Nothing);
    }

    #[test]
    fn expiry_boundary() {
        let p = pending(1_000);
        let at = |now| decide(Some(&p), "billing.delete", true, Some(&ctx(now, Some(1_010))));
        assert_eq!(at(1_000 + TTL_SECS), Resume::Run);
        assert_eq!(at(1_001 + TTL_SECS), Resume::Nothing);
    }

    #[test]
    fn no_verification_after_asking_means_no_run() {
        // Met without a step-up since (e.g. the last factor was removed elsewhere, or the entry
        // was planted into an aal2 session): the action is not run blind.
        let p = pending(1_000);
        assert_eq!(
            decide(Some(&p), "billing.delete", true, Some(&ctx(1_030, Some(900)))),
            Resume::Nothing
        );
        assert_eq!(
            decide(Some(&p), "billing.delete", true, Some(&ctx(1_030, None))),
            Resume::Nothing
        );
        // A few seconds of difference between our clock estimate and the server's are allowed.
        assert_eq!(
            decide(Some(&p), "billing.delete", true, Some(&ctx(1_030, Some(996)))),
            Resume::Run
        );
    }

    #[test]
    fn forged_entries_do_nothing() {
        let mut future = pending(5_000);
        future.page = "p1".into();
        assert_eq!(
            decide(Some(&future), "billing.delete", true, Some(&ctx(1_030, Some(6_000)))),
            Resume::Nothing
        );
        let mut old_format = pending(1_000);
        old_format.v = 1;
        assert_eq!(
            decide(Some(&old_format), "billing.delete", true, Some(&ctx(1_030, Some(1_020)))),
            Resume::Nothing
        );
        let mut no_session = pending(1_000);
        no_session.session_id.clear();
        let c = Context { session_id: "", ..ctx(1_030, Some(1_020)) };
        assert_eq!(decide(Some(&no_session), "billing.delete", true, Some(&c)), Resume::Nothing);
        assert_eq!(
            decide(Some(&pending(1_000)), "other.action", true, Some(&ctx(1_030, Some(1_020)))),
            Resume::Nothing
        );
        // The old shape ({id, return_to}) does not even parse.
        let read = |text: &str| Pending::from_json(&crate::json::parse(text).unwrap());
        assert_eq!(read(r#"{"id":"billing.delete","return_to":"/"}"#), None);
        // The stored text reads back as it was; an unknown reason does not read.
        let p = Pending { reason: Reason::RemoveFactor, ..pending(1_000) };
        assert_eq!(read(&p.to_json()), Some(p.clone()));
        assert_eq!(read(&p.to_json().replace("RemoveFactor", "Root")), None);
    }

    #[test]
    fn a_reload_since_asking_asks_again() {
        let p = pending(1_000);
        let reloaded = Context { page: "p2", ..ctx(1_030, Some(1_020)) };
        assert_eq!(decide(Some(&p), "billing.delete", true, Some(&reloaded)), Resume::Confirm);
    }
}
