//! Browser glue below the store: timers and location, Web Storage, the WebAuthn prompt.

pub mod authenticator;
pub mod browser;
pub mod storage;
