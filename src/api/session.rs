//! Token grants and logout.

use super::client::{json, GoTrue, Method};
use super::{ApiError, LogoutScope, TokenResponse};
use serde::Serialize;

#[derive(Serialize)]
struct PasswordGrant<'a> {
    email: &'a str,
    password: &'a str,
}

#[derive(Serialize)]
struct RefreshGrant<'a> {
    refresh_token: &'a str,
}

#[derive(Serialize)]
struct PkceGrant<'a> {
    auth_code: &'a str,
    code_verifier: &'a str,
}

impl GoTrue {
    /// `POST /token?grant_type=password`: signs in with email and password (always aal1).
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, ErrorCode, GoTrue};
    /// # async fn example(api: &GoTrue) -> Result<(), ApiError> {
    /// match api.sign_in_password("jane@example.com", "correct horse").await {
    ///     Ok(resp) if resp.user.has_verified_factor() => { /* aal1: ask for the second factor */ }
    ///     Ok(resp) => { /* signed in: keep `resp.access_token` and `resp.refresh_token` */ }
    ///     Err(e) if e.is(&ErrorCode::InvalidCredentials) => { /* wrong email or password */ }
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_password(
        &self,
        email: &str,
        password: &str,
    ) -> Result<TokenResponse, ApiError> {
        let body = json(&PasswordGrant { email, password });
        self.send(Method::Post, "/token?grant_type=password", None, body).await
    }

    /// `POST /token?grant_type=refresh_token`: rotates the refresh token, same session.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, GoTrue, TokenResponse};
    /// # async fn example(api: &GoTrue, stored: &TokenResponse) -> Result<(), ApiError> {
    /// let fresh = api.refresh(&stored.refresh_token).await?;
    /// // The old refresh token is now spent: persist `fresh.refresh_token` before anything else.
    /// assert_ne!(fresh.refresh_token, stored.refresh_token);
    /// # Ok(()) }
    /// ```
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse, ApiError> {
        let body = json(&RefreshGrant { refresh_token });
        self.send(Method::Post, "/token?grant_type=refresh_token", None, body).await
    }

    /// `POST /token?grant_type=pkce`: exchanges a PKCE auth code (from an emailed link).
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, GoTrue};
    /// use leptos_supabase_auth::otp::{extract_link_token, LinkToken};
    /// # async fn example(api: &GoTrue, pasted_link: &str, verifier: &str)
    /// #     -> Result<(), ApiError> {
    /// // `verifier` is the one whose S256 challenge was sent with `recover`.
    /// if let Some(LinkToken::Code(code)) = extract_link_token(pasted_link) {
    ///     let session = api.exchange_code(&code, verifier).await?; // a recovery session
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn exchange_code(
        &self,
        auth_code: &str,
        code_verifier: &str,
    ) -> Result<TokenResponse, ApiError> {
        let body = json(&PkceGrant { auth_code, code_verifier });
        self.send(Method::Post, "/token?grant_type=pkce", None, body).await
    }

    /// `POST /logout?scope=...`: ends this, all, or all other sessions.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, GoTrue};
    /// use leptos_supabase_auth::LogoutScope;
    /// # async fn example(api: &GoTrue, access_token: &str) -> Result<(), ApiError> {
    /// // "Sign out of other devices": this session stays valid.
    /// api.logout(access_token, LogoutScope::Others).await?;
    /// # Ok(()) }
    /// ```
    pub async fn logout(&self, access_token: &str, scope: LogoutScope) -> Result<(), ApiError> {
        let path = ["/logout?scope=", scope.as_str()].concat();
        self.send_raw(Method::Post, &path, Some(access_token), None).await.map(drop)
    }
}
