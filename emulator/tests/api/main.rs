//! Integration tests over real HTTP against an emulator on a free port.

#[path = "../common/mod.rs"]
mod common;

mod aal;
mod controls;
mod errors;
mod frontdoor;
mod more_errors;
mod oauth;
mod otp;
mod redirects;
mod refresh;
mod scenario;
mod test_provider;
mod webauthn;
