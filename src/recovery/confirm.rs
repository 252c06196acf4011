//! `{base}/confirm`: where emailed links land. Three shapes: `?token_hash=…&type=recovery`
//! (verified only when the user presses Continue, so mail scanners cannot use the link up),
//! `?code=…` (PKCE; needs this tab's verifier), and GoTrue's redirect with tokens (or an error)
//! in the fragment. After a session exists the wizard continues at step 3 or 4.

use super::flow::{Step, WizardState};
use crate::api::{ApiError, ErrorCode, TokenResponse};
use crate::components::{Alert, Heading, SubmitButton};
use crate::otp::LinkToken;
use crate::redirect::{percent_decode, safe_next};
use crate::session::AuthEvent;
use crate::{AuthRoute, AuthStore};
use leptos::{prelude::*, task::spawn_local};

/// What the link brought.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Landing {
    /// `?token_hash=…&type=…`.
    TokenHash {
        /// The hash.
        token_hash: String,
        /// The verification type (`recovery`).
        kind: String,
    },
    /// `?code=…` (PKCE).
    Code(String),
    /// `#access_token=…&refresh_token=…&expires_in=…` (implicit redirect from GoTrue).
    Tokens {
        /// Access token.
        access_token: String,
        /// Refresh token.
        refresh_token: String,
        /// Lifetime in seconds.
        expires_in: i64,
    },
    /// `#error=…&error_code=…` (used or expired link).
    Error(ErrorCode),
    /// Nothing usable.
    Nothing,
}

fn pairs(s: &str) -> Vec<(String, String)> {
    s.trim_start_matches(['?', '#'])
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (percent_decode(&k.replace('+', " ")), percent_decode(&v.replace('+', " "))))
        .collect()
}

/// Reads a landing from the URL's query and fragment (pure).
pub fn parse_landing(query: &str, fragment: &str) -> Landing {
    let (q, f) = (pairs(query), pairs(fragment));
    let get = |list: &[(String, String)], k: &str| {
        list.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
    };
    let any = |k: &str| get(&f, k).or_else(|| get(&q, k));
    if let Some(code) = any("error_code").or_else(|| any("error")) {
        return Landing::Error(ErrorCode::parse(&code));
    }
    if let (Some(access_token), Some(refresh_token)) =
        (get(&f, "access_token"), get(&f, "refresh_token"))
    {
        let expires_in = get(&f, "expires_in").and_then(|v| v.parse().ok()).unwrap_or(0);
        return Landing::Tokens { access_token, refresh_token, expires_in };
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

/// The current query and fragment, from the router (empty fragment when rendering on a server).
fn location_parts() -> (String, String) {
    let loc = leptos_router::hooks::use_location();
    (loc.search.get_untracked(), loc.hash.get_untracked())
}

/// Removes tokens from the address bar (they must not linger in history).
fn forget_fragment() {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let path = w.location().pathname().unwrap_or_default();
        let search = w.location().search().unwrap_or_default();
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&[path, search].concat()),
            );
        }
    }
}

async fn establish(auth: AuthStore, landing: Landing) -> Result<(), ApiError> {
    let api = auth.api();
    let resp = match landing {
        Landing::TokenHash { token_hash, kind } => {
            super::session_from_link(&api, LinkToken::TokenHash { token_hash, kind }).await?
        }
        Landing::Code(code) => super::session_from_link(&api, LinkToken::Code(code)).await?,
        Landing::Tokens { access_token, refresh_token, expires_in } => {
            let user = api.get_user(&access_token).await?;
            TokenResponse { access_token, refresh_token, expires_in, expires_at: None, user }
        }
        Landing::Error(code) => return Err(ApiError::from(code_error(code))),
        Landing::Nothing => return Err(ApiError::from(code_error(ErrorCode::OtpExpired))),
    };
    auth.set_session(resp, AuthEvent::PasswordRecovery)
}

