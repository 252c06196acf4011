//! Social sign-in: sending the browser to a provider through GoTrue's `/authorize`, and taking
//! what comes back to `{base}/callback` only when this browser started that flow. The
//! provider's tokens are kept in memory for this page's life, never stored.

use super::{AuthEvent, AuthStore};
use crate::api::identities::Identity;
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
    /// The provider a round trip just connected, for Settings → Security to announce.
    static CONNECTED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Whether a round trip connected a provider that [`take_connected`] has not announced yet.
pub(crate) fn connected_waiting() -> bool {
    CONNECTED.with(|c| c.borrow().is_some())
}

/// The provider a round trip connected since this was last asked (in memory: once).
pub(crate) fn take_connected() -> Option<String> {
    CONNECTED.with(|c| c.borrow_mut().take())
}

/// What finishing a round trip did.
#[derive(Debug)]
pub(crate) enum Finished {
    /// Signed in: the store's state says whether a second factor is still needed.
    SignedIn,
    /// A session the page names before it counts ([`AuthStore::adopt_oauth`]): the implicit
    /// flow's tokens (bound to this tab only by its mark, not by a secret), or a connection
    /// that came back for another account than the one signed in here.
    Named(Box<OAuthSession>),
    /// A provider is now connected to the signed-in user, whose own session stays (renewed).
    Connected,
}

/// How [`STARTED_KEY`] marks a round trip that connects `provider` (not a sign-in).
const CONNECT_MARK: &str = "connect:";

impl AuthStore {
    /// Sends the browser to `provider` (a name the server has on, such as `google`) to sign
    /// in, or sign up; it comes back to `{base}/callback`, then goes on to this page's `next`.
    /// Only an error to show comes back here (the browser is gone otherwise).
    pub async fn sign_in_with_provider(&self, provider: &str) -> Result<(), ApiError> {
        // A part of its own, fetched on the press: the buttons alone are on the first load.
        #[cfg(feature = "split")]
        return match part::start(*self, provider.to_owned()).await {
            Ok(starting) => starting.await,
            Err(_) => Err(ApiError::Transport("sign-in part unavailable".into())),
        };
        #[cfg(not(feature = "split"))]
        self.start_oauth(provider.to_owned()).await
    }

    /// The body of [`AuthStore::sign_in_with_provider`].
    async fn start_oauth(self, provider: String) -> Result<(), ApiError> {
        let provider = provider.as_str();
        let (challenge, redirect_to) = self.round_trip(&self.next()).await?;
        let url = self.config.with_value(|c| {
            self.api().authorize_url(&authorize(c, provider, &redirect_to, challenge.as_deref()))
        });
        storage::set(Area::Session, STARTED_KEY, "1");
        crate::platform::browser::leave_for(&url);
        Ok(())
    }

    /// Connects the signed-in user's account at `provider` (GoTrue's manual linking): the
    /// browser goes to the provider and comes back through `{base}/callback` to Settings →
    /// Security. Errors (`manual_linking_disabled`) come back here.
    pub(crate) async fn connect_provider(&self, provider: &str) -> Result<(), ApiError> {
        let security = self.config.with_value(|c| AuthRoute::Security.path(&c.base));
        let (challenge, redirect_to) = self.round_trip(&security).await?;
        let a =
            self.config.with_value(|c| authorize(c, provider, &redirect_to, challenge.as_deref()));
        let url = self
            .authed(|api, token| async move { api.link_identity_url(&token, &a).await })
            .await?;
        storage::set(Area::Session, STARTED_KEY, &[CONNECT_MARK, provider].concat());
        crate::platform::browser::leave_for(&url);
        Ok(())
    }

    /// The signed-in user's ways to sign in.
    pub(crate) async fn identities(&self) -> Result<Vec<Identity>, ApiError> {
        self.authed(|api, token| async move { api.identities(&token).await }).await
    }

    /// Disconnects one of the user's identities (never the last: the server refuses it), then
    /// renews the session so its token lists the providers left.
    pub(crate) async fn disconnect_identity(&self, id: &str) -> Result<(), ApiError> {
        self.authed(|api, token| async move { api.unlink_identity(&token, id).await }).await?;
        // The identity is gone either way; a failed renewal only leaves an older token.
        let _ = self.refresh().await;
        Ok(())
    }

    /// The PKCE challenge (`None`: the implicit flow) and `redirect_to` of a round trip that
    /// goes on to `next`.
    async fn round_trip(&self, next: &str) -> Result<(Option<String>, String), ApiError> {
        let (implicit, base) = self.config.with_value(|c| (c.implicit_oauth, c.base.clone()));
        let challenge = match implicit {
            true => None,
            false => Some(pkce::begin_at(pkce::OAUTH_VERIFIER_KEY).await?),
        };
        let callback = AuthRoute::Callback.path_with_next(&base, next);
        Ok((challenge, [crate::platform::browser::origin(), callback].concat()))
    }

