//! GoTrue's rules, free of HTTP: each module takes the [`AppState`](crate::state::AppState)
//! (and, inside a write, the locked [`ServerData`](crate::state::ServerData)) plus plain
//! inputs, and answers a result or an [`ApiError`](crate::error::ApiError) (GoTrue's status,
//! `error_code` and message). The handlers in [`crate::routes`] only parse requests, call
//! these and wrap the answers.
//!
//! Layers, each using only those below it (no module imports one that imports it back):
//! `passwordless` → `signup`; `verification`, `users`, `passwordless` → `email_change`; all of
//! them, `factors` and `passkeys` → `sessions` → `mailer`, `redirects`, `wire` (GoTrue's JSON
//! shapes), `validation` (addresses, phones, password strength), `passwords` → the state and
//! the store. `seed` (demo and test-control users, reset) builds on the store's entities alone.
//! `oauth` (the flow through a provider) → `oauth_accounts` (whose account a profile is) →
//! `signup`, `sessions`, `identities` (the identity list rules, on the store's entities alone).
//! `test_provider` (the built-in provider's codes and tokens) stands alone on the state.

pub mod email_change;
pub mod factors;
pub mod identities;
pub mod mailer;
pub mod oauth;
pub mod oauth_accounts;
pub mod passkeys;
pub mod passwordless;
pub mod passwords;
pub mod redirects;
pub mod seed;
pub mod sessions;
pub mod signup;
pub mod test_provider;
pub mod users;
pub mod validation;
pub mod verification;
pub mod wire;
