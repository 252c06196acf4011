//! Route-level pages. The recovery wizard and security screen live in their feature modules.

mod mfa;
#[cfg(feature = "webauthn")]
mod passkey;
mod sign_in;

#[cfg(feature = "webauthn")]
use passkey::offer as passkey_offer;
/// Without the `webauthn` feature the sign-in page offers no passkey.
#[cfg(not(feature = "webauthn"))]
fn passkey_offer(
    _error: leptos::prelude::RwSignal<Option<String>>,
    _on: leptos::prelude::RwSignal<bool>,
) {
}

pub use crate::security::SecurityPage;
pub(crate) use mfa::step_up;
pub use sign_in::SignInPage;
