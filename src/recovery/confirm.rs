//! `{base}/confirm`: where emailed links land. Three shapes: `?token_hash=…&type=…` (verified
//! only when the user presses Continue, so mail scanners cannot use the link up), `?code=…`
//! (PKCE; needs this tab's verifier), and GoTrue's redirect with tokens (or an error) in the
//! fragment. A reset link's session goes on in the wizard at step 3 or 4; a sign-in link's
//! (sign-up, magic link, invitation) signs in once the person has seen whose account it is;
//! an email change's link says whether the other address must confirm too, or that the
//! address changed (and whose, before its session is adopted: the same account signed in here
//! keeps its own session).

use super::flow::{Step, WizardState};
use crate::api::{ApiError, EmailChange, ErrorCode, TokenResponse};
use crate::components::{task::run, Alert, Heading, SubmitButton};
use crate::landing::{judge, Arrival, Decision};
use crate::otp::LinkToken;
use crate::redirect::{pairs, search_and_hash};
use crate::{AuthRoute, AuthStore};
use leptos::prelude::*;

/// What a link brought to the landing page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Landing {
    /// `?token_hash=…&type=…` (verified on a press).
    TokenHash {
        /// The hashed token.
        token_hash: String,
        /// Its `type`.
        kind: String,
    },
    /// `?code=…` of a PKCE flow.
    Code(String),
    /// `#access_token=…&refresh_token=…&type=…` of GoTrue's implicit redirect.
    Tokens {
        /// The access token.
        access_token: String,
        /// The refresh token.
        refresh_token: String,
        /// Lifetime in seconds.
        expires_in: i64,
        /// The `type` GoTrue put beside them.
        kind: String,
    },
    /// GoTrue's error redirect.
    Error(ErrorCode),
    /// GoTrue's redirect after the first of an email change's two confirmations (`#message=`).
    OneConfirmed,
    /// Nothing usable.
    Nothing,
}

/// Reads the query and fragment of the landing URL.
pub fn parse_landing(query: &str, fragment: &str) -> Landing {
    let (q, f) = (pairs(query), pairs(fragment));
    let get = |list: &[(String, String)], k: &str| {
        list.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
    };
    let any = |k: &str| get(&f, k).or_else(|| get(&q, k));
    if let Some(code) = any("error_code").or_else(|| any("error")) {
        return Landing::Error(ErrorCode::parse(&code));
    }
    if get(&f, "message").is_some() {
        return Landing::OneConfirmed;
    }
    if let (Some(access_token), Some(refresh_token)) =
        (get(&f, "access_token"), get(&f, "refresh_token"))
    {
        let expires_in = get(&f, "expires_in").and_then(|v| v.parse().ok()).unwrap_or(0);
        let kind = get(&f, "type").unwrap_or_default();
        return Landing::Tokens { access_token, refresh_token, expires_in, kind };
    }
    if let Some(token_hash) = get(&q, "token_hash").filter(|t| !t.is_empty()) {
        let kind = get(&q, "type").unwrap_or_else(|| "recovery".into());
        return Landing::TokenHash { token_hash, kind };
    }
    match get(&q, "code").filter(|c| !c.is_empty()) {
        Some(code) => Landing::Code(code),
        None => Landing::Nothing,
    }
}

/// Whether this page handles the landing: reset links and sign-in links.
fn expected(landing: &Landing) -> bool {
    match landing {
        Landing::Tokens { kind, .. } | Landing::TokenHash { kind, .. } => {
            kind == "recovery" || kind == "email_change" || crate::landing::signs_in(kind)
        }
        _ => true,
    }
}

/// Whether a verified session is a sign-in link's: the link declared a sign-in type (a PKCE
/// code declares it in the landing address, which the section wrote), for the user it names.
/// (A sign-in code's session and a reset code's look alike: `amr` is `otp` for both.)
fn signs_in(resp: &TokenResponse, declared: Option<&str>) -> bool {
    let claims = crate::session::claims::Claims::decode(&resp.access_token);
    declared.is_some_and(crate::landing::signs_in) && claims.is_ok_and(|c| c.sub == resp.user.id)
}

