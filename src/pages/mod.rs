//! Route-level pages. The recovery wizard and security screen live in their feature modules.

mod mfa;
mod sign_in;

pub use crate::recovery::{ConfirmPage, RecoverPage};
pub use crate::security::SecurityPage;
pub use mfa::MfaPage;
pub use sign_in::SignInPage;