fn code_error(code: ErrorCode) -> crate::api::AuthError {
    crate::api::AuthError {
        code,
        message: String::new(),
        status: 403,
        weak_reasons: vec![],
        retry_after_secs: None,
    }
}

/// The link landing page.
///
/// [`AuthRoutes`](crate::AuthRoutes) mounts it at `{base}/confirm`, where the emailed links
/// point. Rendered elsewhere, it needs an `<AuthProvider>` (and the `<Router>` around it) above
/// it:
///
/// ```no_run
/// # use leptos::prelude::*;
/// use leptos_supabase_auth::recovery::ConfirmPage;
/// # fn host() -> impl IntoView {
/// view! { <main class="account"><ConfirmPage/></main> }
/// # }
/// ```
#[component]
pub fn ConfirmPage() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let config = auth.config();
    let (query, fragment) = location_parts();
    let landing = parse_landing(&query, &fragment);
    let next_raw = pairs(&query).into_iter().find(|(k, _)| k == "next").map(|(_, v)| v);
    let next = safe_next(next_raw.as_deref(), &config.after_sign_in);
    let recover_path = AuthRoute::Recover.path_with_next(&config.base, &next);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let failed = RwSignal::new(false);

    let go = {
        let recover_path = recover_path.clone();
        move |landing: Landing| {
            if pending.get_untracked() {
                return;
            }
            pending.set(true);
            let recover_path = recover_path.clone();
            spawn_local(async move {
                let result = establish(auth, landing).await;
                pending.set(false);
                match result {
                    Ok(()) => {
                        let session = auth.session_untracked();
                        let step = if session.as_ref().is_some_and(|s| s.needs_step_up()) {
                            Step::SecondFactor
                        } else {
                            Step::NewPassword
                        };
                        let email = session.map(|s| s.user.email).unwrap_or_default();
                        super::save_state(&WizardState { step, email });
                        auth.navigate(&recover_path);
                    }
                    Err(e) => {
                        failed.set(true);
                        let msg = match &e {
                            ApiError::Decode(_) => s.confirm_other_browser.to_owned(),
                            e if e.is_network() => s.error(e),
                            _ => s.confirm_link_invalid.to_owned(),
                        };
                        error.set(Some(msg));
                    }
                }
            });
        }
    };

    let needs_press = matches!(landing, Landing::TokenHash { .. } | Landing::Code(_));
    if !needs_press {
        forget_fragment();
        // Tokens were already issued by GoTrue's redirect, and errors need no press either.
        // An effect runs only in the browser, once the page is mounted.
        let go = go.clone();
        let landing = landing.clone();
        Effect::new(move |_| go(landing.clone()));
    }
    let use_code = move |_| {
        let email = super::load_state().map(|w| w.email).unwrap_or_default();
        super::save_state(&WizardState { step: Step::Email, email });
    };
    view! {
        <section class="lsa-card">
            <Heading text=s.confirm_title/>
            <Show when=move || !failed.get() && needs_press fallback=|| ()>
                <p>{s.confirm_text}</p>
            </Show>
            <Show when=move || !failed.get() && !needs_press fallback=|| ()>
                <p role="status">{s.confirm_verifying}</p>
            </Show>
            <Alert message=error/>
            <Show when=move || !failed.get() && needs_press fallback=|| ()>
                {
                    let go = go.clone();
                    let landing = landing.clone();
                    view! {
                        <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); go(landing.clone()); }>
                            <SubmitButton label=s.continue_ pending=pending/>
                        </form>
                    }
                }
            </Show>
            <Show when=move || failed.get() fallback=|| ()>
                <a class="lsa-button" href=recover_path.clone() on:click=use_code>{s.use_code_instead}</a>
            </Show>
        </section>
    }
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
                expires_in: 3600
            }
        );
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
    fn nothing_usable() {
        assert_eq!(parse_landing("", ""), Landing::Nothing);
        assert_eq!(parse_landing("?token_hash=&code=", ""), Landing::Nothing);
        assert_eq!(parse_landing("?access_token=a&refresh_token=b", ""), Landing::Nothing);
    }
}
