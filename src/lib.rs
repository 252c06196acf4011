//! # leptos-supabase-auth
//!
//! An embeddable auth section for Leptos apps backed by Supabase Auth (GoTrue): sign-up and
//! sign-in (password, emailed code or link, passkey) with MFA, a password-recovery wizard that
//! handles MFA step-up, a security settings screen, and a reactive session store persisted to
//! `localStorage`.
//!
//! The host app keeps its own `<Router>`; it places [`AuthProvider`] inside it and nests
//! [`AuthRoutes`] in its `<Routes>`:
//!
//! ```no_run
//! use leptos::prelude::*;
//! use leptos_router::{components::{Route, Router, Routes}, path};
//! use leptos_supabase_auth::{AuthConfig, AuthProvider, AuthRoutes};
//!
//! #[component]
//! fn App() -> impl IntoView {
//!     let config = AuthConfig::new("https://project.supabase.co/auth/v1", "anon-key").with_base("/account");
//!     view! {
//!         <Router>
//!             <AuthProvider config>
//!                 <Routes fallback=|| "Not found">
//!                     <Route path=path!("/") view=|| "Home"/>
//!                     <AuthRoutes/>
//!                 </Routes>
//!             </AuthProvider>
//!         </Router>
//!     }
//! }
//! ```
//!
//! [`use_auth`] gives the host the session as signals and commands (sign-out with a scope,
//! refresh, [`AuthStore::on_event`]). [`RequireSignIn`], [`RequireAal`] and
//! [`use_guarded_action`] guard the host's own routes and actions. The host picks the render
//! mode (`csr`, `hydrate` or `ssr` features); under `ssr`, whatever depends on the session
//! renders as a neutral loading state (the browser decides after hydration).
//!
//! The section brings its own stylesheet: it applies `style/lsa.css` once per document as a
//! constructable stylesheet (allowed by a strict `style-src 'self'`; nothing is injected as
//! `<style>`), in the cascade layer `lsa`, so any plain rule of the host wins. The host themes it
//! through the file's custom properties (`--lsa-accent`, …). A host that links the file itself
//! turns this off with [`AuthConfig::with_stylesheet`]. The repository's `docs/embedding.md`
//! walks through a complete host.
#![deny(unsafe_code)]
// Server rendering (`ssr`) computes the layout of deeply nested view types.
#![recursion_limit = "256"]

mod api;
#[doc(hidden)]
pub mod app;
mod components;
mod config;
mod front;
mod guards;
pub mod i18n;
mod json;
mod landing;
mod otp;
mod pages;
mod password;
mod platform;
mod recovery;
mod redirect;
mod routes;
mod security;
mod session;
#[cfg(feature = "social")]
mod social;
/// What a build without social sign-in (`social`) offers: no buttons, and no callback page
/// (its address shows the sign-in page).
#[cfg(not(feature = "social"))]
mod social {
    use leptos::prelude::*;

    pub(crate) fn offer(_providers: RwSignal<String>) {}

    pub(crate) fn callback_page() -> AnyView {
        crate::AuthRoute::SignIn.page()
    }
}
mod sort;
mod split;
mod strings;
mod style;

pub use api::{ApiError, AuthError, AuthenticatorError, ErrorCode, Factor, LogoutScope, User};
pub use api::{FactorStatus, FactorType};
#[cfg(feature = "sign-up")]
pub use config::ProfileField;
pub use config::{AuthConfig, FactorTypes};
pub use guards::{use_guarded_action, RequireAal, RequireSignIn};
pub use password::PasswordPolicy;
pub use routes::{AuthRoute, AuthRoutes};
pub use session::aal::Requirement;
pub use session::claims::{Aal, AmrEntry, Claims};
pub use session::state::{AuthState, Session};
pub use session::{try_use_auth, use_auth, AuthEvent, AuthProvider, AuthStore, Resume};
pub use strings::Strings;

/// Internals for this repository's browser tests (feature `test-internals`); not an API.
#[cfg(feature = "test-internals")]
#[doc(hidden)]
pub mod __internal {
    #[cfg(feature = "webauthn")]
    pub use crate::api::webauthn;
    pub use crate::api::{pkce, types, GoTrue, TokenResponse};
    /// The browser's WebAuthn prompt.
    #[cfg(feature = "webauthn")]
    pub mod authenticator {
        pub use crate::platform::authenticator::{available, create, get};
    }
    pub use crate::platform::browser;
    pub use crate::session::{lock, persist, state, step_up};
}
