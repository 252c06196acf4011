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
pub(crate) enum CodeKind {
    /// A sign-up's confirmation, mailed already.
    SignUp,
    /// A sign-in code, mailed already.
    SignIn,
    /// Password sign-in answered `email_not_confirmed`: a confirmation is mailed on a press.
    Unconfirmed,
}

/// The code step's address and purpose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CodeFor {
    /// The address the code was mailed to.
    pub email: String,
    /// What it is for.
    pub kind: CodeKind,
    /// Seconds before another mail may be asked for.
    pub wait: u32,
}

crate::split::points! {
    /// The sign-up page.
    #[part(sign_up, card)]
    pub(crate) fn sign_up_page() => view! { <sign_up::SignUpPage/> };
    /// The code step; `back` leaves it ("Use a different email").
    #[part(email_code)]
    pub(crate) fn email_code(code: CodeFor, back: Callback<()>) => view! { <code::CodeStep code back/> };
    /// The sign-in page's offers below its form: a sign-in code, and sign-up when the server
    /// allows it. `code` opens the code step.
    #[part(sign_in_offers)]
    pub(crate) fn sign_in_offers(
        email: RwSignal<String>,
        code: RwSignal<Option<CodeFor>>,
        error: RwSignal<Option<String>>,
    ) => view! { <offers::Offers email code error/> };
}
