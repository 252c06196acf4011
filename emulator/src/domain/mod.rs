//! GoTrue's rules, free of HTTP: each module takes the [`AppState`] (and, inside a write, the
//! locked [`ServerData`](crate::state::ServerData)) plus plain inputs, and answers a result or
//! an [`ApiError`](crate::error::ApiError) (GoTrue's status, `error_code` and message). The
//! handlers in [`crate::routes`] only parse requests, call these and wrap the answers.
//!
//! GoTrue's JSON shapes of an entity live with it (`users::user_json`, `factors::factor_json`,
//! `passkeys::passkey_json`, `sessions::token_response`), so that answers are built under the
//! same lock as the change they report.

use crate::state::AppState;

pub mod factors;
pub mod mailer;
pub mod outbox;
pub mod passkeys;
pub mod passwords;
pub mod redirects;
pub mod sessions;
pub mod users;
pub mod verification;

/// Test controls' reset: empty data, outboxes and faults, clock back to wall time, the demo users
/// seeded again when `--seed-demo` is on.
pub fn reset(state: &AppState) {
    state.write(|data| {
        data.db = Default::default();
        data.outbox = Default::default();
        data.faults.clear();
        data.email_sent.clear();
    });
    state.clock.reset();
    if state.config.seed_demo {
        users::seed_demo(state);
    }
}

/// A state for unit tests: in memory, cheap bcrypt, reachable at `http://127.0.0.1:9999`.
#[cfg(test)]
pub(crate) fn test_state(
    configure: impl FnOnce(&mut crate::config::Config),
) -> std::sync::Arc<AppState> {
    let mut config = crate::config::Config { bcrypt_cost: 4, ..Default::default() };
    configure(&mut config);
    AppState::new(config, "http://127.0.0.1:9999".into()).expect("in-memory state")
}
