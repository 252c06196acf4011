//! Route-level pages. The recovery wizard and security screen live in their feature modules.

mod mfa;
mod sign_in;

pub use crate::security::SecurityPage;
pub(crate) use mfa::step_up;
pub use sign_in::SignInPage;
