//! Token grants and logout.

use super::client::{GoTrue, Method};
use super::{ApiError, LogoutScope, TokenResponse};
use crate::json::Object;

impl GoTrue {
    /// `POST /token?grant_type=password`: signs in with email and password (always aal1).
    pub async fn sign_in_password(
        &self,
        email: &str,
        password: &str,
    ) -> Result<TokenResponse, ApiError> {
        let body = Object::new().str("email", email).str("password", password).finish();
        self.send(Method::Post, "/token?grant_type=password", None, Some(body)).await
    }

    /// `POST /token?grant_type=refresh_token`: rotates the refresh token, same session.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse, ApiError> {
        let body = Object::new().str("refresh_token", refresh_token).finish();
        self.send(Method::Post, "/token?grant_type=refresh_token", None, Some(body)).await
    }

    /// `POST /token?grant_type=pkce`: exchanges a PKCE auth code (from an emailed link).
    pub async fn exchange_code(
        &self,
        auth_code: &str,
        code_verifier: &str,
    ) -> Result<TokenResponse, ApiError> {
        let body = Object::new().str("auth_code", auth_code).str("code_verifier", code_verifier);
        self.send(Method::Post, "/token?grant_type=pkce", None, Some(body.finish())).await
    }

    /// `POST /logout?scope=...`: ends this, all, or all other sessions.
    pub async fn logout(&self, access_token: &str, scope: LogoutScope) -> Result<(), ApiError> {
        let path = ["/logout?scope=", scope.as_str()].concat();
        self.send_raw(Method::Post, &path, Some(access_token), None).await.map(drop)
    }
}
