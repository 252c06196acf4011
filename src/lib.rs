//! # leptos-supabase-auth
//!
//! An embeddable auth section for Leptos apps backed by Supabase Auth (GoTrue): a password-recovery
//! wizard that handles MFA step-up, sign-in with MFA, a security settings screen, and a reactive
//! session store persisted to `localStorage`.
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
//! The stylesheet is the one thing the host adds to its `index.html`:
//! `<link data-trunk rel="css" href="…/leptos-supabase-auth/style/lsa.css">`, where
//! `…/leptos-supabase-auth` is the checkout the host's `Cargo.toml` depends on by `path`. Trunk
//! copies and links the file, so a strict `style-src 'self'` holds (nothing is injected at run
//! time). The repository's `docs/embedding.md` walks through a complete host.
#![deny(unsafe_code)]
// Server rendering (`ssr`) computes the layout of deeply nested view types.
#![recursion_limit = "256"]

mod api;
#[doc(hidden)]
pub mod app;
mod authenticator;
mod components;
mod config;
mod guards;
pub mod i18n;
mod json;
mod otp;
mod pages;
mod password;
mod recovery;
mod redirect;
mod routes;
mod security;
mod session;
mod sort;
mod split;
mod storage;
mod strings;

pub use api::{ApiError, AuthError, AuthenticatorError, ErrorCode, Factor, LogoutScope, User};
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
    pub use crate::api::{pkce, types, webauthn, GoTrue, TokenResponse};
    /// The browser's WebAuthn prompt.
    pub mod authenticator {
        pub use crate::authenticator::{available, create, get};
    }
    pub use crate::components::browser;
    pub use crate::session::{lock, persist, state, step_up};
}
