//! Route-level pages. The recovery wizard and security screen live in their feature modules
//! (and load through [`crate::split`]).

mod mfa;
mod sign_in;

pub use crate::security::SecurityPage;
pub use mfa::MfaPage;
pub(crate) use sign_in::PasskeySignIn;
pub use sign_in::SignInPage;
