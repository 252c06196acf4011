//! Social sign-in: sending the browser to a provider through GoTrue's `/authorize`, and taking
//! what comes back to `{base}/callback` only when this browser started that flow. The
//! provider's tokens are kept in memory for this page's life, never stored.

use super::{AuthEvent, AuthStore};
use crate::api::oauth::{Authorize, Callback, OAuthSession};
use crate::api::{pkce, ApiError, TokenResponse};
use crate::platform::storage::{self, Area};
use crate::AuthRoute;
use leptos::prelude::*;
use std::cell::RefCell;

/// This tab started a round trip (`sessionStorage`): the implicit flow's tokens count only
/// then. (A PKCE code needs this browser's verifier besides.)
const STARTED_KEY: &str = "lsa.oauth.started";

/// The error of a callback this browser did not start (its code for the page's message).
pub(crate) const NOT_STARTED_HERE: &str = "not_started_here";

/// A provider's tokens, with the user they came for.
#[derive(Clone)]
struct ProviderTokens {
    user_id: String,
    access: Option<String>,
    refresh: Option<String>,
}

thread_local! {
    static PROVIDER: RefCell<Option<ProviderTokens>> = const { RefCell::new(None) };
}

impl AuthStore {
    /// Sends the browser to `provider` (a name the server has on, such as `google`) to sign
    /// in, or sign up; it comes back to `{base}/callback`, then goes on to this page's `next`.
    /// Only an error to show comes back here (the browser is gone otherwise).
    pub async fn sign_in_with_provider(&self, provider: &str) -> Result<(), ApiError> {
        let (implicit, base) = self.config.with_value(|c| (c.implicit_oauth, c.base.clone()));
        let challenge = match implicit {
            true => None,
            false => Some(pkce::begin_at(pkce::OAUTH_VERIFIER_KEY).await?),
        };
        let callback = AuthRoute::Callback.path_with_next(&base, &self.next());
        let redirect_to = [crate::platform::browser::origin(), callback].concat();
        let url = self.config.with_value(|c| {
            let options = c.providers.iter().find(|p| p.name == provider);
            let a = Authorize {
                provider,
                redirect_to: &redirect_to,
                code_challenge: challenge.as_deref(),
                scopes: options.map_or("", |p| p.scopes),
                query: options.map_or(&[], |p| p.query),
            };
            self.api().authorize_url(&a)
        });
        storage::set(Area::Session, STARTED_KEY, "1");
        crate::platform::browser::leave_for(&url);
        Ok(())
    }

    /// Takes what the provider's round trip brought to `{base}/callback`: a code (exchanged
    /// with this browser's verifier) or the implicit flow's tokens (only when this tab started
    /// a round trip); anything else signs nobody in. Once adopted, the store's state says
    /// whether a second factor is still needed.
    pub(crate) async fn finish_oauth(&self, callback: Callback) -> Result<(), ApiError> {
        let started = storage::get(Area::Session, STARTED_KEY).is_some();
        storage::remove(Area::Session, STARTED_KEY);
        let got = match callback {
            Callback::Code(code) => {
                let verifier =
                    pkce::verifier_at(pkce::OAUTH_VERIFIER_KEY).ok_or_else(not_started_here)?;
                let got = self.request(self.api().exchange_oauth_code(&code, &verifier)).await?;
                // Only a successful exchange spends the verifier: a network error can be retried.
                storage::remove(Area::Local, pkce::OAUTH_VERIFIER_KEY);
                got
            }
            Callback::Tokens {
                access_token,
                refresh_token,
                expires_in,
                provider_token,
                provider_refresh_token,
            } if started => {
                let user = self.request(self.api().get_user(&access_token)).await?;
                let session = TokenResponse {
                    access_token,
                    refresh_token,
                    expires_in,
                    expires_at: None,
                    user,
                };
                OAuthSession { session, provider_token, provider_refresh_token }
            }
            Callback::Tokens { .. } | Callback::Nothing => return Err(not_started_here()),
            Callback::Error(code) => return Err(callback_error(&code)),
        };
        let tokens = ProviderTokens {
            user_id: got.session.user.id.clone(),
            access: got.provider_token,
            refresh: got.provider_refresh_token,
        };
        PROVIDER.with(|p| *p.borrow_mut() = Some(tokens));
        self.adopt_response(got.session, AuthEvent::SignedIn)
    }

    /// The provider's access token of the social sign-in that made this session, for the
    /// host's own calls to the provider (kept for this page's life only: `None` after a
    /// reload, or for any other session).
    pub fn provider_token(&self) -> Option<String> {
        self.provider_tokens().and_then(|t| t.access)
    }

    /// The provider's refresh token of that sign-in, when the provider gave one.
    pub fn provider_refresh_token(&self) -> Option<String> {
        self.provider_tokens().and_then(|t| t.refresh)
    }

    fn provider_tokens(&self) -> Option<ProviderTokens> {
        let user = self.session_untracked()?.user.id;
        PROVIDER.with(|p| p.borrow().clone()).filter(|t| t.user_id == user)
    }
}

/// A callback this browser did not ask for.
fn not_started_here() -> ApiError {
    callback_error(NOT_STARTED_HERE)
}

/// GoTrue's error of a callback, as an error with its code.
fn callback_error(code: &str) -> ApiError {
    ApiError::Auth(crate::api::AuthError {
        code: crate::api::ErrorCode::parse(code),
        message: String::new(),
        status: 400,
        weak_reasons: vec![],
        retry_after_secs: None,
    })
}
