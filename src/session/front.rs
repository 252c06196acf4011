//! The front door by email: signing up, a sign-in code instead of a password, confirming an
//! address, a link's session once its page has named the account; and the server's settings.
//! The mails' links land on the confirm page with the page's `next`.

use super::{AuthEvent, AuthStore};
use crate::api::{ApiError, ErrorCode, Settings, TokenResponse};
use crate::AuthRoute;
use leptos::prelude::*;

impl AuthStore {
    /// The server's settings, asked once per page load (`None` when it cannot be reached).
    /// The page that asked may be gone, its store with it, before this runs (`None`) or when
    /// the answer comes (then it is only returned).
    pub(crate) async fn settings(&self) -> Option<Settings> {
        // (`None` from `try_get_value`: the store is gone, and its config with it.)
        if let Some(known) = self.settings.try_get_value()? {
            return Some(known);
        }
        let known = self.request(self.api().settings()).await.ok()?;
        let _ = self.settings.try_set_value(Some(known));
        Some(known)
    }

    /// Where the mails' links land: `{base}/confirm` with this page's `next` and the link's
    /// `kind`, which a PKCE redirect's `?code=` does not say.
    pub(super) fn landing(&self, kind: &str) -> String {
        let confirm =
            self.config.with_value(|c| AuthRoute::Confirm.path_with_next(&c.base, &self.next()));
        [crate::platform::browser::origin(), confirm, "&type=".into(), kind.into()].concat()
    }

    /// Where a sign-in code's mail lets GoTrue make an account ([`AuthConfig::with_code_sign_up`]).
    fn code_makes_accounts(&self) -> bool {
        #[cfg(feature = "sign-up")]
        return self.config.with_value(|c| c.code_sign_up);
        #[cfg(not(feature = "sign-up"))]
        false
    }

    /// Mails a sign-in code (and link) to `email`. Whether the address has an account is not
    /// told: GoTrue's `otp_disabled` (unknown address, sign-up by code off) answers as a sent
    /// code does.
    pub(crate) async fn send_sign_in_code(&self, email: &str) -> Result<(), ApiError> {
        let (to, challenge) = (self.landing("magiclink"), self.pkce_challenge().await?);
        let create = self.code_makes_accounts();
        let api = self.api();
        let call = api.send_otp(email, create, Some(&to), challenge.as_deref());
        match self.request(call).await {
            Err(e) if e.is(&ErrorCode::OtpDisabled) => Ok(()),
            other => other,
        }
    }

    /// Mails a new sign-up confirmation to `email` (GoTrue answers the same for any address).
    pub(crate) async fn resend_confirmation(&self, email: &str) -> Result<(), ApiError> {
        // No new PKCE flow: the mail is the sign-up's, whose verifier this browser keeps.
        let to = self.landing("signup");
        self.request(self.api().resend("signup", email, Some(&to))).await
    }

    /// Signs in with an emailed code: `kind` is `signup` for a sign-up's confirmation, `email`
    /// for a sign-in code. A user with a verified factor then needs it, as after a password.
    pub(crate) async fn verify_email(
        &self,
        email: &str,
        code: &str,
        kind: &str,
    ) -> Result<(), ApiError> {
        let resp = self.request(self.api().verify_email_code(email, code, kind)).await?;
        self.adopt_response(resp, AuthEvent::SignedIn)
    }

    /// Signs in with the session of a verified sign-in link (sign-up, magic link, invite),
    /// once its page has named the account.
    pub(crate) fn adopt_link(&self, resp: TokenResponse) -> Result<(), ApiError> {
        self.adopt_response(resp, AuthEvent::SignedIn)
    }
}

/// Signing up, and anonymous users (feature `sign-up`).
#[cfg(feature = "sign-up")]
impl AuthStore {
    /// Makes an account. `Ok(true)`: signed in at once (the project confirms addresses by
    /// itself); `Ok(false)`: a code and link were mailed. An address that already has an
    /// account answers `Ok(false)` too (GoTrue makes up a user and mails nothing), and so does
    /// a sign-up again within the mail interval: nothing here tells them apart.
    pub(crate) async fn sign_up(
        &self,
        email: &str,
        password: &str,
        data: Option<String>,
    ) -> Result<bool, ApiError> {
        let (to, challenge) = (self.landing("signup"), self.pkce_challenge().await?);
        let api = self.api();
        let call = api.sign_up(email, password, data.as_deref(), Some(&to), challenge.as_deref());
        match self.request(call).await {
            Ok(crate::api::SignedUp::Session(resp)) => {
                self.adopt_response(*resp, AuthEvent::SignedIn).map(|()| true)
            }
            Ok(crate::api::SignedUp::CheckEmail) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Signs in without an account: an anonymous user (when the project allows it:
    /// `GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED`), who can later keep what they did by
    /// signing up, which converts them. [`AuthStore::is_anonymous`] tells.
    pub async fn sign_in_anonymously(&self) -> Result<(), ApiError> {
        match self.request(self.api().sign_up("", "", None, None, None)).await? {
            crate::api::SignedUp::Session(resp) => self.adopt_response(*resp, AuthEvent::SignedIn),
            crate::api::SignedUp::CheckEmail => {
                Err(ApiError::Decode("no anonymous session".into()))
            }
        }
    }

    /// Converts the anonymous user signed in here into one with `email` (and `data`), same id
    /// and data. `Ok(false)`: a code was mailed, and verifying it ([`AuthStore::verify_email`]
    /// with `email_change`) makes the account theirs; an address that has an account answers
    /// the same (GoTrue's `email_exists`): nothing tells it apart. `Ok(true)`: changed at once
    /// (a project that confirms addresses by itself), and the session renewed to say so.
    pub(crate) async fn convert_anonymous(
        &self,
        email: &str,
        data: Option<String>,
    ) -> Result<bool, ApiError> {
        let update =
            crate::api::UserUpdate { email: Some(email.to_owned()), data, ..Default::default() };
        let update = &update;
        let call = |api: crate::api::GoTrue, token: String| async move {
            api.update_user(&token, update, None).await
        };
        match self.authed(call).await {
            Ok(user) if crate::landing::same_address(&user.email, email) => {
                self.refresh().await.map(|()| true)
            }
            Ok(_) => Ok(false),
            Err(e) if e.is(&ErrorCode::EmailExists) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Mails a conversion's code again. GoTrue's `/resend` finds users by their current
    /// address, which an anonymous user has none of: the change is asked for again instead.
    pub(crate) async fn resend_conversion(&self, email: &str) -> Result<(), ApiError> {
        self.convert_anonymous(email, None).await.map(drop)
    }
}
