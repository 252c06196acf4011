//! The one place where auth paths are written: [`AuthRoute`], and [`AuthRoutes`] that mounts them.

use crate::pages;
use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route},
    StaticSegment,
};

/// Every page of the auth section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthRoute {
    /// Email + password (or an emailed code), then MFA if the user has a factor.
    SignIn,
    /// A new account: email, password, then the emailed code.
    SignUp,
    /// The password-recovery wizard.
    Recover,
    /// Where emailed links land.
    Confirm,
    /// Step-up: verify a second factor, then resume.
    Mfa,
    /// Settings → Security.
    Security,
    /// Where a social sign-in's round trip lands.
    Callback,
}

impl AuthRoute {
    /// Every route.
    pub const ALL: [AuthRoute; 7] = [
        AuthRoute::SignIn,
        AuthRoute::SignUp,
        AuthRoute::Recover,
        AuthRoute::Confirm,
        AuthRoute::Mfa,
        AuthRoute::Security,
        AuthRoute::Callback,
    ];

    /// The path segment under the base.
    pub fn segment(self) -> &'static str {
        match self {
            AuthRoute::SignIn => "sign-in",
            AuthRoute::SignUp => "sign-up",
            AuthRoute::Recover => "recover",
            AuthRoute::Confirm => "confirm",
            AuthRoute::Mfa => "mfa",
            AuthRoute::Security => "security",
            AuthRoute::Callback => "callback",
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

    /// The route whose page is at `pathname` under `base` (a trailing slash is allowed), e.g.
    /// `/auth/mfa/` is [`AuthRoute::Mfa`] under `/auth`.
    pub(crate) fn from_path(base: &str, pathname: &str) -> Option<AuthRoute> {
        let rest = pathname.strip_prefix(base.trim_end_matches('/'))?.strip_prefix('/')?;
        let segment = rest.strip_suffix('/').unwrap_or(rest);
        AuthRoute::ALL.into_iter().find(|r| r.segment() == segment)
    }

    /// The route's page (inside an `<AuthProvider>`).
    pub(crate) fn page(self) -> AnyView {
        match self {
            AuthRoute::SignIn => view! { <pages::SignInPage/> }.into_any(),
            AuthRoute::SignUp => crate::front::sign_up_page(),
            AuthRoute::Recover | AuthRoute::Confirm => crate::recovery::page(self),
            AuthRoute::Mfa => pages::step_up(),
            AuthRoute::Security => view! { <pages::SecurityPage/> }.into_any(),
            AuthRoute::Callback => crate::social::callback_page(),
        }
    }
}

/// The host's auth pages inside the section's element (language, direction).
#[component]
fn HostSection() -> impl IntoView {
    view! { <crate::i18n::Section><leptos_router::components::Outlet/></crate::i18n::Section> }
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
        <ParentRoute path=StaticSegment(base_segment(&base)) view=HostSection>
            <Route path=StaticSegment("sign-in") view=|| AuthRoute::SignIn.page()/>
            <Route path=StaticSegment("sign-up") view=|| AuthRoute::SignUp.page()/>
            <Route path=StaticSegment("recover") view=|| AuthRoute::Recover.page()/>
            <Route path=StaticSegment("confirm") view=|| AuthRoute::Confirm.page()/>
            <Route path=StaticSegment("mfa") view=|| AuthRoute::Mfa.page()/>
            <Route path=StaticSegment("security") view=|| AuthRoute::Security.page()/>
            <Route path=StaticSegment("callback") view=|| AuthRoute::Callback.page()/>
        </ParentRoute>
    }
    .into_inner()
}

#[cfg(test)]
mod tests {
    use super::AuthRoute;

    #[test]
    fn paths_find_their_route() {
        for route in AuthRoute::ALL {
            assert_eq!(AuthRoute::from_path("/auth", &route.path("/auth")), Some(route));
            assert_eq!(AuthRoute::from_path("/auth/", &route.path("/auth/")), Some(route));
        }
        assert_eq!(AuthRoute::from_path("/auth", "/auth/mfa/"), Some(AuthRoute::Mfa));
        assert_eq!(AuthRoute::from_path("/account", "/account/sign-in"), Some(AuthRoute::SignIn));
        for other in
            ["/", "/auth", "/auth/", "/auth/mfa/x", "/authmfa", "/x/auth/mfa", "/auth//mfa"]
        {
            assert_eq!(AuthRoute::from_path("/auth", other), None, "{other}");
        }
    }
}
