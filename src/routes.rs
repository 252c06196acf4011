//! The one place where auth paths are written: [`AuthRoute`], and [`AuthRoutes`] that mounts them.

use crate::pages;
use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route},
    StaticSegment,
};

/// Every page of the auth section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthRoute {
    /// Email + password, then MFA if the user has a factor.
    SignIn,
    /// The password-recovery wizard.
    Recover,
    /// Where emailed links land.
    Confirm,
    /// Step-up: verify a second factor, then resume.
    Mfa,
    /// Settings → Security.
    Security,
}

impl AuthRoute {
    /// Every route.
    pub const ALL: [AuthRoute; 5] = [
        AuthRoute::SignIn,
        AuthRoute::Recover,
        AuthRoute::Confirm,
        AuthRoute::Mfa,
        AuthRoute::Security,
    ];

    /// The path segment under the base.
    pub fn segment(self) -> &'static str {
        match self {
            AuthRoute::SignIn => "sign-in",
            AuthRoute::Recover => "recover",
            AuthRoute::Confirm => "confirm",
            AuthRoute::Mfa => "mfa",
            AuthRoute::Security => "security",
        }
    }

    /// The full path under `base`, e.g. `AuthRoute::Mfa.path("/auth") == "/auth/mfa"`.
    pub fn path(self, base: &str) -> String {
        [base.trim_end_matches('/'), "/", self.segment()].concat()
    }

    /// The path with a `next` query (the value is percent-encoded).
    pub fn path_with_next(self, base: &str, next: &str) -> String {
        [self.path(base), "?next=".into(), crate::api::encode_query(next)].concat()
    }
}

/// Leaks the configured base segment once: router segments must be `'static`.
fn base_segment(base: &str) -> &'static str {
    Box::leak(base.trim_matches('/').to_owned().into_boxed_str())
}

/// All auth pages under the configured base, for the host's `<Routes>` (inside `<AuthProvider>`).
#[component(transparent)]
pub fn AuthRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    let base = crate::session::use_auth().config().base;
    view! {
        <ParentRoute path=StaticSegment(base_segment(&base)) view=leptos_router::components::Outlet>
            <Route path=StaticSegment("sign-in") view=pages::SignInPage/>
            <Route path=StaticSegment("recover") view=|| crate::split::recovery(AuthRoute::Recover)/>
            <Route path=StaticSegment("confirm") view=|| crate::split::recovery(AuthRoute::Confirm)/>
            <Route path=StaticSegment("mfa") view=pages::MfaPage/>
            <Route path=StaticSegment("security") view=pages::SecurityPage/>
        </ParentRoute>
    }
    .into_inner()
}
