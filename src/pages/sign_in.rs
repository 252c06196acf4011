//! Sign-in at `{base}/sign-in?next=...`: email + password (or a passkey, or an emailed code),
//! then the second factor when the user has one, then the validated `next`. A user already
//! signed in at their level goes straight on.

use crate::api::ErrorCode;
use crate::api::LogoutScope;
use crate::components::task::{run, spawn};
use crate::components::{Alert, Field, Heading, PasswordField, SubmitButton};
use crate::session::state::AuthState;
use crate::AuthRoute;
use leptos::prelude::*;

/// What the sign-in page shows for the store's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// Storage not read yet: show nothing.
    Wait,
    /// Signed out: the email + password form.
    Form,
    /// Signed in at aal1 with a verified factor: the second-factor step.
    SecondFactor,
    /// Signed in at the user's highest level: go to `next`.
    Done,
}

/// Decides [`Arrival`] from the state.
pub fn arrival(state: &AuthState) -> Arrival {
    match state {
        AuthState::Loading => Arrival::Wait,
        // An anonymous user may sign in to an account here.
        AuthState::SignedOut => Arrival::Form,
        s if s.is_anonymous() => Arrival::Form,
        AuthState::SecondFactorPending(_) => Arrival::SecondFactor,
        AuthState::SignedIn(_) => Arrival::Done,
    }
}

/// Email + password sign-in, then MFA when the user has a factor.
///
/// [`AuthRoutes`](crate::AuthRoutes) mounts it at `{base}/sign-in`. Rendered elsewhere, it
/// needs an `<AuthProvider>` (and the `<Router>` around it) above it:
#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = crate::use_auth();
    let next = Memo::new(move |_| auth.next());
    let state = auth.state();
    let shown = Memo::new(move |_| state.with(arrival));
    // The address stays when the code step goes back to the form; `code` holds it while the
    // code step is shown instead of the form (empty: the form).
    let email = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let unconfirmed = RwSignal::new(false);
    let back = Callback::new(move |()| {
        code.set(String::new());
        unconfirmed.set(false);
    });
    // The state drives the page: a sign-in, a verified factor, or another tab moves it on. A
    // code used up, the form comes back (after "another account" on the second-factor step).
    Effect::new(move |_| match shown.get() {
        Arrival::Done => auth.navigate(&next.get_untracked()),
        Arrival::SecondFactor => code.set(String::new()),
        Arrival::Form | Arrival::Wait => {}
    });
    let form = move || match code.get() {
        address if address.is_empty() => {
            view! { <PasswordStep email code unconfirmed/> }.into_any()
        }
        address => crate::front::sign_in_code(address, unconfirmed.get_untracked(), back),
    };
    view! {
        <section class="lsa-card">
            {move || match shown.get() {
                Arrival::Form => form.into_any(),
                Arrival::SecondFactor => view! { <SecondFactorStep/> }.into_any(),
                Arrival::Wait | Arrival::Done => ().into_any(),
            }}
        </section>
    }
}

#[component]
fn PasswordStep(
    email: RwSignal<String>,
    code: RwSignal<String>,
    unconfirmed: RwSignal<bool>,
) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let submit = move || {
        let (e, p) = (email.get_untracked().trim().to_owned(), password.get_untracked());
        if e.is_empty() || p.is_empty() {
            error.set(Some(s.err_sign_in_fields.to_owned()));
            return;
        }
        error.set(None);
        // On success the page moves on by itself (see `arrival`); the inputs stay otherwise.
        let work = {
            let e = e.clone();
            async move { auth.sign_in_password(&e, &p).await }
        };
        run(pending, work, move |r| match r {
            // Not confirmed yet: a new confirmation code, entered in place.
            Err(err) if err.is(&ErrorCode::EmailNotConfirmed) => {
                unconfirmed.set(true);
                code.set(e);
            }
            Err(err) => error.set(Some(s.error(&err))),
            Ok(()) => {}
        });
    };
    // The code step mails the code as it opens.
    let by_code = move |_| {
        let address = email.get_untracked().trim().to_owned();
        if address.contains('@') {
            unconfirmed.set(false);
            code.set(address);
        } else {
            error.set(Some(s.err_email_invalid.to_owned()));
        }
    };
    // "Create an account" when the server takes new accounts, passkeys when it has them on.
    let (sign_up, passkeys) = (RwSignal::new(false), RwSignal::new(false));
    let providers = RwSignal::new(String::new());
    spawn(async move { auth.settings().await }, move |got| {
        let got = got.unwrap_or_default();
        #[cfg(feature = "sign-up")]
        sign_up.set(got.sign_up);
        passkeys.set(got.passkeys);
        providers.set(got.providers.to_owned());
    });
    view! {
        <Heading text=s.sign_in_title/>
        {(!auth.storage_persists()).then(|| view! { <p class="lsa-muted" role="status">{s.storage_blocked}</p> })}
        <form class="lsa-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <Field id="lsa-email" label=s.email_label value=email kind="email" autocomplete="email webauthn"/>
            <PasswordField id="lsa-password" label=s.password_label value=password autocomplete="current-password"/>
            <Alert message=error/>
            <SubmitButton label=s.sign_in_button pending=pending/>
        </form>
        {super::passkey_offer(error, passkeys)}
        {crate::social::offer(providers)}
        <p>
            <button type="button" class="lsa-button lsa-button-secondary" on:click=by_code>{s.code_sign_in}</button>
        </p>
        <nav class="lsa-links">
            <a href=auth.path(AuthRoute::Recover)>{s.forgot_password}</a>
            {crate::front::sign_up_link(auth.path_keeping_next(AuthRoute::SignUp), sign_up.into())}
        </nav>
    }
}

