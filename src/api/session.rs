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
    pub async fn sign_in_password(
        &self,
        email: &str,
        password: &str,
    ) -> Result<TokenResponse, ApiError> {
        let body = json(&PasswordGrant { email, password });
        self.send(Method::Post, "/token?grant_type=password", None, body).await
    }

    /// `POST /token?grant_type=refresh_token`: rotates the refresh token, same session.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse, ApiError> {
        let body = json(&RefreshGrant { refresh_token });
        self.send(Method::Post, "/token?grant_type=refresh_token", None, body).await
    }

    /// `POST /token?grant_type=pkce`: exchanges a PKCE auth code (from an emailed link).
    pub async fn exchange_code(
        &self,
        auth_code: &str,
        code_verifier: &str,
    ) -> Result<TokenResponse, ApiError> {
        let body = json(&PkceGrant { auth_code, code_verifier });
        self.send(Method::Post, "/token?grant_type=pkce", None, body).await
    }

    /// `POST /logout?scope=...`: ends this, all, or all other sessions.
    pub async fn logout(&self, access_token: &str, scope: LogoutScope) -> Result<(), ApiError> {
        let path = ["/logout?scope=", scope.as_str()].concat();
        self.send_raw(Method::Post, &path, Some(access_token), None).await.map(drop)
    }
}
