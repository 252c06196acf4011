//! The front door by email: the sign-up page (`{base}/sign-up`), "Email me a sign-in code" on
//! the sign-in page, and the step where an emailed code is entered (after a sign-up, for a
//! sign-in code, or for an address that is not confirmed yet). Emailed links land on the
//! confirm page (`crate::recovery`'s `ConfirmPage`, which tells the link types apart).
//!
//! None of it is in the sign-in page's first load: each is a split part.
//!
//! Whether an address has an account is never told: a sign-up of a taken address and a
//! sign-in code for an unknown one show the same step, in the same words, as for any other.

mod code;
mod offers;
mod sign_up;

use leptos::prelude::*;

/// What an emailed code is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CodeKind {
    /// A sign-up's confirmation, mailed already.
    SignUp,
    /// A sign-in code, mailed when the step opens.
    SignIn,
    /// Password sign-in answered `email_not_confirmed`: a confirmation is mailed on a press.
    Unconfirmed,
}

crate::split::points! {
    /// The sign-up page.
    #[part(sign_up, card)]
    pub(crate) fn sign_up_page() => view! { <sign_up::SignUpPage/> };
    /// The sign-in page's way in by email, below its form: "Email me a sign-in code" and
    /// sign-up (when the server takes new accounts), or, while `code` holds the address, the
    /// code step instead of the form (a sign-in code; a confirmation when `unconfirmed`).
    #[part(sign_in_by_email)]
    pub(crate) fn sign_in_by_email(
        email: RwSignal<String>,
        code: RwSignal<Option<String>>,
        unconfirmed: RwSignal<bool>,
    ) => offers::by_email(email, code, unconfirmed);
}