/// Where the page is.
#[derive(Clone, Debug, PartialEq)]
enum Stage {
    /// Waiting for the press (a mail scanner's GET spends nothing).
    Ready,
    /// Verified: shows whose link it is and waits for the press that adopts it.
    Account(TokenResponse),
    /// A sign-in link's session: shows whose account it signs in to, waits for the press.
    SignIn(TokenResponse),
    /// Nothing to do but request a code.
    Failed,
    /// An email change's link did its part: what to say.
    Done(String),
    /// An email change is done, for another account than the one signed in here (or none):
    /// names it, waits for the press that signs in.
    Changed(TokenResponse),
}

/// The link landing page (`{base}/confirm`): a press verifies the link, the page says whose
/// account it is for, asks before replacing another signed-in account, and only then adopts
/// the recovery session and moves on in the wizard.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let config = auth.config();
    let here = super::link::landing(auth.here());
    let (query, fragment) = search_and_hash(&here);
    let landing = parse_landing(query, fragment);
    let next = untrack(|| auth.next());
    let recover_path = AuthRoute::Recover.path_with_next(&config.base, &next);
    super::link::forget_tokens();
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let stage = RwSignal::new(Stage::Ready);
    let fail = move |msg: String| {
        stage.set(Stage::Failed);
        error.set(Some(msg));
    };
    let failed_with = move |e: &ApiError| match e {
        ApiError::Decode(_) => s.confirm_other_browser.to_owned(),
        e if e.is_network() => s.error(e),
        _ => s.confirm_link_invalid.to_owned(),
    };

    // The link's session is held for the wizard, not adopted: the app's session stays what it
    // was until the new password is saved ([`crate::landing`]).
    let adopt = {
        let recover_path = recover_path.clone();
        move |resp: TokenResponse| match auth.hold(resp) {
            Ok(()) => enter_wizard(auth, &recover_path),
            Err(e) => fail(failed_with(&e)),
        }
    };
    // A verified link: on to the wizard when nobody else is signed in here, else ask first.
    let declared = match &landing {
        Landing::TokenHash { kind, .. } | Landing::Tokens { kind, .. } => Some(kind.clone()),
        Landing::Code(_) => crate::redirect::query_value(query, "type"),
        _ => None,
    };
    let verified = {
        let adopt = adopt.clone();
        let declared = declared.clone();
        move |resp: TokenResponse| match judge_link(auth, &resp, declared.as_deref(), None) {
            // Named before anything is adopted, whoever is signed in here.
            _ if signs_in(&resp, declared.as_deref()) => stage.set(Stage::SignIn(resp)),
            Decision::Refuse(_) => fail(s.confirm_wrong_type.to_owned()),
            Decision::Hold { replaces: None } => adopt(resp),
            Decision::Hold { replaces: Some(_) } => stage.set(Stage::Account(resp)),
        }
    };
    // An email change done: this account's own session stays (renewed), another's is named.
    let changed = move |resp: TokenResponse| {
        let email = resp.user.email.clone();
        let work = async move { auth.settle_new_session(resp).await };
        run(pending, work, move |r| match r {
            Ok(None) => stage.set(Stage::Done(s.email_changed.replace("{email}", &email))),
            Ok(Some(resp)) => stage.set(Stage::Changed(resp)),
            Err(e) => fail(failed_with(&e)),
        });
    };
    let press = {
        let landing = landing.clone();
        move || {
            error.set(None);
            let link = match landing.clone() {
                Landing::TokenHash { token_hash, kind } => {
                    Some(LinkToken::TokenHash { token_hash, kind })
                }
                Landing::Code(code) => Some(LinkToken::Code(code)),
                _ => None,
            };
            if let Some(LinkToken::TokenHash { token_hash, kind }) = &link {
                if kind == "email_change" {
                    let hash = token_hash.clone();
                    let work = async move { auth.verify_email_change_link(&hash).await };
                    return run(pending, work, move |r| match r {
                        Ok(EmailChange::OtherAddress) => {
                            stage.set(Stage::Done(s.email_confirmed_one.to_owned()))
                        }
                        Ok(EmailChange::Done(resp)) => changed(*resp),
                        Err(e) if e.is_network() => error.set(Some(failed_with(&e))),
                        Err(e) => fail(failed_with(&e)),
                    });
                }
            }
            if let Some(link) = link {
                let work = async move { auth.verify_link(link).await };
                let verified = verified.clone();
                run(pending, work, move |r| match r {
                    Ok(resp) => verified(resp),
                    // A network failure can be retried with the same press; a refused link
                    // (used, expired, another browser's PKCE link) offers the code instead.
                    Err(e) if e.is_network() => error.set(Some(failed_with(&e))),
                    Err(e) => fail(failed_with(&e)),
                });
            }
        }
    };

    match landing.clone() {
        l if !expected(&l) => fail(s.confirm_wrong_type.to_owned()),
        Landing::Error(_) | Landing::Nothing => fail(s.confirm_link_invalid.to_owned()),
        Landing::OneConfirmed => stage.set(Stage::Done(s.email_confirmed_one.to_owned())),
        Landing::Tokens { access_token, refresh_token, expires_in, kind }
            if kind == "email_change" =>
        {
            Effect::new(move |_| {
                let (a, r) = (access_token.clone(), refresh_token.clone());
                let work = async move { auth.inspect_tokens(a, r, expires_in).await };
                run(pending, work, move |r| match r {
                    Ok(resp) => changed(resp),
                    Err(e) => fail(failed_with(&e)),
                });
            });
        }
        Landing::Tokens { access_token, refresh_token, expires_in, kind } => {
            // Already issued by GoTrue's redirect: read whose they are (in the browser only),
            // then wait for the press.
            Effect::new(move |_| {
                let (a, r, kind) = (access_token.clone(), refresh_token.clone(), kind.clone());
                let work = async move { auth.inspect_tokens(a, r, expires_in).await };
                run(pending, work, move |r| match r {
                    // Always named before it is held, whoever is signed in here.
                    Ok(resp) => match judge_link(auth, &resp, Some(&kind), None) {
                        _ if signs_in(&resp, Some(&kind)) => stage.set(Stage::SignIn(resp)),
                        Decision::Refuse(_) => fail(s.confirm_wrong_type.to_owned()),
                        Decision::Hold { .. } => stage.set(Stage::Account(resp)),
                    },
                    Err(e) => fail(failed_with(&e)),
                });
            });
        }
        Landing::TokenHash { .. } | Landing::Code(_) => {}
    }

    let use_code = move |_| {
        let email = super::load_state().map(|w| w.email).unwrap_or_default();
        super::save_state(&WizardState { step: Step::Email, email, user: String::new() });
    };
    let needs_press = matches!(landing, Landing::TokenHash { .. } | Landing::Code(_));
    let email_change =
        matches!(&landing, Landing::OneConfirmed) || declared.as_deref() == Some("email_change");
    // A failed email change link is retried from the security screen, not by a reset code.
    let retry_path = match email_change {
        true => auth.path_keeping_next(AuthRoute::Security),
        false => recover_path.clone(),
    };
    let account = move || match stage.get() {
        Stage::Account(resp) => {
            let email = resp.user.email.clone();
            let other = other_account(auth, &resp);
            let adopt = adopt.clone();
            view! {
                <p role="status">{s.confirm_link_for.replace("{email}", &email)}</p>
                {other.map(|o| view! { <p class="lsa-alert">{s.confirm_replaces.replace("{email}", &o)}</p> })}
                <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); adopt(resp.clone()); }>
                    <button type="submit" class="lsa-button" disabled=move || pending.get()>
                        {s.confirm_continue_as.replace("{email}", &email)}
                    </button>
                </form>
            }
            .into_any()
        }
        Stage::Done(said) => view! {
            <p role="status">{said}</p>
            <a class="lsa-button" href=auth.path_keeping_next(AuthRoute::Security)>{s.continue_}</a>
        }
        .into_any(),
        Stage::SignIn(resp) | Stage::Changed(resp) => {
            let said = match stage.get_untracked() {
                Stage::Changed(_) => s.email_changed,
                _ => s.confirm_sign_in_for,
            };
            let email = resp.user.email.clone();
            let other = other_account(auth, &resp);
            let sign_in = auth.path_keeping_next(AuthRoute::SignIn);
            let go = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                // The sign-in page goes on to `next`, or asks for the second factor first.
                match auth.adopt_link(resp.clone()) {
                    Ok(()) => auth.navigate(&sign_in),
                    Err(e) => fail(failed_with(&e)),
                }
            };
            view! {
                <p role="status">{said.replace("{email}", &email)}</p>
                {other.map(|o| view! { <p class="lsa-alert">{s.confirm_replaces.replace("{email}", &o)}</p> })}
                <form class="lsa-form" on:submit=go>
                    <button type="submit" class="lsa-button" disabled=move || pending.get()>
                        {s.confirm_continue_as.replace("{email}", &email)}
                    </button>
                </form>
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    // A sign-in link's page speaks of signing in.
    let (title, text) = match &landing {
        Landing::TokenHash { kind, .. } | Landing::Tokens { kind, .. }
            if crate::landing::signs_in(kind) =>
        {
            (s.sign_in_title, s.confirm_sign_in_text)
        }
        Landing::Code(_) if declared.as_deref().is_some_and(crate::landing::signs_in) => {
            (s.sign_in_title, s.confirm_sign_in_text)
        }
        _ if email_change => (s.email_title, s.confirm_email_text),
        _ => (s.confirm_title, s.confirm_text),
    };
    view! {
        <section class="lsa-card">
            <Heading text=title/>
            <Show when=move || stage.get() == Stage::Ready && needs_press fallback=|| ()>
                <p>{text}</p>
                <form class="lsa-form" on:submit={
                    let press = press.clone();
                    move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); press(); }
                }>
                    <SubmitButton label=s.continue_ pending=pending/>
                </form>
            </Show>
            <Show when=move || stage.get() == Stage::Ready && !needs_press fallback=|| ()>
                <p role="status">{s.confirm_verifying}</p>
            </Show>
            {account}
            <Alert message=error/>
            <Show when=move || stage.get() == Stage::Failed fallback=|| ()>
                <a class="lsa-button" href=retry_path.clone() on:click=use_code>{s.use_code_instead}</a>
            </Show>
        </section>
    }
}

