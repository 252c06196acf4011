//! The front door by email: the sign-up page (`{base}/sign-up`, feature `sign-up`), and the
//! step where an emailed code is entered (after a sign-up, for "Email me a sign-in code" on the
//! sign-in page, or for an address that is not confirmed yet). Emailed links land on the
//! confirm page (`crate::recovery`'s `ConfirmPage`, which tells the link types apart).
//!
//! Neither is in the sign-in page's first load: each is a split part.
//!
//! Whether an address has an account is never told: a sign-up of a taken address and a
//! sign-in code for an unknown one show the same step, in the same words, as for any other.

mod code;
#[cfg(feature = "sign-up")]
mod sign_up;

#[cfg(feature = "sign-up")]
pub(crate) use sign_up::sign_up_page;
/// Without the `sign-up` feature `{base}/sign-up` shows the sign-in page.
#[cfg(not(feature = "sign-up"))]
pub(crate) fn sign_up_page() -> AnyView {
    crate::AuthRoute::SignIn.page()
}

use leptos::prelude::*;

/// "Create an account", a link to `href` (the sign-up page) while `shown`; nothing without the
/// `sign-up` feature.
pub(crate) fn sign_up_link(href: String, shown: Signal<bool>) -> impl IntoView {
    #[cfg(feature = "sign-up")]
    return view! {
        <a href=href hidden=move || !shown.get()>{crate::use_auth().strings().sign_up_title}</a>
    };
    #[cfg(not(feature = "sign-up"))]
    let _ = (href, shown);
}

/// What an emailed code is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CodeKind {
    /// A sign-up's confirmation, mailed already.
    #[cfg(feature = "sign-up")]
    SignUp,
    /// A sign-in code, mailed when the step opens.
    SignIn,
    /// Password sign-in answered `email_not_confirmed`: a confirmation is mailed on a press.
    Unconfirmed,
    /// An anonymous user's new address (converting), mailed already.
    #[cfg(feature = "sign-up")]
    Convert,
}

/// The sign-in page's code step in place of its form, for `email`: a sign-in code (mailed as
/// the step opens), or the confirmation of an `unconfirmed` address (mailed on a press).
pub(crate) fn sign_in_code(email: String, unconfirmed: bool, back: Callback<()>) -> AnyView {
    let kind = if unconfirmed { CodeKind::Unconfirmed } else { CodeKind::SignIn };
    email_code(email, kind, 0, back)
}

crate::split::points! {
    /// The code step for `email` (`wait`: seconds before another mail may be asked for), shown
    /// by the sign-up page and [`sign_in_code`]; `back` leaves it.
    #[part(email_code)]
    fn email_code(email: String, kind: CodeKind, wait: u32, back: Callback<()>) =>
        view! { <code::CodeStep email kind wait back/> };
}
