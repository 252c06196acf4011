//! The GoTrue HTTP client: one file per area, one typed error ([`ApiError`]).
//!
//! Every call sends `apikey`, `X-Supabase-Api-Version: 2024-01-01` and, on user endpoints,
//! `Authorization: Bearer <access token>`. Decisions are keyed on [`ErrorCode`], never on text.

mod client;
pub mod error;
// Decodes the recordings of every area, security keys and passkeys included.
#[cfg(all(test, feature = "webauthn"))]
mod fidelity;
mod front;
#[cfg(feature = "social")]
pub mod identities;
#[cfg(feature = "sign-up")]
pub use front::SignedUp;
pub use front::{EmailChange, Settings};
mod mfa;
#[cfg(feature = "social")]
pub mod oauth;
pub mod pkce;
mod recovery;
pub(crate) use recovery::encode_query;
mod session;
pub mod types;
mod user;
#[cfg(feature = "webauthn")]
pub mod webauthn;

pub use client::GoTrue;
pub use error::{ApiError, AuthError, AuthenticatorError, ErrorCode};
pub use types::{
    Challenge, Enrolled, Factor, FactorStatus, FactorType, LogoutScope, TokenResponse, User,
    UserUpdate,
};
