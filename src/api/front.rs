//! The front door by email: `POST /signup`, `POST /otp`, `POST /resend`, and `GET /settings`.

use super::client::{GoTrue, Method};
use super::{ApiError, TokenResponse};
use crate::json::{FromJson, Object, Value};

/// What `GET /settings` tells the section.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Passkeys are on (`passkeys_enabled`).
    pub passkeys: bool,
    /// New accounts may be made (not `disable_signup`).
    #[cfg(feature = "sign-up")]
    pub sign_up: bool,
    /// Anonymous sign-in is on (`external.anonymous_users`).
    #[cfg(feature = "sign-up")]
    pub anonymous: bool,
    /// The social providers that are on (`external`, but email, phone and anonymous), in the
    /// server's order, space-separated like OAuth scopes. Read once per page load (the store
    /// keeps it), so kept for the page's life.
    pub providers: &'static str,
}

impl FromJson for Settings {
    fn from_json(v: &Value) -> Option<Self> {
        let on = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
        #[cfg(feature = "social")]
        let providers = social_providers(v);
        #[cfg(not(feature = "social"))]
        let providers = "";
        Some(Settings {
            providers,
            passkeys: on(v.get("passkeys_enabled")),
            #[cfg(feature = "sign-up")]
            sign_up: !on(v.get("disable_signup")),
            #[cfg(feature = "sign-up")]
            anonymous: on(v.get("external").and_then(|e| e.get("anonymous_users"))),
        })
    }
}

/// The social providers `/settings` has on (`external`, but email, phone and anonymous),
/// space-separated, kept for the page's life.
#[cfg(feature = "social")]
fn social_providers(v: &Value) -> &'static str {
    let on = |v: &Value| v.as_bool().unwrap_or(false);
    let mut providers = String::new();
    if let Some(Value::Object(all)) = v.get("external") {
        for (name, value) in all {
            let social = !matches!(name.as_str(), "email" | "phone" | "anonymous_users");
            if social && on(value) {
                providers.extend([" ", name.as_str()]);
            }
        }
    }
    match providers.is_empty() {
        true => "",
        false => Box::leak(providers.trim_start().into()),
    }
}

/// `POST /signup`'s answer: a session (autoconfirm, or anonymous), or a user to confirm by
/// email (also the made-up user GoTrue answers for an address that already has an account).
#[cfg(feature = "sign-up")]
pub enum SignedUp {
    /// Signed in at once.
    Session(Box<TokenResponse>),
    /// A confirmation was mailed (or nothing was, for a taken address: the same answer).
    CheckEmail,
}

#[cfg(feature = "sign-up")]
impl FromJson for SignedUp {
    fn from_json(v: &Value) -> Option<Self> {
        match v.get("access_token") {
            Some(_) => TokenResponse::from_json(v).map(|t| SignedUp::Session(Box::new(t))),
            None => v.string("id").map(|_| SignedUp::CheckEmail),
        }
    }
}

/// `POST /verify`'s answer to an email change's code or link: GoTrue asks both addresses to
/// confirm (its secure email change), and answers the first with `{"code":"200","msg":…}`.
pub enum EmailChange {
    /// The change is done: a new session of the user, with the new address.
    Done(Box<TokenResponse>),
    /// This address confirmed; the other one has not yet.
    OtherAddress,
}

impl FromJson for EmailChange {
    fn from_json(v: &Value) -> Option<Self> {
        match v.get("access_token") {
            Some(_) => TokenResponse::from_json(v).map(|t| EmailChange::Done(Box::new(t))),
            None => v.get("msg").map(|_| EmailChange::OtherAddress),
        }
    }
}

/// The path with `?redirect_to=` when there is one.
pub(super) fn with_redirect(path: &str, redirect_to: Option<&str>) -> String {
    match redirect_to {
        Some(r) => [path, "?redirect_to=", &super::encode_query(r)].concat(),
        None => path.to_owned(),
    }
}

/// Adds the PKCE challenge (S256) when there is one.
pub(super) fn pkce(body: Object, code_challenge: Option<&str>) -> Object {
    let body = body.opt_str("code_challenge", code_challenge);
    body.opt_str("code_challenge_method", code_challenge.map(|_| "s256"))
}

impl GoTrue {
    /// `GET /settings`.
    pub async fn settings(&self) -> Result<Settings, ApiError> {
        self.send(Method::Get, "/settings", None, None).await
    }

