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
#![forbid(unsafe_code)]

pub mod api;
pub mod app;
pub mod components;
pub mod config;
pub mod otp;
pub mod pages;
pub mod password;
pub mod recovery;
pub mod redirect;
pub mod routes;
pub mod security;
pub mod session;
pub mod strings;

pub use config::{AuthConfig, FactorTypes};
pub use routes::{AuthRoute, AuthRoutes};
pub use session::claims::Aal;
pub use session::{use_auth, try_use_auth, AuthEvent, AuthProvider, AuthStore};
pub use strings::Strings;