#[component]
fn SecondFactorStep() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let leaving = RwSignal::new(false);
    let other_account = move |_| {
        // The page returns to the form once the store is signed out.
        run(leaving, async move { auth.sign_out(LogoutScope::Local).await }, drop);
    };
    view! {
        <Heading text=s.mfa_title/>
        <p>{s.sign_in_mfa_intro}</p>
        // The store then holds the aal2 session, and the page moves on to `next` by itself.
        {crate::components::factor_verify(Callback::new(|_| ()))}
        <p>
            <button type="button" class="lsa-link-button" disabled=move || leaving.get() on:click=other_account>
                {s.sign_in_other_account}
            </button>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Factor, TokenResponse, User};
    use crate::session::state::Session;

    fn session(aal: &str, verified_factor: bool) -> AuthState {
        let b = crate::api::pkce::base64url;
        let payload =
            format!(r#"{{"sub":"u","exp":9999999999,"iat":1,"aal":"{aal}","session_id":"s"}}"#);
        let jwt = [b(br#"{"alg":"HS256"}"#), b(payload.as_bytes()), "sig".into()].join(".");
        let factors = if verified_factor {
            vec![Factor {
                id: "f".into(),
                factor_type: "totp".into(),
                status: "verified".into(),
                ..Default::default()
            }]
        } else {
            vec![Factor {
                id: "f".into(),
                factor_type: "totp".into(),
                status: "unverified".into(),
                ..Default::default()
            }]
        };
        let resp = TokenResponse {
            access_token: jwt,
            refresh_token: "r".into(),
            expires_in: 3600,
            expires_at: None,
            user: User { id: "u".into(), factors, ..User::default() },
        };
        AuthState::from_session(Session::from_response(resp, 0).unwrap())
    }

    #[test]
    fn arrival_follows_the_level() {
        assert_eq!(arrival(&AuthState::Loading), Arrival::Wait);
        assert_eq!(arrival(&AuthState::SignedOut), Arrival::Form);
        assert_eq!(arrival(&session("aal1", false)), Arrival::Done, "no verified factor");
        assert_eq!(arrival(&session("aal1", true)), Arrival::SecondFactor);
        assert_eq!(arrival(&session("aal2", true)), Arrival::Done);
    }

    /// An anonymous user sent here (a page that needs an account) gets the form, not `next`.
    #[test]
    fn an_anonymous_user_gets_the_form() {
        let b = crate::api::pkce::base64url;
        let payload = r#"{"sub":"u","exp":9999999999,"iat":1,"aal":"aal1","is_anonymous":true}"#;
        let jwt = [b(br#"{"alg":"HS256"}"#), b(payload.as_bytes()), "sig".into()].join(".");
        let resp = TokenResponse {
            access_token: jwt,
            refresh_token: "r".into(),
            expires_in: 3600,
            expires_at: None,
            user: User { id: "u".into(), ..User::default() },
        };
        let state = AuthState::from_session(Session::from_response(resp, 0).unwrap());
        assert_eq!(arrival(&state), Arrival::Form);
    }
}
