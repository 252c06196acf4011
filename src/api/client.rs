//! The transport: builds requests, sends them with gloo-net, decodes answers and errors.

use super::error::{parse_error, ApiError};
use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use std::rc::Rc;

/// A GoTrue client for one project: its base URL (ending in `/auth/v1`) and anon key.
///
/// Cheap to clone. Every method is one HTTP request; nothing is cached.
#[derive(Clone, Debug, PartialEq)]
pub struct GoTrue {
    base: Rc<str>,
    anon_key: Rc<str>,
}

/// HTTP methods the client uses.
#[derive(Clone, Copy)]
pub(super) enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl GoTrue {
    /// A client for the GoTrue API at `base` (e.g. `https://x.supabase.co/auth/v1`).
    pub fn new(base: &str, anon_key: &str) -> Self {
        Self { base: base.trim_end_matches('/').into(), anon_key: anon_key.into() }
    }

    fn builder(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        let builder = match method {
            Method::Get => Request::get(&url),
            Method::Post => Request::post(&url),
            Method::Put => Request::put(&url),
            Method::Delete => Request::delete(&url),
        }
        .header("apikey", &self.anon_key)
        .header("X-Supabase-Api-Version", "2024-01-01");
        match token {
            Some(t) => builder.header("Authorization", &["Bearer ", t].concat()),
            None => builder,
        }
    }

    /// Sends a request and returns the raw body text of a 2xx answer.
    pub(super) async fn send_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> Result<String, ApiError> {
        let builder = self.builder(method, path, token);
        let request = match body {
            Some(json) => builder
                .header("Content-Type", "application/json;charset=UTF-8")
                .body(json)
                .map_err(|e| ApiError::Transport(e.to_string()))?,
            None => builder.build().map_err(|e| ApiError::Transport(e.to_string()))?,
        };
        let response = request.send().await.map_err(|e| ApiError::Transport(e.to_string()))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| ApiError::Transport(e.to_string()))?;
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            let retry_after = response.headers().get("retry-after");
            Err(ApiError::Auth(parse_error(status, retry_after.as_deref(), &text)))
        }
    }

    /// Sends a request and decodes a JSON answer.
    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        let text = self.send_raw(method, path, token, body).await?;
        serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
    }
}

/// Serialises a request body (infallible for the plain structs used here).
pub(super) fn json<T: serde::Serialize>(value: &T) -> Option<String> {
    serde_json::to_string(value).ok()
}
