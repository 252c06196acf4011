//! The emailed-code step: what was mailed and to which address, the code (or the pasted link),
//! "Send a new code" with its countdown, and "Use a different email".

use super::CodeKind;
use crate::api::{ApiError, ErrorCode};
use crate::components::task::run;
use crate::components::{
    code_expiry, Alert, CodeField, Heading, ResendButton, Status, SubmitButton,
};
use crate::landing::same_address;
use crate::otp::LinkToken;
use crate::AuthStore;
use leptos::prelude::*;

/// Whether a pasted link may be verified here: sign-in links only (a reset link is the
/// wizard's), checked before it is spent. A PKCE code works only in the browser that asked
/// for it, this one.
fn sign_in_link(link: &LinkToken) -> bool {
    match link {
        LinkToken::TokenHash { kind, .. } => crate::landing::signs_in(kind),
        LinkToken::Code(_) => true,
    }
}

/// Verifies a pasted link and signs in with it when it is a sign-in link for `email`; `Ok(false)`
/// when it is not (nothing is adopted).
async fn use_link(auth: AuthStore, email: String, link: LinkToken) -> Result<bool, ApiError> {
    if !sign_in_link(&link) {
        return Ok(false);
    }
    let resp = auth.verify_link(link).await?;
    if !same_address(&resp.user.email, &email) {
        return Ok(false);
    }
    auth.adopt_link(resp).map(|()| true)
}

/// The step for `email`; `wait`: seconds before another mail may be asked for. A sign-in
/// code is mailed as the step opens. Once the code is verified the store is signed in, and
/// the page around it moves on (to the second factor when the user has one).
#[component]
pub(super) fn CodeStep(
    email: String,
    kind: CodeKind,
    wait: u32,
    back: Callback<()>,
) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let config = auth.config();
    let len = config.otp_length;
    let mailed = RwSignal::new(!matches!(kind, CodeKind::SignIn | CodeKind::Unconfirmed));
    let seconds = RwSignal::new(wait);
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let field_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let text = match kind {
        #[cfg(feature = "sign-up")]
        CodeKind::SignUp | CodeKind::Convert => s.sign_up_sent,
        CodeKind::SignIn => s.sign_in_code_sent,
        CodeKind::Unconfirmed => s.unconfirmed_text,
    }
    .replace("{email}", &email);

    let failed = move |e: ApiError| match e {
        e if e.is(&ErrorCode::OtpExpired) => field_error.set(Some(s.error(&e))),
        ApiError::Decode(_) => error.set(Some(s.confirm_other_browser.to_owned())),
        e => error.set(Some(s.error(&e))),
    };
    let verify = {
        let email = email.clone();
        move |c: String| {
            error.set(None);
            field_error.set(None);
            let email = email.clone();
            let as_kind = match kind {
                CodeKind::SignIn => "email",
                #[cfg(feature = "sign-up")]
                CodeKind::Convert => "email_change",
                _ => "signup",
            };
            let work = async move { auth.verify_email(&email, &c, as_kind).await };
            run(pending, work, move |r| r.unwrap_or_else(failed));
        }
    };
    let on_link = {
        let email = email.clone();
        Callback::new(move |link: LinkToken| {
            error.set(None);
            let work = use_link(auth, email.clone(), link);
            run(pending, work, move |r| match r {
                Ok(true) => {}
                Ok(false) => error.set(Some(s.link_not_used.to_owned())),
                Err(e) => failed(e),
            });
        })
    };
    let mail = {
        let email = email.clone();
        move |()| {
            error.set(None);
            let email = email.clone();
            let work = async move {
                match kind {
                    CodeKind::SignIn => auth.send_sign_in_code(&email).await,
                    #[cfg(feature = "sign-up")]
                    CodeKind::Convert => auth.resend_conversion(&email).await,
                    _ => auth.resend_confirmation(&email).await,
                }
            };
            run(pending, work, move |r| match crate::otp::sent(r) {
                Ok(wait) => {
                    seconds.set(wait);
                    // (Not for a sign-in code's first mail: the text says it was sent.)
                    if mailed.get_untracked() || kind == CodeKind::Unconfirmed {
                        status.set(Some(s.code_resent.to_owned()));
                    }
                    mailed.set(true);
                }
                Err(e) => error.set(Some(s.error(&e))),
            });
        }
    };
    let submit = {
        let verify = verify.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let c = value.get_untracked();
            if crate::otp::is_complete(&c, len) {
                verify(c);
            } else {
                field_error.set(Some(s.count(s.code_hint, len as u64)));
            }
        }
    };
    if kind == CodeKind::SignIn {
        mail(());
    }
    let on_complete = Callback::new(verify);
    let expiry = code_expiry(s, config.otp_expiry_secs);
    let mail_first = {
        let mail = mail.clone();
        move || {
            let mail = mail.clone();
            view! {
                <p>
                    <button type="button" class="lsa-button" disabled=move || pending.get() on:click=move |_| mail(())>
                        {s.send_code}
                    </button>
                </p>
            }
        }
    };
    view! {
        <Heading text=s.check_email_title/>
        // A sign-in code's text once it is mailed (a network failure shows an alert instead).
        <p hidden=move || kind == CodeKind::SignIn && !mailed.get()>{text}</p>
        <Status message=status/>
        <Show when=move || mailed.get() fallback=mail_first>
            {expiry.clone().map(|t| view! { <p class="lsa-muted">{t}</p> })}
            <form class="lsa-form" on:submit=submit.clone()>
                <CodeField
                    id="lsa-code"
                    label=s.code_label
                    value=value
                    len=len
                    hint=s.count(s.code_hint, len as u64)
                    error=field_error
                    on_complete=on_complete
                    on_link=on_link
                />
                <SubmitButton label=s.verify pending=pending/>
            </form>
            <ResendButton seconds=seconds pending=pending on_press=Callback::new(mail.clone())/>
        </Show>
        <Alert message=error/>
        <p>
            <button type="button" class="lsa-link-button" on:click=move |_| back.run(())>{s.change_email}</button>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sign_in_links_are_verified_here() {
        let hash = |kind: &str| LinkToken::TokenHash { token_hash: "h".into(), kind: kind.into() };
        for kind in ["signup", "magiclink", "email", "invite"] {
            assert!(sign_in_link(&hash(kind)), "{kind}");
        }
        for kind in ["recovery", "email_change", ""] {
            assert!(!sign_in_link(&hash(kind)), "{kind}");
        }
        assert!(sign_in_link(&LinkToken::Code("c".into())), "checked by its token after");
    }
}
