//! How the store sends a GoTrue request: under a timeout (a request that takes longer is
//! aborted), and with the access token for the user's own endpoints.

use super::{state, AuthStore};
use crate::api::{ApiError, GoTrue};
use leptos::prelude::*;

/// How long one GoTrue request may take before it counts as a network failure.
const REQUEST_TIMEOUT_MS: i32 = 15_000;

impl AuthStore {
    /// Runs one GoTrue request with the timeout. A request that times out is dropped, and the
    /// client aborts a dropped request's `fetch`: nothing keeps running in the browser.
    pub(super) async fn request<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        crate::platform::browser::timeout(REQUEST_TIMEOUT_MS, fut)
            .await
            .unwrap_or_else(|| Err(ApiError::Transport("the request timed out".into())))
    }

    /// Runs one request with the current access token; an answer that says the session is
    /// gone on the server signs out here.
    pub(super) async fn authed<T, F, Fut>(&self, call: F) -> Result<T, ApiError>
    where
        F: FnOnce(GoTrue, String) -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let token = self.access_token().await?;
        let epoch = self.epoch.get_value();
        let result = self.request(call(self.api(), token)).await;
        if let Err(e) = &result {
            if state::session_gone(e) && self.epoch.get_value() == epoch {
                self.clear_session();
            }
        }
        result
    }
}

/// The error of a command that needs a session when there is none.
pub(super) fn not_signed_in() -> ApiError {
    ApiError::Auth(crate::api::AuthError {
        code: crate::api::ErrorCode::SessionNotFound,
        message: String::new(),
        status: 401,
        weak_reasons: Vec::new(),
        retry_after_secs: None,
    })
}