/// The email of another account signed in here, which the link's session would replace.
pub(crate) fn other_account(auth: AuthStore, resp: &TokenResponse) -> Option<String> {
    auth.session_untracked().filter(|s| s.user.id != resp.user.id).map(|s| s.user.email)
}

/// [`crate::landing::judge`] for a reset link's verified session: `declared` is the link's own
/// `type`, `expected_email` the wizard's address (a pasted link), the app's session is `auth`'s.
pub(super) fn judge_link(
    auth: AuthStore,
    resp: &TokenResponse,
    declared: Option<&str>,
    expected_email: Option<&str>,
) -> Decision {
    let of_kind = crate::session::claims::Claims::decode(&resp.access_token)
        .is_ok_and(|c| c.is_recovery() && c.sub == resp.user.id);
    let arrival = Arrival { declared, of_kind, user_id: &resp.user.id, email: &resp.user.email };
    let here = auth.session_untracked().map(|s| (s.user.id, s.user.email));
    judge(arrival, "recovery", expected_email, here.as_ref().map(|(i, e)| (i.as_str(), e.as_str())))
}

/// Moves on in the wizard with the held recovery session.
fn enter_wizard(auth: AuthStore, recover_path: &str) {
    let session = auth.held().session_untracked();
    let step = if session.as_ref().is_some_and(|s| s.needs_step_up()) {
        Step::SecondFactor
    } else {
        Step::NewPassword
    };
    let (email, user) = session.map(|s| (s.user.email, s.user.id)).unwrap_or_default();
    super::save_state(&WizardState { step, email, user });
    auth.navigate(recover_path);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hash_links() {
        assert_eq!(
            parse_landing("?token_hash=abc&type=recovery&next=%2Fx", ""),
            Landing::TokenHash { token_hash: "abc".into(), kind: "recovery".into() }
        );
    }

    #[test]
    fn pkce_code() {
        assert_eq!(parse_landing("?code=1234-5678", ""), Landing::Code("1234-5678".into()));
    }

    #[test]
    fn implicit_fragment_tokens() {
        let l = parse_landing("", "#access_token=a.b.c&expires_at=9&expires_in=3600&refresh_token=r1&sb=&token_type=bearer&type=recovery");
        assert_eq!(
            l,
            Landing::Tokens {
                access_token: "a.b.c".into(),
                refresh_token: "r1".into(),
                expires_in: 3600,
                kind: "recovery".into(),
            }
        );
        assert!(expected(&l));
    }

    #[test]
    fn error_redirects_win() {
        let l = parse_landing(
            "?error=access_denied&error_code=otp_expired",
            "#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid",
        );
        assert_eq!(l, Landing::Error(ErrorCode::OtpExpired));
        assert_eq!(
            parse_landing("", "#error=server_error"),
            Landing::Error(ErrorCode::parse("server_error"))
        );
    }

    #[test]
    fn sign_in_links_are_expected_other_types_refused() {
        let signup = parse_landing("", "#access_token=a.b.c&refresh_token=r&type=signup");
        assert!(expected(&signup));
        for kind in ["signup", "magiclink", "email", "invite", "recovery"] {
            assert!(expected(&parse_landing(&format!("?token_hash=x&type={kind}"), "")), "{kind}");
        }
        let untyped = parse_landing("", "#access_token=a.b.c&refresh_token=r");
        assert!(!expected(&untyped), "tokens without a type are not a reset link");
        assert!(expected(&parse_landing("?token_hash=x&type=email_change", "")));
        assert!(!expected(&parse_landing("?token_hash=x&type=other", "")));
        assert!(expected(&parse_landing("?token_hash=x", "")), "the documented link's type");
        assert!(expected(&parse_landing("?code=c", "")));
    }

    /// A link signs in only when it declared a sign-in type, and only for the user its token
    /// names; a reset link, or an untyped one (a PKCE code of the wizard), goes to the wizard.
    #[test]
    fn only_a_declared_sign_in_link_signs_in() {
        let resp = |sub: &str| TokenResponse {
            access_token: crate::session::claims::tests::token(&format!(
                r#"{{"sub":"{sub}","exp":9999999999,"iat":1,"aal":"aal1","amr":[{{"method":"otp","timestamp":1}}]}}"#
            )),
            refresh_token: "r".into(),
            expires_in: 3600,
            expires_at: None,
            user: crate::api::User { id: "u".into(), ..Default::default() },
        };
        for kind in ["signup", "magiclink", "email", "invite"] {
            assert!(signs_in(&resp("u"), Some(kind)), "{kind}");
            assert!(!signs_in(&resp("other"), Some(kind)), "{kind}: another user's token");
        }
        for declared in [Some("recovery"), Some("email_change"), None] {
            assert!(!signs_in(&resp("u"), declared), "{declared:?}");
        }
    }

    /// GoTrue's redirect after the first of an email change's two confirmations: its text is
    /// not shown (the page says its own), an error still wins.
    #[test]
    fn the_first_of_two_email_confirmations() {
        let first = "#message=Confirmation+link+accepted.+Please+proceed+to+confirm+link+sent+to+the+other+email&sb=";
        assert_eq!(parse_landing("?type=email_change", first), Landing::OneConfirmed);
        assert_eq!(
            parse_landing("", "#message=x&error_code=otp_expired"),
            Landing::Error(ErrorCode::OtpExpired)
        );
        let last = parse_landing("", "#access_token=a.b.c&refresh_token=r&type=email_change");
        assert!(matches!(&last, Landing::Tokens { kind, .. } if kind == "email_change"));
        assert!(expected(&last));
    }

    #[test]
    fn nothing_usable() {
        assert_eq!(parse_landing("", ""), Landing::Nothing);
        assert_eq!(parse_landing("?token_hash=&code=", ""), Landing::Nothing);
        assert_eq!(parse_landing("?access_token=a&refresh_token=b", ""), Landing::Nothing);
    }
}