    /// Whether this tab's round trip connects a provider (the callback page's title).
    pub(crate) fn connecting(&self) -> bool {
        storage::get(Area::Session, STARTED_KEY).is_some_and(|m| m.starts_with(CONNECT_MARK))
    }

    /// Takes what the provider's round trip brought to `{base}/callback`: a code (exchanged
    /// with this browser's verifier) or the implicit flow's tokens (only when this tab started
    /// a round trip, and then named before they count); anything else signs nobody in.
    pub(crate) async fn finish_oauth(&self, callback: Callback) -> Result<Finished, ApiError> {
        let mark = storage::get(Area::Session, STARTED_KEY);
        storage::remove(Area::Session, STARTED_KEY);
        let connect = mark.as_deref().and_then(|m| m.strip_prefix(CONNECT_MARK)).map(str::to_owned);
        let (got, named) = match callback {
            Callback::Code(code) => {
                let verifier =
                    pkce::verifier_at(pkce::OAUTH_VERIFIER_KEY).ok_or_else(not_started_here)?;
                let got = self.request(self.api().exchange_oauth_code(&code, &verifier)).await?;
                // Only a successful exchange spends the verifier: a network error can be retried.
                storage::remove(Area::Local, pkce::OAUTH_VERIFIER_KEY);
                (got, false)
            }
            Callback::Tokens {
                access_token,
                refresh_token,
                expires_in,
                provider_token,
                provider_refresh_token,
            } if mark.is_some() => {
                let user = self.request(self.api().get_user(&access_token)).await?;
                let session = TokenResponse {
                    access_token,
                    refresh_token,
                    expires_in,
                    expires_at: None,
                    user,
                };
                (OAuthSession { session, provider_token, provider_refresh_token }, true)
            }
            Callback::Tokens { .. } | Callback::Nothing => return Err(not_started_here()),
            Callback::Error(code) => return Err(callback_error(&code)),
        };
        if let Some(provider) = connect {
            // GoTrue signed the user in afresh (aal1): this user's own session stays instead.
            return Ok(match self.settle_new_session(got.session.clone()).await? {
                None => {
                    let (user, access, refresh) =
                        (&got.session.user.id, got.provider_token, got.provider_refresh_token);
                    keep_provider_tokens(user, access, refresh);
                    CONNECTED.with(|c| *c.borrow_mut() = Some(provider));
                    Finished::Connected
                }
                // Another account than the one signed in here: named first, like any other.
                Some(_) => Finished::Named(Box::new(got)),
            });
        }
        if named {
            return Ok(Finished::Named(Box::new(got)));
        }
        self.adopt_oauth(got).map(|()| Finished::SignedIn)
    }

    /// Signs in with a round trip's session (once its page has named the account, when it
    /// had to), keeping the provider's tokens for this page's life.
    pub(crate) fn adopt_oauth(&self, got: OAuthSession) -> Result<(), ApiError> {
        keep_provider_tokens(&got.session.user.id, got.provider_token, got.provider_refresh_token);
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

/// The authorization of a round trip to `provider` with the host's options for it.
fn authorize<'a>(
    c: &crate::AuthConfig,
    provider: &'a str,
    redirect_to: &'a str,
    code_challenge: Option<&'a str>,
) -> Authorize<'a> {
    let options = c.providers.iter().find(|p| p.name == provider);
    Authorize {
        provider,
        redirect_to,
        code_challenge,
        scopes: options.map_or("", |p| p.scopes),
        query: options.map_or(&[], |p| p.query),
    }
}

/// Keeps a provider's tokens in memory, for `user_id`'s session.
fn keep_provider_tokens(user_id: &str, access: Option<String>, refresh: Option<String>) {
    let tokens = ProviderTokens { user_id: user_id.to_owned(), access, refresh };
    PROVIDER.with(|p| *p.borrow_mut() = Some(tokens));
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

/// The start of a sign-in round trip as a split part: declared by hand because it returns a
/// future, not a view (like the refresh, `session::refresh`).
#[cfg(feature = "split")]
#[allow(unsafe_code, improper_ctypes_definitions)]
mod part {
    use super::{ApiError, AuthStore};
    use leptos::wasm_split::SplitLoaderError;
    use std::{future::Future, pin::Pin};

    /// A round trip being started.
    pub type Starting = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;

    #[leptos::wasm_split::wasm_split(oauth_start, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn start(store: AuthStore, provider: String) -> Result<Starting, SplitLoaderError> {
        Ok(Box::pin(store.start_oauth(provider)))
    }
}
