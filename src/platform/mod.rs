//! Browser glue below the store: timers and location (`browser.rs`), Web Storage, the WebAuthn
//! prompt (`authenticator.rs`) and `fetch`. Nothing here knows the store or the screens.

#[cfg(feature = "webauthn")]
pub mod authenticator;
pub mod browser;
pub mod fetch;
pub mod storage;