    /// `POST /signup` with an address and a password; `data` is the profile (a JSON object's
    /// text) and `redirect_to` where the confirmation link lands. With neither address nor
    /// password (`email` empty) it is an anonymous sign-in.
    #[cfg(feature = "sign-up")]
    pub async fn sign_up(
        &self,
        email: &str,
        password: &str,
        data: Option<&str>,
        redirect_to: Option<&str>,
        code_challenge: Option<&str>,
    ) -> Result<SignedUp, ApiError> {
        let body = match email {
            "" => Object::new(),
            _ => Object::new().str("email", email).str("password", password),
        };
        let body = match data {
            Some(d) => body.raw("data", d),
            None => body,
        };
        let body = pkce(body, code_challenge).finish();
        self.send(Method::Post, &with_redirect("/signup", redirect_to), None, Some(body)).await
    }

    /// `POST /otp`: emails a sign-in code and link; `create_user` lets it make the account.
    pub async fn send_otp(
        &self,
        email: &str,
        create_user: bool,
        redirect_to: Option<&str>,
        code_challenge: Option<&str>,
    ) -> Result<(), ApiError> {
        let body = Object::new().str("email", email).raw("create_user", bool_json(create_user));
        let body = pkce(body, code_challenge).finish();
        let path = with_redirect("/otp", redirect_to);
        self.send_raw(Method::Post, &path, None, Some(body)).await.map(drop)
    }

    /// `POST /verify` of an email change: the `code` mailed to `email`, or a link's token hash
    /// (`email` empty).
    pub async fn verify_email_change(
        &self,
        email: &str,
        code: &str,
    ) -> Result<EmailChange, ApiError> {
        let body = Object::new().str("type", "email_change");
        let body = match email {
            "" => body.str("token_hash", code),
            _ => body.str("email", email).str("token", code),
        };
        self.send(Method::Post, "/verify", None, Some(body.finish())).await
    }

    /// `POST /resend` of a `kind` (`signup`, `email_change`) mail to `email`.
    pub async fn resend(
        &self,
        kind: &str,
        email: &str,
        redirect_to: Option<&str>,
    ) -> Result<(), ApiError> {
        let body = Object::new().str("type", kind).str("email", email).finish();
        let path = with_redirect("/resend", redirect_to);
        self.send_raw(Method::Post, &path, None, Some(body)).await.map(drop)
    }
}

fn bool_json(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::read;

    #[test]
    fn settings() {
        let s = read::<Settings>(
            r#"{"external":{"anonymous_users":true,"email":true,"github":true,"google":false,"keycloak":true,"phone":true},"disable_signup":false,"passkeys_enabled":true}"#,
        );
        let s = s.unwrap();
        assert!(s.passkeys);
        #[cfg(feature = "social")]
        assert_eq!(s.providers, "github keycloak");
        #[cfg(feature = "sign-up")]
        assert!(s.sign_up && s.anonymous);
        let s = read::<Settings>(r#"{"disable_signup":true}"#);
        assert_eq!(s, Some(Settings::default()));
    }

    #[test]
    #[cfg(feature = "sign-up")]
    fn a_sign_up_answers_a_session_or_a_user() {
        assert!(matches!(
            read::<SignedUp>(r#"{"id":"u","email":"a@x"}"#),
            Some(SignedUp::CheckEmail)
        ));
        let session =
            r#"{"access_token":"a","refresh_token":"r","expires_in":3600,"user":{"id":"u"}}"#;
        assert!(matches!(read::<SignedUp>(session), Some(SignedUp::Session(_))));
        assert!(read::<SignedUp>(r#"{"access_token":"a"}"#).is_none());
    }

    #[test]
    fn an_email_change_answers_done_or_the_other_address() {
        let first = r#"{"code":"200","msg":"Confirmation link accepted. Please proceed to confirm link sent to the other email"}"#;
        assert!(matches!(read::<EmailChange>(first), Some(EmailChange::OtherAddress)));
        let session =
            r#"{"access_token":"a","refresh_token":"r","expires_in":3600,"user":{"id":"u"}}"#;
        assert!(matches!(read::<EmailChange>(session), Some(EmailChange::Done(_))));
        assert!(read::<EmailChange>(r#"{"id":"u"}"#).is_none());
    }

    #[test]
    fn redirects_are_encoded() {
        assert_eq!(
            with_redirect("/otp", Some("http://a/b?c")),
            "/otp?redirect_to=http%3A%2F%2Fa%2Fb%3Fc"
        );
        assert_eq!(with_redirect("/otp", None), "/otp");
    }
}
