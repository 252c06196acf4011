//! The GoTrue HTTP client: one file per area, one typed error ([`ApiError`]).
//!
//! Every call sends `apikey`, `X-Supabase-Api-Version: 2024-01-01` and, on user endpoints,
//! `Authorization: Bearer <access token>`. Decisions are keyed on [`ErrorCode`], never on text.
//!
//! ```no_run
//! use leptos_supabase_auth::api::{ApiError, ErrorCode, GoTrue};
//! # async fn example() -> Result<(), ApiError> {
//! let api = GoTrue::new("http://127.0.0.1:54321/auth/v1", "anon-key");
//! match api.sign_in_password("jane@example.com", "correct horse").await {
//!     Ok(session) => println!("signed in as {}", session.user.email),
//!     Err(e) if e.is(&ErrorCode::InvalidCredentials) => println!("wrong email or password"),
//!     Err(e) if e.is_network() => println!("offline? try again"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```

mod client;
pub mod error;
mod mfa;
pub mod pkce;
mod recovery;
pub(crate) use recovery::encode_query;
mod session;
pub mod types;
mod user;

pub use client::GoTrue;
pub use error::{ApiError, AuthError, ErrorCode};
pub use types::{Challenge, Enrolled, Factor, LogoutScope, TokenResponse, User, UserUpdate};
