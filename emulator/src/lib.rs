//! A GoTrue-compatible (Supabase Auth) local server for development and tests.
//!
//! It serves GoTrue's API under `/auth/v1` (sign-up, password / refresh / PKCE grants, recovery,
//! verification links, user updates with the AAL rules, TOTP, phone and WebAuthn MFA, passkeys, logout scopes, a bit
//! of the admin API), a Mailpit-compatible mail outbox at `/_mail`, an SMS outbox at `/_sms`,
//! optional test controls at `/_emulator` (clock, faults, reset, seeded users), optionally a
//! built-in test OAuth provider at `/_provider` ([`test_provider`]) and optionally a built
//! single-page app at `/`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let running = gotrue_emulator::spawn(gotrue_emulator::Config { port: 0, ..Default::default() }).await?;
//! println!("listening on http://{}", running.addr);
//! # Ok(()) }
//! ```

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod cors;
pub mod domain;
pub mod error;
pub mod faults;
pub mod glob;
pub mod gourl;
pub mod http_client;
pub mod jwt;
pub mod outbox;
pub mod routes;
pub mod server;
pub mod state;
pub mod store;
pub mod test_provider;
pub mod totp;
pub mod util;
pub mod webauthn;

pub use clock::Clock;
pub use config::Config;

pub use error::ApiError;
pub use server::{app, spawn, Running};
