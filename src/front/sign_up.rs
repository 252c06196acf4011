//! `{base}/sign-up`: email, password (the policy and its checklist, as for a new password), the
//! profile fields the host asks for, then the code step, or signed in at once when the project
//! confirms addresses by itself. An anonymous user is converted instead (same account, what
//! they did kept): the address is confirmed by its code, then the password is set.

use super::CodeKind;
use crate::api::{ApiError, ErrorCode};
use crate::components::task::{run, spawn};
use crate::components::{
    password_acceptable, Alert, Field, Heading, NewPasswordFields, SubmitButton,
};
use crate::AuthRoute;
use leptos::prelude::*;

/// The address a code was mailed to, the seconds before another mail, and what it is for.
type Mailed = Option<(String, u32, CodeKind)>;

crate::split::points! {
    /// The sign-up page.
    #[part(sign_up, card)]
    pub(crate) fn sign_up_page() => view! { <SignUpPage/> };
}

/// Whether `address` could be an email address (the server checks it for real).
fn looks_like_email(address: &str) -> bool {
    address.len() >= 3 && address.contains('@')
}

/// The page: the form, then the code step. Once signed in with an account (here or in another
/// tab) it hands over to the sign-in page, which goes on to `next` or asks for the second
/// factor; a converted anonymous user's password is set first.
#[component]
fn SignUpPage() -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let email = RwSignal::new(String::new());
    let code = RwSignal::new(None::<(String, u32, CodeKind)>);
    // A converting anonymous user's password (memory only), set once the address is theirs.
    let password = StoredValue::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let state = auth.state();
    let sign_in = auth.path_keeping_next(AuthRoute::SignIn);
    {
        let sign_in = sign_in.clone();
        Effect::new(move |_| {
            if !state.with(|s| s.session().is_some() && !s.is_anonymous()) {
                return;
            }
            let sign_in = sign_in.clone();
            match password.get_value() {
                None => auth.replace(&sign_in),
                Some(pw) => {
                    password.set_value(None);
                    let work = async move { auth.update_password(&pw, None, None).await };
                    spawn(work, move |r| match r {
                        Ok(()) => auth.replace(&sign_in),
                        Err(e) => error.set(Some(s.error(&e))),
                    });
                }
            }
        });
    }
    view! {
        <Alert message=error/>
        {move || match code.get() {
            Some((email, wait, kind)) => {
                let back = Callback::new(move |()| code.set(None));
                super::email_code(email, kind, wait, back)
            }
            None => view! { <SignUpForm email code converting=password sign_in=sign_in.clone()/> }.into_any(),
        }}
    }
}

#[component]
fn SignUpForm(
    email: RwSignal<String>,
    code: RwSignal<Mailed>,
    converting: StoredValue<Option<String>>,
    sign_in: String,
) -> impl IntoView {
    let auth = crate::use_auth();
    let s = auth.strings();
    let config = auth.config();
    let policy = config.password_policy;
    let anonymous = auth.state().with_untracked(crate::AuthState::is_anonymous);
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let reasons = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<String>);
    let field_error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    // Closed when the server says so (unknown: open; the server refuses then).
    let closed = RwSignal::new(false);
    let providers = RwSignal::new(String::new());
    spawn(async move { auth.settings().await }, move |got| {
        closed.set(got.is_some_and(|g| !g.sign_up));
        // (An anonymous user keeps their account by an address here.)
        if !anonymous {
            providers.set(got.map(|g| g.providers.to_owned()).unwrap_or_default());
        }
    });
    let profile: Vec<_> =
        config.sign_up_fields.into_iter().map(|f| (f, RwSignal::new(String::new()))).collect();
    // The profile, and the language shown (`locale`: mail templates can read it).
    let data = {
        let profile = profile.clone();
        move || {
            let filled = profile
                .iter()
                .map(|(f, v)| (f.key, v.get_untracked().trim().to_owned()))
                .filter(|(_, v)| !v.is_empty());
            let data = crate::json::Object::new().str("locale", auth.strings().lang);
            Some(filled.fold(data, |o, (k, v)| o.str(k, &v)).finish())
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked().trim().to_owned();
        if !looks_like_email(&address) {
            field_error.set(Some(s.err_email_invalid.to_owned()));
            return;
        }
        field_error.set(None);
        let (pw, again) = (password.get_untracked(), confirm.get_untracked());
        if !password_acceptable(&policy, &pw, &again) {
            error.set(Some(s.err_password_checks.to_owned()));
            return;
        }
        error.set(None);
        let (to, data) = (address.clone(), data());
        // An anonymous user keeps their account: the password is set once the address is theirs.
        let kind = if anonymous { CodeKind::Convert } else { CodeKind::SignUp };
        if anonymous {
            converting.set_value(Some(pw.clone()));
        }
        let work = async move {
            match kind {
                CodeKind::Convert => auth.convert_anonymous(&to, data).await,
                _ => auth.sign_up(&to, &pw, data).await,
            }
        };
        run(pending, work, move |r| {
            let mailed = match r {
                // Signed in: the page moves on by itself.
                Ok(true) => return,
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            };
            match crate::otp::sent(mailed) {
                Ok(wait) => code.set(Some((address, wait, kind))),
                Err(e) if e.is(&ErrorCode::ValidationFailed) => {
                    field_error.set(Some(s.err_email_invalid.to_owned()))
                }
                Err(e) => {
                    converting.set_value(None);
                    if let ApiError::Auth(a) = &e {
                        reasons.set(a.weak_reasons.clone());
                    }
                    error.set(Some(s.error(&e)));
                }
            }
        });
    };
    let fields = profile
        .into_iter()
        .map(|(f, value)| {
            let id = ["lsa-data-", f.key].concat();
            view! {
                <div class="lsa-field">
                    <label for=id.clone()>{f.label}</label>
                    <input id=id class="lsa-input" type="text" name=f.key autocomplete=f.autocomplete
                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                </div>
            }
        })
        .collect_view();
    view! {
        <Heading text=s.sign_up_title/>
        {anonymous.then(|| view! { <p>{s.sign_up_keeps}</p> })}
        <Show when=move || closed.get()>
            <p class="lsa-alert" role="alert">{s.sign_up_closed}</p>
        </Show>
        <form class="lsa-form" on:submit=submit novalidate>
            <Field id="lsa-email" label=s.email_label value=email kind="email" autocomplete="email" error=field_error/>
            {fields}
            <NewPasswordFields password confirm username=email server_reasons=reasons/>
            <Alert message=error/>
            <SubmitButton label=s.sign_up_button pending=pending/>
        </form>
        {crate::social::offer(providers)}
        <p><a href=sign_in>{s.have_account}</a></p>
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_email;

    #[test]
    fn addresses() {
        assert!(looks_like_email("a@b"));
        assert!(!looks_like_email("ab"));
        assert!(!looks_like_email("abc"));
    }
}
